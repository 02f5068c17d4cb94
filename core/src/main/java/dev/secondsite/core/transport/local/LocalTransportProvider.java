package dev.secondsite.core.transport.local;

import dev.secondsite.core.spi.Transport;
import dev.secondsite.core.spi.TransportProvider;
import java.net.URI;

/**
 * Serves the {@code local} scheme for ServiceLoader: {@link #create(URI)} is {@link LocalTransport#forUri(URI)}, so
 * a vault configured with {@code local:drill} and the providers attached to {@code local:drill} meet on the same hub.
 * Registered in {@code META-INF/services/dev.secondsite.core.spi.TransportProvider}.
 *
 * <p>Stateless and thread-safe.
 */
public final class LocalTransportProvider implements TransportProvider {
    /** Public for ServiceLoader; construction is free. */
    public LocalTransportProvider() {
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
    public Transport create(URI uri) {
        return LocalTransport.forUri(uri);
    }
}
