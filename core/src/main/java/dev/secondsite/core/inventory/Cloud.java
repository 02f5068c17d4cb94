package dev.secondsite.core.inventory;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.secondsite.core.internal.Checks;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * A VMM cloud: a named set of host groups with capability profiles, and the logical networks associated with it.
 *
 * @param name unique on its server
 * @param capabilityProfiles the cloud's capability profiles (P3 wants {@link CapabilityProfile#HYPER_V})
 * @param hostGroups the host groups it contains, by name (sub-groups are included implicitly)
 * @param logicalNetworks the logical networks associated with the cloud, by name (N2)
 */
public record Cloud(String name, Set<CapabilityProfile> capabilityProfiles, List<String> hostGroups,
                    Set<String> logicalNetworks) {
    public Cloud {
        Checks.text("cloud", "name", name);
        capabilityProfiles = ImmutableSet.copyOf(capabilityProfiles);
        hostGroups = ImmutableList.copyOf(hostGroups);
        logicalNetworks = ImmutableSet.copyOf(logicalNetworks);
    }

    /** A Hyper-V cloud over {@code hostGroups} with {@code logicalNetworks} associated. */
    public static Cloud hyperV(String name, Collection<String> hostGroups, Collection<String> logicalNetworks) {
        return new Cloud(name, Set.of(CapabilityProfile.HYPER_V), List.copyOf(hostGroups), Set.copyOf(logicalNetworks));
    }
}
