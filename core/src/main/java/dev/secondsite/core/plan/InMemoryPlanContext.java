package dev.secondsite.core.plan;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The {@link PlanContext} of {@link PlanContext#builder()}; immutable and thread-safe. */
final class InMemoryPlanContext implements PlanContext {
    private final ImmutableMap<String, ImmutableSet<String>> protectedVms;
    private final ImmutableMap<String, ImmutableMap<String, ImmutableList<String>>> replicationGroups;

    InMemoryPlanContext(ImmutableMap<String, ImmutableSet<String>> protectedVms,
                        ImmutableMap<String, ImmutableMap<String, ImmutableList<String>>> replicationGroups) {
        this.protectedVms = protectedVms;
        this.replicationGroups = replicationGroups;
    }

    @Override
    public boolean isProtectedOn(String serverId, String vmId) {
        Set<String> vms = protectedVms.get(serverId);
        return vms != null && vms.contains(vmId);
    }

    @Override
    public Optional<List<String>> replicationGroup(String serverId, String groupName) {
        Map<String, ImmutableList<String>> groups = replicationGroups.get(serverId);
        return Optional.ofNullable(groups == null ? null : groups.get(groupName));
    }
}
