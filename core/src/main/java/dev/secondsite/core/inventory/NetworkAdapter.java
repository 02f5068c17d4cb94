package dev.secondsite.core.inventory;

import dev.secondsite.core.internal.Checks;
import javax.annotation.Nullable;

/**
 * A VM's network adapter.
 *
 * @param name the adapter's name, unique within its VM
 * @param vmNetwork the VM network it is connected to, or null when it is not connected
 */
public record NetworkAdapter(String name, @Nullable String vmNetwork) {
    public NetworkAdapter {
        Checks.text("network adapter", "name", name);
    }
}
