package dev.secondsite.core.job;

import dev.secondsite.core.Finding;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * The mutable fold of one job's events: the engine keeps one per job and {@link Job#fromEvents} builds one from a
 * journal, so both see exactly the same state. Not thread-safe; the engine guards it with its own lock.
 */
final class JobRecord {
    final String id;
    final JobSpec spec;
    final Instant createdAt;
    @Nullable Instant startedAt;
    @Nullable Instant endedAt;
    JobState state = JobState.NOT_STARTED;
    /** Volatile so that the engine's workers can check it between tasks without the lock; written under it. */
    volatile boolean cancelRequested;
    final List<Finding> warnings = new ArrayList<>();
    final List<Finding> errors = new ArrayList<>();
    /** The message of the last {@link JobEvent.Finished}, or null. */
    @Nullable String finishMessage;
    final List<TaskSpec> taskSpecs;
    final List<String> phaseOf;
    final Map<String, Integer> index = new HashMap<>();
    final TaskState[] taskStates;
    final int[] nextStep;
    final int[] commandsSent;
    final Instant[] taskStarted;
    final Instant[] taskEnded;
    /**
     * The last attempt (or poll) number sent for each task's next step, and the number from which the attempts of
     * the current run count (a restart gives a failed step its attempts again): the attempt number survives a crash
     * because it is derived from the journaled {@link JobEvent.CommandSent} events.
     */
    final int[] lastAttempt;
    final int[] attemptBase;
    /** The deadline of each task's {@link Step.WaitUntil} under way, or null. */
    final Instant[] waitDeadline;
    final String[] taskErrors;
    private final boolean[] taskTouched;
    final List<List<String>> notes;
    int doneTasks;
    /** Where each phase's tasks start among {@link #taskSpecs}: the engine addresses a task by its index. */
    final int[] phaseStart;
    /**
     * The VM of each task as an index into the job's distinct VMs (-1 for a task without a VM), and per VM whether
     * this job skipped one of its tasks (RP9) or already changed it: the engine's skip decisions, as array reads
     * instead of lookups by VM id on every task start.
     */
    private final int[] vmOf;
    private final boolean[] vmSkipped;
    private final boolean[] vmTouched;

    JobRecord(JobEvent.Created created) {
        this.id = created.jobId();
        this.spec = created.spec();
        this.createdAt = created.at();
        this.taskSpecs = new ArrayList<>();
        this.phaseOf = new ArrayList<>();
        this.phaseStart = new int[spec.phases().size()];
        Map<String, Integer> vms = new HashMap<>();
        List<Integer> vmIndexes = new ArrayList<>();
        int p = 0;
        for (Phase phase : spec.phases()) {
            phaseStart[p++] = taskSpecs.size();
            for (TaskSpec task : phase.tasks()) {
                index.put(task.id(), taskSpecs.size());
                taskSpecs.add(task);
                phaseOf.add(phase.name());
                vmIndexes.add(task.vmId() == null ? -1 : vms.computeIfAbsent(task.vmId(), v -> vms.size()));
            }
        }
        int n = taskSpecs.size();
        vmOf = new int[n];
        for (int i = 0; i < n; i++) {
            vmOf[i] = vmIndexes.get(i);
        }
        vmSkipped = new boolean[vms.size()];
        vmTouched = new boolean[vms.size()];
        taskStates = new TaskState[n];
        java.util.Arrays.fill(taskStates, TaskState.NOT_STARTED);
        nextStep = new int[n];
        commandsSent = new int[n];
        taskStarted = new Instant[n];
        taskEnded = new Instant[n];
        lastAttempt = new int[n];
        attemptBase = new int[n];
        waitDeadline = new Instant[n];
        taskErrors = new String[n];
        taskTouched = new boolean[n];
        notes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            notes.add(null);
        }
        warnings.addAll(spec.warnings());
    }

    /**
     * The fold of one job's events.
     *
     * @throws InvalidConfigurationException (J3) when the events do not start with {@link JobEvent.Created} or
     *     belong to several jobs
     * @throws JobEventRefusedException (J3) when an event is not allowed in the state the earlier ones left
     */
    static JobRecord of(List<? extends JobEvent> events) {
        if (events.isEmpty() || !(events.get(0) instanceof JobEvent.Created created)) {
            throw InvalidConfigurationException.of(Rule.J3, "job", "events", events.size(),
                    "events must start with the job's Created event");
        }
        JobRecord record = new JobRecord(created);
        for (JobEvent event : events.subList(1, events.size())) {
            if (!event.jobId().equals(created.jobId())) {
                throw InvalidConfigurationException.of(Rule.J3, "job " + created.jobId(), "events.jobId",
                        event.jobId(), "events.jobId ('" + event.jobId() + "') is another job's");
            }
            record.apply(event);
        }
        return record;
    }

    /**
     * The index of task {@code taskId}: {@code hint} when that is its index (the engine knows it), else looked up.
     */
    int indexOf(String taskId, int hint) {
        if (hint >= 0 && hint < taskSpecs.size() && taskSpecs.get(hint).id().equals(taskId)) {
            return hint;
        }
        return indexOf(taskId);
    }

    /** Whether this job skipped a task of task {@code i}'s VM (RP9); false for a task without a VM. */
    boolean vmSkipped(int i) {
        return vmOf[i] >= 0 && vmSkipped[vmOf[i]];
    }

    /** Whether this job already changed task {@code i}'s VM; false for a task without a VM. */
    boolean vmTouched(int i) {
        return vmOf[i] >= 0 && vmTouched[vmOf[i]];
    }

    int indexOf(String taskId) {
        Integer i = index.get(taskId);
        if (i == null) {
            throw new IllegalStateException("job " + id + " has no task " + taskId);
        }
        return i;
    }

    private void note(int task, String text) {
        if (notes.get(task) == null) {
            notes.set(task, new ArrayList<>(2));
        }
        notes.get(task).add(text);
    }

    private void touch(int task, int step) {
        // a probe only reads the VM's replication: it does not make the VM this job's (RP9 still skips it)
        if (taskSpecs.get(task).steps().get(step) instanceof Step.Probe) {
            return;
        }
        // once per task, not per step: the set is shared by every task of the job and guarded by its lock
        if (!taskTouched[task] && vmOf[task] >= 0) {
            taskTouched[task] = true;
            vmTouched[vmOf[task]] = true;
        }
    }

    private void setTaskState(int task, TaskState next) {
        if (taskStates[task].isDone() && !next.isDone()) {
            doneTasks--;
        } else if (!taskStates[task].isDone() && next.isDone()) {
            doneTasks++;
        }
        taskStates[task] = next;
    }

    /** The step after {@code step} of task {@code i} is next: its attempts count from 1 again. */
    private void stepDone(int i, int step) {
        nextStep[i] = step + 1;
        lastAttempt[i] = 0;
        attemptBase[i] = 0;
        waitDeadline[i] = null;
    }

    /**
     * A finding of task {@code i}: the rule is the one its text starts with ({@code "F8: ..."}), J1 otherwise, so a
     * caller tests for a rule without reading the text.
     */
    private Finding finding(int i, Severity severity, String field, String text) {
        Rule rule = Rule.J1;
        int colon = text.indexOf(':');
        if (colon > 0 && colon <= 4) {
            try {
                rule = Rule.valueOf(text.substring(0, colon));
            } catch (IllegalArgumentException notARule) {
                rule = Rule.J1;
            }
        }
        TaskSpec t = taskSpecs.get(i);
        return new Finding(rule, severity, "task " + t.id(), field, null, t.name() + ": " + text);
    }

    /**
     * Applies {@code event}: the job's state follows {@link JobStateMachine}, the rest is the fold of the event.
     *
     * @throws JobEventRefusedException (J3) when the job's state does not allow the event; nothing changes then
     */
    void apply(JobEvent event) {
        apply(event, -1);
    }

    /**
     * {@link #apply(JobEvent)} for an event of the task at index {@code hint} (-1 when unknown), which saves the
     * lookup of the task by its id.
     */
    void apply(JobEvent event, int hint) {
        JobState next = JobStateMachine.next(id, state, event);
        if (event instanceof JobEvent.Created c) {
            throw new IllegalStateException("job " + id + " was created twice"); // the table has no CREATED row
        } else if (event instanceof JobEvent.Started s) {
            startedAt = s.at();
            endedAt = null;
        } else if (event instanceof JobEvent.TaskStarted t) {
            int i = indexOf(t.taskId(), hint);
            setTaskState(i, TaskState.IN_PROGRESS);
            if (taskStarted[i] == null) {
                taskStarted[i] = t.at();
            }
        } else if (event instanceof JobEvent.CommandSent c) {
            int i = indexOf(c.taskId(), hint);
            commandsSent[i]++;
            lastAttempt[i] = Math.max(lastAttempt[i], c.attempt());
        } else if (event instanceof JobEvent.CommandCompleted c) {
            int i = indexOf(c.taskId(), hint);
            // a poll of a wait-until step that answered is not the step's end: its StepCompleted is
            if (c.result().succeeded() && !(taskSpecs.get(i).steps().get(c.step()) instanceof Step.WaitUntil)) {
                stepDone(i, c.step());
                touch(i, c.step());
            }
        } else if (event instanceof JobEvent.StepCompleted c) {
            int i = indexOf(c.taskId(), hint);
            stepDone(i, c.step());
            touch(i, c.step());
        } else if (event instanceof JobEvent.TaskPolling p) {
            int i = indexOf(p.taskId(), hint);
            waitDeadline[i] = p.deadline();
            note(i, "waiting until " + p.condition() + " (deadline " + p.deadline() + ")");
        } else if (event instanceof JobEvent.TaskWaiting w) {
            setTaskState(indexOf(w.taskId(), hint), TaskState.WAITING_FOR_ACTION);
        } else if (event instanceof JobEvent.TaskResumed r) {
            int i = indexOf(r.taskId(), hint);
            setTaskState(i, TaskState.IN_PROGRESS);
            stepDone(i, r.step());
            note(i, "resumed: " + r.comment());
        } else if (event instanceof JobEvent.TaskNoted n) {
            int i = indexOf(n.taskId(), hint);
            note(i, n.note());
            if (n.severity() == Severity.WARNING) {
                warnings.add(finding(i, Severity.WARNING, "note", n.note()));
            } else {
                errors.add(finding(i, Severity.ERROR, "note", n.note()));
            }
        } else if (event instanceof JobEvent.TaskSucceeded s) {
            int i = indexOf(s.taskId(), hint);
            setTaskState(i, TaskState.SUCCEEDED);
            taskEnded[i] = s.at();
        } else if (event instanceof JobEvent.TaskSkipped s) {
            int i = indexOf(s.taskId(), hint);
            setTaskState(i, TaskState.SKIPPED);
            taskEnded[i] = s.at();
            note(i, "skipped: " + s.reason());
            if (vmOf[i] >= 0) {
                vmSkipped[vmOf[i]] = true;
            }
        } else if (event instanceof JobEvent.TaskFailed f) {
            int i = indexOf(f.taskId(), hint);
            setTaskState(i, TaskState.FAILED);
            taskEnded[i] = f.at();
            taskErrors[i] = f.error();
            errors.add(finding(i, Severity.ERROR, "error", f.error()));
        } else if (event instanceof JobEvent.CancelRequested c) {
            cancelRequested = true;
        } else if (event instanceof JobEvent.Restarted r) {
            for (int i = 0; i < taskStates.length; i++) {
                if (taskStates[i] == TaskState.FAILED || taskStates[i] == TaskState.CANCELLED) {
                    setTaskState(i, TaskState.NOT_STARTED);
                    taskErrors[i] = null;
                    attemptBase[i] = lastAttempt[i]; // numbers go on; the restarted step gets its attempts again
                }
            }
            cancelRequested = false;
            endedAt = null;
            finishMessage = null;
        } else if (event instanceof JobEvent.Finished f) {
            endedAt = f.at();
            finishMessage = f.message();
            if (f.state() == JobState.CANCELLED) {
                for (int i = 0; i < taskStates.length; i++) {
                    if (taskStates[i] == TaskState.WAITING_FOR_ACTION || taskStates[i] == TaskState.IN_PROGRESS) {
                        setTaskState(i, TaskState.CANCELLED);
                    }
                }
            }
        }
        state = next;
    }

    /** The summary a compacted job keeps. Only for an ended job. */
    JobSummary summary() {
        return new JobSummary(id, spec.kind(), spec.target(), spec.planName(), state, createdAt,
                endedAt == null ? createdAt : endedAt, finishMessage == null ? "" : finishMessage, warnings.size(),
                errors.size());
    }

    Job snapshot() {
        List<TaskStatus> tasks = new ArrayList<>(taskSpecs.size());
        for (int i = 0; i < taskSpecs.size(); i++) {
            TaskSpec t = taskSpecs.get(i);
            List<String> n = notes.get(i);
            tasks.add(new TaskStatus(t.id(), t.name(), phaseOf.get(i), t.vmId(), taskStates[i], taskStarted[i],
                    taskEnded[i], nextStep[i], t.steps().size(), commandsSent[i], n == null ? List.of() : n,
                    taskErrors[i]));
        }
        return new Job(id, spec.kind(), spec.target(), spec.planName(), state, createdAt, startedAt, endedAt, tasks,
                warnings, errors);
    }
}
