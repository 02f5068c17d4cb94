package dev.secondsite.core.job;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSet;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * A filter over jobs (J4): created in a time range, in some states, of some kinds, whose target contains a text.
 * Every part is optional; the empty query matches every job. Build with {@link #builder()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class JobQuery {
    private final @Nullable Instant from;
    private final @Nullable Instant to;
    private final Set<JobState> states;
    private final Set<JobKind> kinds;
    private final @Nullable String target;

    private JobQuery(Builder b) {
        this.from = b.from;
        this.to = b.to;
        this.states = ImmutableSet.copyOf(b.states);
        this.kinds = ImmutableSet.copyOf(b.kinds);
        this.target = b.target;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Matches every job. */
    public static JobQuery all() {
        return builder().build();
    }

    /** Whether {@code job} passes every part of this filter. */
    public boolean matches(Job job) {
        return (from == null || !job.createdAt().isBefore(from))
                && (to == null || job.createdAt().isBefore(to))
                && (states.isEmpty() || states.contains(job.state()))
                && (kinds.isEmpty() || kinds.contains(job.kind()))
                && (target == null || job.target().contains(target)
                        || (job.planName() != null && job.planName().contains(target))
                        || job.tasks().stream().anyMatch(t -> target.equals(t.vmId())));
    }

    /** Builds a {@link JobQuery}. Not thread-safe. */
    public static final class Builder {
        private @Nullable Instant from;
        private @Nullable Instant to;
        private final Set<JobState> states = EnumSet.noneOf(JobState.class);
        private final Set<JobKind> kinds = EnumSet.noneOf(JobKind.class);
        private @Nullable String target;

        private Builder() {
        }

        /** Jobs created at or after {@code from}. */
        public Builder createdFrom(Instant from) {
            this.from = requireNonNull(from, "from");
            return this;
        }

        /** Jobs created before {@code to}. */
        public Builder createdBefore(Instant to) {
            this.to = requireNonNull(to, "to");
            return this;
        }

        public Builder state(JobState... states) {
            this.states.addAll(java.util.List.of(states));
            return this;
        }

        public Builder kind(JobKind... kinds) {
            this.kinds.addAll(java.util.List.of(kinds));
            return this;
        }

        /** Jobs whose target or plan name contains {@code text}, or that have a task for VM {@code text}. */
        public Builder target(String text) {
            this.target = requireNonNull(text, "text");
            return this;
        }

        /**
         * @throws dev.secondsite.core.InvalidConfigurationException (J4) when the time range is empty
         */
        public JobQuery build() {
            if (from != null && to != null && from.isAfter(to)) {
                throw dev.secondsite.core.InvalidConfigurationException.of(dev.secondsite.core.Rule.J4, "job query",
                        "createdFrom", from, "createdFrom (" + from + ") must not be after createdBefore (" + to + ")");
            }
            return new JobQuery(this);
        }
    }
}
