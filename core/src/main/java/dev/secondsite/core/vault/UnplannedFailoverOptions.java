package dev.secondsite.core.vault;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.plan.FailoverDirection;
import dev.secondsite.core.spi.RecoveryPointChoice;

/**
 * The inputs of an unplanned failover (F3): which way, from which recovery point, and whether to try to shut the
 * source VMs down first (RP7; a failed shutdown is recorded and the failover goes on, since the source may be gone).
 *
 * <p>Immutable and thread-safe.
 *
 * @param direction which way the VMs fail over
 * @param recoveryPoint the point the VMs fail over to
 * @param shutdownSource whether to try to shut the source VMs down first
 */
public record UnplannedFailoverOptions(FailoverDirection direction, RecoveryPointChoice recoveryPoint,
                                       boolean shutdownSource) {
    public UnplannedFailoverOptions {
        requireNonNull(direction, "direction");
        requireNonNull(recoveryPoint, "recoveryPoint");
    }

    /** Primary to recovery, latest point, no shutdown of the source. */
    public static UnplannedFailoverOptions defaults() {
        return new UnplannedFailoverOptions(FailoverDirection.PRIMARY_TO_RECOVERY, RecoveryPointChoice.latest(),
                false);
    }

    public UnplannedFailoverOptions withDirection(FailoverDirection direction) {
        return new UnplannedFailoverOptions(direction, recoveryPoint, shutdownSource);
    }

    public UnplannedFailoverOptions withRecoveryPoint(RecoveryPointChoice recoveryPoint) {
        return new UnplannedFailoverOptions(direction, recoveryPoint, shutdownSource);
    }

    public UnplannedFailoverOptions withShutdownSource(boolean shutdownSource) {
        return new UnplannedFailoverOptions(direction, recoveryPoint, shutdownSource);
    }
}
