package dev.secondsite.core.plan;

/**
 * The three kinds of failover (SPEC F1-F3). A plan's {@link PlanAction actions} say for which kinds they run, and the
 * kind decides whether the shutdown step runs (RP7).
 *
 * <p>Thread-safe (an enum).
 */
public enum FailoverKind {
    /** Into an isolated network; the source VMs keep running and replicating (F1). Never shuts the source down. */
    TEST,
    /** No data loss: the source VMs are shut down first, always (F2). */
    PLANNED,
    /** Disaster: from a recovery point; the source VMs are shut down only when asked (F3). */
    UNPLANNED
}
