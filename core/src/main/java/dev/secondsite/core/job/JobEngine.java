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
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * event at a time per job and in the order the events took effect.
 *
 * <p>A phase runs on at most {@code parallelism} threads: each takes the phase's next task (in the phase's order)
 * as soon as its previous one ended, so a 10,000-task phase costs no thread hand-off per task and its slots never
 * wait for a dispatcher.
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
 * </ul>
 * Logs carry {@code jobId} and {@code plan} in the SLF4J MDC.
 *
 * <p>Thread-safe. {@link #close()} stops its threads; jobs still running stop where they are (their journal lets
 * a new engine continue them, see {@link #adopt}).
 */
public final class JobEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobEngine.class);
    /** MDC key of the job id. */
    public static final String MDC_JOB_ID = "jobId";
    /** MDC key of the recovery plan's name (empty for jobs without a plan). */
    public static final String MDC_PLAN = "plan";

    private final Transport transport;
    private final JobEffects effects;
    private final JobJournal journal;
    private final EngineOptions options;
    private final Clock clock;
    private final Supplier<String> ids;
    private final Random random;
    private final ExecutorService taskPool;
    private final ExecutorService drivers;
    private final Map<String, Running> jobs = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> siteLimits = new ConcurrentHashMap<>();
    private final List<JobListener> listeners = new CopyOnWriteArrayList<>();

    private JobEngine(Builder b) {
        this.transport = b.transport;
        this.effects = b.effects;
        this.journal = b.journal;
        this.options = b.options;
        this.clock = b.clock;
        this.ids = b.ids;
        this.random = new Random(b.seed);
        this.taskPool = Executors.newCachedThreadPool(threads("secondsite-task"));
        this.drivers = Executors.newCachedThreadPool(threads("secondsite-job"));
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
     */
    public String submit(JobSpec spec) {
        requireNonNull(spec, "spec");
        String id = ids.get();
        JobEvent.Created created = new JobEvent.Created(id, clock.instant(), spec);
        journal.append(created);
        Running running = new Running(new JobRecord(created));
        jobs.put(id, running);
        boolean deliver;
        synchronized (running.record) {
            deliver = enqueueNotice(running, created);
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
     * idempotency key; a job waiting for a manual action waits again.
     *
     * @return the job as rebuilt from the events
     * @throws InvalidConfigurationException (J3) when the events do not describe one job, or that job is already
     *     known to this engine
     */
    public Job adopt(List<? extends JobEvent> events) {
        Job rebuilt = Job.fromEvents(events);
        JobRecord record = new JobRecord((JobEvent.Created) events.get(0));
        events.subList(1, events.size()).forEach(record::apply);
        Running running = new Running(record);
        if (jobs.putIfAbsent(record.id, running) != null) {
            throw InvalidConfigurationException.of(Rule.J3, "engine", "jobId", record.id, "jobId ('" + record.id
                    + "') is already known to this engine");
        }
        if (!record.state.isFinal()) {
            drive(running);
        }
        return rebuilt;
    }

    /** The job as it stands now. */
    public Job job(String jobId) {
        Running r = running(jobId);
        synchronized (r.record) {
            return r.record.snapshot();
        }
    }

    /** Every job {@code query} matches, oldest first (J4). */
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
        out.sort(Comparator.comparing(Job::createdAt).thenComparing(Job::id));
        return out;
    }

    /**
     * A future that completes with the job the next time it has ended or waits for a manual action (at once if it
     * does now). Tests and callers wait on it instead of polling.
     */
    public CompletableFuture<Job> settled(String jobId) {
        Running r = running(jobId);
        synchronized (r.record) {
            if (isSettled(r)) {
                return CompletableFuture.completedFuture(r.record.snapshot());
            }
            CompletableFuture<Job> f = new CompletableFuture<>();
            r.settleWaiters.add(f);
            return f;
        }
    }

    /**
     * Resumes a job waiting for a manual action (J2); the action's task goes on with {@code comment} recorded.
     *
     * @throws IllegalTransitionException when the job does not wait for a manual action
     */
    public void resume(String jobId, String comment) {
        requireNonNull(comment, "comment");
        Running r = running(jobId);
        CompletableFuture<String> waiting;
        String taskId;
        int step;
        synchronized (r.record) {
            waiting = r.resumeSignal;
            if (r.record.state != JobState.WAITING_FOR_ACTION || waiting == null || r.record.cancelRequested) {
                throw new IllegalTransitionException("job " + jobId, r.record.state.name(), "resume");
            }
            r.resumeSignal = null;
            taskId = r.waitingTask;
            step = r.waitingStep;
        }
        // recorded here, before the task wakes, so that the job is IN_PROGRESS when resume returns
        emitForCaller(r, new JobEvent.TaskResumed(jobId, clock.instant(), taskId, step, comment));
        waiting.complete(comment);
    }

    /**
     * Asks a job to stop at its next safe point (J2): commands in flight finish, no further task starts; a job
     * waiting for a manual action is cancelled at once.
     *
     * @throws IllegalTransitionException when the job has already ended
     */
    public void cancel(String jobId) {
        Running r = running(jobId);
        synchronized (r.record) {
            if (r.record.state.isFinal()) {
                throw new IllegalTransitionException("job " + jobId, r.record.state.name(), "cancel");
            }
        }
        emitForCaller(r, new JobEvent.CancelRequested(jobId, clock.instant()));
        CompletableFuture<String> waiting;
        synchronized (r.record) {
            waiting = r.resumeSignal;
            r.resumeSignal = null;
        }
        if (waiting != null) {
            waiting.cancel(false);
        }
    }

    /**
     * Runs a failed or cancelled job again from where it stopped: finished tasks and steps are not run again (J2).
     *
     * @throws IllegalTransitionException when the job has not failed or been cancelled
     */
    public void restart(String jobId) {
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

    @Override
    public void close() {
        drivers.shutdownNow();
        taskPool.shutdownNow();
    }

    private Running running(String jobId) {
        Running r = jobs.get(requireNonNull(jobId, "jobId"));
        if (r == null) {
            throw InvalidConfigurationException.of(Rule.J4, "engine", "jobId", jobId, "jobId ('" + jobId
                    + "') names no job");
        }
        return r;
    }

    private static boolean isSettled(Running r) {
        return (r.record.state.isFinal() && !r.driving)
                || (r.record.state == JobState.WAITING_FOR_ACTION && !r.record.cancelRequested);
    }

    private void drive(Running r) {
        synchronized (r.record) {
            r.driving = true;
        }
        drivers.execute(() -> {
            withMdc(r, () -> {
                try {
                    run(r);
                } catch (JournalFailedException e) {
                    // nothing more of this job can be made durable: stop here, as a crash would; reopening the
                    // vault continues it from what was journaled
                    LOG.error("Job {} stopped: its events can no longer be journaled ({}); it goes on when the "
                            + "vault is opened again", r.record.id, e.getCause().toString());
                } catch (RuntimeException | Error e) {
                    LOG.error("Job {} stopped by an unexpected error", r.record.id, e);
                    emit(r, new JobEvent.Finished(r.record.id, clock.instant(), JobState.FAILED,
                            "engine error: " + e));
                } finally {
                    List<CompletableFuture<Job>> waiters;
                    Job snapshot;
                    synchronized (r.record) {
                        r.driving = false;
                        snapshot = r.record.snapshot();
                        waiters = isSettled(r) ? new ArrayList<>(r.settleWaiters) : List.of();
                        r.settleWaiters.removeAll(waiters);
                    }
                    waiters.forEach(w -> w.complete(snapshot));
                }
            });
        });
    }

    private void run(Running r) {
        String id = r.record.id;
        emit(r, new JobEvent.Started(id, clock.instant()));
        LOG.info("Job {} ({} {}) started", id, r.record.spec.kind(), r.record.spec.target());
        for (Phase phase : r.record.spec.phases()) {
            if (cancelRequested(r)) {
                finish(r, JobState.CANCELLED, "cancelled before phase " + phase.name());
                return;
            }
            String failure = runPhase(r, phase);
            if (failure != null) {
                finish(r, JobState.FAILED, failure);
                return;
            }
        }
        if (cancelRequested(r) && !allDone(r)) {
            finish(r, JobState.CANCELLED, "cancelled");
            return;
        }
        finish(r, JobState.SUCCEEDED, "all tasks done");
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
     * Runs one phase; returns why the job must fail, or null. Up to {@code parallelism} workers take the phase's
     * tasks in order, each starting its next task as soon as its previous one ended: no thread hand-off and no
     * permit per task, so a slot never idles between tasks. A worker takes no further task once the job is asked
     * to cancel or a task failed with {@link TaskSpec.OnFailure#STOP_JOB}.
     */
    private @Nullable String runPhase(Running r, Phase phase) {
        List<TaskSpec> tasks = phase.tasks();
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<String> failures = new CopyOnWriteArrayList<>();
        int workers = Math.min(options.parallelism(), tasks.size());
        CountDownLatch finished = new CountDownLatch(workers);
        Runnable worker = () -> withMdc(r, () -> {
            try {
                while (!stop.get() && !r.record.cancelRequested) {
                    int i = next.getAndIncrement();
                    if (i >= tasks.size()) {
                        return;
                    }
                    runTaskOfPhase(r, tasks.get(i), stop, failures);
                }
            } finally {
                finished.countDown();
            }
        });
        for (int w = 0; w < workers; w++) {
            taskPool.execute(worker);
        }
        awaitUninterruptibly(finished);
        return failures.isEmpty() ? null : failures.get(0);
    }

    private void runTaskOfPhase(Running r, TaskSpec task, AtomicBoolean stop, List<String> failures) {
        try {
            String error = runTask(r, task, stop);
            if (error != null && task.onFailure() == TaskSpec.OnFailure.STOP_JOB) {
                failures.add(task.name() + ": " + error);
            }
        } catch (JournalFailedException e) {
            stop.set(true);
            failures.add(task.name() + ": the journal failed");
        } catch (RuntimeException | Error e) {
            LOG.error("Task {} of job {} failed unexpectedly", task.id(), r.record.id, e);
            stop.set(true);
            emit(r, new JobEvent.TaskFailed(r.record.id, clock.instant(), task.id(), "engine error: " + e));
            failures.add(task.name() + ": " + e);
        }
    }

    /** Waits for the phase's workers; an interrupt (the engine closing) is kept for later, as tasks finish anyway. */
    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs one task from its next step; returns its error, or null when it succeeded, was skipped or waits. A
     * failure that stops the job sets {@code stop} before it is recorded, so that no worker starts another task
     * once anyone can see the failure.
     */
    private @Nullable String runTask(Running r, TaskSpec task, AtomicBoolean stop) {
        String id = r.record.id;
        String vm = task.vmId();
        int first;
        boolean skippedEarlier = false;
        boolean untouched = false;
        synchronized (r.record) {
            int index = r.record.indexOf(task.id());
            if (r.record.taskStates[index].isDone()) {
                return null; // finished in an earlier run of this job (restart, adoption)
            }
            first = r.record.nextStep[index];
            if (task.skipIfFailedOver() && vm != null) {
                skippedEarlier = r.record.skippedVms.contains(vm);
                untouched = first == 0 && !r.record.touchedVms.contains(vm);
            }
        }
        String skip = null;
        if (skippedEarlier) {
            skip = "VM " + vm + " was skipped earlier in this job";
        } else if (untouched && effects.isFailedOver(vm)) {
            skip = "VM " + vm + " was already failed over by another run";
        }
        if (skip != null) {
            emit(r, new JobEvent.TaskSkipped(id, clock.instant(), task.id(), skip));
            LOG.info("Task '{}' skipped: {}", task.name(), skip);
            return null;
        }
        emit(r, new JobEvent.TaskStarted(id, clock.instant(), task.id()));
        for (int s = first; s < task.steps().size(); s++) {
            Step step = task.steps().get(s);
            String error;
            if (step instanceof Step.Command c) {
                error = command(r, task, s, c.request());
            } else if (step instanceof Step.Probe p) {
                error = probe(r, task, s, p);
            } else if (step instanceof Step.Apply a) {
                error = apply(r, task, s, a.change());
            } else {
                Step.Manual m = (Step.Manual) step;
                boolean resumed = waitForAction(r, task, s, m);
                if (!resumed) {
                    return null;
                }
                error = null;
            }
            if (error != null) {
                if (task.onFailure() == TaskSpec.OnFailure.STOP_JOB) {
                    stop.set(true);
                }
                emit(r, new JobEvent.TaskFailed(id, clock.instant(), task.id(), error));
                if (task.onFailure() == TaskSpec.OnFailure.RECORD_AND_CONTINUE) {
                    LOG.warn("Task '{}' failed and the job goes on: {}", task.name(), error);
                } else {
                    LOG.warn("Task '{}' failed: {}", task.name(), error);
                }
                return error;
            }
        }
        emit(r, new JobEvent.TaskSucceeded(id, clock.instant(), task.id()));
        return null;
    }

    private @Nullable String command(Running r, TaskSpec task, int step, CommandRequest request) {
        CommandResult result = send(r, task, step, request);
        if (result.succeeded()) {
            return null;
        }
        return result.outcome() == CommandResult.Outcome.PERMANENT_FAILURE
                ? request.command().describe() + " failed: " + result.message()
                : request.command().describe() + " gave up after " + options.maxAttempts() + " attempts: "
                        + result.message();
    }

    private @Nullable String probe(Running r, TaskSpec task, int step, Step.Probe probe) {
        CommandResult result = send(r, task, step, probe.request());
        if (!result.succeeded()) {
            return probe.request().command().describe() + " failed: " + result.message();
        }
        String message = "replication checked";
        if (result.output() instanceof CommandOutput.ReplicationStatus status) {
            if (probe.refuseResynchronizing() && status.state().equals("Resynchronizing")) {
                return "F8: the replica of " + task.vmId() + " is resynchronizing; a test failover is refused";
            }
            Instant last = status.lastReplicationTime();
            Instant now = clock.instant();
            if (last == null || Duration.between(last, now).compareTo(probe.maxLag()) > 0) {
                String note = "stale recovery point: last replication " + (last == null ? "never" : "at " + last)
                        + ", more than " + probe.maxLag() + " ago";
                emit(r, new JobEvent.TaskNoted(r.record.id, now, task.id(), Severity.WARNING, note));
            }
            message = "replication " + status.state() + ", health " + status.health();
        }
        emit(r, new JobEvent.StepCompleted(r.record.id, clock.instant(), task.id(), step, message));
        return null;
    }

    private @Nullable String apply(Running r, TaskSpec task, int step, ConfigChange change) {
        String key = r.record.id + "/" + task.id() + "/" + step;
        try {
            String message = effects.apply(key, change);
            emit(r, new JobEvent.StepCompleted(r.record.id, clock.instant(), task.id(), step, message));
            return null;
        } catch (SecondsiteException e) {
            return change.describe() + " refused: " + e.getMessage();
        }
    }

    /** Waits for a resume; false when the job was cancelled instead. */
    private boolean waitForAction(Running r, TaskSpec task, int step, Step.Manual manual) {
        CompletableFuture<String> signal = new CompletableFuture<>();
        List<CompletableFuture<Job>> waiters;
        Job snapshot;
        synchronized (r.record) {
            if (r.record.cancelRequested) {
                return false;
            }
            r.resumeSignal = signal;
            r.waitingTask = task.id();
            r.waitingStep = step;
        }
        emit(r, new JobEvent.TaskWaiting(r.record.id, clock.instant(), task.id(), manual.instructions()));
        LOG.info("Job {} waits for manual action '{}'", r.record.id, manual.instructions());
        synchronized (r.record) {
            snapshot = r.record.snapshot();
            waiters = new ArrayList<>(r.settleWaiters);
            r.settleWaiters.clear();
        }
        waiters.forEach(w -> w.complete(snapshot));
        try {
            signal.get();
        } catch (java.util.concurrent.CancellationException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return false;
        }
        return true;
    }

    private CommandResult send(Running r, TaskSpec task, int step, CommandRequest request) {
        Semaphore site = siteLimits.computeIfAbsent(request.serverId(),
                s -> new Semaphore(options.perSiteParallelism()));
        CommandResult result = null;
        for (int attempt = 1; attempt <= options.maxAttempts(); attempt++) {
            site.acquireUninterruptibly();
            try {
                emit(r, new JobEvent.CommandSent(r.record.id, clock.instant(), task.id(), step, attempt));
                result = await(request);
            } finally {
                site.release();
            }
            emit(r, new JobEvent.CommandCompleted(r.record.id, clock.instant(), task.id(), step, attempt, result));
            if (result.outcome() != CommandResult.Outcome.TRANSIENT_FAILURE || attempt == options.maxAttempts()) {
                return result;
            }
            LOG.debug("{} failed transiently (attempt {}): {}", request, attempt, result.message());
            pause(options.backoff(attempt));
        }
        return result;
    }

    private CommandResult await(CommandRequest request) {
        CompletableFuture<CommandResult> future;
        try {
            future = transport.send(request);
        } catch (RuntimeException e) {
            return CommandResult.transientFailure("could not send: " + e.getMessage());
        }
        try {
            return future.get(options.commandTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(false);
            return CommandResult.transientFailure("no answer within " + options.commandTimeout());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return CommandResult.transientFailure(cause.getMessage() == null ? cause.toString() : cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CommandResult.transientFailure("interrupted while waiting for the answer");
        }
    }

    private void pause(Duration base) {
        double factor;
        synchronized (random) {
            factor = 1 - options.jitter() + 2 * options.jitter() * random.nextDouble();
        }
        long nanos = (long) (base.toNanos() * factor);
        if (nanos <= 0) {
            return;
        }
        try {
            // a backoff between attempts, not synchronisation: nothing else signals when a host is ready again
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean cancelRequested(Running r) {
        return r.record.cancelRequested;
    }

    private void finish(Running r, JobState state, String message) {
        emit(r, new JobEvent.Finished(r.record.id, clock.instant(), state, message));
        if (state == JobState.SUCCEEDED) {
            LOG.info("Job {} succeeded", r.record.id);
        } else {
            LOG.warn("Job {} ended {}: {}", r.record.id, state, message);
        }
    }

    /**
     * Journals {@code event}, applies it to the job's record and tells the listeners. The record's lock is taken
     * once; listeners are called outside it, one event at a time per job and in the order the events took effect:
     * the thread that finds nobody notifying delivers every notice queued meanwhile (by any thread) before it
     * returns, so a slow listener delays the tasks that happen to deliver, never the record.
     */
    /** {@link #emit} for a user's call: a journal failure reaches the caller as the journal's own exception. */
    private void emitForCaller(Running r, JobEvent event) {
        try {
            emit(r, event);
        } catch (JournalFailedException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    private void emit(Running r, JobEvent event) {
        try {
            journal.append(event);
        } catch (RuntimeException e) {
            throw new JournalFailedException(e);
        }
        synchronized (r.record) {
            r.record.apply(event);
            if (!enqueueNotice(r, event)) {
                return;
            }
        }
        deliverNotices(r);
    }

    /** Queues {@code event} for the listeners; true when the caller must deliver. Called under the record lock. */
    private boolean enqueueNotice(Running r, JobEvent event) {
        if (listeners.isEmpty()) {
            return false;
        }
        int total = r.record.taskStates.length;
        r.notices.add(new Notice(event, r.record.state, total == 0 ? 0 : r.record.doneTasks * 100 / total));
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
                notice = r.notices.poll();
                if (notice == null) {
                    r.notifying = false;
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

    private static void withMdc(Running r, Runnable body) {
        String plan = r.record.spec.planName();
        MDC.put(MDC_JOB_ID, r.record.id);
        MDC.put(MDC_PLAN, plan == null ? "" : plan);
        try {
            body.run();
        } finally {
            MDC.remove(MDC_JOB_ID);
            MDC.remove(MDC_PLAN);
        }
    }

    /** The journal refused an event: the job cannot go on durably and stops where it is. */
    private static final class JournalFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        JournalFailedException(RuntimeException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The engine's view of one job: its record and what waits on it. Guarded by {@code record}. */
    private static final class Running {
        final JobRecord record;
        boolean driving;
        @Nullable CompletableFuture<String> resumeSignal;
        String waitingTask = "";
        int waitingStep;
        final List<CompletableFuture<Job>> settleWaiters = new ArrayList<>();
        /** Events applied but not yet given to the listeners, oldest first. */
        final ArrayDeque<Notice> notices = new ArrayDeque<>();
        /** Whether a thread is delivering {@link #notices}. */
        boolean notifying;

        Running(JobRecord record) {
            this.record = record;
        }
    }

    /** An event with the job's state and progress just after it took effect. */
    private record Notice(JobEvent event, JobState state, int progress) {
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
