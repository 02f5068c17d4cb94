package dev.secondsite.core.plan;

/**
 * Which way a failover goes between a plan's source (primary) and target (recovery) servers. A failback is a planned
 * failover {@link #RECOVERY_TO_PRIMARY} (F5). A plan's {@link PlanAction actions} say for which directions they run.
 *
 * <p>Thread-safe (an enum).
 */
public enum FailoverDirection {
    PRIMARY_TO_RECOVERY,
    RECOVERY_TO_PRIMARY
}
