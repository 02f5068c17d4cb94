package dev.secondsite.core.vault;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.Rule;
import dev.secondsite.core.SecondsiteException;
import dev.secondsite.core.job.Job;
import java.time.Duration;

/**
 * A wait on a job ({@link JobHandle#awaitSettled}, {@link JobHandle#awaitCompletion}) ran out of time; the job goes
 * on. Carries the job as it stood when the wait ended.
 *
 * <p>Immutable and thread-safe.
 */
public class JobTimeoutException extends SecondsiteException {
    private static final long serialVersionUID = 1L;

    private final transient Job job;
    private final Duration timeout;

    JobTimeoutException(Job job, Duration timeout, String waitedFor) {
        super(Rule.J1 + ": job " + requireNonNull(job, "job").id() + " did not " + waitedFor + " within " + timeout
                + "; it is " + job.state() + " at " + job.progressPercent() + "%");
        this.job = job;
        this.timeout = timeout;
    }

    /** The job as it stood when the wait ended. */
    public Job job() {
        return job;
    }

    /** How long the caller waited. */
    public Duration timeout() {
        return timeout;
    }
}
