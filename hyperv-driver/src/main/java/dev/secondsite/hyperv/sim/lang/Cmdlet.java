package dev.secondsite.hyperv.sim.lang;

import java.util.List;
import java.util.Optional;

/**
 * A cmdlet the interpreter can run: its exact name, its parameter sets, and what it does. The interpreter binds the
 * arguments of a call as PowerShell does (named parameters by full name, positional ones by position, switches,
 * one value of the pipeline at a time to the parameter that takes pipeline input), picks the one parameter set
 * that fits, converts values to the declared {@link PsType}s and checks declared ranges and sets; only then does it
 * call {@link #invoke}. A call that binds to no set, or to more than one, is refused before the cmdlet sees it.
 *
 * <p>Implementations must be thread-safe: several simulated processes run at once.
 */
public interface Cmdlet {
    /** The cmdlet's name as PowerShell spells it, e.g. {@code "Enable-VMReplication"} (matched ignoring case). */
    String name();

    /** Its parameter sets; a parameter common to several sets is listed in each. Never empty. */
    List<ParameterSet> parameterSets();

    /**
     * The parameter set PowerShell uses when a call fits several ({@code DefaultParameterSetName}); empty when the
     * cmdlet has none, and then a call that fits several sets is refused as ambiguous.
     */
    default Optional<String> defaultParameterSet() {
        return Optional.empty();
    }

    /**
     * Runs the cmdlet once (once per pipeline value when a parameter takes pipeline input and values arrive).
     *
     * @throws CmdletException what the real cmdlet would write as an error record (a terminating error under
     *     {@code -ErrorAction Stop})
     */
    void invoke(CmdletCall call) throws CmdletException;
}
