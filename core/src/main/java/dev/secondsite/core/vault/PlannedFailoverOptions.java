package dev.secondsite.core.vault;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.plan.FailoverDirection;

/**
 * The inputs of a planned failover (F2): only its direction. It always shuts the source down and fails over to the
 * latest data with none lost, so it has no recovery point and no shutdown choice to ignore.
 *
 * <p>Immutable and thread-safe.
 *
 * @param direction which way the VMs fail over ({@link FailoverDirection#RECOVERY_TO_PRIMARY} is a failback, F5)
 */
public record PlannedFailoverOptions(FailoverDirection direction) {
    public PlannedFailoverOptions {
        requireNonNull(direction, "direction");
    }

    /** Primary to recovery. */
    public static PlannedFailoverOptions defaults() {
        return new PlannedFailoverOptions(FailoverDirection.PRIMARY_TO_RECOVERY);
    }

    /** Recovery to primary: a failback (F5). */
    public static PlannedFailoverOptions failback() {
        return new PlannedFailoverOptions(FailoverDirection.RECOVERY_TO_PRIMARY);
    }
}
