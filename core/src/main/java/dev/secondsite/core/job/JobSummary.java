package dev.secondsite.core.job;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import javax.annotation.Nullable;

/**
 * What the engine keeps of a finished job once {@link JobRetention} compacted it (J4: it is still listed): no tasks
 * and no events.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the job's id
 * @param kind what it did
 * @param target what it acted on
 * @param planName its recovery plan, or null
 * @param state how it ended (SUCCEEDED, FAILED or CANCELLED)
 * @param createdAt when it was created
 * @param endedAt when it ended
 * @param message the message of its {@link JobEvent.Finished} event
 * @param warningCount how many warnings it had
 * @param errorCount how many errors it had
 */
public record JobSummary(String id, JobKind kind, String target, @Nullable String planName, JobState state,
                         Instant createdAt, Instant endedAt, String message, int warningCount, int errorCount) {
    public JobSummary {
        requireNonNull(id, "id");
        requireNonNull(kind, "kind");
        requireNonNull(target, "target");
        requireNonNull(state, "state");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(endedAt, "endedAt");
        requireNonNull(message, "message");
    }

    /** The job as {@link JobEngine#jobs} lists it: no tasks, no warnings or errors (their counts are here). */
    public Job toJob() {
        return new Job(id, kind, target, planName, state, createdAt, null, endedAt, java.util.List.of(),
                java.util.List.of(), java.util.List.of());
    }
}
