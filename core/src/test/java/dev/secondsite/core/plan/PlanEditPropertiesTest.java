package dev.secondsite.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * RP10 by a model: random sequences of edits run on a plan and, by plain list operations, on a model of it. After
 * every edit the plan must equal the model, so nothing an edit does not touch may drop out, move or change (VMs,
 * dependencies, actions with their order, kinds and directions); an edit the model finds invalid must be refused, with
 * the plan unchanged.
 */
class PlanEditPropertiesTest {
    private static final List<String> POOL = IntStream.range(0, 30).mapToObj(i -> "vm-" + i).toList();
    private static final PlanContext CONTEXT = PlanContext.builder().protectedVms("vmm-a", POOL)
            .replicationGroup("vmm-a", "rg-1", List.of("vm-25", "vm-26", "vm-27"))
            .replicationGroup("vmm-a", "rg-2", List.of("vm-28", "vm-29")).build();

    @Test
    @DisplayName("RP10 random edit sequences keep every untouched group, VM, dependency and action")
    void editsKeepWhatTheyDoNotTouch() {
        qt().withExamples(300).forAll(lists().of(integers().all()).ofSizeBetween(1, 40))
                .checkAssert(seeds -> {
                    RecoveryPlan plan = RecoveryPlan.builder("p", "vmm-a", "vmm-b", CONTEXT).build();
                    Model model = new Model();
                    List<String> log = new ArrayList<>();
                    for (int seed : seeds) {
                        Edit edit = Edit.random(new Random(seed), model);
                        log.add(edit.description);
                        Model next = model.copy();
                        edit.onModel.accept(next);
                        RecoveryPlan before = plan;
                        try {
                            plan = edit.onPlan.apply(plan);
                            assertTrue(next.valid(), "accepted an invalid edit: " + log);
                            model = next;
                        } catch (InvalidConfigurationException e) {
                            assertTrue(!next.valid(), "refused a valid edit: " + log + " " + e.getMessage());
                            assertTrue(EnumSet.of(Rule.RP3, Rule.RP5, Rule.INPUT).contains(e.rule()), e.getMessage());
                            assertEquals(before, plan);
                        }
                        model.assertMatches(plan, log);
                    }
                });
    }

    /** One edit, on the plan and on the model. */
    private record Edit(String description, UnaryOperator<RecoveryPlan> onPlan,
                        java.util.function.Consumer<Model> onModel) {
        static Edit random(Random r, Model m) {
            int groups = m.groups.size();
            int group = 1 + r.nextInt(groups);
            List<String> vms = m.vms();
            List<String> actions = m.actionNames();
            switch (r.nextInt(13)) {
                case 0:
                    return new Edit("add group", RecoveryPlan::withGroupAdded, x -> x.groups.add(new MGroup()));
                case 1:
                    return new Edit("remove group " + group, p -> p.withGroupRemoved(group), x -> x.removeGroup(group));
                case 2: {
                    int to = 1 + r.nextInt(groups);
                    return new Edit("move group " + group + " to " + to, p -> p.withGroupMoved(group, to),
                            x -> x.groups.add(to - 1, x.groups.remove(group - 1)));
                }
                case 3: {
                    List<String> free = POOL.stream().filter(v -> !vms.contains(v) && !v.startsWith("vm-2")).toList();
                    if (free.isEmpty()) {
                        break;
                    }
                    String vm = free.get(r.nextInt(free.size()));
                    return new Edit("add " + vm + " to " + group, p -> p.withVm(CONTEXT, group, vm),
                            x -> x.groups.get(group - 1).vms.add(vm));
                }
                case 4: {
                    if (vms.isEmpty()) {
                        break;
                    }
                    String vm = vms.get(r.nextInt(vms.size()));
                    return new Edit("remove " + vm, p -> p.withoutVm(vm), x -> x.removeVm(vm));
                }
                case 5: {
                    if (vms.isEmpty()) {
                        break;
                    }
                    String vm = vms.get(r.nextInt(vms.size()));
                    return new Edit("move " + vm + " to " + group, p -> p.withVmMoved(vm, group),
                            x -> x.moveVm(vm, group));
                }
                case 6: {
                    if (vms.size() < 2) {
                        break;
                    }
                    String vm = vms.get(r.nextInt(vms.size()));
                    String after = vms.get(r.nextInt(vms.size()));
                    if (vm.equals(after)) {
                        break;
                    }
                    return new Edit(vm + " after " + after, p -> p.withDependency(vm, after),
                            x -> x.groups.get(x.groupOf(vm)).deps.add(new Dependency(vm, after)));
                }
                case 7: {
                    List<Dependency> deps = m.groups.stream().flatMap(g -> g.deps.stream()).toList();
                    if (deps.isEmpty()) {
                        break;
                    }
                    Dependency d = deps.get(r.nextInt(deps.size()));
                    return new Edit("remove " + d, p -> p.withoutDependency(d.vm(), d.after()),
                            x -> x.groups.get(x.groupOf(d.vm())).deps.remove(d));
                }
                case 8: {
                    Slot slot = m.randomSlot(r);
                    int index = r.nextInt(m.slot(slot).size() + 1);
                    PlanAction action = randomAction(r, "action-" + r.nextInt(1000));
                    if (actions.contains(action.name())) {
                        break;
                    }
                    return new Edit("add " + action.name() + " " + slot + " at " + index,
                            p -> p.withAction(slot, index, action), x -> x.slot(slot).add(index, action));
                }
                case 9: {
                    if (actions.isEmpty()) {
                        break;
                    }
                    String name = actions.get(r.nextInt(actions.size()));
                    return new Edit("remove action " + name, p -> p.withoutAction(name),
                            x -> x.slotHolding(name).removeIf(a -> a.name().equals(name)));
                }
                case 10: {
                    if (actions.isEmpty()) {
                        break;
                    }
                    String name = actions.get(r.nextInt(actions.size()));
                    Slot slot = m.randomSlot(r);
                    int size = m.slot(slot).size() - (m.slotHolding(name) == m.slot(slot) ? 1 : 0);
                    int index = r.nextInt(size + 1);
                    return new Edit("move action " + name + " " + slot + " at " + index,
                            p -> p.withActionMoved(name, slot, index), x -> {
                                List<PlanAction> from = x.slotHolding(name);
                                PlanAction a = from.stream().filter(y -> y.name().equals(name)).findFirst()
                                        .orElseThrow();
                                from.remove(a);
                                x.slot(slot).add(index, a);
                            });
                }
                case 11: {
                    if (actions.isEmpty()) {
                        break;
                    }
                    String name = actions.get(r.nextInt(actions.size()));
                    PlanAction replacement = randomAction(r, name);
                    return new Edit("replace action " + name, p -> p.withActionReplaced(name, replacement), x -> {
                        List<PlanAction> list = x.slotHolding(name);
                        for (int i = 0; i < list.size(); i++) {
                            if (list.get(i).name().equals(name)) {
                                list.set(i, replacement);
                            }
                        }
                    });
                }
                default: {
                    String rg = r.nextBoolean() ? "rg-1" : "rg-2";
                    List<String> members = CONTEXT.replicationGroup("vmm-a", rg).orElseThrow();
                    if (members.stream().anyMatch(vms::contains)) {
                        break;
                    }
                    return new Edit("add " + rg + " to " + group, p -> p.withReplicationGroup(CONTEXT, group, rg),
                            x -> x.groups.get(group - 1).vms.addAll(members));
                }
            }
            return new Edit("add group", RecoveryPlan::withGroupAdded, x -> x.groups.add(new MGroup()));
        }
    }

    private static PlanAction randomAction(Random r, String name) {
        PlanAction a = r.nextBoolean() ? PlanAction.manual(name, "note " + r.nextInt(9))
                : PlanAction.script(name, name + ".ps1", r.nextBoolean() ? ScriptSide.PRIMARY : ScriptSide.RECOVERY);
        Set<FailoverKind> kinds = EnumSet.noneOf(FailoverKind.class);
        Set<FailoverDirection> directions = EnumSet.noneOf(FailoverDirection.class);
        int kindMask = 1 + r.nextInt(7);
        int directionMask = 1 + r.nextInt(3);
        for (FailoverKind k : FailoverKind.values()) {
            if ((kindMask & (1 << k.ordinal())) != 0) {
                kinds.add(k);
            }
        }
        for (FailoverDirection d : FailoverDirection.values()) {
            if ((directionMask & (1 << d.ordinal())) != 0) {
                directions.add(d);
            }
        }
        return a.withKinds(kinds).withDirections(directions);
    }

    /** A group of the model. */
    private static final class MGroup {
        final List<String> vms = new ArrayList<>();
        final List<Dependency> deps = new ArrayList<>();
        final List<PlanAction> before = new ArrayList<>();
        final List<PlanAction> after = new ArrayList<>();

        MGroup copy() {
            MGroup g = new MGroup();
            g.vms.addAll(vms);
            g.deps.addAll(deps);
            g.before.addAll(before);
            g.after.addAll(after);
            return g;
        }
    }

    /** The plan as plain lists. */
    private static final class Model {
        final List<List<PlanAction>> steps = new ArrayList<>();
        final List<MGroup> groups = new ArrayList<>();

        Model() {
            for (int i = 0; i < 4; i++) {
                steps.add(new ArrayList<>());
            }
            groups.add(new MGroup());
        }

        Model copy() {
            Model m = new Model();
            m.groups.clear();
            for (int i = 0; i < 4; i++) {
                m.steps.get(i).addAll(steps.get(i));
            }
            groups.forEach(g -> m.groups.add(g.copy()));
            return m;
        }

        List<String> vms() {
            return groups.stream().flatMap(g -> g.vms.stream()).toList();
        }

        int groupOf(String vm) {
            for (int g = 0; g < groups.size(); g++) {
                if (groups.get(g).vms.contains(vm)) {
                    return g;
                }
            }
            return -1;
        }

        List<List<PlanAction>> slots() {
            List<List<PlanAction>> all = new ArrayList<>(steps);
            groups.forEach(g -> {
                all.add(g.before);
                all.add(g.after);
            });
            return all;
        }

        List<String> actionNames() {
            return slots().stream().flatMap(List::stream).map(PlanAction::name).toList();
        }

        List<PlanAction> slot(Slot slot) {
            boolean before = slot.position() == Slot.Position.BEFORE;
            return switch (slot.stage()) {
                case SHUTDOWN -> steps.get(before ? 0 : 1);
                case FAILOVER -> steps.get(before ? 2 : 3);
                case BOOT -> before ? groups.get(slot.group() - 1).before : groups.get(slot.group() - 1).after;
            };
        }

        Slot randomSlot(Random r) {
            int i = r.nextInt(4 + 2 * groups.size());
            Slot.Position position = i % 2 == 0 ? Slot.Position.BEFORE : Slot.Position.AFTER;
            return switch (i / 2) {
                case 0 -> new Slot(StageKind.SHUTDOWN, 0, position);
                case 1 -> new Slot(StageKind.FAILOVER, 0, position);
                default -> new Slot(StageKind.BOOT, i / 2 - 1, position);
            };
        }

        List<PlanAction> slotHolding(String name) {
            return slots().stream().filter(l -> l.stream().anyMatch(a -> a.name().equals(name))).findFirst()
                    .orElseThrow();
        }

        void removeGroup(int group) {
            MGroup g = groups.remove(group - 1);
            groups.forEach(other -> other.deps.removeIf(d -> g.vms.contains(d.after())));
            if (groups.isEmpty()) {
                groups.add(g); // refused: keep it so that valid() can tell
                g.vms.add(null);
            }
        }

        void removeVm(String vm) {
            groups.forEach(g -> {
                g.vms.remove(vm);
                g.deps.removeIf(d -> d.vm().equals(vm) || d.after().equals(vm));
            });
        }

        void moveVm(String vm, int group) {
            MGroup from = groups.get(groupOf(vm));
            MGroup to = groups.get(group - 1);
            from.vms.remove(vm);
            to.vms.add(vm);
            if (from != to) {
                List<Dependency> own = from.deps.stream().filter(d -> d.vm().equals(vm)).toList();
                from.deps.removeAll(own);
                to.deps.addAll(own);
            }
        }

        /** RP2, RP3, RP5 and the uniqueness rules, checked the slow and obvious way. */
        boolean valid() {
            if (groups.stream().anyMatch(g -> g.vms.contains(null))) {
                return false;
            }
            Map<String, Set<String>> waitsFor = new HashMap<>();
            Set<Dependency> seen = new HashSet<>();
            for (int g = 0; g < groups.size(); g++) {
                for (Dependency d : groups.get(g).deps) {
                    if (groupOf(d.after()) > g || !seen.add(d)) {
                        return false;
                    }
                    waitsFor.computeIfAbsent(d.vm(), k -> new HashSet<>()).add(d.after());
                }
            }
            for (String vm : vms()) {
                if (reaches(vm, vm, waitsFor, new HashSet<>())) {
                    return false;
                }
            }
            return true;
        }

        private static boolean reaches(String from, String target, Map<String, Set<String>> waitsFor,
                                       Set<String> visited) {
            for (String next : waitsFor.getOrDefault(from, Set.of())) {
                if (next.equals(target) || visited.add(next) && reaches(next, target, waitsFor, visited)) {
                    return true;
                }
            }
            return false;
        }

        void assertMatches(RecoveryPlan plan, List<String> log) {
            String where = String.join("; ", log);
            assertEquals(groups.size(), plan.groupCount(), where);
            for (int g = 0; g < groups.size(); g++) {
                RecoveryGroup actual = plan.group(g + 1);
                assertEquals(groups.get(g).vms, actual.vms(), where);
                assertEquals(groups.get(g).deps, actual.dependencies(), where);
                assertEquals(groups.get(g).before, actual.before(), where);
                assertEquals(groups.get(g).after, actual.after(), where);
            }
            assertEquals(steps.get(0), plan.actions(Slot.beforeShutdown()), where);
            assertEquals(steps.get(1), plan.actions(Slot.afterShutdown()), where);
            assertEquals(steps.get(2), plan.actions(Slot.beforeFailover()), where);
            assertEquals(steps.get(3), plan.actions(Slot.afterFailover()), where);
        }
    }
}
