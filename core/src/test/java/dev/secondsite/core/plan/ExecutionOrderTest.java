package dev.secondsite.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ExecutionOrderTest {
    private static final FailoverDirection FORWARD = FailoverDirection.PRIMARY_TO_RECOVERY;
    private static final FailoverDirection BACK = FailoverDirection.RECOVERY_TO_PRIMARY;
    private static final PlanContext CONTEXT = PlanContext.of("vmm-a",
            List.of("db-1", "db-2", "app-1", "app-2", "app-3", "web-1", "web-2"));

    /**
     * Group 1: db-1, db-2. Group 2: app-1, app-2, app-3 with app-3 after app-1 and app-2 after app-3, and app-1 after
     * db-1. Group 3: web-1, web-2, no dependencies. Actions in several slots with different kinds and directions.
     */
    private static RecoveryPlan plan() {
        return RecoveryPlan.builder("erp", "vmm-a", "vmm-b", CONTEXT).addGroup().addGroup()
                .addVm(1, "db-1").addVm(1, "db-2")
                .addVm(2, "app-1").addVm(2, "app-2").addVm(2, "app-3")
                .addVm(3, "web-1").addVm(3, "web-2")
                .addDependency("app-3", "app-1").addDependency("app-2", "app-3").addDependency("app-1", "db-1")
                .addAction(Slot.beforeShutdown(), PlanAction.manual("drain", "drain the load balancer"))
                .addAction(Slot.afterFailover(), PlanAction.script("ip", "ip.ps1", ScriptSide.RECOVERY)
                        .withDirections(FORWARD))
                .addAction(Slot.afterFailover(), PlanAction.script("ip-back", "ip.ps1", ScriptSide.PRIMARY)
                        .withDirections(BACK))
                .addAction(Slot.beforeGroup(2), PlanAction.manual("check-db", "check the DB").withKinds(FailoverKind.PLANNED,
                        FailoverKind.UNPLANNED))
                .addAction(Slot.afterGroup(3), PlanAction.script("smoke", "smoke.ps1", ScriptSide.RECOVERY)
                        .withKinds(FailoverKind.TEST))
                .addAction(Slot.afterGroup(3), PlanAction.script("dns", "dns.ps1", ScriptSide.RECOVERY))
                .build();
    }

    private static List<String> kinds(ExecutionOrder order) {
        return order.stages().stream().map(Stage::label).toList();
    }

    @Test
    @DisplayName("RP7 a planned failover shuts down, fails over, then boots groups 1..n")
    void plannedStages() {
        ExecutionOrder order = ExecutionOrder.of(plan(), FailoverKind.PLANNED, FORWARD);
        assertEquals(List.of("shutdown", "failover", "group 1", "group 2", "group 3"), kinds(order));
        assertTrue(order.shutdownSource());
        // even when the caller says not to
        assertTrue(ExecutionOrder.of(plan(), FailoverKind.PLANNED, FORWARD, false).shutdownSource());
    }

    @Test
    @DisplayName("RP7 a test failover never shuts the source down")
    void testStages() {
        assertEquals(List.of("failover", "group 1", "group 2", "group 3"),
                kinds(ExecutionOrder.of(plan(), FailoverKind.TEST, FORWARD, true)));
    }

    @Test
    @DisplayName("RP7 an unplanned failover shuts the source down only when asked")
    void unplannedStages() {
        assertEquals(List.of("failover", "group 1", "group 2", "group 3"),
                kinds(ExecutionOrder.of(plan(), FailoverKind.UNPLANNED, FORWARD)));
        assertEquals(List.of("shutdown", "failover", "group 1", "group 2", "group 3"),
                kinds(ExecutionOrder.of(plan(), FailoverKind.UNPLANNED, FORWARD, true)));
    }

    @Test
    @DisplayName("RP7 the shutdown and failover stages take every VM of the plan at once")
    void shutdownAndFailoverTakeEveryVm() {
        ExecutionOrder order = ExecutionOrder.of(plan(), FailoverKind.PLANNED, FORWARD);
        List<List<String>> all = List.of(plan().vms());
        assertEquals(all, order.stages().get(0).waves());
        assertEquals(all, order.stages().get(1).waves());
    }

    @Test
    @DisplayName("RP3 inside a group, VMs start in waves that respect dependencies; the rest start together")
    void wavesRespectDependencies() {
        ExecutionOrder order = ExecutionOrder.of(plan(), FailoverKind.PLANNED, FORWARD);
        assertEquals(List.of(List.of("db-1", "db-2")), order.stages().get(2).waves());
        // app-1's dependency on db-1 (group 1) is satisfied by the group order and puts it in no later wave
        assertEquals(List.of(List.of("app-1"), List.of("app-3"), List.of("app-2")), order.stages().get(3).waves());
        assertEquals(List.of(List.of("web-1", "web-2")), order.stages().get(4).waves());
        assertEquals(List.of("db-1", "db-2", "app-1", "app-3", "app-2", "web-1", "web-2"), order.bootOrder());
    }

    @Test
    @DisplayName("RP3 VMs that wait for nothing in their group start in the first wave, in the order added")
    void independentVmsInFirstWave() {
        PlanContext context = PlanContext.of("s", List.of("a", "b", "c", "d"));
        RecoveryPlan plan = RecoveryPlan.builder("p", "s", "t", context).addVm("a").addVm("b").addVm("c")
                .addVm("d").addDependency("b", "a").addDependency("d", "a").build();
        assertEquals(List.of(List.of("a", "c"), List.of("b", "d")),
                ExecutionOrder.of(plan, FailoverKind.TEST, FORWARD).stages().get(1).waves());
    }

    @Test
    @DisplayName("RP4 each stage carries the actions of its slots that apply to the kind and direction, in order")
    void actionsFiltered() {
        ExecutionOrder planned = ExecutionOrder.of(plan(), FailoverKind.PLANNED, FORWARD);
        assertEquals(List.of("drain"), names(planned.stages().get(0).before()));
        assertEquals(List.of("ip"), names(planned.stages().get(1).after()));
        assertEquals(List.of("check-db"), names(planned.stages().get(3).before()));
        assertEquals(List.of("dns"), names(planned.stages().get(4).after()));

        ExecutionOrder testBack = ExecutionOrder.of(plan(), FailoverKind.TEST, BACK);
        assertEquals(List.of("ip-back"), names(testBack.stages().get(0).after()));
        assertEquals(List.of(), names(testBack.stages().get(2).before()));
        assertEquals(List.of("smoke", "dns"), names(testBack.stages().get(3).after()));
        // the shutdown slot's action has no stage to run in
        assertFalse(testBack.stages().stream().anyMatch(s -> names(s.before()).contains("drain")));
    }

    @Test
    @DisplayName("RP5 the same plan gives the same order")
    void deterministic() {
        for (FailoverKind kind : FailoverKind.values()) {
            for (FailoverDirection direction : FailoverDirection.values()) {
                assertEquals(ExecutionOrder.of(plan(), kind, direction, true),
                        ExecutionOrder.of(plan(), kind, direction, true));
            }
        }
        RecoveryPlan rebuilt = plan().toBuilder(CONTEXT).removeVm("web-2").addVm(3, "web-2").build();
        assertEquals(ExecutionOrder.of(plan(), FailoverKind.TEST, FORWARD),
                ExecutionOrder.of(rebuilt, FailoverKind.TEST, FORWARD));
    }

    @Test
    @DisplayName("RP5 the order of every kind and direction passes the invariant checker")
    void checkerAcceptsOrders() {
        for (FailoverKind kind : FailoverKind.values()) {
            for (FailoverDirection direction : FailoverDirection.values()) {
                for (boolean shutdown : new boolean[] {false, true}) {
                    ExecutionOrder order = ExecutionOrder.of(plan(), kind, direction, shutdown);
                    assertEquals(List.of(), PlanInvariants.check(plan(), order));
                }
            }
        }
    }

    @Test
    @DisplayName("RP6 a single VM fails over on its own: shutdown as for a plan, failover, start")
    void singleVm() {
        ExecutionOrder order = ExecutionOrder.ofVm("db-1", FailoverKind.PLANNED, FORWARD, false);
        assertEquals(List.of("shutdown", "failover", "group 1"), kinds(order));
        assertTrue(order.stages().stream().allMatch(s -> s.waves().equals(List.of(List.of("db-1")))));
        assertEquals(List.of("failover", "group 1"),
                kinds(ExecutionOrder.ofVm("db-1", FailoverKind.UNPLANNED, FORWARD, false)));
        assertEquals(List.of("shutdown", "failover", "group 1"),
                kinds(ExecutionOrder.ofVm("db-1", FailoverKind.UNPLANNED, FORWARD, true)));
        assertEquals(List.of("failover", "group 1"),
                kinds(ExecutionOrder.ofVm("db-1", FailoverKind.TEST, FORWARD, true)));
    }

    @Test
    @DisplayName("RP7 an empty plan still runs its steps and their actions")
    void emptyPlan() {
        RecoveryPlan plan = RecoveryPlan.builder("empty", "vmm-a", "vmm-b", CONTEXT)
                .addAction(Slot.afterGroup(1), PlanAction.manual("note", "nothing to do")).build();
        ExecutionOrder order = ExecutionOrder.of(plan, FailoverKind.PLANNED, FORWARD);
        assertEquals(List.of("shutdown", "failover", "group 1"), kinds(order));
        assertTrue(order.stages().stream().allMatch(s -> s.waves().isEmpty()));
        assertEquals(List.of("note"), names(order.stages().get(2).after()));
        assertEquals(List.of(), PlanInvariants.check(plan, order));
    }

    private static List<String> names(List<PlanAction> actions) {
        return actions.stream().map(PlanAction::name).toList();
    }
}
