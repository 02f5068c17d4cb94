package dev.secondsite.core.job;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;
import java.time.Duration;

/**
 * How long the engine keeps finished jobs whole: a job that ended more than {@code maxAge} ago, or that is beyond the
 * {@code maxFinishedJobs} most recently ended, is compacted to its {@link JobSummary} (its events and its steps'
 * idempotency keys are dropped), and beyond the {@code maxSummaries} most recently compacted, a summary is dropped
 * too, so that a vault that runs for a year does not grow without bound. Running and waiting jobs are never
 * compacted.
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxAge how long after it ended a job is kept whole
 * @param maxFinishedJobs how many ended jobs are kept whole, the most recently ended first
 * @param maxSummaries how many summaries of compacted jobs are kept, the most recently compacted first
 */
public record JobRetention(Duration maxAge, int maxFinishedJobs, int maxSummaries) {
    public JobRetention {
        requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative()) {
            throw InvalidConfigurationException.of(Rule.J4, "job retention", "maxAge", maxAge, "maxAge (" + maxAge
                    + ") must not be negative");
        }
        Checks.range(Rule.J4, "job retention", "maxFinishedJobs", maxFinishedJobs, 0, Integer.MAX_VALUE);
        Checks.range(Rule.J4, "job retention", "maxSummaries", maxSummaries, 0, Integer.MAX_VALUE);
    }

    /** Keeps {@link #DEFAULT_MAX_SUMMARIES} summaries. */
    public JobRetention(Duration maxAge, int maxFinishedJobs) {
        this(maxAge, maxFinishedJobs, DEFAULT_MAX_SUMMARIES);
    }

    /** Summaries kept by default: about 30 MB at most, years of jobs at a few hundred a day. */
    public static final int DEFAULT_MAX_SUMMARIES = 100_000;

    /** 30 days, 1,000 finished jobs, {@link #DEFAULT_MAX_SUMMARIES} summaries. */
    public static JobRetention defaults() {
        return new JobRetention(Duration.ofDays(30), 1_000);
    }
}
