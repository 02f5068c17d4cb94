package dev.secondsite.core.inventory;

import dev.secondsite.core.internal.Checks;

/** A VMM logical network; clouds associate with logical networks and VM networks are linked to one (N2). */
public record LogicalNetwork(String name) {
    public LogicalNetwork {
        Checks.text("logical network", "name", name);
    }
}
