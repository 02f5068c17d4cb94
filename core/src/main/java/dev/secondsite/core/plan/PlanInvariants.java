package dev.secondsite.core.plan;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.secondsite.core.Rule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks an {@link ExecutionOrder} against the {@link RecoveryPlan} it claims to run, and lists every way it breaks
 * the plan's rules: a VM missing, repeated or unknown; stages out of place (RP7); a VM in the wrong group or groups
 * out of order (RP3); a dependency started too early (RP3); an action missing, misplaced, reordered or run where it
 * does not apply (RP4). An empty list means the order is faithful to the plan.
 *
 * <p>It depends on no test framework, so that users can call it from their own property tests, with QuickTheories:
 * <pre>{@code
 * qt().forAll(myPlans(), arbitrary().enumValues(FailoverKind.class))
 *     .checkAssert((plan, kind) -> {
 *         ExecutionOrder order = ExecutionOrder.of(plan, kind, FailoverDirection.PRIMARY_TO_RECOVERY);
 *         List<PlanInvariants.Violation> violations = PlanInvariants.check(plan, order);
 *         assertTrue(violations.isEmpty(), violations::toString);
 *     });
 * }</pre>
 * or from a plain JUnit test of an engine that recorded what it ran:
 * <pre>{@code
 * assertEquals(List.of(), PlanInvariants.check(plan, engine.recordedOrder()));
 * }</pre>
 *
 * <p>Thread-safe (stateless).
 */
public final class PlanInvariants {
    private PlanInvariants() {
    }

    /** What a {@link Violation} is about, with the rule it breaks. Thread-safe (an enum). */
    public enum Kind {
        /** The shutdown, failover or boot stages are missing, repeated or out of place (RP7). */
        STAGES(Rule.RP7),
        /** A VM of the plan is missing from a stage (RP5). */
        VM_MISSING(Rule.RP5),
        /** A VM appears more than once in a stage, or in more than one boot stage (RP5). */
        VM_REPEATED(Rule.RP5),
        /** A VM that is not in the plan appears (RP5). */
        VM_UNKNOWN(Rule.RP5),
        /** Boot stages out of group order, or a VM started in another group's stage (RP3). */
        GROUP_ORDER(Rule.RP3),
        /** A VM starts in the same wave as, or before, a VM it waits for (RP3). */
        DEPENDENCY(Rule.RP3),
        /** An action that applies is missing from its slot (RP4). */
        ACTION_MISSING(Rule.RP4),
        /** An action is in another slot than the plan's, out of order, repeated, changed, or not in the plan (RP4). */
        ACTION_MISPLACED(Rule.RP4),
        /** An action runs for a failover kind or direction it does not list (RP4). */
        ACTION_NOT_APPLICABLE(Rule.RP4);

        private final Rule rule;

        Kind(Rule rule) {
            this.rule = rule;
        }

        public Rule rule() {
            return rule;
        }
    }

    /**
     * One way an order breaks its plan. Immutable and thread-safe.
     *
     * @param kind what kind of violation
     * @param message what is wrong, naming the VMs, actions or stages
     */
    public record Violation(Kind kind, String message) {
        public Violation {
            requireNonNull(kind, "kind");
            requireNonNull(message, "message");
        }

        public Rule rule() {
            return kind.rule();
        }

        @Override
        public String toString() {
            return kind.rule() + " " + kind + ": " + message;
        }
    }

    /**
     * Every violation of {@code order} against {@code plan}, stages first, then VMs, dependencies and actions; empty
     * when there is none. {@code order} may be anything, e.g. a deliberately broken one.
     */
    public static List<Violation> check(RecoveryPlan plan, ExecutionOrder order) {
        requireNonNull(plan, "plan");
        requireNonNull(order, "order");
        List<Violation> out = new ArrayList<>();
        boolean shutdownExpected = order.kind() == FailoverKind.PLANNED
                || order.kind() == FailoverKind.UNPLANNED && order.shutdownSource();
        checkStages(plan, order, shutdownExpected, out);
        checkVms(plan, order, out);
        checkActions(plan, order, shutdownExpected, out);
        return ImmutableList.copyOf(out);
    }

    private static void checkStages(RecoveryPlan plan, ExecutionOrder order, boolean shutdownExpected,
                                    List<Violation> out) {
        if (order.kind() == FailoverKind.TEST && order.shutdownSource()) {
            out.add(new Violation(Kind.STAGES, "a test failover never shuts the source down, but shutdownSource is "
                    + "true"));
        }
        if (order.kind() == FailoverKind.PLANNED && !order.shutdownSource()) {
            out.add(new Violation(Kind.STAGES, "a planned failover always shuts the source down, but shutdownSource "
                    + "is false"));
        }
        List<Stage> stages = order.stages();
        int shutdowns = 0;
        int failovers = 0;
        List<Integer> bootGroups = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            switch (s.kind()) {
                case SHUTDOWN -> {
                    shutdowns++;
                    if (i != 0) {
                        out.add(new Violation(Kind.STAGES, "the shutdown stage runs at position " + (i + 1)
                                + "; it must run first"));
                    }
                }
                case FAILOVER -> {
                    failovers++;
                    if (!bootGroups.isEmpty()) {
                        out.add(new Violation(Kind.STAGES, "the failover stage runs after boot stages "
                                + bootGroups + "; it must run before every boot group"));
                    }
                }
                case BOOT -> bootGroups.add(s.group());
            }
        }
        if (shutdowns != (shutdownExpected ? 1 : 0)) {
            out.add(new Violation(Kind.STAGES, "the order has " + shutdowns + " shutdown stages; a " + order.kind()
                    + " failover" + (order.kind() == FailoverKind.UNPLANNED ? " with shutdownSource "
                    + order.shutdownSource() : "") + " needs " + (shutdownExpected ? 1 : 0)));
        }
        if (failovers != 1) {
            out.add(new Violation(Kind.STAGES, "the order has " + failovers + " failover stages; it needs 1"));
        }
        List<Integer> expected = new ArrayList<>();
        for (int g = 1; g <= plan.groupCount(); g++) {
            expected.add(g);
        }
        if (!bootGroups.equals(expected)) {
            out.add(new Violation(Kind.GROUP_ORDER, "the boot stages run groups " + bootGroups + "; the plan's groups"
                    + " run " + expected));
        }
    }

    private static void checkVms(RecoveryPlan plan, ExecutionOrder order, List<Violation> out) {
        // where each VM starts: boot stage index and wave, first occurrence
        Map<String, int[]> started = new HashMap<>();
        Set<String> reported = new HashSet<>();
        List<Stage> stages = order.stages();
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            if (s.kind() != StageKind.BOOT) {
                checkAllOnce(plan, s, out);
                continue;
            }
            for (int w = 0; w < s.waves().size(); w++) {
                for (String vm : s.waves().get(w)) {
                    int group = plan.groupOf(vm).orElse(-1);
                    if (group < 0) {
                        if (reported.add(vm)) {
                            out.add(new Violation(Kind.VM_UNKNOWN, "VM " + vm + " starts in the stage of group "
                                    + s.group() + " but is not in the plan"));
                        }
                    } else if (started.putIfAbsent(vm, new int[] {i, w}) != null) {
                        out.add(new Violation(Kind.VM_REPEATED, "VM " + vm + " starts more than once (again in the "
                                + "stage of group " + s.group() + ")"));
                    } else if (group != s.group()) {
                        out.add(new Violation(Kind.GROUP_ORDER, "VM " + vm + " of group " + group
                                + " starts in the stage of group " + s.group()));
                    }
                }
            }
        }
        for (String vm : plan.vms()) {
            if (!started.containsKey(vm)) {
                out.add(new Violation(Kind.VM_MISSING, "VM " + vm + " of group " + plan.groupOf(vm).orElseThrow()
                        + " is started by no boot stage"));
            }
        }
        for (Dependency d : plan.dependencies()) {
            int[] waiting = started.get(d.vm());
            int[] first = started.get(d.after());
            if (waiting != null && first != null
                    && (waiting[0] < first[0] || waiting[0] == first[0] && waiting[1] <= first[1])) {
                out.add(new Violation(Kind.DEPENDENCY, "VM " + d.vm() + " must start after VM " + d.after()
                        + ", but starts in " + place(stages, waiting) + " and " + d.after() + " in "
                        + place(stages, first)));
            }
        }
    }

    private static String place(List<Stage> stages, int[] at) {
        return "wave " + (at[1] + 1) + " of the stage of " + stages.get(at[0]).label();
    }

    /** A shutdown or failover stage handles every VM of the plan exactly once. */
    private static void checkAllOnce(RecoveryPlan plan, Stage s, List<Violation> out) {
        Set<String> seen = new HashSet<>();
        for (List<String> wave : s.waves()) {
            for (String vm : wave) {
                if (!plan.contains(vm)) {
                    out.add(new Violation(Kind.VM_UNKNOWN, "VM " + vm + " is in the " + s.label()
                            + " stage but not in the plan"));
                } else if (!seen.add(vm)) {
                    out.add(new Violation(Kind.VM_REPEATED, "VM " + vm + " appears more than once in the "
                            + s.label() + " stage"));
                }
            }
        }
        for (String vm : plan.vms()) {
            if (!seen.contains(vm)) {
                out.add(new Violation(Kind.VM_MISSING, "VM " + vm + " is missing from the " + s.label() + " stage"));
            }
        }
    }

    private static void checkActions(RecoveryPlan plan, ExecutionOrder order, boolean shutdownExpected,
                                     List<Violation> out) {
        FailoverKind kind = order.kind();
        FailoverDirection direction = order.direction();
        Set<String> seen = new HashSet<>();
        Map<String, Stage> firstStage = new HashMap<>();
        for (Stage s : order.stages()) {
            firstStage.putIfAbsent(s.label(), s);
            boolean stageExpected = s.kind() != StageKind.SHUTDOWN || shutdownExpected;
            for (Slot.Position position : Slot.Position.values()) {
                for (PlanAction a : s.actions(position)) {
                    String where = position.name().toLowerCase(Locale.ROOT) + " " + s.label();
                    Slot home = plan.slotOf(a.name());
                    if (!a.appliesTo(kind, direction)) {
                        out.add(new Violation(Kind.ACTION_NOT_APPLICABLE, "action " + a.name() + " runs " + where
                                + " but does not apply to a " + kind + " failover " + direction));
                    } else if (home == null || !plan.actions(home).contains(a)) {
                        out.add(new Violation(Kind.ACTION_MISPLACED, "action " + a.name() + " runs " + where
                                + " but the plan has no such action"));
                    } else if (home.stage() != s.kind() || home.group() != s.group() || home.position() != position
                            || !stageExpected) {
                        out.add(new Violation(Kind.ACTION_MISPLACED, "action " + a.name() + " runs " + where
                                + (stageExpected ? "; the plan has it " + home : "; that stage must not run")));
                    } else if (!seen.add(a.name())) {
                        out.add(new Violation(Kind.ACTION_MISPLACED, "action " + a.name() + " runs more than once "
                                + where));
                    }
                }
            }
        }
        for (Slot slot : plan.slots()) {
            if (slot.stage() == StageKind.SHUTDOWN && !shutdownExpected) {
                continue;
            }
            List<String> expected = plan.actions(slot).stream().filter(a -> a.appliesTo(kind, direction))
                    .map(PlanAction::name).toList();
            Stage s = firstStage.get(Stage.label(slot.stage(), slot.group()));
            List<String> actual = s == null ? List.of()
                    : s.actions(slot.position()).stream().map(PlanAction::name).filter(expected::contains)
                    .distinct().toList();
            for (String name : expected) {
                if (!actual.contains(name)) {
                    out.add(new Violation(Kind.ACTION_MISSING, "action " + name + " applies but does not run "
                            + slot));
                }
            }
            List<String> present = expected.stream().filter(actual::contains).toList();
            if (!present.equals(actual)) {
                out.add(new Violation(Kind.ACTION_MISPLACED, "the actions " + slot + " run in the order " + actual
                        + "; the plan's order is " + present));
            }
        }
    }
}
