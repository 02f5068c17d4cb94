package dev.secondsite.samples.report;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.TaskState;
import java.time.Duration;
import java.time.Instant;
import javax.annotation.Nullable;

/**
 * A change worth showing while a job runs, as {@link JobRecorder} tells its observers: a job started or ended, a task
 * changed state, or an attempt failed transiently and will be retried.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind what changed
 * @param jobId the job's id
 * @param jobName the job's {@linkplain JobTimeline#displayName() display name}
 * @param jobState the job's state after the change
 * @param progressPercent the job's tasks done, 0..100
 * @param at when it happened (the event's instant)
 * @param elapsed since the job first started, at {@code at}
 * @param taskName the task's name (task changes), or null
 * @param taskState the task's state after the change (task changes), or null
 * @param detail what a reader needs besides the state: the manual action's instructions, the failure, the retried
 *     attempt's message, the job's final message; or null
 */
public record ProgressUpdate(Kind kind, String jobId, String jobName, JobState jobState, int progressPercent,
                             Instant at, Duration elapsed, @Nullable String taskName, @Nullable TaskState taskState,
                             @Nullable String detail) {
    /** What changed. */
    public enum Kind {
        /** The job started, or went on after a restart. */
        JOB_STARTED,
        /** A task changed state. */
        TASK_CHANGED,
        /** An attempt of a task's command failed transiently; the engine sends it again. */
        TASK_RETRYING,
        /** The job ended: {@code jobState} is final. */
        JOB_FINISHED
    }

    public ProgressUpdate {
        requireNonNull(kind, "kind");
        requireNonNull(jobId, "jobId");
        requireNonNull(jobName, "jobName");
        requireNonNull(jobState, "jobState");
        requireNonNull(at, "at");
        requireNonNull(elapsed, "elapsed");
    }
}
