package dev.secondsite.core.plan;

import com.google.common.collect.ImmutableList;
import dev.secondsite.core.Finding;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.plan.RecoveryPlan.GroupDraft;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks a plan's dependencies and works out its boot waves in one pass of Kahn's algorithm over int arrays (the
 * benchmark's sizes, 10^5 VMs and 2*10^5 dependencies, must cost a small multiple of a bare topological sort).
 *
 * <p>VMs are numbered in plan order (group by group, each group's in the order added). A dependency on a VM of an
 * earlier group takes part in the sort, which keeps the cycle check simple, but not in the waves: group order already
 * satisfies it.
 */
final class PlanOrdering {
    private static final int CROSS_GROUP = Integer.MIN_VALUE;

    private PlanOrdering() {
    }

    static RecoveryPlan build(RecoveryPlan.Builder b) {
        String subject = RecoveryPlan.subject(b.planName());
        List<GroupDraft> drafts = b.groupDrafts();
        VmSlots slots = b.vmSlots();
        int groupCount = drafts.size();
        int n = slots.size();
        String[] ids = new String[n];
        int[] groupStart = new int[groupCount + 1];
        // slot -> its group in the high half, its plan index in the low half: one read finds both
        long[] placeOfSlot = new long[slots.slotCount()];
        int i = 0;
        for (int g = 0; g < groupCount; g++) {
            GroupDraft draft = drafts.get(g);
            groupStart[g] = i;
            for (int k = 0; k < draft.vms.size(); k++) {
                int slot = draft.vms.get(k);
                placeOfSlot[slot] = (long) g << 32 | i;
                ids[i] = slots.id(slot);
                i++;
            }
        }
        groupStart[groupCount] = n;

        // edges in the order added: edge e makes VM waits[e] (of group edgeGroup[e]) wait for VM firsts[e]
        RecoveryPlan.Dependencies drafted = b.dependencyDrafts();
        List<Finding> findings = new ArrayList<>();
        int[] waits = new int[drafted.size()];
        int[] firsts = new int[drafted.size()];
        int[] edgeGroup = new int[drafted.size()];
        boolean[] crossGroup = new boolean[drafted.size()];
        int[] start = new int[n + 1];
        int[] groupDepStart = new int[groupCount + 1];
        int m = 0;
        for (int k = 0; k < drafted.size(); k++) {
            long waiting = placeOfSlot[drafted.waiting(k)];
            long first = placeOfSlot[drafted.first(k)];
            int waitingGroup = (int) (waiting >>> 32);
            int firstGroup = (int) (first >>> 32);
            if (firstGroup > waitingGroup) {
                findings.add(laterGroup(subject, new Dependency(ids[(int) waiting], ids[(int) first]),
                        waitingGroup + 1, firstGroup + 1));
                continue;
            }
            waits[m] = (int) waiting;
            firsts[m] = (int) first;
            edgeGroup[m] = waitingGroup;
            crossGroup[m] = firstGroup != waitingGroup;
            start[(int) first + 1]++;
            groupDepStart[waitingGroup + 1]++;
            m++;
        }
        for (int v = 0; v < n; v++) {
            start[v + 1] += start[v];
        }
        // adjacency in compressed rows: the VMs that wait for VM u are next[start[u] .. start[u+1]), each with its
        // sign bit set when it is of a later group: such a dependency orders the sort but not the waves
        int[] next = new int[m];
        int[] fill = Arrays.copyOf(start, n);
        int[] remaining = new int[n];
        for (int e = 0; e < m; e++) {
            next[fill[firsts[e]]++] = crossGroup[e] ? waits[e] | CROSS_GROUP : waits[e];
            remaining[waits[e]]++;
        }
        findDuplicates(subject, ids, start, next, findings);

        int[] queue = new int[n];
        int[] level = new int[n];
        int tail = 0;
        for (int v = 0; v < n; v++) {
            if (remaining[v] == 0) {
                queue[tail++] = v;
            }
        }
        for (int head = 0; head < tail; head++) {
            int u = queue[head];
            int nextLevel = level[u] + 1;
            for (int p = start[u], end = start[u + 1]; p < end; p++) {
                int raw = next[p];
                int v = raw & ~CROSS_GROUP;
                if (raw >= 0 && level[v] < nextLevel) {
                    level[v] = nextLevel;
                }
                if (--remaining[v] == 0) {
                    queue[tail++] = v;
                }
            }
        }
        if (tail < n) {
            findCycles(subject, ids, remaining, start, next, findings);
        }
        if (!findings.isEmpty()) {
            throw new InvalidConfigurationException(findings);
        }

        // each group's dependencies, in the order added: a stable bucketing of the edges by the waiting VM's group
        for (int g = 0; g < groupCount; g++) {
            groupDepStart[g + 1] += groupDepStart[g];
        }
        String[] depVms = new String[m];
        String[] depAfters = new String[m];
        int[] depFill = Arrays.copyOf(groupDepStart, groupCount);
        for (int e = 0; e < m; e++) {
            int at = depFill[edgeGroup[e]]++;
            depVms[at] = ids[waits[e]];
            depAfters[at] = ids[firsts[e]];
        }

        ImmutableList<String> all = ImmutableList.copyOf(ids);
        ImmutableList.Builder<RecoveryGroup> groups = ImmutableList.builderWithExpectedSize(groupCount);
        ImmutableList.Builder<ImmutableList<ImmutableList<String>>> waves =
                ImmutableList.builderWithExpectedSize(groupCount);
        for (int g = 0; g < groupCount; g++) {
            GroupDraft draft = drafts.get(g);
            int from = groupStart[g];
            int to = groupStart[g + 1];
            ImmutableList<String> vms = ImmutableList.copyOf(Arrays.asList(ids).subList(from, to));
            DependencyList deps = new DependencyList(depVms, depAfters, groupDepStart[g], groupDepStart[g + 1]);
            groups.add(new RecoveryGroup(vms, deps, draft.before, draft.after));
            waves.add(waves(ids, level, from, to, vms));
        }
        return b.create(groups.build(), all, waves.build());
    }

    /** The VMs of {@code [from, to)} bucketed by level; inside a wave, in plan order (a stable counting sort). */
    private static ImmutableList<ImmutableList<String>> waves(String[] ids, int[] level, int from, int to,
                                                               ImmutableList<String> vms) {
        int maxLevel = -1;
        for (int v = from; v < to; v++) {
            maxLevel = Math.max(maxLevel, level[v]);
        }
        if (maxLevel < 0) {
            return ImmutableList.of();
        }
        if (maxLevel == 0) {
            return ImmutableList.of(vms);
        }
        int[] waveStart = new int[maxLevel + 2];
        for (int v = from; v < to; v++) {
            waveStart[level[v] + 1]++;
        }
        for (int w = 0; w <= maxLevel; w++) {
            waveStart[w + 1] += waveStart[w];
        }
        String[] sorted = new String[to - from];
        int[] fill = Arrays.copyOf(waveStart, maxLevel + 1);
        for (int v = from; v < to; v++) {
            sorted[fill[level[v]]++] = ids[v];
        }
        List<String> flat = Arrays.asList(sorted);
        ImmutableList.Builder<ImmutableList<String>> waves = ImmutableList.builderWithExpectedSize(maxLevel + 1);
        for (int w = 0; w <= maxLevel; w++) {
            // a copy, not a view, so that stages can share it without copying again
            waves.add(ImmutableList.copyOf(flat.subList(waveStart[w], waveStart[w + 1])));
        }
        return waves.build();
    }

    private static void findDuplicates(String subject, String[] ids, int[] start, int[] next,
                                       List<Finding> findings) {
        // seen[v] == u + 1 while scanning u's row marks "v already waits for u"
        int[] seen = new int[ids.length];
        for (int u = 0; u < ids.length; u++) {
            for (int p = start[u], end = start[u + 1]; p < end; p++) {
                int v = next[p] & ~CROSS_GROUP;
                if (seen[v] == u + 1) {
                    Dependency d = new Dependency(ids[v], ids[u]);
                    findings.add(Finding.error(Rule.INPUT, subject, "dependencies", d,
                            "dependencies (" + d + ") appears more than once"));
                } else {
                    seen[v] = u + 1;
                }
            }
        }
    }

    /**
     * Names each cycle among the VMs Kahn's algorithm could not order. Every such VM still waits for some other such
     * VM, so walking from one to a VM it waits for, again and again, must come back to a VM already on the walk.
     */
    private static void findCycles(String subject, String[] ids, int[] remaining, int[] start, int[] next,
                                   List<Finding> findings) {
        int n = ids.length;
        // reverse rows: the VMs that VM v waits for are prev[inStart[v] .. inStart[v+1])
        int[] inStart = new int[n + 1];
        for (int p = 0; p < next.length; p++) {
            inStart[(next[p] & ~CROSS_GROUP) + 1]++;
        }
        for (int v = 0; v < n; v++) {
            inStart[v + 1] += inStart[v];
        }
        int[] prev = new int[next.length];
        int[] fill = Arrays.copyOf(inStart, n);
        for (int u = 0; u < n; u++) {
            for (int p = start[u]; p < start[u + 1]; p++) {
                prev[fill[next[p] & ~CROSS_GROUP]++] = u;
            }
        }
        int[] onWalk = new int[n];
        Arrays.fill(onWalk, -1);
        boolean[] done = new boolean[n];
        for (int s = 0; s < n; s++) {
            if (remaining[s] == 0 || done[s]) {
                continue;
            }
            List<Integer> walk = new ArrayList<>();
            int v = s;
            while (!done[v] && onWalk[v] < 0) {
                onWalk[v] = walk.size();
                walk.add(v);
                int u = -1;
                for (int p = inStart[v]; p < inStart[v + 1] && u < 0; p++) {
                    if (remaining[prev[p]] > 0) {
                        u = prev[p];
                    }
                }
                v = u;
            }
            if (!done[v]) {
                // walk[k..] is the cycle, each VM waiting for the next; name it in start order. The finding's value
                // is the dependency that closes it, walk[k] after walk[last], so that a caller can locate it.
                int k = onWalk[v];
                StringBuilder cycle = new StringBuilder(ids[v]);
                for (int j = walk.size() - 1; j >= k; j--) {
                    cycle.append(" -> ").append(ids[walk.get(j)]);
                }
                Dependency d = new Dependency(ids[walk.get(walk.size() - 1)], ids[v]);
                findings.add(Finding.error(Rule.RP5, subject, "dependencies", d,
                        "dependencies form a cycle: " + cycle + " (each VM starts after the one before it)"));
            }
            for (int w : walk) {
                done[w] = true;
                onWalk[w] = -1;
            }
        }
    }

    private static Finding laterGroup(String subject, Dependency d, int waitingGroup, int firstGroup) {
        return Finding.error(Rule.RP3, subject, "dependencies", d,
                "VM " + d.vm() + " (group " + waitingGroup + ") cannot start after VM " + d.after() + " (group "
                        + firstGroup + "): group " + firstGroup + " starts after group " + waitingGroup
                        + " has started");
    }
}
