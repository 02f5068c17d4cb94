package dev.secondsite.core.internal;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Finds the plug-in that serves a URI's scheme ({@code local}, {@code https}) through {@link ServiceDiscovery}, for
 * both sides of the vault-provider link; a missing one is an error that names the artifact to add.
 */
public final class SchemePlugins {
    /** The URI scheme of in-JVM hubs, served by core itself. */
    public static final String LOCAL = "local";
    /** The artifact that serves each scheme Secondsite knows, for the error that says what to add. */
    private static final Map<String, String> LINK_ARTIFACTS = Map.of(
            LOCAL, "dev.secondsite:secondsite-core",
            "https", "dev.secondsite:secondsite-transport-https");
    /** The same for state stores (internal cannot name the spi type; its simple name tells them apart). */
    private static final Map<String, String> STORE_ARTIFACTS = Map.of(
            "file", "dev.secondsite:secondsite-core",
            "jdbc:postgresql", "dev.secondsite:secondsite-store-postgresql");

    private SchemePlugins() {
    }

    /**
     * The plug-in of {@code type} whose scheme is {@code uri}'s (case-insensitive).
     *
     * @param subject what the URI configures, for the error ("transport", "provider 'vmm-a'")
     * @throws InvalidConfigurationException (INPUT) when the URI has no scheme, or no plug-in serves it (the message
     *     names the artifact to add, e.g. "no TransportProvider for scheme 'https': add
     *     dev.secondsite:secondsite-transport-https")
     */
    public static <P> P forUri(Class<P> type, Function<P, String> scheme, URI uri, String subject) {
        requireNonNull(uri, "uri");
        if (uri.getScheme() == null) {
            throw InvalidConfigurationException.of(Rule.INPUT, subject, "uri", uri, "uri (" + uri
                    + ") must start with a scheme, e.g. local:drill or https://vault.contoso.local:8443");
        }
        String wanted = schemeOf(uri);
        return ServiceDiscovery.first(type, p -> scheme.apply(p).equalsIgnoreCase(wanted), "scheme '" + wanted + "'")
                .orElseThrow(() -> {
                    Map<String, String> artifacts = type.getSimpleName().equals("StateStoreProvider")
                            ? STORE_ARTIFACTS : LINK_ARTIFACTS;
                    String artifact = artifacts.get(wanted);
                    String hint = artifact != null ? "add " + artifact
                            : "schemes served now: " + new TreeSet<>(ServiceDiscovery.all(type, p -> true).stream()
                                    .map(p -> scheme.apply(p).toLowerCase(Locale.ROOT)).toList())
                                    + "; Secondsite knows " + new TreeSet<>(artifacts.keySet());
                    return InvalidConfigurationException.of(Rule.INPUT, subject, "uri", uri,
                            "no " + type.getSimpleName() + " for scheme '" + wanted + "': " + hint);
                });
    }

    /**
     * The scheme plug-ins are looked up by, in lower case: the URI's scheme, and for {@code jdbc:} URIs (whose
     * scheme is always {@code jdbc}) the sub-protocol with it, e.g. {@code jdbc:postgresql}.
     */
    public static String schemeOf(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("jdbc") && uri.isOpaque()) {
            String rest = uri.getSchemeSpecificPart();
            int colon = rest.indexOf(':');
            if (colon > 0) {
                return scheme + ":" + rest.substring(0, colon).toLowerCase(Locale.ROOT);
            }
        }
        return scheme;
    }
}
