package dev.secondsite.core.vault;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.Rule;
import dev.secondsite.core.SecondsiteException;
import dev.secondsite.core.job.Job;

/**
 * A job awaited with {@link JobHandle#awaitCompletion} ended FAILED or CANCELLED. Carries the job as it ended, with
 * its tasks and errors, so a caller can report or {@link JobHandle#restart() restart} it.
 *
 * <p>Immutable and thread-safe.
 */
public class JobFailedException extends SecondsiteException {
    private static final long serialVersionUID = 1L;

    private final transient Job job;

    JobFailedException(Job job) {
        super(Rule.J1 + ": job " + requireNonNull(job, "job").id() + " (" + job.kind() + " " + job.target()
                + ") ended " + job.state() + (job.errors().isEmpty() ? "" : ": " + job.errors()));
        this.job = job;
    }

    /** The job as it ended. */
    public Job job() {
        return job;
    }
}
