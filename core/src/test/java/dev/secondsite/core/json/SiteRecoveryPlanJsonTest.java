package dev.secondsite.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.testing.JsonEdits;
import dev.secondsite.core.InvalidDocumentException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.plan.FailoverDirection;
import dev.secondsite.core.plan.FailoverKind;
import dev.secondsite.core.plan.PlanAction;
import dev.secondsite.core.plan.PlanContext;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.plan.ScriptSide;
import dev.secondsite.core.plan.Slot;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SiteRecoveryPlanJsonTest {
    private static final ObjectMapper MAPPER = JsonEdits.MAPPER;
    private static final String VM_1 = "5b9f3a52-21d3-4c55-9a0e-1f0b2c4c8a11";
    private static final String VM_2 = "7c2e8d14-6a3b-4f1e-8b2d-3e9a0c5d7f22";
    private static final String VM_3 = "9e4a1b36-8c5d-4e2f-a1b3-5d7e9f0a1c33";
    private static final PlanContext CONTEXT = PlanContext.of("vmm-primary-site", List.of(VM_1, VM_2, VM_3));
    private static final String VAULT = "/subscriptions/0000/resourceGroups/dr/providers/Microsoft.RecoveryServices/"
            + "vaults/v";
    private static final String ITEMS = VAULT + "/replicationFabrics/vmm-primary-site/replicationProtectionContainers/"
            + "cloud-gold/replicationProtectedItems/";

    /** A plan as the service's GET returns it, with read-only fields. */
    static final String DOCUMENT = """
            {
              "id": "VAULT/replicationRecoveryPlans/erp",
              "name": "erp",
              "type": "Microsoft.RecoveryServices/vaults/replicationRecoveryPlans",
              "properties": {
                "friendlyName": "erp",
                "primaryFabricId": "VAULT/replicationFabrics/vmm-primary-site",
                "primaryFabricFriendlyName": "VMM01",
                "recoveryFabricId": "VAULT/replicationFabrics/vmm-recovery-site",
                "recoveryFabricFriendlyName": "VMM02",
                "failoverDeploymentModel": "NotApplicable",
                "replicationProviders": ["HyperVReplica2012R2"],
                "allowedOperations": ["PlannedFailover", "UnplannedFailover", "TestFailover"],
                "lastTestFailoverTime": "2024-05-01T10:00:00Z",
                "currentScenario": {"scenarioName": "None"},
                "groups": [
                  {"groupType": "Shutdown", "replicationProtectedItems": [],
                   "startGroupActions": [], "endGroupActions": []},
                  {"groupType": "Failover", "replicationProtectedItems": [],
                   "startGroupActions": [],
                   "endGroupActions": [
                     {"actionName": "approve", "failoverTypes": ["PlannedFailover", "UnplannedFailover"],
                      "failoverDirections": ["PrimaryToRecovery", "RecoveryToPrimary"],
                      "customDetails": {"instanceType": "ManualActionDetails", "description": "ask the owner"}}]},
                  {"groupType": "Boot",
                   "replicationProtectedItems": [{"id": "ITEMS5b9f3a52-21d3-4c55-9a0e-1f0b2c4c8a11",
                                                  "virtualMachineId": "5b9f3a52-21d3-4c55-9a0e-1f0b2c4c8a11"}],
                   "startGroupActions": [],
                   "endGroupActions": [
                     {"actionName": "wait-db", "failoverTypes": ["PlannedFailover", "UnplannedFailover"],
                      "failoverDirections": ["PrimaryToRecovery"],
                      "customDetails": {"instanceType": "ScriptActionDetails", "path": "scripts\\\\wait-db.ps1",
                                        "timeout": "PT10M", "fabricLocation": "Recovery"}}]},
                  {"groupType": "Boot",
                   "replicationProtectedItems": [{"id": "ITEMS7c2e8d14-6a3b-4f1e-8b2d-3e9a0c5d7f22"},
                                                 {"id": "ITEMS9e4a1b36-8c5d-4e2f-a1b3-5d7e9f0a1c33"}],
                   "startGroupActions": [
                     {"actionName": "check", "failoverTypes": ["TestFailover"],
                      "failoverDirections": ["PrimaryToRecovery"],
                      "customDetails": {"instanceType": "ScriptActionDetails", "path": "check.ps1",
                                        "fabricLocation": "Primary"}}],
                   "endGroupActions": []}
                ]
              }
            }""".replace("ITEMS", ITEMS).replace("VAULT", VAULT);

    static RecoveryPlan expected() {
        return RecoveryPlan.builder("erp", "vmm-primary-site", "vmm-recovery-site", CONTEXT).addGroup()
                .addVm(1, VM_1).addVm(2, VM_2).addVm(2, VM_3)
                .addAction(Slot.afterFailover(), PlanAction.manual("approve", "ask the owner")
                        .withKinds(FailoverKind.PLANNED, FailoverKind.UNPLANNED))
                .addAction(Slot.afterGroup(1), PlanAction.script("wait-db", "scripts\\wait-db.ps1",
                        ScriptSide.RECOVERY, Duration.ofMinutes(10)).withKinds(FailoverKind.PLANNED,
                        FailoverKind.UNPLANNED).withDirections(FailoverDirection.PRIMARY_TO_RECOVERY))
                .addAction(Slot.beforeGroup(2), PlanAction.script("check", "check.ps1", ScriptSide.PRIMARY)
                        .withKinds(FailoverKind.TEST).withDirections(FailoverDirection.PRIMARY_TO_RECOVERY))
                .build();
    }

    @Test
    @DisplayName("RP7 the service's groups map onto the plan: Shutdown and Failover steps, Boot groups in order")
    void readsTheServiceShape() {
        RecoveryPlan plan = SiteRecoveryPlanJson.read(DOCUMENT, CONTEXT);
        assertEquals(expected(), plan);
        // no timeout given: the default 600 s (RP8)
        PlanAction check = plan.actions(Slot.beforeGroup(2)).get(0);
        assertEquals(Duration.ofSeconds(600), ((PlanAction.Script) check.details()).timeout());
    }

    @Test
    @DisplayName("RP10 written in the service's shape and read back, a plan is unchanged")
    void writesTheServiceShape() throws Exception {
        JsonNode written = MAPPER.readTree(SiteRecoveryPlanJson.write(expected()));
        assertEquals("vmm-primary-site", written.at("/properties/primaryFabricId").textValue());
        assertEquals("NotApplicable", written.at("/properties/failoverDeploymentModel").textValue());
        assertEquals("Shutdown", written.at("/properties/groups/0/groupType").textValue());
        assertEquals("Failover", written.at("/properties/groups/1/groupType").textValue());
        assertEquals("Boot", written.at("/properties/groups/3/groupType").textValue());
        assertEquals(VM_3, written.at("/properties/groups/3/replicationProtectedItems/1/id").textValue());
        JsonNode script = written.at("/properties/groups/2/endGroupActions/0");
        assertEquals("[\"PlannedFailover\",\"UnplannedFailover\"]", script.get("failoverTypes").toString());
        assertEquals("[\"PrimaryToRecovery\"]", script.get("failoverDirections").toString());
        assertEquals("{\"instanceType\":\"ScriptActionDetails\",\"path\":\"scripts\\\\wait-db.ps1\","
                + "\"timeout\":\"PT10M\",\"fabricLocation\":\"Recovery\"}", script.get("customDetails").toString());
        assertEquals("{\"instanceType\":\"ManualActionDetails\",\"description\":\"ask the owner\"}",
                written.at("/properties/groups/1/endGroupActions/0/customDetails").toString());
        assertEquals(expected(), SiteRecoveryPlanJson.read(written, CONTEXT));
    }

    @Test
    @DisplayName("RP10 dependencies are never dropped silently: refused, dropped on request, or kept in an extension")
    void dependencies() throws Exception {
        RecoveryPlan plan = expected().withDependency(VM_3, VM_2);
        InvalidConfigurationException refused = assertThrows(InvalidConfigurationException.class,
                () -> SiteRecoveryPlanJson.write(plan));
        assertEquals(Rule.RP10, refused.rule());
        assertTrue(refused.getMessage().contains(VM_3 + " after " + VM_2), refused.getMessage());

        String dropped = SiteRecoveryPlanJson.write(plan, SiteRecoveryPlanJson.Dependencies.DROP);
        assertFalse(dropped.contains(SiteRecoveryPlanJson.DEPENDENCIES_FIELD));
        assertEquals(expected(), SiteRecoveryPlanJson.read(dropped, CONTEXT));

        String kept = SiteRecoveryPlanJson.write(plan, SiteRecoveryPlanJson.Dependencies.EXTENSION);
        assertEquals("[{\"vm\":\"" + VM_3 + "\",\"after\":\"" + VM_2 + "\"}]",
                MAPPER.readTree(kept).at("/properties/groups/3/" + SiteRecoveryPlanJson.DEPENDENCIES_FIELD)
                        .toString());
        assertEquals(plan, SiteRecoveryPlanJson.read(kept, CONTEXT));
    }

    @Test
    @DisplayName("DOCUMENT what the service shape allows but Secondsite cannot run is refused at its path")
    void refusals() {
        String action = "/properties/groups/2/endGroupActions/0";
        assertRefused(edit(d -> details(d, action).put("instanceType", "AutomationRunbookActionDetails")),
                action + "/customDetails/instanceType", Rule.DOCUMENT);
        assertRefused(edit(d -> ((ArrayNode) d.at(action + "/failoverTypes")).add("Failback")),
                action + "/failoverTypes/2", Rule.DOCUMENT);
        assertRefused(edit(d -> ((ArrayNode) d.at(action + "/failoverDirections")).set(0, "Sideways")),
                action + "/failoverDirections/0", Rule.DOCUMENT);
        assertRefused(edit(d -> details(d, action).remove("fabricLocation")),
                action + "/customDetails/fabricLocation", Rule.DOCUMENT);
        assertRefused(edit(d -> details(d, action).put("timeout", "600")), action + "/customDetails/timeout",
                Rule.DOCUMENT);
        assertRefused(edit(d -> details(d, action).put("runbookId", "x")), action + "/customDetails/runbookId",
                Rule.DOCUMENT);
        assertRefused(edit(d -> ((ArrayNode) d.at(action + "/failoverTypes")).removeAll()), action, Rule.RP4);
        assertRefused(edit(d -> ((ObjectNode) d.get("properties")).put("failoverDeploymentModel",
                "ResourceManager")), "/properties/failoverDeploymentModel", Rule.DOCUMENT);
        assertRefused(edit(d -> ((ObjectNode) d.get("properties")).put("recoveryPlanColor", "red")),
                "/properties/recoveryPlanColor", Rule.DOCUMENT);
        assertRefused(edit(d -> ((ObjectNode) d.at("/properties/groups/3")).put("groupType", "Start")),
                "/properties/groups/3/groupType", Rule.DOCUMENT);
        assertRefused(edit(d -> ((ObjectNode) d.at("/properties/groups/1")).put("groupType", "Shutdown")),
                "/properties/groups/1/groupType", Rule.DOCUMENT);
        assertRefused(edit(d -> ((ArrayNode) d.at("/properties/groups/0/replicationProtectedItems")).addObject()
                .put("id", "somewhere-else")), "/properties/groups/0/replicationProtectedItems/0", Rule.DOCUMENT);
        assertRefused(edit(d -> ((ObjectNode) d.at("/properties/groups/0"))
                .putArray(SiteRecoveryPlanJson.DEPENDENCIES_FIELD)),
                "/properties/groups/0/" + SiteRecoveryPlanJson.DEPENDENCIES_FIELD, Rule.DOCUMENT);
        assertRefused(edit(d -> ((ObjectNode) d.get("properties")).remove("groups")), "/properties/groups",
                Rule.DOCUMENT);
    }

    @Test
    @DisplayName("DOCUMENT a field given twice is refused rather than one of its values silently lost")
    void fieldTwice() {
        assertRefused(DOCUMENT.replace("\"fabricLocation\": \"Primary\"",
                "\"fabricLocation\": \"Primary\", \"fabricLocation\": \"Recovery\""), "", Rule.DOCUMENT);
    }

    @Test
    @DisplayName("DOCUMENT null stands for an absent field, as in every document this library reads")
    void nullIsAbsent() {
        RecoveryPlan plan = SiteRecoveryPlanJson.read(edit(d -> {
            ((ObjectNode) d.get("properties")).putNull("failoverDeploymentModel");
            ((ObjectNode) d.at("/properties/groups/0")).putNull(SiteRecoveryPlanJson.DEPENDENCIES_FIELD);
            ((ObjectNode) d.at("/properties/groups/0")).putNull("startGroupActions");
            ((ObjectNode) d.at("/properties/groups/2/endGroupActions/0/customDetails")).putNull("timeout");
        }), CONTEXT);
        assertEquals(expected(), plan);
        assertRefused(edit(d -> ((ObjectNode) d.get("properties")).putNull("primaryFabricId")),
                "/properties/primaryFabricId", Rule.DOCUMENT);
    }

    @Test
    @DisplayName("RP1 a protected item that is not protected on the primary fabric is refused at its path")
    void unprotectedItem() {
        assertRefused(edit(d -> ((ArrayNode) d.at("/properties/groups/3/replicationProtectedItems")).addObject()
                .put("id", ITEMS + "ghost")), "/properties/groups/3/replicationProtectedItems/2", Rule.RP1);
        assertRefused(edit(d -> ((ObjectNode) d.get("properties")).put("primaryFabricId", "")),
                "/properties/primaryFabricId", Rule.RP1);
    }

    @Test
    @DisplayName("RP2 a protected item in two Boot groups is refused at its second place")
    void itemTwice() {
        assertRefused(edit(d -> ((ArrayNode) d.at("/properties/groups/3/replicationProtectedItems")).addObject()
                .put("id", VM_1)), "/properties/groups/3/replicationProtectedItems/2", Rule.RP2);
    }

    @Test
    @DisplayName("RP5 a dependency cycle in the extension field is refused at its path")
    void cycleInExtension() {
        String field = "/properties/groups/3/" + SiteRecoveryPlanJson.DEPENDENCIES_FIELD;
        assertRefused(edit(d -> {
            ArrayNode deps = ((ObjectNode) d.at("/properties/groups/3")).putArray(
                    SiteRecoveryPlanJson.DEPENDENCIES_FIELD);
            deps.addObject().put("vm", VM_2).put("after", VM_3);
            deps.addObject().put("vm", VM_3).put("after", VM_2);
        }), field + "/1", Rule.RP5);
    }

    @Test
    @DisplayName("RP2 a document with Shutdown and Failover groups only gives a plan with an empty group 1")
    void noBootGroup() {
        String document = "{\"name\": \"empty\", \"properties\": {\"primaryFabricId\": \"a\", \"recoveryFabricId\":"
                + " \"b\", \"groups\": [{\"groupType\": \"Failover\"}]}}";
        RecoveryPlan plan = SiteRecoveryPlanJson.read(document, CONTEXT);
        assertEquals(1, plan.groupCount());
        assertEquals(List.of(), plan.vms());
    }

    private static ObjectNode details(ObjectNode document, String action) {
        return (ObjectNode) document.at(action + "/customDetails");
    }

    private static String edit(Consumer<ObjectNode> change) {
        return JsonEdits.edit(DOCUMENT, change);
    }

    private static void assertRefused(String document, String path, Rule rule) {
        InvalidDocumentException e = assertThrows(InvalidDocumentException.class,
                () -> SiteRecoveryPlanJson.read(document, CONTEXT));
        assertEquals(path, e.path(), e.getMessage());
        assertEquals(rule, e.rule(), e.getMessage());
        assertTrue(e.getMessage().contains(path), e.getMessage());
    }

    @Test
    @DisplayName("RP4 a manual action imported without a description, or a blank one, is refused at its node, not saved")
    void manualActionWithoutDescription() {
        String path = "/properties/groups/1/endGroupActions/0/customDetails";
        for (String details : new String[] {"{\"instanceType\": \"ManualActionDetails\"}",
            "{\"instanceType\": \"ManualActionDetails\", \"description\": \"  \"}"}) {
            String document = DOCUMENT.replace(
                    "{\"instanceType\": \"ManualActionDetails\", \"description\": \"ask the owner\"}", details);
            assertFalse(document.equals(DOCUMENT));
            InvalidDocumentException e = assertThrows(InvalidDocumentException.class,
                    () -> SiteRecoveryPlanJson.read(document, CONTEXT));
            assertEquals(Rule.RP4, e.rule(), e.getMessage());
            assertEquals(path, e.path(), e.getMessage());
        }
    }

    @Test
    @DisplayName("RP1 the service's PUT body ({\"properties\"} without a name) is read with the name from the URL")
    void requestBodyWithNameFromUrl() throws Exception {
        ObjectNode body = (ObjectNode) MAPPER.readTree(DOCUMENT);
        ObjectNode put = MAPPER.createObjectNode();
        put.set("properties", body.get("properties"));
        String request = MAPPER.writeValueAsString(put);

        assertEquals(expected(), SiteRecoveryPlanJson.read("erp", request, CONTEXT));
        assertEquals(expected(), SiteRecoveryPlanJson.read("erp", put, CONTEXT));
        InvalidDocumentException unnamed = assertThrows(InvalidDocumentException.class,
                () -> SiteRecoveryPlanJson.read(request, CONTEXT));
        assertEquals("/name", unnamed.path());
        assertTrue(unnamed.getMessage().contains("read(name, json, context)"), unnamed.getMessage());
        assertEquals("/name", assertThrows(InvalidDocumentException.class,
                () -> SiteRecoveryPlanJson.read(" ", request, CONTEXT)).path());
    }

    @Test
    @DisplayName("RP1 the service's response ({id, name, type, properties}) is read with the URL's name, which must "
            + "match its own")
    void responseWithNameFromUrl() throws Exception {
        ObjectNode response = (ObjectNode) MAPPER.readTree(DOCUMENT);
        ((ObjectNode) response.get("properties")).put("currentScenarioStatusDescription", "None");
        response.put("location", "westeurope");
        String json = MAPPER.writeValueAsString(response);
        assertEquals(expected(), SiteRecoveryPlanJson.read("erp", json, CONTEXT));
        assertEquals(expected(), SiteRecoveryPlanJson.read(json, CONTEXT));

        InvalidDocumentException other = assertThrows(InvalidDocumentException.class,
                () -> SiteRecoveryPlanJson.read("crm", json, CONTEXT));
        assertEquals("/name", other.path());
        assertTrue(other.getMessage().contains("'erp'") && other.getMessage().contains("'crm'"), other.getMessage());
    }
}
