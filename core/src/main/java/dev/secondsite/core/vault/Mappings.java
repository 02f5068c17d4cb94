package dev.secondsite.core.vault;

import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.StorageMapping;
import java.util.List;

/**
 * The vault's network (N1-N4) and storage (S1, S2) mappings; every change is a job.
 *
 * <p>Thread-safe.
 */
public final class Mappings {
    private final Vault vault;

    Mappings(Vault vault) {
        this.vault = vault;
    }

    /**
     * Maps a VM network (N1, N2); replicas on it are reconnected (N4).
     *
     * @throws dev.secondsite.core.InvalidConfigurationException naming every broken rule; no job is created
     */
    public JobHandle mapNetwork(NetworkMapping mapping) {
        return vault.mapNetwork(mapping);
    }

    /**
     * Replaces the mapping of a source network (N1, N4).
     *
     * @throws dev.secondsite.core.InvalidConfigurationException naming every broken rule; no job is created
     */
    public JobHandle remapNetwork(NetworkMapping mapping) {
        return vault.remapNetwork(mapping);
    }

    /**
     * Removes the mapping of {@code vmNetwork} of server {@code serverId}.
     *
     * @throws dev.secondsite.core.InvalidConfigurationException when there is no such mapping; no job is created
     */
    public JobHandle unmapNetwork(String serverId, String vmNetwork) {
        return vault.unmapNetwork(serverId, vmNetwork);
    }

    /**
     * Maps a storage classification (S1, S2).
     *
     * @throws dev.secondsite.core.InvalidConfigurationException naming every broken rule; no job is created
     */
    public JobHandle mapStorage(StorageMapping mapping) {
        return vault.mapStorage(mapping);
    }

    /**
     * Replaces the mapping of a source classification (S2).
     *
     * @throws dev.secondsite.core.InvalidConfigurationException naming every broken rule; no job is created
     */
    public JobHandle remapStorage(StorageMapping mapping) {
        return vault.remapStorage(mapping);
    }

    /**
     * Removes the mapping of {@code classification} of server {@code serverId}.
     *
     * @throws dev.secondsite.core.InvalidConfigurationException when there is no such mapping; no job is created
     */
    public JobHandle unmapStorage(String serverId, String classification) {
        return vault.unmapStorage(serverId, classification);
    }

    /** The network mappings. */
    public List<NetworkMapping> networks() {
        return List.copyOf(vault.configuration().protection().networkMappings());
    }

    /** The storage mappings. */
    public List<StorageMapping> storage() {
        return List.copyOf(vault.configuration().protection().storageMappings());
    }
}
