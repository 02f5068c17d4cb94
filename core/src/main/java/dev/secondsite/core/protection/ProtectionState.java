package dev.secondsite.core.protection;

import java.util.Set;

/**
 * The states of a protected VM (SPEC section 6). The allowed moves between them are in one table,
 * {@link ProtectionStateMachine}; a host driver maps Hyper-V's replication states onto these.
 *
 * <p>Thread-safe (an enum).
 */
public enum ProtectionState {
    /** Not protected: before {@code ENABLE}/{@code ONBOARD}, or after {@code DISABLE}. */
    UNPROTECTED,
    /** Replication is being enabled on the primary host and the replica created (E1). */
    ENABLING,
    /** The first copy is on its way, over the network or offline (C10). */
    INITIAL_REPLICATION,
    /** Protection is finalized; the VM is ready for failover (E1). */
    PROTECTED,
    /** A test VM runs beside the replica; replication goes on (F1). One at a time (F8). */
    TEST_FAILOVER_RUNNING,
    /** The primary VM is being shut down and its last changes replicated (F2). */
    PLANNED_FAILOVER_RUNNING,
    /** The replica is being started from a recovery point (F3). */
    UNPLANNED_FAILOVER_RUNNING,
    /** The VM runs on the other side; the recovery point can still be changed (F4). */
    FAILED_OVER,
    /** The recovery point is final; the others are deleted (F4). */
    COMMITTED,
    /** The side that now runs the VM replicates back to the other (F5). */
    REVERSE_REPLICATING;

    /** The operations {@link ProtectionStateMachine} allows in this state. */
    public Set<ProtectionOperation> allowedOperations() {
        return ProtectionStateMachine.allowedOperations(this);
    }
}
