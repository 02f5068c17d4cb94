package dev.secondsite.core.job;

import com.google.common.collect.ImmutableList;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;
import java.util.List;
import javax.annotation.Nullable;

/**
 * What one task of a job does: its steps, in order.
 *
 * @param id unique within the job and stable (idempotency keys and journal records refer to it)
 * @param name what the job's task list shows, e.g. {@code "Fail over web-01"}
 * @param vmId the VM the task is about, or null
 * @param steps the steps, run in order; a restarted task goes on after its last completed step
 * @param onFailure whether a failure of this task stops the job (RP8: a script stops a planned failover, not an
 *     unplanned one)
 * @param skipIfFailedOver skip the task, with a note, when its VM was already failed over by another run (RP9)
 */
public record TaskSpec(String id, String name, @Nullable String vmId, List<Step> steps, OnFailure onFailure,
                       boolean skipIfFailedOver) {
    /** What a failed task does to its job. */
    public enum OnFailure {
        /** The job fails at this task and can be restarted from it (J2). */
        STOP_JOB,
        /** The failure is recorded and the job goes on (RP8 for unplanned failovers). */
        RECORD_AND_CONTINUE
    }

    public TaskSpec {
        Checks.text("task", "id", id);
        Checks.text("task " + id, "name", name);
        steps = ImmutableList.copyOf(steps);
        if (steps.isEmpty()) {
            throw InvalidConfigurationException.of(Rule.J1, "task " + id, "steps", 0, "steps (0) must not be empty");
        }
        Checks.present(Rule.J1, "task " + id, "onFailure", onFailure);
    }

    /** A task that stops the job when it fails and is never skipped. */
    public static TaskSpec of(String id, String name, @Nullable String vmId, List<Step> steps) {
        return new TaskSpec(id, name, vmId, steps, OnFailure.STOP_JOB, false);
    }
}
