package dev.secondsite.core.job;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.Severity;
import dev.secondsite.core.spi.CommandResult;
import java.time.Instant;

/**
 * Every change of a job or of one of its tasks. A job is exactly the fold of its events
 * ({@link Job#fromEvents(java.util.List)}), so journaling these events is enough to rebuild every job after a crash
 * (J3); listeners receive them as they happen (J1).
 *
 * <p>Every implementation is an immutable record and thread-safe. {@code step} is a step's index in its task.
 */
public sealed interface JobEvent {
    String jobId();

    Instant at();

    /** The job was created with everything it will do. */
    record Created(String jobId, Instant at, JobSpec spec) implements JobEvent {
        public Created {
            requireNonNull(spec, "spec");
        }
    }

    /** The job started (or continued after a restart or a crash). */
    record Started(String jobId, Instant at) implements JobEvent {
    }

    record TaskStarted(String jobId, Instant at, String taskId) implements JobEvent {
    }

    /** A command was sent; {@code attempt} counts from 1 and the idempotency key is the same for every attempt. */
    record CommandSent(String jobId, Instant at, String taskId, int step, int attempt) implements JobEvent {
    }

    /** A command's result came back (or its send failed: then a transient failure result). */
    record CommandCompleted(String jobId, Instant at, String taskId, int step, int attempt, CommandResult result)
            implements JobEvent {
        public CommandCompleted {
            requireNonNull(result, "result");
        }
    }

    /** A configuration change or probe step completed. */
    record StepCompleted(String jobId, Instant at, String taskId, int step, String message) implements JobEvent {
    }

    /**
     * A {@link Step.WaitUntil} step started to wait: it polls until {@code condition} holds and fails at
     * {@code deadline}. Journaled once per wait, so that the deadline survives a restart (J3).
     */
    record TaskPolling(String jobId, Instant at, String taskId, int step, String condition, Instant deadline)
            implements JobEvent {
        public TaskPolling {
            requireNonNull(condition, "condition");
            requireNonNull(deadline, "deadline");
        }
    }

    /** A manual action waits for someone to resume the job (J2). */
    record TaskWaiting(String jobId, Instant at, String taskId, String instructions) implements JobEvent {
    }

    /** Someone resumed the job with a comment; the manual action's step is done. */
    record TaskResumed(String jobId, Instant at, String taskId, int step, String comment) implements JobEvent {
    }

    /** A remark on a task: a stale recovery point, a script failure that did not stop the job (RP8). */
    record TaskNoted(String jobId, Instant at, String taskId, Severity severity, String note) implements JobEvent {
    }

    record TaskSucceeded(String jobId, Instant at, String taskId) implements JobEvent {
    }

    /** The task was not run: its VM was already failed over by another run (RP9). */
    record TaskSkipped(String jobId, Instant at, String taskId, String reason) implements JobEvent {
    }

    record TaskFailed(String jobId, Instant at, String taskId, String error) implements JobEvent {
    }

    /** Someone asked to cancel; the job stops at its next safe point (J2). */
    record CancelRequested(String jobId, Instant at) implements JobEvent {
    }

    /** A failed job is run again from its failed task (J2). */
    record Restarted(String jobId, Instant at) implements JobEvent {
    }

    /** The job ended: {@code state} is SUCCEEDED, FAILED or CANCELLED. */
    record Finished(String jobId, Instant at, JobState state, String message) implements JobEvent {
        public Finished {
            requireNonNull(state, "state");
        }
    }
}
