package dev.secondsite.core.plan;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * A recovery plan (SPEC section 7): a name, a source (primary) and a target (recovery) server, boot groups 1..n of
 * protected VMs of the source server with per-VM dependencies, and actions before and after the shutdown step, the
 * failover step and each boot group. There is no limit on groups or VMs.
 *
 * <p>Build one with {@link #builder(String, String, String, PlanContext)}; every {@code with...} edit returns a new
 * plan and leaves everything it does not touch as it was, in the same order (RP10). A plan is always valid:
 * <ul>
 *   <li>RP1: only VMs protected on the source server are added (asked of the {@link PlanContext} when added);</li>
 *   <li>RP2: a VM is in at most one group; adding a replication group adds all its VMs; new VMs go to group 1
 *       unless a group is named; there is at least one group;</li>
 *   <li>RP3: a {@link Dependency} waits for a VM of the same group or of an earlier group, never a later one;</li>
 *   <li>RP5: dependencies name VMs of the plan and form no cycle;</li>
 *   <li>action names are unique in the plan, so that edits can name them.</li>
 * </ul>
 * A refused build or edit throws {@link InvalidConfigurationException} naming the rule and the VM ids (or the cycle),
 * and changes nothing. Findings about a dependency carry {@link Dependency#toString()} as their value; findings about a
 * VM carry its id; findings about an action carry its name.
 *
 * <p>A VM may be in several plans (RP9); a plan knows nothing of the others.
 *
 * <p>The plan's {@link ExecutionOrder} is worked out once, when it is built, in time linear in VMs plus dependencies.
 *
 * <p>Immutable and thread-safe.
 */
public final class RecoveryPlan {
    private final String name;
    private final String sourceServer;
    private final String targetServer;
    private final ImmutableList<PlanAction> shutdownBefore;
    private final ImmutableList<PlanAction> shutdownAfter;
    private final ImmutableList<PlanAction> failoverBefore;
    private final ImmutableList<PlanAction> failoverAfter;
    private final ImmutableList<RecoveryGroup> groups;
    // derived when built: the plan's boot order, so that ExecutionOrder.of costs nothing per VM
    private final ImmutableList<String> vms;
    private final ImmutableList<ImmutableList<ImmutableList<String>>> waves;
    // derived on first use; a race computes the same immutable map twice, which is harmless
    private volatile @Nullable ImmutableMap<String, Integer> groupByVm;

    private RecoveryPlan(Builder b, ImmutableList<RecoveryGroup> groups, ImmutableList<String> vms,
                         ImmutableList<ImmutableList<ImmutableList<String>>> waves) {
        this.name = b.name;
        this.sourceServer = b.sourceServer;
        this.targetServer = b.targetServer;
        this.shutdownBefore = ImmutableList.copyOf(b.shutdownBefore);
        this.shutdownAfter = ImmutableList.copyOf(b.shutdownAfter);
        this.failoverBefore = ImmutableList.copyOf(b.failoverBefore);
        this.failoverAfter = ImmutableList.copyOf(b.failoverAfter);
        this.groups = groups;
        this.vms = vms;
        this.waves = waves;
    }

    /**
     * Starts a plan with one empty boot group.
     *
     * @param context answers which VMs are protected and which VMs a replication group holds, as VMs are added
     * @throws InvalidConfigurationException (RP1) when a name or server id is blank
     */
    public static Builder builder(String name, String sourceServer, String targetServer, PlanContext context) {
        return new Builder(name, sourceServer, targetServer, requireNonNull(context, "context"));
    }

    /** A builder holding this plan, for several edits at once; VMs it adds are checked against {@code context}. */
    public Builder toBuilder(PlanContext context) {
        return new Builder(this, requireNonNull(context, "context"));
    }

    public String name() {
        return name;
    }

    /** The id of the source (primary) server, a {@code Site.id()}. */
    public String sourceServer() {
        return sourceServer;
    }

    /** The id of the target (recovery) server, a {@code Site.id()}. */
    public String targetServer() {
        return targetServer;
    }

    /** The boot groups; group {@code k} is {@code groups().get(k - 1)}. Never empty. */
    public List<RecoveryGroup> groups() {
        return groups;
    }

    public int groupCount() {
        return groups.size();
    }

    /**
     * Boot group {@code number}.
     *
     * @throws InvalidConfigurationException (INPUT) when there is no such group
     */
    public RecoveryGroup group(int number) {
        return groups.get(checkGroup(subject(name), number, groups.size()) - 1);
    }

    /** Every VM of the plan: group 1's in the order added, then group 2's, and so on. */
    public List<String> vms() {
        return vms;
    }

    public boolean contains(String vmId) {
        return groupIndex().containsKey(vmId);
    }

    /** The number of the group holding {@code vmId}, or empty when the plan does not hold it. */
    public OptionalInt groupOf(String vmId) {
        Integer g = groupIndex().get(vmId);
        return g == null ? OptionalInt.empty() : OptionalInt.of(g);
    }

    /** Every dependency, group by group, each group's in the order added. */
    public List<Dependency> dependencies() {
        return groups.stream().flatMap(g -> g.dependencies().stream()).collect(ImmutableList.toImmutableList());
    }

    /**
     * The actions in {@code slot}, in order.
     *
     * @throws InvalidConfigurationException (INPUT) when {@code slot} names a group the plan does not have
     */
    public List<PlanAction> actions(Slot slot) {
        return switch (slot.stage()) {
            case SHUTDOWN -> slot.position() == Slot.Position.BEFORE ? shutdownBefore : shutdownAfter;
            case FAILOVER -> slot.position() == Slot.Position.BEFORE ? failoverBefore : failoverAfter;
            case BOOT -> group(slot.group()).actions(slot.position());
        };
    }

    /** Every slot of this plan, in the order they run: shutdown, failover, groups 1..n; each before then after. */
    public List<Slot> slots() {
        ImmutableList.Builder<Slot> slots = ImmutableList.<Slot>builder()
                .add(Slot.beforeShutdown(), Slot.afterShutdown(), Slot.beforeFailover(), Slot.afterFailover());
        for (int g = 1; g <= groups.size(); g++) {
            slots.add(Slot.beforeGroup(g), Slot.afterGroup(g));
        }
        return slots.build();
    }

    /** The slot holding the action named {@code actionName}, or null. */
    public @Nullable Slot slotOf(String actionName) {
        for (Slot slot : slots()) {
            for (PlanAction a : actions(slot)) {
                if (a.name().equals(actionName)) {
                    return slot;
                }
            }
        }
        return null;
    }

    /** Group {@code index}'s (0-based) waves, as {@link ExecutionOrder} hands them out. */
    ImmutableList<ImmutableList<String>> waves(int index) {
        return waves.get(index);
    }

    private ImmutableMap<String, Integer> groupIndex() {
        ImmutableMap<String, Integer> index = groupByVm;
        if (index == null) {
            ImmutableMap.Builder<String, Integer> b = ImmutableMap.builderWithExpectedSize(vms.size());
            for (int g = 0; g < groups.size(); g++) {
                for (String vm : groups.get(g).vms()) {
                    b.put(vm, g + 1);
                }
            }
            index = b.build();
            groupByVm = index;
        }
        return index;
    }

    // ---- edits: each returns a new plan, made by a builder holding this one ----

    /** This plan under another name. @throws InvalidConfigurationException (RP1) when blank */
    public RecoveryPlan withName(String newName) {
        return edit().name(newName).build();
    }

    /** This plan with a new, empty last group; nothing else changes. */
    public RecoveryPlan withGroupAdded() {
        return edit().addGroup().build();
    }

    /**
     * This plan edited as {@link Builder#removeGroup(int)} says.
     *
     * @throws InvalidConfigurationException as that method and {@link Builder#build()} do; this plan is unchanged
     */
    public RecoveryPlan withGroupRemoved(int group) {
        return edit().removeGroup(group).build();
    }

    /**
     * This plan edited as {@link Builder#moveGroup(int, int)} says.
     *
     * @throws InvalidConfigurationException as that method and {@link Builder#build()} do; this plan is unchanged
     */
    public RecoveryPlan withGroupMoved(int from, int to) {
        return edit().moveGroup(from, to).build();
    }

    /**
     * This plan edited as {@link Builder#addVm(int, String)} says.
     *
     * @throws InvalidConfigurationException as that method and {@link Builder#build()} do; this plan is unchanged
     */
    public RecoveryPlan withVm(PlanContext context, int group, String vmId) {
        return toBuilder(context).addVm(group, vmId).build();
    }

    /**
     * This plan edited as {@link Builder#addReplicationGroup(int, String)} says.
     *
     * @throws InvalidConfigurationException as that method and {@link Builder#build()} do; this plan is unchanged
     */
    public RecoveryPlan withReplicationGroup(PlanContext context, int group, String replicationGroup) {
        return toBuilder(context).addReplicationGroup(group, replicationGroup).build();
    }

    /**
     * This plan edited as {@link Builder#removeVm(String)} says.
     *
     * @throws InvalidConfigurationException as that method and {@link Builder#build()} do; this plan is unchanged
     */
    public RecoveryPlan withoutVm(String vmId) {
        return edit().removeVm(vmId).build();
    }

    /**
     * This plan edited as {@link Builder#moveVm(String, int)} says.
     *
     * @throws InvalidConfigurationException as that method and {@link Builder#build()} do; this plan is unchanged
     */
    public RecoveryPlan withVmMoved(String vmId, int group) {
        return edit().moveVm(vmId, group).build();
    }

    /**
     * This plan edited as {@link Builder#addDependency(String, String)} says.
     *
     * @throws InvalidConfigurationException as that method and {@link Builder#build()} do; this plan is unchanged
     */
    public RecoveryPlan withDependency(String vm, String after) {
        return edit().addDependency(vm, after).build();
    }

    /**
     * This plan edited as {@link Builder#removeDependency(String, String)} says.
     *
     * @throws InvalidConfigurationException as that method and {@link Builder#build()} do; this plan is unchanged
     */
    public RecoveryPlan withoutDependency(String vm, String after) {
        return edit().removeDependency(vm, after).build();
    }

    /**
     * This plan edited as {@link Builder#addAction(Slot, PlanAction)} says.
     *
     * @throws InvalidConfigurationException as that method and {@link Builder#build()} do; this plan is unchanged
     */
    public RecoveryPlan withAction(Slot slot, PlanAction action) {
        return edit().addAction(slot, action).build();
    }

    /**
     * This plan edited as {@link Builder#addAction(Slot, int, PlanAction)} says.
     *
     * @throws InvalidConfigurationException as that method and {@link Builder#build()} do; this plan is unchanged
     */
    public RecoveryPlan withAction(Slot slot, int index, PlanAction action) {
        return edit().addAction(slot, index, action).build();
    }

    /**
     * This plan edited as {@link Builder#removeAction(String)} says.
     *
     * @throws InvalidConfigurationException as that method and {@link Builder#build()} do; this plan is unchanged
     */
    public RecoveryPlan withoutAction(String actionName) {
        return edit().removeAction(actionName).build();
    }

    /**
     * This plan edited as {@link Builder#moveAction(String, Slot, int)} says.
     *
     * @throws InvalidConfigurationException as that method and {@link Builder#build()} do; this plan is unchanged
     */
    public RecoveryPlan withActionMoved(String actionName, Slot slot, int index) {
        return edit().moveAction(actionName, slot, index).build();
    }

    /**
     * This plan edited as {@link Builder#replaceAction(String, PlanAction)} says.
     *
     * @throws InvalidConfigurationException as that method and {@link Builder#build()} do; this plan is unchanged
     */
    public RecoveryPlan withActionReplaced(String actionName, PlanAction action) {
        return edit().replaceAction(actionName, action).build();
    }

    private Builder edit() {
        return new Builder(this, null);
    }

    /** Equal when name, servers, groups (VMs, dependencies, actions, all in order) and step actions are equal. */
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof RecoveryPlan p && name.equals(p.name) && sourceServer.equals(p.sourceServer)
                && targetServer.equals(p.targetServer) && shutdownBefore.equals(p.shutdownBefore)
                && shutdownAfter.equals(p.shutdownAfter) && failoverBefore.equals(p.failoverBefore)
                && failoverAfter.equals(p.failoverAfter) && groups.equals(p.groups);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, sourceServer, targetServer, shutdownBefore, shutdownAfter, failoverBefore,
                failoverAfter, groups);
    }

    /** A one-line summary: name, servers, number of groups and VMs. */
    @Override
    public String toString() {
        return "RecoveryPlan[" + name + ", " + sourceServer + " -> " + targetServer + ", " + groups.size()
                + " groups, " + vms.size() + " VMs]";
    }

    static String subject(String planName) {
        return "plan " + planName;
    }

    static int checkGroup(String subject, int number, int count) {
        return Checks.range(Rule.INPUT, subject, "group", number, 1, count);
    }

    /**
     * Builds and edits a {@link RecoveryPlan}. Each method checks what it can at once (a VM's protection and its
     * membership, a group number, an action name) and throws {@link InvalidConfigurationException} leaving the builder
     * as it was; {@link #build()} checks the dependencies against the final groups.
     *
     * <p>Groups are numbered from 1. Not thread-safe.
     */
    public static final class Builder {
        private final @Nullable PlanContext context;
        private String name;
        // "plan <name>", made once: it names the plan in refusals, and making it per call cost an allocation of two
        // strings per VM added
        private String subject;
        private final String sourceServer;
        private final String targetServer;
        private final List<PlanAction> shutdownBefore = new ArrayList<>();
        private final List<PlanAction> shutdownAfter = new ArrayList<>();
        private final List<PlanAction> failoverBefore = new ArrayList<>();
        private final List<PlanAction> failoverAfter = new ArrayList<>();
        private final List<GroupDraft> groups = new ArrayList<>();
        private final VmSlots vms;
        // every dependency of the plan, in one list: each group's dependencies are this list's entries whose waiting
        // VM is in the group, in this order. One list keeps adding a dependency an append, whatever the group.
        private final Dependencies dependencies = new Dependencies();
        private final Set<String> actionNames = new HashSet<>();

        private Builder(String name, String sourceServer, String targetServer, @Nullable PlanContext context) {
            this.context = context;
            this.name = Checks.text(Rule.RP1, "plan", "name", name);
            this.subject = RecoveryPlan.subject(name);
            this.sourceServer = Checks.text(Rule.RP1, subject, "sourceServer", sourceServer);
            this.targetServer = Checks.text(Rule.RP1, subject, "targetServer", targetServer);
            this.vms = new VmSlots(16);
            groups.add(new GroupDraft());
        }

        private Builder(RecoveryPlan plan, @Nullable PlanContext context) {
            this.context = context;
            this.name = plan.name;
            this.subject = RecoveryPlan.subject(name);
            this.sourceServer = plan.sourceServer;
            this.targetServer = plan.targetServer;
            this.vms = new VmSlots(plan.vms.size());
            shutdownBefore.addAll(plan.shutdownBefore);
            shutdownAfter.addAll(plan.shutdownAfter);
            failoverBefore.addAll(plan.failoverBefore);
            failoverAfter.addAll(plan.failoverAfter);
            for (RecoveryGroup g : plan.groups) {
                GroupDraft draft = new GroupDraft();
                groups.add(draft);
                for (String vm : g.vms()) {
                    draft.vms.add(vms.add(vm, draft));
                }
                draft.before.addAll(g.before());
                draft.after.addAll(g.after());
            }
            // second pass: a dependency may wait for a VM of any earlier group
            for (int i = 0; i < plan.groups.size(); i++) {
                DependencyList deps = (DependencyList) plan.groups.get(i).dependencies();
                for (int k = 0; k < deps.size(); k++) {
                    dependencies.add(vms.find(deps.vm(k)), vms.find(deps.after(k)));
                }
            }
            for (Slot slot : plan.slots()) {
                plan.actions(slot).forEach(a -> actionNames.add(a.name()));
            }
        }

        private String subject() {
            return subject;
        }

        /** Renames the plan. @throws InvalidConfigurationException (RP1) when blank */
        public Builder name(String name) {
            this.name = Checks.text(Rule.RP1, subject(), "name", name);
            this.subject = RecoveryPlan.subject(name);
            return this;
        }

        public int groupCount() {
            return groups.size();
        }

        /** Appends a new, empty group; its number is the new {@link #groupCount()}. */
        public Builder addGroup() {
            groups.add(new GroupDraft());
            return this;
        }

        /**
         * Removes group {@code group} with its VMs, their dependencies (both ways) and its actions; later groups move
         * up by one.
         *
         * @throws InvalidConfigurationException (INPUT) when there is no such group or it is the only one
         */
        public Builder removeGroup(int group) {
            GroupDraft g = group(group);
            if (groups.size() == 1) {
                throw InvalidConfigurationException.of(Rule.INPUT, subject(), "group", group,
                        "group (" + group + ") is the plan's only group and cannot be removed");
            }
            boolean[] gone = new boolean[vms.slotCount()];
            for (int k = 0; k < g.vms.size(); k++) {
                gone[g.vms.get(k)] = true;
                vms.remove(g.vms.get(k));
            }
            groups.remove(group - 1);
            dependencies.removeIf((waiting, first) -> gone[waiting] || gone[first]);
            g.before.forEach(a -> actionNames.remove(a.name()));
            g.after.forEach(a -> actionNames.remove(a.name()));
            return this;
        }

        /**
         * Moves group {@code from} to position {@code to} with its VMs, dependencies and actions; the groups between
         * shift by one. Refused at {@link #build()} when a dependency would then wait for a later group (RP3).
         *
         * @throws InvalidConfigurationException (INPUT) when either group does not exist
         */
        public Builder moveGroup(int from, int to) {
            GroupDraft g = group(from);
            group(to);
            groups.remove(from - 1);
            groups.add(to - 1, g);
            return this;
        }

        /** Adds {@code vmId} to group 1 (RP2). @see #addVm(int, String) */
        public Builder addVm(String vmId) {
            return addVm(1, vmId);
        }

        /**
         * Appends {@code vmId} to group {@code group}.
         *
         * @throws InvalidConfigurationException RP1 when the VM is not protected on the source server, RP2 when the
         *                                       plan holds it already, INPUT when there is no such group
         * @throws IllegalStateException on the builder of an edit that was not given a {@link PlanContext}
         */
        public Builder addVm(int group, String vmId) {
            GroupDraft g = group(group);
            checkAddable(vmId, group, Set.of());
            g.vms.add(vms.add(vmId, g));
            return this;
        }

        /**
         * Appends {@code vmIds}, in order, to group {@code group}: all of them or, when one is refused, none.
         *
         * @throws InvalidConfigurationException as {@link #addVm(int, String)}, naming the first refused VM
         */
        public Builder addVms(int group, Collection<String> vmIds) {
            GroupDraft g = group(group);
            Set<String> adding = new HashSet<>();
            for (String vm : vmIds) {
                checkAddable(vm, group, adding);
                adding.add(vm);
            }
            for (String vm : vmIds) {
                g.vms.add(vms.add(vm, g));
            }
            return this;
        }

        /** Adds every VM of {@code replicationGroup} to group 1 (RP2). @see #addReplicationGroup(int, String) */
        public Builder addReplicationGroup(String replicationGroup) {
            return addReplicationGroup(1, replicationGroup);
        }

        /**
         * Appends every VM of replication group {@code replicationGroup} of the source server to group {@code group}
         * (RP2): all of them or, when one is refused, none.
         *
         * @throws InvalidConfigurationException RP2 when the source server has no such replication group or the plan
         *                                       holds one of its VMs already, RP1 when one of them is not protected,
         *                                       INPUT when there is no such group
         */
        public Builder addReplicationGroup(int group, String replicationGroup) {
            Checks.text(Rule.RP2, subject(), "replicationGroup", replicationGroup);
            group(group);
            List<String> members = requireContext().replicationGroup(sourceServer, replicationGroup)
                    .orElseThrow(() -> InvalidConfigurationException.of(Rule.RP2, subject(), "replicationGroup",
                            replicationGroup, "replicationGroup ('" + replicationGroup
                                    + "') is not a replication group of source server " + sourceServer));
            return addVms(group, members);
        }

        private void checkAddable(String vmId, int group, Set<String> alsoAdding) {
            Checks.text(Rule.INPUT, subject(), "vms", vmId);
            int existing = vms.find(vmId);
            if (existing >= 0 || alsoAdding.contains(vmId)) {
                String where = existing < 0 ? "being added already" : "already in group " + number(vms.group(existing));
                throw InvalidConfigurationException.of(Rule.RP2, subject(), "vms", vmId,
                        "VM " + vmId + " cannot be added to group " + group + ": it is " + where
                                + ", and a VM is in at most one group of a plan");
            }
            if (!requireContext().isProtectedOn(sourceServer, vmId)) {
                throw InvalidConfigurationException.of(Rule.RP1, subject(), "vms", vmId,
                        "VM " + vmId + " is not a protected VM of source server " + sourceServer);
            }
        }

        private PlanContext requireContext() {
            if (context == null) {
                throw new IllegalStateException("adding VMs needs a PlanContext: use toBuilder(context)");
            }
            return context;
        }

        /**
         * Removes {@code vmId} from the plan, with every dependency that names it (either way).
         *
         * @throws InvalidConfigurationException (INPUT) when the plan does not hold it
         */
        public Builder removeVm(String vmId) {
            int slot = slot(vmId, "vms");
            GroupDraft g = groupOf(slot);
            g.vms.removeAt(g.vms.indexOf(slot));
            dependencies.removeIf((waiting, first) -> waiting == slot || first == slot);
            vms.remove(slot);
            return this;
        }

        /**
         * Moves {@code vmId} to the end of group {@code group}, with the dependencies it waits on, which follow the new
         * group's own in their order. Refused at {@link #build()} when a dependency would then wait for a later group
         * (RP3).
         *
         * @throws InvalidConfigurationException (INPUT) when the plan does not hold it or there is no such group
         */
        public Builder moveVm(String vmId, int group) {
            int slot = slot(vmId, "vms");
            GroupDraft to = group(group);
            GroupDraft from = groupOf(slot);
            from.vms.removeAt(from.vms.indexOf(slot));
            to.vms.add(slot);
            vms.setGroup(slot, to);
            if (from != to) {
                // its dependencies go last among its new group's, as if added now, in their order
                IntList firsts = new IntList();
                dependencies.removeIf((waiting, first) -> waiting == slot && firsts.add(first));
                for (int k = 0; k < firsts.size(); k++) {
                    dependencies.add(slot, firsts.get(k));
                }
            }
            return this;
        }

        /**
         * Makes {@code vm} start after {@code after} has started (RP3). Both must be in the plan already; whether
         * {@code after} is in the same or an earlier group, and whether the dependencies form a cycle, is checked by
         * {@link #build()}.
         *
         * @throws InvalidConfigurationException RP5 when either VM is not in the plan or they are the same VM
         */
        public Builder addDependency(String vm, String after) {
            requireNonNull(vm, "vm");
            requireNonNull(after, "after");
            // a blank id is never in the plan, so the lookups below refuse it; no need to scan it here as well
            int waiting = dependencySlot(vm, after, vm);
            int first = dependencySlot(vm, after, after);
            if (waiting == first) {
                Dependency d = new Dependency(vm, after);
                throw InvalidConfigurationException.of(Rule.RP5, subject(), "dependencies", d,
                        "dependency " + d + " is a cycle: " + vm + " -> " + vm);
            }
            dependencies.add(waiting, first);
            return this;
        }

        private int dependencySlot(String vm, String after, String vmId) {
            int slot = vms.find(vmId);
            if (slot < 0) {
                Dependency d = new Dependency(vm, after);
                throw InvalidConfigurationException.of(Rule.RP5, subject(), "dependencies", d,
                        "dependency " + d + " names VM " + vmId + ", which is not in the plan");
            }
            return slot;
        }

        /**
         * Removes the dependency of {@code vm} on {@code after}.
         *
         * @throws InvalidConfigurationException (INPUT) when there is no such dependency
         */
        public Builder removeDependency(String vm, String after) {
            Dependency d = new Dependency(vm, after);
            int waiting = vms.find(vm);
            int first = vms.find(after);
            boolean[] removed = {false};
            if (waiting >= 0 && first >= 0) {
                dependencies.removeIf((w, f) -> !removed[0] && w == waiting && f == first && (removed[0] = true));
            }
            if (!removed[0]) {
                throw InvalidConfigurationException.of(Rule.INPUT, subject(), "dependencies", d,
                        "dependencies (" + d + ") has no such dependency");
            }
            return this;
        }

        /** Appends {@code action} to {@code slot}. @see #addAction(Slot, int, PlanAction) */
        public Builder addAction(Slot slot, PlanAction action) {
            return addAction(slot, slotList(slot).size(), action);
        }

        /**
         * Inserts {@code action} into {@code slot} at {@code index} (0 = first); the actions already there keep their
         * order (RP4, RP10).
         *
         * @throws InvalidConfigurationException (INPUT) when the slot's group does not exist, the index is out of range
         *                                       or the plan has an action of that name already
         */
        public Builder addAction(Slot slot, int index, PlanAction action) {
            requireNonNull(action, "action");
            List<PlanAction> list = slotList(slot);
            Checks.range(Rule.INPUT, subject(), "actions.index", index, 0, list.size());
            if (actionNames.contains(action.name())) {
                throw InvalidConfigurationException.of(Rule.INPUT, subject(), "actions", action.name(),
                        "actions ('" + action.name() + "') appears more than once; action names are unique in a plan");
            }
            list.add(index, action);
            actionNames.add(action.name());
            return this;
        }

        /**
         * Removes the action named {@code actionName}.
         *
         * @throws InvalidConfigurationException (INPUT) when there is none
         */
        public Builder removeAction(String actionName) {
            List<PlanAction> list = listHolding(actionName);
            list.removeIf(a -> a.name().equals(actionName));
            actionNames.remove(actionName);
            return this;
        }

        /**
         * Moves the action named {@code actionName} to {@code slot} at {@code index}, counted after it has left its
         * old place.
         *
         * @throws InvalidConfigurationException (INPUT) when there is no such action or slot, or the index is out of
         *                                       range
         */
        public Builder moveAction(String actionName, Slot slot, int index) {
            List<PlanAction> from = listHolding(actionName);
            List<PlanAction> to = slotList(slot);
            int at = indexOf(from, actionName);
            Checks.range(Rule.INPUT, subject(), "actions.index", index, 0, to.size() - (from == to ? 1 : 0));
            to.add(index, from.remove(at));
            return this;
        }

        /**
         * Replaces the action named {@code actionName} by {@code action} in the same place (e.g. to change its kinds).
         *
         * @throws InvalidConfigurationException (INPUT) when there is no such action, or {@code action} has the name
         *                                       of another action of the plan
         */
        public Builder replaceAction(String actionName, PlanAction action) {
            List<PlanAction> list = listHolding(actionName);
            if (!action.name().equals(actionName) && actionNames.contains(action.name())) {
                throw InvalidConfigurationException.of(Rule.INPUT, subject(), "actions", action.name(),
                        "actions ('" + action.name() + "') appears more than once; action names are unique in a plan");
            }
            list.set(indexOf(list, actionName), action);
            actionNames.remove(actionName);
            actionNames.add(action.name());
            return this;
        }

        private static int indexOf(List<PlanAction> list, String actionName) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).name().equals(actionName)) {
                    return i;
                }
            }
            return -1;
        }

        private List<PlanAction> listHolding(String actionName) {
            if (actionNames.contains(actionName)) {
                for (List<PlanAction> list : allSlotLists()) {
                    if (indexOf(list, actionName) >= 0) {
                        return list;
                    }
                }
            }
            throw InvalidConfigurationException.of(Rule.INPUT, subject(), "actions", actionName,
                    "actions ('" + actionName + "') has no such action");
        }

        private List<List<PlanAction>> allSlotLists() {
            List<List<PlanAction>> all = new ArrayList<>(List.of(shutdownBefore, shutdownAfter, failoverBefore,
                    failoverAfter));
            for (GroupDraft g : groups) {
                all.add(g.before);
                all.add(g.after);
            }
            return all;
        }

        private List<PlanAction> slotList(Slot slot) {
            boolean before = slot.position() == Slot.Position.BEFORE;
            return switch (slot.stage()) {
                case SHUTDOWN -> before ? shutdownBefore : shutdownAfter;
                case FAILOVER -> before ? failoverBefore : failoverAfter;
                case BOOT -> before ? group(slot.group()).before : group(slot.group()).after;
            };
        }

        private GroupDraft group(int number) {
            return groups.get(checkGroup(subject(), number, groups.size()) - 1);
        }

        private int number(GroupDraft g) {
            return groups.indexOf(g) + 1;
        }

        private int slot(String vmId, String field) {
            int slot = vms.find(vmId);
            if (slot < 0) {
                throw InvalidConfigurationException.of(Rule.INPUT, subject(), field, vmId,
                        field + " ('" + vmId + "') is not in the plan");
            }
            return slot;
        }

        private GroupDraft groupOf(int slot) {
            return requireNonNull(vms.group(slot), "a present VM has a group");
        }

        /**
         * Checks the dependencies against the groups and builds the plan with its boot order. A refused build leaves
         * the builder as it was, to be corrected and built again; a builder can build any number of plans.
         *
         * @throws InvalidConfigurationException with one finding per problem: RP3 for each dependency that waits for a
         *                                       VM of a later group (naming both VMs), RP5 for each cycle (naming it),
         *                                       INPUT for a dependency given twice
         */
        public RecoveryPlan build() {
            return PlanOrdering.build(this);
        }

        // ---- read by PlanOrdering ----

        List<GroupDraft> groupDrafts() {
            return groups;
        }

        VmSlots vmSlots() {
            return vms;
        }

        Dependencies dependencyDrafts() {
            return dependencies;
        }

        String planName() {
            return name;
        }

        RecoveryPlan create(ImmutableList<RecoveryGroup> groups, ImmutableList<String> vms,
                            ImmutableList<ImmutableList<ImmutableList<String>>> waves) {
            return new RecoveryPlan(this, groups, vms, waves);
        }
    }

    /** A group while it is being built: its VMs as slots of the builder's {@link VmSlots}, and its actions. */
    static final class GroupDraft {
        final IntList vms = new IntList();
        final List<PlanAction> before = new ArrayList<>();
        final List<PlanAction> after = new ArrayList<>();
    }

    /** Dependencies while a plan is being built: dependency k makes slot waiting(k) wait for slot first(k). */
    static final class Dependencies {
        private final IntList waiting = new IntList(16);
        private final IntList first = new IntList(16);

        void add(int waitingSlot, int firstSlot) {
            waiting.add(waitingSlot);
            first.add(firstSlot);
        }

        int size() {
            return waiting.size();
        }

        int waiting(int k) {
            return waiting.get(k);
        }

        int first(int k) {
            return first.get(k);
        }

        /** Removes the dependencies {@code test} accepts, keeping the others in order. */
        void removeIf(SlotPairTest test) {
            int kept = 0;
            for (int k = 0; k < waiting.size(); k++) {
                if (!test.test(waiting.get(k), first.get(k))) {
                    waiting.set(kept, waiting.get(k));
                    first.set(kept, first.get(k));
                    kept++;
                }
            }
            waiting.truncate(kept);
            first.truncate(kept);
        }
    }

    /** A test of one dependency, given as the slots of its waiting and its first VM. */
    @FunctionalInterface
    interface SlotPairTest {
        boolean test(int waitingSlot, int firstSlot);
    }
}
