package dev.secondsite.core.vault;

import static dev.secondsite.core.vault.DrWorld.A;
import static dev.secondsite.core.vault.DrWorld.APP1;
import static dev.secondsite.core.vault.DrWorld.B;
import static dev.secondsite.core.vault.DrWorld.DB1;
import static dev.secondsite.core.vault.DrWorld.GOLD;
import static dev.secondsite.core.vault.DrWorld.HV12;
import static dev.secondsite.core.vault.DrWorld.LEGACY;
import static dev.secondsite.core.vault.DrWorld.LEGACY_MISMATCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.PowerState;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobQuery;
import dev.secondsite.core.protection.InitialReplication;
import dev.secondsite.core.protection.ProtectionState;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.testing.FakeHostDriver;
import dev.secondsite.core.testing.FakeVm;
import dev.secondsite.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** J1: enabling, onboarding and disabling protection, each as a job against the fake hosts, with their effects. */
class ProtectionJobsTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private static final String EXPORT = "\\\\fileserver\\export";
    private static final String IMPORT = "\\\\fileserver-dr\\import";

    private DrWorld world;

    @AfterEach
    void tearDown() {
        if (world != null) {
            world.close();
        }
    }

    private DrWorld world(DrWorld w) {
        world = w;
        return w;
    }

    @Test
    @DisplayName("E1 C10 J1 protection over the network now: enable replication, initial replication, finalize")
    void enableOverNetworkNow() {
        DrWorld w = world(new DrWorld()).pair().map();
        Job job = w.succeed(w.vault.protectedVms().enable(GOLD, List.of(DB1, APP1)));

        assertEquals(JobKind.ENABLE_PROTECTION, job.kind());
        assertEquals(List.of("enable/" + DB1, "enable/" + APP1), job.tasks().stream().map(t -> t.id()).toList());
        assertTrue(job.tasks().stream().allMatch(t -> t.completedSteps() == t.totalSteps()));
        for (String vm : List.of(DB1, APP1)) {
            assertEquals(ProtectionState.PROTECTED, w.protectedVm(vm).state(), vm);
            assertTrue(w.protectedVm(vm).isProtected());
            // E1: the status read confirms the initial copy is complete before the VM is marked protected
            assertEquals(List.of("EnableReplication", "StartInitialReplication", "GetReplicationStatus"),
                    w.hosts.commandNamesFor(vm));
            FakeVm fake = w.fake(vm);
            assertEquals("Replicating", fake.state());
            assertEquals(w.replicaHost(vm), fake.replica().host());
            assertTrue(w.recovery.host(fake.replica().host()).isPresent(), "the replica is on the recovery site");
            assertEquals(PowerState.RUNNING, fake.primary().power(), "the primary keeps running");
            assertFalse(fake.recoveryPoints().isEmpty());
        }
    }

    @Test
    @DisplayName("E1 J1 enable protection marks a VM PROTECTED only once its initial copy is complete, and shows "
            + "that it waits meanwhile")
    void enableWaitsForInitialCopy() {
        DrWorld w = world(new DrWorld(DrWorld.defaultSettings().build(), java.time.Clock.systemUTC(),
                java.time.Clock.systemUTC(), 3)).pair().map();
        List<ProtectionState> whileWaiting = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();
        w.vault.jobs().addListener((event, state, progress) -> {
            if (event instanceof dev.secondsite.core.job.JobEvent.TaskPolling p) {
                whileWaiting.add(w.protectedVm(DB1).state());
                notes.addAll(w.vault.jobs().get(new JobId(p.jobId())).task(p.taskId()).orElseThrow().notes());
            }
        });

        Job job = w.succeed(w.vault.protectedVms().enable(GOLD, List.of(DB1)));

        assertEquals(List.of(ProtectionState.INITIAL_REPLICATION), whileWaiting);
        assertTrue(notes.stream().anyMatch(n -> n.startsWith("waiting until replication of")
                && n.contains("is Replicating")), notes::toString);
        assertEquals(ProtectionState.PROTECTED, w.protectedVm(DB1).state());
        assertEquals(List.of("EnableReplication", "StartInitialReplication", "GetReplicationStatus",
                "GetReplicationStatus", "GetReplicationStatus", "GetReplicationStatus"), w.hosts.commandNamesFor(DB1));
        assertEquals(4, job.task("enable/" + DB1).orElseThrow().commandsSent() - 2, "four status polls");
    }

    @Test
    @DisplayName("C10 E1 a scheduled initial replication starts at the pairing's next start time; the VM is PROTECTED only once "
            + "the copy has run")
    void enableScheduled() throws InterruptedException {
        MutableClock clock = new MutableClock(T0);
        DrWorld w = world(new DrWorld(DrWorld.defaultSettings()
                .initialReplication(InitialReplication.overNetworkAt(LocalTime.of(23, 30))).build(), clock, clock));
        w.pair().map();
        java.util.concurrent.CountDownLatch polling = new java.util.concurrent.CountDownLatch(1);
        w.vault.jobs().addListener((event, state, progress) -> {
            if (event instanceof dev.secondsite.core.job.JobEvent.TaskPolling) {
                polling.countDown();
            }
        });
        JobHandle enable = w.vault.protectedVms().enable(GOLD, List.of(DB1));
        assertTrue(polling.await(30, java.util.concurrent.TimeUnit.SECONDS), "the job waits for the copy");

        HostCommand.StartInitialReplication start = (HostCommand.StartInitialReplication) w.hosts.commandsFor(DB1)
                .get(1);
        assertEquals(Instant.parse("2026-11-02T23:30:00Z"), start.startAt());
        assertEquals("ReadyForInitialReplication", w.fake(DB1).state(), "nothing is copied before the start time");
        assertEquals(ProtectionState.INITIAL_REPLICATION, w.protectedVm(DB1).state(),
                "E1: not PROTECTED before its copy is done");
        assertFalse(enable.poll().state().isFinal());

        clock.advance(Duration.ofHours(14));
        w.succeed(enable);

        assertEquals("Replicating", w.fake(DB1).state());
        assertEquals(ProtectionState.PROTECTED, w.protectedVm(DB1).state());
    }

    @Test
    @DisplayName("O1 C10 E1 offline: exported on the primary host, imported on the replica host; O2-O4 as warnings")
    void enableOffline() {
        DrWorld w = world(new DrWorld(DrWorld.defaultSettings()
                .initialReplication(InitialReplication.offline(EXPORT, IMPORT)).build()));
        Job pairing = w.succeed(w.vault.pairings().pair(dev.secondsite.core.protection.CloudPairing.of(GOLD, B, "GoldDR",
                w.settings)));
        assertTrue(pairing.warnings().stream().anyMatch(s -> s.rule() == Rule.O2), pairing.warnings()::toString);
        assertTrue(pairing.warnings().stream().anyMatch(s -> s.rule() == Rule.O4), pairing.warnings()::toString);
        w.map();

        w.succeed(w.vault.protectedVms().enable(GOLD, List.of(APP1)));

        List<FakeHostDriver.Execution> runs = w.hosts.historyFor(APP1);
        assertEquals(List.of("EnableReplication", "StartInitialReplication", "ImportInitialReplication",
                "GetReplicationStatus"), runs.stream().map(FakeHostDriver.Execution::commandName).toList());
        String primaryHost = w.primaryHost(APP1);
        assertEquals(List.of(primaryHost, primaryHost, w.replicaHost(APP1), primaryHost),
                runs.stream().map(FakeHostDriver.Execution::host).toList());
        assertEquals(List.of(A, A, B, A), runs.stream().map(e -> e.request().serverId()).toList());
        HostCommand.StartInitialReplication export = (HostCommand.StartInitialReplication) runs.get(1).command();
        assertEquals(HostCommandMapping.method(InitialReplication.offline(EXPORT, IMPORT)), export.method());
        HostCommand.ImportInitialReplication imported = (HostCommand.ImportInitialReplication) runs.get(2).command();
        assertEquals(IMPORT + "\\app1-01_" + APP1, imported.path());
        assertEquals("Replicating", w.fake(APP1).state());
        assertEquals(ProtectionState.PROTECTED, w.protectedVm(APP1).state());
    }

    @Test
    @DisplayName("C10 E1 using an existing replica: -AsReplica on the replica host first, then enable on the primary, "
            + "-UseBackup, finalize")
    void enableUsingExistingReplica() {
        DrWorld w = world(new DrWorld(DrWorld.defaultSettings()
                .initialReplication(InitialReplication.usingExistingReplica()).build())).pair().map();

        w.succeed(w.vault.protectedVms().enable(GOLD, List.of(APP1)));

        List<FakeHostDriver.Execution> runs = w.hosts.historyFor(APP1);
        assertEquals(List.of("EnableExistingReplica", "EnableReplication", "StartInitialReplication",
                "GetReplicationStatus"), runs.stream().map(FakeHostDriver.Execution::commandName).toList());
        String primaryHost = w.primaryHost(APP1);
        assertEquals(List.of(w.replicaHost(APP1), primaryHost, primaryHost, primaryHost),
                runs.stream().map(FakeHostDriver.Execution::host).toList());
        assertEquals(List.of(B, A, A, A), runs.stream().map(e -> e.request().serverId()).toList());
        HostCommand.EnableExistingReplica asReplica = (HostCommand.EnableExistingReplica) runs.get(0).command();
        assertEquals(primaryHost, asReplica.primaryServer(), "the replica accepts only the VM's primary host");
        HostCommand.StartInitialReplication start = (HostCommand.StartInitialReplication) runs.get(2).command();
        assertEquals(new HostCommand.InitialReplicationMethod.UsingExistingReplica(), start.method());
        assertNull(start.startAt());
        assertEquals("Replicating", w.fake(APP1).state());
        assertEquals(w.replicaHost(APP1), w.fake(APP1).replica().host());
        assertEquals(ProtectionState.PROTECTED, w.protectedVm(APP1).state());
    }

    @Test
    @DisplayName("E3 J1 onboarding takes over Hyper-V's replication and reuses the same replica")
    void onboard() {
        DrWorld w = world(new DrWorld()).pair().map();
        FakeVm before = w.fake(LEGACY);
        Job job = w.succeed(w.vault.protectedVms().onboard(GOLD, LEGACY));

        assertEquals(JobKind.ONBOARD, job.kind());
        assertEquals(ProtectionState.PROTECTED, w.protectedVm(LEGACY).state());
        assertEquals(HV12, w.replicaHost(LEGACY));
        assertEquals(List.of("GetReplicationStatus"), w.hosts.commandNamesFor(LEGACY), "replication is not redone");
        FakeVm after = w.fake(LEGACY);
        assertEquals("Replicating", after.state());
        assertEquals(before.replica(), after.replica());
        assertEquals(before.recoveryPoints(), after.recoveryPoints());
    }

    @Test
    @DisplayName("E3 enabling protection of a VM Hyper-V already replicates onboards it: the same replica is reused")
    void enableOnboardsReplicatedVm() {
        DrWorld w = world(new DrWorld()).pair().map();
        FakeVm before = w.fake(LEGACY);
        w.succeed(w.vault.protectedVms().enable(GOLD, List.of(LEGACY, DB1)));

        assertEquals(ProtectionState.PROTECTED, w.protectedVm(LEGACY).state());
        assertEquals(HV12, w.replicaHost(LEGACY));
        assertFalse(w.hosts.commandNamesFor(LEGACY).contains("EnableReplication"), w.hosts.commandNamesFor(LEGACY)
                ::toString);
        assertEquals(before.replica(), w.fake(LEGACY).replica());
        assertEquals(ProtectionState.PROTECTED, w.protectedVm(DB1).state());
    }

    @Test
    @DisplayName("E3 C13 onboarding with other settings is refused naming each difference; no job, nothing changes")
    void onboardMismatchRefused() {
        DrWorld w = world(new DrWorld()).pair().map();
        int jobs = w.vault.jobs().list(JobQuery.all()).size();
        int commands = w.hosts.history().size();

        InvalidConfigurationException refused = assertThrows(InvalidConfigurationException.class,
                () -> w.vault.protectedVms().onboard(GOLD, LEGACY_MISMATCH));

        List<String> errors = refused.errors().stream().map(f -> f.rule() + " " + f.field()).toList();
        assertTrue(errors.contains("C13 observedReplication.recoveryHistory"), errors::toString);
        assertTrue(errors.contains("E3 observedReplication.vssSnapshotFrequencyHour"), errors::toString);
        assertTrue(errors.contains("E3 observedReplication.compressionEnabled"), errors::toString);
        assertEquals(jobs, w.vault.jobs().list(JobQuery.all()).size());
        assertEquals(commands, w.hosts.history().size());
        assertTrue(w.vault.configuration().protection().protectedVm(LEGACY_MISMATCH).isEmpty());
    }

    @Test
    @DisplayName("E1 protecting a VM of a cloud that is no pairing's primary is refused; no job, no host touched")
    void enableUnpairedRefused() {
        DrWorld w = world(new DrWorld()).pair();
        int commands = w.hosts.history().size();
        InvalidConfigurationException refused = assertThrows(InvalidConfigurationException.class,
                () -> w.vault.protectedVms().enable(new CloudRef(A, "Silver"), List.of(DB1)));
        assertEquals(Rule.E1, refused.rule());
        assertEquals(commands, w.hosts.history().size());
        assertEquals(1, w.vault.jobs().list(JobQuery.all()).size());
    }

    @Test
    @DisplayName("E4 C11 disabling protection with replica deletion removes replication and the replica VM")
    void disableDeletingReplica() {
        DrWorld w = world(new DrWorld(DrWorld.defaultSettings().deleteReplicaOnDisable(true).build()));
        w.pair().map().protect(DB1);
        String replicaHost = w.replicaHost(DB1);

        Job job = w.succeed(w.vault.protectedVms().disable(DB1));

        assertEquals(JobKind.DISABLE_PROTECTION, job.kind());
        assertTrue(w.vault.configuration().protection().protectedVm(DB1).isEmpty());
        FakeHostDriver.Execution disable = w.hosts.historyFor(DB1).get(w.hosts.historyFor(DB1).size() - 1);
        assertEquals(new HostCommand.DisableReplication(DB1, "db1-01", true), disable.command());
        assertEquals(w.primaryHost(DB1), disable.host());
        FakeVm fake = w.fake(DB1);
        assertEquals("Disabled", fake.state());
        assertNull(fake.replica());
        assertNull(fake.keptReplica(), "the replica on " + replicaHost + " is deleted");
        assertEquals(PowerState.RUNNING, fake.primary().power());
    }

    @Test
    @DisplayName("E4 C11 disabling protection without replica deletion keeps the replica VM")
    void disableKeepingReplica() {
        DrWorld w = world(new DrWorld()).pair().map().protect(DB1);
        String replicaHost = w.replicaHost(DB1);

        w.succeed(w.vault.protectedVms().disable(DB1));

        assertTrue(w.vault.configuration().protection().protectedVm(DB1).isEmpty());
        FakeVm fake = w.fake(DB1);
        assertEquals("Disabled", fake.state());
        assertNull(fake.replica());
        assertNotNull(fake.keptReplica());
        assertEquals(replicaHost, fake.keptReplica().host());
        // protection can be enabled again afterwards
        w.protect(DB1);
        assertEquals("Replicating", w.fake(DB1).state());
    }
}
