package dev.secondsite.core.vault;

import static dev.secondsite.core.vault.JournalCodecTest.T0;
import static dev.secondsite.core.vault.JournalCodecTest.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.testing.JsonEdits;
import dev.secondsite.core.InvalidDocumentException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secondsite.core.Rule;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.job.ConfigChange;
import dev.secondsite.core.job.JobEvent;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobSpec;
import dev.secondsite.core.job.Phase;
import dev.secondsite.core.job.Step;
import dev.secondsite.core.job.TaskSpec;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.RecoveryPointChoice;
import dev.secondsite.core.spi.TestNetwork;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Decoding refuses what it does not know, naming the JSON Pointer path and the rule. */
class JournalCodecStrictnessTest {
    private static final String COMMAND = "/spec/phases/0/tasks/0/steps/0/request/command";
    private static final JobEvent SENT = new JobEvent.CommandSent("job-1", T0, "t1", 0, 1);
    private static final JobEvent COMPLETED = new JobEvent.CommandCompleted("job-1", T0, "t1", 0, 1,
            CommandResult.succeeded("ok", new CommandOutput.ReplicationStatus("Replicating", "Normal", T0)));

    private static JobEvent created(Step... steps) {
        return new JobEvent.Created("job-1", T0, new JobSpec(JobKind.TEST_FAILOVER, "vm vm-1", null,
                List.of(new Phase("one", List.of(TaskSpec.of("t1", "task", "vm-1", List.of(steps))))), List.of()));
    }

    private static final JobEvent TEST_FAILOVER = created(new Step.Command(request(new HostCommand.TestFailover(
            "vm-1", "web-01", RecoveryPointChoice.of("rp-1"), TestNetwork.isolated("drill")))),
            new Step.Apply(new ConfigChange.Pair(new CloudPairing(JournalCodecTest.GOLD, JournalCodecTest.SILVER,
                    ReplicationSettings.defaults()))));

    /** Decoding {@code event}'s encoding after {@code change}; must be refused at {@code path} with {@code rule}. */
    private static InvalidDocumentException refused(JobEvent event, Consumer<ObjectNode> change, String path,
                                                    Rule rule) {
        String json = JsonEdits.edit(JournalCodec.encodeEventText(event), change);
        InvalidDocumentException e = assertThrows(InvalidDocumentException.class,
                () -> JournalCodec.decodeEvent(json.getBytes(StandardCharsets.UTF_8)), json);
        assertEquals(path, e.path(), e.getMessage());
        assertEquals(rule, e.findings().get(0).rule(), e.getMessage());
        assertTrue(e.getMessage().contains("at " + (path.isEmpty() ? "/" : path) + ": "), e.getMessage());
        InvalidDocumentException text = assertThrows(InvalidDocumentException.class,
                () -> JournalCodec.decodeEventText(json));
        assertEquals(path, text.path(), "text and bytes are read alike");
        return e;
    }

    private static ObjectNode at(ObjectNode root, String pointer) {
        return (ObjectNode) root.at(pointer);
    }

    @Test
    @DisplayName("DOCUMENT an unknown field is refused, at the top and deep inside")
    void unknownField() {
        refused(SENT, o -> o.put("retries", 2), "/retries", Rule.DOCUMENT);
        refused(TEST_FAILOVER, o -> at(o, COMMAND).put("force", true), COMMAND + "/force", Rule.DOCUMENT);
        refused(TEST_FAILOVER, o -> at(o, COMMAND + "/network").put("vlan", 7), COMMAND + "/network/vlan",
                Rule.DOCUMENT);
        refused(TEST_FAILOVER, o -> at(o, "/spec/phases/0/tasks/0/steps/1/change/pairing/settings").put("x", 1),
                "/spec/phases/0/tasks/0/steps/1/change/pairing/settings/x", Rule.DOCUMENT);
        refused(COMPLETED, o -> at(o, "/result/output").put("lag", "PT1M"), "/result/output/lag", Rule.DOCUMENT);
        refused(created(new Step.Manual("check")), o -> at(o, "/spec/phases/0").put("parallel", 3),
                "/spec/phases/0/parallel", Rule.DOCUMENT);
    }

    @Test
    @DisplayName("DOCUMENT an unknown type is refused, naming the known ones")
    void unknownType() {
        InvalidDocumentException e = refused(SENT, o -> o.put("type", "CommandResent"), "/type", Rule.DOCUMENT);
        assertTrue(e.getMessage().contains("CommandSent") && e.getMessage().contains("'CommandResent'"),
                e.getMessage());
        refused(TEST_FAILOVER, o -> at(o, COMMAND).put("type", "Reboot"), COMMAND + "/type", Rule.DOCUMENT);
        refused(TEST_FAILOVER, o -> at(o, COMMAND + "/recoveryPoint").put("type", "Oldest"),
                COMMAND + "/recoveryPoint/type", Rule.DOCUMENT);
        refused(TEST_FAILOVER, o -> at(o, COMMAND + "/network").put("type", "Vlan"), COMMAND + "/network/type",
                Rule.DOCUMENT);
        refused(TEST_FAILOVER, o -> at(o, "/spec/phases/0/tasks/0/steps/0").put("type", "Wait"),
                "/spec/phases/0/tasks/0/steps/0/type", Rule.DOCUMENT);
        refused(TEST_FAILOVER, o -> at(o, "/spec/phases/0/tasks/0/steps/1/change").put("type", "Merge"),
                "/spec/phases/0/tasks/0/steps/1/change/type", Rule.DOCUMENT);
        refused(COMPLETED, o -> at(o, "/result/output").put("type", "Disks"), "/result/output/type", Rule.DOCUMENT);
    }

    @Test
    @DisplayName("DOCUMENT another format version, or none, is refused")
    void wrongVersion() {
        InvalidDocumentException e = refused(SENT, o -> o.put("formatVersion", 2), "/formatVersion", Rule.DOCUMENT);
        assertTrue(e.getMessage().contains("2") && e.getMessage().contains("reads 1"), e.getMessage());
        refused(SENT, o -> o.put("formatVersion", "1"), "/formatVersion", Rule.DOCUMENT);
        refused(SENT, o -> o.remove("formatVersion"), "/formatVersion", Rule.DOCUMENT);
    }

    @Test
    @DisplayName("DOCUMENT a missing field is refused, at the top and deep inside")
    void missingField() {
        refused(SENT, o -> o.remove("taskId"), "/taskId", Rule.DOCUMENT);
        refused(SENT, o -> o.remove("type"), "/type", Rule.DOCUMENT);
        refused(SENT, o -> o.putNull("attempt"), "/attempt", Rule.DOCUMENT);
        refused(COMPLETED, o -> at(o, "/result").remove("message"), "/result/message", Rule.DOCUMENT);
        refused(TEST_FAILOVER, o -> at(o, COMMAND).remove("vmName"), COMMAND + "/vmName", Rule.DOCUMENT);
        refused(TEST_FAILOVER, o -> at(o, "/spec/phases/0/tasks/0").remove("onFailure"),
                "/spec/phases/0/tasks/0/onFailure", Rule.DOCUMENT);
        refused(TEST_FAILOVER, o -> at(o, "/spec/phases/0/tasks/0/steps/1/change/pairing").remove("target"),
                "/spec/phases/0/tasks/0/steps/1/change/pairing/target", Rule.DOCUMENT);
    }

    @Test
    @DisplayName("DOCUMENT a field of the wrong type or form is refused")
    void wrongType() {
        refused(SENT, o -> o.put("step", "0"), "/step", Rule.DOCUMENT);
        refused(SENT, o -> o.put("step", 1.5), "/step", Rule.DOCUMENT);
        refused(SENT, o -> o.put("at", "yesterday"), "/at", Rule.DOCUMENT);
        refused(SENT, o -> o.put("jobId", 7), "/jobId", Rule.DOCUMENT);
        refused(COMPLETED, o -> at(o, "/result").put("outcome", "MAYBE"), "/result/outcome", Rule.DOCUMENT);
        refused(COMPLETED, o -> o.put("result", "ok"), "/result", Rule.DOCUMENT);
        refused(created(new Step.Command(request(new HostCommand.RunScript("s.ps1", java.time.Duration.ofMinutes(5))))),
                o -> at(o, COMMAND).put("timeout", "5 minutes"), COMMAND + "/timeout", Rule.DOCUMENT);
        refused(created(new Step.Manual("check")), o -> at(o, "/spec/phases/0").putArray("tasks").add("t1"),
                "/spec/phases/0/tasks/0", Rule.DOCUMENT);
        refused(created(new Step.Manual("check")), o -> at(o, "/spec").put("phases", "one"), "/spec/phases",
                Rule.DOCUMENT);
    }

    @Test
    @DisplayName("INPUT, J1, C3, C6 a value that breaks a domain rule is refused at the path of its object")
    void domainRules() {
        refused(TEST_FAILOVER, o -> at(o, COMMAND).put("vmId", " "), COMMAND, Rule.INPUT);
        refused(TEST_FAILOVER, o -> at(o, "/spec/phases/0/tasks/0").putArray("steps"), "/spec/phases/0/tasks/0",
                Rule.J1);
        refused(created(new Step.Manual("check")), o -> ((ArrayNode) o.at("/spec/phases/0/tasks"))
                .add(o.at("/spec/phases/0/tasks/0").deepCopy()), "/spec", Rule.J1);
        refused(TEST_FAILOVER, o -> at(o, "/spec/phases/0/tasks/0/steps/1/change/pairing/target")
                .put("serverId", "vmm-a").put("cloud", "Gold"), "/spec/phases/0/tasks/0/steps/1/change/pairing",
                Rule.C3);
        refused(TEST_FAILOVER, o -> at(o, "/spec/phases/0/tasks/0/steps/1/change/pairing/settings")
                .put("appConsistentFrequencyHours", 4), "/spec/phases/0/tasks/0/steps/1/change/pairing/settings",
                Rule.C6);
    }

    @Test
    @DisplayName("DOCUMENT bytes that are not exactly one JSON object are refused")
    void notOneObject() {
        for (String json : List.of("", "[]", "\"CommandSent\"", "{\"formatVersion\":1", "not json",
                JournalCodec.encodeEventText(SENT) + " {}", JournalCodec.encodeEventText(SENT) + "x")) {
            InvalidDocumentException e = assertThrows(InvalidDocumentException.class,
                    () -> JournalCodec.decodeEvent(json.getBytes(StandardCharsets.UTF_8)), json);
            assertEquals("", e.path(), json);
            assertEquals(Rule.DOCUMENT, e.findings().get(0).rule());
        }
        byte[] bytes = JournalCodec.encodeEvent(SENT);
        bytes[bytes.length - 3] = (byte) 0xC3;
        assertThrows(InvalidDocumentException.class, () -> JournalCodec.decodeEvent(bytes), "broken UTF-8");
        String duplicate = JournalCodec.encodeEventText(SENT).replace("\"step\":0", "\"step\":0,\"step\":1");
        assertThrows(InvalidDocumentException.class, () -> JournalCodec.decodeEventText(duplicate), duplicate);
    }

    @Test
    @DisplayName("DOCUMENT a nullable value may be absent or null; a present one must be of its type")
    void nullableValues() {
        JobEvent noPoint = created(new Step.Apply(new ConfigChange.Transition("vm-1",
                dev.secondsite.core.protection.ProtectionOperation.COMMIT)));
        String json = JsonEdits.edit(JournalCodec.encodeEventText(noPoint),
                o -> at(o, "/spec/phases/0/tasks/0/steps/0/change").putNull("recoveryPoint"));
        assertEquals(noPoint, JournalCodec.decodeEventText(json));
        refused(noPoint, o -> at(o, "/spec/phases/0/tasks/0/steps/0/change").put("recoveryPoint", 3),
                "/spec/phases/0/tasks/0/steps/0/change/recoveryPoint", Rule.DOCUMENT);
        refused(new JobEvent.Created("job-1", T0, new JobSpec(JobKind.UNPAIR_CLOUDS, "pairing",
                null, List.of(), List.of())), o -> at(o, "/spec").put("planName", false), "/spec/planName",
                Rule.DOCUMENT);
        refused(created(new Step.Apply(new ConfigChange.Unpair(new CloudRef("vmm-a", "Gold")))),
                o -> at(o, "/spec/phases/0/tasks/0/steps/0/change/primary").remove("cloud"),
                "/spec/phases/0/tasks/0/steps/0/change/primary/cloud", Rule.DOCUMENT);
    }
}
