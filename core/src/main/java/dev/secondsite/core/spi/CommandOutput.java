package dev.secondsite.core.spi;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.time.Instant;
import java.util.List;
import javax.annotation.Nullable;

/**
 * What a successful command returns besides its message, for the commands that read something.
 *
 * <p>Every implementation is an immutable record and thread-safe.
 */
public sealed interface CommandOutput {

    /**
     * A VM's replication state as Hyper-V names it (VMReplicationState, e.g. {@code "Replicating"},
     * {@code "Resynchronizing"}, {@code "FailedOverWaitingCompletion"}), its health and last replication time.
     */
    record ReplicationStatus(String state, String health, @Nullable Instant lastReplicationTime)
            implements CommandOutput {
        public ReplicationStatus {
            requireNonNull(state, "state");
            requireNonNull(health, "health");
        }
    }

    /** The recovery points of a replica, oldest first. */
    record RecoveryPoints(List<RecoveryPoint> points) implements CommandOutput {
        public RecoveryPoints {
            points = ImmutableList.copyOf(points);
        }
    }

    /** What a script wrote; a script fails when it exits non-zero or writes to standard error (RP8). */
    record ScriptOutput(int exitCode, String stdout, String stderr) implements CommandOutput {
        public ScriptOutput {
            requireNonNull(stdout, "stdout");
            requireNonNull(stderr, "stderr");
        }
    }
}
