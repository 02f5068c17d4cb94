package dev.secondsite.core.vault;

import dev.secondsite.core.registration.ServerRegistration;
import dev.secondsite.core.registration.RegistrationResult;
import dev.secondsite.core.registration.SyncReport;

import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.registration.VaultEndpoint;

/**
 * The vault's side of the registration protocol (K1, R1-R5), kept off the vault's public API so that only providers
 * (through their transport link) register and sync.
 *
 * <p>Thread-safe: the vault serializes both calls.
 */
final class VaultEndpointAdapter implements VaultEndpoint {
    private final Vault vault;

    VaultEndpointAdapter(Vault vault) {
        this.vault = vault;
    }

    @Override
    public RegistrationResult register(ServerRegistration request, Site inventory) {
        return vault.register(request, inventory);
    }

    @Override
    public SyncReport sync(String serverId, Site inventory) {
        return vault.sync(serverId, inventory);
    }

    @Override
    public java.util.Optional<String> serverFor(String credential) {
        return vault.serverFor(credential);
    }

    @Override
    public String toString() {
        return "VaultEndpoint[" + vault.info().name() + "]";
    }
}
