package dev.secondsite.samples.report;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.annotation.Nullable;

/**
 * A span of a task spent waiting: for someone to resume a manual action (J2, RP4), or for a VM's replication to reach
 * a state (the engine polls the host meanwhile).
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind what the task waited for
 * @param description the manual action's instructions, or the awaited condition
 * @param started when the wait began
 * @param ended when it ended, or null while it goes on
 * @param comment the comment the job was resumed with (manual actions), or null
 * @param polls how many times the host was asked meanwhile (replication waits), 0 for manual actions
 */
public record TaskWait(Kind kind, String description, Instant started, @Nullable Instant ended,
                       @Nullable String comment, int polls) {
    /** What a task waits for. */
    public enum Kind {
        /** A manual action: the job waits until someone resumes it with a comment. */
        MANUAL_ACTION,
        /** A replication state, e.g. the end of the initial copy: the engine polls the host. */
        REPLICATION
    }

    /** @throws IllegalArgumentException when {@code ended} is before {@code started} or {@code polls} is negative */
    public TaskWait {
        requireNonNull(kind, "kind");
        requireNonNull(description, "description");
        requireNonNull(started, "started");
        if (ended != null && ended.isBefore(started)) {
            throw new IllegalArgumentException("wait '" + description + "': ended (" + ended
                    + ") must not be before started (" + started + ")");
        }
        if (polls < 0) {
            throw new IllegalArgumentException("wait '" + description + "': polls (" + polls
                    + ") must not be negative");
        }
    }

    /** How long the wait lasted, empty while it goes on. */
    public Optional<Duration> duration() {
        return ended == null ? Optional.empty() : Optional.of(Duration.between(started, ended));
    }

    TaskWait end(Instant at, @Nullable String resumeComment) {
        return new TaskWait(kind, description, started, at.isBefore(started) ? started : at, resumeComment, polls);
    }

    TaskWait polled() {
        return new TaskWait(kind, description, started, ended, comment, polls + 1);
    }
}
