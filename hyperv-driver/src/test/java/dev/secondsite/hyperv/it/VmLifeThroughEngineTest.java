package dev.secondsite.hyperv.it;

import static dev.secondsite.hyperv.it.TwoSites.HV01;
import static dev.secondsite.hyperv.it.TwoSites.HV11;
import static dev.secondsite.hyperv.it.TwoSites.WEB;
import static dev.secondsite.hyperv.it.TwoSites.WEB_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.job.JobEvent;
import dev.secondsite.core.protection.ActiveLocation;
import dev.secondsite.core.protection.InitialReplication;
import dev.secondsite.core.protection.ProtectionState;
import dev.secondsite.core.spi.RecoveryPointChoice;
import dev.secondsite.core.spi.TestNetwork;
import dev.secondsite.core.vault.ChangeRecoveryPointOptions;
import dev.secondsite.core.vault.JobHandle;
import dev.secondsite.core.vault.PlannedFailoverOptions;
import dev.secondsite.core.vault.TestFailoverOptions;
import dev.secondsite.core.vault.UnplannedFailoverOptions;
import dev.secondsite.hyperv.sim.SimulatedFabric;
import dev.secondsite.hyperv.sim.model.HyperVEnums.ReplicationMode;
import dev.secondsite.hyperv.sim.model.HyperVEnums.VmState;
import dev.secondsite.hyperv.sim.model.HyperVModel;
import dev.secondsite.hyperv.sim.model.ReplicaSnapshot;
import dev.secondsite.hyperv.sim.model.SideEffect;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The whole life of a VM through the core engine against two simulated sites (E1..E4, F1..F7): each job SUCCEEDED,
 * and the fabric shows each effect once on the right host.
 */
class VmLifeThroughEngineTest {
    private static final String EXPORT = "\\\\media01.contoso.local\\export";
    private static final String IMPORT = "\\\\media11.fabrikam.local\\import";

    private DrOnFabric dr;

    @AfterEach
    void close() {
        if (dr != null) {
            dr.close();
        }
    }

    private HyperVModel.VmCopy copy(String host, String name) {
        return dr.fabric.model().vm(host, name).orElseThrow(() -> new AssertionError("no VM " + name + " on " + host
                + "; effects " + dr.fabric.sideEffectsFor(WEB)));
    }

    private boolean exists(String host, String name) {
        return dr.fabric.model().vm(host, name).isPresent();
    }

    /** The side effects on {@code vm} with cmdlet {@code cmdlet} and the parameter {@code key=value}. */
    private List<SideEffect> effects(String cmdlet, String key, String value) {
        return dr.fabric.sideEffectsFor(WEB).stream().filter(e -> e.cmdlet().equals(cmdlet)
                && value.equalsIgnoreCase(e.parameters().get(key))).toList();
    }

    @Test
    @DisplayName("E1 C10 enable with initial replication over the network now: PROTECTED, replicating to the replica host")
    void enableNow() {
        dr = new DrOnFabric().pairAndMap().protect(WEB_ID);
        assertEquals(ProtectionState.PROTECTED, dr.vm(WEB_ID).state());
        String replica = dr.replicaHost(WEB_ID);
        assertEquals(1, dr.count(HV01, "Enable-VMReplication", WEB));
        assertEquals(1, dr.count(HV01, "Start-VMInitialReplication", WEB));
        assertEquals("Replicating", dr.sites.state(HV01, WEB));
        assertEquals(ReplicationMode.Replica, copy(replica, WEB).mode());
        assertEquals("Replicating", dr.sites.state(replica, WEB));
        assertEquals(replica, copy(HV01, WEB).replication().replicaServer());
        assertEquals(300, copy(HV01, WEB).replication().replicationFrequencySec());
        assertEquals(4, copy(HV01, WEB).replication().recoveryHistory());
    }

    @Test
    @DisplayName("C10 E1 a scheduled initial replication starts at the pairing's time on the fabric's clock; PROTECTED only after")
    void enableScheduled() throws InterruptedException {
        dr = new DrOnFabric(DrOnFabric.defaultSettings()
                .initialReplication(InitialReplication.overNetworkAt(LocalTime.of(23, 30))).build()).pairAndMap();
        CountDownLatch polling = new CountDownLatch(1);
        dr.vault.jobs().addListener((event, state, progress) -> {
            if (event instanceof JobEvent.TaskPolling) {
                polling.countDown();
            }
        });
        JobHandle enable = dr.vault.protectedVms().enable(DrOnFabric.GOLD, List.of(WEB_ID));
        assertTrue(polling.await(30, TimeUnit.SECONDS), "the job waits for the copy");

        List<SideEffect> start = dr.fabric.sideEffectsFor(WEB).stream()
                .filter(e -> e.cmdlet().equals("Start-VMInitialReplication")).toList();
        assertEquals(1, start.size(), start::toString);
        assertTrue(start.get(0).parameters().get("InitialReplicationStartTime").contains("23:30"),
                start.get(0)::toString);
        assertNotEquals("Replicating", dr.sites.state(HV01, WEB), "nothing is copied before the start time");
        assertEquals(ProtectionState.INITIAL_REPLICATION, dr.vm(WEB_ID).state());
        assertFalse(enable.poll().state().isFinal());

        dr.sites.advance(Duration.ofHours(16));
        dr.succeed(enable);
        assertEquals(ProtectionState.PROTECTED, dr.vm(WEB_ID).state());
        assertEquals("Replicating", dr.sites.state(HV01, WEB));
        assertEquals(1, dr.count(HV01, "Start-VMInitialReplication", WEB));
    }

    @Test
    @DisplayName("C10 O1 offline initial replication: exported on the primary host, imported on the replica host, PROTECTED")
    void enableOffline() {
        dr = new DrOnFabric(DrOnFabric.defaultSettings()
                .initialReplication(InitialReplication.offline(EXPORT, IMPORT)).build()).pairAndMap().protect(WEB_ID);
        String replica = dr.replicaHost(WEB_ID);
        assertEquals(1, effects("Start-VMInitialReplication", "DestinationPath", EXPORT).size(),
                () -> dr.fabric.sideEffectsFor(WEB).toString());
        assertEquals(1, effects("Import-VMInitialReplication", "Path", IMPORT + "\\" + WEB + "_" + WEB_ID).size(),
                () -> dr.fabric.sideEffectsFor(WEB).toString());
        assertEquals(1, dr.count(replica, "Import-VMInitialReplication", WEB));
        assertEquals(ProtectionState.PROTECTED, dr.vm(WEB_ID).state());
        assertEquals("Replicating", dr.sites.state(HV01, WEB));
    }

    @Test
    @DisplayName("C10 E1 existing replica through the enable job: -AsReplica on the replica host, enable on the primary, "
            + "-UseBackup, each once; the restored copy is the replica and the VM Replicating, PROTECTED")
    void enableUsingExistingReplica() {
        // E1 places web01's replica by its id on hv11 (the first of GoldDR's hosts for this id); the backup was
        // restored there before protection, as the method requires
        dr = new DrOnFabric(DrOnFabric.defaultSettings().initialReplication(InitialReplication.usingExistingReplica())
                .build(), new TwoSites(SimulatedFabric.builder(), List.of(TwoSites.restoredCopy(WEB_ID, WEB, HV11))),
                DrOnFabric.FAST).pairAndMap();
        dr.succeed(dr.vault.protectedVms().enable(DrOnFabric.GOLD, List.of(WEB_ID)));

        assertEquals(HV11, dr.replicaHost(WEB_ID), "the vault chose the host of the restored copy");
        assertEquals(1, effects("Enable-VMReplication", "AsReplica", "true").size(),
                () -> dr.fabric.sideEffectsFor(WEB).toString());
        assertEquals(1, dr.count(HV11, "Enable-VMReplication", WEB), "-AsReplica on the replica host");
        assertEquals(1, dr.count(HV01, "Enable-VMReplication", WEB), "enable on the primary host");
        assertEquals(1, effects("Start-VMInitialReplication", "UseBackup", "true").size(),
                () -> dr.fabric.sideEffectsFor(WEB).toString());
        assertEquals(1, dr.count(HV01, "Start-VMInitialReplication", WEB));
        assertEquals(ProtectionState.PROTECTED, dr.vm(WEB_ID).state());
        assertEquals("Replicating", dr.sites.state(HV01, WEB));
        assertEquals("Replicating", dr.sites.state(HV11, WEB));
        assertEquals(ReplicationMode.Replica, copy(HV11, WEB).mode());
        assertEquals("CorpDR", copy(HV11, WEB).adapters().get(TwoSites.ADAPTER),
                "the restored copy is the replica, not a new one");
    }

    @Test
    @DisplayName("F1 test failover: test VM '<name> - Test' on the replica host, on the isolated network, running; cleanup deletes it")
    void testFailoverAndCleanup() {
        dr = new DrOnFabric().pairAndMap().protect(WEB_ID);
        String replica = dr.replicaHost(WEB_ID);
        dr.sites.advance(Duration.ofHours(1));
        dr.succeed(dr.vault.protectedVms().testFailover(WEB_ID,
                TestFailoverOptions.into(TestNetwork.isolated("DR-Test"))));
        assertEquals(ProtectionState.TEST_FAILOVER_RUNNING, dr.vm(WEB_ID).state());
        HyperVModel.VmCopy test = copy(replica, WEB + " - Test");
        assertEquals(ReplicationMode.TestReplica, test.mode());
        assertEquals(VmState.Running, test.power());
        assertTrue(test.adapters().values().stream().allMatch("DR-Test"::equals), test.adapters()::toString);
        assertEquals("Replicating", dr.sites.state(replica, WEB), "F1 replication goes on");
        assertEquals(1, effects("Start-VMFailover", "AsTest", "true").size());

        dr.succeed(dr.vault.protectedVms().cleanupTestFailover(WEB_ID));
        assertEquals(ProtectionState.PROTECTED, dr.vm(WEB_ID).state());
        assertFalse(exists(replica, WEB + " - Test"));
        assertEquals(1, dr.count(replica, "Stop-VMFailover", WEB));
    }

    @Test
    @DisplayName("F2 F5 planned failover, commit, reverse replication, failback, commit, reverse again: home and replicating")
    void plannedFailoverReverseAndFailback() {
        dr = new DrOnFabric().pairAndMap().protect(WEB_ID);
        String replica = dr.replicaHost(WEB_ID);
        dr.sites.advance(Duration.ofHours(1));

        dr.succeed(dr.vault.protectedVms().plannedFailover(WEB_ID, PlannedFailoverOptions.defaults()));
        assertEquals(ProtectionState.FAILED_OVER, dr.vm(WEB_ID).state());
        assertEquals(VmState.Off, copy(HV01, WEB).power(), "F2 the primary VM was shut down");
        assertEquals(1, dr.count(HV01, "Stop-VM", WEB));
        assertEquals(1, effects("Start-VMFailover", "Prepare", "true").size());
        assertEquals(VmState.Running, copy(replica, WEB).power());
        assertEquals("CorpDR", copy(replica, WEB).adapters().values().iterator().next(), "N4 mapped network");

        dr.succeed(dr.vault.protectedVms().commit(WEB_ID));
        assertEquals(ProtectionState.COMMITTED, dr.vm(WEB_ID).state());
        dr.succeed(dr.vault.protectedVms().reverseReplication(WEB_ID));
        assertEquals(ActiveLocation.RECOVERY, dr.vm(WEB_ID).activeLocation());
        assertEquals(ReplicationMode.Primary, copy(replica, WEB).mode());
        assertEquals(HV01, copy(replica, WEB).replication().replicaServer());
        assertEquals(1, dr.count(replica, "Set-VMReplication", WEB));

        dr.sites.advance(Duration.ofHours(1));
        dr.succeed(dr.vault.protectedVms().plannedFailover(WEB_ID, PlannedFailoverOptions.failback()));
        assertEquals(VmState.Running, copy(HV01, WEB).power(), "failed back home");
        assertEquals(VmState.Off, copy(replica, WEB).power());
        dr.succeed(dr.vault.protectedVms().commit(WEB_ID));
        dr.succeed(dr.vault.protectedVms().reverseReplication(WEB_ID));
        assertEquals(ActiveLocation.PRIMARY, dr.vm(WEB_ID).activeLocation());
        assertEquals(ProtectionState.PROTECTED, dr.vm(WEB_ID).state());
        assertEquals(ReplicationMode.Primary, copy(HV01, WEB).mode());
        assertEquals(replica, copy(HV01, WEB).replication().replicaServer());
        assertEquals(2, dr.fabric.sideEffectsFor(WEB).stream().filter(e -> e.cmdlet().equals("Set-VMReplication")
                && "true".equalsIgnoreCase(e.parameters().get("Reverse"))).count());
    }

    @Test
    @DisplayName("F3 F4 unplanned failover to a chosen point, change of point, commit, reverse replication")
    void unplannedToChosenPointChangeCommit() {
        dr = new DrOnFabric().pairAndMap().protect(WEB_ID);
        String replica = dr.replicaHost(WEB_ID);
        dr.sites.advance(Duration.ofHours(4));
        List<ReplicaSnapshot> points = dr.fabric.model().recoveryPoints(WEB_ID);
        assertTrue(points.size() >= 3, points::toString);
        ReplicaSnapshot first = points.get(0);
        ReplicaSnapshot second = points.get(1);

        dr.succeed(dr.vault.protectedVms().unplannedFailover(WEB_ID,
                UnplannedFailoverOptions.defaults().withRecoveryPoint(RecoveryPointChoice.of(first.id()))));
        assertEquals(ProtectionState.FAILED_OVER, dr.vm(WEB_ID).state());
        assertEquals(1, effects("Start-VMFailover", "VMRecoverySnapshot", first.id()).size(),
                () -> dr.fabric.sideEffectsFor(WEB).toString());
        assertEquals(VmState.Running, copy(replica, WEB).power());

        dr.succeed(dr.vault.protectedVms().changeRecoveryPoint(WEB_ID,
                ChangeRecoveryPointOptions.to(RecoveryPointChoice.of(second.id()))));
        assertEquals(1, effects("Start-VMFailover", "VMRecoverySnapshot", second.id()).size(),
                () -> dr.fabric.sideEffectsFor(WEB).toString());
        assertEquals(1, dr.count(replica, "Stop-VMFailover", WEB), "F4 the first point's failover undone");

        dr.succeed(dr.vault.protectedVms().commit(WEB_ID));
        assertEquals(ProtectionState.COMMITTED, dr.vm(WEB_ID).state());
        assertEquals(1, dr.count(replica, "Complete-VMFailover", WEB));
        assertEquals("FailedOver", dr.sites.state(replica, WEB));
        List<ReplicaSnapshot> left = dr.fabric.model().recoveryPoints(WEB_ID);
        assertTrue(left.stream().allMatch(p -> p.id().equals(second.id())),
                () -> "F4 commit keeps only the chosen point: " + left);

        dr.succeed(dr.vault.protectedVms().reverseReplication(WEB_ID));
        assertEquals(ProtectionState.PROTECTED, dr.vm(WEB_ID).state(), "F7 protected again once reversed");
        assertEquals(ReplicationMode.Primary, copy(replica, WEB).mode());
    }

    @Test
    @DisplayName("E4 C11 disable keeping the replica: replication removed on both sides, the replica VM stays")
    void disableKeepingReplica() {
        dr = new DrOnFabric(DrOnFabric.defaultSettings().deleteReplicaOnDisable(false).build()).pairAndMap()
                .protect(WEB_ID);
        String replica = dr.replicaHost(WEB_ID);
        dr.succeed(dr.vault.protectedVms().disable(WEB_ID));
        assertEquals(ProtectionState.UNPROTECTED, dr.vault.protectedVms().list().stream()
                .filter(v -> v.vmId().equals(WEB_ID)).map(v -> v.state()).findFirst()
                .orElse(ProtectionState.UNPROTECTED));
        assertEquals(1, dr.count(HV01, "Remove-VMReplication", WEB));
        assertEquals("Disabled", dr.sites.state(HV01, WEB));
        assertTrue(exists(replica, WEB), "C11 the replica is kept");
        assertEquals(0, dr.count(replica, "Remove-VM", WEB));
    }

    @Test
    @DisplayName("E4 C11 disable deleting the replica: replication removed, the replica VM deleted on its own host")
    void disableDeletingReplica() {
        dr = new DrOnFabric(DrOnFabric.defaultSettings().deleteReplicaOnDisable(true).build()).pairAndMap()
                .protect(WEB_ID);
        String replica = dr.replicaHost(WEB_ID);
        dr.succeed(dr.vault.protectedVms().disable(WEB_ID));
        assertEquals(1, dr.count(HV01, "Remove-VMReplication", WEB));
        assertEquals(1, dr.count(replica, "Remove-VM", WEB));
        assertFalse(exists(replica, WEB), "C11 the replica is deleted");
        assertTrue(exists(HV01, WEB), "the primary VM is untouched");
        assertEquals("Disabled", dr.sites.state(HV01, WEB));
    }
}
