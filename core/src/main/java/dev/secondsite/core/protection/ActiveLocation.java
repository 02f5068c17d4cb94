package dev.secondsite.core.protection;

/**
 * Which side of its pairing runs a protected VM and replicates it: the pairing's primary cloud or its recovery
 * (target) cloud. A completed failover switches it; a failback is a planned failover from {@link #RECOVERY}.
 *
 * <p>Thread-safe (an enum).
 */
public enum ActiveLocation {
    PRIMARY,
    RECOVERY;

    /** The other side. */
    public ActiveLocation other() {
        return this == PRIMARY ? RECOVERY : PRIMARY;
    }
}
