package dev.secondsite.core.transport.local;

import dev.secondsite.core.spi.VaultLink;
import dev.secondsite.core.spi.VaultLinkProvider;
import java.net.URI;

/**
 * Serves the {@code local} scheme on the providers' side for ServiceLoader: {@link #connect(URI)} is the
 * {@link LocalTransport#link() link} of the hub {@link LocalTransport#forUri(URI)} names, so a provider given
 * {@code local:drill} reaches the vault whose transport is {@code local:drill}. Registered in
 * {@code META-INF/services/dev.secondsite.core.spi.VaultLinkProvider}.
 *
 * <p>Stateless and thread-safe.
 */
public final class LocalVaultLinkProvider implements VaultLinkProvider {
    /** Public for ServiceLoader; construction is free. */
    public LocalVaultLinkProvider() {
    }

    @Override
    public String scheme() {
        return LocalTransport.SCHEME;
    }

    /**
     * @throws dev.secondsite.core.InvalidConfigurationException (INPUT) when {@code uri} is not
     *     {@code local:<name>}
     */
    @Override
    public VaultLink connect(URI uri) {
        return LocalTransport.forUri(uri).link();
    }
}
