package dev.secondsite.transport.https;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.spi.VaultLink;
import dev.secondsite.core.spi.VaultLinkProvider;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Serves the {@code https} scheme for ServiceLoader on the providers' side: {@code https://host:port/} makes an
 * {@link HttpsVaultLink} that trusts the JDK's default trust anchors (a vault with a certificate from the user's
 * keystore). A vault that runs several instances, one active, is given as every instance's authority separated by
 * commas, as in PostgreSQL JDBC URLs: {@code https://host-a:8443,host-b:8443/}; the link follows the active one. For
 * a development vault whose CA signed its own certificate, or a proxy, build an {@link HttpsVaultLink} and wire it
 * with {@code Provider.builder(...).vaultLink(...)}. Registered in
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

    /**
     * @throws InvalidConfigurationException (INPUT) when the URI is not {@code https://host[:port][,host[:port]...]/},
     *     naming the entry that is not {@code host[:port]}
     */
    @Override
    public VaultLink connect(URI uri) {
        return HttpsVaultLink.builder(instances(uri)).build();
    }

    /**
     * The vault instances {@code uri} names: itself, or one {@code https://entry/path} per comma-separated entry of
     * its authority. {@link URI} reads such an authority as registry-based ({@code getHost()} is null), or, when an
     * entry has an {@code @}, as a user-info before the last host, so it is split here, from the raw authority.
     */
    static List<URI> instances(URI uri) {
        String authority = uri.getRawAuthority();
        if (authority == null || !authority.contains(",")) {
            return List.of(uri); // one instance: the builder checks it as before
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw InvalidConfigurationException.of(Rule.INPUT, "https vault link", "uri", uri,
                    "uri (" + uri + ") must be https://host[:port][,host[:port]...]/");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        List<URI> instances = new ArrayList<>();
        for (String entry : authority.split(",", -1)) {
            URI instance;
            try {
                instance = new URI("https://" + entry + path);
            } catch (URISyntaxException e) {
                throw badEntry(uri, entry, e.getReason());
            }
            if (entry.isEmpty() || instance.getHost() == null || instance.getRawUserInfo() != null
                    || instance.getPort() > 65535) {
                throw badEntry(uri, entry, "not host[:port]");
            }
            instances.add(instance);
        }
        return instances;
    }

    private static InvalidConfigurationException badEntry(URI uri, String entry, String why) {
        return InvalidConfigurationException.of(Rule.INPUT, "https vault link", "uri", entry, "uri (" + uri
                + "): the instance '" + entry + "' is not host[:port] (" + why + ")");
    }
}
