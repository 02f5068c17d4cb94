package dev.secondsite.samples.report;

import static dev.secondsite.samples.report.History.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.Phase;
import dev.secondsite.core.job.TaskState;
import dev.secondsite.core.spi.CommandResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JobRecorderTest {
    private static final Instant T0 = Instant.parse("2025-05-01T10:00:00Z");

    /** A planned failover of one VM: a retried failover, a boot, then a manual action resumed after 5 s. */
    private static List<ProgressUpdate> scriptedFailover(JobRecorder recorder) {
        List<ProgressUpdate> updates = Collections.synchronizedList(new ArrayList<>());
        recorder.addObserver(updates::add);
        History h = new History(recorder);
        h.create("j1", T0, JobKind.PLANNED_FAILOVER, "plan Web tier", List.of(
                new Phase("Failover", List.of(History.failoverTask("vm-1", "web01"))),
                new Phase("Group 1", List.of(History.bootTask("vm-1", "web01", 1))),
                new Phase("After group 1: Check", List.of(History.manualTask("action/0", "Check the database",
                        "Confirm the database is mounted")))));
        h.start("j1", at(T0, 5));
        h.taskStarted("j1", "failover/vm-1", at(T0, 10));
        h.attempt("j1", "failover/vm-1", 0, 1, at(T0, 10), Duration.ofMillis(100),
                CommandResult.transientFailure("host busy"));
        h.attempt("j1", "failover/vm-1", 0, 2, at(T0, 310), Duration.ofMillis(90),
                CommandResult.succeeded("Failed over"));
        h.succeeded("j1", "failover/vm-1", at(T0, 400));
        h.taskStarted("j1", "boot/vm-1", at(T0, 400));
        h.attempt("j1", "boot/vm-1", 0, 1, at(T0, 400), Duration.ofMillis(500), CommandResult.succeeded("Running"));
        h.succeeded("j1", "boot/vm-1", at(T0, 905));
        h.taskStarted("j1", "action/0", at(T0, 905));
        h.waiting("j1", "action/0", at(T0, 905), "Confirm the database is mounted");
        h.resumed("j1", "action/0", 0, at(T0, 5905), "db ok");
        h.succeeded("j1", "action/0", at(T0, 5905));
        h.finished("j1", at(T0, 6000), JobState.SUCCEEDED, "done");
        return updates;
    }

    @Test
    @DisplayName("J1 the recorder keeps the job's kind, target, start and end and every task in the job's order")
    void recordsTheJob() {
        JobRecorder recorder = new JobRecorder();
        scriptedFailover(recorder);
        JobTimeline job = recorder.timeline("j1").orElseThrow();
        assertEquals(JobKind.PLANNED_FAILOVER, job.kind());
        assertEquals("plan Web tier", job.target());
        assertEquals("Web tier", job.planName());
        assertEquals(JobState.SUCCEEDED, job.state());
        assertEquals(100, job.progressPercent());
        assertEquals(T0, job.created());
        assertEquals(at(T0, 5), job.started());
        assertEquals(at(T0, 6000), job.ended());
        assertEquals(Duration.ofMillis(5995), job.duration().orElseThrow());
        assertEquals(List.of("failover/vm-1", "boot/vm-1", "action/0"),
                job.tasks().stream().map(TaskTimeline::id).toList());
        assertEquals(List.of("Failover", "Group 1", "After group 1: Check"),
                job.tasks().stream().map(TaskTimeline::phase).toList());
        assertTrue(job.tasks().stream().allMatch(t -> t.state() == TaskState.SUCCEEDED));
        assertEquals("Planned failover: plan Web tier", job.displayName());
    }

    @Test
    @DisplayName("J1 a retried command shows as two attempts: the transient failure with the host's message, then the success")
    void recordsRetries() {
        JobRecorder recorder = new JobRecorder();
        scriptedFailover(recorder);
        TaskTimeline failover = recorder.timeline("j1").orElseThrow().task("failover/vm-1").orElseThrow();
        assertEquals(2, failover.attempts().size());
        Attempt first = failover.attempts().get(0);
        Attempt second = failover.attempts().get(1);
        assertEquals(1, first.number());
        assertEquals(CommandResult.Outcome.TRANSIENT_FAILURE, first.outcome());
        assertEquals("host busy", first.message());
        assertEquals(Duration.ofMillis(100), first.duration().orElseThrow());
        assertTrue(first.retried());
        assertEquals(2, second.number());
        assertEquals(CommandResult.Outcome.SUCCEEDED, second.outcome());
        assertEquals("Failed over", second.message());
        assertEquals(at(T0, 310), second.sent());
        assertFalse(second.retried());
        assertEquals(1, failover.retries());
        assertEquals(Duration.ofMillis(390), failover.duration().orElseThrow());
        assertEquals("web01", failover.name().substring("Fail over ".length()));
        assertEquals("vm-1", failover.vmId());
    }

    @Test
    @DisplayName("J2 a manual action is recorded as a wait with its instructions, its length and the resume comment")
    void recordsManualWait() {
        JobRecorder recorder = new JobRecorder();
        scriptedFailover(recorder);
        JobTimeline job = recorder.timeline("j1").orElseThrow();
        TaskTimeline action = job.task("action/0").orElseThrow();
        assertEquals(1, action.waits().size());
        TaskWait wait = action.waits().get(0);
        assertEquals(TaskWait.Kind.MANUAL_ACTION, wait.kind());
        assertEquals("Confirm the database is mounted", wait.description());
        assertEquals(Duration.ofSeconds(5), wait.duration().orElseThrow());
        assertEquals("db ok", wait.comment());
        assertTrue(action.attempts().isEmpty());
        assertEquals(Duration.ofSeconds(5), job.manualWait());
    }

    @Test
    @DisplayName("RTO of a failover runs from the job's start to the end of its last start-VM task, not to the job's end")
    void measuresRecoveryTime() {
        JobRecorder recorder = new JobRecorder();
        scriptedFailover(recorder);
        JobTimeline job = recorder.timeline("j1").orElseThrow();
        assertTrue(job.task("boot/vm-1").orElseThrow().startsVm());
        assertFalse(job.task("failover/vm-1").orElseThrow().startsVm());
        assertEquals(Duration.ofMillis(900), job.recoveryTime().orElseThrow());
    }

    @Test
    @DisplayName("RTO is not measured for a job that is not a failover or did not succeed")
    void noRecoveryTimeOtherwise() {
        JobRecorder recorder = new JobRecorder();
        History h = new History(recorder);
        h.create("j2", T0, JobKind.COMMIT, "plan Web tier", List.of(new Phase("Commit",
                List.of(History.bootTask("vm-1", "web01", 1)))));
        h.start("j2", T0);
        h.taskStarted("j2", "boot/vm-1", T0);
        h.succeeded("j2", "boot/vm-1", at(T0, 10));
        h.finished("j2", at(T0, 20), JobState.SUCCEEDED, "done");
        h.create("j3", T0, JobKind.UNPLANNED_FAILOVER, "plan Web tier", List.of(new Phase("Group 1",
                List.of(History.bootTask("vm-1", "web01", 1)))));
        h.start("j3", T0);
        h.taskStarted("j3", "boot/vm-1", T0);
        h.failed("j3", "boot/vm-1", at(T0, 10), "the host refused");
        h.finished("j3", at(T0, 20), JobState.FAILED, "failed at Start web01");
        assertTrue(recorder.timeline("j2").orElseThrow().recoveryTime().isEmpty());
        JobTimeline failed = recorder.timeline("j3").orElseThrow();
        assertTrue(failed.recoveryTime().isEmpty());
        assertEquals(TaskState.FAILED, failed.tasks().get(0).state());
        assertEquals("the host refused", failed.tasks().get(0).outcomeMessage());
    }

    @Test
    @DisplayName("E1 replication polls are one replication wait with a poll count, not attempts")
    void recordsReplicationWait() {
        JobRecorder recorder = new JobRecorder();
        History h = new History(recorder);
        h.create("j", T0, JobKind.ENABLE_PROTECTION, "cloud Gold", List.of(new Phase("Enable protection",
                List.of(History.replicationTask("vm-1", "web01")))));
        h.start("j", T0);
        h.taskStarted("j", "protect/vm-1", T0);
        h.attempt("j", "protect/vm-1", 0, 1, T0, Duration.ofMillis(50), CommandResult.succeeded("started"));
        h.polling("j", "protect/vm-1", 1, at(T0, 50), "replication of web01 is Replicating");
        for (int poll = 1; poll <= 3; poll++) {
            h.attempt("j", "protect/vm-1", 1, poll, at(T0, 50 + 1000L * poll), Duration.ofMillis(10),
                    CommandResult.succeeded("InitialReplicationInProgress"));
        }
        h.succeeded("j", "protect/vm-1", at(T0, 3100));
        h.finished("j", at(T0, 3100), JobState.SUCCEEDED, "done");
        TaskTimeline task = recorder.timeline("j").orElseThrow().tasks().get(0);
        assertEquals(1, task.attempts().size());
        assertEquals(1, task.waits().size());
        TaskWait wait = task.waits().get(0);
        assertEquals(TaskWait.Kind.REPLICATION, wait.kind());
        assertEquals(3, wait.polls());
        assertEquals(at(T0, 50), wait.started());
        assertEquals(at(T0, 3100), wait.ended());
    }

    @Test
    @DisplayName("J2 a cancelled job ends its running tasks as CANCELLED; a skipped task keeps its reason (RP9)")
    void cancelledAndSkipped() {
        JobRecorder recorder = new JobRecorder();
        History h = new History(recorder);
        h.create("j", T0, JobKind.PLANNED_FAILOVER, "plan P", List.of(new Phase("Failover", List.of(
                History.failoverTask("vm-1", "a"), History.failoverTask("vm-2", "b")))));
        h.start("j", T0);
        h.skipped("j", "failover/vm-1", at(T0, 1), "already failed over by job x");
        h.taskStarted("j", "failover/vm-2", at(T0, 2));
        h.emit(new dev.secondsite.core.job.JobEvent.CommandSent("j", at(T0, 3), "failover/vm-2", 0, 1));
        h.finished("j", at(T0, 50), JobState.CANCELLED, "cancelled");
        JobTimeline job = recorder.timeline("j").orElseThrow();
        TaskTimeline skipped = job.tasks().get(0);
        assertEquals(TaskState.SKIPPED, skipped.state());
        assertEquals("already failed over by job x", skipped.outcomeMessage());
        TaskTimeline cancelled = job.tasks().get(1);
        assertEquals(TaskState.CANCELLED, cancelled.state());
        assertEquals(at(T0, 50), cancelled.ended());
        assertNull(cancelled.attempts().get(0).outcome());
        assertEquals(JobState.CANCELLED, job.state());
    }

    @Test
    @DisplayName("a job whose creation was missed is recorded from its later events, task ids standing for names")
    void lateAttachment() {
        JobRecorder recorder = new JobRecorder();
        History h = new History(recorder);
        h.taskStarted("j", "boot/vm-9", T0);
        h.attempt("j", "boot/vm-9", 0, 2, T0, Duration.ofMillis(5), CommandResult.succeeded("Running"));
        h.succeeded("j", "boot/vm-9", at(T0, 5));
        recorder.label("j", "Failback to vmm-a");
        JobTimeline job = recorder.timeline("j").orElseThrow();
        assertNull(job.kind());
        assertEquals("Failback to vmm-a", job.displayName());
        assertEquals("boot/vm-9", job.tasks().get(0).name());
        assertEquals(2, job.tasks().get(0).attempts().get(0).number());
    }

    @Test
    @DisplayName("observers hear the job start, each task change, each retry and the end, in the job's order")
    void observersHearUpdates() {
        List<ProgressUpdate> updates = scriptedFailover(new JobRecorder());
        List<String> seen = updates.stream().map(u -> u.kind() + " " + (u.taskName() == null ? "-" : u.taskName())
                + " " + (u.taskState() == null ? "-" : u.taskState())).toList();
        assertEquals(List.of(
                "JOB_STARTED - -",
                "TASK_CHANGED Fail over web01 IN_PROGRESS",
                "TASK_RETRYING Fail over web01 IN_PROGRESS",
                "TASK_CHANGED Fail over web01 SUCCEEDED",
                "TASK_CHANGED Start web01 in group 1 IN_PROGRESS",
                "TASK_CHANGED Start web01 in group 1 SUCCEEDED",
                "TASK_CHANGED Check the database IN_PROGRESS",
                "TASK_CHANGED Check the database WAITING_FOR_ACTION",
                "TASK_CHANGED Check the database IN_PROGRESS",
                "TASK_CHANGED Check the database SUCCEEDED",
                "JOB_FINISHED - -"), seen);
        ProgressUpdate last = updates.get(updates.size() - 1);
        assertEquals(JobState.SUCCEEDED, last.jobState());
        assertEquals(Duration.ofMillis(5995), last.elapsed());
        assertEquals("attempt 1 failed transiently: host busy", updates.get(2).detail());
    }

    @Test
    @DisplayName("labelOnCreation names a job from its spec when it is created, so its first update carries the "
            + "label; a null label leaves the kind and target; a label set with label() wins")
    void labelOnCreation() {
        JobRecorder recorder = new JobRecorder();
        List<ProgressUpdate> updates = Collections.synchronizedList(new ArrayList<>());
        recorder.addObserver(updates::add);
        recorder.labelOnCreation(spec -> spec.kind() == JobKind.PLANNED_FAILOVER ? "Planned failover to vmm-b"
                : null);
        recorder.label("j3", "Named before");
        History h = new History(recorder);
        List<Phase> phases = List.of(new Phase("Group 1", List.of(History.bootTask("vm-1", "web01", 1))));
        h.create("j1", T0, JobKind.PLANNED_FAILOVER, "plan Web tier", phases);
        h.start("j1", at(T0, 5));
        h.create("j2", T0, JobKind.COMMIT, "plan Web tier", phases);
        h.create("j3", T0, JobKind.PLANNED_FAILOVER, "plan Web tier", phases);
        assertEquals("Planned failover to vmm-b", updates.get(0).jobName());
        assertEquals("Planned failover to vmm-b", recorder.timeline("j1").orElseThrow().displayName());
        assertEquals("Commit: plan Web tier", recorder.timeline("j2").orElseThrow().displayName());
        assertEquals("Named before", recorder.timeline("j3").orElseThrow().displayName());
    }

    @Test
    @DisplayName("awaitEnded returns once the recorder hears the job's Finished event (on another thread), and false "
            + "when the timeout passes first")
    void awaitEnded() throws Exception {
        JobRecorder recorder = new JobRecorder();
        History h = new History(recorder);
        h.create("j1", T0, JobKind.COMMIT, "plan Web tier",
                List.of(new Phase("Group 1", List.of(History.bootTask("vm-1", "web01", 1)))));
        h.start("j1", at(T0, 5));
        assertFalse(recorder.awaitEnded("j1", Duration.ofMillis(20)), "not ended yet");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Boolean> waiting = pool.submit(() -> recorder.awaitEnded("j1", Duration.ofSeconds(30)));
            h.finished("j1", at(T0, 50), JobState.SUCCEEDED, "done");
            assertTrue(waiting.get(30, TimeUnit.SECONDS));
            assertTrue(recorder.awaitEnded("j1", Duration.ZERO), "ended: no wait");
            assertEquals(JobState.SUCCEEDED, recorder.timeline("j1").orElseThrow().state());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("an observer that throws does not stop the recording nor other observers")
    void failingObserver() {
        JobRecorder recorder = new JobRecorder();
        recorder.addObserver(u -> {
            throw new IllegalStateException("boom");
        });
        List<ProgressUpdate> updates = scriptedFailover(recorder);
        assertEquals(11, updates.size());
        assertEquals(JobState.SUCCEEDED, recorder.timeline("j1").orElseThrow().state());
    }

    @Test
    @DisplayName("J1 jobs recorded from many threads at once are all complete, in the order first heard of")
    void concurrentJobs() throws Exception {
        JobRecorder recorder = new JobRecorder();
        int jobs = 16;
        int tasks = 200;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            // creations first, in order, so the recorder's order is known
            for (int j = 0; j < jobs; j++) {
                List<dev.secondsite.core.job.TaskSpec> specs = new ArrayList<>();
                for (int t = 0; t < tasks; t++) {
                    specs.add(History.bootTask("vm-" + t, "vm" + t, 1));
                }
                new History(recorder).create("job-" + j, T0, JobKind.TEST_FAILOVER, "plan " + j,
                        List.of(new Phase("Group 1", specs)));
            }
            List<Future<?>> done = new ArrayList<>();
            for (int j = 0; j < jobs; j++) {
                String id = "job-" + j;
                done.add(pool.submit(() -> {
                    go.await(10, TimeUnit.SECONDS);
                    History h = new History(recorder);
                    h.start(id, T0);
                    for (int t = 0; t < tasks; t++) {
                        h.taskStarted(id, "boot/vm-" + t, at(T0, t));
                        h.attempt(id, "boot/vm-" + t, 0, 1, at(T0, t), Duration.ofMillis(1),
                                CommandResult.succeeded("Running"));
                        h.succeeded(id, "boot/vm-" + t, at(T0, t + 1));
                        recorder.timelines(); // snapshots while others record
                    }
                    h.finished(id, at(T0, tasks + 1), JobState.SUCCEEDED, "done");
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<JobTimeline> timelines = recorder.timelines();
        assertEquals(jobs, timelines.size());
        for (int j = 0; j < jobs; j++) {
            JobTimeline job = timelines.get(j);
            assertEquals("job-" + j, job.jobId());
            assertEquals(JobState.SUCCEEDED, job.state());
            assertEquals(tasks, job.count(TaskState.SUCCEEDED));
            assertTrue(job.tasks().stream().allMatch(t -> t.attempts().size() == 1));
            assertEquals(Duration.ofMillis(tasks), job.recoveryTime().orElseThrow());
        }
    }
}
