package dev.secondsite.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RecoveryPlanTest {
    private static final PlanContext CONTEXT = PlanContext.builder()
            .protectedVms("vmm-a", "db-1", "db-2", "app-1", "app-2", "web-1", "web-2", "web-3")
            .protectedVms("vmm-c", "other-1")
            .replicationGroup("vmm-a", "web-farm", List.of("web-1", "web-2", "web-3"))
            .replicationGroup("vmm-a", "with-unprotected", List.of("app-2", "ghost"))
            .build();

    private static RecoveryPlan.Builder builder() {
        return RecoveryPlan.builder("erp", "vmm-a", "vmm-b", CONTEXT);
    }

    /** Three groups: db-1, db-2 | app-1 (after db-1) | web-1, web-2 (web-2 after web-1). */
    private static RecoveryPlan threeTier() {
        return builder().addGroup().addGroup()
                .addVm(1, "db-1").addVm(1, "db-2")
                .addVm(2, "app-1")
                .addVm(3, "web-1").addVm(3, "web-2")
                .addDependency("app-1", "db-1")
                .addDependency("web-2", "web-1")
                .addAction(Slot.beforeGroup(2), PlanAction.manual("check-db", "look at the DB"))
                .addAction(Slot.afterGroup(3), PlanAction.script("dns", "dns.ps1", ScriptSide.RECOVERY))
                .addAction(Slot.afterGroup(3), PlanAction.script("smoke", "smoke.ps1", ScriptSide.RECOVERY))
                .build();
    }

    @Test
    @DisplayName("RP1 a plan has a name, a source and a target server")
    void nameAndServers() {
        RecoveryPlan plan = builder().build();
        assertEquals("erp", plan.name());
        assertEquals("vmm-a", plan.sourceServer());
        assertEquals("vmm-b", plan.targetServer());
        for (String[] bad : new String[][] {{" ", "vmm-a", "vmm-b"}, {"erp", "", "vmm-b"}, {"erp", "vmm-a", " "}}) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> RecoveryPlan.builder(bad[0], bad[1], bad[2], CONTEXT));
            assertEquals(Rule.RP1, e.rule());
        }
    }

    @Test
    @DisplayName("RP1 a refusal names the plan by the name it has at that moment, also after a rename")
    void refusalsNameThePlan() {
        RecoveryPlan.Builder builder = builder();
        InvalidConfigurationException before = assertThrows(InvalidConfigurationException.class,
                () -> builder.addVm("ghost"));
        assertEquals("plan erp", before.errors().get(0).subject());
        builder.name("crm");
        InvalidConfigurationException after = assertThrows(InvalidConfigurationException.class,
                () -> builder.addVm("ghost"));
        assertEquals("plan crm", after.errors().get(0).subject());
        InvalidConfigurationException edited = assertThrows(InvalidConfigurationException.class,
                () -> threeTier().withName("crm").withoutVm("ghost"));
        assertEquals("plan crm", edited.errors().get(0).subject());
    }

    @Test
    @DisplayName("RP1 only protected VMs of the source server can be added")
    void onlyProtectedVmsOfTheSource() {
        InvalidConfigurationException unprotected = assertThrows(InvalidConfigurationException.class,
                () -> builder().addVm("ghost"));
        assertEquals(Rule.RP1, unprotected.rule());
        assertTrue(unprotected.getMessage().contains("ghost"), unprotected.getMessage());
        assertTrue(unprotected.getMessage().contains("vmm-a"), unprotected.getMessage());
        // protected, but on another server
        InvalidConfigurationException elsewhere = assertThrows(InvalidConfigurationException.class,
                () -> builder().addVm("other-1"));
        assertEquals(Rule.RP1, elsewhere.rule());
        assertEquals(List.of("db-1"), builder().addVm("db-1").build().vms());
    }

    @Test
    @DisplayName("RP1 an edit that adds an unprotected VM is refused and the plan is unchanged")
    void editAddingUnprotectedVm() {
        RecoveryPlan plan = threeTier();
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> plan.withVm(CONTEXT, 2, "ghost"));
        assertEquals(Rule.RP1, e.rule());
        assertEquals(threeTier(), plan);
    }

    @Test
    @DisplayName("RP2 new VMs go to group 1; more groups can be added")
    void newVmsGoToGroupOne() {
        RecoveryPlan plan = builder().addVm("db-1").addGroup().addVm(2, "app-1").addVm("db-2").build();
        assertEquals(2, plan.groupCount());
        assertEquals(List.of("db-1", "db-2"), plan.group(1).vms());
        assertEquals(List.of("app-1"), plan.group(2).vms());
        assertEquals(OptionalInt.of(2), plan.groupOf("app-1"));
        assertEquals(OptionalInt.empty(), plan.groupOf("web-1"));
        assertEquals(List.of("db-1", "db-2", "app-1"), plan.vms());
    }

    @Test
    @DisplayName("RP2 adding a replication group adds all its VMs, in its order")
    void replicationGroupAddsAllItsVms() {
        RecoveryPlan plan = builder().addGroup().addVm(2, "app-1").addReplicationGroup(2, "web-farm").build();
        assertEquals(List.of("app-1", "web-1", "web-2", "web-3"), plan.group(2).vms());
        assertEquals(List.of("web-1", "web-2", "web-3"), builder().addReplicationGroup("web-farm").build().vms());
    }

    @Test
    @DisplayName("RP2 a replication group is added whole or not at all")
    void replicationGroupAllOrNothing() {
        RecoveryPlan.Builder b = builder().addVm("web-2");
        InvalidConfigurationException clash = assertThrows(InvalidConfigurationException.class,
                () -> b.addReplicationGroup("web-farm"));
        assertEquals(Rule.RP2, clash.rule());
        assertTrue(clash.getMessage().contains("web-2"), clash.getMessage());
        InvalidConfigurationException unprotected = assertThrows(InvalidConfigurationException.class,
                () -> b.addReplicationGroup("with-unprotected"));
        assertEquals(Rule.RP1, unprotected.rule());
        InvalidConfigurationException unknown = assertThrows(InvalidConfigurationException.class,
                () -> b.addReplicationGroup("no-such-group"));
        assertEquals(Rule.RP2, unknown.rule());
        assertEquals(List.of("web-2"), b.build().vms());
    }

    @Test
    @DisplayName("RP2 a VM is in at most one group of a plan")
    void vmInOneGroup() {
        RecoveryPlan.Builder b = builder().addGroup().addVm(1, "db-1");
        InvalidConfigurationException again = assertThrows(InvalidConfigurationException.class,
                () -> b.addVm(2, "db-1"));
        assertEquals(Rule.RP2, again.rule());
        assertTrue(again.getMessage().contains("db-1") && again.getMessage().contains("group 1"), again.getMessage());
        InvalidConfigurationException twiceInOneCall = assertThrows(InvalidConfigurationException.class,
                () -> b.addVms(2, List.of("db-2", "db-2")));
        assertEquals(Rule.RP2, twiceInOneCall.rule());
        assertEquals(List.of("db-1"), b.build().vms());
    }

    @Test
    @DisplayName("RP2 a plan has no fixed limit of groups or VMs (more than the service's 7 groups and 100 VMs)")
    void noFixedLimits() {
        PlanContext many = PlanContext.of("vmm-a", java.util.stream.IntStream.range(0, 500)
                .mapToObj(i -> "vm-" + i).toList());
        RecoveryPlan.Builder b = RecoveryPlan.builder("big", "vmm-a", "vmm-b", many);
        for (int g = 2; g <= 50; g++) {
            b.addGroup();
        }
        for (int i = 0; i < 500; i++) {
            b.addVm(i % 50 + 1, "vm-" + i);
        }
        RecoveryPlan plan = b.build();
        assertEquals(50, plan.groupCount());
        assertEquals(500, plan.vms().size());
    }

    @Test
    @DisplayName("RP3 a dependency on a VM of an earlier group is accepted")
    void dependencyOnEarlierGroup() {
        RecoveryPlan plan = threeTier();
        assertEquals(List.of(new Dependency("app-1", "db-1")), plan.group(2).dependencies());
        assertEquals(List.of(new Dependency("app-1", "db-1"), new Dependency("web-2", "web-1")),
                plan.dependencies());
    }

    @Test
    @DisplayName("RP3 a dependency on a VM of a later group is refused, naming both VMs")
    void dependencyOnLaterGroup() {
        RecoveryPlan.Builder b = builder().addGroup().addVm(1, "db-1").addVm(2, "app-1")
                .addDependency("db-1", "app-1");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, b::build);
        assertEquals(Rule.RP3, e.rule());
        assertTrue(e.getMessage().contains("db-1") && e.getMessage().contains("app-1"), e.getMessage());
        assertEquals("db-1 after app-1", e.errors().get(0).value());
    }

    @Test
    @DisplayName("RP3 moving a group before the group it waits for is refused and leaves the plan as it was")
    void groupMoveAgainstDependency() {
        RecoveryPlan plan = threeTier();
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> plan.withGroupMoved(2, 1));
        assertEquals(Rule.RP3, e.rule());
        assertTrue(e.getMessage().contains("app-1") && e.getMessage().contains("db-1"), e.getMessage());
        assertEquals(threeTier(), plan);
        assertThrows(InvalidConfigurationException.class, () -> plan.withVmMoved("db-1", 3));
    }

    @Test
    @DisplayName("RP5 a dependency cycle is refused, naming the cycle")
    void cycleRefused() {
        RecoveryPlan.Builder b = builder().addVm("db-1").addVm("db-2").addVm("app-1")
                .addDependency("db-2", "db-1").addDependency("app-1", "db-2").addDependency("db-1", "app-1");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, b::build);
        assertEquals(Rule.RP5, e.rule());
        assertTrue(e.getMessage().contains("db-1 -> db-2 -> app-1 -> db-1"), e.getMessage());
        InvalidConfigurationException self = assertThrows(InvalidConfigurationException.class,
                () -> builder().addVm("db-1").addDependency("db-1", "db-1"));
        assertEquals(Rule.RP5, self.rule());
    }

    @Test
    @DisplayName("RP5 each of two separate cycles is named")
    void twoCycles() {
        RecoveryPlan.Builder b = builder().addGroup().addVm(1, "db-1").addVm(1, "db-2").addVm(2, "web-1")
                .addVm(2, "web-2").addDependency("db-1", "db-2").addDependency("db-2", "db-1")
                .addDependency("web-1", "web-2").addDependency("web-2", "web-1");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, b::build);
        assertEquals(2, e.errors().size());
        assertTrue(e.errors().stream().allMatch(f -> f.rule() == Rule.RP5));
    }

    @Test
    @DisplayName("RP5 a dependency naming a VM outside the plan is refused")
    void unknownVmInDependency() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> builder().addVm("db-1").addDependency("db-1", "db-2"));
        assertEquals(Rule.RP5, e.rule());
        assertTrue(e.getMessage().contains("db-2"), e.getMessage());
        InvalidConfigurationException blank = assertThrows(InvalidConfigurationException.class,
                () -> builder().addVm("db-1").addDependency("db-1", " "));
        assertEquals(Rule.INPUT, blank.rule());
    }

    @Test
    @DisplayName("RP5 a dependency given twice is refused")
    void duplicateDependency() {
        RecoveryPlan.Builder b = builder().addVm("db-1").addVm("db-2").addDependency("db-2", "db-1")
                .addDependency("db-2", "db-1");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, b::build);
        assertEquals(Rule.INPUT, e.rule());
        assertEquals("db-2 after db-1", e.errors().get(0).value());
    }

    @Test
    @DisplayName("RP4 actions sit before and after every step, in the order given, with their kinds and directions")
    void actionsInSlots() {
        PlanAction testOnly = PlanAction.manual("notify", "call the DBA").withKinds(FailoverKind.TEST)
                .withDirections(FailoverDirection.RECOVERY_TO_PRIMARY);
        RecoveryPlan plan = threeTier().withAction(Slot.beforeShutdown(), testOnly)
                .withAction(Slot.afterGroup(3), 0, PlanAction.manual("first", "go"));
        assertEquals(List.of("first", "dns", "smoke"), names(plan.actions(Slot.afterGroup(3))));
        assertEquals(List.of(testOnly), plan.actions(Slot.beforeShutdown()));
        assertEquals(Slot.beforeShutdown(), plan.slotOf("notify"));
        assertNull(plan.slotOf("nothing"));
        assertEquals(10, plan.slots().size());
    }

    @Test
    @DisplayName("RP4 action names are unique in a plan")
    void actionNamesUnique() {
        RecoveryPlan plan = threeTier();
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> plan.withAction(Slot.beforeFailover(), PlanAction.manual("dns", "again")));
        assertEquals(Rule.INPUT, e.rule());
        assertThrows(InvalidConfigurationException.class,
                () -> plan.withActionReplaced("smoke", PlanAction.manual("dns", "again")));
        assertThrows(InvalidConfigurationException.class,
                () -> plan.withAction(Slot.afterGroup(4), PlanAction.manual("x", "note")));
        assertThrows(InvalidConfigurationException.class,
                () -> plan.withAction(Slot.afterGroup(3), 3, PlanAction.manual("x", "note")));
    }

    @Test
    @DisplayName("RP9 a VM may be in several plans")
    void vmInSeveralPlans() {
        RecoveryPlan first = builder().addVm("db-1").build();
        RecoveryPlan second = RecoveryPlan.builder("reporting", "vmm-a", "vmm-b", CONTEXT).addVm("db-1")
                .addVm("app-1").build();
        assertTrue(first.contains("db-1"));
        assertTrue(second.contains("db-1"));
    }

    @Test
    @DisplayName("RP10 removing a VM keeps every other VM, dependency and action in order")
    void removeVmKeepsTheRest() {
        RecoveryPlan plan = threeTier().withoutVm("db-2");
        assertEquals(List.of("db-1", "app-1", "web-1", "web-2"), plan.vms());
        assertEquals(threeTier().dependencies(), plan.dependencies());
        assertEquals(List.of("dns", "smoke"), names(plan.actions(Slot.afterGroup(3))));
        assertEquals(threeTier().actions(Slot.beforeGroup(2)), plan.actions(Slot.beforeGroup(2)));
    }

    @Test
    @DisplayName("RP10 removing a VM removes the dependencies that name it, and only those")
    void removeVmRemovesItsDependencies() {
        RecoveryPlan plan = threeTier().withoutVm("db-1");
        assertEquals(List.of(new Dependency("web-2", "web-1")), plan.dependencies());
        assertEquals(List.of(new Dependency("web-2", "web-1")), threeTier().withoutVm("app-1").dependencies());
    }

    @Test
    @DisplayName("RP10 moving a group carries its VMs, dependencies and actions; the others keep their order")
    void moveGroupCarriesContent() {
        RecoveryPlan moved = threeTier().withoutDependency("app-1", "db-1").withGroupMoved(3, 1);
        assertEquals(List.of("web-1", "web-2"), moved.group(1).vms());
        assertEquals(List.of(new Dependency("web-2", "web-1")), moved.group(1).dependencies());
        assertEquals(List.of("dns", "smoke"), names(moved.actions(Slot.afterGroup(1))));
        assertEquals(List.of("db-1", "db-2"), moved.group(2).vms());
        assertEquals(List.of("check-db"), names(moved.actions(Slot.beforeGroup(3))));
    }

    @Test
    @DisplayName("RP10 moving and replacing an action keep the other actions, their kinds and directions")
    void moveAndReplaceAction() {
        RecoveryPlan plan = threeTier().withActionMoved("dns", Slot.beforeFailover(), 0);
        assertEquals(List.of("smoke"), names(plan.actions(Slot.afterGroup(3))));
        assertEquals(List.of("dns"), names(plan.actions(Slot.beforeFailover())));
        PlanAction narrowed = plan.actions(Slot.afterGroup(3)).get(0).withKinds(FailoverKind.PLANNED);
        RecoveryPlan replaced = plan.withActionReplaced("smoke", narrowed);
        assertEquals(List.of(narrowed), replaced.actions(Slot.afterGroup(3)));
        assertEquals(plan.actions(Slot.beforeFailover()), replaced.actions(Slot.beforeFailover()));
        RecoveryPlan swapped = threeTier().withActionMoved("smoke", Slot.afterGroup(3), 0);
        assertEquals(List.of("smoke", "dns"), names(swapped.actions(Slot.afterGroup(3))));
        assertEquals(threeTier().withoutAction("dns").actions(Slot.afterGroup(3)),
                List.of(threeTier().actions(Slot.afterGroup(3)).get(1)));
    }

    @Test
    @DisplayName("RP10 removing a group removes its VMs, their dependencies and its actions; the rest stays")
    void removeGroup() {
        RecoveryPlan plan = threeTier().withGroupRemoved(1);
        assertEquals(List.of("app-1", "web-1", "web-2"), plan.vms());
        assertEquals(List.of(new Dependency("web-2", "web-1")), plan.dependencies());
        assertEquals(List.of("check-db"), names(plan.actions(Slot.beforeGroup(1))));
        assertEquals(Rule.INPUT, assertThrows(InvalidConfigurationException.class,
                () -> builder().build().withGroupRemoved(1)).rule());
        // the removed group's action names are free again
        assertEquals(1, threeTier().withGroupRemoved(2).withAction(Slot.beforeFailover(),
                PlanAction.manual("check-db", "note")).actions(Slot.beforeFailover()).size());
    }

    @Test
    @DisplayName("RP10 a moved VM keeps its own dependencies; refused edits name what is missing")
    void moveVm() {
        RecoveryPlan plan = threeTier().withGroupAdded().withVmMoved("web-2", 4);
        assertEquals(List.of("web-2"), plan.group(4).vms());
        assertEquals(List.of(new Dependency("web-2", "web-1")), plan.group(4).dependencies());
        assertEquals(List.of(), plan.group(3).dependencies());
        assertEquals(Rule.INPUT, assertThrows(InvalidConfigurationException.class,
                () -> threeTier().withoutVm("ghost")).rule());
        assertEquals(Rule.INPUT, assertThrows(InvalidConfigurationException.class,
                () -> threeTier().withoutDependency("web-1", "web-2")).rule());
        assertEquals(Rule.INPUT, assertThrows(InvalidConfigurationException.class,
                () -> threeTier().withoutAction("ghost")).rule());
        assertEquals(Rule.INPUT, assertThrows(InvalidConfigurationException.class,
                () -> threeTier().withVmMoved("db-1", 9)).rule());
    }

    @Test
    @DisplayName("RP10 editing a large plan keeps it whole: VM lookups stay right after removals and re-adds")
    void lookupsAfterManyEdits() {
        RecoveryPlan.Builder b = builder();
        for (String vm : List.of("db-1", "db-2", "app-1", "app-2", "web-1", "web-2", "web-3")) {
            b.addVm(vm);
        }
        b.removeVm("db-2").removeVm("app-2").addVm("db-2").removeVm("web-1").addVm("app-2").addVm("web-1");
        RecoveryPlan plan = b.addDependency("web-1", "db-2").build();
        assertEquals(List.of("db-1", "app-1", "web-2", "web-3", "db-2", "app-2", "web-1"), plan.vms());
        assertEquals(List.of(new Dependency("web-1", "db-2")), plan.dependencies());
    }

    @Test
    @DisplayName("RP10 renaming keeps everything else; plans with equal content are equal")
    void renameAndEquality() {
        RecoveryPlan renamed = threeTier().withName("erp-2");
        assertEquals("erp-2", renamed.name());
        assertEquals(threeTier().groups(), renamed.groups());
        assertEquals(threeTier(), threeTier());
        assertEquals(threeTier().hashCode(), threeTier().hashCode());
        assertFalse(threeTier().equals(renamed));
        assertTrue(threeTier().toString().contains("3 groups, 5 VMs"));
    }

    private static List<String> names(List<PlanAction> actions) {
        return actions.stream().map(PlanAction::name).toList();
    }
}
