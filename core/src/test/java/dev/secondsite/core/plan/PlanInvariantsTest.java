package dev.secondsite.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.Rule;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PlanInvariantsTest {
    private static final FailoverDirection FORWARD = FailoverDirection.PRIMARY_TO_RECOVERY;
    private static final PlanContext CONTEXT = PlanContext.of("vmm-a", List.of("a1", "a2", "a3", "b1", "b2"));

    /** The shape {@link PlanGenerators#richPlans()} guarantees, and a little more. */
    private static RecoveryPlan plan() {
        return RecoveryPlan.builder("p", "vmm-a", "vmm-b", CONTEXT).addGroup()
                .addVm(1, "a1").addVm(1, "a2").addVm(1, "a3").addVm(2, "b1").addVm(2, "b2")
                .addDependency("a2", "a1").addDependency("b2", "a3")
                .addAction(Slot.beforeGroup(1), PlanAction.manual("pinned-1", "check"))
                .addAction(Slot.beforeGroup(1), PlanAction.script("pinned-2", "pinned.ps1", ScriptSide.PRIMARY))
                .addAction(Slot.afterFailover(), PlanAction.manual("only-test", "look").withKinds(FailoverKind.TEST))
                .build();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(OrderMutation.class)
    @DisplayName("RP5 the checker reports each kind of broken order, with its rule")
    void findsEachViolation(OrderMutation mutation) {
        for (long seed = 0; seed < 20; seed++) {
            ExecutionOrder broken = mutation.breakOrder(plan(), FailoverKind.UNPLANNED, FORWARD, seed);
            List<PlanInvariants.Violation> found = PlanInvariants.check(plan(), broken);
            assertTrue(found.stream().anyMatch(v -> v.kind() == mutation.expected()),
                    mutation + " (seed " + seed + ") gave " + found);
            assertTrue(found.stream().allMatch(v -> v.rule() == v.kind().rule()));
        }
    }

    @Test
    @DisplayName("RP5 a faithful order has no violation")
    void faithfulOrder() {
        for (FailoverKind kind : FailoverKind.values()) {
            assertEquals(List.of(), PlanInvariants.check(plan(), ExecutionOrder.of(plan(), kind, FORWARD)));
        }
    }

    @Test
    @DisplayName("RP3 a VM started before what it waits for in an earlier group is a dependency violation")
    void dependencyAcrossGroups() {
        // b2 (group 2) waits for a3 (group 1): swapping the groups breaks it as well as the group order
        ExecutionOrder order = ExecutionOrder.of(plan(), FailoverKind.TEST, FORWARD);
        List<Stage> stages = List.of(order.stages().get(0), order.stages().get(2), order.stages().get(1));
        List<PlanInvariants.Violation> found = PlanInvariants.check(plan(),
                new ExecutionOrder(order.kind(), order.direction(), false, stages));
        assertTrue(found.stream().anyMatch(v -> v.kind() == PlanInvariants.Kind.DEPENDENCY
                && v.message().contains("b2") && v.message().contains("a3")), found.toString());
        assertTrue(found.stream().anyMatch(v -> v.kind() == PlanInvariants.Kind.GROUP_ORDER), found.toString());
    }

    @Test
    @DisplayName("RP7 a planned order that does not shut down, or runs failover after boot, breaks the stage order")
    void stageViolations() {
        ExecutionOrder order = ExecutionOrder.of(plan(), FailoverKind.PLANNED, FORWARD);
        ExecutionOrder claimsNoShutdown = new ExecutionOrder(FailoverKind.PLANNED, FORWARD, false, order.stages());
        assertTrue(PlanInvariants.check(plan(), claimsNoShutdown).stream()
                .anyMatch(v -> v.kind() == PlanInvariants.Kind.STAGES));
        List<Stage> failoverLast = List.of(order.stages().get(0), order.stages().get(2), order.stages().get(3),
                order.stages().get(1));
        List<PlanInvariants.Violation> found = PlanInvariants.check(plan(),
                new ExecutionOrder(FailoverKind.PLANNED, FORWARD, true, failoverLast));
        assertTrue(found.stream().anyMatch(v -> v.kind() == PlanInvariants.Kind.STAGES
                && v.rule() == Rule.RP7), found.toString());
    }

    @Test
    @DisplayName("RP4 actions of a shutdown stage that must not run are misplaced")
    void shutdownActionsOfATest() {
        RecoveryPlan plan = plan().withAction(Slot.beforeShutdown(), PlanAction.manual("drain", "drain the balancer"));
        ExecutionOrder planned = ExecutionOrder.of(plan, FailoverKind.PLANNED, FORWARD);
        ExecutionOrder test = ExecutionOrder.of(plan, FailoverKind.TEST, FORWARD);
        List<Stage> stages = new java.util.ArrayList<>(test.stages());
        stages.add(0, planned.stages().get(0));
        List<PlanInvariants.Violation> found = PlanInvariants.check(plan,
                new ExecutionOrder(FailoverKind.TEST, FORWARD, false, stages));
        assertTrue(found.stream().anyMatch(v -> v.kind() == PlanInvariants.Kind.ACTION_MISPLACED
                && v.message().contains("drain")), found.toString());
    }
}
