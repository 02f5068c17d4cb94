package dev.secondsite.core.registration;

import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.registration.RegistrationResult;
import dev.secondsite.core.registration.ServerRegistration;
import dev.secondsite.core.registration.SyncReport;

/**
 * What a provider may ask of its vault: register its server with a key (K1, R1-R4) and sync its inventory (R5).
 * The vault implements it; a transport carries the calls (in-process for {@code local:}, over HTTPS for
 * {@code https:}).
 *
 * <p>Implementations must be thread-safe.
 */
public interface VaultEndpoint {
    /**
     * @throws dev.secondsite.core.registration.RegistrationRefusedException when the key or server is refused
     */
    RegistrationResult register(ServerRegistration request, Site inventory);

    /**
     * @throws dev.secondsite.core.InvalidConfigurationException when the server is not registered
     */
    SyncReport sync(String serverId, Site inventory);

    /**
     * R6: the registered server that holds {@code credential} (as given with
     * {@link ServerRegistration.Builder#credential(String)} at its registration), asked by a transport on every call
     * a provider makes after registering. Empty when no registered server holds it: never issued, or its server was
     * removed from the vault, which therefore loses access at once. A link on the providers' side, which has no
     * servers to look up, answers empty.
     */
    default java.util.Optional<String> serverFor(String credential) {
        return java.util.Optional.empty();
    }
}
