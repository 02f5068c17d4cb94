package dev.secondsite.core.inventory;

import dev.secondsite.core.internal.Checks;

/**
 * A VMM VM network, linked to one logical network.
 *
 * @param name unique on its server
 * @param logicalNetwork the logical network it is linked to
 */
public record VmNetwork(String name, String logicalNetwork) {
    public VmNetwork {
        Checks.text("VM network", "name", name);
        Checks.text("VM network " + name, "logicalNetwork", logicalNetwork);
    }
}
