package dev.secondsite.core.plan;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * One boot group of a {@link RecoveryPlan} (RP2, RP3): its VMs in the order they were added, the dependencies of those
 * VMs, and the actions before and after the group (RP4). Its number is its position in {@link RecoveryPlan#groups()}
 * plus one. A plan checks the group's content against the rest of the plan when it is built.
 *
 * <p>Immutable and thread-safe.
 *
 * @param vms the ids of its VMs, in the order they were added (the order of parallel starts inside a wave)
 * @param dependencies the dependencies whose {@link Dependency#vm() waiting VM} is in this group, in the order added
 *                     (an immutable list)
 * @param before the actions before the group starts, in order
 * @param after the actions after every VM of the group has started, in order
 */
public record RecoveryGroup(List<String> vms, List<Dependency> dependencies, List<PlanAction> before,
                            List<PlanAction> after) {
    public RecoveryGroup {
        vms = ImmutableList.copyOf(vms);
        dependencies = DependencyList.copyOf(dependencies);
        before = ImmutableList.copyOf(before);
        after = ImmutableList.copyOf(after);
    }

    /** The actions before or after the group. */
    public List<PlanAction> actions(Slot.Position position) {
        return position == Slot.Position.BEFORE ? before : after;
    }
}
