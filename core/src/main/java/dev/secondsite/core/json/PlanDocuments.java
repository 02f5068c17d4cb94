package dev.secondsite.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secondsite.core.Finding;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.plan.Dependency;
import dev.secondsite.core.plan.PlanAction;
import dev.secondsite.core.plan.PlanContext;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.plan.Slot;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import javax.annotation.Nullable;

/**
 * What the two recovery-plan JSON forms ({@link PlanJson}, {@link SiteRecoveryPlanJson}) share: parsing, strict
 * reading of fields with JSON Pointer paths, and locating a plan's refusal in the document. Stateless apart from the
 * thread-safe mapper.
 */
final class PlanDocuments {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private static final Set<String> DEPENDENCY_FIELDS = Set.of("vm", "after");

    private PlanDocuments() {
    }

    /** @throws InvalidDocumentException (DOCUMENT) at "" when {@code json} is not one JSON value */
    static JsonNode parse(String json) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new InvalidDocumentException("", Rule.DOCUMENT, "the document is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidDocumentException("", Rule.DOCUMENT, "not JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr()));
        }
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // a tree of plain nodes always serializes
            throw new IllegalStateException(e);
        }
    }

    static String child(String path, String field) {
        return path + "/" + field.replace("~", "~0").replace("/", "~1");
    }

    static String child(String path, int index) {
        return path + "/" + index;
    }

    /** @throws InvalidDocumentException (DOCUMENT) when {@code node} is not an object */
    static ObjectNode object(@Nullable JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new InvalidDocumentException(path, Rule.DOCUMENT, "expected an object, found " + describe(node));
        }
        return (ObjectNode) node;
    }

    /** @throws InvalidDocumentException (DOCUMENT) at the first field of {@code node} not in {@code allowed} */
    static void onlyFields(ObjectNode node, String path, Set<String> allowed) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidDocumentException(child(path, name), Rule.DOCUMENT, "unknown field '" + name
                        + "' (known here: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    /** @throws InvalidDocumentException (DOCUMENT) when the field is missing or not a string */
    static String text(ObjectNode node, String path, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidDocumentException(child(path, field), Rule.DOCUMENT, "required field '" + field
                    + "' is missing");
        }
        return text(value, child(path, field));
    }

    /** @throws InvalidDocumentException (DOCUMENT) when {@code value} is not a string */
    static String text(JsonNode value, String path) {
        if (!value.isTextual()) {
            throw new InvalidDocumentException(path, Rule.DOCUMENT, "expected a string, found " + describe(value));
        }
        return value.textValue();
    }

    /** The field's string, or null when absent or null. @throws InvalidDocumentException when not a string */
    static @Nullable String optionalText(ObjectNode node, String path, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : text(value, child(path, field));
    }

    /** The field's array; empty when absent or null. @throws InvalidDocumentException when not an array */
    static List<JsonNode> array(ObjectNode node, String path, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new InvalidDocumentException(child(path, field), Rule.DOCUMENT, "required field '" + field
                        + "' is missing");
            }
            return List.of();
        }
        if (!value.isArray()) {
            throw new InvalidDocumentException(child(path, field), Rule.DOCUMENT, "expected an array, found "
                    + describe(value));
        }
        List<JsonNode> items = new ArrayList<>(value.size());
        value.forEach(items::add);
        return items;
    }

    /** The strings of a field's array. @throws InvalidDocumentException when it or an item is of the wrong type */
    static List<String> texts(ObjectNode node, String path, String field, boolean required) {
        List<JsonNode> items = array(node, path, field, required);
        List<String> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(text(items.get(i), child(child(path, field), i)));
        }
        return out;
    }

    /**
     * The enum constant named {@code name} through {@code names} (enum to document spelling).
     *
     * @throws InvalidDocumentException (DOCUMENT) at {@code path} when no constant has that spelling
     */
    static <E extends Enum<E>> E oneOf(String name, String path, String field, Map<E, String> names) {
        for (Map.Entry<E, String> e : names.entrySet()) {
            if (e.getValue().equals(name)) {
                return e.getKey();
            }
        }
        throw new InvalidDocumentException(path, Rule.DOCUMENT, field + " '" + name + "' is not one of "
                + String.join(", ", names.values()));
    }

    /**
     * The constants spelled {@code values}, each at most once.
     *
     * @throws InvalidDocumentException (DOCUMENT) at the first unknown or repeated value
     */
    static <E extends Enum<E>> List<E> enumSet(List<String> values, String path, String field, Map<E, String> names) {
        List<E> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            E value = oneOf(values.get(i), child(path, i), field, names);
            if (out.contains(value)) {
                throw new InvalidDocumentException(child(path, i), Rule.DOCUMENT, field + " lists '" + values.get(i)
                        + "' more than once");
            }
            out.add(value);
        }
        return out;
    }

    /**
     * A script's {@code "timeout"} field: an ISO-8601 duration, {@link PlanAction#DEFAULT_SCRIPT_TIMEOUT} when absent.
     *
     * @throws InvalidDocumentException (DOCUMENT) when it is not an ISO-8601 duration
     */
    static Duration timeout(ObjectNode script, String path) {
        String text = optionalText(script, path, "timeout");
        return text == null ? PlanAction.DEFAULT_SCRIPT_TIMEOUT : duration(text, child(path, "timeout"));
    }

    /** @throws InvalidDocumentException (DOCUMENT) when {@code text} is not an ISO-8601 duration */
    private static Duration duration(String text, String path) {
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidDocumentException(path, Rule.DOCUMENT, "'" + text + "' is not an ISO-8601 duration "
                    + "such as PT10M");
        }
    }

    static ArrayNode strings(Iterable<String> values) {
        ArrayNode array = MAPPER.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    static String describe(@Nullable JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Runs one step of an import and, when the plan refuses it, reports the refusal at {@code path}, so that every
     * error of an import names the node that caused it.
     */
    static <T> T at(String path, Supplier<T> step) {
        try {
            return step.get();
        } catch (InvalidDocumentException e) {
            throw e;
        } catch (InvalidConfigurationException e) {
            throw new InvalidDocumentException(path, e);
        }
    }

    /**
     * Feeds a document's content to a plan builder, node by node, and remembers where each VM, action and dependency
     * came from, so that every refusal, at once or when the plan is built, names the node at fault.
     */
    static final class PlanReader {
        private final RecoveryPlan.Builder builder;
        private final BiFunction<JsonNode, String, PlanAction> actions;
        private final Map<String, String> paths = new HashMap<>();

        /**
         * @param fieldPaths the path of each of the builder's fields name, sourceServer and targetServer
         * @param actions reads an action node at a path
         */
        PlanReader(String name, String source, String target, PlanContext context, Map<String, String> fieldPaths,
                   BiFunction<JsonNode, String, PlanAction> actions) {
            try {
                this.builder = RecoveryPlan.builder(name, source, target, context);
            } catch (InvalidConfigurationException e) {
                throw new InvalidDocumentException(fieldPaths.getOrDefault(e.errors().get(0).field(), ""), e);
            }
            this.actions = actions;
        }

        void addGroup() {
            builder.addGroup();
        }

        /** Adds {@code vms}, listed at {@code listPath}, to group {@code group}. */
        void addVms(int group, List<String> vms, String listPath) {
            for (int j = 0; j < vms.size(); j++) {
                String vm = vms.get(j);
                String vmPath = child(listPath, j);
                at(vmPath, () -> builder.addVm(group, vm));
                paths.putIfAbsent(key("vms", vm), vmPath);
            }
        }

        /** Adds the actions of {@code holder}'s array {@code field} to {@code slot}, in order. */
        void addActions(ObjectNode holder, String path, String field, Slot slot) {
            List<JsonNode> nodes = array(holder, path, field, false);
            for (int k = 0; k < nodes.size(); k++) {
                String actionPath = child(child(path, field), k);
                PlanAction action = actions.apply(nodes.get(k), actionPath);
                at(actionPath, () -> builder.addAction(slot, action));
                paths.putIfAbsent(key("actions", action.name()), actionPath);
            }
        }

        /**
         * Adds the dependencies of {@code group}'s array {@code field} ({@code [{"vm", "after"}]}); each {@code vm}
         * must be one of {@code ownVms}.
         */
        void addDependencies(ObjectNode group, String path, String field, Collection<String> ownVms) {
            List<JsonNode> deps = array(group, path, field, false);
            for (int d = 0; d < deps.size(); d++) {
                String depPath = child(child(path, field), d);
                ObjectNode dep = object(deps.get(d), depPath);
                onlyFields(dep, depPath, DEPENDENCY_FIELDS);
                String vm = text(dep, depPath, "vm");
                String after = text(dep, depPath, "after");
                if (!ownVms.contains(vm)) {
                    throw new InvalidDocumentException(child(depPath, "vm"), Rule.DOCUMENT, "VM " + vm
                            + " is not in this group; a group lists the dependencies of its own VMs");
                }
                at(depPath, () -> builder.addDependency(vm, after));
                paths.putIfAbsent(key("dependencies", new Dependency(vm, after).toString()), depPath);
            }
        }

        private static String key(String field, String value) {
            return field + '\0' + value;
        }

        /**
         * The plan. @throws InvalidDocumentException at the node of the first error's VM, action or dependency, or
         * at {@code fallback}
         */
        RecoveryPlan build(String fallback) {
            try {
                return builder.build();
            } catch (InvalidConfigurationException e) {
                Finding first = e.errors().get(0);
                String path = first.value() == null ? null : paths.get(key(first.field(), first.value()));
                throw new InvalidDocumentException(path == null ? fallback : path, e);
            }
        }
    }
}
