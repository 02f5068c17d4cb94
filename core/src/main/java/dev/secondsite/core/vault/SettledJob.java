package dev.secondsite.core.vault;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobState;

/**
 * A job at a point where it needs nothing more from the engine: it has {@link Outcome#FINISHED finished} (in any
 * final state), or it {@link Outcome#WAITING_FOR_ACTION waits for a manual action} to be resumed (J2).
 *
 * <p>Immutable and thread-safe.
 *
 * @param outcome which of the two it is
 * @param job the job as it stood then
 */
public record SettledJob(Outcome outcome, Job job) {
    /** Why a job settled. */
    public enum Outcome {
        /** The job ended: SUCCEEDED, FAILED or CANCELLED. */
        FINISHED,
        /** The job waits for a manual action (J2); resume or cancel it. */
        WAITING_FOR_ACTION
    }

    public SettledJob {
        requireNonNull(outcome, "outcome");
        requireNonNull(job, "job");
    }

    static SettledJob of(Job job) {
        return new SettledJob(job.state() == JobState.WAITING_FOR_ACTION ? Outcome.WAITING_FOR_ACTION
                : Outcome.FINISHED, job);
    }

    public boolean isFinished() {
        return outcome == Outcome.FINISHED;
    }

    public boolean isWaitingForAction() {
        return outcome == Outcome.WAITING_FOR_ACTION;
    }
}
