package dev.secondsite.core.registration;

import dev.secondsite.core.registration.ProxySettings;
import java.util.Optional;

/**
 * Tests that a custom proxy can be reached at registration (R1). Core has no network code: the HTTPS transport
 * module supplies an implementation found with ServiceLoader, or an application wires its own with
 * {@code Vault.builder(...).proxyCheck(...)}. Without one, registration goes on with a warning that the proxy was
 * not tested.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface ProxyConnectivityCheck {
    /**
     * @return empty when the proxy answered, else why it could not be used (never containing the password)
     */
    Optional<String> check(ProxySettings proxy);
}
