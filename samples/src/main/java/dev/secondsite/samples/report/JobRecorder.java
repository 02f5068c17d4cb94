package dev.secondsite.samples.report;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.job.JobEvent;
import dev.secondsite.core.job.JobListener;
import dev.secondsite.core.job.JobSpec;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.Phase;
import dev.secondsite.core.job.Step;
import dev.secondsite.core.job.TaskSpec;
import dev.secondsite.core.job.TaskState;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records, in memory, the timeline of every job it hears of: per task its attempts (sent and answered, outcome and
 * the host's message), its waits (manual actions, replication), notes and final state; per job its kind, target,
 * start and end. Attach it to a vault with {@code vault.jobs().addListener(recorder)} before the jobs are created (a
 * job whose creation it missed is recorded from its later events, with task ids for names); attach the same recorder
 * to a reopened vault to go on recording its jobs.
 *
 * <p>Thread-safe: the engine calls {@link #onEvent} on its threads for several jobs at once; each job is updated
 * under its own lock, in a few microseconds, and {@link #timelines()} may be called at any time. Observers added with
 * {@link #addObserver} are called on the engine's thread, outside the job's lock, in the job's event order: they must
 * be quick (hand the update to another thread, as {@code ConsoleProgress} does).
 */
public final class JobRecorder implements JobListener {
    private static final Logger LOG = LoggerFactory.getLogger(JobRecorder.class);

    private final Map<String, RecordedJob> jobs = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final List<Consumer<ProgressUpdate>> observers = new CopyOnWriteArrayList<>();
    private volatile Function<? super JobSpec, String> labeller = spec -> null;

    /** An empty recorder. */
    public JobRecorder() {
    }

    /**
     * Tells {@code observer} every {@link ProgressUpdate} from now on, on the engine's threads; keep it quick. An
     * observer's exception is logged and ignored.
     */
    public void addObserver(Consumer<ProgressUpdate> observer) {
        observers.add(requireNonNull(observer, "observer"));
    }

    /** Stops telling {@code observer}. */
    public void removeObserver(Consumer<ProgressUpdate> observer) {
        observers.remove(observer);
    }

    /**
     * Names a job for the console and the report (e.g. "Failback to vmm-a"); without a label a job shows its kind
     * and target. May be called before, while or after the job runs.
     */
    public void label(String jobId, String label) {
        requireNonNull(label, "label");
        RecordedJob job = job(requireNonNull(jobId, "jobId"));
        synchronized (job) {
            job.label = label;
        }
    }

    /**
     * Labels each job when the recorder hears of its creation with what {@code labeller} returns for its spec (null:
     * no label; a {@link #label} already set wins). Unlike {@link #label}, which needs the job's id and so comes after
     * the job started, this names the job in its very first progress update: for a program that knows what it is
     * about to create, such as a drill that creates one job at a time. Replaces the previous labeller; called on the
     * thread that creates the job, so it must be quick.
     */
    public void labelOnCreation(Function<? super JobSpec, String> labeller) {
        this.labeller = requireNonNull(labeller, "labeller");
    }

    @Override
    public void onEvent(JobEvent event, JobState state, int progressPercent) {
        RecordedJob job = job(event.jobId());
        // outside the job's lock: the labeller is the caller's code
        String createdLabel = event instanceof JobEvent.Created c ? labeller.apply(c.spec()) : null;
        ProgressUpdate update;
        synchronized (job) {
            if (createdLabel != null && job.label == null) {
                job.label = createdLabel;
            }
            update = job.apply(event, state, progressPercent);
            if (event instanceof JobEvent.Finished) {
                job.notifyAll();
            }
        }
        if (update != null) {
            for (Consumer<ProgressUpdate> observer : observers) {
                try {
                    observer.accept(update);
                } catch (RuntimeException e) {
                    LOG.warn("A progress observer failed on {}: {}", update.kind(), e.toString());
                }
            }
        }
    }

    /**
     * Waits until the recorder has heard the job with {@code jobId} end (its {@code Finished} event, not followed by a
     * restart). The engine tells its listeners of an event once it is durable, on its own threads, so a caller that
     * saw the job settle through its handle may be a moment ahead of the recorder: wait here before reading a
     * timeline that must be final.
     *
     * @return true when it has, false when {@code timeout} passed first
     * @throws InterruptedException when the calling thread is interrupted while waiting
     */
    public boolean awaitEnded(String jobId, Duration timeout) throws InterruptedException {
        requireNonNull(timeout, "timeout");
        RecordedJob job = job(requireNonNull(jobId, "jobId"));
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (job) {
            while (job.ended == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(job, left);
            }
            return true;
        }
    }

    /** A snapshot of every recorded job's timeline, in the order the recorder first heard of them. */
    public List<JobTimeline> timelines() {
        List<RecordedJob> ordered = new ArrayList<>(jobs.values());
        ordered.sort(Comparator.comparingLong(j -> j.order));
        List<JobTimeline> result = new ArrayList<>(ordered.size());
        for (RecordedJob job : ordered) {
            synchronized (job) {
                result.add(job.snapshot());
            }
        }
        return List.copyOf(result);
    }

    /** A snapshot of the timeline of the job with {@code jobId}, if the recorder heard of it. */
    public Optional<JobTimeline> timeline(String jobId) {
        RecordedJob job = jobs.get(jobId);
        if (job == null) {
            return Optional.empty();
        }
        synchronized (job) {
            return Optional.of(job.snapshot());
        }
    }

    private RecordedJob job(String jobId) {
        return jobs.computeIfAbsent(jobId, id -> new RecordedJob(id, sequence.getAndIncrement()));
    }

    /** One job's mutable record; guarded by itself. */
    private static final class RecordedJob {
        final String id;
        final long order;
        @Nullable String label;
        @Nullable dev.secondsite.core.job.JobKind kind;
        @Nullable String target;
        @Nullable String planName;
        JobState state = JobState.NOT_STARTED;
        int progress;
        @Nullable Instant created;
        @Nullable Instant started;
        @Nullable Instant ended;
        @Nullable String message;
        final Map<String, RecordedTask> tasks = new LinkedHashMap<>();

        RecordedJob(String id, long order) {
            this.id = id;
            this.order = order;
        }

        String name() {
            return snapshotHeader().displayName();
        }

        private JobTimeline snapshotHeader() {
            return new JobTimeline(id, label, kind, target != null ? target : "job " + id, planName, state, progress,
                    created, started, null, message, List.of());
        }

        JobTimeline snapshot() {
            List<TaskTimeline> taskTimelines = new ArrayList<>(tasks.size());
            for (RecordedTask t : tasks.values()) {
                taskTimelines.add(t.snapshot());
            }
            Instant end = ended != null && started != null && ended.isBefore(started) ? started : ended;
            return new JobTimeline(id, label, kind, target != null ? target : "job " + id, planName, state, progress,
                    created, started, end, message, taskTimelines);
        }

        RecordedTask task(String taskId) {
            return tasks.computeIfAbsent(taskId, t -> new RecordedTask(t, t, null, null, false, Set.of()));
        }

        @Nullable
        ProgressUpdate apply(JobEvent event, JobState newState, int progressPercent) {
            state = newState;
            progress = Math.max(0, Math.min(100, progressPercent));
            Instant at = event.at();
            if (event instanceof JobEvent.Created c) {
                created = at;
                kind = c.spec().kind();
                target = c.spec().target();
                planName = c.spec().planName();
                for (Phase phase : c.spec().phases()) {
                    for (TaskSpec spec : phase.tasks()) {
                        tasks.put(spec.id(), RecordedTask.of(spec, phase.name()));
                    }
                }
                return null;
            } else if (event instanceof JobEvent.Started) {
                if (started == null) {
                    started = at;
                }
                ended = null;
                return update(ProgressUpdate.Kind.JOB_STARTED, at, null, null);
            } else if (event instanceof JobEvent.Restarted) {
                ended = null;
                return update(ProgressUpdate.Kind.JOB_STARTED, at, null, "restarted from its failed task");
            } else if (event instanceof JobEvent.TaskStarted e) {
                RecordedTask t = task(e.taskId());
                t.state = TaskState.IN_PROGRESS;
                if (t.started == null) {
                    t.started = at;
                }
                t.ended = null;
                return taskUpdate(t, at, null);
            } else if (event instanceof JobEvent.CommandSent e) {
                RecordedTask t = task(e.taskId());
                t.closePollsBefore(e.step(), at);
                if (t.pollSteps.contains(e.step())) {
                    t.poll();
                } else {
                    t.attempts.add(new Attempt(e.step(), Math.max(1, e.attempt()), at, null, null, null));
                }
                return null;
            } else if (event instanceof JobEvent.CommandCompleted e) {
                RecordedTask t = task(e.taskId());
                if (t.pollSteps.contains(e.step())) {
                    return null;
                }
                t.complete(e.step(), Math.max(1, e.attempt()), at, e.result());
                if (e.result().outcome() == CommandResult.Outcome.TRANSIENT_FAILURE) {
                    return new ProgressUpdate(ProgressUpdate.Kind.TASK_RETRYING, id, name(), state, progress, at,
                            elapsed(at), t.name, t.state, "attempt " + e.attempt() + " failed transiently: "
                                    + e.result().message());
                }
                return null;
            } else if (event instanceof JobEvent.StepCompleted e) {
                task(e.taskId()).closePollsBefore(e.step() + 1, at);
                return null;
            } else if (event instanceof JobEvent.TaskPolling e) {
                RecordedTask t = task(e.taskId());
                t.waits.add(new TaskWait(TaskWait.Kind.REPLICATION, e.condition(), at, null, null, 0));
                t.pollSteps.add(e.step());
                t.openPollStep = e.step();
                return null;
            } else if (event instanceof JobEvent.TaskWaiting e) {
                RecordedTask t = task(e.taskId());
                t.waits.add(new TaskWait(TaskWait.Kind.MANUAL_ACTION, e.instructions(), at, null, null, 0));
                t.state = TaskState.WAITING_FOR_ACTION;
                return taskUpdate(t, at, e.instructions());
            } else if (event instanceof JobEvent.TaskResumed e) {
                RecordedTask t = task(e.taskId());
                t.closeManualWait(at, e.comment());
                t.state = TaskState.IN_PROGRESS;
                return taskUpdate(t, at, "resumed: " + e.comment());
            } else if (event instanceof JobEvent.TaskNoted e) {
                task(e.taskId()).notes.add(e.severity() + ": " + e.note());
                return null;
            } else if (event instanceof JobEvent.TaskSucceeded e) {
                return taskEnded(task(e.taskId()), TaskState.SUCCEEDED, at, null);
            } else if (event instanceof JobEvent.TaskSkipped e) {
                return taskEnded(task(e.taskId()), TaskState.SKIPPED, at, e.reason());
            } else if (event instanceof JobEvent.TaskFailed e) {
                return taskEnded(task(e.taskId()), TaskState.FAILED, at, e.error());
            } else if (event instanceof JobEvent.Finished e) {
                ended = at;
                message = e.message();
                if (started == null) {
                    started = at;
                }
                if (e.state() == JobState.CANCELLED) {
                    for (RecordedTask t : tasks.values()) {
                        if (t.state == TaskState.IN_PROGRESS || t.state == TaskState.WAITING_FOR_ACTION) {
                            t.end(TaskState.CANCELLED, at, null);
                        }
                    }
                }
                return update(ProgressUpdate.Kind.JOB_FINISHED, at, null, e.message());
            }
            // CancelRequested changes nothing a timeline shows
            return null;
        }

        private ProgressUpdate taskEnded(RecordedTask t, TaskState taskState, Instant at, @Nullable String why) {
            t.end(taskState, at, why);
            return taskUpdate(t, at, why);
        }

        private ProgressUpdate taskUpdate(RecordedTask t, Instant at, @Nullable String detail) {
            return new ProgressUpdate(ProgressUpdate.Kind.TASK_CHANGED, id, name(), state, progress, at, elapsed(at),
                    t.name, t.state, detail);
        }

        private ProgressUpdate update(ProgressUpdate.Kind updateKind, Instant at, @Nullable String taskName,
                                      @Nullable String detail) {
            return new ProgressUpdate(updateKind, id, name(), state, progress, at, elapsed(at), taskName, null,
                    detail);
        }

        private Duration elapsed(Instant at) {
            if (started == null || at.isBefore(started)) {
                return Duration.ZERO;
            }
            return Duration.between(started, at);
        }
    }

    /** One task's mutable record; guarded by its job. */
    private static final class RecordedTask {
        final String id;
        final String name;
        @Nullable final String phase;
        @Nullable final String vmId;
        final boolean startsVm;
        final Set<Integer> pollSteps;
        int openPollStep = -1;
        TaskState state = TaskState.NOT_STARTED;
        @Nullable Instant started;
        @Nullable Instant ended;
        @Nullable String outcomeMessage;
        final List<Attempt> attempts = new ArrayList<>();
        final List<TaskWait> waits = new ArrayList<>();
        final List<String> notes = new ArrayList<>();

        RecordedTask(String id, String name, @Nullable String phase, @Nullable String vmId, boolean startsVm,
                     Set<Integer> pollSteps) {
            this.id = id;
            this.name = name;
            this.phase = phase;
            this.vmId = vmId;
            this.startsVm = startsVm;
            this.pollSteps = new HashSet<>(pollSteps);
        }

        static RecordedTask of(TaskSpec spec, String phase) {
            boolean startsVm = false;
            Set<Integer> polls = new HashSet<>();
            for (int i = 0; i < spec.steps().size(); i++) {
                Step step = spec.steps().get(i);
                if (step instanceof Step.Command c && c.request().command() instanceof HostCommand.StartVm) {
                    startsVm = true;
                } else if (step instanceof Step.WaitUntil) {
                    polls.add(i);
                }
            }
            return new RecordedTask(spec.id(), spec.name(), phase, spec.vmId(), startsVm, polls);
        }

        void poll() {
            int last = lastOpenWait(TaskWait.Kind.REPLICATION);
            if (last >= 0) {
                waits.set(last, waits.get(last).polled());
            }
        }

        /** A replication wait ends when the task goes on to a later step. */
        void closePollsBefore(int step, Instant at) {
            if (openPollStep >= 0 && openPollStep < step) {
                int last = lastOpenWait(TaskWait.Kind.REPLICATION);
                if (last >= 0) {
                    waits.set(last, waits.get(last).end(at, null));
                }
                openPollStep = -1;
            }
        }

        void closeManualWait(Instant at, String comment) {
            int last = lastOpenWait(TaskWait.Kind.MANUAL_ACTION);
            if (last >= 0) {
                waits.set(last, waits.get(last).end(at, comment));
            }
        }

        void complete(int step, int number, Instant at, CommandResult result) {
            for (int i = attempts.size() - 1; i >= 0; i--) {
                Attempt a = attempts.get(i);
                if (a.step() == step && a.number() == number && a.completed() == null) {
                    attempts.set(i, a.complete(at, result));
                    return;
                }
            }
            // the send was not heard (the recorder was attached meanwhile): the answer alone still counts
            attempts.add(new Attempt(step, number, at, at, result.outcome(), result.message()));
        }

        void end(TaskState endState, Instant at, @Nullable String why) {
            state = endState;
            if (started == null) {
                started = at;
            }
            ended = at;
            outcomeMessage = why;
            openPollStep = -1;
            for (int i = 0; i < waits.size(); i++) {
                if (waits.get(i).ended() == null) {
                    waits.set(i, waits.get(i).end(at, null));
                }
            }
        }

        private int lastOpenWait(TaskWait.Kind kind) {
            for (int i = waits.size() - 1; i >= 0; i--) {
                if (waits.get(i).kind() == kind && waits.get(i).ended() == null) {
                    return i;
                }
            }
            return -1;
        }

        TaskTimeline snapshot() {
            Instant end = ended != null && started != null && ended.isBefore(started) ? started : ended;
            return new TaskTimeline(id, name, phase, vmId, startsVm, state, started, end, attempts, waits, notes,
                    outcomeMessage);
        }
    }
}
