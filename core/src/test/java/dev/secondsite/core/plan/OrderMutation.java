package dev.secondsite.core.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Ways to break an {@link ExecutionOrder}, each with the violation {@link PlanInvariants} must then report. They
 * expect a plan from {@link PlanGenerators#richPlans()}, which always has something for each to break.
 */
enum OrderMutation {
    DROP_BOOT_VM(PlanInvariants.Kind.VM_MISSING) {
        @Override
        void apply(Mutable order, RecoveryPlan plan, Random random) {
            int[] at = order.randomBootVm(random);
            List<String> wave = order.stages.get(at[0]).waves.get(at[1]);
            wave.remove(at[2]);
        }
    },
    REPEAT_BOOT_VM(PlanInvariants.Kind.VM_REPEATED) {
        @Override
        void apply(Mutable order, RecoveryPlan plan, Random random) {
            int[] at = order.randomBootVm(random);
            MutableStage stage = order.stages.get(at[0]);
            String vm = stage.waves.get(at[1]).get(at[2]);
            stage.waves.get(random.nextInt(stage.waves.size())).add(vm);
        }
    },
    UNKNOWN_VM(PlanInvariants.Kind.VM_UNKNOWN) {
        @Override
        void apply(Mutable order, RecoveryPlan plan, Random random) {
            List<MutableStage> boots = order.boots();
            boots.get(random.nextInt(boots.size())).waves.add(new ArrayList<>(List.of("intruder")));
        }
    },
    VM_IN_OTHER_GROUP(PlanInvariants.Kind.GROUP_ORDER) {
        @Override
        void apply(Mutable order, RecoveryPlan plan, Random random) {
            int[] at = order.randomBootVm(random);
            MutableStage from = order.stages.get(at[0]);
            String vm = from.waves.get(at[1]).remove(at[2]);
            List<MutableStage> others = new ArrayList<>(order.boots());
            others.removeIf(s -> s == from);
            others.get(random.nextInt(others.size())).waves.add(new ArrayList<>(List.of(vm)));
        }
    },
    SWAP_GROUPS(PlanInvariants.Kind.GROUP_ORDER) {
        @Override
        void apply(Mutable order, RecoveryPlan plan, Random random) {
            int first = order.stages.indexOf(order.boots().get(0));
            int i = first + random.nextInt(order.boots().size());
            int j = first + (i - first + 1 + random.nextInt(order.boots().size() - 1)) % order.boots().size();
            Collections.swap(order.stages, i, j);
        }
    },
    BREAK_DEPENDENCY(PlanInvariants.Kind.DEPENDENCY) {
        @Override
        void apply(Mutable order, RecoveryPlan plan, Random random) {
            List<Dependency> sameGroup = plan.dependencies().stream()
                    .filter(d -> plan.groupOf(d.vm()).equals(plan.groupOf(d.after()))).toList();
            Dependency d = sameGroup.get(random.nextInt(sameGroup.size()));
            MutableStage stage = order.boots().get(plan.groupOf(d.vm()).orElseThrow() - 1);
            int firstWave = stage.waveOf(d.after());
            stage.waves.get(stage.waveOf(d.vm())).remove(d.vm());
            stage.waves.get(random.nextInt(firstWave + 1)).add(d.vm());
        }
    },
    DROP_FROM_FAILOVER(PlanInvariants.Kind.VM_MISSING) {
        @Override
        void apply(Mutable order, RecoveryPlan plan, Random random) {
            MutableStage failover = order.failover();
            List<String> wave = failover.waves.get(0);
            wave.remove(random.nextInt(wave.size()));
        }
    },
    SHUTDOWN_IN_TEST(PlanInvariants.Kind.STAGES) {
        @Override
        FailoverKind kind(FailoverKind drawn) {
            return FailoverKind.TEST;
        }

        @Override
        void apply(Mutable order, RecoveryPlan plan, Random random) {
            MutableStage shutdown = new MutableStage(new Stage(StageKind.SHUTDOWN, 0, List.of(),
                    List.of(plan.vms()), List.of()));
            order.stages.add(0, shutdown);
        }
    },
    NO_SHUTDOWN_IN_PLANNED(PlanInvariants.Kind.STAGES) {
        @Override
        FailoverKind kind(FailoverKind drawn) {
            return FailoverKind.PLANNED;
        }

        @Override
        void apply(Mutable order, RecoveryPlan plan, Random random) {
            order.stages.remove(0);
        }
    },
    DROP_ACTION(PlanInvariants.Kind.ACTION_MISSING) {
        @Override
        void apply(Mutable order, RecoveryPlan plan, Random random) {
            List<List<PlanAction>> slots = order.slotsWithActions(1);
            List<PlanAction> slot = slots.get(random.nextInt(slots.size()));
            slot.remove(random.nextInt(slot.size()));
        }
    },
    MOVE_ACTION(PlanInvariants.Kind.ACTION_MISPLACED) {
        @Override
        void apply(Mutable order, RecoveryPlan plan, Random random) {
            List<List<PlanAction>> slots = order.slotsWithActions(1);
            List<PlanAction> from = slots.get(random.nextInt(slots.size()));
            PlanAction action = from.remove(random.nextInt(from.size()));
            List<List<PlanAction>> all = new ArrayList<>(order.allSlots());
            all.removeIf(l -> l == from);
            List<PlanAction> to = all.get(random.nextInt(all.size()));
            to.add(random.nextInt(to.size() + 1), action);
        }
    },
    SWAP_ACTIONS(PlanInvariants.Kind.ACTION_MISPLACED) {
        @Override
        void apply(Mutable order, RecoveryPlan plan, Random random) {
            List<List<PlanAction>> slots = order.slotsWithActions(2);
            List<PlanAction> slot = slots.get(random.nextInt(slots.size()));
            int i = random.nextInt(slot.size());
            int j = (i + 1 + random.nextInt(slot.size() - 1)) % slot.size();
            Collections.swap(slot, i, j);
        }
    },
    CHANGED_ACTION(PlanInvariants.Kind.ACTION_MISPLACED) {
        @Override
        void apply(Mutable order, RecoveryPlan plan, Random random) {
            List<List<PlanAction>> slots = order.slotsWithActions(1);
            List<PlanAction> slot = slots.get(random.nextInt(slots.size()));
            int i = random.nextInt(slot.size());
            PlanAction a = slot.get(i);
            PlanAction.Details changed = a.details() instanceof PlanAction.Script s
                    ? new PlanAction.Script(s.path(), s.side(), s.timeout().plus(Duration.ofSeconds(1)))
                    : new PlanAction.Manual(((PlanAction.Manual) a.details()).instructions() + " (changed)");
            slot.set(i, new PlanAction(a.name(), a.kinds(), a.directions(), changed));
        }
    },
    NOT_APPLICABLE_ACTION(PlanInvariants.Kind.ACTION_NOT_APPLICABLE) {
        @Override
        FailoverKind kind(FailoverKind drawn) {
            return drawn == FailoverKind.TEST ? FailoverKind.PLANNED : drawn;
        }

        @Override
        void apply(Mutable order, RecoveryPlan plan, Random random) {
            PlanAction onlyTest = plan.actions(Slot.afterFailover()).stream()
                    .filter(a -> a.name().equals("only-test")).findFirst().orElseThrow();
            MutableStage failover = order.failover();
            failover.after.add(random.nextInt(failover.after.size() + 1), onlyTest);
        }
    };

    private final PlanInvariants.Kind expected;

    OrderMutation(PlanInvariants.Kind expected) {
        this.expected = expected;
    }

    /** The violation the checker must report after this mutation. */
    PlanInvariants.Kind expected() {
        return expected;
    }

    /** The failover kind to break an order of, given one drawn at random. */
    FailoverKind kind(FailoverKind drawn) {
        return drawn;
    }

    abstract void apply(Mutable order, RecoveryPlan plan, Random random);

    /** The order of {@code plan} for {@code kind} and {@code direction}, broken by this mutation. */
    ExecutionOrder breakOrder(RecoveryPlan plan, FailoverKind drawn, FailoverDirection direction, long seed) {
        ExecutionOrder order = ExecutionOrder.of(plan, kind(drawn), direction, false);
        Mutable mutable = new Mutable(order);
        apply(mutable, plan, new Random(seed));
        return mutable.toOrder();
    }

    /** A stage whose lists can be changed. */
    static final class MutableStage {
        final StageKind kind;
        final int group;
        final List<PlanAction> before;
        final List<List<String>> waves = new ArrayList<>();
        final List<PlanAction> after;

        MutableStage(Stage s) {
            kind = s.kind();
            group = s.group();
            before = new ArrayList<>(s.before());
            s.waves().forEach(w -> waves.add(new ArrayList<>(w)));
            after = new ArrayList<>(s.after());
        }

        int waveOf(String vm) {
            for (int w = 0; w < waves.size(); w++) {
                if (waves.get(w).contains(vm)) {
                    return w;
                }
            }
            throw new IllegalStateException(vm + " is in no wave");
        }

        Stage toStage() {
            return new Stage(kind, group, before, waves, after);
        }
    }

    /** An order whose stages can be changed. */
    static final class Mutable {
        final ExecutionOrder original;
        final List<MutableStage> stages = new ArrayList<>();

        Mutable(ExecutionOrder order) {
            original = order;
            order.stages().forEach(s -> stages.add(new MutableStage(s)));
        }

        MutableStage failover() {
            return stages.stream().filter(s -> s.kind == StageKind.FAILOVER).findFirst().orElseThrow();
        }

        List<MutableStage> boots() {
            return stages.stream().filter(s -> s.kind == StageKind.BOOT).toList();
        }

        /** {stage index, wave, position} of a random VM of a boot stage. */
        int[] randomBootVm(Random random) {
            List<int[]> all = new ArrayList<>();
            for (int i = 0; i < stages.size(); i++) {
                if (stages.get(i).kind == StageKind.BOOT) {
                    List<List<String>> waves = stages.get(i).waves;
                    for (int w = 0; w < waves.size(); w++) {
                        for (int p = 0; p < waves.get(w).size(); p++) {
                            all.add(new int[] {i, w, p});
                        }
                    }
                }
            }
            return all.get(random.nextInt(all.size()));
        }

        List<List<PlanAction>> allSlots() {
            List<List<PlanAction>> all = new ArrayList<>();
            stages.forEach(s -> {
                all.add(s.before);
                all.add(s.after);
            });
            return all;
        }

        List<List<PlanAction>> slotsWithActions(int atLeast) {
            return allSlots().stream().filter(l -> l.size() >= atLeast).toList();
        }

        ExecutionOrder toOrder() {
            return new ExecutionOrder(original.kind(), original.direction(), original.shutdownSource(),
                    stages.stream().map(MutableStage::toStage).toList());
        }
    }
}
