package dev.secondsite.core.json;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.InvalidDocumentException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secondsite.core.Finding;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;
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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * A {@link RecoveryPlan} in the JSON shape of the public site-recovery API's recovery plan resource
 * ({@code Microsoft.RecoveryServices/vaults/replicationRecoveryPlans}), for users who move plans between that service
 * and Secondsite:
 * <pre>{@code
 * {"name": "web-tier",
 *  "properties": {
 *    "primaryFabricId": "vmm-a", "recoveryFabricId": "vmm-b", "failoverDeploymentModel": "NotApplicable",
 *    "groups": [
 *      {"groupType": "Shutdown", "replicationProtectedItems": [], "startGroupActions": [], "endGroupActions": []},
 *      {"groupType": "Failover", "replicationProtectedItems": [], "startGroupActions": [], "endGroupActions": []},
 *      {"groupType": "Boot",
 *       "replicationProtectedItems": [{"id": "db-1", "virtualMachineId": "db-1"}],
 *       "startGroupActions": [],
 *       "endGroupActions": [
 *         {"actionName": "dns", "failoverTypes": ["PlannedFailover", "UnplannedFailover"],
 *          "failoverDirections": ["PrimaryToRecovery"],
 *          "customDetails": {"instanceType": "ScriptActionDetails", "path": "\\\\lib\\dns.ps1",
 *                            "timeout": "PT10M", "fabricLocation": "Recovery"}}]}]}}
 * }</pre>
 *
 * <p>Mapping: {@code primaryFabricId}/{@code recoveryFabricId} are the source/target server ids; a Boot group is a
 * boot group, in array order; the Shutdown and Failover groups (at most one each, anywhere in the array) carry the
 * actions of those steps; {@code startGroupActions}/{@code endGroupActions} are the before/after slots, in order;
 * {@code failoverTypes} TestFailover, PlannedFailover, UnplannedFailover are {@link FailoverKind} TEST, PLANNED,
 * UNPLANNED; {@code failoverDirections} PrimaryToRecovery, RecoveryToPrimary are the {@link FailoverDirection}s;
 * {@code customDetails} of {@code instanceType} ScriptActionDetails {@code {path, timeout (ISO-8601, default
 * PT10M), fabricLocation Primary|Recovery}} or ManualActionDetails {@code {description}} are script and manual
 * actions. On import, a fabric id or protected item id that is an Azure resource path is reduced to its last segment
 * (after {@code /replicationFabrics/} or {@code /replicationProtectedItems/}); an item's {@code virtualMachineId},
 * when present, is the VM id. Read-only fields of the service's responses (ids, friendly names, allowed operations,
 * last failover times, current scenario, provider details) are accepted and ignored; any other unknown field, other
 * failover types (Commit, Failback, ...), runbook actions and deployment models other than NotApplicable are refused.
 *
 * <p><b>Per-VM dependencies</b> have no place in that shape. They are never dropped silently: {@link
 * #write(RecoveryPlan)} refuses a plan that has some; {@link Dependencies#DROP} drops them on request; {@link
 * Dependencies#EXTENSION} writes them into each Boot group as an extension field {@value #DEPENDENCIES_FIELD} ({@code
 * [{"vm": ..., "after": ...}]}), which {@link #read} reads back, so that a round trip keeps them.
 *
 * <p>The service carries a plan's name in its URL: {@link #read(String, String, PlanContext)} takes it, and reads the
 * body of a PUT request ({@code {"properties": {...}}}, no name) or of a response ({@code {"id", "name", "type",
 * "properties": {...}}}, whose name must be the same) as they are.
 *
 * <p>Import is all or nothing: problems throw {@link InvalidDocumentException} naming the JSON Pointer of the node
 * at fault ({@link Rule#DOCUMENT} for shape, the plan's rule for content).
 *
 * <p>Thread-safe (stateless).
 */
public final class SiteRecoveryPlanJson {
    /** The extension field of a Boot group that carries its VMs' dependencies. */
    public static final String DEPENDENCIES_FIELD = "secondsiteDependencies";

    /** What {@link #write(RecoveryPlan, Dependencies)} does with per-VM dependencies. Thread-safe (an enum). */
    public enum Dependencies {
        /** Refuse to export a plan that has dependencies. */
        REFUSE,
        /** Leave them out, as asked. */
        DROP,
        /** Write them into the extension field {@value SiteRecoveryPlanJson#DEPENDENCIES_FIELD} of each Boot group. */
        EXTENSION
    }

    private static final Set<String> ROOT_FIELDS = Set.of("name", "properties", "id", "type", "location");
    private static final Set<String> PROPERTY_FIELDS = Set.of("primaryFabricId", "recoveryFabricId",
            "failoverDeploymentModel", "groups", "providerSpecificInput",
            // read-only fields of the service's responses
            "friendlyName", "primaryFabricFriendlyName", "recoveryFabricFriendlyName", "replicationProviders",
            "allowedOperations", "lastPlannedFailoverTime", "lastUnplannedFailoverTime", "lastTestFailoverTime",
            "currentScenario", "currentScenarioStatus", "currentScenarioStatusDescription",
            "providerSpecificDetails");
    private static final Set<String> GROUP_FIELDS = Set.of("groupType", "replicationProtectedItems",
            "startGroupActions", "endGroupActions", DEPENDENCIES_FIELD);
    private static final Set<String> ITEM_FIELDS = Set.of("id", "virtualMachineId");
    private static final Set<String> ACTION_FIELDS = Set.of("actionName", "failoverTypes", "failoverDirections",
            "customDetails");
    private static final Set<String> SCRIPT_FIELDS = Set.of("instanceType", "path", "timeout", "fabricLocation");
    private static final Set<String> MANUAL_FIELDS = Set.of("instanceType", "description");
    private static final String NOT_APPLICABLE = "NotApplicable";

    private static final Map<FailoverKind, String> KINDS = PlanDocuments.spellings(FailoverKind.class,
            "TestFailover", "PlannedFailover", "UnplannedFailover");
    private static final Map<FailoverDirection, String> DIRECTIONS = PlanDocuments.spellings(FailoverDirection.class,
            "PrimaryToRecovery", "RecoveryToPrimary");
    private static final Map<ScriptSide, String> SIDES = PlanDocuments.spellings(ScriptSide.class, "Primary",
            "Recovery");
    private static final Map<StageKind, String> GROUP_TYPES = PlanDocuments.spellings(StageKind.class, "Shutdown",
            "Failover", "Boot");

    private SiteRecoveryPlanJson() {
    }

    /**
     * {@code plan} as a JSON text (indented).
     *
     * @throws InvalidConfigurationException (RP10) when the plan has dependencies, which this shape cannot hold
     */
    public static String write(RecoveryPlan plan) {
        return write(plan, Dependencies.REFUSE);
    }

    /**
     * {@code plan} as a JSON text (indented), with its dependencies handled as {@code dependencies} says.
     *
     * @throws InvalidConfigurationException (RP10) when {@code dependencies} is REFUSE and the plan has some
     */
    public static String write(RecoveryPlan plan, Dependencies dependencies) {
        return PlanDocuments.write(toTree(plan, dependencies));
    }

    /**
     * {@code plan} as a JSON tree, with its dependencies handled as {@code dependencies} says.
     *
     * @throws InvalidConfigurationException (RP10) when {@code dependencies} is REFUSE and the plan has some
     */
    static ObjectNode toTree(RecoveryPlan plan, Dependencies dependencies) {
        requireNonNull(plan, "plan");
        requireNonNull(dependencies, "dependencies");
        List<Dependency> all = plan.dependencies();
        if (dependencies == Dependencies.REFUSE && !all.isEmpty()) {
            throw new InvalidConfigurationException(Finding.error(Rule.RP10, "plan " + plan.name(), "dependencies",
                    all.get(0), "the site-recovery shape cannot hold the plan's " + all.size() + " dependencies"
                            + " (first: " + all.get(0) + "); export with Dependencies.DROP to leave them out or "
                            + "Dependencies.EXTENSION to keep them in an extension field"));
        }
        ObjectNode root = JsonIn.MAPPER.createObjectNode();
        root.put("name", plan.name());
        ObjectNode properties = root.putObject("properties");
        properties.put("primaryFabricId", plan.sourceServer());
        properties.put("recoveryFabricId", plan.targetServer());
        properties.put("failoverDeploymentModel", NOT_APPLICABLE);
        ArrayNode groups = properties.putArray("groups");
        for (StageKind step : List.of(StageKind.SHUTDOWN, StageKind.FAILOVER)) {
            ObjectNode group = groups.addObject();
            group.put("groupType", GROUP_TYPES.get(step));
            group.putArray("replicationProtectedItems");
            group.set("startGroupActions", actions(plan.actions(new Slot(step, 0, Slot.Position.BEFORE))));
            group.set("endGroupActions", actions(plan.actions(new Slot(step, 0, Slot.Position.AFTER))));
        }
        for (RecoveryGroup g : plan.groups()) {
            ObjectNode group = groups.addObject();
            group.put("groupType", GROUP_TYPES.get(StageKind.BOOT));
            ArrayNode items = group.putArray("replicationProtectedItems");
            g.vms().forEach(vm -> items.addObject().put("id", vm).put("virtualMachineId", vm));
            group.set("startGroupActions", actions(g.before()));
            group.set("endGroupActions", actions(g.after()));
            if (dependencies == Dependencies.EXTENSION && !g.dependencies().isEmpty()) {
                ArrayNode deps = group.putArray(DEPENDENCIES_FIELD);
                g.dependencies().forEach(d -> deps.addObject().put("vm", d.vm()).put("after", d.after()));
            }
        }
        return root;
    }

    private static ArrayNode actions(List<PlanAction> actions) {
        ArrayNode array = JsonIn.MAPPER.createArrayNode();
        for (PlanAction a : actions) {
            ObjectNode action = array.addObject();
            action.put("actionName", a.name());
            SiteJson.strings(action, "failoverTypes", a.kinds().stream().map(KINDS::get).toList());
            SiteJson.strings(action, "failoverDirections", a.directions().stream().map(DIRECTIONS::get).toList());
            ObjectNode details = action.putObject("customDetails");
            if (a.details() instanceof PlanAction.Script s) {
                details.put("instanceType", "ScriptActionDetails").put("path", s.path())
                        .put("timeout", s.timeout().toString()).put("fabricLocation", SIDES.get(s.side()));
            } else if (a.details() instanceof PlanAction.Manual m) {
                details.put("instanceType", "ManualActionDetails").put("description", m.instructions());
            }
        }
        return array;
    }

    /**
     * Reads a plan from {@code json} in the site-recovery shape, which must name the plan ({@code "name"}, as the
     * service's responses do); VMs are checked against {@code context} as they are added (RP1, RP2). A field given
     * twice is refused, as by every document reader of this package.
     *
     * @throws InvalidDocumentException naming the JSON Pointer of the first problem and its rule
     */
    public static RecoveryPlan read(String json, PlanContext context) {
        return read(JsonIn.parse(json), null, requireNonNull(context, "context"));
    }

    /**
     * Reads a plan in the site-recovery shape from a JSON tree (e.g. a response of the service already parsed); paths
     * are relative to it.
     *
     * @throws InvalidDocumentException naming the JSON Pointer of the first problem and its rule
     */
    static RecoveryPlan read(JsonNode document, PlanContext context) {
        return read(JsonIn.document(document), null, requireNonNull(context, "context"));
    }

    /**
     * Reads the plan {@code name} from {@code json}, as the service carries it: the name in the URL
     * ({@code .../replicationRecoveryPlans/<name>}) and the body either a PUT request's {@code {"properties": {...}}}
     * without a name, or a response's {@code {"id", "name", "type", "properties": {...}}}, whose name must then be
     * {@code name}.
     *
     * @throws InvalidDocumentException naming the JSON Pointer of the first problem and its rule, e.g. at
     *     {@code /name} when the body names another plan
     */
    public static RecoveryPlan read(String name, String json, PlanContext context) {
        return read(JsonIn.parse(json), JsonIn.at("/name", () -> Checks.text(Rule.RP1, "plan", "name", name)),
                requireNonNull(context, "context"));
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
     * {@link #read(String, String, PlanContext)} from {@code json}, which the caller closes.
     *
     * @throws InvalidDocumentException naming the JSON Pointer of the first problem and its rule, or when it cannot
     *     be read
     */
    public static RecoveryPlan read(String name, Reader json, PlanContext context) {
        return read(name, JsonIn.text(json), context);
    }

    /**
     * {@link #write(RecoveryPlan, Dependencies)} to {@code out}, which the caller closes.
     *
     * @throws java.io.UncheckedIOException when {@code out} fails
     */
    public static void write(RecoveryPlan plan, Dependencies dependencies, Writer out) {
        JsonIn.write(write(plan, dependencies), out);
    }

    /**
     * {@link #read(String, String, PlanContext)} for a body already parsed.
     *
     * @throws InvalidDocumentException naming the JSON Pointer of the first problem and its rule
     */
    static RecoveryPlan read(String name, JsonNode document, PlanContext context) {
        return read(JsonIn.document(document), JsonIn.at("/name", () -> Checks.text(Rule.RP1, "plan", "name", name)),
                requireNonNull(context, "context"));
    }

    /** {@code urlName}: the name the service carries in the URL, or null when the body must name the plan. */
    private static RecoveryPlan read(JsonIn root, @Nullable String urlName, PlanContext context) {
        root.only(ROOT_FIELDS);
        String name;
        if (urlName == null) {
            if (!root.has("name")) {
                throw root.error("name", "'name' is missing: a request body without it is read with "
                        + "read(name, json, context), the name being the one in the service's URL");
            }
            name = root.text("name");
        } else {
            String bodyName = root.optText("name");
            if (bodyName != null && !bodyName.equals(urlName)) {
                throw root.error("name", "'name' is '" + bodyName + "' but the plan read is '" + urlName + "'");
            }
            name = urlName;
        }
        JsonIn properties = root.object("properties").only(PROPERTY_FIELDS);
        String source = lastSegment(properties.text("primaryFabricId"), "/replicationFabrics/");
        String target = lastSegment(properties.text("recoveryFabricId"), "/replicationFabrics/");
        String model = properties.optText("failoverDeploymentModel");
        if (model != null && !model.equals(NOT_APPLICABLE)) {
            throw properties.error("failoverDeploymentModel", "failoverDeploymentModel '" + model + "' is for "
                    + "failover to Azure; VMM to VMM plans are " + NOT_APPLICABLE);
        }
        if (!properties.nodes("providerSpecificInput").isEmpty()) {
            throw properties.error("providerSpecificInput", "providerSpecificInput is for failover to Azure and must"
                    + " be empty for VMM to VMM plans");
        }
        PlanDocuments.PlanReader reader = new PlanDocuments.PlanReader(name, source, target, context,
                Map.of("name", root.pathOf("name"), "sourceServer", properties.pathOf("primaryFabricId"),
                        "targetServer", properties.pathOf("recoveryFabricId")), SiteRecoveryPlanJson::action);

        Map<StageKind, JsonIn> steps = new EnumMap<>(StageKind.class);
        List<JsonIn> boots = new ArrayList<>();
        properties.requiredList("groups", group -> {
            group.only(GROUP_FIELDS);
            StageKind type = group.spelled("groupType", GROUP_TYPES);
            if (type == StageKind.BOOT) {
                boots.add(group);
            } else if (group.has(DEPENDENCIES_FIELD)) {
                throw group.error(DEPENDENCIES_FIELD, DEPENDENCIES_FIELD + " belongs to Boot groups only");
            } else if (steps.putIfAbsent(type, group) != null) {
                throw group.error("groupType", "a plan has one " + GROUP_TYPES.get(type) + " group; this is "
                        + "another");
            }
            return group;
        });

        Set<String> planVms = new HashSet<>();
        for (JsonIn boot : boots) {
            List<String> vms = items(boot);
            reader.addVms(reader.nextGroup(), vms, boot.pathOf("replicationProtectedItems"));
            planVms.addAll(vms);
        }
        for (Map.Entry<StageKind, JsonIn> step : steps.entrySet()) {
            JsonIn group = step.getValue();
            // some responses list the plan's items in these groups too; they add nothing, but must be plan VMs
            List<String> vms = items(group);
            for (int j = 0; j < vms.size(); j++) {
                if (!planVms.contains(vms.get(j))) {
                    throw new InvalidDocumentException(group.pathOf("replicationProtectedItems", j), Rule.DOCUMENT,
                            "VM " + vms.get(j) + " is in no Boot group; only Boot groups add VMs to a plan");
                }
            }
            reader.addActions(group, "startGroupActions", new Slot(step.getKey(), 0, Slot.Position.BEFORE));
            reader.addActions(group, "endGroupActions", new Slot(step.getKey(), 0, Slot.Position.AFTER));
        }
        for (int k = 0; k < boots.size(); k++) {
            reader.addActions(boots.get(k), "startGroupActions", Slot.beforeGroup(k + 1));
            reader.addActions(boots.get(k), "endGroupActions", Slot.afterGroup(k + 1));
        }
        // dependencies last: they may wait for VMs of any group
        for (JsonIn boot : boots) {
            reader.addDependencies(boot, DEPENDENCIES_FIELD, new HashSet<>(items(boot)));
        }
        return reader.build(properties.pathOf("groups"));
    }

    private static List<String> items(JsonIn group) {
        return group.list("replicationProtectedItems", item -> {
            item.only(ITEM_FIELDS);
            String vmId = item.optText("virtualMachineId");
            return vmId != null ? vmId : lastSegment(item.text("id"), "/replicationProtectedItems/");
        });
    }

    private static PlanAction action(JsonIn action) {
        action.only(ACTION_FIELDS);
        String name = action.text("actionName");
        List<FailoverKind> kinds = action.spelledSet("failoverTypes", KINDS);
        List<FailoverDirection> directions = action.spelledSet("failoverDirections", DIRECTIONS);
        JsonIn details = action.object("customDetails");
        String type = details.text("instanceType");
        PlanAction.Details what;
        switch (type) {
            case "ScriptActionDetails" -> {
                details.only(SCRIPT_FIELDS);
                String scriptPath = details.text("path");
                ScriptSide side = details.spelled("fabricLocation", SIDES);
                Duration timeout = details.optDuration("timeout", PlanAction.DEFAULT_SCRIPT_TIMEOUT);
                what = details.build(() -> new PlanAction.Script(scriptPath, side, timeout));
            }
            case "ManualActionDetails" -> {
                details.only(MANUAL_FIELDS);
                String description = details.optText("description");
                what = details.build(() -> new PlanAction.Manual(description == null ? "" : description));
            }
            default -> throw details.error("instanceType", "instanceType '" + type + "' is not one of "
                    + "ScriptActionDetails, ManualActionDetails"
                    + (type.equals("AutomationRunbookActionDetails") ? " (runbooks need Azure)" : ""));
        }
        return action.build(() -> new PlanAction(name, Set.copyOf(kinds), Set.copyOf(directions), what));
    }

    private static String lastSegment(String id, String marker) {
        int at = id.lastIndexOf(marker);
        return at < 0 ? id : id.substring(at + marker.length());
    }
}
