package dev.secondsite.core.inventory;

import dev.secondsite.core.internal.Checks;
import javax.annotation.Nullable;

/**
 * A Hyper-V host managed by a VMM server.
 *
 * @param name the host's DNS name, unique on its server
 * @param windowsServerVersion the host's operating system (P5, C4, C5)
 * @param hostGroup the host group it belongs to
 * @param hyperVRole whether the Hyper-V role is installed (P5)
 * @param cluster the Hyper-V cluster it is a node of, or null
 */
public record Host(String name, WindowsServerVersion windowsServerVersion, String hostGroup, boolean hyperVRole,
                   @Nullable String cluster) {
    public Host {
        Checks.text("host", "name", name);
        Checks.present(dev.secondsite.core.Rule.INPUT, "host " + name, "windowsServerVersion", windowsServerVersion);
        Checks.text("host " + name, "hostGroup", hostGroup);
    }

    /** A stand-alone host with the Hyper-V role. */
    public static Host of(String name, WindowsServerVersion version, String hostGroup) {
        return new Host(name, version, hostGroup, true, null);
    }
}
