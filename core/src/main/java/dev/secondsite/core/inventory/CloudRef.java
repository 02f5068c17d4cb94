package dev.secondsite.core.inventory;

import dev.secondsite.core.internal.Checks;

/**
 * Names one cloud in a vault: the id of its VMM server and the cloud's name there.
 *
 * @param serverId the {@link Site#id()} of the cloud's server
 * @param cloud the cloud's name on that server
 */
public record CloudRef(String serverId, String cloud) {
    public CloudRef {
        Checks.text("cloud reference", "serverId", serverId);
        Checks.text("cloud reference", "cloud", cloud);
    }

    /** {@code "serverId/cloud"}. */
    @Override
    public String toString() {
        return serverId + "/" + cloud;
    }
}
