package dev.secondsite.core.job;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.secondsite.core.Finding;
import dev.secondsite.core.InvalidConfigurationException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.annotation.Nullable;

/**
 * A job as it stands (J1): kind, target, state, progress, times, tasks, warnings and errors. A snapshot: it does not
 * change; ask the engine again for a newer one.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the job's id
 * @param kind what it does
 * @param target what it acts on
 * @param planName the recovery plan it runs, or null
 * @param state its state
 * @param createdAt when it was created
 * @param startedAt when it (last) started, or null
 * @param endedAt when it ended, or null while it runs
 * @param tasks its tasks, phase by phase
 * @param warnings pre-flight warnings and warnings noted by tasks, each citing its rule
 * @param errors why tasks failed, in order, each citing its rule (J1 when the failure names none)
 */
public record Job(String id, JobKind kind, String target, @Nullable String planName, JobState state,
                  Instant createdAt, @Nullable Instant startedAt, @Nullable Instant endedAt, List<TaskStatus> tasks,
                  List<Finding> warnings, List<Finding> errors) {
    public Job {
        requireNonNull(id, "id");
        requireNonNull(kind, "kind");
        requireNonNull(state, "state");
        tasks = ImmutableList.copyOf(tasks);
        warnings = ImmutableList.copyOf(warnings);
        errors = ImmutableList.copyOf(errors);
    }

    /**
     * Rebuilds a job from its events alone, the way the vault does after a restart (J3).
     *
     * @throws InvalidConfigurationException (J3) when the events do not start with {@link JobEvent.Created} or
     *     belong to several jobs
     * @throws JobEventRefusedException (J3) when an event is not allowed in the state the earlier ones left the job
     *     in ({@link JobStateMachine})
     */
    public static Job fromEvents(List<? extends JobEvent> events) {
        return JobRecord.of(events).snapshot();
    }

    /** Whether one of its warnings or errors cites {@code rule}. */
    public boolean cites(dev.secondsite.core.Rule rule) {
        return warnings.stream().anyMatch(f -> f.rule() == rule) || errors.stream().anyMatch(f -> f.rule() == rule);
    }

    /** Percent of tasks done (succeeded or skipped), 0..100. */
    public int progressPercent() {
        if (tasks.isEmpty()) {
            return state == JobState.SUCCEEDED ? 100 : 0;
        }
        long done = tasks.stream().filter(t -> t.state().isDone()).count();
        return (int) (done * 100 / tasks.size());
    }

    public Optional<TaskStatus> task(String taskId) {
        return tasks.stream().filter(t -> t.id().equals(taskId)).findFirst();
    }

    /** The tasks in {@code state}. */
    public List<TaskStatus> tasksIn(TaskState state) {
        return tasks.stream().filter(t -> t.state() == state).toList();
    }

    @Override
    public String toString() {
        return "Job[" + id + " " + kind + " " + target + " " + state + " " + progressPercent() + "%]";
    }
}
