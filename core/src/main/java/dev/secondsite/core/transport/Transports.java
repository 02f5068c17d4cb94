package dev.secondsite.core.transport;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.internal.SchemePlugins;
import dev.secondsite.core.spi.Transport;
import dev.secondsite.core.spi.TransportProvider;
import java.net.URI;

/**
 * Finds the {@link Transport} for a URI by its scheme with ServiceLoader (through core's one discovery helper): the
 * default when a vault was not given a transport explicitly. {@code local} is in core; {@code https} comes with
 * {@code dev.secondsite:secondsite-transport-https}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Transports {
    private Transports() {
    }

    /**
     * The transport for {@code uri}, made by the {@link TransportProvider} of its scheme (case-insensitive).
     *
     * @throws InvalidConfigurationException (INPUT) when the URI has no scheme, when no provider serves its scheme
     *     (the message names the artifact to add, e.g. "no TransportProvider for scheme 'https': add
     *     dev.secondsite:secondsite-transport-https"), or when the provider refuses the URI
     */
    public static Transport forUri(URI uri) {
        return SchemePlugins.forUri(TransportProvider.class, TransportProvider::scheme, uri, "transport").create(uri);
    }
}
