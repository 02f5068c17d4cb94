package dev.secondsite.core.vault;

import dev.secondsite.core.registration.VaultEndpoint;

/**
 * The test seam to a vault's registration endpoint, for tests that register or sync servers without running a
 * provider. Users never reach it: the vault hands its endpoint only to the transports.
 */
public final class VaultTestAccess {
    private VaultTestAccess() {
    }

    /** The endpoint a provider's link reaches for {@code vault}. */
    public static VaultEndpoint endpoint(Vault vault) {
        return vault.endpoint();
    }
}
