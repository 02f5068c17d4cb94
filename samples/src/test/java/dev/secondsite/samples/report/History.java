package dev.secondsite.samples.report;

import dev.secondsite.core.job.JobEvent;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobSpec;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.Phase;
import dev.secondsite.core.job.Step;
import dev.secondsite.core.job.TaskSpec;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scripts job events into a {@link JobRecorder} (or any listener) the way the engine would send them, with the
 * listener's state and progress arguments kept consistent. Test helper; not thread-safe.
 */
final class History {
    private final dev.secondsite.core.job.JobListener listener;
    private final Map<String, int[]> doneAndTotal = new HashMap<>();
    private final Map<String, JobState> states = new HashMap<>();

    History(dev.secondsite.core.job.JobListener listener) {
        this.listener = listener;
    }

    static Instant at(Instant origin, long ms) {
        return origin.plus(Duration.ofMillis(ms));
    }

    static Step command(HostCommand command) {
        return new Step.Command(new CommandRequest("key/" + command.hashCode(), "vmm-b", "hv11.fabrikam.local",
                command));
    }

    static TaskSpec task(String id, String name, String vmId, HostCommand command) {
        return TaskSpec.of(id, name, vmId, List.of(command(command)));
    }

    static TaskSpec bootTask(String vmId, String vmName, int group) {
        return task("boot/" + vmId, "Start " + vmName + " in group " + group, vmId,
                new HostCommand.StartVm(vmId, vmName, false));
    }

    static TaskSpec failoverTask(String vmId, String vmName) {
        return task("failover/" + vmId, "Fail over " + vmName, vmId, new HostCommand.PrepareFailover(vmId, vmName));
    }

    static TaskSpec manualTask(String id, String name, String instructions) {
        return TaskSpec.of(id, name, null, List.of(new Step.Manual(instructions)));
    }

    static TaskSpec replicationTask(String vmId, String vmName) {
        HostCommand status = new HostCommand.GetReplicationStatus(vmId, vmName);
        return TaskSpec.of("protect/" + vmId, "Protect " + vmName, vmId, List.of(
                command(new HostCommand.StartInitialReplication(vmId, vmName,
                        new HostCommand.InitialReplicationMethod.OverNetworkNow(), null)),
                new Step.WaitUntil(new CommandRequest("key/poll/" + vmId, "vmm-a", "hv01", status), "Replicating",
                        Duration.ofSeconds(1), Duration.ofMinutes(30))));
    }

    void create(String jobId, Instant at, JobKind kind, String target, List<Phase> phases) {
        JobSpec spec = new JobSpec(kind, target, target.startsWith("plan ") ? target.substring(5) : null, phases,
                List.of());
        doneAndTotal.put(jobId, new int[] {0, spec.tasks().size()});
        states.put(jobId, JobState.NOT_STARTED);
        emit(new JobEvent.Created(jobId, at, spec));
    }

    void start(String jobId, Instant at) {
        states.put(jobId, JobState.IN_PROGRESS);
        emit(new JobEvent.Started(jobId, at));
    }

    void taskStarted(String jobId, String taskId, Instant at) {
        emit(new JobEvent.TaskStarted(jobId, at, taskId));
    }

    /** One attempt of step {@code step}: sent at {@code sent}, answered {@code took} later with {@code result}. */
    void attempt(String jobId, String taskId, int step, int attempt, Instant sent, Duration took,
                 CommandResult result) {
        emit(new JobEvent.CommandSent(jobId, sent, taskId, step, attempt));
        emit(new JobEvent.CommandCompleted(jobId, sent.plus(took), taskId, step, attempt, result));
    }

    void polling(String jobId, String taskId, int step, Instant at, String condition) {
        emit(new JobEvent.TaskPolling(jobId, at, taskId, step, condition, at.plus(Duration.ofMinutes(30))));
    }

    void waiting(String jobId, String taskId, Instant at, String instructions) {
        states.put(jobId, JobState.WAITING_FOR_ACTION);
        emit(new JobEvent.TaskWaiting(jobId, at, taskId, instructions));
    }

    void resumed(String jobId, String taskId, int step, Instant at, String comment) {
        states.put(jobId, JobState.IN_PROGRESS);
        emit(new JobEvent.TaskResumed(jobId, at, taskId, step, comment));
    }

    void succeeded(String jobId, String taskId, Instant at) {
        doneAndTotal.computeIfAbsent(jobId, j -> new int[] {0, 0})[0]++;
        emit(new JobEvent.TaskSucceeded(jobId, at, taskId));
    }

    void skipped(String jobId, String taskId, Instant at, String reason) {
        doneAndTotal.computeIfAbsent(jobId, j -> new int[] {0, 0})[0]++;
        emit(new JobEvent.TaskSkipped(jobId, at, taskId, reason));
    }

    void failed(String jobId, String taskId, Instant at, String error) {
        emit(new JobEvent.TaskFailed(jobId, at, taskId, error));
    }

    void finished(String jobId, Instant at, JobState state, String message) {
        states.put(jobId, state);
        emit(new JobEvent.Finished(jobId, at, state, message));
    }

    void emit(JobEvent event) {
        int[] progress = doneAndTotal.getOrDefault(event.jobId(), new int[] {0, 0});
        listener.onEvent(event, states.getOrDefault(event.jobId(), JobState.IN_PROGRESS),
                progress[1] == 0 ? 0 : progress[0] * 100 / progress[1]);
    }
}
