package dev.secondsite.core.protection;

/**
 * What can be done to a protected VM; {@link ProtectionStateMachine} says in which state each is allowed.
 *
 * <p>Thread-safe (an enum).
 */
public enum ProtectionOperation {
    /** Start protecting the VM: enable replication (E1). */
    ENABLE,
    /** Take over replication Hyper-V Replica already does for the VM, reusing its replica (E3). */
    ONBOARD,
    /** Start the first copy (C10). */
    START_INITIAL_REPLICATION,
    /** Finalize protection once the first copy arrived (E1). */
    FINALIZE,
    /** Start a test failover (F1). */
    TEST_FAILOVER,
    /** Delete the test VM of a test failover (F1). */
    CLEANUP_TEST_FAILOVER,
    /** Start a planned failover, in the direction away from the side that runs the VM (F2). */
    PLANNED_FAILOVER,
    /** Start an unplanned failover from a recovery point (F3). */
    UNPLANNED_FAILOVER,
    /** The failover's VM runs on the other side: the failover is done (F2, F3). */
    COMPLETE_FAILOVER,
    /** Undo a failover that has not completed; the way back when a failover step fails. */
    CANCEL_FAILOVER,
    /** Choose another recovery point before commit (F4). */
    CHANGE_RECOVERY_POINT,
    /** Make the recovery point final (F4). */
    COMMIT,
    /** Start replicating from the side that now runs the VM back to the other (F5, reprotect). */
    REVERSE_REPLICATE,
    /** Reverse replication is in place: the VM is protected again, with the sites swapped (F5). */
    FINISH_REVERSE_REPLICATION,
    /** Stop protecting the VM (E4, C11). */
    DISABLE;

    /** True for the two operations that start a failover that changes the running side. */
    public boolean startsFailover() {
        return this == PLANNED_FAILOVER || this == UNPLANNED_FAILOVER;
    }
}
