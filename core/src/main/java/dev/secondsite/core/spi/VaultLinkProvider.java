package dev.secondsite.core.spi;

import java.net.URI;

/**
 * Makes {@link VaultLink}s for one URI scheme, found with ServiceLoader when a provider was given a vault URI and
 * no link: {@code local} is in core, {@code https} in {@code dev.secondsite:secondsite-transport-https}.
 * Construction must be cheap.
 *
 * <p>Implementations must be thread-safe.
 */
public interface VaultLinkProvider {
    /** The URI scheme served, e.g. {@code "local"}. */
    String scheme();

    /**
     * @param uri the vault to reach, e.g. {@code local:drill} or {@code https://vault.contoso.local:8443/}
     * @throws dev.secondsite.core.InvalidConfigurationException when the URI is not usable
     */
    VaultLink connect(URI uri);
}
