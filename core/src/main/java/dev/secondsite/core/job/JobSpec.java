package dev.secondsite.core.job;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.secondsite.core.Finding;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * Everything a job will do, decided when it is created: its kind, its target (a plan, a VM, a pairing), its phases
 * of tasks, and the warnings of its pre-flight check. Journaled whole when the job is created, so a job can be
 * rebuilt from its events alone.
 *
 * @param kind what the job does
 * @param target what it acts on, e.g. {@code "plan Web tier"} or {@code "vm vm-1"}
 * @param planName the recovery plan it runs, or null
 * @param phases the phases, in order
 * @param warnings findings of the pre-flight check that do not block the job (e.g. N3 disconnected VMs)
 * @param preconditions what the job found when it was created, checked again by a restart (J6); null when not known
 *     (a spec built outside a vault, or journaled by a release without it): a restart then checks only J5
 */
public record JobSpec(JobKind kind, String target, @Nullable String planName, List<Phase> phases,
                      List<Finding> warnings, @Nullable JobPreconditions preconditions) {
    /** A spec without preconditions; the vault adds them when it submits the job ({@link #withPreconditions}). */
    public JobSpec(JobKind kind, String target, @Nullable String planName, List<Phase> phases,
                   List<Finding> warnings) {
        this(kind, target, planName, phases, warnings, null);
    }

    public JobSpec {
        requireNonNull(kind, "kind");
        Checks.text("job", "target", target);
        phases = ImmutableList.copyOf(phases);
        warnings = ImmutableList.copyOf(warnings);
        Set<String> ids = new HashSet<>();
        for (Phase phase : phases) {
            for (TaskSpec task : phase.tasks()) {
                if (!ids.add(task.id())) {
                    throw InvalidConfigurationException.of(Rule.J1, "job " + target, "tasks.id", task.id(),
                            "tasks.id ('" + task.id() + "') appears more than once");
                }
            }
        }
    }

    /** This spec with {@code preconditions} (J6). */
    public JobSpec withPreconditions(JobPreconditions preconditions) {
        requireNonNull(preconditions, "preconditions");
        return new JobSpec(kind, target, planName, phases, warnings, preconditions);
    }

    /** Every task, phase by phase. */
    public List<TaskSpec> tasks() {
        return phases.stream().flatMap(p -> p.tasks().stream()).toList();
    }
}
