package dev.secondsite.hyperv.it;

import static dev.secondsite.hyperv.it.TwoSites.ADAPTER;
import static dev.secondsite.hyperv.it.TwoSites.HV01;
import static dev.secondsite.hyperv.it.TwoSites.HV11;
import static dev.secondsite.hyperv.it.TwoSites.SETTINGS;
import static dev.secondsite.hyperv.it.TwoSites.VMM_A;
import static dev.secondsite.hyperv.it.TwoSites.VMM_B;
import static dev.secondsite.hyperv.it.TwoSites.WEB;
import static dev.secondsite.hyperv.it.TwoSites.WEB_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.HostCommand.AuthenticationType;
import dev.secondsite.core.spi.HostCommand.InitialReplicationMethod;
import dev.secondsite.core.spi.HostCommand.ReplicationParameters;
import dev.secondsite.core.spi.RecoveryPoint;
import dev.secondsite.core.spi.RecoveryPointChoice;
import dev.secondsite.core.spi.TestNetwork;
import dev.secondsite.hyperv.sim.SimulatedFabric;
import dev.secondsite.hyperv.sim.lang.JsonFlavor;
import dev.secondsite.hyperv.sim.model.HyperVEnums.AllowedAuthenticationType;
import dev.secondsite.hyperv.sim.model.HyperVEnums.ReplicationMode;
import dev.secondsite.hyperv.sim.model.HyperVEnums.VmState;
import dev.secondsite.hyperv.sim.model.HyperVModel;
import dev.secondsite.hyperv.sim.model.ReplicaServerSettings;
import dev.secondsite.hyperv.sim.model.ReplicaSnapshot;
import dev.secondsite.hyperv.sim.model.SideEffect;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each command and variant run by HyperVDriver over the simulated fabric (the snapshot files stay the exact-script
 * check): the fabric set up in the state the command needs, then the effect in the model and the CommandResult.
 */
class CommandsOnFabricTest {
    private TwoSites sites = new TwoSites();

    private CommandResult run(String host, HostCommand command) {
        String server = host.endsWith("fabrikam.local") ? VMM_B : VMM_A;
        return sites.driver(server).execute(TwoSites.request(host, command));
    }

    private CommandResult ok(String host, HostCommand command) {
        CommandResult r = run(host, command);
        assertTrue(r.succeeded(), () -> command.describe() + ": " + r.message());
        return r;
    }

    private HyperVModel.VmCopy copy(String host, String name) {
        return sites.model().vm(host, name).orElseThrow(() -> new AssertionError("no VM " + name + " on " + host));
    }

    private List<SideEffect> effects(String cmdlet) {
        return sites.fabric.sideEffects().stream().filter(e -> e.cmdlet().equals(cmdlet)).toList();
    }

    /** web01 replicating from hv01 to hv11, {@code hours} on the clock since. */
    private void replicating(int hours) {
        ok(HV11, new HostCommand.ConfigureReplicaServer(SETTINGS));
        ok(HV01, new HostCommand.ConfigureReplicaServer(SETTINGS));
        ok(HV01, new HostCommand.EnableReplication(WEB_ID, WEB, HV11, SETTINGS));
        ok(HV01, new HostCommand.StartInitialReplication(WEB_ID, WEB, new InitialReplicationMethod.OverNetworkNow(),
                null));
        sites.advance(Duration.ofHours(hours));
    }

    @Test
    @DisplayName("C8 C9 ConfigureReplicaServer: replication enabled for certificates on the port, the host's thumbprint "
            + "kept; Kerberos added later allows both")
    void configureReplicaServer() {
        CommandResult r = ok(HV11, new HostCommand.ConfigureReplicaServer(SETTINGS));
        assertEquals("Set-VMReplicationServer " + HV11 + ": replication enabled (Certificate on port 8084)",
                r.message());
        ReplicaServerSettings s = sites.model().replicaServer(HV11);
        assertTrue(s.replicationEnabled());
        assertEquals(AllowedAuthenticationType.Certificate, s.allowedAuthenticationType());
        assertEquals(8084, s.certificateAuthenticationPort());
        assertEquals(TwoSites.thumbprint(HV11), s.certificateThumbprint());

        ok(HV11, new HostCommand.ConfigureReplicaServer(new ReplicationParameters(300, 4, 2, true,
                AuthenticationType.KERBEROS, 8083)));
        s = sites.model().replicaServer(HV11);
        assertEquals(AllowedAuthenticationType.CertificateAndKerberos, s.allowedAuthenticationType());
        assertEquals(8083, s.kerberosAuthenticationPort());
        assertEquals(8084, s.certificateAuthenticationPort());
    }

    @Test
    @DisplayName("E1 EnableReplication: the primary relationship with the pairing's settings, the replica VM on its host")
    void enableReplication() {
        ok(HV11, new HostCommand.ConfigureReplicaServer(SETTINGS));
        ok(HV01, new HostCommand.ConfigureReplicaServer(SETTINGS));
        CommandResult r = ok(HV01, new HostCommand.EnableReplication(WEB_ID, WEB, HV11, SETTINGS));
        assertEquals("Enable-VMReplication web01: replicating to " + HV11, r.message());
        HyperVModel.VmCopy primary = copy(HV01, WEB);
        assertEquals(ReplicationMode.Primary, primary.mode());
        assertEquals("ReadyForInitialReplication", primary.state().name());
        HyperVModel.Relationship rel = primary.replication();
        assertEquals(List.of(HV11, 8084, 300, 4, 2, true), List.of(rel.replicaServer(), rel.port(),
                rel.replicationFrequencySec(), rel.recoveryHistory(), rel.vssSnapshotFrequencyHour(),
                rel.compressionEnabled()));
        assertEquals(ReplicationMode.Replica, copy(HV11, WEB).mode());
    }

    @Test
    @DisplayName("E3 EnableReplication on a VM already replicating with other settings is a permanent failure naming them")
    void enableWithOtherSettings() {
        replicating(0);
        CommandResult r = run(HV01, new HostCommand.EnableReplication(WEB_ID, WEB, HV11,
                new ReplicationParameters(900, 4, 2, true, AuthenticationType.CERTIFICATE, 8084)));
        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, r.outcome());
        assertTrue(r.message().contains("already enabled") && r.message().contains("other settings"), r.message());
        assertEquals(1, effects("Enable-VMReplication").size());
    }

    @Test
    @DisplayName("C10 EnableExistingReplica takes the restored copy with -AsReplica; StartInitialReplication-UseBackup "
            + "then replicates from it: both copies Replicating, no new replica VM")
    void existingReplicaUseBackup() {
        sites = new TwoSites(SimulatedFabric.builder(), List.of(TwoSites.restoredCopy(WEB_ID, WEB, HV11)));
        ok(HV11, new HostCommand.ConfigureReplicaServer(SETTINGS));
        ok(HV01, new HostCommand.ConfigureReplicaServer(SETTINGS));
        CommandResult asReplica = ok(HV11, new HostCommand.EnableExistingReplica(WEB_ID, WEB, HV01));
        assertEquals(ReplicationMode.Replica, copy(HV11, WEB).mode(), asReplica.message());
        assertEquals("true", effects("Enable-VMReplication").get(0).parameters().get("AsReplica").toLowerCase());
        ok(HV01, new HostCommand.EnableReplication(WEB_ID, WEB, HV11, SETTINGS));
        ok(HV01, new HostCommand.StartInitialReplication(WEB_ID, WEB,
                new InitialReplicationMethod.UsingExistingReplica(), null));

        assertEquals(1, effects("Start-VMInitialReplication").size());
        assertEquals("true", effects("Start-VMInitialReplication").get(0).parameters().get("UseBackup")
                .toLowerCase());
        assertEquals("Replicating", sites.state(HV01, WEB));
        assertEquals("Replicating", sites.state(HV11, WEB));
        assertEquals("CorpDR", copy(HV11, WEB).adapters().get(ADAPTER), "the restored copy is the replica");
    }

    @Test
    @DisplayName("C10 StartInitialReplication now: both copies Replicating")
    void startInitialReplicationNow() {
        replicating(0);
        assertEquals("Replicating", sites.state(HV01, WEB));
        assertEquals("Replicating", sites.state(HV11, WEB));
    }

    @Test
    @DisplayName("C10 StartInitialReplication at a time: nothing copied before it, Replicating after it")
    void startInitialReplicationScheduled() {
        ok(HV11, new HostCommand.ConfigureReplicaServer(SETTINGS));
        ok(HV01, new HostCommand.EnableReplication(WEB_ID, WEB, HV11, SETTINGS));
        CommandResult r = ok(HV01, new HostCommand.StartInitialReplication(WEB_ID, WEB,
                new InitialReplicationMethod.OverNetworkScheduled(LocalTime.of(22, 0)),
                TwoSites.START.plus(Duration.ofHours(14))));
        assertEquals("Start-VMInitialReplication web01: scheduled at 2030-03-04T22:00:00Z", r.message());
        sites.advance(Duration.ofHours(13));
        assertEquals("ReadyForInitialReplication", sites.state(HV01, WEB));
        sites.advance(Duration.ofHours(2));
        assertEquals("Replicating", sites.state(HV01, WEB));
    }

    @Test
    @DisplayName("C10 O1 StartInitialReplication offline then ImportInitialReplication on the replica host: Replicating")
    void offlineExportAndImport() {
        ok(HV11, new HostCommand.ConfigureReplicaServer(SETTINGS));
        ok(HV01, new HostCommand.EnableReplication(WEB_ID, WEB, HV11, SETTINGS));
        ok(HV01, new HostCommand.StartInitialReplication(WEB_ID, WEB,
                new InitialReplicationMethod.Offline("\\\\media01\\export", "\\\\media11\\import"), null));
        assertEquals("InitialReplicationInProgress", sites.state(HV01, WEB));
        assertEquals("\\\\media01\\export", effects("Start-VMInitialReplication").get(0).parameters()
                .get("DestinationPath"));
        CommandResult wrong = run(HV11, new HostCommand.ImportInitialReplication(WEB_ID, WEB,
                "\\\\media11\\import\\elsewhere"));
        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, wrong.outcome(), wrong.message());
        ok(HV11, new HostCommand.ImportInitialReplication(WEB_ID, WEB, "\\\\media11\\import\\web01_" + WEB_ID));
        assertEquals("Replicating", sites.state(HV11, WEB));
        assertEquals("Replicating", sites.state(HV01, WEB));
    }

    @ParameterizedTest
    @EnumSource(JsonFlavor.class)
    @DisplayName("GetReplicationStatus reads state, health and last replication time as the model holds them, in "
            + "either PowerShell's JSON")
    void replicationStatus(JsonFlavor flavor) {
        sites = new TwoSites(SimulatedFabric.builder().jsonFlavor(flavor));
        CommandOutput.ReplicationStatus before = assertInstanceOf(CommandOutput.ReplicationStatus.class,
                ok(HV01, new HostCommand.GetReplicationStatus(WEB_ID, WEB)).output());
        assertEquals(new CommandOutput.ReplicationStatus("Disabled", "NotApplicable", null), before);
        replicating(2);
        CommandOutput.ReplicationStatus status = assertInstanceOf(CommandOutput.ReplicationStatus.class,
                ok(HV11, new HostCommand.GetReplicationStatus(WEB_ID, WEB)).output());
        HyperVModel.VmCopy replica = copy(HV11, WEB);
        assertEquals(new CommandOutput.ReplicationStatus("Replicating", replica.health().name(),
                replica.lastReplicationTime()), status);
        assertEquals(TwoSites.START.plus(Duration.ofHours(2)), status.lastReplicationTime());
    }

    @ParameterizedTest
    @EnumSource(JsonFlavor.class)
    @DisplayName("F3 ListRecoveryPoints lists every point of the replica once, oldest first, app-consistent marked")
    void recoveryPoints(JsonFlavor flavor) {
        sites = new TwoSites(SimulatedFabric.builder().jsonFlavor(flavor));
        replicating(5);
        List<RecoveryPoint> points = assertInstanceOf(CommandOutput.RecoveryPoints.class,
                ok(HV11, new HostCommand.ListRecoveryPoints(WEB_ID, WEB)).output()).points();
        List<ReplicaSnapshot> model = sites.model().recoveryPoints(WEB_ID).stream()
                .sorted(Comparator.comparing(ReplicaSnapshot::creationTime)).toList();
        assertEquals(model.stream().map(p -> new RecoveryPoint(p.id(), p.creationTime(),
                p.type().name().equals("AppConsistentReplica"))).toList(), points);
        assertTrue(points.stream().anyMatch(RecoveryPoint::appConsistent), points::toString);
        assertEquals(points.size(), points.stream().map(RecoveryPoint::id).distinct().count(), "each point once");
    }

    @Test
    @DisplayName("F2 PrepareFailover is refused while the VM runs, then prepares it once it is off")
    void prepareFailover() {
        replicating(1);
        CommandResult running = run(HV01, new HostCommand.PrepareFailover(WEB_ID, WEB));
        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, running.outcome(), running.message());
        assertTrue(effects("Start-VMFailover").isEmpty());
        ok(HV01, new HostCommand.StopVm(WEB_ID, WEB, false));
        assertEquals(VmState.Off, copy(HV01, WEB).power());
        ok(HV01, new HostCommand.PrepareFailover(WEB_ID, WEB));
        assertEquals("PreparedForFailover", sites.state(HV01, WEB));
    }

    @Test
    @DisplayName("F2 Failover to the latest point after the preparation: the replica FailedOverWaitingCompletion, "
            + "CompleteFailover makes it FailedOver, ReverseReplication makes it the primary")
    void failoverCompleteReverse() {
        replicating(1);
        ok(HV01, new HostCommand.StopVm(WEB_ID, WEB, true));
        assertEquals("TurnOff=true", effects("Stop-VM").get(0).parameters().entrySet().stream()
                .filter(e -> e.getKey().equals("TurnOff")).map(Map.Entry::toString).findFirst().orElse(""));
        ok(HV01, new HostCommand.PrepareFailover(WEB_ID, WEB));
        CommandResult r = ok(HV11, new HostCommand.Failover(WEB_ID, WEB, RecoveryPointChoice.latest()));
        assertEquals("Start-VMFailover web01: failed over to latest", r.message());
        assertEquals("FailedOverWaitingCompletion", sites.state(HV11, WEB));
        ok(HV11, new HostCommand.CompleteFailover(WEB_ID, WEB));
        assertEquals("FailedOver", sites.state(HV11, WEB));
        ok(HV11, new HostCommand.ReverseReplication(WEB_ID, WEB, HV01, SETTINGS));
        assertEquals(ReplicationMode.Primary, copy(HV11, WEB).mode());
        assertEquals(ReplicationMode.Replica, copy(HV01, WEB).mode());
        assertEquals(HV01, copy(HV11, WEB).replication().replicaServer());
        ok(HV11, new HostCommand.StartVm(WEB_ID, WEB, false));
        assertEquals(VmState.Running, copy(HV11, WEB).power());
    }

    @Test
    @DisplayName("F3 Failover to the latest app-consistent point and to a chosen point pick those snapshots; an unknown "
            + "point is a permanent failure naming it; CancelFailover returns the replica to Replicating")
    void failoverToPoints() {
        replicating(5);
        List<ReplicaSnapshot> points = sites.model().recoveryPoints(WEB_ID);
        String newestApp = points.stream().filter(p -> p.type().name().equals("AppConsistentReplica"))
                .max(Comparator.comparing(ReplicaSnapshot::creationTime)).orElseThrow().id();
        ok(HV11, new HostCommand.Failover(WEB_ID, WEB, RecoveryPointChoice.latestAppConsistent()));
        assertEquals(newestApp, effects("Start-VMFailover").get(0).parameters().get("VMRecoverySnapshot"));
        ok(HV11, new HostCommand.CancelFailover(WEB_ID, WEB));
        assertEquals("Replicating", sites.state(HV11, WEB));

        String oldest = points.get(0).id();
        ok(HV11, new HostCommand.Failover(WEB_ID, WEB, RecoveryPointChoice.of(oldest)));
        assertEquals(oldest, effects("Start-VMFailover").get(1).parameters().get("VMRecoverySnapshot"));
        ok(HV11, new HostCommand.CancelFailover(WEB_ID, WEB));

        String unknown = "00000000-0000-4000-8000-0000000000ff";
        CommandResult r = run(HV11, new HostCommand.Failover(WEB_ID, WEB, RecoveryPointChoice.of(unknown)));
        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, r.outcome());
        assertTrue(r.message().contains(unknown), r.message());
        assertEquals(2, effects("Start-VMFailover").size());
    }

    @Test
    @DisplayName("F1 TestFailover in each variant creates '<name> - Test' on the replica host on the chosen network "
            + "(isolated, existing, none); CleanupTestFailover deletes it")
    void testFailovers() {
        replicating(5);
        record Variant(RecoveryPointChoice point, TestNetwork network, String expectedSwitch) {
        }
        String chosen = sites.model().recoveryPoints(WEB_ID).get(0).id();
        for (Variant v : List.of(new Variant(RecoveryPointChoice.latest(), TestNetwork.isolated("Iso"), "Iso"),
                new Variant(RecoveryPointChoice.latestAppConsistent(), TestNetwork.existing("TestNet"), "TestNet"),
                new Variant(RecoveryPointChoice.of(chosen), TestNetwork.none(), null))) {
            ok(HV11, new HostCommand.TestFailover(WEB_ID, WEB, v.point(), v.network()));
            HyperVModel.VmCopy test = copy(HV11, WEB + " - Test");
            assertEquals(ReplicationMode.TestReplica, test.mode());
            assertEquals(Set.of(v.expectedSwitch() == null ? "(none)" : v.expectedSwitch()), test.adapters()
                    .values().stream().map(s -> s == null ? "(none)" : s).collect(Collectors.toSet()), v::toString);
            ok(HV11, new HostCommand.StartVm(WEB_ID, WEB, true));
            assertEquals(VmState.Running, copy(HV11, WEB + " - Test").power());
            ok(HV11, new HostCommand.CleanupTestFailover(WEB_ID, WEB));
            assertTrue(sites.model().vm(HV11, WEB + " - Test").isEmpty(), v::toString);
        }
        assertEquals(chosen, effects("Start-VMFailover").get(2).parameters().get("VMRecoverySnapshot"));
    }

    @Test
    @DisplayName("N3 N4 ConnectNetworkAdapter connects an adapter to the mapped network, or disconnects it")
    void connectAndDisconnect() {
        replicating(1);
        ok(HV11, new HostCommand.Failover(WEB_ID, WEB, RecoveryPointChoice.latest()));
        ok(HV11, new HostCommand.ConnectNetworkAdapter(WEB_ID, WEB, ADAPTER, "CorpDR", false));
        assertEquals("CorpDR", copy(HV11, WEB).adapters().get(ADAPTER));
        ok(HV11, new HostCommand.ConnectNetworkAdapter(WEB_ID, WEB, ADAPTER, null, false));
        assertNull(copy(HV11, WEB).adapters().get(ADAPTER));
        assertEquals(1, effects("Disconnect-VMNetworkAdapter").size());
        CommandResult unknown = run(HV11, new HostCommand.ConnectNetworkAdapter(WEB_ID, WEB, ADAPTER, "Nowhere",
                false));
        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, unknown.outcome(), unknown.message());
    }

    @Test
    @DisplayName("E4 C11 DisableReplication keeps the replica; with deleteReplica the replica VM is removed on its host")
    void disable() {
        replicating(0);
        ok(HV01, new HostCommand.DisableReplication(WEB_ID, WEB, false));
        assertEquals("Disabled", sites.state(HV01, WEB));
        assertTrue(sites.model().vm(HV11, WEB).isPresent());

        sites = new TwoSites();
        replicating(0);
        CommandResult r = ok(HV01, new HostCommand.DisableReplication(WEB_ID, WEB, true));
        assertEquals("Remove-VMReplication web01: replica deleted", r.message());
        assertTrue(sites.model().vm(HV11, WEB).isEmpty());
        assertEquals("Disabled", sites.state(HV01, WEB));
        assertEquals(HV11, effects("Remove-VM").get(0).host());
    }

    @Test
    @DisplayName("RP8 RunScript is not a host command of this driver: a permanent failure naming the ScriptRunner")
    void runScriptIsNotAHostCommand() {
        CommandResult r = run(HV01, new HostCommand.RunScript("\\\\vmm-a\\library\\x.ps1", Duration.ofMinutes(1)));
        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, r.outcome());
        assertTrue(r.message().contains("PowerShellScriptRunner"), r.message());
        assertTrue(sites.fabric.sideEffects().isEmpty());
    }
}
