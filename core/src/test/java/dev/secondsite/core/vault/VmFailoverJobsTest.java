package dev.secondsite.core.vault;

import static dev.secondsite.core.vault.DrWorld.A;
import static dev.secondsite.core.vault.DrWorld.APP1;
import static dev.secondsite.core.vault.DrWorld.B;
import static dev.secondsite.core.vault.DrWorld.DB1;
import static dev.secondsite.core.vault.DrWorld.DB2;
import static dev.secondsite.core.vault.DrWorld.GOLD;
import static dev.secondsite.core.vault.DrWorld.ISO;
import static dev.secondsite.core.vault.DrWorld.WEB1;
import static dev.secondsite.core.vault.DrWorld.WEB2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.IllegalTransitionException;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.NotFoundException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.inventory.PowerState;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobQuery;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.TaskStatus;
import dev.secondsite.core.plan.FailoverDirection;
import dev.secondsite.core.plan.FailoverKind;
import dev.secondsite.core.protection.ActiveLocation;
import dev.secondsite.core.protection.ProtectionState;
import dev.secondsite.core.spi.RecoveryPoint;
import dev.secondsite.core.spi.RecoveryPointChoice;
import dev.secondsite.core.spi.TestNetwork;
import dev.secondsite.core.testing.FakeHostDriver;
import dev.secondsite.core.testing.FakeVm;
import dev.secondsite.core.testing.MutableClock;
import dev.secondsite.core.vault.DrWorld.Entry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** F1-F8 and RP6 for one VM at a time, each operation a job against the fake hosts, with its effects. */
class VmFailoverJobsTest {
    private DrWorld world;
    private Vault vault;

    private DrWorld world(DrWorld w) {
        world = w;
        vault = w.vault;
        return w;
    }

    @AfterEach
    void tearDown() {
        if (world != null) {
            world.close();
        }
    }

    private Job failover(String vm, FailoverKind kind, Failovers.Spec options) {
        return world.succeed(Failovers.start(vault, vm, kind, options));
    }

    private Job after(String vm, JobKind kind) {
        return world.succeed(Failovers.after(vault, vm, kind));
    }

    private int jobCount() {
        return vault.jobs().list(JobQuery.all()).size();
    }

    @Test
    @DisplayName("F1 a test failover creates a running test VM beside the replica on each network choice; cleanup "
            + "deletes it")
    void testFailoverNetworkChoices() {
        world(new DrWorld()).ready();
        Map<String, TestNetwork> choices = Map.of(DB1, TestNetwork.none(), APP1, TestNetwork.existing("TestNet"),
                WEB1, TestNetwork.isolated("drill-isolated"));
        for (Map.Entry<String, TestNetwork> choice : choices.entrySet()) {
            String vm = choice.getKey();
            Job job = failover(vm, FailoverKind.TEST, Failovers.options().testNetwork(choice.getValue()).build());

            assertEquals(JobKind.TEST_FAILOVER, job.kind());
            assertEquals(List.of("check/" + vm, "failover/" + vm, "boot/" + vm),
                    job.tasks().stream().map(TaskStatus::id).toList());
            assertTrue(job.warnings().stream().noneMatch(w -> w.rule() == Rule.F3 || w.message().contains("stale")), job.warnings()::toString);
            FakeVm fake = world.fake(vm);
            assertNotNull(fake.testVm(), vm + " has a test VM");
            assertEquals(world.replicaHost(vm), fake.testVm().host(), "the test VM sits beside the replica");
            assertEquals(PowerState.RUNNING, fake.testVm().power());
            assertEquals(Optional.ofNullable(choice.getValue().networkName()), fake.testVm().network("nic0"));
            assertEquals("Replicating", fake.state(), "replication goes on");
            assertEquals(PowerState.RUNNING, fake.primary().power(), "the primary keeps running");
            assertEquals(PowerState.OFF, fake.replica().power());
            assertEquals(ProtectionState.TEST_FAILOVER_RUNNING, world.protectedVm(vm).state());

            Job cleanup = after(vm, JobKind.CLEANUP_TEST_FAILOVER);

            assertEquals(JobKind.CLEANUP_TEST_FAILOVER, cleanup.kind());
            assertNull(world.fake(vm).testVm(), vm + "'s test VM is deleted");
            assertEquals("Replicating", world.fake(vm).state());
            assertEquals(ProtectionState.PROTECTED, world.protectedVm(vm).state());
        }
    }

    @Test
    @DisplayName("F8 one test failover per VM: a second one while the first runs is refused; no job, nothing changes")
    void secondTestFailoverRefused() {
        world(new DrWorld()).ready();
        failover(DB1, FailoverKind.TEST, Failovers.options().build());
        int jobs = jobCount();
        int commands = world.hosts.history().size();
        VaultConfiguration before = vault.configuration();

        IllegalTransitionException refused = assertThrows(IllegalTransitionException.class,
                () -> Failovers.start(vault, DB1, FailoverKind.TEST, Failovers.options().build()));

        assertTrue(refused.getMessage().contains("TEST_FAILOVER_RUNNING"), refused.getMessage());
        assertEquals(jobs, jobCount());
        assertEquals(commands, world.hosts.history().size());
        assertEquals(before, vault.configuration());
    }

    @Test
    @DisplayName("F1 F8 a test failover the host refuses leaves the VM PROTECTED: no test VM to clean up, it can be "
            + "tested again")
    void refusedTestFailoverLeavesVmReady() {
        world(new DrWorld()).ready();
        world.hosts.failPermanently(FakeHostDriver.isCommand(dev.secondsite.core.spi.HostCommand.TestFailover.class),
                "Start-VMFailover -AsTest: not enough memory on the host");

        Job failed = world.finish(Failovers.start(vault, DB1, FailoverKind.TEST, Failovers.options().build()), "");

        assertEquals(JobState.FAILED, failed.state());
        assertNull(world.fake(DB1).testVm());
        assertEquals(ProtectionState.PROTECTED, world.protectedVm(DB1).state(), "the vault agrees with the host");

        world.hosts.clearFaults();
        failover(DB1, FailoverKind.TEST, Failovers.options().build());
        assertNotNull(world.fake(DB1).testVm());
        after(DB1, JobKind.CLEANUP_TEST_FAILOVER);
        assertNull(world.fake(DB1).testVm());
        assertEquals(ProtectionState.PROTECTED, world.protectedVm(DB1).state());
    }

    @Test
    @DisplayName("F8 a test failover of a VM whose replica is resynchronizing fails at the pre-flight check; no test VM")
    void resynchronizingRefused() {
        world(new DrWorld()).ready();
        world.hosts.startResynchronization(DB1);

        Job job = world.finish(Failovers.start(vault, DB1, FailoverKind.TEST, Failovers.options().build()), "");

        assertEquals(JobState.FAILED, job.state());
        TaskStatus check = job.task("check/" + DB1).orElseThrow();
        assertTrue(check.error().startsWith("F8"), check.error());
        assertEquals(dev.secondsite.core.job.TaskState.NOT_STARTED, job.task("failover/" + DB1).orElseThrow()
                .state());
        assertNull(world.fake(DB1).testVm());
        assertEquals(ProtectionState.PROTECTED, world.protectedVm(DB1).state());

        world.hosts.finishResynchronization(DB1);
        failover(DB1, FailoverKind.TEST, Failovers.options().build());
        assertNotNull(world.fake(DB1).testVm());
    }

    @Test
    @DisplayName("F2 F6 F7 planned failover: shutdown, prepare, failover, start on the mapped network; latest point, "
            + "recovery-side commands on the recovery provider")
    void plannedFailover() {
        world(new DrWorld()).ready();
        List<RecoveryPoint> pointsBefore = world.fake(DB1).recoveryPoints();
        int since = world.log().size();

        Job job = failover(DB1, FailoverKind.PLANNED, Failovers.options().build());

        assertEquals(JobKind.PLANNED_FAILOVER, job.kind());
        assertEquals(List.of("StopVm", "PrepareFailover", "Failover", "ConnectNetworkAdapter", "StartVm"),
                world.commandsSince(since, DB1).stream().filter(c -> !c.equals("GetReplicationStatus")).toList());
        List<Entry> ran = world.log().subList(since, world.log().size()).stream()
                .filter(e -> e.succeeded() && DB1.equals(e.subject())).toList();
        for (Entry e : ran) {
            boolean onPrimary = e.what().equals("StopVm") || e.what().equals("PrepareFailover");
            assertEquals(onPrimary ? A : B, e.server(), e.toString());
            assertEquals(onPrimary ? world.primaryHost(DB1) : world.replicaHost(DB1), e.host(), e.toString());
        }
        FakeHostDriver.Execution failedOver = world.hosts.historyFor(DB1).stream()
                .filter(e -> e.commandName().equals("Failover")).findFirst().orElseThrow();
        assertEquals(B, failedOver.request().serverId(), "F6: the recovery side's provider fails the VM over");
        assertTrue(world.recovery.host(failedOver.host()).isPresent(), failedOver.host());
        FakeVm fake = world.fake(DB1);
        assertEquals(PowerState.OFF, fake.primary().power());
        assertEquals(PowerState.RUNNING, fake.replica().power());
        assertEquals(Optional.of("CorpDR"), fake.replica().network("nic0"), "N4: connected to the mapped network");
        // F2: the point prepared from the last changes, newer than every point before: no data lost
        RecoveryPoint used = fake.failoverPoint();
        assertFalse(pointsBefore.contains(used));
        assertEquals(fake.recoveryPoints().get(fake.recoveryPoints().size() - 1), used);
        assertEquals(ProtectionState.FAILED_OVER, world.protectedVm(DB1).state());
        assertEquals(ActiveLocation.RECOVERY, world.protectedVm(DB1).activeLocation());
        assertTrue(world.protectedVm(DB1).isProtected(), "F7: after a planned failover the VM stays protected");
    }

    @Test
    @DisplayName("F3 F7 unplanned failover from the latest, the latest app-consistent or a chosen point, with and "
            + "without shutting the source down")
    void unplannedFailoverPoints() {
        world(new DrWorld()).ready();
        for (String vm : List.of(DB1, APP1, WEB1)) {
            world.hosts.replicate(vm, false);
            world.hosts.replicate(vm, false);
        }
        List<RecoveryPoint> db1 = world.fake(DB1).recoveryPoints();
        List<RecoveryPoint> app1 = world.fake(APP1).recoveryPoints();
        List<RecoveryPoint> web1 = world.fake(WEB1).recoveryPoints();
        assertTrue(app1.get(0).appConsistent() && !app1.get(app1.size() - 1).appConsistent(), app1::toString);

        failover(DB1, FailoverKind.UNPLANNED, Failovers.options().build());
        failover(APP1, FailoverKind.UNPLANNED, Failovers.options().recoveryPoint(RecoveryPointChoice.latestAppConsistent())
                .shutdownSource(true).build());
        failover(WEB1, FailoverKind.UNPLANNED, Failovers.options().recoveryPoint(RecoveryPointChoice.of(web1.get(1).id()))
                .build());

        assertEquals(db1.get(db1.size() - 1), world.fake(DB1).failoverPoint());
        assertEquals(app1.get(0), world.fake(APP1).failoverPoint());
        assertEquals(web1.get(1), world.fake(WEB1).failoverPoint());
        assertFalse(world.hosts.commandNamesFor(DB1).contains("StopVm"));
        assertEquals(PowerState.RUNNING, world.fake(DB1).primary().power(), "no shutdown was asked");
        assertTrue(world.hosts.commandNamesFor(APP1).contains("StopVm"));
        assertEquals(PowerState.OFF, world.fake(APP1).primary().power());
        for (String vm : List.of(DB1, APP1, WEB1)) {
            assertFalse(world.hosts.commandNamesFor(vm).contains("PrepareFailover"), vm);
            assertEquals(PowerState.RUNNING, world.fake(vm).replica().power(), vm);
            assertEquals(ProtectionState.FAILED_OVER, world.protectedVm(vm).state());
            assertFalse(world.protectedVm(vm).isProtected(), "F7: unprotected after an unplanned failover");
        }
    }

    @Test
    @DisplayName("F3 an unplanned failover whose source cannot be shut down goes on: the attempt is recorded")
    void unplannedShutdownFailureRecorded() {
        world(new DrWorld()).ready();
        world.hosts.failPermanently(FakeHostDriver.isCommand(dev.secondsite.core.spi.HostCommand.StopVm.class),
                "the host hv02 is gone");

        Job job = failover(DB1, FailoverKind.UNPLANNED, Failovers.options().shutdownSource(true).build());

        assertTrue(job.errors().stream().anyMatch(e -> e.message().contains("hv02 is gone")), job.errors()::toString);
        assertEquals(PowerState.RUNNING, world.fake(DB1).replica().power());
    }

    @Test
    @DisplayName("F4 before commit another recovery point can be chosen; commit makes it final and deletes the others")
    void changePointThenCommit() {
        world(new DrWorld()).ready();
        world.hosts.replicate(DB1, false);
        List<RecoveryPoint> points = world.fake(DB1).recoveryPoints();
        failover(DB1, FailoverKind.UNPLANNED, Failovers.options().build());
        assertEquals(points.get(points.size() - 1), world.fake(DB1).failoverPoint());

        Job change = world.succeed(vault.protectedVms().changeRecoveryPoint(DB1, ChangeRecoveryPointOptions.to(RecoveryPointChoice.of(points.get(0).id()))));

        assertEquals(JobKind.CHANGE_RECOVERY_POINT, change.kind());
        assertEquals(points.get(0), world.fake(DB1).failoverPoint());
        assertEquals(PowerState.RUNNING, world.fake(DB1).replica().power(), "the VM runs again from the new point");
        assertEquals(ProtectionState.FAILED_OVER, world.protectedVm(DB1).state());

        Job commit = after(DB1, JobKind.COMMIT);

        assertEquals(JobKind.COMMIT, commit.kind());
        FakeVm fake = world.fake(DB1);
        assertEquals("FailedOver", fake.state());
        assertEquals(points.get(0), fake.committedPoint());
        assertTrue(fake.recoveryPoints().isEmpty(), "the other points are deleted");
        assertEquals(ProtectionState.COMMITTED, world.protectedVm(DB1).state());
        assertThrows(IllegalTransitionException.class,
                () -> vault.protectedVms().changeRecoveryPoint(DB1, ChangeRecoveryPointOptions.to(RecoveryPointChoice.latest())), "no change after commit");
    }

    @Test
    @DisplayName("E4 C11 a COMMITTED VM can be disabled through a job: the failed-over copy keeps running and the old "
            + "primary copy is kept")
    void disableAfterCommit() {
        world(new DrWorld()).ready();
        String home = world.primaryHost(DB1);
        String replica = world.replicaHost(DB1);
        failover(DB1, FailoverKind.UNPLANNED, Failovers.options().build());
        after(DB1, JobKind.COMMIT);
        assertEquals(ProtectionState.COMMITTED, world.protectedVm(DB1).state());

        Job disable = world.succeed(vault.protectedVms().disable(DB1));

        assertEquals(JobKind.DISABLE_PROTECTION, disable.kind());
        assertTrue(vault.configuration().protection().protectedVm(DB1).isEmpty(), "no longer tracked");
        FakeHostDriver.Execution last = world.hosts.historyFor(DB1).get(world.hosts.historyFor(DB1).size() - 1);
        assertEquals("DisableReplication", last.commandName());
        assertEquals(replica, last.host(), "sent to the host where the VM now runs");
        FakeVm fake = world.fake(DB1);
        assertEquals("Disabled", fake.state());
        assertEquals(replica, fake.primary().host(), "the failed-over copy is the VM now");
        assertEquals(PowerState.RUNNING, fake.primary().power());
        assertNotNull(fake.keptReplica(), "C11: the old primary copy is kept unless the pairing deletes it");
        assertEquals(home, fake.keptReplica().host());
    }

    @Test
    @DisplayName("F5 F7 full failback cycle: planned failover, commit, reverse replication, failback, commit, reverse")
    void failbackCycle() {
        world(new DrWorld()).ready();
        String home = world.primaryHost(DB2);
        String replica = world.replicaHost(DB2);

        failover(DB2, FailoverKind.PLANNED, Failovers.options().build());
        after(DB2, JobKind.COMMIT);
        assertTrue(world.protectedVm(DB2).isProtected(), "F7: protected throughout after a planned failover");
        Job reverse = after(DB2, JobKind.REVERSE_REPLICATION);

        assertEquals(JobKind.REVERSE_REPLICATION, reverse.kind());
        FakeVm reversed = world.fake(DB2);
        assertEquals("Replicating", reversed.state());
        assertEquals(replica, reversed.primary().host(), "the recovery site is the primary now");
        assertEquals(home, reversed.replica().host(), "and replicates back home");
        assertEquals(ProtectionState.PROTECTED, world.protectedVm(DB2).state());
        assertEquals(ActiveLocation.RECOVERY, world.protectedVm(DB2).activeLocation());

        int since = world.log().size();
        failover(DB2, FailoverKind.PLANNED, Failovers.options().direction(FailoverDirection.RECOVERY_TO_PRIMARY).build());
        for (Entry e : world.log().subList(since, world.log().size())) {
            if (e.succeeded() && DB2.equals(e.subject()) && DrWorld.RECOVERY_SIDE_COMMANDS.contains(e.what())) {
                assertEquals(A, e.server(), "F6: failing back, the primary's provider starts the VM: " + e);
                assertEquals(home, e.host());
            }
        }
        assertEquals(ActiveLocation.PRIMARY, world.protectedVm(DB2).activeLocation());
        assertEquals(Optional.of("Corp"), world.fake(DB2).replica().network("nic0"), "back on its own network");
        after(DB2, JobKind.COMMIT);
        after(DB2, JobKind.REVERSE_REPLICATION);

        FakeVm back = world.fake(DB2);
        assertEquals("Replicating", back.state());
        assertEquals(home, back.primary().host());
        assertEquals(PowerState.RUNNING, back.primary().power());
        assertEquals(replica, back.replica().host());
        assertEquals(PowerState.OFF, back.replica().power());
        assertEquals(ProtectionState.PROTECTED, world.protectedVm(DB2).state());
        assertEquals(ActiveLocation.PRIMARY, world.protectedVm(DB2).activeLocation());
    }

    @Test
    @DisplayName("F7 F5 after an unplanned failover the VM is unprotected until reverse replication, which replicates "
            + "it back so that it can fail back")
    void unplannedThenReverse() {
        world(new DrWorld()).ready();
        failover(APP1, FailoverKind.UNPLANNED, Failovers.options().shutdownSource(true).build());
        assertFalse(world.protectedVm(APP1).isProtected());
        after(APP1, JobKind.COMMIT);
        assertFalse(world.protectedVm(APP1).isProtected());

        after(APP1, JobKind.REVERSE_REPLICATION);

        assertTrue(world.protectedVm(APP1).isProtected());
        assertEquals("Replicating", world.fake(APP1).state(), "the old primary received a full copy");
        failover(APP1, FailoverKind.PLANNED, Failovers.options().direction(FailoverDirection.RECOVERY_TO_PRIMARY).build());
        assertEquals(world.primaryHost(APP1), world.fake(APP1).replica().host());
        assertEquals(PowerState.RUNNING, world.fake(APP1).replica().power(), "failed back home");
    }

    @Test
    @DisplayName("F5 C10 O1 reverse replication after an unplanned failover copies the VM back offline when the "
            + "pairing says offline")
    void unplannedThenReverseOffline() {
        String export = "\\\\fileserver\\export";
        String imports = "\\\\fileserver-dr\\import";
        world(new DrWorld(DrWorld.defaultSettings()
                .initialReplication(dev.secondsite.core.protection.InitialReplication.offline(export, imports))
                .build())).ready();
        failover(APP1, FailoverKind.UNPLANNED, Failovers.options().shutdownSource(true).build());
        after(APP1, JobKind.COMMIT);
        int since = world.hosts.history().size();

        after(APP1, JobKind.REVERSE_REPLICATION);

        List<FakeHostDriver.Execution> reverse = world.hosts.history().subList(since, world.hosts.history().size());
        assertEquals(List.of("StopVm", "ReverseReplication", "StartInitialReplication", "ImportInitialReplication",
                "GetReplicationStatus"), reverse.stream().map(FakeHostDriver.Execution::commandName).toList());
        assertEquals(List.of(world.primaryHost(APP1), world.replicaHost(APP1), world.replicaHost(APP1),
                        world.primaryHost(APP1), world.replicaHost(APP1)),
                reverse.stream().map(FakeHostDriver.Execution::host).toList(), "exported there, imported back home");
        assertEquals("Replicating", world.fake(APP1).state());
        assertTrue(world.protectedVm(APP1).isProtected());
    }

    @Test
    @DisplayName("RP6 one VM fails over on its own: only its tasks run, no other VM is touched")
    void singleVm() {
        world(new DrWorld()).ready();
        int since = world.log().size();

        Job job = failover(WEB2, FailoverKind.PLANNED, Failovers.options().build());

        assertEquals("vm " + WEB2, job.target());
        assertNull(job.planName());
        assertTrue(job.tasks().stream().allMatch(t -> WEB2.equals(t.vmId())), job.tasks()::toString);
        assertTrue(world.log().subList(since, world.log().size()).stream().allMatch(e -> WEB2.equals(e.subject())));
        assertEquals(ProtectionState.FAILED_OVER, world.protectedVm(WEB2).state());
        for (String other : DrWorld.PLAN_VMS) {
            if (!other.equals(WEB2)) {
                assertEquals(ProtectionState.PROTECTED, world.protectedVm(other).state(), other);
                assertEquals(PowerState.RUNNING, world.fake(other).primary().power(), other);
            }
        }
    }

    @Test
    @DisplayName("N3 the pre-flight check warns of a VM whose network has no mapping; it fails over disconnected there")
    void disconnectedWarning() {
        world(new DrWorld()).ready().protect(ISO);

        Job job = failover(ISO, FailoverKind.PLANNED, Failovers.options().build());

        assertTrue(job.warnings().stream().anyMatch(w -> w.rule() == Rule.N3 && w.toString().contains("Lab")),
                job.warnings()::toString);
        FakeVm fake = world.fake(ISO);
        assertEquals(Optional.of("CorpDR"), fake.replica().network("nic0"));
        assertEquals(Optional.empty(), fake.replica().network("nic1"), "no mapping: no network");
        assertEquals(PowerState.RUNNING, fake.replica().power());
    }

    @Test
    @DisplayName("J1 a stale recovery point is noted as a warning of the pre-flight check; the failover goes on")
    void staleRecoveryPoint() {
        Instant t0 = Instant.parse("2026-11-02T10:00:00Z");
        MutableClock vaultClock = new MutableClock(t0.plus(Duration.ofMinutes(45)));
        world(new DrWorld(DrWorld.defaultSettings().build(), vaultClock, new MutableClock(t0))).ready();

        Job job = failover(DB1, FailoverKind.TEST, Failovers.options().build());

        TaskStatus check = job.task("check/" + DB1).orElseThrow();
        assertTrue(check.notes().stream().anyMatch(n -> n.startsWith("F3: stale recovery point")), check.notes()
                ::toString);
        assertTrue(job.warnings().stream().anyMatch(w -> w.rule() == Rule.F3
                && w.message().contains("stale recovery point")), job.warnings()
                ::toString);
        assertNotNull(world.fake(DB1).testVm());
    }

    @Test
    @DisplayName("E1 a VM that is not ready (initial replication unfinished) refuses a failover: no job, nothing "
            + "changes")
    void notReadyRefused() {
        world(new DrWorld()).pair().map();
        world.hosts.failPermanently(FakeHostDriver.isForVm(APP1).and(FakeHostDriver.isCommand(
                dev.secondsite.core.spi.HostCommand.StartInitialReplication.class)), "the disk is full");
        Job enable = world.finish(vault.protectedVms().enable(GOLD, List.of(APP1)), "");
        assertEquals(JobState.FAILED, enable.state());
        assertEquals(ProtectionState.INITIAL_REPLICATION, world.protectedVm(APP1).state());
        int jobs = jobCount();
        int commands = world.hosts.history().size();
        VaultConfiguration before = vault.configuration();

        for (FailoverKind kind : FailoverKind.values()) {
            IllegalTransitionException refused = assertThrows(IllegalTransitionException.class,
                    () -> Failovers.start(vault, APP1, kind, Failovers.options().build()), kind::name);
            assertTrue(refused.getMessage().contains("INITIAL_REPLICATION"), refused.getMessage());
        }
        NotFoundException unknown = assertThrows(NotFoundException.class,
                () -> Failovers.start(vault, WEB2, FailoverKind.PLANNED, Failovers.options().build()));
        assertEquals(WEB2, unknown.id());
        assertTrue(unknown.getMessage().startsWith(Rule.NOT_FOUND.name()), unknown.getMessage());

        assertEquals(jobs, jobCount(), "no job is created");
        assertEquals(commands, world.hosts.history().size(), "no host is touched");
        assertEquals(before, vault.configuration(), "nothing changes");
    }
}
