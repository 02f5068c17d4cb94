package dev.secondsite.transport.https;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.spi.Transport;
import dev.secondsite.core.spi.TransportProvider;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;

/**
 * Serves the {@code https} scheme for ServiceLoader on the vault's side: {@code https://host:port/} listens there;
 * {@code ?ca=/path/to/dir} keeps the vault's CA in that directory (without it the CA lives in memory). Registered in
 * {@code META-INF/services/dev.secondsite.core.spi.TransportProvider}. For a keystore or limits, build an
 * {@link HttpsTransport} and wire it explicitly.
 *
 * <p>Stateless and thread-safe.
 */
public final class HttpsTransportProvider implements TransportProvider {
    /** Public for ServiceLoader; construction is free. */
    public HttpsTransportProvider() {
    }

    @Override
    public String scheme() {
        return "https";
    }

    /** @throws InvalidConfigurationException (INPUT) when the URI has no host or names an unusable port */
    @Override
    public Transport create(URI uri) {
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw InvalidConfigurationException.of(Rule.INPUT, "https transport", "uri", uri, "uri (" + uri
                    + ") must be https://host:port/ (port 0 picks a free one)");
        }
        HttpsTransport.Builder b = HttpsTransport.builder(new InetSocketAddress(uri.getHost(), uri.getPort()));
        String query = uri.getQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("ca=")) {
                    b.caDirectory(Path.of(pair.substring(3)));
                }
            }
        }
        return b.build();
    }
}
