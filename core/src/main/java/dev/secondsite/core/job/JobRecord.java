package dev.secondsite.core.job;

import dev.secondsite.core.Finding;
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
    final List<String> warnings = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    final List<TaskSpec> taskSpecs;
    final List<String> phaseOf;
    final Map<String, Integer> index = new HashMap<>();
    final TaskState[] taskStates;
    final int[] nextStep;
    final int[] commandsSent;
    final Instant[] taskStarted;
    final Instant[] taskEnded;
    final String[] taskErrors;
    private final boolean[] taskTouched;
    final List<List<String>> notes;
    int doneTasks;
    /** VMs whose tasks this job skipped (RP9), and VMs it already changed: the engine's skip decisions. */
    final java.util.Set<String> skippedVms = new java.util.HashSet<>();
    final java.util.Set<String> touchedVms = new java.util.HashSet<>();

    JobRecord(JobEvent.Created created) {
        this.id = created.jobId();
        this.spec = created.spec();
        this.createdAt = created.at();
        this.taskSpecs = new ArrayList<>();
        this.phaseOf = new ArrayList<>();
        for (Phase phase : spec.phases()) {
            for (TaskSpec task : phase.tasks()) {
                index.put(task.id(), taskSpecs.size());
                taskSpecs.add(task);
                phaseOf.add(phase.name());
            }
        }
        int n = taskSpecs.size();
        taskStates = new TaskState[n];
        java.util.Arrays.fill(taskStates, TaskState.NOT_STARTED);
        nextStep = new int[n];
        commandsSent = new int[n];
        taskStarted = new Instant[n];
        taskEnded = new Instant[n];
        taskErrors = new String[n];
        taskTouched = new boolean[n];
        notes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            notes.add(null);
        }
        for (Finding f : spec.warnings()) {
            warnings.add(f.toString());
        }
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
        if (!taskTouched[task] && taskSpecs.get(task).vmId() != null) {
            taskTouched[task] = true;
            touchedVms.add(taskSpecs.get(task).vmId());
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

    void apply(JobEvent event) {
        if (event instanceof JobEvent.Created c) {
            throw new IllegalStateException("job " + id + " was created twice");
        } else if (event instanceof JobEvent.Started s) {
            state = JobState.IN_PROGRESS;
            startedAt = s.at();
            endedAt = null;
        } else if (event instanceof JobEvent.TaskStarted t) {
            int i = indexOf(t.taskId());
            setTaskState(i, TaskState.IN_PROGRESS);
            if (taskStarted[i] == null) {
                taskStarted[i] = t.at();
            }
        } else if (event instanceof JobEvent.CommandSent c) {
            commandsSent[indexOf(c.taskId())]++;
        } else if (event instanceof JobEvent.CommandCompleted c) {
            if (c.result().succeeded()) {
                int i = indexOf(c.taskId());
                nextStep[i] = c.step() + 1;
                touch(i, c.step());
            }
        } else if (event instanceof JobEvent.StepCompleted c) {
            int i = indexOf(c.taskId());
            nextStep[i] = c.step() + 1;
            touch(i, c.step());
        } else if (event instanceof JobEvent.TaskWaiting w) {
            setTaskState(indexOf(w.taskId()), TaskState.WAITING_FOR_ACTION);
            state = JobState.WAITING_FOR_ACTION;
        } else if (event instanceof JobEvent.TaskResumed r) {
            int i = indexOf(r.taskId());
            setTaskState(i, TaskState.IN_PROGRESS);
            nextStep[i] = r.step() + 1;
            note(i, "resumed: " + r.comment());
            state = JobState.IN_PROGRESS;
        } else if (event instanceof JobEvent.TaskNoted n) {
            int i = indexOf(n.taskId());
            note(i, n.note());
            if (n.severity() == Severity.WARNING) {
                warnings.add(taskSpecs.get(i).name() + ": " + n.note());
            } else {
                errors.add(taskSpecs.get(i).name() + ": " + n.note());
            }
        } else if (event instanceof JobEvent.TaskSucceeded s) {
            int i = indexOf(s.taskId());
            setTaskState(i, TaskState.SUCCEEDED);
            taskEnded[i] = s.at();
        } else if (event instanceof JobEvent.TaskSkipped s) {
            int i = indexOf(s.taskId());
            setTaskState(i, TaskState.SKIPPED);
            taskEnded[i] = s.at();
            note(i, "skipped: " + s.reason());
            if (taskSpecs.get(i).vmId() != null) {
                skippedVms.add(taskSpecs.get(i).vmId());
            }
        } else if (event instanceof JobEvent.TaskFailed f) {
            int i = indexOf(f.taskId());
            setTaskState(i, TaskState.FAILED);
            taskEnded[i] = f.at();
            taskErrors[i] = f.error();
            errors.add(taskSpecs.get(i).name() + ": " + f.error());
        } else if (event instanceof JobEvent.CancelRequested c) {
            cancelRequested = true;
        } else if (event instanceof JobEvent.Restarted r) {
            for (int i = 0; i < taskStates.length; i++) {
                if (taskStates[i] == TaskState.FAILED || taskStates[i] == TaskState.CANCELLED) {
                    setTaskState(i, TaskState.NOT_STARTED);
                    taskErrors[i] = null;
                }
            }
            cancelRequested = false;
            state = JobState.IN_PROGRESS;
            endedAt = null;
        } else if (event instanceof JobEvent.Finished f) {
            state = f.state();
            endedAt = f.at();
            if (f.state() == JobState.CANCELLED) {
                for (int i = 0; i < taskStates.length; i++) {
                    if (taskStates[i] == TaskState.WAITING_FOR_ACTION || taskStates[i] == TaskState.IN_PROGRESS) {
                        setTaskState(i, TaskState.CANCELLED);
                    }
                }
            }
        }
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
