package dev.secondsite.core.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.IllegalTransitionException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.Transport;
import dev.secondsite.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The engine's waits, shutdown, journal failures, retention and state cut (issue 8 section 3, issue 9 items 1, 11). */
class JobEngineLifecycleTest {
    private static final long WAIT_SECONDS = 20;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-02T10:00:00Z"));
    private final List<JobEngine> engines = new ArrayList<>();
    private final List<ExecutorService> pools = new ArrayList<>();
    private final Set<String> forgotten = ConcurrentHashMap.newKeySet();

    private final JobEffects effects = new JobEffects() {
        @Override
        public String apply(String key, ConfigChange change) {
            return "applied";
        }

        @Override
        public boolean isFailedOver(String vmId) {
            return false;
        }

        @Override
        public void forget(String jobId) {
            forgotten.add(jobId);
        }
    };

    @AfterEach
    void tearDown() {
        engines.forEach(JobEngine::close);
        pools.forEach(ExecutorService::shutdownNow);
    }

    /**
     * A transport that behaves like a provider (J3): a key it already carried out returns the first result without
     * running again; it counts executions per key and may hold a key in flight until released.
     */
    private final class HostLike implements Transport {
        final ExecutorService pool = Executors.newCachedThreadPool();
        final Map<String, CommandResult> done = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
        final List<CommandRequest> received = new CopyOnWriteArrayList<>();
        volatile Function<CommandRequest, CommandResult> handler = r -> CommandResult.succeeded("ok");

        HostLike() {
            pools.add(pool);
        }

        /** Commands for {@code vm} count {@code inFlight} down and wait for {@code release}; others succeed. */
        void holdVm(String vm, CountDownLatch inFlight, CountDownLatch release) {
            handler = r -> {
                if (r.command().vmId().equals(vm)) {
                    inFlight.countDown();
                    await(release);
                }
                return CommandResult.succeeded("ok");
            };
        }

        @Override
        public CompletableFuture<CommandResult> send(CommandRequest request) {
            received.add(request);
            return CompletableFuture.supplyAsync(() -> {
                CommandResult first = done.get(request.idempotencyKey());
                if (first != null) {
                    return first;
                }
                executions.computeIfAbsent(request.idempotencyKey(), k -> new AtomicInteger()).incrementAndGet();
                CommandResult result = handler.apply(request);
                if (result.outcome() != CommandResult.Outcome.TRANSIENT_FAILURE) {
                    done.put(request.idempotencyKey(), result);
                }
                return result;
            }, pool);
        }

        @Override
        public boolean isConnected(String serverId) {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private JobEngine engine(Transport transport, JobJournal journal, EngineOptions options) {
        AtomicInteger n = new AtomicInteger();
        JobEngine engine = JobEngine.builder(transport, effects).clock(clock).options(options).seed(7)
                .ids(() -> "job-" + n.incrementAndGet()).journal(journal).build();
        engines.add(engine);
        return engine;
    }

    private static EngineOptions.Builder fast() {
        return EngineOptions.builder().parallelism(2).maxAttempts(3).backoff(Duration.ofMillis(1),
                Duration.ofMillis(2));
    }

    private static Step start(String vm) {
        return new Step.Command(new CommandRequest("key-" + vm, "s1", "hv1", new HostCommand.StartVm(vm, vm, false)));
    }

    private static JobSpec spec(List<TaskSpec> tasks) {
        return new JobSpec(JobKind.PLANNED_FAILOVER, "plan Web", "Web", List.of(new Phase("one", tasks)), List.of());
    }

    private static TaskSpec task(String id, Step... steps) {
        return TaskSpec.of(id, "task " + id, "vm-" + id, List.of(steps));
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS), "timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Job settled(JobEngine engine, String id) throws Exception {
        return engine.settled(id).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static List<JobEvent> of(List<JobEvent> events, String jobId) {
        return events.stream().filter(e -> e.jobId().equals(jobId)).toList();
    }

    @Test
    @DisplayName("J3 close mid-job journals nothing and sends nothing more; a new engine finishes the job, every "
            + "command carried out once, the re-sent one at attempt 2")
    void closeMidJobThenAdopt() throws Exception {
        HostLike host = new HostLike();
        CountDownLatch inFlight = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch heldDone = new CountDownLatch(1);
        host.handler = r -> {
            if (r.command().vmId().equals("vm-b") && heldDone.getCount() > 0) {
                inFlight.countDown();
                await(release);
                heldDone.countDown();
            }
            return CommandResult.succeeded("ok");
        };
        List<JobEvent> journal = new CopyOnWriteArrayList<>();
        AtomicBoolean closed = new AtomicBoolean();
        AtomicInteger afterClose = new AtomicInteger();
        JobEngine first = engine(host, event -> {
            if (closed.get()) {
                afterClose.incrementAndGet();
            }
            journal.add(event);
        }, fast().parallelism(1).closeTimeout(Duration.ofMillis(100)).build());
        String id = first.submit(spec(List.of(task("a", start("vm-a")), task("b", start("vm-b"), start("vm-b2")),
                task("c", start("vm-c")))));
        await(inFlight);

        closed.set(true);
        first.close();
        int sentBeforeRelease = host.received.size();
        release.countDown();
        await(heldDone);

        assertEquals(0, afterClose.get(), "nothing is journaled once close began");
        assertFalse(journal.stream().anyMatch(e -> e instanceof JobEvent.TaskFailed
                || e instanceof JobEvent.Finished), journal.toString());
        assertEquals(1, journal.stream().filter(e -> e instanceof JobEvent.CommandSent c && c.taskId().equals("b"))
                .count(), "no retry burnt by the shutdown");
        assertThrows(IllegalTransitionException.class, () -> first.submit(spec(List.of(task("x", start("vm-x"))))));
        assertEquals(sentBeforeRelease, host.received.size(), "no command after close");

        JobEngine second = engine(host, journal::add, fast().build());
        assertEquals(JobState.IN_PROGRESS, second.adopt(of(journal, id)).state());
        Job done = settled(second, id);

        assertEquals(JobState.SUCCEEDED, done.state(), done.errors().toString());
        assertEquals(Set.of("key-vm-a", "key-vm-b", "key-vm-b2", "key-vm-c"), host.executions.keySet());
        host.executions.forEach((key, n) -> assertEquals(1, n.get(), key + " carried out " + n + " times"));
        List<Integer> attemptsOfB = journal.stream().filter(e -> e instanceof JobEvent.CommandSent c
                && c.taskId().equals("b") && c.step() == 0).map(e -> ((JobEvent.CommandSent) e).attempt()).toList();
        assertEquals(List.of(1, 2), attemptsOfB, "the attempt number survives the restart");
    }

    @Test
    @DisplayName("J3 a job whose journal write failed settles every waiter with the journal's own exception")
    void journalFailureSettlesWaiters() throws Exception {
        HostLike host = new HostLike();
        CountDownLatch inFlight = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        host.handler = r -> {
            inFlight.countDown();
            await(release);
            return CommandResult.succeeded("ok");
        };
        IllegalStateException diskFull = new IllegalStateException("disk full");
        AtomicBoolean broken = new AtomicBoolean();
        JobEngine engine = engine(host, event -> {
            if (broken.get()) {
                throw diskFull;
            }
        }, fast().build());
        String id = engine.submit(spec(List.of(task("a", start("vm-a")))));
        await(inFlight);
        CompletableFuture<Job> waiting = engine.settled(id);
        CompletableFuture<Job> alsoWaiting = engine.settled(id);

        broken.set(true);
        release.countDown();

        ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(WAIT_SECONDS,
                TimeUnit.SECONDS));
        assertSame(diskFull, e.getCause());
        assertSame(diskFull, assertThrows(ExecutionException.class, () -> alsoWaiting.get(WAIT_SECONDS,
                TimeUnit.SECONDS)).getCause());
        assertSame(diskFull, assertThrows(ExecutionException.class, () -> engine.settled(id).get(WAIT_SECONDS,
                TimeUnit.SECONDS)).getCause(), "a later waiter learns it too");
        assertEquals(JobState.IN_PROGRESS, engine.job(id).state(), "the job stops where it is, as a crash would");
    }

    @Test
    @DisplayName("J1 J3 close while a job waits on a command answers its settle waiters at once with a J1 refusal "
            + "naming the job and its state, and a later waiter too; a job that settled before close is answered "
            + "with the job")
    void closeAnswersSettleWaiters() throws Exception {
        HostLike host = new HostLike();
        CountDownLatch inFlight = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        host.holdVm("vm-held", inFlight, release);
        JobEngine engine = engine(host, event -> { }, fast().closeTimeout(Duration.ofMillis(50)).build());
        String done = engine.submit(spec(List.of(task("a", start("vm-a")))));
        assertEquals(JobState.SUCCEEDED, settled(engine, done).state());
        String held = engine.submit(spec(List.of(task("b", start("vm-held")))));
        await(inFlight);
        CompletableFuture<Job> waiting = engine.settled(held);
        assertFalse(waiting.isDone());

        engine.close();

        ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(WAIT_SECONDS,
                TimeUnit.SECONDS));
        IllegalTransitionException refused = assertInstanceOf(IllegalTransitionException.class, e.getCause());
        assertEquals(Rule.J1, refused.rule());
        assertEquals("job " + held, refused.subject());
        assertEquals(JobState.IN_PROGRESS.name(), refused.state());
        assertTrue(refused.getMessage().contains("closed"), refused.getMessage());
        ExecutionException later = assertThrows(ExecutionException.class, () -> engine.settled(held).get(0,
                TimeUnit.SECONDS), "a waiter after close is answered at once");
        assertInstanceOf(IllegalTransitionException.class, later.getCause());
        assertEquals(JobState.SUCCEEDED, engine.settled(done).get(0, TimeUnit.SECONDS).state());
        release.countDown();
    }

    @Test
    @DisplayName("J2 a thousand jobs waiting for a manual action hold no thread each")
    void waitingJobsHoldNoThread() throws Exception {
        HostLike host = new HostLike();
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        JobEngine engine = engine(host, JobJournal.NONE, fast().parallelism(16).workerThreads(4).build());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            ids.add(engine.submit(spec(List.of(task("m", new Step.Manual("Check DNS"))))));
        }
        for (String id : ids) {
            assertEquals(JobState.WAITING_FOR_ACTION, settled(engine, id).state());
        }
        List<String> engineThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.getName().startsWith("secondsite-")).map(Thread::getName)
                .toList();
        assertTrue(engineThreads.size() <= 4 + 1, "4 workers and a timer at most: " + engineThreads);
        engine.resume(ids.get(0), "done");
        assertEquals(JobState.SUCCEEDED, settled(engine, ids.get(0)).state());
    }

    private static Step waitReplicating(String vm, Duration interval, Duration timeout) {
        return new Step.WaitUntil(new CommandRequest("status-" + vm, "s2", "hv2",
                new HostCommand.GetReplicationStatus(vm, vm)), "Replicating", interval, timeout);
    }

    private static CommandResult status(String state) {
        return CommandResult.succeeded("status", new CommandOutput.ReplicationStatus(state, "Normal", null));
    }

    @Test
    @DisplayName("E1 J1 a wait-until step polls the status, shows that it waits, and goes on once the condition holds")
    void waitUntilPolls() throws Exception {
        HostLike host = new HostLike();
        AtomicInteger polls = new AtomicInteger();
        host.handler = r -> !(r.command() instanceof HostCommand.GetReplicationStatus) ? CommandResult.succeeded("ok")
                : status(polls.incrementAndGet() < 3 ? "InitialReplicationInProgress" : "Replicating");
        JobEngine engine = engine(host, JobJournal.NONE, fast().build());
        List<Job> whileWaiting = new CopyOnWriteArrayList<>();
        engine.addListener((event, state, progress) -> {
            if (event instanceof JobEvent.TaskPolling) {
                whileWaiting.add(engine.job(event.jobId()));
            }
        });

        Job job = settled(engine, engine.submit(spec(List.of(task("a", start("vm-a"),
                waitReplicating("vm-a", Duration.ofMillis(5), Duration.ofHours(1)))))));

        assertEquals(JobState.SUCCEEDED, job.state(), job.errors().toString());
        assertEquals(1 + 3, job.task("a").orElseThrow().commandsSent());
        assertEquals(List.of("status-vm-a/poll-1", "status-vm-a/poll-2", "status-vm-a/poll-3"), host.received
                .stream().map(CommandRequest::idempotencyKey).filter(k -> k.startsWith("status")).toList());
        assertEquals(1, whileWaiting.size());
        assertTrue(whileWaiting.get(0).task("a").orElseThrow().notes().stream().anyMatch(n -> n.startsWith(
                "waiting until replication of vm-a is Replicating")), whileWaiting.get(0).tasks().toString());
    }

    @Test
    @DisplayName("E1 J1 a wait-until step fails its task with a clear error at its deadline")
    void waitUntilDeadline() throws Exception {
        HostLike host = new HostLike();
        host.handler = r -> {
            clock.advance(Duration.ofMinutes(25));
            return status("InitialReplicationInProgress");
        };
        JobEngine engine = engine(host, JobJournal.NONE, fast().build());

        Job job = settled(engine, engine.submit(spec(List.of(task("a", waitReplicating("vm-a", Duration.ofMillis(1),
                Duration.ofHours(1)))))));

        assertEquals(JobState.FAILED, job.state());
        assertEquals(3, job.task("a").orElseThrow().commandsSent(), "polls at +25, +50 and +75 minutes");
        String error = job.task("a").orElseThrow().error();
        assertTrue(error.contains("replication of vm-a is Replicating did not come true by its deadline")
                && error.contains("InitialReplicationInProgress"), error);
        assertEquals(Rule.J1, job.errors().get(0).rule());
    }

    @Test
    @DisplayName("J4 summaries beyond the retention's count are dropped, oldest first, so the engine's state stays "
            + "bounded however many jobs run")
    void summariesBounded() throws Exception {
        HostLike host = new HostLike();
        JobEngine engine = engine(host, JobJournal.NONE, fast().retention(new JobRetention(Duration.ofDays(1), 1, 2))
                .build());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String id = engine.submit(spec(List.of(task("t", start("vm-" + i)))));
            assertEquals(JobState.SUCCEEDED, settled(engine, id).state());
            ids.add(id);
            clock.advance(Duration.ofMinutes(1));
        }

        assertEquals(ids.subList(3, 5), engine.compactedJobs().stream().map(JobSummary::id).toList(),
                "the two most recently compacted summaries");
        assertEquals(ids.subList(3, 6), engine.jobs(JobQuery.all()).stream().map(Job::id).toList(),
                "two summaries and the one job kept whole");
        assertEquals(3, engine.cut().summaries().size() + engine.cut().jobEvents().size());
    }

    @Test
    @DisplayName("J4 finished jobs beyond the retention count or age are compacted to summaries and still listed")
    void retention() throws Exception {
        HostLike host = new HostLike();
        JobEngine engine = engine(host, JobJournal.NONE, fast().retention(new JobRetention(Duration.ofDays(1), 2))
                .build());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = engine.submit(spec(List.of(task("t", start("vm-" + i)))));
            assertEquals(JobState.SUCCEEDED, settled(engine, id).state());
            ids.add(id);
            clock.advance(Duration.ofMinutes(1));
        }

        assertEquals(ids.subList(0, 2), engine.compactedJobs().stream().map(JobSummary::id).toList());
        assertEquals(Set.copyOf(ids.subList(0, 2)), forgotten, "their step keys are dropped");
        assertEquals(ids, engine.jobs(JobQuery.all()).stream().map(Job::id).toList());
        Job summary = engine.job(ids.get(0));
        assertEquals(JobState.SUCCEEDED, summary.state());
        assertTrue(summary.tasks().isEmpty());
        assertEquals(1, engine.job(ids.get(3)).tasks().size(), "the newest are kept whole");
        assertEquals("all tasks done", engine.compactedJobs().get(0).message());

        clock.advance(Duration.ofDays(2));
        String fresh = engine.submit(spec(List.of(task("t", start("vm-9")))));
        settled(engine, fresh);
        assertEquals(List.of(fresh), engine.cut().jobEvents().stream().map(l -> l.get(0).jobId()).toList(),
                "jobs older than the age are compacted too");
    }

    @Test
    @DisplayName("J3 the engine's cut holds, for each job, exactly the events journaled before it or its summary")
    void cut() throws Exception {
        HostLike host = new HostLike();
        CountDownLatch inFlight = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        host.holdVm("vm-held", inFlight, release);
        List<JobEvent> journal = new CopyOnWriteArrayList<>();
        JobEngine engine = engine(host, journal::add, fast().retention(new JobRetention(Duration.ofDays(1), 1))
                .build());
        String old = engine.submit(spec(List.of(task("t", start("vm-1")))));
        settled(engine, old);
        String recent = engine.submit(spec(List.of(task("t", start("vm-2")))));
        settled(engine, recent);
        String running = engine.submit(spec(List.of(task("t", start("vm-held")))));
        await(inFlight);

        EngineCut cut = engine.cut();

        assertEquals(List.of(old), cut.summaries().stream().map(JobSummary::id).toList());
        assertEquals(List.of(of(journal, recent), of(journal, running)), cut.jobEvents());
        assertEquals(engine.job(running), Job.fromEvents(cut.jobEvents().get(1)));
        release.countDown();
        assertEquals(JobState.SUCCEEDED, settled(engine, running).state());
    }

    @Test
    @DisplayName("J3 a cut taken while a large job runs is always a prefix of that job's journal and folds to a job")
    void cutWhileRunning() throws Exception {
        HostLike host = new HostLike();
        List<JobEvent> journal = new CopyOnWriteArrayList<>();
        JobEngine engine = engine(host, journal::add, fast().parallelism(8).build());
        List<TaskSpec> tasks = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            tasks.add(task("t" + i, start("vm-" + i)));
        }
        String id = engine.submit(spec(tasks));
        List<List<JobEvent>> cuts = new ArrayList<>();
        while (!engine.settled(id).isDone()) {
            cuts.add(engine.cut().jobEvents().get(0));
        }
        cuts.add(engine.cut().jobEvents().get(0));
        List<JobEvent> all = of(journal, id);
        for (List<JobEvent> c : cuts) {
            assertEquals(all.subList(0, c.size()), c);
            Job.fromEvents(c);
        }
        assertEquals(all, cuts.get(cuts.size() - 1));
    }
}
