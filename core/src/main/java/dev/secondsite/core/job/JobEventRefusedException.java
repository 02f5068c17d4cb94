package dev.secondsite.core.job;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.Rule;
import dev.secondsite.core.SecondsiteException;

/**
 * A job event that the job's state does not allow (J3): the {@link JobStateMachine} table has no row for the job's
 * state and the event's kind, e.g. a resume of a job that waits for nothing, or any event after it succeeded. The job
 * is left unchanged.
 *
 * <p>Immutable and thread-safe.
 */
public final class JobEventRefusedException extends SecondsiteException {
    private static final long serialVersionUID = 1L;

    private final String jobId;
    private final JobState state;
    private final JobStateMachine.Kind kind;

    JobEventRefusedException(String jobId, JobState state, JobStateMachine.Kind kind) {
        super(Rule.J3 + ": job " + requireNonNull(jobId, "jobId") + " in state " + requireNonNull(state, "state")
                + " cannot take event " + requireNonNull(kind, "kind") + " (events.kind)");
        this.jobId = jobId;
        this.state = state;
        this.kind = kind;
    }

    public String jobId() {
        return jobId;
    }

    /** The job's state when the event came. */
    public JobState state() {
        return state;
    }

    /** The kind of the refused event. */
    public JobStateMachine.Kind kind() {
        return kind;
    }
}
