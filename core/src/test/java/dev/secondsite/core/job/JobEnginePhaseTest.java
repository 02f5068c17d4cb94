package dev.secondsite.core.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.protection.ProtectionOperation;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import java.time.Duration;
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

/** How the engine runs the tasks of a phase and tells listeners: workers per phase, ordered notification. */
class JobEnginePhaseTest {
    private static final long WAIT_SECONDS = 20;
    private final ScriptedTransport transport = ScriptedTransport.succeeding();
    private final Set<Thread> applyThreads = ConcurrentHashMap.newKeySet();
    private final List<JobEngine> engines = new ArrayList<>();

    private final JobEffects effects = new JobEffects() {
        @Override
        public String apply(String key, ConfigChange change) {
            applyThreads.add(Thread.currentThread());
            return "applied";
        }

        @Override
        public boolean isFailedOver(String vmId) {
            return false;
        }
    };

    @AfterEach
    void tearDown() {
        engines.forEach(JobEngine::close);
        transport.close();
    }

    private JobEngine engine(int parallelism) {
        AtomicInteger n = new AtomicInteger();
        JobEngine engine = JobEngine.builder(transport, effects).ids(() -> "job-" + n.incrementAndGet())
                .options(EngineOptions.builder().parallelism(parallelism).maxAttempts(1)
                        .backoff(Duration.ofMillis(1), Duration.ofMillis(1)).build()).build();
        engines.add(engine);
        return engine;
    }

    private static Step start(String vm) {
        return new Step.Command(new CommandRequest("key-" + vm, "s1", "hv1", new HostCommand.StartVm(vm, vm, false)));
    }

    private static Step finalize(String vm) {
        return new Step.Apply(new ConfigChange.Transition(vm, ProtectionOperation.FINALIZE));
    }

    private static List<TaskSpec> tasks(int count, boolean commands) {
        List<TaskSpec> tasks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String vm = "vm-" + i;
            tasks.add(TaskSpec.of("t" + i, "task " + i, vm, commands ? List.of(start(vm), finalize(vm))
                    : List.of(finalize(vm))));
        }
        return tasks;
    }

    private static JobSpec spec(Phase... phases) {
        return new JobSpec(JobKind.PLANNED_FAILOVER, "plan Web", "Web", List.of(phases), List.of());
    }

    private static Job await(JobEngine engine, String id) throws Exception {
        return engine.settled(id).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Holds a transport thread until {@code latch} opens (at most {@link #WAIT_SECONDS}). */
    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    @DisplayName("J1 listeners are told of a job's events one at a time, in the order they took effect")
    void listenersOneAtATimeInOrder() throws Exception {
        JobEngine engine = engine(16);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        List<Integer> progress = new CopyOnWriteArrayList<>();
        List<JobEvent> seen = new CopyOnWriteArrayList<>();
        engine.addListener((event, state, percent) -> {
            mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            Thread.yield(); // widens the window in which a second, concurrent call would be caught
            seen.add(event);
            progress.add(percent);
            inside.decrementAndGet();
        });

        Job job = await(engine, engine.submit(spec(new Phase("many", tasks(400, true)))));

        assertEquals(JobState.SUCCEEDED, job.state());
        assertEquals(1, mostInside.get(), "listener calls overlapped");
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i) >= progress.get(i - 1), "progress went back at event " + i + ": "
                    + progress.subList(i - 1, i + 1));
        }
        assertTrue(seen.get(0) instanceof JobEvent.Created, seen.get(0).toString());
        assertTrue(seen.get(seen.size() - 1) instanceof JobEvent.Finished, seen.get(seen.size() - 1).toString());
        assertEquals(100, progress.get(progress.size() - 1));
        // every event once: created, started, 400 x (task started, sent, completed, step, succeeded), finished
        assertEquals(3 + 400 * 5, seen.size());
    }

    @Test
    @DisplayName("J1 a phase runs on at most parallelism engine threads, each taking the next task when it is done")
    void workersPerPhase() throws Exception {
        JobEngine engine = engine(4);

        Job job = await(engine, engine.submit(spec(new Phase("quick", tasks(300, false)))));

        assertEquals(JobState.SUCCEEDED, job.state());
        assertEquals(300, job.tasksIn(TaskState.SUCCEEDED).size());
        assertTrue(applyThreads.size() <= 4, applyThreads.size() + " threads ran the tasks: " + applyThreads);
    }

    @Test
    @DisplayName("J2 after a task fails the job, the tasks already running finish and no other task starts")
    void failureStopsThePhase() throws Exception {
        CountDownLatch secondInFlight = new CountDownLatch(1);
        CountDownLatch failed = new CountDownLatch(1);
        transport.handler(r -> {
            if (r.command().vmId().equals("vm-0")) {
                awaitLatch(secondInFlight);
                return CommandResult.permanentFailure("VM is locked");
            }
            if (r.command().vmId().equals("vm-1")) {
                // vm-1 is in flight on the other worker from before vm-0 fails until its failure is recorded
                secondInFlight.countDown();
                awaitLatch(failed);
            }
            return CommandResult.succeeded("ok");
        });
        JobEngine engine = engine(2);
        engine.addListener((event, state, percent) -> {
            if (event instanceof JobEvent.TaskFailed) {
                failed.countDown();
            }
        });

        Job job = await(engine, engine.submit(spec(new Phase("one", tasks(10, true)),
                new Phase("two", List.of(TaskSpec.of("later", "later", "vm-x", List.of(start("vm-x"))))))));

        assertEquals(JobState.FAILED, job.state());
        assertEquals(TaskState.FAILED, job.task("t0").orElseThrow().state());
        assertEquals(TaskState.SUCCEEDED, job.task("t1").orElseThrow().state(), "the running task finished");
        for (int i = 2; i < 10; i++) {
            assertEquals(TaskState.NOT_STARTED, job.task("t" + i).orElseThrow().state(), "t" + i);
        }
        assertEquals(TaskState.NOT_STARTED, job.task("later").orElseThrow().state());
        assertEquals(List.of("vm-0", "vm-1"), transport.received.stream().map(r -> r.command().vmId()).sorted()
                .toList());
    }

    @Test
    @DisplayName("J2 a cancel reaches every worker of a phase: the tasks in flight finish, none starts after them")
    void cancelReachesEveryWorker() throws Exception {
        CountDownLatch inFlight = new CountDownLatch(4);
        CountDownLatch release = new CountDownLatch(1);
        transport.handler(r -> {
            inFlight.countDown();
            awaitLatch(release);
            return CommandResult.succeeded("ok");
        });
        JobEngine engine = engine(4);
        String id = engine.submit(spec(new Phase("one", tasks(40, true))));
        assertTrue(inFlight.await(WAIT_SECONDS, TimeUnit.SECONDS), "four tasks in flight");

        engine.cancel(id);
        release.countDown();
        Job job = await(engine, id);

        assertEquals(JobState.CANCELLED, job.state());
        assertEquals(4, job.tasksIn(TaskState.SUCCEEDED).size(), job.tasks().toString());
        assertEquals(36, job.tasksIn(TaskState.NOT_STARTED).size());
        assertEquals(4, transport.received.size());
    }
}
