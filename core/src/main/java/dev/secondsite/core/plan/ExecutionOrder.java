package dev.secondsite.core.plan;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;
import java.util.List;

/**
 * The stages a failover job runs for a plan, in order (RP7): the shutdown stage (planned failover: always; unplanned:
 * only when asked; test: never), the failover stage, then boot groups 1..n. Each stage carries the actions of its
 * slots that apply to the failover's kind and direction, in the plan's order (RP4), and its VMs in waves: inside a
 * boot group, VMs that wait for nothing start in the first wave, every other VM in the wave after the last VM it waits
 * for (RP3); inside a wave, VMs keep the order they were added to the plan.
 *
 * <p>{@link #of(RecoveryPlan, FailoverKind, FailoverDirection) of} is a pure function (RP5): the same plan, kind,
 * direction and shutdown choice always give an equal order. It costs time linear in the number of groups and actions;
 * the waves were worked out when the plan was built.
 *
 * <p>The record's constructor checks only that values are present, so that tests can build broken orders and see
 * {@link PlanInvariants} find what is wrong with them.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind the failover kind
 * @param direction the failover direction
 * @param shutdownSource whether the order shuts the source VMs down
 * @param stages the stages in the order they run
 */
public record ExecutionOrder(FailoverKind kind, FailoverDirection direction, boolean shutdownSource,
                             List<Stage> stages) {
    /** @throws dev.secondsite.core.InvalidConfigurationException (INPUT) when a value is missing */
    public ExecutionOrder {
        Checks.present(Rule.INPUT, "execution order", "kind", kind);
        Checks.present(Rule.INPUT, "execution order", "direction", direction);
        stages = ImmutableList.copyOf(stages);
    }

    /**
     * The order of {@code plan} for a failover of {@code kind} in {@code direction}, shutting the source VMs down for a
     * planned failover and not for a test or unplanned one.
     */
    public static ExecutionOrder of(RecoveryPlan plan, FailoverKind kind, FailoverDirection direction) {
        return of(plan, kind, direction, false);
    }

    /**
     * The order of {@code plan} for a failover of {@code kind} in {@code direction}.
     *
     * @param shutdownSource for an unplanned failover, whether to try to shut the source VMs down first (F3); a planned
     *                       failover always does (F2) and a test failover never does (F1), whatever this says
     */
    public static ExecutionOrder of(RecoveryPlan plan, FailoverKind kind, FailoverDirection direction,
                                    boolean shutdownSource) {
        requireNonNull(plan, "plan");
        requireNonNull(kind, "kind");
        requireNonNull(direction, "direction");
        boolean shutdown = shutsDown(kind, shutdownSource);
        ImmutableList.Builder<Stage> stages = ImmutableList.builderWithExpectedSize(plan.groupCount() + 2);
        List<List<String>> allAtOnce = plan.vms().isEmpty() ? List.of() : List.of(plan.vms());
        if (shutdown) {
            stages.add(stage(plan, kind, direction, StageKind.SHUTDOWN, 0, allAtOnce));
        }
        stages.add(stage(plan, kind, direction, StageKind.FAILOVER, 0, allAtOnce));
        for (int g = 1; g <= plan.groupCount(); g++) {
            stages.add(stage(plan, kind, direction, StageKind.BOOT, g, plan.waves(g - 1)));
        }
        return new ExecutionOrder(kind, direction, shutdown, stages.build());
    }

    /**
     * The order for failing one VM over on its own (RP6): shutdown (as for a plan), failover, then one boot stage
     * (group 1) that starts the VM. No plan, so no actions.
     *
     * @throws dev.secondsite.core.InvalidConfigurationException (INPUT) when {@code vmId} is blank
     */
    public static ExecutionOrder ofVm(String vmId, FailoverKind kind, FailoverDirection direction,
                                      boolean shutdownSource) {
        Checks.text("execution order", "vmId", vmId);
        requireNonNull(kind, "kind");
        requireNonNull(direction, "direction");
        boolean shutdown = shutsDown(kind, shutdownSource);
        List<List<String>> one = List.of(List.of(vmId));
        ImmutableList.Builder<Stage> stages = ImmutableList.builder();
        if (shutdown) {
            stages.add(new Stage(StageKind.SHUTDOWN, 0, List.of(), one, List.of()));
        }
        stages.add(new Stage(StageKind.FAILOVER, 0, List.of(), one, List.of()));
        stages.add(new Stage(StageKind.BOOT, 1, List.of(), one, List.of()));
        return new ExecutionOrder(kind, direction, shutdown, stages.build());
    }

    /** Whether a failover of {@code kind} shuts the source down, given the caller's wish for an unplanned one (RP7). */
    public static boolean shutsDown(FailoverKind kind, boolean shutdownSourceIfUnplanned) {
        return switch (kind) {
            case TEST -> false;
            case PLANNED -> true;
            case UNPLANNED -> shutdownSourceIfUnplanned;
        };
    }

    private static Stage stage(RecoveryPlan plan, FailoverKind kind, FailoverDirection direction, StageKind stage,
                               int group, List<? extends List<String>> waves) {
        return new Stage(stage, group,
                applicable(plan.actions(new Slot(stage, group, Slot.Position.BEFORE)), kind, direction),
                ImmutableList.<List<String>>copyOf(waves),
                applicable(plan.actions(new Slot(stage, group, Slot.Position.AFTER)), kind, direction));
    }

    private static List<PlanAction> applicable(List<PlanAction> actions, FailoverKind kind,
                                               FailoverDirection direction) {
        return actions.stream().filter(a -> a.appliesTo(kind, direction)).collect(ImmutableList.toImmutableList());
    }

    /** Every VM id of every boot stage, in order. */
    public List<String> bootOrder() {
        return stages.stream().filter(s -> s.kind() == StageKind.BOOT).flatMap(s -> s.vms().stream())
                .collect(ImmutableList.toImmutableList());
    }
}
