package dev.secondsite.core.plan;

/**
 * The steps of a plan, in the order they run (RP7): shutting the source VMs down, failing every VM over, then the
 * boot groups 1..n.
 *
 * <p>Thread-safe (an enum).
 */
public enum StageKind {
    /** Turns the source VMs off: always for a planned failover, when asked for an unplanned one, never for a test. */
    SHUTDOWN,
    /** Fails every VM of the plan over, in parallel (bounded by the engine). */
    FAILOVER,
    /** Starts the VMs of one boot group, in waves that respect their dependencies (RP3). */
    BOOT
}
