package dev.secondsite.core.job;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.IllegalTransitionException;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.SecondsiteException;
import dev.secondsite.core.Severity;
import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.Transport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs jobs (J1, J2): phase after phase, the tasks of a phase in parallel up to
 * {@link EngineOptions#parallelism()}, commands to one site up to {@link EngineOptions#perSiteParallelism()}, each
 * command with a timeout and retried with backoff and jitter while it fails transiently. Every change is a
 * {@link JobEvent}, written to the {@link JobJournal} before it takes effect and then given to the listeners, one
 * event at a time per job and in the order the events took effect. A job's state follows {@link JobStateMachine}.
 *
 * <p>No thread waits for anything. A small pool of {@link EngineOptions#workerThreads() worker threads} runs only
 * work that is ready (apply a step, send a command, record a result); commands are sent asynchronously and their
 * answers come back as new work; one timer thread wakes what waits for time: retry backoffs, command timeouts and the
 * polls of {@link Step.WaitUntil} steps. A job waiting for a manual action, a backoff or a condition holds no thread,
 * so 10,000 waiting jobs cost memory, not threads. Every wait is journaled (the {@link JobEvent.TaskWaiting},
 * {@link JobEvent.TaskPolling} or the transient {@link JobEvent.CommandCompleted} before a backoff), and the attempt
 * number of a command is derived from the journaled {@link JobEvent.CommandSent} events, so a job taken over after a
 * crash goes on with attempt n+1, not 1.
 *
 * <ul>
 *   <li>A manual action puts the job in {@link JobState#WAITING_FOR_ACTION} until {@link #resume} (J2).</li>
 *   <li>{@link #cancel} stops the job at its next safe point: commands in flight finish, no further task starts,
 *       and the job records what ran.</li>
 *   <li>A task that fails stops its job ({@link TaskSpec.OnFailure#STOP_JOB}) once the tasks already running in
 *       its phase have finished (none starts once the failure is recorded); {@link #restart} runs the job again
 *       from the failed task, skipping finished tasks and, inside a task, finished steps (J2). A task marked
 *       {@link TaskSpec.OnFailure#RECORD_AND_CONTINUE} records its failure and the job goes on (RP8).</li>
 *   <li>A task marked {@link TaskSpec#skipIfFailedOver()} whose VM another run already failed over is skipped
 *       with a note, and so are this job's later tasks for that VM (RP9).</li>
 *   <li>Finished jobs beyond {@link EngineOptions#retention()} are compacted to their {@link JobSummary}.</li>
 *   <li>When the journal refuses an event, the job stops where it is (as a crash would: reopening the journal
 *       continues it) and every caller waiting on it ({@link #settled}) gets the journal's own exception.</li>
 * </ul>
 * Logs carry {@code jobId} and {@code plan} in the SLF4J MDC.
 *
 * <p>Thread-safe. {@link #close()} takes no new work, waits a bounded time for commands in flight and work under way,
 * and returns; nothing caused by the shutdown is journaled, so a new engine that {@link #adopt adopts} the journal
 * continues every job that was running.
 */
public final class JobEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobEngine.class);
    /**
     * What {@link JobJournal#appendOrdered} returns for an event already durable. Package-private: nobody outside
     * the engine and the journal's default method gets to complete it otherwise.
     */
    static final CompletableFuture<Void> DURABLE = CompletableFuture.completedFuture(null);
    /** MDC key of the job id. */
    public static final String MDC_JOB_ID = "jobId";
    /** MDC key of the recovery plan's name (empty for jobs without a plan). */
    public static final String MDC_PLAN = "plan";
    /** How often the timer looks for finished jobs that have grown older than the retention allows. */
    private static final Duration RETENTION_SWEEP = Duration.ofMinutes(1);
    /** The longest the timeout sweep sleeps while commands are in flight. */
    private static final Duration SWEEP_AT_MOST = Duration.ofSeconds(1);

    private final Transport transport;
    private final JobEffects effects;
    private final JobJournal journal;
    private final EngineOptions options;
    private final Clock clock;
    private final Supplier<String> ids;
    private final Random random;
    /** The one thread that waits for time; it only hands work to {@link #workers}. */
    private final ScheduledThreadPoolExecutor timer;
    /** Runs ready work only; never blocks on a command, a backoff, a poll or a manual action. */
    private final ThreadPoolExecutor workers;
    private final Map<String, Running> jobs = new ConcurrentHashMap<>();
    private final Map<String, JobSummary> compacted = new ConcurrentHashMap<>();
    /** The ids of {@link #compacted} in the order they were compacted or adopted, so the oldest go first. */
    private final Queue<String> compactionOrder = new ConcurrentLinkedQueue<>();
    private final Map<String, SiteLimit> siteLimits = new ConcurrentHashMap<>();
    private final List<JobListener> listeners = new CopyOnWriteArrayList<>();
    /**
     * Held shared by every journal write and its taking effect, exclusively by {@link #cut()} and {@link #close()}:
     * a cut sees every event journaled before it, and nothing is journaled once close has it.
     */
    private final ReentrantReadWriteLock stateLock = new ReentrantReadWriteLock();
    /** What {@link #close()} waits on for the commands in flight; notified only once the engine is closed. */
    private final Object closeLock = new Object();
    private volatile boolean closed;
    /**
     * Commands sent and not yet answered. A send counts itself before it checks {@link #closed}, and close sets
     * {@link #closed} before it reads the count, so close either sees the command or the command sees close.
     */
    private final AtomicInteger commandsInFlight = new AtomicInteger();
    /**
     * How deep the current thread is in the engine's work ({@link #runFor}): an answer that arrives on a thread
     * already doing engine work (a send that completed at once) is handed to a worker instead of run there, so the
     * stack never grows with the tasks.
     */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    /** Commands sent and not yet answered or timed out (some answered ones too, until the sweep drops them). */
    private final ConcurrentLinkedQueue<Answer> inFlight = new ConcurrentLinkedQueue<>();
    /** Whether a timeout sweep is scheduled. */
    private final AtomicBoolean sweepArmed = new AtomicBoolean();
    /** Jobs that ended, in the order they ended, until compacted. Guarded by itself. */
    private final ArrayDeque<Running> ended = new ArrayDeque<>();

    private JobEngine(Builder b) {
        this.transport = b.transport;
        this.effects = b.effects;
        this.journal = b.journal;
        this.options = b.options;
        this.clock = b.clock;
        this.ids = b.ids;
        this.random = new Random(b.seed);
        this.timer = new ScheduledThreadPoolExecutor(1, threads("secondsite-timer"));
        timer.setRemoveOnCancelPolicy(true);
        int size = Math.min(options.parallelism(), options.workerThreads());
        this.workers = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                threads("secondsite-job"));
        workers.allowCoreThreadTimeOut(true);
        long sweep = RETENTION_SWEEP.toMillis();
        timer.scheduleWithFixedDelay(() -> execute(this::compact), sweep, sweep, TimeUnit.MILLISECONDS);
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * @param transport delivers commands to the sites' providers
     * @param effects applies configuration changes (the vault)
     */
    public static Builder builder(Transport transport, JobEffects effects) {
        return new Builder(transport, effects);
    }

    public EngineOptions options() {
        return options;
    }

    public void addListener(JobListener listener) {
        listeners.add(requireNonNull(listener, "listener"));
    }

    public void removeListener(JobListener listener) {
        listeners.remove(listener);
    }

    /**
     * Creates a job from {@code spec} and starts it.
     *
     * @return the new job's id
     * @throws IllegalTransitionException (J1) when the engine is closed
     * @throws RuntimeException the journal's own exception when it refuses the job's first event
     */
    public String submit(JobSpec spec) {
        requireNonNull(spec, "spec");
        refuseWhenClosed("submit a job");
        String id = ids.get();
        JobEvent.Created created = new JobEvent.Created(id, clock.instant(), spec);
        Running running = new Running(new JobRecord(created));
        boolean deliver;
        stateLock.readLock().lock();
        try {
            refuseWhenClosed("submit a job");
            journal.append(created);
            synchronized (running.record) {
                running.events.add(created);
                jobs.put(id, running);
                deliver = enqueueNotice(running, created, DURABLE);
            }
        } finally {
            stateLock.readLock().unlock();
        }
        if (deliver) {
            deliverNotices(running);
        }
        drive(running);
        return id;
    }

    /**
     * Takes over a job from its journaled events (after a crash, J3) and, unless it had ended, continues it: finished
     * tasks and steps are not run again; a command whose result was not journaled is sent again with the same
     * idempotency key and the next attempt number; a job waiting for a manual action waits again.
     *
     * @return the job as rebuilt from the events
     * @throws InvalidConfigurationException (J3) when the events do not describe one job, or that job is already
     *     known to this engine
     * @throws JobEventRefusedException (J3) when the events break the job state machine
     * @throws IllegalTransitionException (J1) when the engine is closed
     */
    public Job adopt(List<? extends JobEvent> events) {
        refuseWhenClosed("adopt a job");
        JobRecord record = JobRecord.of(events);
        Running running = new Running(record);
        running.events.addAll(events);
        if (compacted.containsKey(record.id) || jobs.putIfAbsent(record.id, running) != null) {
            throw InvalidConfigurationException.of(Rule.J3, "engine", "jobId", record.id, "jobId ('" + record.id
                    + "') is already known to this engine");
        }
        Job rebuilt = record.snapshot();
        if (!record.state.isFinal()) {
            drive(running);
        } else {
            ended(running);
        }
        return rebuilt;
    }

    /**
     * Takes over a job that was compacted to its summary (from a snapshot, J3, J4): it is listed, never run.
     *
     * @throws InvalidConfigurationException (J3) when the job is already known to this engine, or the summary's
     *     state is not final
     */
    public void adopt(JobSummary summary) {
        requireNonNull(summary, "summary");
        if (!summary.state().isFinal()) {
            throw InvalidConfigurationException.of(Rule.J3, "job " + summary.id(), "state", summary.state(),
                    "state (" + summary.state() + ") of a compacted job must be final");
        }
        if (jobs.containsKey(summary.id()) || compacted.putIfAbsent(summary.id(), summary) != null) {
            throw InvalidConfigurationException.of(Rule.J3, "engine", "jobId", summary.id(), "jobId ('"
                    + summary.id() + "') is already known to this engine");
        }
        compactionOrder.add(summary.id());
        dropOldSummaries();
    }

    /**
     * The job as it stands now; a compacted job as its summary (no tasks).
     *
     * @throws InvalidConfigurationException (J4) when no job has that id
     */
    public Job job(String jobId) {
        Running r = jobs.get(requireNonNull(jobId, "jobId"));
        if (r == null) {
            return summary(jobId).toJob();
        }
        synchronized (r.record) {
            return r.record.snapshot();
        }
    }

    /** Every job {@code query} matches, oldest first (J4); compacted jobs as their summaries (no tasks). */
    public List<Job> jobs(JobQuery query) {
        List<Job> out = new ArrayList<>();
        for (Running r : jobs.values()) {
            Job job;
            synchronized (r.record) {
                job = r.record.snapshot();
            }
            if (query.matches(job)) {
                out.add(job);
            }
        }
        for (JobSummary s : compacted.values()) {
            Job job = s.toJob();
            if (query.matches(job)) {
                out.add(job);
            }
        }
        out.sort(Comparator.comparing(Job::createdAt).thenComparing(Job::id));
        return out;
    }

    /** The summaries of the jobs that {@link EngineOptions#retention()} compacted. */
    public List<JobSummary> compactedJobs() {
        List<JobSummary> out = new ArrayList<>(compacted.values());
        out.sort(Comparator.comparing(JobSummary::createdAt).thenComparing(JobSummary::id));
        return out;
    }

    /**
     * Every job at one point (J3), for a snapshot: the events of each job kept whole and the summaries of compacted
     * jobs, taken while no event is being journaled, so that exactly the events journaled before the cut are in it;
     * returns once they are all durable.
     *
     * @throws RuntimeException the journal's own exception when one of those events could not be made durable
     */
    public EngineCut cut() {
        List<Running> whole = new ArrayList<>();
        List<List<JobEvent>> events = new ArrayList<>();
        List<JobSummary> summaries;
        stateLock.writeLock().lock();
        try {
            whole.addAll(jobs.values());
            whole.sort(Comparator.comparing((Running r) -> r.record.createdAt).thenComparing(r -> r.record.id));
            List<CompletableFuture<?>> durable = new ArrayList<>();
            for (Running r : whole) {
                synchronized (r.record) {
                    events.add(new ArrayList<>(r.events));
                    durable.add(r.durable);
                }
            }
            summaries = compactedJobs();
            // every event in the cut is durable before the cut is handed out (a snapshot stands for journaled events)
            for (CompletableFuture<?> d : durable) {
                try {
                    d.join();
                } catch (CompletionException | java.util.concurrent.CancellationException e) {
                    throw journalFailure(e);
                }
            }
        } finally {
            stateLock.writeLock().unlock();
        }
        return new EngineCut(events, summaries);
    }

    /**
     * A future that completes with the job the next time it has ended or waits for a manual action (at once if it
     * does now). Tests and callers wait on it instead of polling. When the journal refuses one of the job's events,
     * the future completes exceptionally with the journal's own exception.
     *
     * @throws InvalidConfigurationException (J4) when no job has that id
     */
    public CompletableFuture<Job> settled(String jobId) {
        Running r = jobs.get(requireNonNull(jobId, "jobId"));
        if (r == null) {
            return CompletableFuture.completedFuture(summary(jobId).toJob());
        }
        synchronized (r.record) {
            if (r.journalFailure != null) {
                return CompletableFuture.failedFuture(r.journalFailure);
            }
            if (isSettled(r)) {
                return afterDurable(r, r.durable, r.record.snapshot());
            }
            if (closed) {
                return CompletableFuture.failedFuture(closedBeforeSettled(r));
            }
            CompletableFuture<Job> f = new CompletableFuture<>();
            r.settleWaiters.add(f);
            return f;
        }
    }

    /**
     * Resumes a job waiting for a manual action (J2); the action's task goes on with {@code comment} recorded.
     *
     * @throws IllegalTransitionException when the job does not wait for a manual action, or the engine is closed
     * @throws InvalidConfigurationException (J4) when no job has that id
     * @throws RuntimeException the journal's own exception when it refuses the resume
     */
    public void resume(String jobId, String comment) {
        requireNonNull(comment, "comment");
        refuseWhenClosed("resume a job");
        Running r = running(jobId);
        TaskRun waiting;
        synchronized (r.record) {
            waiting = r.waiting.peek();
            if (r.record.state != JobState.WAITING_FOR_ACTION || waiting == null || r.record.cancelRequested
                    || r.halted) {
                throw new IllegalTransitionException("job " + jobId, r.record.state.name(), "resume");
            }
            r.waiting.poll();
        }
        // recorded here, before the task goes on, so that the job is IN_PROGRESS when resume returns
        emitForCaller(r, new JobEvent.TaskResumed(jobId, clock.instant(), waiting.task.id(), waiting.step,
                comment));
        waiting.continueLater(waiting::afterAction);
    }

    /**
     * Asks a job to stop at its next safe point (J2): commands in flight finish, no further task starts; a job
     * waiting for a manual action or a condition is cancelled at once.
     *
     * @throws IllegalTransitionException when the job has already ended, or the engine is closed
     * @throws InvalidConfigurationException (J4) when no job has that id
     * @throws RuntimeException the journal's own exception when it refuses the cancel
     */
    public void cancel(String jobId) {
        refuseWhenClosed("cancel a job");
        Running r = running(jobId);
        synchronized (r.record) {
            if (r.record.state.isFinal()) {
                throw new IllegalTransitionException("job " + jobId, r.record.state.name(), "cancel");
            }
        }
        emitForCaller(r, new JobEvent.CancelRequested(jobId, clock.instant()));
        List<TaskRun> waiting;
        synchronized (r.record) {
            waiting = new ArrayList<>(r.waiting);
            r.waiting.clear();
        }
        for (TaskRun run : waiting) {
            run.continueLater(() -> true); // the task ends where it is; the phase sees the cancel
        }
    }

    /**
     * Runs a failed or cancelled job again from where it stopped: finished tasks and steps are not run again (J2).
     *
     * @throws IllegalTransitionException when the job has not failed or been cancelled, or the engine is closed
     * @throws InvalidConfigurationException (J4) when no job has that id
     * @throws RuntimeException the journal's own exception when it refuses the restart
     */
    public void restart(String jobId) {
        refuseWhenClosed("restart a job");
        Running r = running(jobId);
        synchronized (r.record) {
            JobState s = r.record.state;
            if ((s != JobState.FAILED && s != JobState.CANCELLED) || r.driving) {
                throw new IllegalTransitionException("job " + jobId, s.name(), "restart");
            }
        }
        emitForCaller(r, new JobEvent.Restarted(jobId, clock.instant()));
        drive(r);
    }

    /**
     * Stops taking work, waits at most {@link EngineOptions#closeTimeout()} for the commands in flight and the work
     * under way, and returns. Nothing is journaled from the moment close begins (no result, no retry, no failure, no
     * end), and no command is sent; jobs that were running stay as the journal has them, and a new engine that
     * {@link #adopt adopts} them continues them. Idempotent.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long deadline = System.nanoTime() + options.closeTimeout().toNanos();
        timer.shutdownNow();
        workers.shutdown();
        boolean interrupted = false;
        try {
            synchronized (closeLock) {
                long left;
                while (commandsInFlight.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.timedWait(closeLock, left);
                }
            }
            // an event being journaled now is the last one: none starts once this lock is held
            if (stateLock.writeLock().tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                stateLock.writeLock().unlock();
            }
            workers.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        // work still under way after the wait is abandoned; it journals nothing more (every event checks closed).
        // Nobody is left to answer a waiter of a job that has not settled: tell it so rather than let it wait out
        // its timeout (a settle() from now on sees closed under the record's lock and is answered at once)
        for (Running r : jobs.values()) {
            List<CompletableFuture<Job>> waiters;
            synchronized (r.record) {
                if (isSettled(r) || r.settleWaiters.isEmpty()) {
                    waiters = List.of();
                } else {
                    waiters = new ArrayList<>(r.settleWaiters);
                    r.settleWaiters.clear();
                }
            }
            if (waiters.isEmpty()) {
                settle(r); // settled by an event journaled just before close: answered as usual
            } else {
                RuntimeException why = closedBeforeSettled(r);
                waiters.forEach(w -> w.completeExceptionally(why));
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What a settle waiter of {@code r} is told when the engine closed before the job settled: the job's journal
     * failure when it had one, else the journal's own when it stopped taking events (the reason the vault closed),
     * else a J1 refusal naming the job and its state as journaled.
     */
    private RuntimeException closedBeforeSettled(Running r) {
        synchronized (r.record) {
            if (r.journalFailure != null) {
                return r.journalFailure;
            }
            Optional<RuntimeException> journalStopped = journal.failure();
            if (journalStopped.isPresent()) {
                return journalStopped.get();
            }
            return new IllegalTransitionException(Rule.J1, "job " + r.record.id, r.record.state.name(),
                    "settle: its job engine closed first (the job goes on from its journal when the vault is "
                            + "opened again)");
        }
    }

    private void refuseWhenClosed(String operation) {
        if (closed) {
            throw new IllegalTransitionException(Rule.J1 + ": job engine", "CLOSED", operation);
        }
    }

    private Running running(String jobId) {
        Running r = jobs.get(requireNonNull(jobId, "jobId"));
        if (r == null) {
            JobSummary s = summary(jobId);
            throw new IllegalTransitionException("job " + jobId, s.state().name() + " (compacted)", "change");
        }
        return r;
    }

    private JobSummary summary(String jobId) {
        JobSummary s = compacted.get(jobId);
        if (s == null) {
            throw InvalidConfigurationException.of(Rule.J4, "engine", "jobId", jobId, "jobId ('" + jobId
                    + "') names no job");
        }
        return s;
    }

    /** Called under the record lock. */
    private static boolean isSettled(Running r) {
        return (r.record.state.isFinal() && !r.driving)
                || (r.record.state == JobState.WAITING_FOR_ACTION && !r.record.cancelRequested);
    }

    /** Completes the job's settle waiters if it has settled, once what they are told is durable. */
    private void settle(Running r) {
        List<CompletableFuture<Job>> waiters;
        Job snapshot;
        CompletableFuture<?> durable;
        synchronized (r.record) {
            if (!isSettled(r) || r.settleWaiters.isEmpty()) {
                return;
            }
            snapshot = r.record.snapshot();
            waiters = new ArrayList<>(r.settleWaiters);
            r.settleWaiters.clear();
            durable = r.durable;
        }
        afterDurable(r, durable, snapshot).whenComplete((job, error) -> waiters.forEach(w -> {
            if (error != null) {
                w.completeExceptionally(error);
            } else {
                w.complete(job);
            }
        }));
    }

    /**
     * {@code snapshot} once {@code durable} completed; when it failed, the job halts and the future fails with the
     * journal's own exception.
     */
    private CompletableFuture<Job> afterDurable(Running r, CompletableFuture<?> durable, Job snapshot) {
        if (durable.isDone() && !durable.isCompletedExceptionally()) {
            return CompletableFuture.completedFuture(snapshot);
        }
        CompletableFuture<Job> out = new CompletableFuture<>();
        durable.whenComplete((v, error) -> {
            if (error != null) {
                RuntimeException cause = journalFailure(error);
                halt(r, cause);
                out.completeExceptionally(cause);
            } else {
                out.complete(snapshot);
            }
        });
        return out;
    }

    /** The journal's own exception behind a failed {@link JobJournal#appendOrdered} future. */
    private static RuntimeException journalFailure(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof RuntimeException e ? e : new CompletionException(cause);
    }

    // ------------------------------------------------------------------------------------------- scheduling

    /** Runs {@code body} on a worker, with the job's MDC, unless the engine is closed or the job halted. */
    private void work(Running r, Runnable body) {
        execute(() -> runFor(r, body));
    }

    /** Runs {@code body} on this thread, with the job's MDC, unless the engine is closed or the job halted. */
    private void runFor(Running r, Runnable body) {
        if (closed || r.halted) {
            return;
        }
        int[] depth = DEPTH.get();
        depth[0]++;
        String plan = r.record.spec.planName();
        MDC.put(MDC_JOB_ID, r.record.id);
        MDC.put(MDC_PLAN, plan == null ? "" : plan);
        try {
            body.run();
        } catch (JournalFailedException e) {
            halt(r, e.journalException);
        } catch (Abandoned e) {
            // the engine closed: nothing more of this job is recorded here; a new engine continues it
        } catch (RuntimeException | Error e) {
            LOG.error("Job {} stopped by an unexpected error", r.record.id, e);
            try {
                finish(r, JobState.FAILED, "engine error: " + e);
            } catch (RuntimeException again) {
                halt(r, again);
            }
        } finally {
            MDC.remove(MDC_JOB_ID);
            MDC.remove(MDC_PLAN);
            depth[0]--;
        }
    }

    /** Counts a command's answer (or its abandon); wakes {@link #close()} when it waits for the last ones. */
    private void commandEnded() {
        commandsInFlight.decrementAndGet();
        if (closed) {
            synchronized (closeLock) {
                closeLock.notifyAll();
            }
        }
    }

    private void execute(Runnable body) {
        try {
            workers.execute(body);
        } catch (RejectedExecutionException closing) {
            // the engine closed: the work is abandoned, and with it nothing is journaled
        }
    }

    /** Runs {@code body} on a worker after {@code delay}; the timer thread only hands it over. */
    private void later(Running r, Duration delay, Runnable body) {
        try {
            timer.schedule(() -> work(r, body), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            // the engine closed: the wait ends with it; the journal has what a new engine needs to go on
        }
    }

    /** The journal refused an event of {@code r}: the job stops where it is and its waiters get the exception. */
    private void halt(Running r, RuntimeException journalException) {
        List<CompletableFuture<Job>> waiters;
        boolean first;
        synchronized (r.record) {
            first = !r.halted;
            r.halted = true;
            if (r.journalFailure == null) {
                r.journalFailure = journalException;
            }
            waiters = new ArrayList<>(r.settleWaiters);
            r.settleWaiters.clear();
        }
        if (first && !closed) {
            // nothing more of this job can be made durable: stop here, as a crash would; reopening the journal
            // continues it from what was journaled
            LOG.error("Job {} stopped: its events can no longer be journaled ({}); it goes on when the vault is "
                    + "opened again", r.record.id, journalException.toString());
        }
        waiters.forEach(w -> w.completeExceptionally(journalException));
    }

    private void drive(Running r) {
        synchronized (r.record) {
            r.driving = true;
        }
        work(r, () -> {
            emit(r, new JobEvent.Started(r.record.id, clock.instant()));
            LOG.info("Job {} ({} {}) started", r.record.id, r.record.spec.kind(), r.record.spec.target());
            startPhase(r, 0);
        });
    }

    /** Starts phase {@code index} (or ends the job after the last): its slots take its tasks on the workers. */
    private void startPhase(Running r, int index) {
        List<Phase> phases = r.record.spec.phases();
        int p = index;
        while (p < phases.size() && phases.get(p).tasks().isEmpty() && !r.record.cancelRequested) {
            p++;
        }
        if (p >= phases.size()) {
            if (r.record.cancelRequested && !allDone(r)) {
                finish(r, JobState.CANCELLED, "cancelled");
            } else {
                finish(r, JobState.SUCCEEDED, "all tasks done");
            }
            return;
        }
        Phase phase = phases.get(p);
        if (r.record.cancelRequested) {
            finish(r, JobState.CANCELLED, "cancelled before phase " + phase.name());
            return;
        }
        PhaseRun pr = new PhaseRun(r, p, phase.tasks());
        int slots = Math.min(options.parallelism(), phase.tasks().size());
        pr.activeSlots = slots;
        for (int s = 0; s < slots; s++) {
            work(r, () -> slotLoop(pr));
        }
    }

    private boolean allDone(Running r) {
        synchronized (r.record) {
            for (TaskState s : r.record.taskStates) {
                if (!s.isDone() && s != TaskState.FAILED) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * One of a phase's {@code parallelism} slots: takes the phase's next task as soon as its previous one ended, in
     * the phase's order, until none is left, the job is asked to cancel, or a task failed with
     * {@link TaskSpec.OnFailure#STOP_JOB}. A task that must wait returns here and its slot goes on (on whichever
     * worker) when the wait is over, so the slot holds no thread meanwhile.
     */
    private void slotLoop(PhaseRun pr) {
        while (true) {
            int position = pr.take();
            if (position < 0) {
                slotEnded(pr);
                return;
            }
            TaskRun run = new TaskRun(pr, position);
            if (!run.guarded(run::start)) {
                return;
            }
        }
    }

    private void slotEnded(PhaseRun pr) {
        boolean last;
        String failure;
        synchronized (pr) {
            last = --pr.activeSlots == 0;
            failure = pr.failure;
        }
        if (!last) {
            return;
        }
        if (failure != null) {
            finish(pr.r, JobState.FAILED, failure);
        } else {
            startPhase(pr.r, pr.index + 1);
        }
    }

    private void finish(Running r, JobState state, String message) {
        emit(r, new JobEvent.Finished(r.record.id, clock.instant(), state, message));
        if (state == JobState.SUCCEEDED) {
            LOG.info("Job {} succeeded", r.record.id);
        } else {
            LOG.warn("Job {} ended {}: {}", r.record.id, state, message);
        }
        synchronized (r.record) {
            r.driving = false;
        }
        ended(r); // before the waiters hear of it, so that they see the retention applied
        settle(r);
    }

    // ------------------------------------------------------------------------------------------- retention

    private void ended(Running r) {
        synchronized (ended) {
            ended.add(r);
        }
        compact();
    }

    /** Compacts the ended jobs beyond the retention's count or age, oldest first. */
    private void compact() {
        JobRetention retention = options.retention();
        Instant oldest = clock.instant().minus(retention.maxAge());
        while (true) {
            Running r;
            synchronized (ended) {
                r = ended.peek();
                if (r == null) {
                    return;
                }
                Instant endedAt;
                boolean stillEnded;
                synchronized (r.record) {
                    endedAt = r.record.endedAt;
                    stillEnded = r.record.state.isFinal() && !r.driving && !r.halted;
                }
                if (stillEnded && ended.size() <= retention.maxFinishedJobs() && endedAt != null
                        && !endedAt.isBefore(oldest)) {
                    return;
                }
                ended.poll();
                if (!stillEnded) {
                    continue; // restarted (it is queued again when it ends) or halted
                }
            }
            stateLock.readLock().lock();
            try {
                synchronized (r.record) {
                    compacted.put(r.record.id, r.record.summary());
                    compactionOrder.add(r.record.id);
                    jobs.remove(r.record.id);
                }
            } finally {
                stateLock.readLock().unlock();
            }
            effects.forget(r.record.id);
            dropOldSummaries();
        }
    }

    /** Drops the oldest summaries beyond the retention's count: nothing of those jobs is kept any more. */
    private void dropOldSummaries() {
        int max = options.retention().maxSummaries();
        while (compacted.size() > max) {
            String oldest = compactionOrder.poll();
            if (oldest == null) {
                return;
            }
            stateLock.readLock().lock();
            try {
                compacted.remove(oldest);
            } finally {
                stateLock.readLock().unlock();
            }
        }
    }

    // ------------------------------------------------------------------------------------------- events

    /** {@link #emit} for a user's call: a journal failure reaches the caller as the journal's own exception. */
    private void emitForCaller(Running r, JobEvent event) {
        try {
            CompletableFuture<?> durable = emit(r, event);
            try {
                durable.join(); // the caller returns once the event is durable, as with a plain append
            } catch (CompletionException | java.util.concurrent.CancellationException e) {
                throw new JournalFailedException(journalFailure(e));
            }
        } catch (JournalFailedException e) {
            halt(r, e.journalException);
            throw e.journalException;
        } catch (Abandoned e) {
            refuseWhenClosed(JobStateMachine.Kind.of(event).name().toLowerCase(java.util.Locale.ROOT));
            throw new IllegalTransitionException("job " + r.record.id, "HALTED", "take more events");
        }
    }

    /**
     * Checks {@code event} against the job's state machine, journals it, applies it to the job's record and tells
     * the listeners. The journal write and the change happen under the record's lock, so the journal has each job's
     * events in the order they took effect. Listeners are called outside it, one event at a time per job and in that
     * order: the thread that finds nobody notifying delivers every notice queued meanwhile (by any thread) before it
     * returns, so a slow listener delays the tasks that happen to deliver, never the record.
     *
     * <p>The event takes its place in the journal under the lock ({@link JobJournal#appendOrdered}) and becomes
     * durable later, shared with the events of other tasks and jobs: nothing the outside world sees follows from it
     * (a command sent, a listener told, a waiter settled, a caller answered) before the returned future completed.
     *
     * @return completes when the event is durable; a failure is the journal's own exception
     * @throws JobEventRefusedException (J3) when the job's state does not allow the event (nothing is journaled)
     */
    private CompletableFuture<?> emit(Running r, JobEvent event) {
        return emit(r, event, -1);
    }

    /** {@link #emit(Running, JobEvent)} for an event of the task at index {@code task} of the job (-1: unknown). */
    private CompletableFuture<?> emit(Running r, JobEvent event, int task) {
        boolean deliver;
        CompletableFuture<?> durable;
        stateLock.readLock().lock();
        try {
            synchronized (r.record) {
                if (closed || r.halted) {
                    throw new Abandoned();
                }
                JobStateMachine.next(r.record.id, r.record.state, event);
                try {
                    durable = journal.appendOrdered(event);
                } catch (RuntimeException e) {
                    throw new JournalFailedException(e);
                }
                r.record.apply(event, task);
                r.events.add(event);
                r.durable = durable;
                deliver = enqueueNotice(r, event, durable);
            }
        } finally {
            stateLock.readLock().unlock();
        }
        if (deliver) {
            deliverNotices(r);
        }
        return durable;
    }

    /** Queues {@code event} for the listeners; true when the caller must deliver. Called under the record lock. */
    private boolean enqueueNotice(Running r, JobEvent event, CompletableFuture<?> durable) {
        if (listeners.isEmpty()) {
            return false;
        }
        int total = r.record.taskStates.length;
        r.notices.add(new Notice(event, r.record.state, total == 0 ? 0 : r.record.doneTasks * 100 / total,
                durable));
        if (r.notifying) {
            return false;
        }
        r.notifying = true;
        return true;
    }

    private void deliverNotices(Running r) {
        while (true) {
            Notice notice;
            synchronized (r.record) {
                notice = r.notices.peek();
                if (notice == null) {
                    r.notifying = false;
                    return;
                }
                if (!notice.durable.isDone()) {
                    // listeners hear of an event once it is durable; this job's deliverer goes on then, on a worker
                    notice.durable.whenComplete((v, error) -> work(r, () -> deliverNotices(r)));
                    return;
                }
                r.notices.poll();
                if (notice.durable.isCompletedExceptionally()) {
                    // never durable: the job halts where it is, and its listeners hear nothing more of it
                    r.notices.clear();
                    r.notifying = false;
                    notice.durable.whenComplete((v, error) -> halt(r, journalFailure(error)));
                    return;
                }
            }
            for (JobListener listener : listeners) {
                try {
                    listener.onEvent(notice.event, notice.state, notice.progress);
                } catch (RuntimeException e) {
                    LOG.warn("A job listener failed on {}: {}", notice.event.getClass().getSimpleName(),
                            e.toString());
                }
            }
        }
    }

    private double jitterFactor() {
        synchronized (random) {
            return 1 - options.jitter() + 2 * options.jitter() * random.nextDouble();
        }
    }

    private SiteLimit site(String serverId) {
        return siteLimits.computeIfAbsent(serverId, s -> new SiteLimit(options.perSiteParallelism()));
    }

    // ------------------------------------------------------------------------------------------- tasks

    /**
     * One task of a running phase, from its next step on. Its methods return true when the task ended (succeeded,
     * failed, skipped, or stopped by a cancel) and false when it goes on later: then whatever it waits for (an
     * answer, the timer, a resume) calls {@link #continueLater} and the slot goes on from there.
     */
    private final class TaskRun {
        final Running r;
        final PhaseRun pr;
        final TaskSpec task;
        final int index;
        int step;

        /** The task at {@code position} in its phase. */
        TaskRun(PhaseRun pr, int position) {
            this.r = pr.r;
            this.pr = pr;
            this.task = pr.tasks.get(position);
            this.index = r.record.phaseStart[pr.index] + position;
        }

        /** {@link JobEngine#emit} for an event of this task, which the record then finds by its index. */
        private CompletableFuture<?> emit(JobEvent event) {
            return JobEngine.this.emit(r, event, index);
        }

        /**
         * Goes on with {@code body} on this thread (where a command's answer arrived) unless it already does engine
         * work, else on a worker. Handing an answer to a worker costs a queue and a wake-up, more CPU than handling
         * it; the work under the job's lock is short, so provider threads that meet there wait less than a hand-off
         * costs (measured: fewer context switches per command than with one such thread per job).
         */
        void continueHere(BooleanSupplier body) {
            if (DEPTH.get()[0] > 0) {
                continueLater(body);
                return;
            }
            runFor(r, () -> {
                if (guarded(body)) {
                    slotLoop(pr);
                }
            });
        }

        /** Goes on with {@code body} on a worker; when the task then ends, its slot takes the next task. */
        void continueLater(BooleanSupplier body) {
            work(r, () -> {
                if (guarded(body)) {
                    slotLoop(pr);
                }
            });
        }

        /** Runs {@code body}; an unexpected error fails the task and stops the job. */
        boolean guarded(BooleanSupplier body) {
            try {
                return body.getAsBoolean();
            } catch (JournalFailedException | Abandoned | JobEventRefusedException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.error("Task {} of job {} failed unexpectedly", task.id(), r.record.id, e);
                return failed("engine error: " + e, true);
            }
        }

        boolean start() {
            String vm = task.vmId();
            boolean skippedEarlier = false;
            boolean untouched = false;
            synchronized (r.record) {
                if (r.record.taskStates[index].isDone()) {
                    return true; // finished in an earlier run of this job (restart, adoption)
                }
                step = r.record.nextStep[index];
                if (task.skipIfFailedOver() && vm != null) {
                    skippedEarlier = r.record.vmSkipped(index);
                    untouched = step == 0 && !r.record.vmTouched(index);
                }
            }
            String skip = null;
            if (skippedEarlier) {
                skip = "VM " + vm + " was skipped earlier in this job";
            } else if (untouched && effects.isFailedOver(vm)) {
                skip = "VM " + vm + " was already failed over by another run";
            }
            if (skip != null) {
                emit(new JobEvent.TaskSkipped(r.record.id, clock.instant(), task.id(), skip));
                LOG.info("Task '{}' skipped: {}", task.name(), skip);
                return true;
            }
            emit(new JobEvent.TaskStarted(r.record.id, clock.instant(), task.id()));
            return advance();
        }

        /** Runs the steps that need no wait, up to the first that does. */
        boolean advance() {
            List<Step> steps = task.steps();
            while (step < steps.size()) {
                if (closed) {
                    throw new Abandoned();
                }
                Step s = steps.get(step);
                if (s instanceof Step.Apply a) {
                    String error = apply(a.change());
                    if (error != null) {
                        return failed(error, false);
                    }
                    step++;
                } else if (s instanceof Step.Manual m) {
                    return waitForAction(m);
                } else {
                    return sendNext();
                }
            }
            emit(new JobEvent.TaskSucceeded(r.record.id, clock.instant(), task.id()));
            return true;
        }

        /** Records the failure; one that stops the job stops the phase first, so no slot starts another task. */
        boolean failed(String error, boolean stopJob) {
            boolean stops = stopJob || task.onFailure() == TaskSpec.OnFailure.STOP_JOB;
            if (stops) {
                synchronized (pr) {
                    pr.stop = true;
                    if (pr.failure == null) {
                        pr.failure = task.name() + ": " + error;
                    }
                }
            }
            emit(new JobEvent.TaskFailed(r.record.id, clock.instant(), task.id(), error));
            if (stops) {
                LOG.warn("Task '{}' failed: {}", task.name(), error);
            } else {
                LOG.warn("Task '{}' failed and the job goes on: {}", task.name(), error);
            }
            return true;
        }

        private @Nullable String apply(ConfigChange change) {
            String key = r.record.id + "/" + task.id() + "/" + step;
            try {
                String message = effects.apply(key, change);
                emit(new JobEvent.StepCompleted(r.record.id, clock.instant(), task.id(), step, message));
                return null;
            } catch (JobEventRefusedException e) {
                throw e;
            } catch (SecondsiteException e) {
                return change.describe() + " refused: " + e.getMessage();
            }
        }

        private boolean waitForAction(Step.Manual manual) {
            synchronized (r.record) {
                if (r.record.cancelRequested) {
                    return true;
                }
            }
            emit(new JobEvent.TaskWaiting(r.record.id, clock.instant(), task.id(), manual.instructions()));
            // registered after the event, under the lock cancel takes too: a cancel either finds it or came first
            synchronized (r.record) {
                if (r.record.cancelRequested) {
                    return true;
                }
                r.waiting.add(this);
            }
            LOG.info("Job {} waits for manual action '{}'", r.record.id, manual.instructions());
            settle(r);
            return false;
        }

        /** After a resume: the manual step is done (its TaskResumed says so). */
        boolean afterAction() {
            step++;
            return advance();
        }

        /** Sends the step's command (next attempt or poll); false while it is under way. */
        boolean sendNext() {
            Step s = task.steps().get(step);
            int attempt;
            Instant deadline;
            synchronized (r.record) {
                attempt = r.record.lastAttempt[index] + 1;
                deadline = r.record.waitDeadline[index];
            }
            CommandRequest request;
            if (s instanceof Step.WaitUntil w) {
                if (r.record.cancelRequested) {
                    return true; // a wait is a safe point: the task stops here and the job is cancelled
                }
                if (deadline == null) {
                    Instant now = clock.instant();
                    emit(new JobEvent.TaskPolling(r.record.id, now, task.id(), step, w.condition(),
                            now.plus(w.timeout())));
                    LOG.info("Task '{}' waits until {}", task.name(), w.condition());
                }
                CommandRequest base = w.request();
                request = new CommandRequest(base.idempotencyKey() + "/poll-" + attempt, base.serverId(),
                        base.host(), base.command());
            } else if (s instanceof Step.Probe p) {
                request = p.request();
            } else {
                request = ((Step.Command) s).request();
            }
            SiteLimit site = site(request.serverId());
            if (site.tryAcquire(() -> continueLater(() -> send(site, attempt, request)))) {
                return send(site, attempt, request);
            }
            return false;
        }

        /** Sends with a per-site permit held; the answer (or the timeout) comes back through {@link #answered}. */
        private boolean send(SiteLimit site, int attempt, CommandRequest request) {
            CompletableFuture<?> durable = null;
            try {
                durable = emit(new JobEvent.CommandSent(r.record.id, clock.instant(), task.id(), step, attempt));
            } finally {
                if (durable == null) {
                    site.release();
                }
            }
            if (durable.isDone() && !durable.isCompletedExceptionally()) {
                transmit(site, attempt, request);
                return false;
            }
            // the command leaves once the event announcing it is durable; no thread waits for that meanwhile (a job
            // that halts or an engine that closes meanwhile keeps the permit: nothing more is sent for it anyway)
            durable.whenComplete((v, error) -> work(r, () -> {
                if (error != null) {
                    site.release();
                    throw new JournalFailedException(journalFailure(error));
                }
                transmit(site, attempt, request);
            }));
            return false;
        }

        /** Sends a command whose {@link JobEvent.CommandSent} is durable, with its per-site permit held. */
        private void transmit(SiteLimit site, int attempt, CommandRequest request) {
            commandsInFlight.incrementAndGet();
            if (closed) {
                commandEnded();
                site.release();
                throw new Abandoned(); // no command leaves a closed engine
            }
            CompletableFuture<CommandResult> future;
            try {
                future = transport.send(request);
            } catch (RuntimeException e) {
                future = CompletableFuture.completedFuture(CommandResult.transientFailure("could not send: "
                        + e.getMessage()));
            }
            Answer answer = new Answer(this, site, attempt, future,
                    System.nanoTime() + options.commandTimeout().toNanos());
            track(answer);
            // an answer that comes later is handled on the thread that brings it (the provider's), which saves the
            // hand-off to a worker; one that is already there (or comes while this registers) is handed off
            boolean here = !future.isDone();
            future.whenComplete((result, error) -> answer.deliver(result != null ? result : failure(error), false,
                    here));
        }

        /** The command's answer: records it, then retries, polls again, fails or goes on with the next step. */
        boolean answered(int attempt, CommandResult result) {
            emit(new JobEvent.CommandCompleted(r.record.id, clock.instant(), task.id(), step, attempt, result));
            Step s = task.steps().get(step);
            if (s instanceof Step.WaitUntil w) {
                return polled(w, attempt, result);
            }
            int used;
            synchronized (r.record) {
                used = attempt - r.record.attemptBase[index];
            }
            if (result.outcome() == CommandResult.Outcome.TRANSIENT_FAILURE && used < options.maxAttempts()) {
                LOG.debug("{} failed transiently (attempt {}): {}", describe(s), attempt, result.message());
                Duration base = options.backoff(used);
                later(r, Duration.ofNanos((long) (base.toNanos() * jitterFactor())),
                        () -> continueWith(this::sendNext));
                return false;
            }
            if (s instanceof Step.Probe p) {
                return probed(p, result);
            }
            if (result.succeeded()) {
                step++;
                return advance();
            }
            CommandRequest request = ((Step.Command) s).request();
            return failed(result.outcome() == CommandResult.Outcome.PERMANENT_FAILURE
                    ? request.command().describe() + " failed: " + result.message()
                    : request.command().describe() + " gave up after " + options.maxAttempts() + " attempts: "
                            + result.message(), false);
        }

        /** Runs {@code body} on this (worker) thread and, when the task ends, goes on with the slot. */
        private void continueWith(BooleanSupplier body) {
            if (guarded(body)) {
                slotLoop(pr);
            }
        }

        private String describe(Step s) {
            return s.describe();
        }

        private boolean probed(Step.Probe probe, CommandResult result) {
            if (!result.succeeded()) {
                return failed(probe.request().command().describe() + " failed: " + result.message(), false);
            }
            String message = "replication checked";
            if (result.output() instanceof CommandOutput.ReplicationStatus status) {
                if (probe.refuseResynchronizing() && status.state().equals("Resynchronizing")) {
                    return failed("F8: the replica of " + task.vmId()
                            + " is resynchronizing; a test failover is refused", false);
                }
                Instant last = status.lastReplicationTime();
                Instant now = clock.instant();
                if (last == null || Duration.between(last, now).compareTo(probe.maxLag()) > 0) {
                    String note = "F3: stale recovery point: last replication " + (last == null ? "never" : "at "
                            + last) + ", more than " + probe.maxLag() + " ago";
                    emit(new JobEvent.TaskNoted(r.record.id, now, task.id(), Severity.WARNING, note));
                }
                message = "replication " + status.state() + ", health " + status.health();
            }
            emit(new JobEvent.StepCompleted(r.record.id, clock.instant(), task.id(), step, message));
            step++;
            return advance();
        }

        /**
         * The wait after poll {@code attempt}: the engine's initial backoff, doubled after each poll, at most the
         * step's interval, so a condition that comes true soon is seen soon and a long wait polls rarely.
         */
        private Duration pollDelay(Step.WaitUntil w, int attempt) {
            Duration delay = options.initialBackoff().multipliedBy(1L << Math.min(attempt - 1, 30));
            return delay.compareTo(w.pollInterval()) > 0 ? w.pollInterval() : delay;
        }

        private boolean polled(Step.WaitUntil w, int attempt, CommandResult result) {
            String reading = result.message();
            if (result.succeeded() && result.output() instanceof CommandOutput.ReplicationStatus status) {
                if (status.state().equals(w.replicationState())) {
                    emit(new JobEvent.StepCompleted(r.record.id, clock.instant(), task.id(), step,
                            "replication " + status.state()));
                    step++;
                    return advance();
                }
                reading = status.state();
            }
            Instant deadline;
            synchronized (r.record) {
                deadline = r.record.waitDeadline[index];
            }
            if (deadline != null && !clock.instant().isBefore(deadline)) {
                return failed("J1: " + w.condition() + " did not come true by its deadline " + deadline
                        + " (last reading: " + reading + ")", false);
            }
            later(r, pollDelay(w, attempt), () -> continueWith(this::sendNext));
            return false;
        }
    }

    private static CommandResult failure(@Nullable Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause == null) {
            return CommandResult.transientFailure("no result");
        }
        return CommandResult.transientFailure(cause.getMessage() == null ? cause.toString() : cause.getMessage());
    }

    /** One command under way: the first of its answer and its timeout wins; the other is dropped. */
    private final class Answer {
        final TaskRun run;
        final SiteLimit site;
        final int attempt;
        final CompletableFuture<CommandResult> future;
        /** When the command times out, in {@link System#nanoTime()}. */
        final long deadline;
        final AtomicBoolean done = new AtomicBoolean();

        Answer(TaskRun run, SiteLimit site, int attempt, CompletableFuture<CommandResult> future, long deadline) {
            this.run = run;
            this.site = site;
            this.attempt = attempt;
            this.future = future;
            this.deadline = deadline;
        }

        /**
         * @param timedOut whether this is the timer's timeout (the timer thread only hands work over)
         * @param here whether the answer may be handled on this thread: it just arrived on a provider's thread
         */
        void deliver(CommandResult result, boolean timedOut, boolean here) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            if (timedOut) {
                future.cancel(false);
            }
            site.release();
            commandEnded();
            if (here) {
                run.continueHere(() -> run.answered(attempt, result));
            } else {
                run.continueLater(() -> run.answered(attempt, result));
            }
        }
    }

    /**
     * Watches {@code answer}'s deadline. Every command has the same timeout, so the commands in flight, in the order
     * they were sent, are also in the order of their deadlines: one timer entry at a time (at the oldest deadline)
     * replaces a timer entry scheduled and cancelled per command, which made the one timer thread a hot spot.
     */
    private void track(Answer answer) {
        inFlight.add(answer);
        if (sweepArmed.compareAndSet(false, true)) {
            armSweep(answer.deadline);
        }
    }

    private void armSweep(long deadline) {
        // at least once a second, so that answered commands leave the queue even behind a slow one
        long delay = Math.min(Math.max(0, deadline - System.nanoTime()), SWEEP_AT_MOST.toNanos());
        try {
            timer.schedule(this::sweepTimeouts, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            // closed meanwhile: answers that come later are dropped
        }
    }

    /** On the timer thread: drops answered commands and times out the overdue ones, oldest first. */
    private void sweepTimeouts() {
        long now = System.nanoTime();
        Answer head;
        while ((head = inFlight.peek()) != null) {
            if (!head.done.get() && head.deadline - now > 0) {
                break;
            }
            inFlight.poll();
            head.deliver(CommandResult.transientFailure("no answer within " + options.commandTimeout()), true,
                    false);
        }
        sweepArmed.set(false);
        // a command tracked meanwhile either armed the sweep itself or is seen here
        Answer next = inFlight.peek();
        if (next != null && sweepArmed.compareAndSet(false, true)) {
            armSweep(next.deadline);
        }
    }

    /** The per-site command limit: a permit per command in flight; waiting sends are queued, not parked. */
    private static final class SiteLimit {
        private final int limit;
        private int inFlight;
        private final ArrayDeque<Runnable> queued = new ArrayDeque<>();

        SiteLimit(int limit) {
            this.limit = limit;
        }

        /** Takes a permit now (true) or queues {@code whenGranted}, run with the permit when one frees (false). */
        synchronized boolean tryAcquire(Runnable whenGranted) {
            if (inFlight < limit) {
                inFlight++;
                return true;
            }
            queued.add(whenGranted);
            return false;
        }

        /** Hands the permit to the oldest queued send, or gives it back. */
        void release() {
            Runnable next;
            synchronized (this) {
                next = queued.poll();
                if (next == null) {
                    inFlight--;
                    return;
                }
            }
            next.run();
        }
    }

    /** A phase under way. Guarded by itself. */
    private static final class PhaseRun {
        final Running r;
        final int index;
        final List<TaskSpec> tasks;
        int next;
        int activeSlots;
        boolean stop;
        @Nullable String failure;

        PhaseRun(Running r, int index, List<TaskSpec> tasks) {
            this.r = r;
            this.index = index;
            this.tasks = tasks;
        }

        /**
         * The position in the phase of the next task for a slot, or -1 when the slot is done (no task left, a
         * stopping failure, a cancel).
         */
        synchronized int take() {
            if (stop || r.record.cancelRequested || next >= tasks.size()) {
                return -1;
            }
            return next++;
        }
    }

    /** Stops a piece of work once the engine closed or the job halted: nothing more is journaled. */
    private static final class Abandoned extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abandoned() {
            super("the job engine closed", null, false, false);
        }
    }

    /** The journal refused an event: the job cannot go on durably and stops where it is. */
    private static final class JournalFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final RuntimeException journalException;

        JournalFailedException(RuntimeException cause) {
            super(cause.getMessage(), cause, false, false);
            this.journalException = cause;
        }
    }

    /** The engine's view of one job: its record, its events and what waits on it. Guarded by {@code record}. */
    private static final class Running {
        final JobRecord record;
        /** Every event of the job, for {@link #cut()}; dropped when the job is compacted. */
        final List<JobEvent> events = new ArrayList<>();
        boolean driving;
        /** Set when the journal refused an event (or the engine closed): no more work for this job. */
        volatile boolean halted;
        @Nullable RuntimeException journalFailure;
        /** Completes when the job's latest event is durable (and with it every earlier one). */
        CompletableFuture<?> durable = DURABLE;
        /** Tasks waiting for a manual action, oldest first. */
        final ArrayDeque<TaskRun> waiting = new ArrayDeque<>(1);
        final List<CompletableFuture<Job>> settleWaiters = new ArrayList<>(1);
        /** Events applied but not yet given to the listeners, oldest first. */
        final ArrayDeque<Notice> notices = new ArrayDeque<>();
        /** Whether a thread is delivering {@link #notices}. */
        boolean notifying;

        Running(JobRecord record) {
            this.record = record;
        }
    }

    /** An event with the job's state and progress just after it took effect. */
    private record Notice(JobEvent event, JobState state, int progress, CompletableFuture<?> durable) {
    }

    /** Builds a {@link JobEngine}. Not thread-safe. */
    public static final class Builder {
        private final Transport transport;
        private final JobEffects effects;
        private JobJournal journal = JobJournal.NONE;
        private EngineOptions options = EngineOptions.defaults();
        private Clock clock = Clock.systemUTC();
        private Supplier<String> ids = () -> UUID.randomUUID().toString();
        private long seed = System.nanoTime();

        private Builder(Transport transport, JobEffects effects) {
            this.transport = requireNonNull(transport, "transport");
            this.effects = requireNonNull(effects, "effects");
        }

        public Builder journal(JobJournal journal) {
            this.journal = requireNonNull(journal, "journal");
            return this;
        }

        public Builder options(EngineOptions options) {
            this.options = requireNonNull(options, "options");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /** How job ids are made; random UUIDs by default. */
        public Builder ids(Supplier<String> ids) {
            this.ids = requireNonNull(ids, "ids");
            return this;
        }

        /** The seed of the backoff jitter, for reproducible runs. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public JobEngine build() {
            return new JobEngine(this);
        }
    }
}
