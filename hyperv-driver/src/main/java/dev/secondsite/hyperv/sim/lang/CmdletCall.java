package dev.secondsite.hyperv.sim.lang;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import javax.annotation.Nullable;

/**
 * One bound call of a {@link Cmdlet}, as the interpreter hands it over: the parameter set chosen, the values bound
 * (already converted to their {@link PsType}s and validated), the machine the script runs on, and the pipeline to
 * write results to.
 *
 * <p>Not thread-safe: used by one cmdlet invocation on one thread.
 */
public interface CmdletCall {
    /** The name of the parameter set the call bound to. */
    String parameterSet();

    /** The bound parameters by their declared names (as in {@link ParameterSpec#name()}); switches as TRUE. */
    Map<String, Object> bound();

    /** Whether {@code parameter} was bound (given by name, position or pipeline). */
    default boolean has(String parameter) {
        return bound().containsKey(parameter);
    }

    /** The bound value of {@code parameter}, or null when it was not bound. */
    default @Nullable Object value(String parameter) {
        return bound().get(parameter);
    }

    /** A STRING parameter's value, or null when not bound. */
    default @Nullable String string(String parameter) {
        return (String) bound().get(parameter);
    }

    /** An INT parameter's value, or empty when not bound. */
    default Optional<Integer> integer(String parameter) {
        return Optional.ofNullable((Integer) bound().get(parameter));
    }

    /** A BOOL or SWITCH parameter's value; false when not bound. */
    default boolean flag(String parameter) {
        return Boolean.TRUE.equals(bound().get(parameter));
    }

    /** A DATETIME parameter's value, or null when not bound. */
    default @Nullable OffsetDateTime dateTime(String parameter) {
        return (OffsetDateTime) bound().get(parameter);
    }

    /**
     * The computer the script runs on: the simulated VMM server for a script run by the local runner, the host
     * named by {@code Invoke-Command -ComputerName} inside its script block.
     */
    String computerName();

    /**
     * Writes one value to the call's output pipeline, as {@code WriteObject(value)}: a {@link java.util.List} is
     * written as one object; write its items one by one to enumerate them.
     */
    void write(@Nullable Object value);

    /**
     * The common parameter {@code -Confirm}: empty when not given, false for {@code -Confirm:$false}, true for
     * {@code -Confirm}. (A non-interactive host cannot answer a prompt; the model may refuse a changing call
     * that would prompt.)
     */
    default Optional<Boolean> confirm() {
        return Optional.empty();
    }

    /**
     * The common parameter {@code -ErrorAction} as given ({@code "Stop"}, {@code "Continue"},
     * {@code "SilentlyContinue"}, {@code "Ignore"}), or empty when not given.
     */
    default Optional<String> errorAction() {
        return Optional.empty();
    }
}
