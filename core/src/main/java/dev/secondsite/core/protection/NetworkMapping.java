package dev.secondsite.core.protection;

import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;

/**
 * A VM network of a primary VMM server mapped to a VM network of a target server (N1): after a failover a replica
 * VM is connected to the target network (N4); without a mapping it fails over disconnected (N3). Failing back uses
 * the same mapping the other way.
 *
 * <p>Immutable and thread-safe.
 *
 * @param sourceServerId the primary server's id
 * @param sourceNetwork the VM network on the primary server
 * @param targetServerId the target server's id
 * @param targetNetwork the VM network on the target server
 */
public record NetworkMapping(String sourceServerId, String sourceNetwork, String targetServerId,
                             String targetNetwork) {

    /** @throws dev.secondsite.core.InvalidConfigurationException (N1) when a part is blank */
    public NetworkMapping {
        Checks.text(Rule.N1, "network mapping", "sourceServerId", sourceServerId);
        Checks.text(Rule.N1, "network mapping", "sourceNetwork", sourceNetwork);
        Checks.text(Rule.N1, "network mapping", "targetServerId", targetServerId);
        Checks.text(Rule.N1, "network mapping", "targetNetwork", targetNetwork);
    }

    /** {@code "network mapping vmm-a/Corp -> vmm-b/Corp-DR"}. */
    public String subject() {
        return "network mapping " + sourceServerId + "/" + sourceNetwork + " -> " + targetServerId + "/"
                + targetNetwork;
    }
}
