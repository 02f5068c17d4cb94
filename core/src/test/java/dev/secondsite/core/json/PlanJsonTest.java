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
import dev.secondsite.core.Rule;
import dev.secondsite.core.plan.Dependency;
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

class PlanJsonTest {
    private static final ObjectMapper MAPPER = JsonEdits.MAPPER;
    private static final PlanContext CONTEXT = PlanContext.of("vmm-a", List.of("db-1", "app-1", "web-1", "web-2"));

    static final String DOCUMENT = """
            {
              "formatVersion": 1,
              "name": "erp", "sourceServer": "vmm-a", "targetServer": "vmm-b",
              "shutdown": {"before": [{"name": "drain", "kinds": ["PLANNED"], "directions": ["PRIMARY_TO_RECOVERY"],
                                       "type": "manual", "instructions": "drain the balancer"}],
                           "after": []},
              "failover": {"before": [], "after": []},
              "groups": [
                {"vms": ["db-1"], "dependencies": [], "before": [], "after": []},
                {"vms": ["app-1", "web-1", "web-2"],
                 "dependencies": [{"vm": "web-1", "after": "app-1"}, {"vm": "app-1", "after": "db-1"}],
                 "before": [],
                 "after": [{"name": "dns", "kinds": ["UNPLANNED", "TEST"], "directions": ["RECOVERY_TO_PRIMARY",
                            "PRIMARY_TO_RECOVERY"], "type": "script", "path": "dns.ps1", "side": "RECOVERY",
                            "timeout": "PT5M"},
                           {"name": "smoke", "kinds": ["TEST"], "directions": ["PRIMARY_TO_RECOVERY"],
                            "type": "script", "path": "smoke.ps1", "side": "PRIMARY"}]}
              ]
            }""";

    static RecoveryPlan expected() {
        return RecoveryPlan.builder("erp", "vmm-a", "vmm-b", CONTEXT).addGroup()
                .addVm(1, "db-1").addVm(2, "app-1").addVm(2, "web-1").addVm(2, "web-2")
                .addDependency("web-1", "app-1").addDependency("app-1", "db-1")
                .addAction(Slot.beforeShutdown(), PlanAction.manual("drain", "drain the balancer")
                        .withKinds(FailoverKind.PLANNED).withDirections(FailoverDirection.PRIMARY_TO_RECOVERY))
                .addAction(Slot.afterGroup(2), PlanAction.script("dns", "dns.ps1", ScriptSide.RECOVERY,
                        Duration.ofMinutes(5)).withKinds(FailoverKind.TEST, FailoverKind.UNPLANNED))
                .addAction(Slot.afterGroup(2), PlanAction.script("smoke", "smoke.ps1", ScriptSide.PRIMARY)
                        .withKinds(FailoverKind.TEST).withDirections(FailoverDirection.PRIMARY_TO_RECOVERY))
                .build();
    }

    @Test
    @DisplayName("RP10 a document reads into the plan it describes, and the plan writes back to the same tree")
    void readAndWrite() throws Exception {
        RecoveryPlan plan = PlanJson.read(DOCUMENT, CONTEXT);
        assertEquals(expected(), plan);
        assertEquals(List.of(new Dependency("web-1", "app-1"), new Dependency("app-1", "db-1")),
                plan.group(2).dependencies());
        // written back: the same document, with kinds and directions in enum order and the default timeout spelled
        JsonNode written = MAPPER.readTree(PlanJson.write(plan));
        assertEquals(1, written.get("formatVersion").intValue());
        assertEquals("[\"TEST\",\"UNPLANNED\"]", written.at("/groups/1/after/0/kinds").toString());
        assertEquals("PT10M", written.at("/groups/1/after/1/timeout").textValue());
        assertEquals(plan, PlanJson.read(written, CONTEXT));
    }

    @Test
    @DisplayName("RP10 DOCUMENT plans read from a Reader and write to a Writer as from and to a String; a stream past "
            + "the size limit or one that fails is refused as a document")
    void readerAndWriter() {
        RecoveryPlan plan = PlanJson.read(new java.io.StringReader(DOCUMENT), CONTEXT);
        assertEquals(PlanJson.read(DOCUMENT, CONTEXT), plan);
        java.io.StringWriter out = new java.io.StringWriter();
        PlanJson.write(plan, out);
        assertEquals(PlanJson.write(plan), out.toString());

        java.io.Reader endless = new java.io.Reader() {
            @Override
            public int read(char[] buffer, int offset, int length) {
                java.util.Arrays.fill(buffer, offset, offset + length, ' ');
                return length;
            }

            @Override
            public void close() {
            }
        };
        InvalidDocumentException tooLong = assertThrows(InvalidDocumentException.class,
                () -> PlanJson.read(endless, CONTEXT));
        assertEquals(Rule.DOCUMENT, tooLong.rule());
        assertTrue(tooLong.getMessage().contains("limit"), tooLong.getMessage());
        java.io.Reader failing = new java.io.Reader() {
            @Override
            public int read(char[] buffer, int offset, int length) throws java.io.IOException {
                throw new java.io.IOException("disk gone");
            }

            @Override
            public void close() {
            }
        };
        InvalidDocumentException broken = assertThrows(InvalidDocumentException.class,
                () -> PlanJson.read(failing, CONTEXT));
        assertTrue(broken.getMessage().contains("disk gone"), broken.getMessage());
    }

    @Test
    @DisplayName("DOCUMENT an unknown or missing formatVersion is refused")
    void versions() {
        assertRefused(DOCUMENT.replace("\"formatVersion\": 1", "\"formatVersion\": 2"), "/formatVersion",
                Rule.DOCUMENT);
        assertRefused(DOCUMENT.replace("\"formatVersion\": 1", "\"formatVersion\": \"1\""), "/formatVersion",
                Rule.DOCUMENT);
        assertRefused(DOCUMENT.replace("\"formatVersion\": 1,", ""), "/formatVersion", Rule.DOCUMENT);
    }

    @Test
    @DisplayName("DOCUMENT malformed input names the JSON path of the node at fault")
    void shapeErrors() {
        assertRefused("{not json", "", Rule.DOCUMENT);
        assertRefused("[]", "", Rule.DOCUMENT);
        assertRefused(edit(d -> d.put("owner", "me")), "/owner", Rule.DOCUMENT);
        assertRefused(edit(d -> d.remove("name")), "/name", Rule.DOCUMENT);
        assertRefused(edit(d -> d.put("sourceServer", 7)), "/sourceServer", Rule.DOCUMENT);
        assertRefused(edit(d -> d.putArray("groups")), "/groups", Rule.DOCUMENT);
        assertRefused(edit(d -> action(d, 1, 0).put("color", "red")), "/groups/1/after/0/color", Rule.DOCUMENT);
        assertRefused(edit(d -> action(d, 1, 0).put("type", "runbook")), "/groups/1/after/0/type", Rule.DOCUMENT);
        assertRefused(edit(d -> ((ArrayNode) action(d, 1, 0).get("kinds")).add("FAILBACK")),
                "/groups/1/after/0/kinds/2", Rule.DOCUMENT);
        assertRefused(edit(d -> ((ArrayNode) action(d, 1, 0).get("kinds")).add("TEST")),
                "/groups/1/after/0/kinds/2", Rule.DOCUMENT);
        assertRefused(edit(d -> action(d, 1, 0).put("timeout", "10 minutes")), "/groups/1/after/0/timeout",
                Rule.DOCUMENT);
        assertRefused(edit(d -> action(d, 1, 0).put("side", "LEFT")), "/groups/1/after/0/side", Rule.DOCUMENT);
        assertRefused(edit(d -> ((ObjectNode) d.at("/groups/1/dependencies/0")).put("vm", "db-1")),
                "/groups/1/dependencies/0/vm", Rule.DOCUMENT);
        assertRefused(edit(d -> ((ObjectNode) d.at("/groups/0")).set("vms", MAPPER.createObjectNode())),
                "/groups/0/vms", Rule.DOCUMENT);
    }

    @Test
    @DisplayName("DOCUMENT a field given twice is refused rather than one of its values silently lost")
    void fieldTwice() {
        assertRefused(DOCUMENT.replace("\"name\": \"erp\",", "\"name\": \"erp\", \"name\": \"crm\","), "",
                Rule.DOCUMENT);
        assertRefused(DOCUMENT.replace("\"type\": \"manual\",", "\"type\": \"manual\", \"type\": \"script\","),
                "", Rule.DOCUMENT);
    }

    @Test
    @DisplayName("DOCUMENT a misspelt field is refused as unknown, before the field it was meant to be is missed")
    void misspeltField() {
        InvalidDocumentException e = assertRefused(DOCUMENT.replace("\"sourceServer\"", "\"sourceSever\""),
                "/sourceSever", Rule.DOCUMENT);
        assertTrue(e.getMessage().contains("sourceServer"), "names the known fields: " + e.getMessage());
        assertRefused(DOCUMENT.replace("\"instructions\"", "\"instruction\""),
                "/shutdown/before/0/instruction", Rule.DOCUMENT);
        assertRefused(edit(d -> ((ObjectNode) d.at("/groups/1/dependencies/0")).put("before", "db-1")),
                "/groups/1/dependencies/0/before", Rule.DOCUMENT);
    }

    @Test
    @DisplayName("RP1 an unprotected VM in a document is refused at its path")
    void unprotectedVm() {
        assertRefused(edit(d -> ((ArrayNode) d.at("/groups/1/vms")).add("ghost")), "/groups/1/vms/3", Rule.RP1);
    }

    @Test
    @DisplayName("RP2 a VM in two groups of a document is refused at its second place")
    void vmTwice() {
        assertRefused(edit(d -> ((ArrayNode) d.at("/groups/1/vms")).add("db-1")), "/groups/1/vms/3", Rule.RP2);
    }

    @Test
    @DisplayName("RP3 a dependency on a later group is refused at its path")
    void laterGroup() {
        assertRefused(edit(d -> ((ArrayNode) d.at("/groups/0/dependencies")).addObject().put("vm", "db-1")
                .put("after", "web-2")), "/groups/0/dependencies/0", Rule.RP3);
    }

    @Test
    @DisplayName("RP5 a dependency cycle is refused at the dependency that closes it")
    void cycle() {
        InvalidDocumentException e = assertRefused(edit(d -> ((ArrayNode) d.at("/groups/1/dependencies"))
                .addObject().put("vm", "app-1").put("after", "web-1")), "/groups/1/dependencies/", Rule.RP5);
        assertTrue(e.getMessage().contains("app-1 -> web-1 -> app-1"), e.getMessage());
        assertRefused(edit(d -> ((ArrayNode) d.at("/groups/1/dependencies")).addObject().put("vm", "web-1")
                .put("after", "ghost")), "/groups/1/dependencies/2", Rule.RP5);
    }

    @Test
    @DisplayName("RP4 an action name used twice in a document is refused at its second place")
    void actionNameTwice() {
        assertRefused(edit(d -> ((ObjectNode) d.at("/groups/1/after/1")).put("name", "drain")),
                "/groups/1/after/1", Rule.INPUT);
        assertRefused(edit(d -> ((ArrayNode) action(d, 1, 0).get("kinds")).removeAll()), "/groups/1/after/0",
                Rule.RP4);
    }

    private static ObjectNode action(ObjectNode document, int group, int index) {
        return (ObjectNode) document.at("/groups/" + group + "/after/" + index);
    }

    private static String edit(Consumer<ObjectNode> change) {
        return JsonEdits.edit(DOCUMENT, change);
    }

    /** Asserts the document is refused at a path starting with {@code path}, for {@code rule}. */
    static InvalidDocumentException assertRefused(String document, String path, Rule rule) {
        InvalidDocumentException e = assertThrows(InvalidDocumentException.class,
                () -> PlanJson.read(document, CONTEXT));
        assertTrue(path.isEmpty() ? e.path().isEmpty() : e.path().startsWith(path),
                "path " + e.path() + " for " + e.getMessage());
        assertEquals(rule, e.rule(), e.getMessage());
        assertTrue(e.getMessage().contains(path.isEmpty() ? "/" : path), e.getMessage());
        return e;
    }

    @Test
    @DisplayName("RP4 a manual action with blank instructions is refused on import at its node, not saved")
    void blankInstructionsRefused() {
        String document = DOCUMENT.replace("\"instructions\": \"drain the balancer\"", "\"instructions\": \" \"");
        assertFalse(document.equals(DOCUMENT));
        InvalidDocumentException e = assertThrows(InvalidDocumentException.class,
                () -> PlanJson.read(document, CONTEXT));
        assertEquals(Rule.RP4, e.rule(), e.getMessage());
        assertEquals("/shutdown/before/0", e.path(), e.getMessage());
    }
}
