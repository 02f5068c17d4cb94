package dev.secondsite.core.vault;


import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.Finding;
import dev.secondsite.core.Rule;
import dev.secondsite.core.Severity;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.job.ConfigChange;
import dev.secondsite.core.job.JobEvent;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobPreconditions;
import dev.secondsite.core.job.JobSpec;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.Phase;
import dev.secondsite.core.job.Step;
import dev.secondsite.core.job.TaskSpec;
import dev.secondsite.core.protection.Authentication;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.CopyFrequency;
import dev.secondsite.core.protection.InitialReplication;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.ProtectionOperation;
import dev.secondsite.core.protection.ProtectionOrigin;
import dev.secondsite.core.protection.ProtectionState;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.protection.StorageMapping;
import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.RecoveryPoint;
import dev.secondsite.core.spi.RecoveryPointChoice;
import dev.secondsite.core.spi.TestNetwork;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Round trips of every event, step, configuration change, host command and command output. */
class JournalCodecTest {
    static final Instant T0 = Instant.parse("2026-11-02T10:00:00.123456789Z");
    static final CloudRef GOLD = new CloudRef("vmm-a", "Gold");
    static final CloudRef SILVER = new CloudRef("vmm-b", "Silver");

    static ReplicationSettings settings(InitialReplication initial) {
        return ReplicationSettings.builder().copyFrequency(CopyFrequency.THIRTY_SECONDS).additionalRecoveryPoints(8)
                .appConsistentFrequencyHours(4).compression(false).authentication(Authentication.KERBEROS)
                .port(18083).initialReplication(initial).deleteReplicaOnDisable(true).build();
    }

    /** One of every host command, with and without its nullable values. */
    static List<HostCommand> commands() {
        ReplicationSettings settings = settings(InitialReplication.offline("D:\\export", "\\\\nas\\import"));
        return List.of(
                new HostCommand.ConfigureReplicaServer(HostCommandMapping.parameters(settings)),
                new HostCommand.EnableReplication("vm-1", "web-01", "hv-b1", HostCommandMapping.parameters(settings(
                        InitialReplication.overNetworkAt(LocalTime.of(2, 30, 15, 500))))),
                new HostCommand.StartInitialReplication("vm-1", "web-01", HostCommandMapping.method(InitialReplication.overNetworkNow()), null),
                new HostCommand.StartInitialReplication("vm-1", "web-01",
                        HostCommandMapping.method(InitialReplication.overNetworkAt(LocalTime.of(2, 0))), T0.plusSeconds(3600)),
                new HostCommand.StartInitialReplication("vm-1", "web-01",
                        HostCommandMapping.method(InitialReplication.offline("D:\\export", "E:\\import")), null),
                new HostCommand.StartInitialReplication("vm-1", "web-01",
                        HostCommandMapping.method(InitialReplication.usingExistingReplica()), null),
                new HostCommand.EnableExistingReplica("vm-1", "web-01", "hv-a1"),
                new HostCommand.ImportInitialReplication("vm-1", "web-01", "E:\\import\\web-01"),
                new HostCommand.PrepareFailover("vm-1", "web-01"),
                new HostCommand.Failover("vm-1", "web-01", RecoveryPointChoice.latest()),
                new HostCommand.Failover("vm-1", "web-01", RecoveryPointChoice.latestAppConsistent()),
                new HostCommand.Failover("vm-1", "web-01", RecoveryPointChoice.of("rp-7")),
                new HostCommand.TestFailover("vm-1", "web-01", RecoveryPointChoice.latest(), TestNetwork.none()),
                new HostCommand.TestFailover("vm-1", "web-01", RecoveryPointChoice.of("rp-2"),
                        TestNetwork.existing("Corp-Test")),
                new HostCommand.TestFailover("vm-1", "web-01", RecoveryPointChoice.latestAppConsistent(),
                        TestNetwork.isolated("drill-net")),
                new HostCommand.CleanupTestFailover("vm-1", "web-01"),
                new HostCommand.CancelFailover("vm-1", "web-01"),
                new HostCommand.CompleteFailover("vm-1", "web-01"),
                new HostCommand.ReverseReplication("vm-1", "web-01", "hv-a1", HostCommandMapping.parameters(settings)),
                new HostCommand.StartVm("vm-1", "web-01", true),
                new HostCommand.StopVm("vm-1", "web-01", true),
                new HostCommand.DisableReplication("vm-1", "web-01", true),
                new HostCommand.GetReplicationStatus("vm-1", "web-01"),
                new HostCommand.ListRecoveryPoints("vm-1", "web-01"),
                new HostCommand.ConnectNetworkAdapter("vm-1", "web-01", "nic0", "Corp-DR", false),
                new HostCommand.ConnectNetworkAdapter("vm-1", "web-01", "nic0", null, true),
                new HostCommand.RunScript("\\\\vmm-b\\library\\scripts\\dns.ps1", Duration.ofMinutes(5).plusNanos(7)));
    }

    /** One of every configuration change, with and without its nullable values. */
    static List<ConfigChange> changes() {
        CloudPairing pairing = new CloudPairing(GOLD, SILVER, ReplicationSettings.defaults());
        return List.of(
                new ConfigChange.Pair(pairing),
                new ConfigChange.EditPairing(pairing.withSettings(settings(InitialReplication.overNetworkNow()))),
                new ConfigChange.EditPairing(pairing.withSettings(settings(InitialReplication.usingExistingReplica()))),
                new ConfigChange.Unpair(GOLD),
                new ConfigChange.MapNetwork(new NetworkMapping("vmm-a", "Corp", "vmm-b", "Corp-DR")),
                new ConfigChange.UnmapNetwork("vmm-a", "Corp"),
                new ConfigChange.MapStorage(new StorageMapping("vmm-a", "Gold SSD", "vmm-b", "Silver SSD")),
                new ConfigChange.UnmapStorage("vmm-a", "Gold SSD"),
                new ConfigChange.Protect(GOLD, "vm-1", ProtectionOrigin.PROVIDER, "hv-b1"),
                new ConfigChange.Onboard(GOLD, "vm-1"),
                new ConfigChange.Unprotect("vm-1"),
                new ConfigChange.Transition("vm-1", ProtectionOperation.PLANNED_FAILOVER),
                new ConfigChange.Transition("vm-1", ProtectionOperation.CHANGE_RECOVERY_POINT, "rp-3"));
    }

    /** One of every command output, and no output. */
    static List<CommandResult> results() {
        return List.of(
                CommandResult.succeeded("done"),
                CommandResult.transientFailure("host busy"),
                CommandResult.permanentFailure("VM not found"),
                CommandResult.succeeded("status", new CommandOutput.ReplicationStatus("Replicating", "Normal", T0)),
                CommandResult.succeeded("status", new CommandOutput.ReplicationStatus("Resynchronizing", "Critical",
                        null)),
                CommandResult.succeeded("points", new CommandOutput.RecoveryPoints(List.of())),
                CommandResult.succeeded("points", new CommandOutput.RecoveryPoints(List.of(
                        new RecoveryPoint("rp-1", T0.minusSeconds(7200), false),
                        new RecoveryPoint("rp-2", T0.minusNanos(1), true)))),
                new CommandResult(CommandResult.Outcome.PERMANENT_FAILURE, "script failed",
                        new CommandOutput.ScriptOutput(-3, "line 1\nline \"2\"", "Fehler: \u00fcberall \ud83d\udca5")));
    }

    static CommandRequest request(HostCommand command) {
        return new CommandRequest("job-1/task-1/0", "vmm-b", "hv-b1", command);
    }

    /** Every kind of step: a command of every type, probes, every change, a manual action. */
    static List<Step> steps() {
        List<Step> steps = new ArrayList<>();
        commands().forEach(c -> steps.add(new Step.Command(request(c))));
        steps.add(new Step.Probe(request(new HostCommand.GetReplicationStatus("vm-1", "web-01")), Duration.ofHours(1),
                true));
        steps.add(new Step.Probe(request(new HostCommand.GetReplicationStatus("vm-1", "web-01")),
                Duration.ofSeconds(-1, 5), false));
        steps.add(new Step.WaitUntil(request(new HostCommand.GetReplicationStatus("vm-1", "web-01")), "Replicating",
                Duration.ofMinutes(1), Duration.ofDays(7)));
        changes().forEach(c -> steps.add(new Step.Apply(c)));
        steps.add(new Step.Manual("Check the DNS records, then resume"));
        return steps;
    }

    static JobSpec spec() {
        List<Step> steps = steps();
        return new JobSpec(JobKind.PLANNED_FAILOVER, "plan Web tier", "Web tier", List.of(
                new Phase("Shut down", List.of(TaskSpec.of("t1", "Shut down web-01", "vm-1", steps.subList(0, 10)))),
                new Phase("Group 1, wave 1", List.of(
                        new TaskSpec("t2", "Fail over web-01", "vm-1", steps.subList(10, steps.size()),
                                TaskSpec.OnFailure.RECORD_AND_CONTINUE, true),
                        TaskSpec.of("t3", "Script", null, List.of(steps.get(0)))))),
                List.of(Finding.warning(Rule.N3, "vm web-01", "networkAdapters", "nic0", "nic0 has no mapping"),
                        Finding.warning(Rule.RP9, "vm db-01", "state", null, "already failed over")))
                .withPreconditions(JobPreconditions.of(Map.of("vm-1", ProtectionState.PROTECTED), "c0ffee"));
    }

    /** One event of every type. */
    static List<JobEvent> events() {
        List<JobEvent> events = new ArrayList<>(List.of(
                new JobEvent.Created("job-1", T0, spec()),
                new JobEvent.Created("job-2", T0, new JobSpec(JobKind.UNPAIR_CLOUDS, "pairing vmm-a/Gold", null,
                        List.of(), List.of())),
                new JobEvent.Started("job-1", T0),
                new JobEvent.TaskStarted("job-1", T0, "t1"),
                new JobEvent.CommandSent("job-1", T0, "t1", 0, 1),
                new JobEvent.StepCompleted("job-1", T0, "t1", 3, "replication Replicating, health Normal"),
                new JobEvent.TaskPolling("job-1", T0, "t2", 3, "replication of vm-1 is Replicating",
                        T0.plusSeconds(3600)),
                new JobEvent.TaskWaiting("job-1", T0, "t2", "Check the DNS records"),
                new JobEvent.TaskResumed("job-1", T0, "t2", 4, "DNS checked by Ana"),
                new JobEvent.TaskNoted("job-1", T0, "t2", Severity.WARNING, "stale recovery point"),
                new JobEvent.TaskNoted("job-1", T0, "t2", Severity.ERROR, "script wrote to stderr"),
                new JobEvent.TaskSucceeded("job-1", T0, "t1"),
                new JobEvent.TaskSkipped("job-1", T0, "t3", "already failed over"),
                new JobEvent.TaskFailed("job-1", T0, "t3", "RunScript failed: exit 3"),
                new JobEvent.CancelRequested("job-1", T0),
                new JobEvent.Restarted("job-1", Instant.EPOCH),
                new JobEvent.Finished("job-1", Instant.parse("+12026-01-01T00:00:00Z"), JobState.SUCCEEDED, "")));
        results().forEach(r -> events.add(new JobEvent.CommandCompleted("job-1", T0, "t1", 2, 3, r)));
        return events;
    }

    static Stream<JobEvent> everyEvent() {
        return events().stream();
    }

    static JobEvent roundTrip(JobEvent event) {
        return JournalCodec.decodeEvent(JournalCodec.encodeEvent(event));
    }

    @ParameterizedTest
    @MethodSource("everyEvent")
    @DisplayName("J3 every event type decodes to an equal event, and re-encodes to the same bytes")
    void everyEventRoundTrips(JobEvent event) {
        assertRoundTrips(event);
    }

    /** {@code event} decodes to an equal event, whose encoding is the same bytes. */
    static void assertRoundTrips(JobEvent event) {
        byte[] bytes = JournalCodec.encodeEvent(event);
        JobEvent back = JournalCodec.decodeEvent(bytes);
        assertEquals(event, back);
        assertArrayEquals(bytes, JournalCodec.encodeEvent(back));
    }

    @Test
    @DisplayName("J3 the samples hold every event type, host command, step, change and output")
    void samplesCoverEveryVariant() {
        assertEquals(Set.of(JobEvent.class.getPermittedSubclasses()), classes(events()));
        assertEquals(Set.of(HostCommand.class.getPermittedSubclasses()), classes(commands()));
        assertEquals(Set.of(ConfigChange.class.getPermittedSubclasses()), classes(changes()));
        assertEquals(Set.of(Step.class.getPermittedSubclasses()), classes(steps()));
        assertEquals(Set.of(CommandOutput.class.getPermittedSubclasses()),
                classes(results().stream().map(CommandResult::output).filter(o -> o != null).toList()));
    }

    private static Set<Class<?>> classes(List<?> values) {
        Set<Class<?>> out = new HashSet<>();
        values.forEach(v -> out.add(v.getClass()));
        return out;
    }

    @Test
    @DisplayName("J3 every host command round trips inside a command step")
    void everyCommandRoundTrips() {
        for (HostCommand command : commands()) {
            JobEvent event = created(new Step.Command(request(command)));
            assertEquals(event, roundTrip(event), command.describe());
        }
    }

    @Test
    @DisplayName("J3 every configuration change round trips inside an apply step")
    void everyChangeRoundTrips() {
        for (ConfigChange change : changes()) {
            JobEvent event = created(new Step.Apply(change));
            assertEquals(event, roundTrip(event), change.describe());
        }
    }

    @Test
    @DisplayName("J3 every command result and output round trips")
    void everyResultRoundTrips() {
        for (CommandResult result : results()) {
            JobEvent event = new JobEvent.CommandCompleted("job-1", T0, "t1", 0, 1, result);
            assertEquals(event, roundTrip(event), result.message());
        }
    }

    private static JobEvent created(Step step) {
        return new JobEvent.Created("job-1", T0, new JobSpec(JobKind.ENABLE_PROTECTION, "vm vm-1", null,
                List.of(new Phase("one", List.of(TaskSpec.of("t1", "task", "vm-1", List.of(step))))), List.of()));
    }

    @Test
    @DisplayName("J3 an event is one compact UTF-8 object with its version and type first, times at full precision")
    void compactForm() {
        String text = JournalCodec.encodeEventText(new JobEvent.CommandSent("job-7", T0, "t1", 2, 1));
        assertEquals("{\"formatVersion\":1,\"type\":\"CommandSent\",\"jobId\":\"job-7\","
                + "\"at\":\"2026-11-02T10:00:00.123456789Z\",\"taskId\":\"t1\",\"step\":2,\"attempt\":1}", text);
        String probe = JournalCodec.encodeEventText(created(new Step.Probe(
                request(new HostCommand.RunScript("s.ps1", Duration.ofMinutes(90))), Duration.ofMinutes(15), true)));
        assertTrue(probe.contains("\"maxLag\":\"PT15M\""), probe);
        assertTrue(probe.contains("\"timeout\":\"PT1H30M\""), probe);
        assertFalse(probe.contains("null"), "null values are left out: " + probe);
    }

    @Test
    @DisplayName("J6 J3 a job's preconditions are journaled with its Created event; one journaled without them (an "
            + "earlier release) reads back with none")
    void preconditionsInCreated() {
        JobEvent.Created with = new JobEvent.Created("job-1", T0, spec());
        String text = JournalCodec.encodeEventText(with);
        assertTrue(text.contains("\"preconditions\":{\"vmStates\":[{\"vmId\":\"vm-1\",\"state\":\"PROTECTED\"}],"
                + "\"planFingerprint\":\"c0ffee\"}"), text);
        assertEquals(with, JournalCodec.decodeEventText(text));

        JobEvent.Created without = (JobEvent.Created) created(new Step.Manual("Check the DNS records"));
        String older = JournalCodec.encodeEventText(without);
        assertFalse(older.contains("preconditions"), older);
        assertNull(((JobEvent.Created) JournalCodec.decodeEventText(older)).spec().preconditions());
    }

    @Test
    @DisplayName("J3 text and bytes are the same form")
    void textMatchesBytes() {
        for (JobEvent event : events()) {
            String text = JournalCodec.encodeEventText(event);
            assertEquals(text, new String(JournalCodec.encodeEvent(event), StandardCharsets.UTF_8));
            assertEquals(event, JournalCodec.decodeEventText(text));
        }
    }

    @Test
    @DisplayName("J3 a pairing's replication settings are written component by component, the method typed")
    void settingsByComponent() {
        ReplicationSettings settings = settings(InitialReplication.overNetworkAt(LocalTime.of(2, 0)));
        String text = JournalCodec.encodeEventText(created(new Step.Apply(new ConfigChange.Pair(
                new CloudPairing(GOLD, SILVER, settings)))));
        String expected = "\"settings\":{\"copyFrequency\":\"" + settings.copyFrequency().name()
                + "\",\"additionalRecoveryPoints\":" + settings.additionalRecoveryPoints()
                + ",\"appConsistentFrequencyHours\":" + settings.appConsistentFrequencyHours() + ",\"compression\":"
                + settings.compression() + ",\"authentication\":\"" + settings.authentication().name() + "\",\"port\":"
                + settings.port() + ",\"initialReplication\":{\"type\":\"OverNetworkScheduled\",\"startTime\":\"02:00\"},"
                + "\"deleteReplicaOnDisable\":" + settings.deleteReplicaOnDisable() + "}";
        assertTrue(text.contains(expected), text);
    }

    @Test
    @DisplayName("J3 a value that must be present but is null is refused when written, not when read back")
    void nullRefusedOnWrite() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> JournalCodec.encodeEvent(new JobEvent.StepCompleted("job-1", T0, "t1", 0, null)));
        assertTrue(e.getMessage().contains("/message"), e.getMessage());
        NullPointerException nested = assertThrows(NullPointerException.class, () -> JournalCodec.encodeEvent(
                new JobEvent.TaskFailed("job-1", null, "t1", "boom")));
        assertTrue(nested.getMessage().contains("/at"), nested.getMessage());
    }

    @Test
    @DisplayName("J3 a host's text that is not valid UTF-16 (an unpaired surrogate) is kept as it was")
    void unpairedSurrogateKept() {
        JobEvent event = new JobEvent.TaskFailed("job-1", T0, "t1", "broken \ud800 text \udc00");
        byte[] bytes = JournalCodec.encodeEvent(event);
        assertEquals(event, JournalCodec.decodeEvent(bytes));
        assertTrue(new String(bytes, StandardCharsets.US_ASCII).contains("\\uD800"), "escaped, not dropped");
    }
}
