package dev.secondsite.samples.report;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * One job's recorded timeline: what it was, when it ran, and every task's timeline in the job's order.
 *
 * <p>Immutable and thread-safe; {@code tasks} is an immutable copy.
 *
 * @param jobId the job's id
 * @param label the caller's name for the job ({@link JobRecorder#label}), or null
 * @param kind what the job does, or null when its creation was not recorded
 * @param target what it acts on, e.g. {@code "plan Web tier"}
 * @param planName the recovery plan it ran, or null
 * @param state its latest state
 * @param progressPercent tasks done, 0..100
 * @param created when it was created, or null when that was not recorded
 * @param started when it first started, or null
 * @param ended when it last ended, or null while it runs
 * @param message the job's final message, or null
 * @param tasks its tasks, phase by phase
 */
public record JobTimeline(String jobId, @Nullable String label, @Nullable JobKind kind, String target,
                          @Nullable String planName, JobState state, int progressPercent, @Nullable Instant created,
                          @Nullable Instant started, @Nullable Instant ended, @Nullable String message,
                          List<TaskTimeline> tasks) {
    /** The kinds whose RTO is measured: every failover of a plan or VM, test failovers included. */
    public static final Set<JobKind> FAILOVER_KINDS = Set.copyOf(EnumSet.of(JobKind.TEST_FAILOVER,
            JobKind.PLANNED_FAILOVER, JobKind.UNPLANNED_FAILOVER));

    /**
     * @throws IllegalArgumentException when {@code progressPercent} is outside 0..100 or {@code ended} is before
     *     {@code started}
     */
    public JobTimeline {
        requireNonNull(jobId, "jobId");
        requireNonNull(target, "target");
        requireNonNull(state, "state");
        tasks = ImmutableList.copyOf(tasks);
        if (progressPercent < 0 || progressPercent > 100) {
            throw new IllegalArgumentException("job " + jobId + ": progressPercent (" + progressPercent
                    + ") must be within 0..100");
        }
        if (started != null && ended != null && ended.isBefore(started)) {
            throw new IllegalArgumentException("job " + jobId + ": ended (" + ended + ") must not be before started ("
                    + started + ")");
        }
    }

    /** The label if one was given, otherwise the kind in words and the target, e.g. "Planned failover: plan Web". */
    public String displayName() {
        if (label != null) {
            return label;
        }
        if (kind == null) {
            return target;
        }
        String words = kind.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1) + ": " + target;
    }

    /** From the first start to the last end, empty while it runs or if it never started. */
    public Optional<Duration> duration() {
        return started == null || ended == null ? Optional.empty() : Optional.of(Duration.between(started, ended));
    }

    /** True for test, planned and unplanned failovers (failbacks are planned failovers). */
    public boolean isFailover() {
        return kind != null && FAILOVER_KINDS.contains(kind);
    }

    /**
     * The measured recovery time (RTO) of a failover: from the job's first start to the end of the last task that
     * started a VM on the target site (its start-VM command succeeded). It includes the pre-flight check, the shutdown,
     * the failover of every VM, the boot groups in order and any time spent waiting for manual actions or scripts
     * placed before the last boot; actions after the last VM started are not part of it.
     *
     * @return empty unless this is a {@linkplain #isFailover() failover} that succeeded and started at least one VM
     */
    public Optional<Duration> recoveryTime() {
        if (!isFailover() || state != JobState.SUCCEEDED || started == null) {
            return Optional.empty();
        }
        return tasks.stream().filter(t -> t.startsVm() && t.state() == TaskState.SUCCEEDED && t.ended() != null)
                .map(TaskTimeline::ended).max(Instant::compareTo).map(last -> Duration.between(started, last));
    }

    /** How many command attempts failed transiently and were retried, over all tasks. */
    public int retries() {
        return tasks.stream().mapToInt(TaskTimeline::retries).sum();
    }

    /** The number of tasks in {@code taskState}. */
    public int count(TaskState taskState) {
        return (int) tasks.stream().filter(t -> t.state() == taskState).count();
    }

    /** The time tasks spent waiting for manual actions. */
    public Duration manualWait() {
        return tasks.stream().map(TaskTimeline::manualWait).reduce(Duration.ZERO, Duration::plus);
    }

    /** The task with {@code taskId}, if the job has it. */
    public Optional<TaskTimeline> task(String taskId) {
        return tasks.stream().filter(t -> t.id().equals(taskId)).findFirst();
    }
}
