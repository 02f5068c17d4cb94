package dev.secondsite.core.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.IllegalTransitionException;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.protection.ProtectionOperation;
import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.testing.CapturingLogs;
import dev.secondsite.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JobEngineTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-02T10:00:00Z"));
    private final List<JobEvent> events = new CopyOnWriteArrayList<>();
    private final Set<String> applied = ConcurrentHashMap.newKeySet();
    private final Set<String> failedOver = ConcurrentHashMap.newKeySet();
    private final List<JobEngine> engines = new ArrayList<>();
    private ScriptedTransport transport = ScriptedTransport.succeeding();

    private final JobEffects effects = new JobEffects() {
        @Override
        public String apply(String key, ConfigChange change) {
            applied.add(key);
            if (change instanceof ConfigChange.Transition t && t.operation().startsFailover()) {
                failedOver.add(t.vmId());
            }
            return "applied " + change.describe();
        }

        @Override
        public boolean isFailedOver(String vmId) {
            return failedOver.contains(vmId);
        }
    };

    @AfterEach
    void tearDown() {
        engines.forEach(JobEngine::close);
        transport.close();
    }

    private JobEngine engine(EngineOptions options) {
        AtomicInteger n = new AtomicInteger();
        JobEngine engine = JobEngine.builder(transport, effects).clock(clock).options(options).seed(7)
                .ids(() -> "job-" + n.incrementAndGet()).journal(events::add).build();
        engines.add(engine);
        return engine;
    }

    private JobEngine engine() {
        return engine(EngineOptions.builder().parallelism(4).maxAttempts(3)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(2)).build());
    }

    private static Step start(String vm, String server) {
        return new Step.Command(new CommandRequest("key-" + vm + "-" + server, server, "hv1",
                new HostCommand.StartVm(vm, vm, false)));
    }

    private static TaskSpec task(String id, Step... steps) {
        return TaskSpec.of(id, "task " + id, null, List.of(steps));
    }

    private static JobSpec spec(Phase... phases) {
        return new JobSpec(JobKind.PLANNED_FAILOVER, "plan Web", "Web", List.of(phases), List.of());
    }

    private static Job await(JobEngine engine, String id) throws Exception {
        return engine.settled(id).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("J1 a job runs its phases in order and reports state, progress, times and tasks")
    void runsPhasesInOrder() throws Exception {
        JobEngine engine = engine();
        String id = engine.submit(spec(new Phase("one", List.of(task("a", start("vm-a", "s1")),
                task("b", start("vm-b", "s1")))), new Phase("two", List.of(task("c", start("vm-c", "s1"))))));
        Job job = await(engine, id);
        assertEquals(JobState.SUCCEEDED, job.state());
        assertEquals(100, job.progressPercent());
        assertNotNull(job.startedAt());
        assertNotNull(job.endedAt());
        assertEquals(3, job.tasksIn(TaskState.SUCCEEDED).size());
        List<String> order = transport.received.stream().map(r -> r.command().vmId()).toList();
        assertEquals("vm-c", order.get(2), "phase two runs after phase one: " + order);
        assertEquals("Web", job.planName());
    }

    @Test
    @DisplayName("J1 listeners receive every event with the job's state and progress")
    void listenersSeeProgress() throws Exception {
        JobEngine engine = engine();
        List<Integer> progress = new CopyOnWriteArrayList<>();
        List<JobEvent> seen = new CopyOnWriteArrayList<>();
        engine.addListener((event, state, percent) -> {
            seen.add(event);
            progress.add(percent);
        });
        String id = engine.submit(spec(new Phase("one", List.of(task("a", start("vm-a", "s1")),
                task("b", start("vm-b", "s1"))))));
        await(engine, id);
        assertTrue(seen.get(0) instanceof JobEvent.Created);
        assertTrue(seen.get(seen.size() - 1) instanceof JobEvent.Finished);
        assertTrue(progress.contains(50) && progress.get(progress.size() - 1) == 100, progress.toString());
        assertEquals(events, seen, "listeners see exactly the journaled events");
    }

    @Test
    @DisplayName("J3 a job rebuilt from its journaled events alone equals the engine's view")
    void rebuildFromEvents() throws Exception {
        JobEngine engine = engine();
        transport.handler(r -> r.command().vmId().equals("vm-b") ? CommandResult.permanentFailure("host says no")
                : CommandResult.succeeded("ok"));
        String id = engine.submit(spec(new Phase("one", List.of(task("a", start("vm-a", "s1"),
                new Step.Apply(new ConfigChange.Transition("vm-a", ProtectionOperation.FINALIZE))),
                task("b", start("vm-b", "s1"))))));
        Job live = await(engine, id);
        assertEquals(JobState.FAILED, live.state());
        assertEquals(live, Job.fromEvents(events));
    }

    @Test
    @DisplayName("J1 transient failures are retried with the same idempotency key until they succeed")
    void transientRetried() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        transport.handler(r -> calls.incrementAndGet() < 3 ? CommandResult.transientFailure("host busy")
                : CommandResult.succeeded("ok"));
        JobEngine engine = engine();
        String id = engine.submit(spec(new Phase("one", List.of(task("a", start("vm-a", "s1"))))));
        Job job = await(engine, id);
        assertEquals(JobState.SUCCEEDED, job.state());
        assertEquals(3, job.task("a").orElseThrow().commandsSent());
        assertEquals(Set.of("key-vm-a-s1"), Set.copyOf(transport.keys()), "every attempt reuses the key");
    }

    @Test
    @DisplayName("J1 a command still failing transiently after the last attempt fails the task with the host's message")
    void transientGivesUp() throws Exception {
        transport.handler(r -> CommandResult.transientFailure("WinRM timeout"));
        JobEngine engine = engine();
        Job job = await(engine, engine.submit(spec(new Phase("one", List.of(task("a", start("vm-a", "s1")))))));
        assertEquals(JobState.FAILED, job.state());
        String error = job.task("a").orElseThrow().error();
        assertTrue(error.contains("gave up after 3 attempts") && error.contains("WinRM timeout"), error);
    }

    @Test
    @DisplayName("J1 an unreachable site and a command timeout count as transient failures")
    void unreachableAndTimeout() throws Exception {
        JobEngine engine = engine(EngineOptions.builder().maxAttempts(2).commandTimeout(Duration.ofMillis(50))
                .backoff(Duration.ofMillis(1), Duration.ofMillis(1)).build());
        Job job = await(engine, engine.submit(spec(new Phase("one",
                List.of(task("a", start("vm-a", "unreachable")))))));
        assertEquals(2, job.task("a").orElseThrow().commandsSent());
        assertTrue(job.task("a").orElseThrow().error().contains("unreachable"));
        CountDownLatch never = new CountDownLatch(1);
        transport.handler(r -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CommandResult.succeeded("late");
        });
        Job timedOut = await(engine, engine.submit(spec(new Phase("one", List.of(task("b", start("vm-b", "s1")))))));
        never.countDown();
        assertTrue(timedOut.task("b").orElseThrow().error().contains("no answer within"), timedOut.toString());
    }

    @Test
    @DisplayName("J2 a permanent failure fails the job at that task; a restart runs only what had not finished")
    void restartFromFailedTask() throws Exception {
        Set<String> broken = ConcurrentHashMap.newKeySet();
        broken.add("vm-b");
        transport.handler(r -> broken.contains(r.command().vmId()) ? CommandResult.permanentFailure("VM is locked")
                : CommandResult.succeeded("ok"));
        JobEngine engine = engine();
        String id = engine.submit(spec(new Phase("one", List.of(task("a", start("vm-a", "s1")))),
                new Phase("two", List.of(task("b", start("vm-b", "s1"), start("vm-b2", "s1")))),
                new Phase("three", List.of(task("c", start("vm-c", "s1"))))));
        Job failed = await(engine, id);
        assertEquals(JobState.FAILED, failed.state());
        assertEquals(TaskState.FAILED, failed.task("b").orElseThrow().state());
        assertEquals(TaskState.NOT_STARTED, failed.task("c").orElseThrow().state(), "later phases do not run");
        assertTrue(failed.errors().get(0).message().contains("VM is locked"));
        broken.clear();
        transport.received.clear();
        engine.restart(id);
        Job done = await(engine, id);
        assertEquals(JobState.SUCCEEDED, done.state());
        assertEquals(List.of("vm-b", "vm-b2", "vm-c"),
                transport.received.stream().map(r -> r.command().vmId()).toList(),
                "task a is not run again");
        assertThrows(IllegalTransitionException.class, () -> engine.restart(id));
    }

    @Test
    @DisplayName("J2 a manual action waits until resumed with a comment")
    void manualActionWaits() throws Exception {
        JobEngine engine = engine();
        String id = engine.submit(spec(new Phase("before", List.of(task("m", new Step.Manual("Check the DNS")))),
                new Phase("one", List.of(task("a", start("vm-a", "s1"))))));
        Job waiting = await(engine, id);
        assertEquals(JobState.WAITING_FOR_ACTION, waiting.state());
        assertEquals(TaskState.WAITING_FOR_ACTION, waiting.task("m").orElseThrow().state());
        assertTrue(transport.received.isEmpty(), "nothing runs past a waiting action");
        engine.resume(id, "DNS is fine -- ops");
        Job done = await(engine, id);
        assertEquals(JobState.SUCCEEDED, done.state());
        assertTrue(done.task("m").orElseThrow().notes().contains("resumed: DNS is fine -- ops"));
        assertThrows(IllegalTransitionException.class, () -> engine.resume(id, "again"));
    }

    @Test
    @DisplayName("J2 cancel stops at the next safe point: the command in flight finishes, nothing else starts")
    void cancelBetweenTasks() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        transport.handler(r -> {
            if (r.command().vmId().equals("vm-a")) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return CommandResult.succeeded("ok");
        });
        JobEngine engine = engine(EngineOptions.builder().parallelism(1).build());
        String id = engine.submit(spec(new Phase("one", List.of(task("a", start("vm-a", "s1")),
                task("b", start("vm-b", "s1")))), new Phase("two", List.of(task("c", start("vm-c", "s1"))))));
        assertTrue(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS));
        engine.cancel(id);
        release.countDown();
        Job job = await(engine, id);
        assertEquals(JobState.CANCELLED, job.state());
        assertEquals(TaskState.SUCCEEDED, job.task("a").orElseThrow().state(), "the in-flight task finished");
        assertEquals(TaskState.NOT_STARTED, job.task("b").orElseThrow().state());
        assertEquals(TaskState.NOT_STARTED, job.task("c").orElseThrow().state());
        assertEquals(List.of("vm-a"), transport.received.stream().map(r -> r.command().vmId()).toList());
        assertThrows(IllegalTransitionException.class, () -> engine.cancel(id));
    }

    @Test
    @DisplayName("J2 cancelling a job that waits for a manual action cancels it at once")
    void cancelWhileWaiting() throws Exception {
        JobEngine engine = engine();
        String id = engine.submit(spec(new Phase("m", List.of(task("m", new Step.Manual("Call the DBA"))))));
        assertEquals(JobState.WAITING_FOR_ACTION, await(engine, id).state());
        engine.cancel(id);
        Job job = await(engine, id);
        assertEquals(JobState.CANCELLED, job.state());
        assertEquals(TaskState.CANCELLED, job.task("m").orElseThrow().state());
    }

    @Test
    @DisplayName("RP8 a task marked record-and-continue fails without stopping the job")
    void recordAndContinue() throws Exception {
        transport.handler(r -> r.command() instanceof HostCommand.RunScript
                ? CommandResult.permanentFailure("script wrote to stderr") : CommandResult.succeeded("ok"));
        JobEngine engine = engine();
        Step script = new Step.Command(new CommandRequest("k-script", "s1", "vmm", new HostCommand.RunScript(
                "\\\\lib\\scripts\\dns.ps1", Duration.ofSeconds(600))));
        TaskSpec scriptTask = new TaskSpec("script", "Update DNS", null, List.of(script),
                TaskSpec.OnFailure.RECORD_AND_CONTINUE, false);
        Job job = await(engine, engine.submit(spec(new Phase("s", List.of(scriptTask)),
                new Phase("one", List.of(task("a", start("vm-a", "s1")))))));
        assertEquals(JobState.SUCCEEDED, job.state());
        assertEquals(TaskState.FAILED, job.task("script").orElseThrow().state());
        assertTrue(job.errors().get(0).message().contains("stderr"), job.errors().toString());
        assertEquals(TaskState.SUCCEEDED, job.task("a").orElseThrow().state());
    }

    @Test
    @DisplayName("RP9 a VM another run already failed over is skipped with a note, with its later tasks")
    void skipsFailedOverVm() throws Exception {
        failedOver.add("vm-b");
        JobEngine engine = engine();
        TaskSpec failA = new TaskSpec("fo-a", "Fail over vm-a", "vm-a", List.of(start("vm-a", "s1"),
                new Step.Apply(new ConfigChange.Transition("vm-a", ProtectionOperation.PLANNED_FAILOVER))),
                TaskSpec.OnFailure.STOP_JOB, true);
        TaskSpec failB = new TaskSpec("fo-b", "Fail over vm-b", "vm-b", List.of(start("vm-b", "s1")),
                TaskSpec.OnFailure.STOP_JOB, true);
        TaskSpec bootA = new TaskSpec("boot-a", "Start vm-a", "vm-a", List.of(start("vm-a2", "s2")),
                TaskSpec.OnFailure.STOP_JOB, true);
        TaskSpec bootB = new TaskSpec("boot-b", "Start vm-b", "vm-b", List.of(start("vm-b2", "s2")),
                TaskSpec.OnFailure.STOP_JOB, true);
        String id = engine.submit(spec(new Phase("failover", List.of(failA, failB)),
                new Phase("boot", List.of(bootA, bootB))));
        Job job = await(engine, id);
        assertEquals(JobState.SUCCEEDED, job.state());
        assertEquals(TaskState.SKIPPED, job.task("fo-b").orElseThrow().state());
        assertEquals(TaskState.SKIPPED, job.task("boot-b").orElseThrow().state());
        assertTrue(job.task("fo-b").orElseThrow().notes().get(0).contains("already failed over by another run"));
        assertTrue(failedOver.contains("vm-a"), "this job's own failover of vm-a was applied");
        assertEquals(TaskState.SUCCEEDED, job.task("boot-a").orElseThrow().state(),
                "a VM this job failed over itself is not skipped");
        assertFalse(transport.received.stream().anyMatch(r -> r.command().vmId().startsWith("vm-b")));
    }

    @Test
    @DisplayName("RP9 a pre-flight probe of a VM does not count as this job failing it over")
    void probeDoesNotClaimVm() throws Exception {
        failedOver.add("vm-p");
        transport.handler(r -> CommandResult.succeeded("status", new CommandOutput.ReplicationStatus("Replicating",
                "Normal", clock.instant())));
        JobEngine engine = engine();
        Step probe = new Step.Probe(new CommandRequest("p-vm-p", "s2", "hv", new HostCommand.GetReplicationStatus(
                "vm-p", "vm-p")), Duration.ofMinutes(30), false);
        TaskSpec check = TaskSpec.of("check", "Check vm-p", "vm-p", List.of(probe));
        TaskSpec failover = new TaskSpec("fo", "Fail over vm-p", "vm-p", List.of(start("vm-p", "s2")),
                TaskSpec.OnFailure.STOP_JOB, true);
        Job job = await(engine, engine.submit(spec(new Phase("check", List.of(check)),
                new Phase("failover", List.of(failover)))));
        assertEquals(TaskState.SUCCEEDED, job.task("check").orElseThrow().state());
        assertEquals(TaskState.SKIPPED, job.task("fo").orElseThrow().state());
    }

    @Test
    @DisplayName("F8 a probe refuses a resynchronizing replica and notes a stale recovery point")
    void probe() throws Exception {
        JobEngine engine = engine();
        Instant old = clock.instant().minus(Duration.ofHours(2));
        transport.handler(r -> r.command().vmId().equals("vm-r")
                ? CommandResult.succeeded("status", new CommandOutput.ReplicationStatus("Resynchronizing", "Warning", old))
                : CommandResult.succeeded("status", new CommandOutput.ReplicationStatus("Replicating", "Normal", old)));
        Step staleProbe = new Step.Probe(new CommandRequest("p1", "s2", "hv", new HostCommand.GetReplicationStatus(
                "vm-s", "vm-s")), Duration.ofMinutes(15), true);
        Job stale = await(engine, engine.submit(spec(new Phase("p", List.of(task("s", staleProbe))))));
        assertEquals(JobState.SUCCEEDED, stale.state());
        assertTrue(stale.warnings().get(0).rule() == dev.secondsite.core.Rule.F3 && stale.warnings().get(0).message().contains("stale recovery point"), stale.warnings().toString());
        Step resyncProbe = new Step.Probe(new CommandRequest("p2", "s2", "hv", new HostCommand.GetReplicationStatus(
                "vm-r", "vm-r")), Duration.ofDays(1), true);
        Job resync = await(engine, engine.submit(spec(new Phase("p", List.of(task("r", resyncProbe))))));
        assertEquals(JobState.FAILED, resync.state());
        assertTrue(resync.errors().get(0).rule() == dev.secondsite.core.Rule.F8, resync.errors().toString());
    }

    @Test
    @DisplayName("J1 tasks of a phase run in parallel but never more than the configured parallelism")
    void boundedParallelism() throws Exception {
        transport.handler(r -> {
            Thread.onSpinWait();
            return CommandResult.succeeded("ok");
        });
        JobEngine engine = engine(EngineOptions.builder().parallelism(3).build());
        List<TaskSpec> tasks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            tasks.add(task("t" + i, start("vm-" + i, "s1")));
        }
        Job job = await(engine, engine.submit(spec(new Phase("many", tasks))));
        assertEquals(JobState.SUCCEEDED, job.state());
        assertTrue(transport.maxInFlight.get() <= 3, "max in flight " + transport.maxInFlight.get());
    }

    @Test
    @DisplayName("J1 logs of a job carry its id and plan name in the MDC")
    void mdc() throws Exception {
        CapturingLogs.clear();
        JobEngine engine = engine();
        String id = engine.submit(spec(new Phase("one", List.of(task("a", start("vm-a", "s1"))))));
        await(engine, id);
        assertTrue(CapturingLogs.events().stream().anyMatch(e -> e.message().contains("started")
                && id.equals(e.mdc().get(JobEngine.MDC_JOB_ID)) && "Web".equals(e.mdc().get(JobEngine.MDC_PLAN))),
                CapturingLogs.events().toString());
    }

    @Test
    @DisplayName("J4 jobs are listed and filtered by time, state, kind and target")
    void listAndFilter() throws Exception {
        JobEngine engine = engine();
        String first = engine.submit(spec(new Phase("one", List.of(task("a", start("vm-a", "s1"))))));
        await(engine, first);
        clock.advance(Duration.ofHours(1));
        transport.handler(r -> CommandResult.permanentFailure("no"));
        String second = engine.submit(new JobSpec(JobKind.TEST_FAILOVER, "vm vm-z", null, List.of(new Phase("one",
                List.of(TaskSpec.of("z", "Test vm-z", "vm-z", List.of(start("vm-z", "s1")))))), List.of()));
        await(engine, second);
        assertEquals(List.of(first, second), engine.jobs(JobQuery.all()).stream().map(Job::id).toList());
        assertEquals(List.of(second), ids(engine.jobs(JobQuery.builder().state(JobState.FAILED).build())));
        assertEquals(List.of(first), ids(engine.jobs(JobQuery.builder().kind(JobKind.PLANNED_FAILOVER).build())));
        assertEquals(List.of(second), ids(engine.jobs(JobQuery.builder().createdFrom(clock.instant()).build())));
        assertEquals(List.of(second), ids(engine.jobs(JobQuery.builder().target("vm-z").build())));
        assertEquals(List.of(first), ids(engine.jobs(JobQuery.builder().target("Web").build())));
        assertThrows(InvalidConfigurationException.class, () -> JobQuery.builder().createdFrom(clock.instant())
                .createdBefore(clock.instant().minusSeconds(1)).build());
        assertThrows(InvalidConfigurationException.class, () -> engine.job("job-99"));
    }

    private static List<String> ids(List<Job> jobs) {
        return jobs.stream().map(Job::id).toList();
    }
}
