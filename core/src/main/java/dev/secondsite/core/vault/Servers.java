package dev.secondsite.core.vault;

import dev.secondsite.core.registration.SyncReport;
import dev.secondsite.core.registration.CloudSync;

import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.registration.VaultEndpoint;
import java.util.List;
import java.util.Optional;

/**
 * The vault's registered VMM servers (K1, R1-R5): registration keys for providers, the servers and their synced
 * inventories, syncing one more cloud, unregistering. Servers register and sync through their provider, never
 * through this client.
 *
 * <p>Thread-safe.
 */
public final class Servers {
    private final Vault vault;

    Servers(Vault vault) {
        this.vault = vault;
    }

    /**
     * Generates a registration key, valid for {@link RegistrationKey#VALIDITY} from now (K1). Hand its
     * {@link RegistrationKey#encoded() encoded form} to the provider that registers.
     */
    public RegistrationKey generateRegistrationKey() {
        return vault.generateRegistrationKey();
    }

    /**
     * K1: revokes the registration key {@code keyId} ({@link RegistrationKey#keyId()}) before its validity ends: it
     * registers no more servers, also after a restart. Servers it registered stay registered. Revoking twice
     * changes nothing more.
     *
     * @throws dev.secondsite.core.InvalidConfigurationException (K1) when {@code keyId} is blank
     */
    public void revokeRegistrationKey(String keyId) {
        vault.revokeRegistrationKey(keyId);
    }

    /**
     * Whether the provider of a registered server is connected to the vault's transport now, and when it last
     * showed it was alive (its last heartbeat), as the transport sees it.
     *
     * @throws dev.secondsite.core.NotFoundException when no server of that id is registered
     */
    public dev.secondsite.core.spi.ConnectionStatus connection(String serverId) {
        return vault.connectionStatus(serverId);
    }

    /** The registered servers, in registration order (R5). */
    public List<RegisteredServer> list() {
        return vault.serverList();
    }

    /**
     * A registered server.
     *
     * @throws dev.secondsite.core.NotFoundException when no server of that id is registered
     */
    public RegisteredServer get(String serverId) {
        return vault.configuration().server(serverId).orElseThrow(() ->
                new dev.secondsite.core.NotFoundException("server", serverId));
    }

    /** A registered server's inventory as the vault sees it (synced clouds only), or empty if not registered. */
    public Optional<Site> inventory(String serverId) {
        return vault.site(serverId);
    }

    /**
     * Syncs one more cloud of a server registered with {@link CloudSync#ONE_BY_ONE} (R4), from the inventory it
     * last reported.
     *
     * @throws dev.secondsite.core.NotFoundException when the server is not registered
     * @throws dev.secondsite.core.InvalidConfigurationException (R4) when the server reported no such cloud;
     *     nothing changes
     */
    public SyncReport syncCloud(String serverId, String cloud) {
        return vault.syncCloud(serverId, cloud);
    }

    /**
     * Removes a server and its inventory from the vault.
     *
     * @throws dev.secondsite.core.NotFoundException when the server is not registered
     * @throws dev.secondsite.core.InvalidConfigurationException (C2) while pairings use it; nothing changes
     */
    public void unregister(String serverId) {
        vault.unregister(serverId);
    }
}
