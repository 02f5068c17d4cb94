package dev.secondsite.core.job;

import com.google.common.collect.ImmutableList;
import dev.secondsite.core.internal.Checks;
import java.util.List;

/**
 * Tasks that may run in parallel (bounded); phases run one after the other. A recovery plan's execution order maps
 * onto phases: each action alone, the shutdown and failover steps, each wave of each boot group (RP3, RP7).
 *
 * @param name what the job shows, e.g. {@code "Group 2, wave 1"}
 * @param tasks the tasks, in the order they are started
 */
public record Phase(String name, List<TaskSpec> tasks) {
    public Phase {
        Checks.text("phase", "name", name);
        tasks = ImmutableList.copyOf(tasks);
    }
}
