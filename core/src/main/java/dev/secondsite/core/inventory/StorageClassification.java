package dev.secondsite.core.inventory;

import com.google.common.collect.ImmutableSet;
import dev.secondsite.core.internal.Checks;
import java.util.Set;

/**
 * A VMM storage classification and the hosts that can use storage of it (S1).
 *
 * @param name unique on its server
 * @param hosts names of the hosts that can place VM data on storage of this classification
 */
public record StorageClassification(String name, Set<String> hosts) {
    public StorageClassification {
        Checks.text("storage classification", "name", name);
        hosts = ImmutableSet.copyOf(hosts);
    }
}
