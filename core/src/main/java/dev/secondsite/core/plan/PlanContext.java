package dev.secondsite.core.plan;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link RecoveryPlan.Builder} needs to know about protection when VMs are added: which VMs are protected on a
 * server (RP1) and which VMs a replication group holds (RP2). The vault implements it over its protected VMs; {@link
 * #builder()} gives an in-memory one for tests and for users who keep that state themselves.
 *
 * <p>Servers are identified by {@code Site.id()}, VMs by {@code Vm.id()}. Implementations must answer the same
 * question the same way while a builder uses them; they should be thread-safe.
 */
public interface PlanContext {
    /** Whether VM {@code vmId} is protected with {@code serverId} as its primary (source) server. */
    boolean isProtectedOn(String serverId, String vmId);

    /**
     * The ids of the VMs of replication group {@code groupName} on {@code serverId}, in the order the group lists
     * them; empty when there is no such group.
     */
    Optional<List<String>> replicationGroup(String serverId, String groupName);

    /** An in-memory context where {@code vmIds} are the protected VMs of {@code serverId}; no replication groups. */
    static PlanContext of(String serverId, Collection<String> vmIds) {
        return builder().protectedVms(serverId, vmIds).build();
    }

    /** Starts an in-memory context. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Builds an immutable, thread-safe in-memory {@link PlanContext}. The builder is not thread-safe.
     */
    final class Builder {
        private final Map<String, ImmutableSet.Builder<String>> protectedVms = new HashMap<>();
        private final Map<String, Map<String, List<String>>> replicationGroups = new HashMap<>();

        private Builder() {
        }

        /** Marks {@code vmIds} as protected on {@code serverId}. */
        public Builder protectedVms(String serverId, Collection<String> vmIds) {
            requireNonNull(serverId, "serverId");
            protectedVms.computeIfAbsent(serverId, s -> ImmutableSet.builder()).addAll(vmIds);
            return this;
        }

        /** Marks {@code vmIds} as protected on {@code serverId}. */
        public Builder protectedVms(String serverId, String... vmIds) {
            return protectedVms(serverId, Arrays.asList(vmIds));
        }

        /**
         * Declares replication group {@code groupName} on {@code serverId} with {@code vmIds} (replacing an earlier
         * declaration of the same group). It does not mark them protected.
         */
        public Builder replicationGroup(String serverId, String groupName, Collection<String> vmIds) {
            requireNonNull(serverId, "serverId");
            requireNonNull(groupName, "groupName");
            replicationGroups.computeIfAbsent(serverId, s -> new HashMap<>()).put(groupName, List.copyOf(vmIds));
            return this;
        }

        public PlanContext build() {
            ImmutableMap.Builder<String, ImmutableSet<String>> vms = ImmutableMap.builder();
            protectedVms.forEach((server, ids) -> vms.put(server, ids.build()));
            ImmutableMap.Builder<String, ImmutableMap<String, ImmutableList<String>>> groups = ImmutableMap.builder();
            replicationGroups.forEach((server, byName) -> {
                ImmutableMap.Builder<String, ImmutableList<String>> g = ImmutableMap.builder();
                byName.forEach((name, ids) -> g.put(name, ImmutableList.copyOf(ids)));
                groups.put(server, g.build());
            });
            return new InMemoryPlanContext(vms.build(), groups.build());
        }
    }
}
