package dev.secondsite.core.json;

import static dev.secondsite.core.json.PlanDocuments.MAPPER;
import static dev.secondsite.core.json.PlanDocuments.array;
import static dev.secondsite.core.json.PlanDocuments.at;
import static dev.secondsite.core.json.PlanDocuments.child;
import static dev.secondsite.core.json.PlanDocuments.object;
import static dev.secondsite.core.json.PlanDocuments.onlyFields;
import static dev.secondsite.core.json.PlanDocuments.text;
import static dev.secondsite.core.json.PlanDocuments.texts;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secondsite.core.Rule;
import dev.secondsite.core.plan.Dependency;
import dev.secondsite.core.plan.FailoverDirection;
import dev.secondsite.core.plan.FailoverKind;
import dev.secondsite.core.plan.PlanAction;
import dev.secondsite.core.plan.PlanContext;
import dev.secondsite.core.plan.RecoveryGroup;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.plan.ScriptSide;
import dev.secondsite.core.plan.Slot;
import dev.secondsite.core.plan.StageKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Secondsite's own JSON form of a {@link RecoveryPlan}, versioned by {@code "formatVersion"} (now {@value
 * #FORMAT_VERSION}). It holds everything a plan holds, so a round trip gives an equal plan (RP10):
 * <pre>{@code
 * {
 *   "formatVersion": 1,
 *   "name": "web-tier", "sourceServer": "vmm-a", "targetServer": "vmm-b",
 *   "shutdown": {"before": [], "after": []},
 *   "failover": {"before": [], "after": []},
 *   "groups": [
 *     {"vms": ["db-1", "web-1"],
 *      "dependencies": [{"vm": "web-1", "after": "db-1"}],
 *      "before": [],
 *      "after": [{"name": "dns", "kinds": ["PLANNED", "UNPLANNED"], "directions": ["PRIMARY_TO_RECOVERY"],
 *                 "type": "script", "path": "\\\\lib\\dns.ps1", "side": "RECOVERY", "timeout": "PT10M"}]}
 *   ]
 * }
 * }</pre>
 * A manual action is {@code {"name", "kinds", "directions", "type": "manual", "instructions"}}. Timeouts are ISO-8601
 * durations. A group lists the dependencies of its own VMs. Kinds and directions are written in enum order.
 *
 * <p>Import is strict and all or nothing: an unknown field, a missing one, a wrong type, an unknown {@code
 * formatVersion} or a plan rule broken by the content throws {@link InvalidDocumentException} with the JSON Pointer of
 * the node at fault ({@link Rule#DOCUMENT} for shape, the plan's rule for content, e.g. RP1 for an unprotected VM).
 *
 * <p>Thread-safe (stateless).
 */
public final class PlanJson {
    /** The version this library writes and the only one it reads. */
    public static final int FORMAT_VERSION = 1;

    private static final Set<String> ROOT_FIELDS = Set.of("formatVersion", "name", "sourceServer", "targetServer",
            "shutdown", "failover", "groups");
    private static final Set<String> STEP_FIELDS = Set.of("before", "after");
    private static final Set<String> GROUP_FIELDS = Set.of("vms", "dependencies", "before", "after");
    private static final Set<String> SCRIPT_FIELDS = Set.of("name", "kinds", "directions", "type", "path", "side",
            "timeout");
    private static final Set<String> MANUAL_FIELDS = Set.of("name", "kinds", "directions", "type", "instructions");

    private PlanJson() {
    }

    /** {@code plan} as a JSON text (indented). */
    public static String write(RecoveryPlan plan) {
        return PlanDocuments.write(toTree(plan));
    }

    /** {@code plan} as a JSON tree. */
    public static ObjectNode toTree(RecoveryPlan plan) {
        requireNonNull(plan, "plan");
        ObjectNode root = MAPPER.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        root.put("name", plan.name());
        root.put("sourceServer", plan.sourceServer());
        root.put("targetServer", plan.targetServer());
        root.set("shutdown", step(plan.actions(Slot.beforeShutdown()), plan.actions(Slot.afterShutdown())));
        root.set("failover", step(plan.actions(Slot.beforeFailover()), plan.actions(Slot.afterFailover())));
        ArrayNode groups = root.putArray("groups");
        for (RecoveryGroup g : plan.groups()) {
            ObjectNode group = groups.addObject();
            group.set("vms", PlanDocuments.strings(g.vms()));
            ArrayNode deps = group.putArray("dependencies");
            for (Dependency d : g.dependencies()) {
                deps.addObject().put("vm", d.vm()).put("after", d.after());
            }
            group.set("before", actions(g.before()));
            group.set("after", actions(g.after()));
        }
        return root;
    }

    private static ObjectNode step(List<PlanAction> before, List<PlanAction> after) {
        ObjectNode step = MAPPER.createObjectNode();
        step.set("before", actions(before));
        step.set("after", actions(after));
        return step;
    }

    private static ArrayNode actions(List<PlanAction> actions) {
        ArrayNode array = MAPPER.createArrayNode();
        for (PlanAction a : actions) {
            ObjectNode action = array.addObject();
            action.put("name", a.name());
            action.set("kinds", PlanDocuments.strings(a.kinds().stream().map(Enum::name).toList()));
            action.set("directions", PlanDocuments.strings(a.directions().stream().map(Enum::name).toList()));
            if (a.details() instanceof PlanAction.Script s) {
                action.put("type", "script").put("path", s.path()).put("side", s.side().name())
                        .put("timeout", s.timeout().toString());
            } else if (a.details() instanceof PlanAction.Manual m) {
                action.put("type", "manual").put("instructions", m.instructions());
            }
        }
        return array;
    }

    /**
     * Reads a plan from {@code json}; VMs are checked against {@code context} as they are added (RP1, RP2).
     *
     * @throws InvalidDocumentException naming the JSON Pointer of the first problem and its rule
     */
    public static RecoveryPlan read(String json, PlanContext context) {
        return read(PlanDocuments.parse(json), context);
    }

    /**
     * Reads a plan from a JSON tree.
     *
     * @throws InvalidDocumentException naming the JSON Pointer of the first problem and its rule
     */
    public static RecoveryPlan read(JsonNode document, PlanContext context) {
        requireNonNull(context, "context");
        ObjectNode root = object(document, "");
        checkVersion(root);
        onlyFields(root, "", ROOT_FIELDS);
        String name = text(root, "", "name");
        String source = text(root, "", "sourceServer");
        String target = text(root, "", "targetServer");
        PlanDocuments.PlanReader reader = new PlanDocuments.PlanReader(name, source, target, context,
                Map.of("name", "/name", "sourceServer", "/sourceServer", "targetServer", "/targetServer"),
                PlanJson::action);
        readStep(root, "shutdown", StageKind.SHUTDOWN, reader);
        readStep(root, "failover", StageKind.FAILOVER, reader);
        List<JsonNode> groups = array(root, "", "groups", true);
        if (groups.isEmpty()) {
            throw new InvalidDocumentException("/groups", Rule.DOCUMENT, "a plan has at least one group");
        }
        List<ObjectNode> groupNodes = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            String path = child("/groups", i);
            ObjectNode group = object(groups.get(i), path);
            onlyFields(group, path, GROUP_FIELDS);
            groupNodes.add(group);
            if (i > 0) {
                reader.addGroup();
            }
            reader.addVms(i + 1, texts(group, path, "vms", true), child(path, "vms"));
            reader.addActions(group, path, "before", Slot.beforeGroup(i + 1));
            reader.addActions(group, path, "after", Slot.afterGroup(i + 1));
        }
        // dependencies last: they may wait for VMs of any group
        for (int i = 0; i < groupNodes.size(); i++) {
            String path = child("/groups", i);
            reader.addDependencies(groupNodes.get(i), path, "dependencies", texts(groupNodes.get(i), path, "vms",
                    true));
        }
        return reader.build("/groups");
    }

    private static void checkVersion(ObjectNode root) {
        JsonNode version = root.get("formatVersion");
        if (version == null) {
            throw new InvalidDocumentException("/formatVersion", Rule.DOCUMENT, "required field 'formatVersion' is "
                    + "missing");
        }
        if (!version.isIntegralNumber() || version.asLong() != FORMAT_VERSION) {
            throw new InvalidDocumentException("/formatVersion", Rule.DOCUMENT, "formatVersion (" + version
                    + ") is not known; this library reads " + FORMAT_VERSION);
        }
    }

    private static void readStep(ObjectNode root, String field, StageKind stage, PlanDocuments.PlanReader reader) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return;
        }
        String path = child("", field);
        ObjectNode step = object(node, path);
        onlyFields(step, path, STEP_FIELDS);
        reader.addActions(step, path, "before", new Slot(stage, 0, Slot.Position.BEFORE));
        reader.addActions(step, path, "after", new Slot(stage, 0, Slot.Position.AFTER));
    }

    private static PlanAction action(JsonNode node, String path) {
        ObjectNode action = object(node, path);
        String type = text(action, path, "type");
        PlanAction.Details details;
        switch (type) {
            case "script" -> {
                onlyFields(action, path, SCRIPT_FIELDS);
                String scriptPath = text(action, path, "path");
                ScriptSide side = PlanDocuments.oneOf(text(action, path, "side"), child(path, "side"), "side",
                        names(ScriptSide.class));
                Duration timeout = PlanDocuments.timeout(action, path);
                details = at(path, () -> new PlanAction.Script(scriptPath, side, timeout));
            }
            case "manual" -> {
                onlyFields(action, path, MANUAL_FIELDS);
                String instructions = text(action, path, "instructions");
                details = at(path, () -> new PlanAction.Manual(instructions));
            }
            default -> throw new InvalidDocumentException(child(path, "type"), Rule.DOCUMENT, "type '" + type
                    + "' is not one of script, manual");
        }
        String name = text(action, path, "name");
        List<FailoverKind> kinds = enums(action, path, "kinds", names(FailoverKind.class));
        List<FailoverDirection> directions = enums(action, path, "directions", names(FailoverDirection.class));
        return at(path, () -> new PlanAction(name, Set.copyOf(kinds), Set.copyOf(directions), details));
    }

    private static <E extends Enum<E>> List<E> enums(ObjectNode node, String path, String field,
                                                     Map<E, String> names) {
        return PlanDocuments.enumSet(texts(node, path, field, true), child(path, field), field, names);
    }

    private static <E extends Enum<E>> Map<E, String> names(Class<E> type) {
        Map<E, String> names = new EnumMap<>(type);
        for (E e : type.getEnumConstants()) {
            names.put(e, e.name());
        }
        return names;
    }
}
