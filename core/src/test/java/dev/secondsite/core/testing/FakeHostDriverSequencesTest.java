package dev.secondsite.core.testing;

import static dev.secondsite.core.testing.FakeReplicaFixture.A1;
import static dev.secondsite.core.testing.FakeReplicaFixture.B1;
import static dev.secondsite.core.testing.FakeReplicaFixture.NAME;
import static dev.secondsite.core.testing.FakeReplicaFixture.SETTINGS;
import static dev.secondsite.core.testing.FakeReplicaFixture.T0;
import static dev.secondsite.core.testing.FakeReplicaFixture.VM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.vault.HostCommandMapping;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.ObservedReplication;
import dev.secondsite.core.inventory.PowerState;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.protection.InitialReplication;
import dev.secondsite.core.protection.ProtectedVm;
import dev.secondsite.core.protection.ProtectionOperation;
import dev.secondsite.core.protection.ProtectionState;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.RecoveryPoint;
import dev.secondsite.core.spi.RecoveryPointChoice;
import dev.secondsite.core.spi.TestNetwork;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Hyper-V Replica sequences of {@code reference/hyperv-replica.md}, run end to end on the fake. */
class FakeHostDriverSequencesTest {
    private final FakeReplicaFixture f = new FakeReplicaFixture();

    private static CommandOutput.ReplicationStatus status(CommandResult result) {
        return (CommandOutput.ReplicationStatus) result.output();
    }

    private List<RecoveryPoint> points() {
        return ((CommandOutput.RecoveryPoints) f.ok(B1, new HostCommand.ListRecoveryPoints(VM, NAME)).output())
                .points();
    }

    /** F2 as the reference sequence has it; {@code from} is configured as replica server first, for the reverse. */
    private void plannedFailover(String from, String to) {
        f.ok(from, new HostCommand.ConfigureReplicaServer(HostCommandMapping.parameters(SETTINGS)));
        f.ok(from, new HostCommand.StopVm(VM, NAME, false));
        f.ok(from, new HostCommand.PrepareFailover(VM, NAME));
        f.ok(to, new HostCommand.Failover(VM, NAME, RecoveryPointChoice.latest()));
        f.ok(to, new HostCommand.ReverseReplication(VM, NAME, from, HostCommandMapping.parameters(SETTINGS)));
        f.ok(to, new HostCommand.StartVm(VM, NAME, false));
    }

    @Test
    @DisplayName("E1 C12 enabling and replicating over the network makes the VM Replicating with a first point")
    void enableAndReplicateOverNetwork() {
        assertFalse(f.fake.isReplicaServer(B1));
        f.protect();

        assertTrue(f.fake.isReplicaServer(B1));
        FakeVm vm = f.vm();
        assertEquals("Replicating", vm.state());
        assertEquals(A1, vm.primary().host());
        assertEquals(B1, vm.replica().host());
        assertEquals(PowerState.OFF, vm.replica().power());
        assertEquals(List.of(new RecoveryPoint("vm-1/rp1", T0, true)), vm.recoveryPoints());
        assertEquals(List.of("EnableReplication", "StartInitialReplication"), f.fake.commandNamesFor(VM));
        assertEquals(List.of(B1, A1, A1), f.fake.history().stream().map(FakeHostDriver.Execution::host).toList());
        CommandOutput.ReplicationStatus status = status(f.ok(B1, new HostCommand.GetReplicationStatus(VM, NAME)));
        assertEquals(new CommandOutput.ReplicationStatus("Replicating", "Normal", T0), status);
    }

    @Test
    @DisplayName("C10 offline initial replication: exported on the primary, imported on the replica from the import path")
    void offlineInitialReplication() {
        InitialReplication offline = InitialReplication.offline("\\\\filer\\export", "\\\\filer\\import");
        f.ok(B1, new HostCommand.ConfigureReplicaServer(HostCommandMapping.parameters(SETTINGS)));
        f.ok(A1, new HostCommand.EnableReplication(VM, NAME, B1, HostCommandMapping.parameters(SETTINGS)));
        f.ok(A1, new HostCommand.StartInitialReplication(VM, NAME, HostCommandMapping.method(offline), null));
        assertEquals("InitialReplicationInProgress", f.vm().state());
        assertTrue(f.vm().recoveryPoints().isEmpty());

        String wrongPath = f.refused(B1, new HostCommand.ImportInitialReplication(VM, NAME, "\\\\filer\\elsewhere"))
                .message();
        assertTrue(wrongPath.contains("holds no initial replication"), wrongPath);
        f.refused(A1, new HostCommand.ImportInitialReplication(VM, NAME, "\\\\filer\\import"));
        f.ok(B1, new HostCommand.ImportInitialReplication(VM, NAME, "\\\\filer\\import\\web-01_vm-1"));

        assertEquals("Replicating", f.vm().state());
        assertEquals(1, f.vm().recoveryPoints().size());
        assertEquals(List.of("EnableReplication", "StartInitialReplication", "ImportInitialReplication"),
                f.fake.commandNamesFor(VM));
    }

    @Test
    @DisplayName("C10 using an existing replica: -UseBackup is refused until the replica host took the copy with "
            + "-AsReplica, then replicates at once")
    void existingReplicaInitialReplication() {
        HostCommand.StartInitialReplication useBackup = new HostCommand.StartInitialReplication(VM, NAME,
                HostCommandMapping.method(InitialReplication.usingExistingReplica()), null);
        f.ok(B1, new HostCommand.ConfigureReplicaServer(HostCommandMapping.parameters(SETTINGS)));
        f.refused(A1, new HostCommand.EnableExistingReplica(VM, NAME, A1));
        f.ok(A1, new HostCommand.EnableReplication(VM, NAME, B1, HostCommandMapping.parameters(SETTINGS)));
        String refusal = f.refused(A1, useBackup).message();
        assertTrue(refusal.contains("-AsReplica"), refusal);
        assertEquals("ReadyForInitialReplication", f.vm().state(), "a refused command changes nothing");

        f.ok(B1, new HostCommand.DisableReplication(VM, NAME, false));
        f.ok(B1, new HostCommand.EnableExistingReplica(VM, NAME, A1));
        f.ok(A1, new HostCommand.EnableReplication(VM, NAME, B1, HostCommandMapping.parameters(SETTINGS)));
        f.ok(A1, useBackup);

        assertEquals("Replicating", f.vm().state());
        assertEquals(B1, f.vm().replica().host());
    }

    @Test
    @DisplayName("C10 a scheduled initial replication starts at its time on the fake's clock")
    void scheduledInitialReplication() {
        f.ok(B1, new HostCommand.ConfigureReplicaServer(HostCommandMapping.parameters(SETTINGS)));
        f.ok(A1, new HostCommand.EnableReplication(VM, NAME, B1, HostCommandMapping.parameters(SETTINGS)));
        InitialReplication at = InitialReplication.overNetworkAt(java.time.LocalTime.of(12, 0));
        f.refused(A1, new HostCommand.StartInitialReplication(VM, NAME, HostCommandMapping.method(at), null));
        f.refused(A1, new HostCommand.StartInitialReplication(VM, NAME, HostCommandMapping.method(at), T0.plus(Duration.ofDays(8))));
        f.ok(A1, new HostCommand.StartInitialReplication(VM, NAME, HostCommandMapping.method(at), T0.plus(Duration.ofHours(2))));
        assertEquals("ReadyForInitialReplication", f.vm().state());

        f.clock.advance(Duration.ofHours(2));

        assertEquals("Replicating", f.vm().state());
        assertEquals(T0.plus(Duration.ofHours(2)), f.vm().recoveryPoints().get(0).createdAt());
    }

    @Test
    @DisplayName("E1 an initial replication reads InitialReplicationInProgress until its configured duration passed")
    void initialReplicationTakesItsDuration() {
        FakeReplicaFixture slow = new FakeReplicaFixture(b -> b.initialReplicationDuration(Duration.ofMinutes(30)));
        slow.protect();
        CommandResult during = slow.ok(A1, new HostCommand.GetReplicationStatus(VM, NAME));
        assertEquals("InitialReplicationInProgress", status(during).state());
        assertNull(status(during).lastReplicationTime());

        slow.clock.advance(Duration.ofMinutes(30));

        assertEquals("Replicating", status(slow.ok(A1, new HostCommand.GetReplicationStatus(VM, NAME))).state());
    }

    @Test
    @DisplayName("C5 C6 recovery points are taken hourly, app-consistent every N hours, and at most N+1 are kept")
    void hourlyRecoveryPoints() {
        f.protect();
        f.clock.advance(Duration.ofHours(5));

        List<RecoveryPoint> points = points();

        assertEquals(5, points.size(), points.toString());
        for (int i = 0; i < 5; i++) {
            RecoveryPoint p = points.get(i);
            assertEquals(T0.plus(Duration.ofHours(i + 1)), p.createdAt());
            assertEquals((i + 1) % 2 == 0, p.appConsistent(), p.toString());
        }
    }

    @Test
    @DisplayName("F1 test failover into an isolated network, test VM started, cleanup deletes it; replication goes on")
    void testFailoverAndCleanup() {
        f.protect();
        f.ok(B1, new HostCommand.TestFailover(VM, NAME, RecoveryPointChoice.latest(), TestNetwork.isolated("Drill")));

        FakeVm.Copy test = f.vm().testVm();
        assertNotNull(test);
        assertEquals(B1, test.host());
        assertEquals("Drill", test.network("nic0").orElseThrow());
        f.ok(B1, new HostCommand.StartVm(VM, NAME, true));
        f.ok(B1, new HostCommand.ConnectNetworkAdapter(VM, NAME, "nic0", "Drill", true));
        assertTrue(f.vm().testVm().isRunning());
        assertEquals(PowerState.OFF, f.vm().replica().power());
        assertEquals("Replicating", f.vm().state());

        f.ok(B1, new HostCommand.CleanupTestFailover(VM, NAME));

        assertNull(f.vm().testVm());
        assertEquals("Replicating", f.vm().state());
        assertEquals(List.of("EnableReplication", "StartInitialReplication", "TestFailover", "StartVm",
                "ConnectNetworkAdapter", "CleanupTestFailover"), f.fake.commandNamesFor(VM));
    }

    @Test
    @DisplayName("F1 a test VM connects to no network, or to an existing network of the recovery site only")
    void testFailoverNetworks() {
        f.protect();
        f.refused(B1, new HostCommand.TestFailover(VM, NAME, RecoveryPointChoice.latest(),
                TestNetwork.existing("Corp")));
        f.ok(B1, new HostCommand.TestFailover(VM, NAME, RecoveryPointChoice.latest(), TestNetwork.existing("CorpB")));
        assertEquals("CorpB", f.vm().testVm().network("nic0").orElseThrow());
        f.ok(B1, new HostCommand.CleanupTestFailover(VM, NAME));

        f.ok(B1, new HostCommand.TestFailover(VM, NAME, RecoveryPointChoice.latest(), TestNetwork.none()));

        assertTrue(f.vm().testVm().network("nic0").isEmpty());
    }

    @Test
    @DisplayName("F8 a test failover is refused while the replica resynchronizes and while a test VM exists")
    void testFailoverRefusals() {
        f.protect();
        f.fake.startResynchronization(VM);
        String resync = f.refused(B1, new HostCommand.TestFailover(VM, NAME, RecoveryPointChoice.latest(),
                TestNetwork.none())).message();
        assertTrue(resync.contains("resynchronizing"), resync);
        f.fake.finishResynchronization(VM);
        f.ok(B1, new HostCommand.TestFailover(VM, NAME, RecoveryPointChoice.latest(), TestNetwork.none()));

        String second = f.refused(B1, new HostCommand.TestFailover(VM, NAME, RecoveryPointChoice.latest(),
                TestNetwork.none())).message();

        assertTrue(second.contains("already running"), second);
    }

    @Test
    @DisplayName("F2 planned failover: stop, prepare, failover, reverse, start; no data lost and still protected")
    void plannedFailover() {
        f.protect();
        f.clock.advance(Duration.ofMinutes(30));

        plannedFailover(A1, B1);

        FakeVm vm = f.vm();
        assertEquals("Replicating", vm.state());
        assertEquals(B1, vm.primary().host());
        assertTrue(vm.primary().isRunning());
        assertEquals(A1, vm.replica().host());
        assertEquals(PowerState.OFF, vm.replica().power());
        HostCommand failover = f.fake.commandsFor(VM).get(4);
        assertEquals(new HostCommand.Failover(VM, NAME, RecoveryPointChoice.latest()), failover);
        String message = f.fake.historyFor(VM).get(4).result().message();
        assertTrue(message.contains(T0.plus(Duration.ofMinutes(30)).toString()), message);
        assertEquals(List.of("EnableReplication", "StartInitialReplication", "StopVm", "PrepareFailover", "Failover",
                "ReverseReplication", "StartVm"), f.fake.commandNamesFor(VM));
        assertEquals(List.of(A1, A1, A1, A1, B1, B1, B1),
                f.fake.historyFor(VM).stream().map(FakeHostDriver.Execution::host).toList());
    }

    @Test
    @DisplayName("F3 F4 F7 unplanned failover to a chosen point, change of point, commit; unprotected until reverse")
    void unplannedFailover() {
        f.protect();
        f.clock.advance(Duration.ofHours(5));
        f.fake.hostDown(A1);
        List<RecoveryPoint> points = points();

        f.ok(B1, new HostCommand.Failover(VM, NAME, RecoveryPointChoice.of(points.get(1).id())));
        assertEquals(points.get(1), f.vm().failoverPoint());
        f.ok(B1, new HostCommand.CancelFailover(VM, NAME));
        f.ok(B1, new HostCommand.Failover(VM, NAME, RecoveryPointChoice.latestAppConsistent()));
        f.ok(B1, new HostCommand.StartVm(VM, NAME, false));
        f.ok(B1, new HostCommand.CompleteFailover(VM, NAME));

        FakeVm vm = f.vm();
        assertEquals("FailedOver", vm.state());
        assertEquals(T0.plus(Duration.ofHours(4)), vm.committedPoint().createdAt());
        assertTrue(vm.committedPoint().appConsistent());
        assertTrue(vm.recoveryPoints().isEmpty(), "F4: the other points are deleted");
        assertTrue(vm.replica().isRunning());
        assertEquals("NotApplicable", status(f.ok(B1, new HostCommand.GetReplicationStatus(VM, NAME))).health());

        CommandResult whileDown = f.run(B1, new HostCommand.ReverseReplication(VM, NAME, A1, HostCommandMapping.parameters(SETTINGS)));
        assertEquals(CommandResult.Outcome.TRANSIENT_FAILURE, whileDown.outcome(), whileDown.message());
        f.fake.hostUp(A1);
        f.ok(A1, new HostCommand.ConfigureReplicaServer(HostCommandMapping.parameters(SETTINGS)));
        f.ok(B1, new HostCommand.ReverseReplication(VM, NAME, A1, HostCommandMapping.parameters(SETTINGS)));
        assertEquals("ReadyForInitialReplication", f.vm().state());
        f.ok(B1, new HostCommand.StartInitialReplication(VM, NAME, HostCommandMapping.method(InitialReplication.overNetworkNow()), null));

        assertEquals("Replicating", f.vm().state());
        assertEquals(B1, f.vm().primary().host());
        assertEquals(A1, f.vm().replica().host());
    }

    @Test
    @DisplayName("F5 failback: planned failover to the recovery site, then back, each followed by reverse replication")
    void failback() {
        f.protect();
        plannedFailover(A1, B1);
        f.clock.advance(Duration.ofMinutes(10));

        plannedFailover(B1, A1);

        FakeVm vm = f.vm();
        assertEquals("Replicating", vm.state());
        assertEquals(A1, vm.primary().host());
        assertTrue(vm.primary().isRunning());
        assertEquals(B1, vm.replica().host());
        assertEquals(PowerState.OFF, vm.replica().power());
        assertEquals(T0.plus(Duration.ofMinutes(10)), vm.lastReplicationTime());
    }

    @Test
    @DisplayName("E4 C11 disabling removes replication; the replica is deleted only when asked")
    void disableReplication() {
        f.protect();
        f.ok(A1, new HostCommand.DisableReplication(VM, NAME, false));
        assertEquals("Disabled", f.vm().state());
        assertNull(f.vm().replica());
        assertEquals(B1, f.vm().keptReplica().host());
        assertTrue(f.vm().recoveryPoints().isEmpty());

        f.ok(A1, new HostCommand.EnableReplication(VM, NAME, B1, HostCommandMapping.parameters(SETTINGS)));
        f.ok(A1, new HostCommand.DisableReplication(VM, NAME, true));

        assertNull(f.vm().replica());
        assertNull(f.vm().keptReplica());
        f.refused(A1, new HostCommand.DisableReplication(VM, NAME, true));
    }

    @Test
    @DisplayName("E4 F4 C11 STATE a committed VM is disabled as the state table allows and the fake agrees: the "
            + "failed-over VM keeps running, the old primary copy is deleted only when asked")
    void disableAfterCommittedFailover() {
        for (boolean deleteReplica : new boolean[] {false, true}) {
            FakeReplicaFixture fixture = new FakeReplicaFixture();
            ProtectedVm pvm = ProtectedVm.unprotected(VM, NAME, new CloudRef("vmm-a", "Gold"))
                    .apply(ProtectionOperation.ONBOARD);
            fixture.protect();
            fixture.clock.advance(Duration.ofHours(2));
            fixture.fake.hostDown(A1);
            pvm = pvm.apply(ProtectionOperation.UNPLANNED_FAILOVER);
            fixture.ok(B1, new HostCommand.Failover(VM, NAME, RecoveryPointChoice.latest()));
            fixture.ok(B1, new HostCommand.StartVm(VM, NAME, false));
            pvm = pvm.apply(ProtectionOperation.COMPLETE_FAILOVER);
            fixture.ok(B1, new HostCommand.CompleteFailover(VM, NAME));
            pvm = pvm.apply(ProtectionOperation.COMMIT);
            assertEquals(ProtectionState.COMMITTED, pvm.state());
            assertEquals("FailedOver", fixture.vm().state());
            fixture.fake.hostUp(A1);

            assertTrue(pvm.allows(ProtectionOperation.DISABLE), "the state table allows DISABLE in COMMITTED");
            assertEquals(ProtectionState.UNPROTECTED, pvm.apply(ProtectionOperation.DISABLE).state());
            fixture.ok(B1, new HostCommand.DisableReplication(VM, NAME, deleteReplica));

            FakeVm vm = fixture.vm();
            assertEquals("Disabled", vm.state());
            assertEquals(B1, vm.primary().host(), "the failed-over copy is the VM now");
            assertTrue(vm.primary().isRunning());
            assertNull(vm.replica());
            if (deleteReplica) {
                assertNull(vm.keptReplica(), "C11: the other copy is deleted when asked");
            } else {
                assertEquals(A1, vm.keptReplica().host(), "C11: the old primary copy is kept");
            }
        }
    }

    @Test
    @DisplayName("E3 a VM the inventory reports as replicated already is Replicating to its observed replica host")
    void onboardedVm() {
        Vm replicated = Vm.builder("vm-9", "db-09").host(A1).nic("Corp").observedReplication(
                new ObservedReplication(B1, 300, 2, 1, true, "Kerberos", 8083)).build();
        FakeHostDriver fake = FakeHostDriver.builder().clock(f.clock).sites(f.primary, f.recovery).vm(replicated)
                .build();

        FakeVm vm = fake.vm("vm-9");

        assertEquals("Replicating", vm.state());
        assertEquals(B1, vm.replica().host());
        assertTrue(fake.isReplicaServer(B1));
        assertTrue(fake.execute(f.requests.on(B1, new HostCommand.TestFailover("vm-9", "db-09",
                RecoveryPointChoice.latest(), TestNetwork.none()))).succeeded());
    }

    @Test
    @DisplayName("N3 N4 a replica adapter starts disconnected and connects only to a network of its host's site")
    void connectNetworks() {
        f.protect();
        plannedFailover(A1, B1);
        assertTrue(f.vm().primary().network("nic0").isEmpty(), "N3: unmapped means disconnected");

        f.refused(B1, new HostCommand.ConnectNetworkAdapter(VM, NAME, "nic0", "Corp", false));
        f.refused(B1, new HostCommand.ConnectNetworkAdapter(VM, NAME, "nic7", "CorpB", false));
        f.ok(B1, new HostCommand.ConnectNetworkAdapter(VM, NAME, "nic0", "CorpB", false));

        assertEquals("CorpB", f.vm().primary().network("nic0").orElseThrow());
    }

    @Test
    @DisplayName("E1 a VM seeded as replicating starts Replicating to its replica host with one point")
    void seededReplicating() {
        FakeReplicaFixture seeded = new FakeReplicaFixture(b -> b.replicating(VM, B1, ReplicationSettings.defaults()));

        FakeVm vm = seeded.vm();

        assertEquals("Replicating", vm.state());
        assertEquals(B1, vm.replica().host());
        assertEquals(List.of(new RecoveryPoint("vm-1/rp1", T0, false)), vm.recoveryPoints());
        assertTrue(seeded.fake.history().isEmpty());
        Instant later = T0.plus(Duration.ofHours(3));
        seeded.clock.set(later);
        assertEquals(later, seeded.vm().lastReplicationTime(), "C5: 0 additional points keep only the latest");
        assertEquals(1, seeded.vm().recoveryPoints().size());
    }
}
