package dev.secondsite.core.transport;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.ServiceDiscovery;
import dev.secondsite.core.spi.Transport;
import dev.secondsite.core.spi.TransportProvider;
import dev.secondsite.core.transport.local.LocalTransport;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Finds the {@link Transport} for a URI by its scheme with ServiceLoader (through core's one discovery helper): the
 * default when a vault was not given a transport explicitly. {@code local} is in core; {@code https} comes with
 * {@code dev.secondsite:secondsite-transport-https}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Transports {
    /** The artifact that serves each scheme Secondsite knows, for the error that says what to add. */
    private static final Map<String, String> ARTIFACTS = Map.of(
            LocalTransport.SCHEME, "dev.secondsite:secondsite-core",
            "https", "dev.secondsite:secondsite-transport-https");

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
        requireNonNull(uri, "uri");
        if (uri.getScheme() == null) {
            throw InvalidConfigurationException.of(Rule.INPUT, "transport", "uri", uri, "uri (" + uri
                    + ") must start with a scheme, e.g. local:drill or https://vault.contoso.local:8443");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        return ServiceDiscovery.first(TransportProvider.class, p -> p.scheme().equalsIgnoreCase(scheme),
                        "scheme '" + scheme + "'")
                .orElseThrow(() -> missing(scheme, uri))
                .create(uri);
    }

    private static InvalidConfigurationException missing(String scheme, URI uri) {
        String artifact = ARTIFACTS.get(scheme);
        String hint = artifact != null ? "add " + artifact
                : "schemes served now: " + new TreeSet<>(ServiceDiscovery.all(TransportProvider.class, p -> true)
                        .stream().map(p -> p.scheme().toLowerCase(Locale.ROOT)).toList())
                        + "; Secondsite knows " + new TreeSet<>(ARTIFACTS.keySet());
        return InvalidConfigurationException.of(Rule.INPUT, "transport", "uri", uri,
                "no TransportProvider for scheme '" + scheme + "': " + hint);
    }
}
