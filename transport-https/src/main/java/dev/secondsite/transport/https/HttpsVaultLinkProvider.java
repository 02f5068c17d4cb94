package dev.secondsite.transport.https;

import dev.secondsite.core.spi.VaultLink;
import dev.secondsite.core.spi.VaultLinkProvider;
import java.net.URI;

/**
 * Serves the {@code https} scheme for ServiceLoader on the providers' side: {@code https://host:port/} makes an
 * {@link HttpsVaultLink} that trusts the JDK's default trust anchors (a vault with a certificate from the user's
 * keystore). For a development vault whose CA signed its own certificate, or a proxy, build an
 * {@link HttpsVaultLink} and wire it with {@code Provider.builder(...).vaultLink(...)}. Registered in
 * {@code META-INF/services/dev.secondsite.core.spi.VaultLinkProvider}.
 *
 * <p>Stateless and thread-safe.
 */
public final class HttpsVaultLinkProvider implements VaultLinkProvider {
    /** Public for ServiceLoader; construction is free. */
    public HttpsVaultLinkProvider() {
    }

    @Override
    public String scheme() {
        return "https";
    }

    /** @throws dev.secondsite.core.InvalidConfigurationException (INPUT) when the URI is not https://host[:port]/ */
    @Override
    public VaultLink connect(URI uri) {
        return HttpsVaultLink.builder(uri).build();
    }
}
