package dev.secondsite.core.plan;

import com.google.common.collect.ImmutableList;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;
import java.util.List;
import java.util.Locale;

/**
 * One step of an {@link ExecutionOrder}: the actions to run before it, its VMs in waves, the actions to run after it.
 * An engine runs the before-actions in order, then the waves in order (the VMs of one wave in parallel, bounded; a
 * wave starts when every VM of the previous one has finished), then the after-actions in order.
 *
 * <ul>
 *   <li>{@link StageKind#SHUTDOWN}: one wave with every VM of the plan (shut down in parallel).</li>
 *   <li>{@link StageKind#FAILOVER}: one wave with every VM of the plan (failed over in parallel, RP7).</li>
 *   <li>{@link StageKind#BOOT}: the VMs of one group in waves that respect their dependencies (RP3).</li>
 * </ul>
 * A stage with no VMs has no waves; its actions still run.
 *
 * <p>The constructor checks only that values are present, so that tests can build broken stages and see {@link
 * PlanInvariants} find what is wrong with them.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind the step
 * @param group the boot group number (1..n) for {@link StageKind#BOOT}, 0 otherwise
 * @param before the actions before the step, only those that apply to the failover's kind and direction
 * @param waves the VM ids, wave by wave
 * @param after the actions after the step, only those that apply
 */
public record Stage(StageKind kind, int group, List<PlanAction> before, List<List<String>> waves,
                    List<PlanAction> after) {
    /** @throws InvalidConfigurationException (INPUT) when a value is missing */
    public Stage {
        Checks.present(Rule.INPUT, "stage", "kind", kind);
        before = ImmutableList.copyOf(before);
        waves = waves.stream().map(ImmutableList::copyOf).collect(ImmutableList.toImmutableList());
        after = ImmutableList.copyOf(after);
    }

    /** Every VM of the stage, wave after wave. */
    public List<String> vms() {
        return waves.stream().flatMap(List::stream).collect(ImmutableList.toImmutableList());
    }

    /** The actions before or after the step. */
    public List<PlanAction> actions(Slot.Position position) {
        return position == Slot.Position.BEFORE ? before : after;
    }

    /** "shutdown", "failover", "group 2". */
    public String label() {
        return label(kind, group);
    }

    static String label(StageKind kind, int group) {
        return kind == StageKind.BOOT ? "group " + group : kind.name().toLowerCase(Locale.ROOT);
    }
}
