package dev.secondsite.hyperv.sim.lang;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSet;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * One parameter of a cmdlet as its help page declares it: name, type, whether it is mandatory, its position,
 * whether it takes pipeline input, and its validation ({@code [ValidateRange]}, {@code [ValidateSet]}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the full name, e.g. {@code "ReplicationFrequencySec"}
 * @param type what the bound value is converted to
 * @param mandatory whether a call in this set must give it (a missing one is an error in a non-interactive host)
 * @param position its position for positional binding, or -1 when it is named only
 * @param fromPipeline whether pipeline values bind to it
 * @param min the smallest allowed value of a numeric parameter, or null
 * @param max the largest allowed value of a numeric parameter, or null
 * @param allowed the allowed values of a string parameter, ignoring case; empty for any value
 */
public record ParameterSpec(String name, PsType type, boolean mandatory, int position, boolean fromPipeline,
                            @Nullable Long min, @Nullable Long max, Set<String> allowed) {
    public ParameterSpec {
        if (name.isBlank()) {
            throw new IllegalArgumentException("parameter name is blank");
        }
        requireNonNull(type, "type");
        if (position < -1) {
            throw new IllegalArgumentException("position must be -1 or more, was " + position);
        }
        allowed = ImmutableSet.copyOf(allowed);
    }

    /** A named, optional parameter without validation. */
    public static ParameterSpec optional(String name, PsType type) {
        return new ParameterSpec(name, type, false, -1, false, null, null, Set.of());
    }

    /** A named, mandatory parameter without validation. */
    public static ParameterSpec mandatory(String name, PsType type) {
        return new ParameterSpec(name, type, true, -1, false, null, null, Set.of());
    }

    /** A switch parameter ({@code -AsTest}); bound as {@link Boolean#TRUE} when present. */
    public static ParameterSpec switchParameter(String name) {
        return new ParameterSpec(name, PsType.SWITCH, false, -1, false, null, null, Set.of());
    }

    /** This parameter at {@code newPosition} for positional binding. */
    public ParameterSpec at(int newPosition) {
        return new ParameterSpec(name, type, mandatory, newPosition, fromPipeline, min, max, allowed);
    }

    /** This parameter taking pipeline input. */
    public ParameterSpec pipeline() {
        return new ParameterSpec(name, type, mandatory, position, true, min, max, allowed);
    }

    /** This parameter with {@code [ValidateRange(lo, hi)]}. */
    public ParameterSpec range(long lo, long hi) {
        return new ParameterSpec(name, type, mandatory, position, fromPipeline, lo, hi, allowed);
    }

    /** This parameter with {@code [ValidateSet(...)]}. */
    public ParameterSpec oneOf(String... values) {
        return new ParameterSpec(name, type, mandatory, position, fromPipeline, min, max, ImmutableSet.copyOf(values));
    }
}
