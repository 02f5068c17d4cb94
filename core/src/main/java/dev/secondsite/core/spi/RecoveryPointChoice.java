package dev.secondsite.core.spi;

import dev.secondsite.core.internal.Checks;

/**
 * Which recovery point a failover starts from (F3): the latest, the latest app-consistent, or a chosen one.
 *
 * <p>Every implementation is an immutable record and thread-safe.
 */
public sealed interface RecoveryPointChoice {
    static RecoveryPointChoice latest() {
        return Latest.INSTANCE;
    }

    static RecoveryPointChoice latestAppConsistent() {
        return LatestAppConsistent.INSTANCE;
    }

    /** @throws dev.secondsite.core.InvalidConfigurationException (INPUT) when {@code id} is blank */
    static RecoveryPointChoice of(String id) {
        return new Chosen(id);
    }

    /** The latest point (for a planned failover: the point holding the last changes, no data loss). */
    record Latest() implements RecoveryPointChoice {
        private static final Latest INSTANCE = new Latest();

        @Override
        public String toString() {
            return "latest";
        }
    }

    /** The latest application-consistent (VSS) point. */
    record LatestAppConsistent() implements RecoveryPointChoice {
        private static final LatestAppConsistent INSTANCE = new LatestAppConsistent();

        @Override
        public String toString() {
            return "latest app-consistent";
        }
    }

    /** A point chosen by id from {@link HostCommand.ListRecoveryPoints}. */
    record Chosen(String id) implements RecoveryPointChoice {
        public Chosen {
            Checks.text("recovery point", "id", id);
        }

        @Override
        public String toString() {
            return "point " + id;
        }
    }
}
