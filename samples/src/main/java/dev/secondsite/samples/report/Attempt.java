package dev.secondsite.samples.report;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.spi.CommandResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.annotation.Nullable;

/**
 * One attempt of one command step of a task: sent at {@code sent}, answered at {@code completed} with
 * {@code outcome} and the host's {@code message}. A transient failure is followed by another attempt of the same step
 * (same idempotency key).
 *
 * <p>Immutable and thread-safe.
 *
 * @param step the step's index in its task
 * @param number the attempt's number, from 1
 * @param sent when the command was sent
 * @param completed when its result came back, or null while it is under way
 * @param outcome how it ended, or null while it is under way
 * @param message the result's message (the host's own words for a failure), or null while it is under way
 */
public record Attempt(int step, int number, Instant sent, @Nullable Instant completed,
                      @Nullable CommandResult.Outcome outcome, @Nullable String message) {
    /**
     * @throws IllegalArgumentException when {@code step} is negative, {@code number} is below 1, or {@code completed}
     *     is before {@code sent}
     */
    public Attempt {
        requireNonNull(sent, "sent");
        if (step < 0) {
            throw new IllegalArgumentException("attempt: step (" + step + ") must not be negative");
        }
        if (number < 1) {
            throw new IllegalArgumentException("attempt: number (" + number + ") must be at least 1");
        }
        if (completed != null && completed.isBefore(sent)) {
            throw new IllegalArgumentException("attempt " + number + ": completed (" + completed
                    + ") must not be before sent (" + sent + ")");
        }
    }

    /** True when the attempt failed transiently, so the engine sent the command again. */
    public boolean retried() {
        return outcome == CommandResult.Outcome.TRANSIENT_FAILURE;
    }

    /** How long the attempt took, empty while it is under way. */
    public Optional<Duration> duration() {
        return completed == null ? Optional.empty() : Optional.of(Duration.between(sent, completed));
    }

    Attempt complete(Instant at, CommandResult result) {
        Instant end = at.isBefore(sent) ? sent : at;
        return new Attempt(step, number, sent, end, result.outcome(), result.message());
    }
}
