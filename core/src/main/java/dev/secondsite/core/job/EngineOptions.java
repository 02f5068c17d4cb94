package dev.secondsite.core.job;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;
import java.time.Duration;

/**
 * How the engine runs jobs: parallelism inside a phase and per site, the per-command timeout, and retries of
 * transient failures with exponential backoff and jitter. Build with {@link #builder()}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param parallelism tasks of one phase of one job running at once, and the engine threads that phase runs on
 * @param perSiteParallelism commands in flight to one site at once, across all jobs
 * @param commandTimeout how long to wait for one command's result before it counts as a transient failure
 * @param maxAttempts attempts of a command that keeps failing transiently (permanent failures are not retried)
 * @param initialBackoff the wait before the second attempt; doubled for each further one
 * @param maxBackoff the longest wait between attempts
 * @param jitter the fraction (0..1) by which each wait is randomly stretched or shrunk, so that many commands
 *     failing together do not retry together
 * @param workerThreads the engine's worker threads, shared by every job; they only run work that is ready (a step to
 *     apply, a command to send, a result to record), never a wait, so a few suffice for any number of jobs; a
 *     phase's tasks run on at most {@code min(parallelism, workerThreads)} of them at once
 * @param closeTimeout how long {@link JobEngine#close()} waits for commands in flight and work under way before it
 *     abandons them (nothing about them is journaled either way; a new engine continues the jobs)
 * @param retention when finished jobs are compacted to their summary
 */
public record EngineOptions(int parallelism, int perSiteParallelism, Duration commandTimeout, int maxAttempts,
                            Duration initialBackoff, Duration maxBackoff, double jitter, int workerThreads,
                            Duration closeTimeout, JobRetention retention) {
    public EngineOptions {
        Checks.range(Rule.J1, "engine options", "parallelism", parallelism, 1, 100_000);
        Checks.range(Rule.J1, "engine options", "perSiteParallelism", perSiteParallelism, 1, 100_000);
        requireNonNull(commandTimeout, "commandTimeout");
        Checks.range(Rule.J1, "engine options", "maxAttempts", maxAttempts, 1, 1_000);
        requireNonNull(initialBackoff, "initialBackoff");
        requireNonNull(maxBackoff, "maxBackoff");
        Checks.range(Rule.J1, "engine options", "workerThreads", workerThreads, 1, 1_000);
        requireNonNull(closeTimeout, "closeTimeout");
        requireNonNull(retention, "retention");
        if (jitter < 0 || jitter > 1 || Double.isNaN(jitter)) {
            throw dev.secondsite.core.InvalidConfigurationException.of(Rule.J1, "engine options", "jitter", jitter,
                    "jitter (" + jitter + ") must be between 0 and 1");
        }
    }

    /**
     * 16 tasks per phase, 64 commands per site, 10 minute timeout, 5 attempts from 1 s up to 60 s, 20% jitter, 8
     * worker threads, 5 s to close, {@link JobRetention#defaults()}.
     */
    public static EngineOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The wait before attempt {@code attempt + 1}, before jitter. */
    Duration backoff(int attempt) {
        long base = initialBackoff.toNanos();
        long nanos = attempt >= 62 ? Long.MAX_VALUE : base << Math.min(attempt - 1, 62);
        if (nanos < 0 || nanos > maxBackoff.toNanos()) {
            nanos = maxBackoff.toNanos();
        }
        return Duration.ofNanos(nanos);
    }

    /** Builds {@link EngineOptions}. Not thread-safe. */
    public static final class Builder {
        private int parallelism = 16;
        private int perSiteParallelism = 64;
        private Duration commandTimeout = Duration.ofMinutes(10);
        private int maxAttempts = 5;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(60);
        private double jitter = 0.2;
        private int workerThreads = 8;
        private Duration closeTimeout = Duration.ofSeconds(5);
        private JobRetention retention = JobRetention.defaults();

        private Builder() {
        }

        public Builder parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        public Builder perSiteParallelism(int perSiteParallelism) {
            this.perSiteParallelism = perSiteParallelism;
            return this;
        }

        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = requireNonNull(commandTimeout, "commandTimeout");
            return this;
        }

        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = requireNonNull(initial, "initial");
            this.maxBackoff = requireNonNull(max, "max");
            return this;
        }

        public Builder jitter(double jitter) {
            this.jitter = jitter;
            return this;
        }

        public Builder workerThreads(int workerThreads) {
            this.workerThreads = workerThreads;
            return this;
        }

        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = requireNonNull(closeTimeout, "closeTimeout");
            return this;
        }

        public Builder retention(JobRetention retention) {
            this.retention = requireNonNull(retention, "retention");
            return this;
        }

        /** @throws dev.secondsite.core.InvalidConfigurationException (J1) naming a value out of range */
        public EngineOptions build() {
            return new EngineOptions(parallelism, perSiteParallelism, commandTimeout, maxAttempts, initialBackoff,
                    maxBackoff, jitter, workerThreads, closeTimeout, retention);
        }
    }
}
