package dev.secondsite.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.quicktheories.core.Gen;

/** Properties of {@link ExecutionOrder} over random valid plans, and of {@link PlanInvariants} on its output. */
class ExecutionOrderPropertiesTest {
    private static final int EXAMPLES = 300;

    private static Gen<FailoverKind> kinds() {
        return arbitrary().enumValues(FailoverKind.class);
    }

    private static Gen<FailoverDirection> directions() {
        return arbitrary().enumValues(FailoverDirection.class);
    }

    @Test
    @DisplayName("RP5 every VM appears exactly once in the boot stages, and once in the failover stage")
    void everyVmExactlyOnce() {
        qt().withExamples(EXAMPLES).forAll(PlanGenerators.plans(), kinds(), directions())
                .checkAssert((c, kind, direction) -> {
                    ExecutionOrder order = ExecutionOrder.of(c.plan(), kind, direction);
                    List<String> booted = order.bootOrder();
                    assertEquals(booted.size(), new HashSet<>(booted).size(), "a VM boots twice");
                    assertEquals(new HashSet<>(c.plan().vms()), new HashSet<>(booted));
                    Stage failover = order.stages().stream().filter(s -> s.kind() == StageKind.FAILOVER)
                            .findFirst().orElseThrow();
                    assertEquals(c.plan().vms(), failover.vms());
                });
    }

    @Test
    @DisplayName("RP3 boot stages run the groups in order, each with exactly its own VMs")
    void groupOrder() {
        qt().withExamples(EXAMPLES).forAll(PlanGenerators.plans(), kinds(), directions())
                .checkAssert((c, kind, direction) -> {
                    List<Stage> boots = ExecutionOrder.of(c.plan(), kind, direction).stages().stream()
                            .filter(s -> s.kind() == StageKind.BOOT).toList();
                    assertEquals(c.plan().groupCount(), boots.size());
                    for (int g = 1; g <= boots.size(); g++) {
                        assertEquals(g, boots.get(g - 1).group());
                        assertEquals(new HashSet<>(c.plan().group(g).vms()), new HashSet<>(boots.get(g - 1).vms()));
                    }
                });
    }

    @Test
    @DisplayName("RP3 a VM starts in a later wave than every VM of its group it waits for, as early as it can")
    void dependenciesAndParallelism() {
        qt().withExamples(EXAMPLES).forAll(PlanGenerators.plans(), kinds(), directions())
                .checkAssert((c, kind, direction) -> {
                    RecoveryPlan plan = c.plan();
                    Map<String, Integer> wave = new HashMap<>();
                    List<Stage> boots = ExecutionOrder.of(plan, kind, direction).stages().stream()
                            .filter(s -> s.kind() == StageKind.BOOT).toList();
                    for (Stage s : boots) {
                        for (int w = 0; w < s.waves().size(); w++) {
                            assertTrue(!s.waves().get(w).isEmpty(), "an empty wave");
                            for (String vm : s.waves().get(w)) {
                                wave.put(vm, w);
                            }
                            // inside a wave, VMs keep the order they were added
                            List<String> inPlanOrder = new ArrayList<>(plan.group(s.group()).vms());
                            inPlanOrder.retainAll(s.waves().get(w));
                            assertEquals(inPlanOrder, s.waves().get(w));
                        }
                    }
                    Map<String, Integer> latestFirst = new HashMap<>();
                    for (Dependency d : plan.dependencies()) {
                        if (plan.groupOf(d.vm()).equals(plan.groupOf(d.after()))) {
                            assertTrue(wave.get(d.vm()) > wave.get(d.after()), d + " broken");
                            latestFirst.merge(d.vm(), wave.get(d.after()), Math::max);
                        } else {
                            assertTrue(plan.groupOf(d.after()).getAsInt() < plan.groupOf(d.vm()).getAsInt());
                        }
                    }
                    // no VM waits longer than its dependencies make it: wave = 1 + latest wave it waits for, or 0
                    for (String vm : plan.vms()) {
                        assertEquals(latestFirst.getOrDefault(vm, -1) + 1, wave.get(vm), vm + " waits too long");
                    }
                });
    }

    @Test
    @DisplayName("RP4 each slot carries exactly the plan's actions that apply, in the plan's order")
    void actionsInTheirSlots() {
        qt().withExamples(EXAMPLES).forAll(PlanGenerators.plans(), kinds(), directions(), booleans().all())
                .checkAssert((c, kind, direction, shutdown) -> {
                    RecoveryPlan plan = c.plan();
                    ExecutionOrder order = ExecutionOrder.of(plan, kind, direction, shutdown);
                    Set<String> ran = new HashSet<>();
                    for (Stage s : order.stages()) {
                        for (Slot.Position position : Slot.Position.values()) {
                            Slot slot = new Slot(s.kind(), s.group(), position);
                            List<PlanAction> expected = plan.actions(slot).stream()
                                    .filter(a -> a.appliesTo(kind, direction)).toList();
                            assertEquals(expected, s.actions(position), slot.toString());
                            s.actions(position).forEach(a -> ran.add(a.name()));
                        }
                    }
                    // every applicable action runs, except those of a shutdown step that does not run
                    for (Slot slot : plan.slots()) {
                        boolean stageRuns = slot.stage() != StageKind.SHUTDOWN || order.shutdownSource();
                        for (PlanAction a : plan.actions(slot)) {
                            assertEquals(stageRuns && a.appliesTo(kind, direction), ran.contains(a.name()),
                                    a.name() + " " + slot);
                        }
                    }
                });
    }

    @Test
    @DisplayName("RP7 shutdown (planned always, unplanned when asked, test never), failover, then groups 1..n")
    void stageSequence() {
        qt().withExamples(EXAMPLES).forAll(PlanGenerators.plans(), kinds(), directions(), booleans().all())
                .checkAssert((c, kind, direction, shutdown) -> {
                    List<String> labels = ExecutionOrder.of(c.plan(), kind, direction, shutdown).stages().stream()
                            .map(Stage::label).toList();
                    List<String> expected = new ArrayList<>();
                    if (kind == FailoverKind.PLANNED || kind == FailoverKind.UNPLANNED && shutdown) {
                        expected.add("shutdown");
                    }
                    expected.add("failover");
                    for (int g = 1; g <= c.plan().groupCount(); g++) {
                        expected.add("group " + g);
                    }
                    assertEquals(expected, labels);
                });
    }

    @Test
    @DisplayName("RP5 same plan, same order: also for a plan rebuilt from its parts")
    void deterministic() {
        qt().withExamples(EXAMPLES).forAll(PlanGenerators.plans(), kinds(), directions(), booleans().all())
                .checkAssert((c, kind, direction, shutdown) -> {
                    RecoveryPlan rebuilt = c.plan().toBuilder(c.context()).build();
                    assertEquals(c.plan(), rebuilt);
                    assertEquals(ExecutionOrder.of(c.plan(), kind, direction, shutdown),
                            ExecutionOrder.of(rebuilt, kind, direction, shutdown));
                });
    }

    @Test
    @DisplayName("RP5 the invariant checker finds no violation in ExecutionOrder's output")
    void checkerAcceptsEveryOrder() {
        qt().withExamples(EXAMPLES).forAll(PlanGenerators.plans(), kinds(), directions(), booleans().all())
                .checkAssert((c, kind, direction, shutdown) -> assertEquals(List.of(),
                        PlanInvariants.check(c.plan(), ExecutionOrder.of(c.plan(), kind, direction, shutdown))));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(OrderMutation.class)
    @DisplayName("RP5 the invariant checker finds each violation planted in ExecutionOrder's output")
    void checkerFindsPlantedViolations(OrderMutation mutation) {
        qt().withExamples(200).forAll(PlanGenerators.richPlans(), kinds(), directions(), longs().all())
                .checkAssert((c, kind, direction, seed) -> {
                    ExecutionOrder broken = mutation.breakOrder(c.plan(), kind, direction, seed);
                    List<PlanInvariants.Violation> found = PlanInvariants.check(c.plan(), broken);
                    assertTrue(found.stream().anyMatch(v -> v.kind() == mutation.expected()),
                            mutation + " gave " + found);
                });
    }
}
