package dev.secondsite.core.vault;

import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.protection.CloudPairing;
import java.util.List;

/**
 * The vault's cloud pairings (C1-C13). Saving, editing and removing a pairing is a job (C12).
 *
 * <p>Thread-safe.
 */
public final class Pairings {
    private final Vault vault;

    Pairings(Vault vault) {
        this.vault = vault;
    }

    /**
     * Pairs a primary cloud with a target cloud (C1-C13): a job configures every Hyper-V host of both clouds for
     * replication, then saves the pairing (C12). Offline initial replication adds its checklist (O2-O4) to the job's
     * warnings.
     *
     * @throws dev.secondsite.core.InvalidConfigurationException naming every broken rule; no job is created
     */
    public JobHandle pair(CloudPairing pairing) {
        return vault.pairClouds(pairing);
    }

    /**
     * Changes a pairing's settings (C12); its target server and cloud cannot change.
     *
     * @throws dev.secondsite.core.InvalidConfigurationException (C12) for a changed target, or naming any broken
     *     rule; no job is created
     */
    public JobHandle edit(CloudPairing pairing) {
        return vault.editPairing(pairing);
    }

    /**
     * Removes the pairing of {@code primary}.
     *
     * @throws dev.secondsite.core.InvalidConfigurationException (E4) while VMs of the cloud are protected; no job
     *     is created
     */
    public JobHandle unpair(CloudRef primary) {
        return vault.unpairClouds(primary);
    }

    /** The pairings, in the order they were saved. */
    public List<CloudPairing> list() {
        return List.copyOf(vault.configuration().protection().pairings());
    }

    /**
     * The pairing of primary cloud {@code primary}.
     *
     * @throws dev.secondsite.core.NotFoundException when that cloud is not the primary of a pairing
     */
    public CloudPairing get(CloudRef primary) {
        return vault.configuration().protection().pairing(primary).orElseThrow(() ->
                new dev.secondsite.core.NotFoundException("pairing", primary.toString()));
    }
}
