package dev.secondsite.core.vault;

import static dev.secondsite.core.vault.DrWorld.A;
import static dev.secondsite.core.vault.DrWorld.APP1;
import static dev.secondsite.core.vault.DrWorld.APP2;
import static dev.secondsite.core.vault.DrWorld.B;
import static dev.secondsite.core.vault.DrWorld.CHECK_DB;
import static dev.secondsite.core.vault.DrWorld.DB1;
import static dev.secondsite.core.vault.DrWorld.DB2;
import static dev.secondsite.core.vault.DrWorld.DNS;
import static dev.secondsite.core.vault.DrWorld.DRAIN;
import static dev.secondsite.core.vault.DrWorld.FAILBACK_PREP;
import static dev.secondsite.core.vault.DrWorld.FIX_IPS;
import static dev.secondsite.core.vault.DrWorld.GROUPS;
import static dev.secondsite.core.vault.DrWorld.PLAN;
import static dev.secondsite.core.vault.DrWorld.PLAN_VMS;
import static dev.secondsite.core.vault.DrWorld.SMOKE;
import static dev.secondsite.core.vault.DrWorld.WEB1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.IllegalTransitionException;
import dev.secondsite.core.inventory.PowerState;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobQuery;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.TaskState;
import dev.secondsite.core.job.TaskStatus;
import dev.secondsite.core.plan.FailoverKind;
import dev.secondsite.core.protection.ActiveLocation;
import dev.secondsite.core.protection.ProtectionState;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.TestNetwork;
import dev.secondsite.core.testing.FakeHostDriver;
import dev.secondsite.core.vault.DrWorld.Entry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A three-group plan with dependencies and actions ({@link DrWorld#savePlan()}) run as jobs against the fake hosts:
 * the order the hosts saw proves group order, dependencies and action placement (RP3, RP4, RP7); faults, manual
 * actions, cancel and restart (J1, J2, J3); failing scripts (RP8); VMs shared between plans (RP9).
 */
class PlanRunTest {
    private static final Set<String> BOOT = Set.of("ConnectNetworkAdapter", "StartVm");

    private final DrWorld world = new DrWorld().ready();
    private final Vault vault = world.vault;

    @AfterEach
    void tearDown() {
        world.close();
    }

    private JobHandle test(TestFailoverOptions options) {
        world.savePlan();
        return vault.plans().testFailover(PLAN, options);
    }

    private JobHandle planned() {
        world.savePlan();
        return vault.plans().plannedFailover(PLAN, PlannedFailoverOptions.defaults());
    }

    private JobHandle unplanned(UnplannedFailoverOptions options) {
        world.savePlan();
        return vault.plans().unplannedFailover(PLAN, options);
    }

    /** The log from {@code since} on. */
    private List<Entry> logSince(int since) {
        List<Entry> log = world.log();
        return log.subList(since, log.size());
    }

    private int firstBoot(String vm) {
        return Math.min(world.first("ConnectNetworkAdapter", vm), world.first("StartVm", vm));
    }

    /** RP3: every VM of group k started before any VM of group k+1 began to boot; dependents after their VM. */
    private void assertBootOrder(Job job) {
        for (int g = 0; g + 1 < GROUPS.size(); g++) {
            for (String earlier : GROUPS.get(g)) {
                for (String later : GROUPS.get(g + 1)) {
                    assertTrue(world.last("StartVm", earlier) < firstBoot(later),
                            earlier + " (group " + (g + 1) + ") must have started before " + later + " boots");
                    TaskStatus e = job.task("boot/" + earlier).orElseThrow();
                    TaskStatus l = job.task("boot/" + later).orElseThrow();
                    assertFalse(l.startedAt().isBefore(e.endedAt()), l.id() + " started before " + e.id() + " ended");
                }
            }
        }
        assertTrue(world.last("StartVm", DB1) < firstBoot(DB2), "db2 waits for db1");
        assertTrue(world.last("StartVm", APP1) < firstBoot(APP2), "app2 waits for app1");
        for (String vm : PLAN_VMS) {
            assertTrue(world.first("ConnectNetworkAdapter", vm) < world.first("StartVm", vm),
                    vm + " is connected before it starts");
        }
    }

    /** Every position in {@code before} is lower than every position in {@code after}. */
    private static void assertAllBefore(List<Integer> before, List<Integer> after, String what) {
        assertFalse(before.isEmpty(), what + ": nothing ran before");
        assertFalse(after.isEmpty(), what + ": nothing ran after");
        assertTrue(before.stream().mapToInt(i -> i).max().getAsInt() < after.stream().mapToInt(i -> i).min()
                .getAsInt(), what);
    }

    private List<Integer> all(String command) {
        return world.positions(e -> e.what().equals(command) && PLAN_VMS.contains(e.subject()));
    }

    private List<Integer> boots(int group) {
        return world.positions(e -> BOOT.contains(e.what()) && GROUPS.get(group - 1).contains(e.subject()));
    }

    private List<Integer> starts(int group) {
        return world.positions(e -> e.what().equals("StartVm") && GROUPS.get(group - 1).contains(e.subject()));
    }

    private List<Integer> script(String path) {
        return world.positions(e -> e.what().equals("Script") && path.equals(e.subject()));
    }

    private List<Integer> manual() {
        return world.positions(e -> e.what().equals("Manual"));
    }

    /** The server each run of the script at {@code path} ran on. */
    private List<String> scriptServers(String path) {
        return world.log().stream().filter(e -> e.what().equals("Script") && path.equals(e.subject()))
                .map(Entry::server).toList();
    }

    @Test
    @DisplayName("RP3 RP4 RP7 F1 a test failover of the plan: no shutdown, all VMs fail over, groups boot in order; "
            + "only test actions run, in their slots")
    void testFailoverOrder() {
        Job job = world.succeed(test(TestFailoverOptions.into(TestNetwork.isolated("iso-1"))));

        assertEquals("plan " + PLAN, job.target());
        assertEquals(PLAN, job.planName());
        assertTrue(all("StopVm").isEmpty(), "RP7: no shutdown step in a test failover");
        assertTrue(script(DRAIN).isEmpty() && script(DNS).isEmpty() && script(FAILBACK_PREP).isEmpty());
        assertTrue(manual().isEmpty(), "the manual action is for planned and unplanned failovers only");
        assertEquals(6, all("TestFailover").size());
        assertAllBefore(all("TestFailover"), script(FIX_IPS), "RP7: the failover step runs before its after-action");
        assertAllBefore(script(FIX_IPS), boots(1), "RP4: after-failover action before group 1");
        assertAllBefore(starts(1), script(SMOKE), "RP4: after-group-1 action after group 1 started");
        assertAllBefore(script(SMOKE), boots(2), "RP4: after-group-1 action before group 2");
        assertEquals(List.of(B), scriptServers(FIX_IPS), "a recovery-side script runs on the recovery server");
        assertBootOrder(job);
        for (String vm : PLAN_VMS) {
            assertEquals(PowerState.RUNNING, world.fake(vm).testVm().power(), vm);
            assertEquals("Replicating", world.fake(vm).state());
            assertEquals(ProtectionState.TEST_FAILOVER_RUNNING, world.protectedVm(vm).state());
        }

        int jobs = vault.jobs().list(JobQuery.all()).size();
        assertThrows(IllegalTransitionException.class, () -> vault.plans().testFailover(PLAN, TestFailoverOptions.defaults()),
                "F8: one test failover at a time");
        assertEquals(jobs, vault.jobs().list(JobQuery.all()).size());

        Job cleanup = world.succeed(vault.plans().cleanupTestFailover(PLAN));
        assertEquals(JobKind.CLEANUP_TEST_FAILOVER, cleanup.kind());
        for (String vm : PLAN_VMS) {
            assertNull(world.fake(vm).testVm(), vm);
            assertEquals(ProtectionState.PROTECTED, world.protectedVm(vm).state());
        }
    }

    @Test
    @DisplayName("RP3 RP4 RP7 F2 J2 a planned failover of the plan: shutdown, failover, groups in order, actions in "
            + "their slots; the manual action waits until resumed with a comment")
    void plannedFailoverOrder() {
        JobHandle id = planned();

        Job waiting = world.settle(id);
        assertEquals(JobState.WAITING_FOR_ACTION, waiting.state());
        TaskStatus action = waiting.tasksIn(TaskState.WAITING_FOR_ACTION).get(0);
        assertTrue(action.name().contains("Check DB"), action.name());
        assertTrue(boots(2).isEmpty() && boots(3).isEmpty(), "nothing after the manual action runs before resume");
        assertEquals(2, starts(1).size());

        id.resume("databases mounted -- ops");
        Job job = world.succeed(id);

        assertTrue(job.task(action.id()).orElseThrow().notes().contains("resumed: databases mounted -- ops"),
                job.task(action.id())::toString);
        assertThrows(IllegalTransitionException.class, () -> id.resume("again"), "J2: nothing to resume");
        assertAllBefore(script(DRAIN), all("StopVm"), "RP4: before-shutdown action first");
        assertEquals(List.of(A), scriptServers(DRAIN), "a primary-side script runs on the primary server");
        assertAllBefore(all("StopVm"), all("PrepareFailover"), "RP7: shutdown step before the failover step");
        assertAllBefore(all("Failover"), script(FIX_IPS), "RP7: failover step before its after-action");
        assertAllBefore(script(FIX_IPS), boots(1), "RP4");
        assertAllBefore(starts(1), manual(), "RP4: before-group-2 action after group 1");
        assertAllBefore(manual(), boots(2), "RP4: before-group-2 action before group 2");
        assertAllBefore(starts(3), script(DNS), "RP4: after-group-3 action last");
        assertTrue(script(SMOKE).isEmpty() && script(FAILBACK_PREP).isEmpty(), "RP4: kinds and directions filter");
        assertBootOrder(job);
        for (String vm : PLAN_VMS) {
            assertEquals(PowerState.OFF, world.fake(vm).primary().power(), vm);
            assertEquals(PowerState.RUNNING, world.fake(vm).replica().power(), vm);
            assertEquals(ProtectionState.FAILED_OVER, world.protectedVm(vm).state());
        }
    }

    @Test
    @DisplayName("RP7 F3 an unplanned failover shuts the source down (with its actions) only when asked")
    void unplannedShutdownOnlyWhenAsked() {
        world.finish(unplanned(UnplannedFailoverOptions.defaults()), "ok");
        assertTrue(all("StopVm").isEmpty(), "RP7: no shutdown step unless asked");
        assertTrue(script(DRAIN).isEmpty(), "RP4: the shutdown step's actions go with it");
        assertEquals(1, manual().size());
        assertEquals(1, script(DNS).size());
        for (String vm : PLAN_VMS) {
            assertEquals(PowerState.RUNNING, world.fake(vm).primary().power());
            assertEquals(PowerState.RUNNING, world.fake(vm).replica().power());
        }
    }

    @Test
    @DisplayName("RP7 F3 an unplanned failover asked to shut the source down runs the shutdown step and its actions")
    void unplannedWithShutdown() {
        Job job = world.succeed(unplanned(UnplannedFailoverOptions.defaults().withShutdownSource(true)));
        assertEquals(JobKind.UNPLANNED_FAILOVER, job.kind());
        assertAllBefore(script(DRAIN), all("StopVm"), "RP4");
        assertAllBefore(all("StopVm"), all("Failover"), "RP7");
        assertTrue(all("PrepareFailover").isEmpty(), "F3: an unplanned failover prepares nothing");
        for (String vm : PLAN_VMS) {
            assertEquals(PowerState.OFF, world.fake(vm).primary().power());
            assertFalse(world.protectedVm(vm).isProtected(), "F7");
        }
    }

    @Test
    @DisplayName("F5 RP4 the plan fails back: commit, reverse replication, failback with the failback actions only, "
            + "commit, reverse again")
    void planFailback() {
        world.succeed(planned());
        world.succeed(vault.plans().commit(PLAN));
        world.succeed(vault.plans().reverseReplication(PLAN));
        int since = world.log().size();

        Job back = world.succeed(vault.plans().failback(PLAN));

        assertEquals(JobKind.PLANNED_FAILOVER, back.kind());
        List<String> scriptsRun = logSince(since).stream().filter(e -> e.what().equals("Script"))
                .map(Entry::subject).toList();
        assertEquals(List.of(FAILBACK_PREP, DNS), scriptsRun, "RP4: only actions for recovery-to-primary run");
        assertEquals(A, scriptServers(FAILBACK_PREP).get(0));
        world.succeed(vault.plans().commit(PLAN));
        world.succeed(vault.plans().reverseReplication(PLAN));
        for (String vm : PLAN_VMS) {
            assertEquals(ProtectionState.PROTECTED, world.protectedVm(vm).state(), vm);
            assertEquals(ActiveLocation.PRIMARY, world.protectedVm(vm).activeLocation(), vm);
            assertEquals(world.primaryHost(vm), world.fake(vm).primary().host());
            assertEquals(PowerState.RUNNING, world.fake(vm).primary().power());
            assertEquals("Replicating", world.fake(vm).state());
        }
    }

    @Test
    @DisplayName("J1 J3 with 10% transient faults a plan failover still SUCCEEDS; each failed command is retried "
            + "with the same idempotency key and takes effect once")
    void transientFaults() {
        world.hosts.failRandomly(0.1, 20261102L);
        int since = world.hosts.history().size();

        Job job = world.succeed(planned());

        List<FakeHostDriver.Execution> history = world.hosts.history();
        history = history.subList(since, history.size());
        List<FakeHostDriver.Execution> faults = history.stream()
                .filter(e -> e.result().outcome() == CommandResult.Outcome.TRANSIENT_FAILURE).toList();
        assertFalse(faults.isEmpty(), "the seed injects faults");
        for (FakeHostDriver.Execution fault : faults) {
            String key = fault.request().idempotencyKey();
            assertTrue(history.stream().anyMatch(e -> e.sequence() > fault.sequence() && e.result().succeeded()
                    && e.request().equals(fault.request())), "retried with the same key: " + key);
        }
        Map<String, Long> successes = history.stream().filter(e -> e.result().succeeded())
                .collect(Collectors.groupingBy(e -> e.request().idempotencyKey(), Collectors.counting()));
        successes.forEach((key, n) -> assertEquals(1L, n, key + " took effect once"));
        int sent = job.tasks().stream().mapToInt(TaskStatus::commandsSent).sum();
        assertEquals(history.size() + world.scripts.runs().size(), sent, "every attempt is counted in its task");
        for (String vm : PLAN_VMS) {
            assertEquals(PowerState.RUNNING, world.fake(vm).replica().power(), vm);
            assertEquals(ProtectionState.FAILED_OVER, world.protectedVm(vm).state());
        }
    }

    @Test
    @DisplayName("J2 a permanent fault fails the job at that task; a restart finishes it without re-running "
            + "finished tasks")
    void permanentFaultThenRestart() {
        world.hosts.failPermanently(FakeHostDriver.isCommand(HostCommand.Failover.class)
                .and(FakeHostDriver.isForVm(APP1)), "Start-VMFailover: the replica's disk is offline");
        JobHandle id = planned();

        Job failed = world.settle(id);

        assertEquals(JobState.FAILED, failed.state());
        TaskStatus task = failed.task("failover/" + APP1).orElseThrow();
        assertEquals(TaskState.FAILED, task.state());
        assertTrue(task.error().contains("disk is offline"), task.error());
        assertTrue(failed.errors().stream().anyMatch(e -> e.message().contains("disk is offline")));
        assertTrue(all("StartVm").isEmpty(), "no later phase ran");
        assertEquals(TaskState.NOT_STARTED, failed.task("boot/" + DB1).orElseThrow().state());
        Map<String, TaskStatus> finished = new HashMap<>();
        failed.tasksIn(TaskState.SUCCEEDED).forEach(t -> finished.put(t.id(), t));
        assertFalse(finished.isEmpty());

        world.hosts.clearFaults();
        id.restart();
        Job job = world.succeed(id);

        for (TaskStatus before : finished.values()) {
            TaskStatus after = job.task(before.id()).orElseThrow();
            assertEquals(before.startedAt(), after.startedAt(), before.id() + " was not run again");
            assertEquals(before.endedAt(), after.endedAt(), before.id() + " was not run again");
            assertEquals(before.commandsSent(), after.commandsSent(), before.id() + " sent nothing more");
        }
        Map<String, Long> successes = world.hosts.history().stream().filter(e -> e.result().succeeded())
                .collect(Collectors.groupingBy(e -> e.request().idempotencyKey(), Collectors.counting()));
        successes.forEach((key, n) -> assertEquals(1L, n, key + " ran once"));
        for (String vm : PLAN_VMS) {
            List<String> commands = world.hosts.commandNamesFor(vm);
            for (String once : List.of("StopVm", "PrepareFailover", "Failover", "StartVm")) {
                assertEquals(1, commands.stream().filter(once::equals).count(), vm + " " + once + " " + commands);
            }
            assertEquals(PowerState.RUNNING, world.fake(vm).replica().power());
        }
    }

    @Test
    @DisplayName("J2 cancel: the command in flight finishes, nothing else starts, the job is CANCELLED; a restart "
            + "finishes it")
    void cancel() throws InterruptedException {
        FakeHostDriver.Hold hold = world.hosts.hold(FakeHostDriver.isCommand(HostCommand.StartVm.class)
                .and(FakeHostDriver.isForVm(DB1)));
        JobHandle id = test(TestFailoverOptions.defaults());
        try {
            assertTrue(hold.awaitHeld(1), "db1's start is in flight");
            id.cancel();
        } finally {
            hold.release();
        }

        Job job = world.settle(id);

        assertEquals(JobState.CANCELLED, job.state());
        assertEquals(TaskState.SUCCEEDED, job.task("boot/" + DB1).orElseThrow().state(), "the command finished");
        assertEquals(PowerState.RUNNING, world.fake(DB1).testVm().power());
        for (String vm : List.of(DB2, APP1, APP2, WEB1)) {
            assertEquals(TaskState.NOT_STARTED, job.task("boot/" + vm).orElseThrow().state(), vm);
            assertEquals(-1, firstBoot(vm), vm + " was not touched");
        }
        assertTrue(script(SMOKE).isEmpty());
        assertThrows(IllegalTransitionException.class, () -> id.cancel(), "J2: an ended job is not cancelled");

        id.restart();
        world.succeed(id);
        assertEquals(1, world.hosts.commandNamesFor(DB1).stream().filter("StartVm"::equals).count());
        assertNotNull(world.fake(WEB1).testVm());
    }

    @Test
    @DisplayName("J2 a job waiting for a manual action is cancelled at once; restarted, it waits again until resumed")
    void cancelWhileWaiting() {
        JobHandle id = planned();
        assertEquals(JobState.WAITING_FOR_ACTION, world.settle(id).state());

        id.cancel();
        Job cancelled = world.settle(id);

        assertEquals(JobState.CANCELLED, cancelled.state());
        assertEquals(1, cancelled.tasksIn(TaskState.CANCELLED).size(), "the manual action's task");
        assertThrows(IllegalTransitionException.class, () -> id.resume("too late"));
        assertTrue(boots(2).isEmpty(), "nothing after the manual action ran");

        id.restart();
        assertEquals(JobState.WAITING_FOR_ACTION, world.settle(id).state());
        assertEquals(2, manual().size(), "the manual action asks again");
        world.succeed(id);
        assertEquals(2, starts(1).size(), "group 1 was not started again");
        assertEquals(6, all("StartVm").size());
    }

    @Test
    @DisplayName("RP8 J2 a failing script stops a planned failover at that task; a restart runs it again and finishes")
    void failingScriptStopsPlanned() {
        world.scripts = DrWorld.scriptsExcept(FIX_IPS).fail(FIX_IPS, 1, "cannot reach DHCP").succeed(FIX_IPS);
        JobHandle id = planned();

        Job failed = world.settle(id);

        assertEquals(JobState.FAILED, failed.state());
        TaskStatus script = failed.tasks().stream().filter(t -> t.name().contains("Fix IPs")).findFirst()
                .orElseThrow();
        assertEquals(TaskState.FAILED, script.state());
        assertTrue(script.error().contains("cannot reach DHCP"), script.error());
        assertTrue(boots(1).isEmpty(), "no VM starts after the failed script");

        id.restart();
        world.succeed(id);

        assertEquals(2, world.scripts.runs().stream().filter(r -> r.path().equals(FIX_IPS)).count());
        assertEquals(1, world.scripts.runs().stream().filter(r -> r.path().equals(DRAIN)).count(),
                "the finished script is not run again");
        for (String vm : PLAN_VMS) {
            assertEquals(1, world.hosts.commandNamesFor(vm).stream().filter("Failover"::equals).count());
            assertEquals(PowerState.RUNNING, world.fake(vm).replica().power());
        }
    }

    @Test
    @DisplayName("RP8 a failing script does not stop an unplanned failover: the failure is recorded and it goes on")
    void failingScriptRecordedUnplanned() {
        world.scripts = DrWorld.scriptsExcept(FIX_IPS).fail(FIX_IPS, 2, "cannot reach DHCP");

        Job job = world.succeed(unplanned(UnplannedFailoverOptions.defaults()));

        assertTrue(job.errors().stream().anyMatch(e -> e.message().contains("Fix IPs") && e.message().contains("cannot reach DHCP")),
                job.errors()::toString);
        assertEquals(TaskState.FAILED, job.tasks().stream().filter(t -> t.name().contains("Fix IPs")).findFirst()
                .orElseThrow().state());
        assertEquals(1, script(DNS).size(), "the plan went on to its last action");
        for (String vm : PLAN_VMS) {
            assertEquals(PowerState.RUNNING, world.fake(vm).replica().power(), vm);
        }
    }

    @Test
    @DisplayName("RP9 two plans share a VM: the second plan's failover skips the VM the first failed over, with a "
            + "note")
    void sharedVmSkipped() {
        vault.plans().save(world.plan("Back end", List.of(List.of(DB1, APP1))).build());
        vault.plans().save(world.plan("Front end", List.of(List.of(APP1), List.of(WEB1))).build());
        world.succeed(vault.plans().plannedFailover("Back end", PlannedFailoverOptions.defaults()));
        int since = world.log().size();

        Job job = world.succeed(vault.plans().plannedFailover("Front end", PlannedFailoverOptions.defaults()));

        for (String task : List.of("check/", "shutdown/", "failover/", "boot/")) {
            TaskStatus skipped = job.task(task + APP1).orElseThrow();
            assertEquals(TaskState.SKIPPED, skipped.state(), skipped.id());
            assertFalse(skipped.notes().isEmpty(), skipped.id() + " says why");
        }
        assertTrue(job.task("check/" + APP1).orElseThrow().notes().get(0).contains("already failed over"),
                job.task("check/" + APP1)::toString);
        assertEquals(List.of(), world.commandsSince(since, APP1), "app1 is left alone");
        assertEquals(TaskState.SUCCEEDED, job.task("boot/" + WEB1).orElseThrow().state());
        assertEquals(ProtectionState.FAILED_OVER, world.protectedVm(APP1).state());
        assertEquals(ProtectionState.FAILED_OVER, world.protectedVm(WEB1).state());
        assertEquals(PowerState.RUNNING, world.fake(WEB1).replica().power());
    }
}
