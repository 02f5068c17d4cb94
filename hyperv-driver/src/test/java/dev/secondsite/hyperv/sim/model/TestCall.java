package dev.secondsite.hyperv.sim.model;

import dev.secondsite.hyperv.sim.lang.Cmdlet;
import dev.secondsite.hyperv.sim.lang.CmdletCall;
import dev.secondsite.hyperv.sim.lang.CmdletException;
import dev.secondsite.hyperv.sim.lang.CmdletException.ErrorCategory;
import dev.secondsite.hyperv.sim.lang.ParameterSet;
import dev.secondsite.hyperv.sim.lang.ParameterSpec;
import dev.secondsite.hyperv.sim.lang.PsType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * A bound cmdlet call for tests, without the interpreter: named arguments are matched to the one parameter set
 * they fit (full names, ignoring case; every mandatory parameter given), single values become lists for array
 * parameters, and declared ranges and sets are checked as PowerShell's binder would, so a test also proves what the
 * cmdlets declare. Not thread-safe.
 */
final class TestCall implements CmdletCall {
    private final String set;
    private final Map<String, Object> bound;
    private final String computer;
    final List<Object> output = new ArrayList<>();

    private TestCall(String set, Map<String, Object> bound, String computer) {
        this.set = set;
        this.bound = bound;
        this.computer = computer;
    }

    /** Binds {@code args} (name, value, name, value ...; a switch as name, Boolean.TRUE) and runs the cmdlet. */
    static List<Object> run(Cmdlet cmdlet, String computer, Object... args) throws CmdletException {
        Map<String, Object> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            given.put((String) args[i], args[i + 1]);
        }
        List<ParameterSet> fitting = new ArrayList<>();
        for (ParameterSet s : cmdlet.parameterSets()) {
            boolean all = given.keySet().stream().allMatch(k -> s.parameter(k).isPresent());
            boolean mandatory = s.parameters().stream().filter(ParameterSpec::mandatory)
                    .allMatch(p -> given.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(p.name())));
            if (all && mandatory) {
                fitting.add(s);
            }
        }
        if (fitting.size() != 1) {
            throw new CmdletException(ErrorCategory.InvalidArgument, "AmbiguousParameterSet," + cmdlet.name(),
                    "Parameter set cannot be resolved using the specified named parameters (" + fitting.size()
                            + " sets fit " + given.keySet() + ").");
        }
        ParameterSet s = fitting.get(0);
        Map<String, Object> bound = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : given.entrySet()) {
            ParameterSpec p = s.parameter(e.getKey()).orElseThrow();
            Object v = e.getValue();
            if (p.type() == PsType.STRING_ARRAY && v instanceof String str) {
                v = List.of(str);
            }
            if (p.min() != null && v instanceof Integer n && (n < p.min() || n > p.max())) {
                throw new CmdletException(ErrorCategory.InvalidData, "ParameterArgumentValidationError,"
                        + cmdlet.name(), "Cannot validate argument on parameter '" + p.name() + "'. The " + n
                        + " argument is outside the range " + p.min() + ".." + p.max() + ".");
            }
            if (!p.allowed().isEmpty() && p.allowed().stream().noneMatch(a -> a.equalsIgnoreCase(String.valueOf(
                    e.getValue())))) {
                throw new CmdletException(ErrorCategory.InvalidData, "ParameterArgumentValidationError,"
                        + cmdlet.name(), "Cannot validate argument on parameter '" + p.name() + "'. The argument \""
                        + e.getValue() + "\" does not belong to the set " + p.allowed() + ".");
            }
            bound.put(p.name(), v);
        }
        TestCall call = new TestCall(s.name(), bound, computer);
        cmdlet.invoke(call);
        return call.output;
    }

    @Override
    public String parameterSet() {
        return set;
    }

    @Override
    public Map<String, Object> bound() {
        return bound;
    }

    @Override
    public String computerName() {
        return computer;
    }

    @Override
    public void write(@Nullable Object value) {
        output.add(value);
    }
}
