package dev.secondsite.hyperv.sim.lang;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Optional;

/**
 * One parameter set of a cmdlet: the parameters a call may use together.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the set's name (e.g. {@code "VMName"}, {@code "AsReplica"}), reported in binding errors
 * @param parameters its parameters, including the common ones the cmdlet accepts in every set
 */
public record ParameterSet(String name, List<ParameterSpec> parameters) {
    public ParameterSet {
        if (name.isBlank()) {
            throw new IllegalArgumentException("parameter set name is blank");
        }
        parameters = ImmutableList.copyOf(parameters);
    }

    /** The parameter of this set named {@code name} (full name, ignoring case). */
    public Optional<ParameterSpec> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equalsIgnoreCase(name)).findFirst();
    }
}
