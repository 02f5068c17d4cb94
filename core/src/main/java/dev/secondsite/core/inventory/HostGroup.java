package dev.secondsite.core.inventory;

import dev.secondsite.core.internal.Checks;
import javax.annotation.Nullable;

/**
 * A VMM host group. Host groups nest; a cloud that contains a group contains its sub-groups too.
 *
 * @param name unique on its server
 * @param parent the enclosing group's name, or null for a top-level group
 */
public record HostGroup(String name, @Nullable String parent) {
    public HostGroup {
        Checks.text("host group", "name", name);
        if (parent != null) {
            Checks.text("host group " + name, "parent", parent);
        }
    }

    public static HostGroup of(String name) {
        return new HostGroup(name, null);
    }
}
