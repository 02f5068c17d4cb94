package dev.secondsite.core.inventory;

import dev.secondsite.core.internal.Checks;

/**
 * A node of a clustered VMM server and the provider version installed on it (R2: all nodes run the same one).
 *
 * @param name the node's name
 * @param providerVersion the provider version installed there
 */
public record ProviderNode(String name, String providerVersion) {
    public ProviderNode {
        Checks.text("VMM node", "name", name);
        Checks.text("VMM node " + name, "providerVersion", providerVersion);
    }
}
