package dev.secondsite.core.spi;

import java.net.URI;

/**
 * Makes {@link Transport}s for one URI scheme, found with ServiceLoader when the vault was not given a transport
 * explicitly: {@code local} is in core, {@code https} in {@code dev.secondsite:secondsite-transport-https}.
 * Construction must be cheap.
 *
 * <p>Implementations must be thread-safe.
 */
public interface TransportProvider {
    /** The URI scheme served, e.g. {@code "local"}. */
    String scheme();

    /**
     * @param uri where the transport listens or which in-JVM hub it joins
     * @throws dev.secondsite.core.InvalidConfigurationException when the URI is not usable
     */
    Transport create(URI uri);
}
