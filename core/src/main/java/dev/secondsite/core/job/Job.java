package dev.secondsite.core.job;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
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
 * @param warnings pre-flight warnings and warnings noted by tasks
 * @param errors why tasks failed, in order
 */
public record Job(String id, JobKind kind, String target, @Nullable String planName, JobState state,
                  Instant createdAt, @Nullable Instant startedAt, @Nullable Instant endedAt, List<TaskStatus> tasks,
                  List<String> warnings, List<String> errors) {
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
     */
    public static Job fromEvents(List<? extends JobEvent> events) {
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
        return record.snapshot();
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
