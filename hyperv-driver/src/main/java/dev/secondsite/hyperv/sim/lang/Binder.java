package dev.secondsite.hyperv.sim.lang;

import dev.secondsite.hyperv.sim.lang.CmdletException.ErrorCategory;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.annotation.Nullable;

/**
 * PowerShell's parameter binder for cmdlets: full parameter names only, positional binding, switches, pipeline
 * input, parameter set resolution, type conversion per {@link PsType}, {@code [ValidateRange]} and
 * {@code [ValidateSet]}, mandatory parameters in a non-interactive host. Every refusal carries PowerShell's message.
 */
final class Binder {
    private Binder() {
    }

    /** An argument as written: {@code -Name}, {@code -Name:value} or {@code value} (name null). */
    record Arg(@Nullable String name, boolean hasValue, @Nullable Object value) {
        static Arg positional(@Nullable Object value) {
            return new Arg(null, true, value);
        }
    }

    /** A refusal, with PowerShell's error id (before the comma), category and message. */
    static final class BindingException extends Exception {
        private static final long serialVersionUID = 1L;
        final String errorId;
        final ErrorCategory category;

        BindingException(String errorId, ErrorCategory category, String message) {
            super(message, null, false, false);
            this.errorId = errorId;
            this.category = category;
        }
    }

    private static final List<String> ACTIONS = List.of("Stop", "Continue", "SilentlyContinue", "Ignore");

    private record Named(ParameterSpec spec, @Nullable Object value) {
    }

    static BoundCall bind(CommandDef def, List<Arg> args, boolean piped, @Nullable Object pipeValue,
                          String computerName, Session.Pipe out, ZoneId zone) throws BindingException {
        List<ParameterSet> sets = def.parameterSets();
        Map<String, Named> named = new LinkedHashMap<>();
        List<Object> positional = new ArrayList<>();
        Boolean confirm = null;
        String errorAction = null;
        for (int i = 0; i < args.size(); i++) {
            Arg a = args.get(i);
            if (a.name() == null) {
                positional.add(a.value());
                continue;
            }
            String lower = NameMap.key(a.name());
            if (lower.equals("confirm")) {
                try {
                    confirm = !a.hasValue() || Values.toBoolParameter(a.value());
                } catch (Values.ConversionException e) {
                    throw transformation("Confirm", e);
                }
                continue;
            }
            ParameterSpec spec = lower.equals("erroraction") ? null : find(sets, a.name());
            if (spec == null && !lower.equals("erroraction")) {
                throw new BindingException("NamedParameterNotFound", ErrorCategory.InvalidArgument,
                        "A parameter cannot be found that matches parameter name '" + a.name() + "'.");
            }
            Object value;
            boolean isSwitch = spec != null && spec.type() == PsType.SWITCH;
            if (a.hasValue() || isSwitch) {
                value = a.hasValue() ? a.value() : Boolean.TRUE;
            } else if (i + 1 < args.size() && args.get(i + 1).name() == null) {
                value = args.get(++i).value();
            } else {
                String type = spec == null ? "System.Management.Automation.ActionPreference" : dotNet(spec.type());
                throw new BindingException("MissingArgument", ErrorCategory.InvalidArgument, "Missing an argument "
                        + "for parameter '" + (spec == null ? "ErrorAction" : spec.name()) + "'. Specify a parameter "
                        + "of type '" + type + "' and try again.");
            }
            if (spec == null) {
                errorAction = action(value);
                continue;
            }
            String key = NameMap.key(spec.name());
            if (named.containsKey(key)) {
                throw new BindingException("ParameterAlreadyBound", ErrorCategory.InvalidArgument, "Cannot bind "
                        + "parameter because parameter '" + spec.name() + "' is specified more than once. To provide "
                        + "multiple values to parameters that can accept multiple values, use the array syntax. For "
                        + "example, \"-parameter value1,value2,value3\".");
            }
            named.put(key, new Named(spec, value));
        }

        // sets that have every named parameter, then positional and pipeline binding in each
        List<ParameterSet> candidates = new ArrayList<>();
        for (ParameterSet set : sets) {
            boolean all = true;
            for (String key : named.keySet()) {
                if (parameter(set, key) == null) {
                    all = false;
                    break;
                }
            }
            if (all) {
                candidates.add(set);
            }
        }
        if (candidates.isEmpty()) {
            throw ambiguous();
        }
        List<ParameterSet> fitting = new ArrayList<>();
        List<Map<String, Object>> fittingPositional = new ArrayList<>();
        List<ParameterSpec> fittingPipeline = new ArrayList<>();
        boolean positionalFailed = false;
        for (ParameterSet set : candidates) {
            List<ParameterSpec> slots = new ArrayList<>();
            for (ParameterSpec p : set.parameters()) {
                if (p.position() >= 0 && !named.containsKey(NameMap.key(p.name()))) {
                    slots.add(p);
                }
            }
            slots.sort(Comparator.comparingInt(ParameterSpec::position));
            if (positional.size() > slots.size()) {
                positionalFailed = true;
                continue;
            }
            Map<String, Object> byPosition = new LinkedHashMap<>();
            for (int i = 0; i < positional.size(); i++) {
                byPosition.put(slots.get(i).name(), positional.get(i));
            }
            ParameterSpec pipe = null;
            if (piped) {
                for (ParameterSpec p : set.parameters()) {
                    String key = NameMap.key(p.name());
                    if (p.fromPipeline() && !named.containsKey(key) && !byPosition.containsKey(p.name())) {
                        pipe = p;
                        break;
                    }
                }
                if (pipe == null) {
                    continue;
                }
            }
            fitting.add(set);
            fittingPositional.add(byPosition);
            fittingPipeline.add(pipe);
        }
        if (fitting.isEmpty()) {
            if (positionalFailed && !positional.isEmpty()) {
                throw new BindingException("PositionalParameterNotFound", ErrorCategory.InvalidArgument,
                        "A positional parameter cannot be found that accepts argument '"
                                + Values.str(positional.get(positional.size() - 1)) + "'.");
            }
            throw new BindingException("InputObjectNotBound", ErrorCategory.InvalidArgument, "The input object "
                    + "cannot be bound to any parameters for the command either because the command does not take "
                    + "pipeline input or the input and its properties do not match any of the parameters that take "
                    + "pipeline input.");
        }
        int chosen = choose(def, fitting, fittingPositional, fittingPipeline, named);
        ParameterSet set = fitting.get(chosen);

        Map<String, Object> bound = new LinkedHashMap<>();
        for (Named n : named.values()) {
            ParameterSpec spec = parameter(set, n.spec().name());
            bound.put(spec.name(), convert(spec, n.value(), zone));
        }
        for (Map.Entry<String, Object> e : fittingPositional.get(chosen).entrySet()) {
            ParameterSpec spec = parameter(set, e.getKey());
            bound.put(spec.name(), convert(spec, e.getValue(), zone));
        }
        ParameterSpec pipe = fittingPipeline.get(chosen);
        if (pipe != null) {
            bound.put(pipe.name(), convert(pipe, pipeValue, zone));
        }
        return new BoundCall(set.name(), bound, computerName, out, confirm, errorAction, piped);
    }

    private static int choose(CommandDef def, List<ParameterSet> fitting, List<Map<String, Object>> positional,
                              List<ParameterSpec> pipeline, Map<String, Named> named) throws BindingException {
        List<Integer> satisfied = new ArrayList<>();
        for (int i = 0; i < fitting.size(); i++) {
            if (missing(fitting.get(i), positional.get(i), pipeline.get(i), named).isEmpty()) {
                satisfied.add(i);
            }
        }
        if (satisfied.size() == 1) {
            return satisfied.get(0);
        }
        Optional<String> preferred = def.defaultParameterSet();
        List<Integer> pool = satisfied.isEmpty() ? range(fitting.size()) : satisfied;
        if (preferred.isPresent()) {
            for (int i : pool) {
                if (fitting.get(i).name().equalsIgnoreCase(preferred.get())) {
                    return checkMandatory(fitting, positional, pipeline, named, i);
                }
            }
        }
        if (satisfied.isEmpty() && fitting.size() == 1) {
            return checkMandatory(fitting, positional, pipeline, named, 0);
        }
        throw ambiguous();
    }

    private static List<Integer> range(int n) {
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    private static int checkMandatory(List<ParameterSet> fitting, List<Map<String, Object>> positional,
                                      List<ParameterSpec> pipeline, Map<String, Named> named, int i)
            throws BindingException {
        List<String> missing = missing(fitting.get(i), positional.get(i), pipeline.get(i), named);
        if (!missing.isEmpty()) {
            throw new BindingException("MissingMandatoryParameter", ErrorCategory.InvalidArgument, "Cannot process "
                    + "command because of one or more missing mandatory parameters: " + String.join(" ", missing)
                    + ".");
        }
        return i;
    }

    private static List<String> missing(ParameterSet set, Map<String, Object> positional,
                                        @Nullable ParameterSpec pipe, Map<String, Named> named) {
        List<String> missing = new ArrayList<>();
        for (ParameterSpec p : set.parameters()) {
            if (p.mandatory() && !named.containsKey(NameMap.key(p.name()))
                    && !positional.containsKey(p.name()) && p != pipe) {
                missing.add(p.name());
            }
        }
        return missing;
    }

    private static BindingException ambiguous() {
        return new BindingException("AmbiguousParameterSet", ErrorCategory.InvalidArgument,
                "Parameter set cannot be resolved using the specified named parameters.");
    }

    private static @Nullable ParameterSpec find(List<ParameterSet> sets, String name) {
        for (ParameterSet set : sets) {
            ParameterSpec p = parameter(set, name);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    /** {@link ParameterSet#parameter} without a stream: binding runs for every call. */
    private static @Nullable ParameterSpec parameter(ParameterSet set, String name) {
        List<ParameterSpec> parameters = set.parameters();
        for (int i = 0; i < parameters.size(); i++) {
            if (parameters.get(i).name().equalsIgnoreCase(name)) {
                return parameters.get(i);
            }
        }
        return null;
    }

    private static String action(@Nullable Object value) throws BindingException {
        String s = Values.str(value instanceof List<?> l && l.size() == 1 ? l.get(0) : value);
        for (String a : ACTIONS) {
            if (a.equalsIgnoreCase(s)) {
                return a;
            }
        }
        throw new BindingException("ParameterArgumentTransformationError", ErrorCategory.InvalidData, "Cannot "
                + "bind parameter 'ErrorAction'. Cannot convert value \"" + s + "\" to type \"System.Management."
                + "Automation.ActionPreference\". Error: \"Unable to match the identifier name " + s + " to a valid "
                + "enumerator name. Specify one of the following enumerator names and try again:\r\nSilentlyContinue,"
                + " Stop, Continue, Inquire, Ignore, Suspend, Break\"");
    }

    static String dotNet(PsType type) {
        switch (type) {
            case STRING: return "System.String";
            case STRING_ARRAY: return "System.String[]";
            case INT: return "System.Int32";
            case LONG: return "System.Int64";
            case BOOL: return "System.Boolean";
            case SWITCH: return "System.Management.Automation.SwitchParameter";
            case DATETIME: return "System.DateTime";
            case OBJECT: return "System.Object";
            case OBJECT_ARRAY: return "System.Object[]";
            case SCRIPT_BLOCK: return "System.Management.Automation.ScriptBlock";
            case HASHTABLE: return "System.Collections.Hashtable";
            case CREDENTIAL: return "System.Management.Automation.PSCredential";
            default: throw new IllegalStateException(type.toString());
        }
    }

    private static BindingException transformation(String parameter, Values.ConversionException e) {
        return new BindingException("ParameterArgumentTransformationError", ErrorCategory.InvalidData,
                "Cannot process argument transformation on parameter '" + parameter + "'. " + e.getMessage());
    }

    private static BindingException validation(String parameter, String message) {
        return new BindingException("ParameterArgumentValidationError", ErrorCategory.InvalidData,
                "Cannot validate argument on parameter '" + parameter + "'. " + message);
    }

    private static @Nullable Object convert(ParameterSpec spec, @Nullable Object value, ZoneId zone)
            throws BindingException {
        Object v;
        try {
            v = convertValue(spec.type(), value, zone);
        } catch (Values.ConversionException e) {
            throw transformation(spec.name(), e);
        }
        if (spec.mandatory() && (spec.type() == PsType.STRING || spec.type() == PsType.STRING_ARRAY)) {
            if (v == null) {
                throw new BindingException("ParameterArgumentValidationErrorNullNotAllowed",
                        ErrorCategory.InvalidData, "Cannot bind argument to parameter '" + spec.name()
                        + "' because it is null.");
            }
            if ("".equals(v) || (v instanceof List<?> l && l.contains(""))) {
                throw new BindingException("ParameterArgumentValidationErrorEmptyStringNotAllowed",
                        ErrorCategory.InvalidData, "Cannot bind argument to parameter '" + spec.name()
                        + "' because it is an empty string.");
            }
        }
        if (v instanceof Number n && (spec.min() != null || spec.max() != null)) {
            long x = n.longValue();
            if (spec.max() != null && x > spec.max()) {
                throw validation(spec.name(), "The " + x + " argument is greater than the maximum allowed range of "
                        + spec.max() + ". Supply an argument that is less than or equal to " + spec.max()
                        + " and then try the command again.");
            }
            if (spec.min() != null && x < spec.min()) {
                throw validation(spec.name(), "The " + x + " argument is less than the minimum allowed range of "
                        + spec.min() + ". Supply an argument that is greater than or equal to " + spec.min()
                        + " and then try the command again.");
            }
        }
        if (!spec.allowed().isEmpty() && v != null) {
            List<?> items = v instanceof List<?> l ? l : List.of(v);
            for (Object item : items) {
                String s = Values.str(item);
                if (spec.allowed().stream().noneMatch(a -> a.equalsIgnoreCase(s))) {
                    throw validation(spec.name(), "The argument \"" + s + "\" does not belong to the set \""
                            + String.join(",", spec.allowed()) + "\" specified by the ValidateSet attribute. Supply "
                            + "an argument that is in the set and then try the command again.");
                }
            }
        }
        return v;
    }

    /** Converts to a {@link PsType}, as the binder of a cmdlet parameter of that type would. */
    static @Nullable Object convertValue(PsType type, @Nullable Object value, ZoneId zone)
            throws Values.ConversionException {
        switch (type) {
            case STRING:
                if (value instanceof List<?> l) {
                    if (l.size() != 1) {
                        throw new Values.ConversionException("Cannot convert 'System.Object[]' to the type "
                                + "'System.String' required by parameter. Specified method is not supported.");
                    }
                    value = l.get(0);
                }
                return value == null ? null : Values.str(value);
            case STRING_ARRAY: {
                if (value == null) {
                    return null;
                }
                List<String> out = new ArrayList<>();
                for (Object item : value instanceof List<?> l ? l : List.of(value)) {
                    out.add(item == null ? null : Values.str(item));
                }
                return java.util.Collections.unmodifiableList(out);
            }
            case INT:
                return Values.toInt(value);
            case LONG:
                return Values.toLong(value);
            case BOOL:
            case SWITCH:
                return Values.toBoolParameter(value);
            case DATETIME:
                return Values.toDateTime(value, zone);
            case OBJECT:
                return value;
            case OBJECT_ARRAY:
                if (value == null) {
                    return null;
                }
                return value instanceof List<?> l ? java.util.Collections.unmodifiableList(new ArrayList<>(l))
                        : java.util.Collections.singletonList(value);
            case SCRIPT_BLOCK:
                if (value instanceof List<?> l && l.size() == 1) {
                    value = l.get(0);
                }
                if (value instanceof PsScriptBlock) {
                    return value;
                }
                throw new Values.ConversionException("Cannot convert the \"" + Values.str(value) + "\" value of "
                        + "type \"" + Values.typeName(value) + "\" to type \"System.Management.Automation.ScriptBlock\".");
            case HASHTABLE:
                if (value instanceof PsHashtable) {
                    return value;
                }
                throw new Values.ConversionException("Cannot convert the \"" + Values.str(value) + "\" value of "
                        + "type \"" + Values.typeName(value) + "\" to type \"System.Collections.Hashtable\".");
            case CREDENTIAL:
                if (value == null) {
                    return null;
                }
                if (value instanceof PsObject o && o.typeName().equals("System.Management.Automation.PSCredential")) {
                    return value;
                }
                throw new Values.ConversionException("Cannot convert the \"" + Values.str(value) + "\" value of "
                        + "type \"" + Values.typeName(value) + "\" to type \"System.Management.Automation."
                        + "PSCredential\". A credential prompt is not possible in a non-interactive host.");
            default:
                throw new IllegalStateException(type.toString());
        }
    }
}
