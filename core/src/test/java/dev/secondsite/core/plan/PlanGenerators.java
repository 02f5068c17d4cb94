package dev.secondsite.core.plan;

import static org.quicktheories.generators.SourceDSL.integers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;

/**
 * QuickTheories generators of random valid recovery plans, shared by the plan and JSON property tests. Plans draw
 * every choice from the framework's randomness, so failures shrink towards small plans.
 */
public final class PlanGenerators {
    public static final String SOURCE = "vmm-a";
    public static final String TARGET = "vmm-b";

    private PlanGenerators() {
    }

    /** A plan and a context that knows its VMs as protected on its source server. */
    public record PlanCase(RecoveryPlan plan, PlanContext context) {
        @Override
        public String toString() {
            return describe(plan);
        }
    }

    /** Random valid plans: 1..5 groups, 0..24 VMs, in-group DAG and earlier-group dependencies, 0..8 actions. */
    public static Gen<PlanCase> plans() {
        return PlanGenerators::randomPlan;
    }

    /**
     * Random valid plans that also hold, whatever else they hold: VMs a1 and a2 (a2 after a1) in group 1, b1 in group
     * 2, actions pinned-1 and pinned-2 (for every kind and direction) before group 1, and action only-test (TEST,
     * both directions) after the failover step: enough for each planted violation to have something to break.
     */
    public static Gen<PlanCase> richPlans() {
        return in -> {
            PlanCase random = randomPlan(in);
            List<String> extra = List.of("a1", "a2", "b1");
            PlanContext context = PlanContext.builder().protectedVms(SOURCE, random.plan().vms())
                    .protectedVms(SOURCE, extra).build();
            RecoveryPlan.Builder b = random.plan().toBuilder(context);
            if (b.groupCount() < 2) {
                b.addGroup();
            }
            b.addVm(1, "a1").addVm(1, "a2").addVm(2, "b1").addDependency("a2", "a1")
                    .addAction(Slot.beforeGroup(1), PlanAction.manual("pinned-1", "check"))
                    .addAction(Slot.beforeGroup(1), PlanAction.script("pinned-2", "pinned.ps1", ScriptSide.PRIMARY))
                    .addAction(Slot.afterFailover(), PlanAction.manual("only-test", "look")
                            .withKinds(FailoverKind.TEST));
            return new PlanCase(b.build(), context);
        };
    }

    private static int between(RandomnessSource in, int min, int max) {
        return integers().between(min, max).generate(in);
    }

    private static PlanCase randomPlan(RandomnessSource in) {
        int groups = between(in, 1, 5);
        int vmCount = between(in, 0, 24);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < vmCount; i++) {
            ids.add("vm-" + i);
        }
        PlanContext context = PlanContext.of(SOURCE, ids);
        RecoveryPlan.Builder b = RecoveryPlan.builder("plan-" + between(in, 0, 9), SOURCE, TARGET, context);
        for (int g = 2; g <= groups; g++) {
            b.addGroup();
        }
        int[] groupOf = new int[vmCount];
        for (int i = 0; i < vmCount; i++) {
            groupOf[i] = between(in, 1, groups);
            b.addVm(groupOf[i], ids.get(i));
        }
        // VM i may wait for VM j < i of its own group (the order of addition is a topological order, so no cycle)
        // or for any VM of an earlier group
        for (int i = 0; i < vmCount; i++) {
            int deps = between(in, 0, 3);
            List<Integer> chosen = new ArrayList<>();
            for (int d = 0; d < deps; d++) {
                int j = between(in, 0, vmCount - 1);
                boolean allowed = groupOf[j] < groupOf[i] || groupOf[j] == groupOf[i] && j < i;
                if (allowed && !chosen.contains(j)) {
                    chosen.add(j);
                    b.addDependency(ids.get(i), ids.get(j));
                }
            }
        }
        RecoveryPlan plan = b.build();
        int actions = between(in, 0, 8);
        List<Slot> slots = plan.slots();
        for (int a = 0; a < actions; a++) {
            Slot slot = slots.get(between(in, 0, slots.size() - 1));
            int index = between(in, 0, b.build().actions(slot).size());
            b.addAction(slot, index, action(in, "action-" + a));
        }
        return new PlanCase(b.build(), context);
    }

    /** A random script or manual action named {@code name} with random non-empty kinds and directions. */
    public static PlanAction action(RandomnessSource in, String name) {
        PlanAction action = between(in, 0, 1) == 0
                ? PlanAction.script(name, "scripts\\" + name + ".ps1",
                between(in, 0, 1) == 0 ? ScriptSide.PRIMARY : ScriptSide.RECOVERY,
                Duration.ofSeconds(between(in, 1, 3600)))
                : PlanAction.manual(name, "do " + name);
        return action.withKinds(subset(FailoverKind.class, between(in, 1, 7)))
                .withDirections(subset(FailoverDirection.class, between(in, 1, 3)));
    }

    private static <E extends Enum<E>> Set<E> subset(Class<E> type, int mask) {
        Set<E> set = EnumSet.noneOf(type);
        for (E e : type.getEnumConstants()) {
            if ((mask & (1 << e.ordinal())) != 0) {
                set.add(e);
            }
        }
        return set;
    }

    /** A short description of a plan for failure reports. */
    public static String describe(RecoveryPlan plan) {
        StringBuilder s = new StringBuilder(plan.name()).append(':');
        for (Slot slot : plan.slots()) {
            if (!plan.actions(slot).isEmpty()) {
                s.append(' ').append(slot).append('=').append(plan.actions(slot).stream()
                        .map(a -> a.name() + a.kinds() + a.directions()).collect(Collectors.joining(",")));
            }
        }
        for (int g = 1; g <= plan.groupCount(); g++) {
            s.append(" | group ").append(g).append(' ').append(plan.group(g).vms())
                    .append(" deps ").append(plan.group(g).dependencies());
        }
        return s.toString();
    }
}
