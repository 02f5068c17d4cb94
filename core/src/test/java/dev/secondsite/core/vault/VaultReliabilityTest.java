package dev.secondsite.core.vault;

import static dev.secondsite.core.vault.DrWorld.APP1;
import static dev.secondsite.core.vault.DrWorld.DB1;
import static dev.secondsite.core.vault.DrWorld.GOLD;
import static dev.secondsite.core.vault.DrWorld.PLAN;
import static dev.secondsite.core.vault.DrWorld.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.NotFoundException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobQuery;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.protection.ProtectionState;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.testing.FakeHostDriver;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Issue 9 items 2, 3, 7 and 12 through the vault's public API. */
class VaultReliabilityTest {
    private final DrWorld world = new DrWorld();
    private final Vault vault = world.vault;

    @AfterEach
    void tearDown() {
        world.close();
    }

    private int jobCount() {
        return vault.jobs().list(JobQuery.all()).size();
    }

    @Test
    @DisplayName("J5 E4 F2 while a disable's host command is in flight, a planned failover of the same VM is refused "
            + "before anything is sent, naming the disable job; the disable then ends normally")
    void oneJobPerVm() throws Exception {
        world.pair().map().protect(DB1);
        FakeHostDriver.Hold hold = world.hosts.hold(FakeHostDriver.isCommand(HostCommand.DisableReplication.class));
        JobHandle disable = vault.protectedVms().disable(DB1);
        try {
            assertTrue(hold.awaitHeld(1));
            int sent = world.hosts.history().size();
            int jobs = jobCount();
            InvalidConfigurationException refused = assertThrows(InvalidConfigurationException.class,
                    () -> vault.protectedVms().plannedFailover(DB1, PlannedFailoverOptions.defaults()));
            assertEquals(Rule.J5, refused.rule());
            assertTrue(refused.getMessage().startsWith("J5"), refused.getMessage());
            assertTrue(refused.getMessage().contains(disable.id().value()), refused.getMessage());
            assertEquals(sent, world.hosts.history().size(), "nothing was sent");
            assertEquals(jobs, jobCount(), "no job was created");
        } finally {
            hold.release();
        }
        world.succeed(disable);
        assertTrue(vault.configuration().protection().protectedVm(DB1).isEmpty());
    }

    @Test
    @DisplayName("J5 RP6 a plan's failover is refused while a job of one VM holds one of the plan's VMs")
    void planWaitsForItsVms() throws Exception {
        world.ready();
        world.savePlan();
        FakeHostDriver.Hold hold = world.hosts.hold(FakeHostDriver.isCommand(HostCommand.TestFailover.class));
        JobHandle test = vault.protectedVms().testFailover(APP1, TestFailoverOptions.defaults());
        try {
            assertTrue(hold.awaitHeld(1));
            InvalidConfigurationException refused = assertThrows(InvalidConfigurationException.class,
                    () -> vault.plans().plannedFailover(PLAN, PlannedFailoverOptions.defaults()));
            assertEquals(Rule.J5, refused.rule());
            assertTrue(refused.getMessage().contains(APP1) && refused.getMessage().contains(test.id().value()),
                    refused.getMessage());
        } finally {
            hold.release();
        }
        world.succeed(test);
    }

    @Test
    @DisplayName("J5 F2 a VM left PLANNED_FAILOVER_RUNNING by a failed failover is brought back by cancelFailover: "
            + "PROTECTED again, running on the primary, and a new failover of it succeeds")
    void cancelStuckFailover() {
        world.pair().map().protect(DB1);
        world.hosts.failPermanently(FakeHostDriver.isCommand(HostCommand.Failover.class), "replica disk offline");
        Job failed = world.finish(vault.protectedVms().plannedFailover(DB1, PlannedFailoverOptions.defaults()), "");
        assertEquals(JobState.FAILED, failed.state());
        assertEquals(ProtectionState.PLANNED_FAILOVER_RUNNING, world.protectedVm(DB1).state());
        assertThrows(dev.secondsite.core.IllegalTransitionException.class,
                () -> vault.protectedVms().disable(DB1), "disable alone cannot bring it back");
        world.hosts.clearFaults();

        world.succeed(vault.protectedVms().cancelFailover(DB1));

        assertEquals(ProtectionState.PROTECTED, world.protectedVm(DB1).state());
        assertTrue(world.fake(DB1).primary().isRunning(), "the VM runs where it ran before");
        assertEquals("Replicating", world.fake(DB1).state());
        world.succeed(vault.protectedVms().plannedFailover(DB1, PlannedFailoverOptions.defaults()));
        assertEquals(ProtectionState.FAILED_OVER, world.protectedVm(DB1).state());
    }

    @Test
    @DisplayName("J6 E1 E4 a failed enable cannot be restarted after another job disabled its VM: refused naming the "
            + "VM, nothing sent")
    void staleRestartRefused() {
        world.pair().map();
        world.hosts.failPermanently(FakeHostDriver.isCommand(HostCommand.EnableReplication.class), "no space");
        JobHandle enable = vault.protectedVms().enable(GOLD, List.of(DB1));
        assertEquals(JobState.FAILED, world.settle(enable).state());
        assertEquals(ProtectionState.ENABLING, world.protectedVm(DB1).state());
        world.hosts.clearFaults();
        world.succeed(vault.protectedVms().disable(DB1));
        int sent = world.hosts.history().size();

        InvalidConfigurationException refused = assertThrows(InvalidConfigurationException.class, enable::restart);

        assertEquals(Rule.J6, refused.rule());
        assertTrue(refused.getMessage().startsWith("J6") && refused.getMessage().contains(DB1),
                refused.getMessage());
        assertEquals(sent, world.hosts.history().size(), "nothing was sent");
        assertEquals(JobState.FAILED, enable.poll().state());
        assertTrue(vault.configuration().protection().protectedVm(DB1).isEmpty());
        assertFalse(world.fake(DB1).isReplicated(), "no replication configured on an untracked VM");
    }

    @Test
    @DisplayName("J6 J2 a failed job whose VMs are as it left them restarts and succeeds")
    void freshRestartAllowed() {
        world.pair().map();
        world.hosts.failPermanently(FakeHostDriver.isCommand(HostCommand.EnableReplication.class), "no space");
        JobHandle enable = vault.protectedVms().enable(GOLD, List.of(DB1));
        assertEquals(JobState.FAILED, world.settle(enable).state());
        world.hosts.clearFaults();
        enable.restart();
        assertEquals(JobState.SUCCEEDED, enable.awaitCompletion(WAIT).state());
        assertEquals(ProtectionState.PROTECTED, world.protectedVm(DB1).state());
    }

    @Test
    @DisplayName("F3 F4 F5 F7 an unplanned failover without shutting the source down, then commit and reverse "
            + "replication: the reverse job turns the old primary off first and succeeds")
    void reverseAfterUnplannedWithoutShutdown() {
        world.pair().map().protect(DB1);
        String oldPrimary = world.primaryHost(DB1);
        world.succeed(vault.protectedVms().unplannedFailover(DB1, UnplannedFailoverOptions.defaults()));
        assertTrue(world.fake(DB1).copyOn(oldPrimary).orElseThrow().isRunning(), "the old primary still runs");
        world.succeed(vault.protectedVms().commit(DB1));
        int since = world.log().size();

        world.succeed(vault.protectedVms().reverseReplication(DB1));

        List<String> reverse = world.commandsSince(since, DB1);
        assertEquals("StopVm", reverse.get(0), reverse::toString);
        assertTrue(reverse.indexOf("ReverseReplication") > 0, reverse::toString);
        int stop = world.last("StopVm", DB1);
        assertTrue(stop >= since, "the stop belongs to the reverse job");
        assertEquals(oldPrimary, world.log().get(stop).host(), "the old primary is turned off");
        assertTrue(world.protectedVm(DB1).isProtected());
    }

    @Test
    @DisplayName("NOT_FOUND RP6 unknown plans, VMs, jobs, servers and pairings are not-found, not rule refusals; "
            + "nothing changes")
    void unknownIds() {
        world.pair();
        VaultConfiguration before = vault.configuration();
        int jobs = jobCount();
        List<Supplier<Object>> calls = List.of(
                () -> vault.plans().get("No such plan"),
                () -> vault.plans().plannedFailover("No such plan", PlannedFailoverOptions.defaults()),
                () -> vault.plans().commit("No such plan"),
                () -> vault.protectedVms().get("vm-nope"),
                () -> vault.protectedVms().testFailover("vm-nope", TestFailoverOptions.defaults()),
                () -> vault.protectedVms().unplannedFailover("vm-nope", UnplannedFailoverOptions.defaults()),
                () -> vault.protectedVms().cancelFailover("vm-nope"),
                () -> vault.protectedVms().changeRecoveryPoint("vm-nope",
                        ChangeRecoveryPointOptions.to(dev.secondsite.core.spi.RecoveryPointChoice.latest())),
                () -> vault.jobs().get(JobId.of("job-nope")),
                () -> vault.jobs().handle(JobId.of("job-nope")),
                () -> vault.servers().get("vmm-nope"),
                () -> {
                    vault.servers().unregister("vmm-nope");
                    return null;
                },
                () -> vault.pairings().get(new CloudRef("vmm-a", "Silver")));
        List<String> ids = List.of("No such plan", "No such plan", "No such plan", "vm-nope", "vm-nope", "vm-nope",
                "vm-nope", "vm-nope", "job-nope", "job-nope", "vmm-nope", "vmm-nope", "vmm-a/Silver");
        for (int i = 0; i < calls.size(); i++) {
            Supplier<Object> call = calls.get(i);
            NotFoundException e = assertThrows(NotFoundException.class, call::get, "call " + i);
            assertTrue(e.getMessage().startsWith(Rule.NOT_FOUND.name() + ": "), e.getMessage());
            assertTrue(e.getMessage().contains(e.kind()) && e.id().equals(ids.get(i)) || e.id().contains("Silver"),
                    e.getMessage());
        }
        assertEquals(before, vault.configuration());
        assertEquals(jobs, jobCount());
    }

    @Test
    @DisplayName("J1 J2 a handle tells waiting-for-action from finished, completes through the action, and a "
            + "failed job's completion throws JobFailedException carrying it")
    void handles() {
        world.ready();
        world.savePlan();
        JobHandle planned = vault.plans().plannedFailover(PLAN, PlannedFailoverOptions.defaults());
        SettledJob settled = planned.awaitSettled(WAIT);
        assertTrue(settled.isWaitingForAction(), settled::toString);
        assertEquals(JobState.WAITING_FOR_ACTION, settled.job().state());
        assertThrows(JobTimeoutException.class, () -> planned.awaitCompletion(Duration.ofMillis(50)));
        planned.resume("checked");
        assertEquals(JobState.SUCCEEDED, planned.awaitCompletion(WAIT).state());
        assertTrue(planned.awaitSettled(WAIT).isFinished());

        world.hosts.failPermanently(FakeHostDriver.isCommand(HostCommand.CompleteFailover.class), "disk gone");
        JobHandle commit = vault.protectedVms().commit(DB1);
        JobFailedException failed = assertThrows(JobFailedException.class, () -> commit.awaitCompletion(WAIT));
        assertEquals(commit.id().value(), failed.job().id());
        assertEquals(JobState.FAILED, failed.job().state());
        assertTrue(failed.getMessage().startsWith("J1"), failed.getMessage());
    }
}
