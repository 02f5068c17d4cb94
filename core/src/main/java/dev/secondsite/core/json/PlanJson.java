package dev.secondsite.core.json;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.InvalidDocumentException;
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
import java.io.Reader;
import java.io.Writer;
import java.time.Duration;
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

    private static final Map<FailoverKind, String> KINDS = PlanDocuments.spellings(FailoverKind.class);
    private static final Map<FailoverDirection, String> DIRECTIONS = PlanDocuments.spellings(FailoverDirection.class);

    private PlanJson() {
    }

    /** {@code plan} as a JSON text (indented). */
    public static String write(RecoveryPlan plan) {
        return PlanDocuments.write(toTree(plan));
    }

    /** {@code plan} as a JSON tree. */
    static ObjectNode toTree(RecoveryPlan plan) {
        requireNonNull(plan, "plan");
        ObjectNode root = JsonIn.MAPPER.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        root.put("name", plan.name());
        root.put("sourceServer", plan.sourceServer());
        root.put("targetServer", plan.targetServer());
        root.set("shutdown", step(plan.actions(Slot.beforeShutdown()), plan.actions(Slot.afterShutdown())));
        root.set("failover", step(plan.actions(Slot.beforeFailover()), plan.actions(Slot.afterFailover())));
        ArrayNode groups = root.putArray("groups");
        for (RecoveryGroup g : plan.groups()) {
            ObjectNode group = groups.addObject();
            SiteJson.strings(group, "vms", g.vms());
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
        ObjectNode step = JsonIn.MAPPER.createObjectNode();
        step.set("before", actions(before));
        step.set("after", actions(after));
        return step;
    }

    private static ArrayNode actions(List<PlanAction> actions) {
        ArrayNode array = JsonIn.MAPPER.createArrayNode();
        for (PlanAction a : actions) {
            ObjectNode action = array.addObject();
            action.put("name", a.name());
            SiteJson.strings(action, "kinds", a.kinds().stream().map(KINDS::get).toList());
            SiteJson.strings(action, "directions", a.directions().stream().map(DIRECTIONS::get).toList());
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
     * Reads a plan from {@code json} in Secondsite's form; VMs are checked against {@code context} as they are added
     * (RP1, RP2). A field given twice is refused, as by every document reader of this package.
     *
     * @throws InvalidDocumentException naming the JSON Pointer of the first problem and its rule
     */
    public static RecoveryPlan read(String json, PlanContext context) {
        return read(JsonIn.parse(json), requireNonNull(context, "context"));
    }

    /**
     * {@link #read(String, PlanContext)} from {@code json}, which the caller closes.
     *
     * @throws InvalidDocumentException naming the JSON Pointer of the first problem and its rule, or when it cannot
     *     be read
     */
    public static RecoveryPlan read(Reader json, PlanContext context) {
        return read(JsonIn.text(json), context);
    }

    /**
     * {@link #write(RecoveryPlan)} to {@code out}, which the caller closes.
     *
     * @throws java.io.UncheckedIOException when {@code out} fails
     */
    public static void write(RecoveryPlan plan, Writer out) {
        JsonIn.write(write(plan), out);
    }

    /**
     * Reads a plan in Secondsite's form from a JSON tree (e.g. one embedded in the configuration document); paths are
     * relative to it.
     *
     * @throws InvalidDocumentException naming the JSON Pointer of the first problem and its rule
     */
    static RecoveryPlan read(JsonNode document, PlanContext context) {
        return read(JsonIn.document(document), requireNonNull(context, "context"));
    }

    private static RecoveryPlan read(JsonIn root, PlanContext context) {
        int version = root.integer("formatVersion");
        if (version != FORMAT_VERSION) {
            throw root.error("formatVersion", "formatVersion (" + version + ") is not known; this library reads "
                    + FORMAT_VERSION);
        }
        root.only(ROOT_FIELDS);
        String name = root.text("name");
        String source = root.text("sourceServer");
        String target = root.text("targetServer");
        PlanDocuments.PlanReader reader = new PlanDocuments.PlanReader(name, source, target, context,
                Map.of("name", root.pathOf("name"), "sourceServer", root.pathOf("sourceServer"),
                        "targetServer", root.pathOf("targetServer")), PlanJson::action);
        readStep(root, "shutdown", StageKind.SHUTDOWN, reader);
        readStep(root, "failover", StageKind.FAILOVER, reader);
        List<JsonIn> groups = root.requiredList("groups", group -> {
            group.only(GROUP_FIELDS);
            int number = reader.nextGroup();
            reader.addVms(number, group.requiredTexts("vms"), group.pathOf("vms"));
            reader.addActions(group, "before", Slot.beforeGroup(number));
            reader.addActions(group, "after", Slot.afterGroup(number));
            return group;
        });
        if (groups.isEmpty()) {
            throw root.error("groups", "a plan has at least one group");
        }
        // dependencies last: they may wait for VMs of any group
        for (JsonIn group : groups) {
            reader.addDependencies(group, "dependencies", group.requiredTexts("vms"));
        }
        return reader.build(root.pathOf("groups"));
    }

    private static void readStep(JsonIn root, String field, StageKind stage, PlanDocuments.PlanReader reader) {
        JsonIn step = root.optObject(field);
        if (step == null) {
            return;
        }
        step.only(STEP_FIELDS);
        reader.addActions(step, "before", new Slot(stage, 0, Slot.Position.BEFORE));
        reader.addActions(step, "after", new Slot(stage, 0, Slot.Position.AFTER));
    }

    private static PlanAction action(JsonIn action) {
        String type = action.text("type");
        PlanAction.Details details;
        switch (type) {
            case "script" -> {
                action.only(SCRIPT_FIELDS);
                String scriptPath = action.text("path");
                ScriptSide side = action.enumValue("side", ScriptSide.class);
                Duration timeout = action.optDuration("timeout", PlanAction.DEFAULT_SCRIPT_TIMEOUT);
                details = action.build(() -> new PlanAction.Script(scriptPath, side, timeout));
            }
            case "manual" -> {
                action.only(MANUAL_FIELDS);
                String instructions = action.text("instructions");
                details = action.build(() -> new PlanAction.Manual(instructions));
            }
            default -> throw action.error("type", "type '" + type + "' is not one of script, manual");
        }
        String name = action.text("name");
        List<FailoverKind> kinds = action.spelledSet("kinds", KINDS);
        List<FailoverDirection> directions = action.spelledSet("directions", DIRECTIONS);
        return action.build(() -> new PlanAction(name, Set.copyOf(kinds), Set.copyOf(directions), details));
    }
}
