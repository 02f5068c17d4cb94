package dev.secondsite.samples.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.job.ConfigChange;
import dev.secondsite.core.job.EngineOptions;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobEffects;
import dev.secondsite.core.job.JobEngine;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobSpec;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.Phase;
import dev.secondsite.core.job.TaskState;
import dev.secondsite.core.job.TaskStatus;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The recorder attached to the core's real job engine: what it records matches the engine's own view of the job. */
class JobRecorderEngineTest {
    /** Answers on its own threads; the first attempt of every command for vm-2 fails transiently. */
    private static final class FlakyTransport implements Transport {
        private final ExecutorService pool = Executors.newFixedThreadPool(2);
        final Map<String, AtomicInteger> sends = new ConcurrentHashMap<>();

        @Override
        public CompletableFuture<CommandResult> send(CommandRequest request) {
            int n = sends.computeIfAbsent(request.idempotencyKey(), k -> new AtomicInteger()).incrementAndGet();
            return CompletableFuture.supplyAsync(() -> request.idempotencyKey().contains("vm-2") && n == 1
                    ? CommandResult.transientFailure("host busy") : CommandResult.succeeded("done " + n), pool);
        }

        @Override
        public boolean isConnected(String serverId) {
            return true;
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }

    private static final JobEffects EFFECTS = new JobEffects() {
        @Override
        public String apply(String key, ConfigChange change) {
            return "applied";
        }

        @Override
        public boolean isFailedOver(String vmId) {
            return false;
        }
    };

    @Test
    @DisplayName("J1 J2 a failover run by the engine (a retry, a manual action) is recorded as the engine saw it")
    void recordsTheEngine() throws Exception {
        JobRecorder recorder = new JobRecorder();
        CountDownLatch waiting = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        recorder.addObserver(u -> {
            if (u.taskState() == TaskState.WAITING_FOR_ACTION) {
                waiting.countDown();
            }
            if (u.kind() == ProgressUpdate.Kind.JOB_FINISHED) {
                finished.countDown();
            }
        });
        try (FlakyTransport transport = new FlakyTransport();
             JobEngine engine = JobEngine.builder(transport, EFFECTS).options(EngineOptions.builder()
                     .backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build()).build()) {
            engine.addListener(recorder);
            JobSpec spec = new JobSpec(JobKind.PLANNED_FAILOVER, "plan Web tier", "Web tier", List.of(
                    new Phase("Failover", List.of(failover("vm-1"), failover("vm-2"))),
                    new Phase("After failover", List.of(History.manualTask("action/0", "Check the database",
                            "Confirm the database is mounted"))),
                    new Phase("Group 1", List.of(boot("vm-1"), boot("vm-2")))), List.of());
            String id = engine.submit(spec);
            // the engine's own signal that the job waits (a listener may hear of the wait a moment before)
            assertEquals(JobState.WAITING_FOR_ACTION, engine.settled(id).get(30, TimeUnit.SECONDS).state());
            assertTrue(waiting.await(30, TimeUnit.SECONDS), "the recorder heard of the wait");
            engine.resume(id, "db ok");
            assertTrue(finished.await(30, TimeUnit.SECONDS), "the job ends");
            Job job = engine.settled(id).get(30, TimeUnit.SECONDS);
            JobTimeline timeline = recorder.timeline(id).orElseThrow();

            assertEquals(JobState.SUCCEEDED, job.state());
            assertEquals(job.state(), timeline.state());
            assertEquals(job.tasks().stream().map(TaskStatus::id).toList(),
                    timeline.tasks().stream().map(TaskTimeline::id).toList());
            for (TaskStatus status : job.tasks()) {
                TaskTimeline task = timeline.task(status.id()).orElseThrow();
                assertEquals(status.state(), task.state(), status.id());
                assertEquals(status.name(), task.name());
                assertEquals(status.phase(), task.phase());
                assertEquals(status.commandsSent(), task.attempts().size(), status.id() + " attempts");
                assertEquals(status.startedAt(), task.started(), status.id() + " start");
                assertEquals(status.endedAt(), task.ended(), status.id() + " end");
            }
            assertEquals(2, timeline.retries());
            assertEquals("host busy", timeline.task("failover/vm-2").orElseThrow().attempts().get(0).message());
            assertEquals("db ok", timeline.task("action/0").orElseThrow().waits().get(0).comment());
            assertEquals(2, transport.sends.values().stream().filter(n -> n.get() == 2).count());
            Duration rto = timeline.recoveryTime().orElseThrow();
            assertEquals(timeline.task("boot/vm-1").orElseThrow().ended().isAfter(
                    timeline.task("boot/vm-2").orElseThrow().ended())
                    ? timeline.task("boot/vm-1").orElseThrow().ended()
                    : timeline.task("boot/vm-2").orElseThrow().ended(), timeline.started().plus(rto));
        }
    }

    private static dev.secondsite.core.job.TaskSpec failover(String vmId) {
        return dev.secondsite.core.job.TaskSpec.of("failover/" + vmId, "Fail over " + vmId, vmId, List.of(
                new dev.secondsite.core.job.Step.Command(new CommandRequest("failover/" + vmId, "vmm-b", "hv11",
                        new HostCommand.PrepareFailover(vmId, vmId)))));
    }

    private static dev.secondsite.core.job.TaskSpec boot(String vmId) {
        return dev.secondsite.core.job.TaskSpec.of("boot/" + vmId, "Start " + vmId, vmId, List.of(
                new dev.secondsite.core.job.Step.Command(new CommandRequest("boot/" + vmId, "vmm-b", "hv11",
                        new HostCommand.StartVm(vmId, vmId, false)))));
    }
}
