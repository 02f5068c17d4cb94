package dev.secondsite.samples.report;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.secondsite.core.job.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.annotation.Nullable;

/**
 * What one task of a job did, as recorded: when it ran, every attempt of its commands, every wait, its notes and how
 * it ended.
 *
 * <p>Immutable and thread-safe; its lists are immutable copies.
 *
 * @param id the task's id within its job
 * @param name what the job's task list shows, e.g. {@code "Start web01 in group 2"}
 * @param phase the name of the task's phase, or null when the job's creation was not recorded
 * @param vmId the VM the task is about, or null
 * @param startsVm whether one of the task's steps starts a VM (what the RTO measures, see
 *     {@link JobTimeline#recoveryTime()})
 * @param state the task's latest state
 * @param started when it first started, or null if it never did
 * @param ended when it last ended (succeeded, failed, skipped, cancelled), or null
 * @param attempts every attempt of its command steps, in the order they were sent
 * @param waits every wait, in order
 * @param notes remarks on the task (a stale recovery point, a script failure that did not stop the job)
 * @param outcomeMessage why it failed or was skipped, or null
 */
public record TaskTimeline(String id, String name, @Nullable String phase, @Nullable String vmId, boolean startsVm,
                           TaskState state, @Nullable Instant started, @Nullable Instant ended,
                           List<Attempt> attempts, List<TaskWait> waits, List<String> notes,
                           @Nullable String outcomeMessage) {
    /** @throws IllegalArgumentException when {@code ended} is before {@code started} */
    public TaskTimeline {
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        requireNonNull(state, "state");
        attempts = ImmutableList.copyOf(attempts);
        waits = ImmutableList.copyOf(waits);
        notes = ImmutableList.copyOf(notes);
        if (started != null && ended != null && ended.isBefore(started)) {
            throw new IllegalArgumentException("task " + id + ": ended (" + ended + ") must not be before started ("
                    + started + ")");
        }
    }

    /** How many attempts failed transiently and were sent again. */
    public int retries() {
        return (int) attempts.stream().filter(Attempt::retried).count();
    }

    /** From the first start to the last end, empty while it runs or if it never started. */
    public Optional<Duration> duration() {
        return started == null || ended == null ? Optional.empty() : Optional.of(Duration.between(started, ended));
    }

    /** The time spent waiting for manual actions. */
    public Duration manualWait() {
        return waits.stream().filter(w -> w.kind() == TaskWait.Kind.MANUAL_ACTION)
                .map(w -> w.duration().orElse(Duration.ZERO)).reduce(Duration.ZERO, Duration::plus);
    }
}
