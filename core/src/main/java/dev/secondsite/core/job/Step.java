package dev.secondsite.core.job;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.internal.Checks;
import dev.secondsite.core.spi.CommandRequest;
import java.time.Duration;

/**
 * One step of a task, carried out in order: a host command, a configuration change, or a manual action.
 *
 * <p>Every implementation is an immutable record and thread-safe.
 */
public sealed interface Step {
    /** A short text for the task list and logs; never a secret. */
    String describe();

    /** Sends a command to a site's provider; retried with the same idempotency key while it fails transiently. */
    record Command(CommandRequest request) implements Step {
        public Command {
            requireNonNull(request, "request");
        }

        @Override
        public String describe() {
            return request.command().describe() + " on " + request.host();
        }
    }

    /**
     * Reads a VM's replication status before a failover (pre-flight): a replica that has not replicated for longer
     * than {@code maxLag} is noted as stale (a warning in the job); with {@code refuseResynchronizing} a replica that
     * is resynchronizing fails the task (F8: no test failover then).
     */
    record Probe(CommandRequest request, Duration maxLag, boolean refuseResynchronizing) implements Step {
        public Probe {
            requireNonNull(request, "request");
            requireNonNull(maxLag, "maxLag");
        }

        @Override
        public String describe() {
            return "check replication of " + request.command().describe().replaceFirst("^\\S+ ", "");
        }
    }

    /**
     * Waits until a VM's replication reaches {@code replicationState} (e.g. {@code "Replicating"} once its initial
     * copy is complete, E1): the engine reads the status through {@code request}, first after its initial backoff and
     * then at doubling intervals up to {@code pollInterval}, notes on
     * the task that it waits, and fails the task when the state is not reached within {@code timeout} of the first
     * poll. No thread waits in between (the engine's timer wakes it). Each poll is sent with the request's
     * idempotency key plus {@code "/poll-<n>"}, so a provider does not answer a later poll with an earlier reading.
     * A poll that fails transiently is retried at the next interval until the deadline.
     */
    record WaitUntil(CommandRequest request, String replicationState, Duration pollInterval, Duration timeout)
            implements Step {
        public WaitUntil {
            requireNonNull(request, "request");
            Checks.text("wait until", "replicationState", replicationState);
            requireNonNull(pollInterval, "pollInterval");
            requireNonNull(timeout, "timeout");
            if (pollInterval.isNegative() || timeout.isNegative()) {
                throw dev.secondsite.core.InvalidConfigurationException.of(dev.secondsite.core.Rule.J1,
                        "wait until", "pollInterval", pollInterval, "pollInterval (" + pollInterval
                                + ") and timeout (" + timeout + ") must not be negative");
            }
        }

        /** What the job shows while it waits. */
        public String condition() {
            return "replication of " + request.command().describe().replaceFirst("^\\S+ ", "") + " is "
                    + replicationState;
        }

        @Override
        public String describe() {
            return "wait until " + condition();
        }
    }

    /** Applies a configuration change through {@link JobEffects}. */
    record Apply(ConfigChange change) implements Step {
        public Apply {
            requireNonNull(change, "change");
        }

        @Override
        public String describe() {
            return change.describe();
        }
    }

    /** Waits until someone resumes the job with a comment (J2, RP4). */
    record Manual(String instructions) implements Step {
        public Manual {
            Checks.text("manual action", "instructions", instructions);
        }

        @Override
        public String describe() {
            return "manual action: " + instructions;
        }
    }
}
