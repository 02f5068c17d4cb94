package dev.secondsite.core.spi;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import javax.annotation.Nullable;

/**
 * The result of one {@link HostCommand}: succeeded (with optional output), or failed transiently (worth a retry:
 * a host busy, a timeout, a lost connection) or permanently (the host refused; retrying cannot help), with the
 * host's own message.
 *
 * <p>Immutable and thread-safe.
 *
 * @param outcome succeeded, transient or permanent failure
 * @param message the host's message (for failures, what the cmdlet said)
 * @param output what a reading command returned, or null
 */
public record CommandResult(Outcome outcome, String message, @Nullable CommandOutput output) {
    /** How a command ended. */
    public enum Outcome {
        SUCCEEDED,
        TRANSIENT_FAILURE,
        PERMANENT_FAILURE
    }

    public CommandResult {
        requireNonNull(outcome, "outcome");
        requireNonNull(message, "message");
    }

    public static CommandResult succeeded(String message) {
        return new CommandResult(Outcome.SUCCEEDED, message, null);
    }

    public static CommandResult succeeded(String message, CommandOutput output) {
        return new CommandResult(Outcome.SUCCEEDED, message, requireNonNull(output, "output"));
    }

    public static CommandResult transientFailure(String hostMessage) {
        return new CommandResult(Outcome.TRANSIENT_FAILURE, hostMessage, null);
    }

    public static CommandResult permanentFailure(String hostMessage) {
        return new CommandResult(Outcome.PERMANENT_FAILURE, hostMessage, null);
    }

    public boolean succeeded() {
        return outcome == Outcome.SUCCEEDED;
    }

    public Optional<CommandOutput> outputValue() {
        return Optional.ofNullable(output);
    }
}
