package dev.secondsite.core.registration;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSet;
import dev.secondsite.core.ValidationReport;
import dev.secondsite.core.internal.Checks;
import java.util.Optional;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * A successful registration: the server as the vault now lists it, and the warnings it raised (R3 encryption
 * ignored, an untested proxy, prerequisite warnings of the synced inventory).
 *
 * <p>Immutable and thread-safe; {@link #toString()} never shows a proxy password.
 *
 * @param server the registered server, as plain values (the vault's own listing type stays in the vault)
 * @param warnings warnings only; a registration with errors is refused instead
 */
public record RegistrationResult(Server server, ValidationReport warnings) {
    public RegistrationResult {
        requireNonNull(server, "server");
        requireNonNull(warnings, "warnings");
    }

    /**
     * The registered server as the vault lists it (R5).
     *
     * @param serverId the server's id ({@link dev.secondsite.core.inventory.Site#id()})
     * @param friendlyName the name it is listed under (the cluster role name for a clustered VMM, R2)
     * @param providerVersion the provider version it runs
     * @param proxy its proxy with its password, for the transport that uses it, or null for none
     * @param cloudSync how its clouds are synced (R4)
     * @param syncedClouds the names of its clouds that are synced to the vault
     */
    public record Server(String serverId, String friendlyName, String providerVersion, @Nullable ProxySettings proxy,
                         CloudSync cloudSync, Set<String> syncedClouds) {
        public Server {
            Checks.text("registered server", "serverId", serverId);
            Checks.text("registered server " + serverId, "friendlyName", friendlyName);
            requireNonNull(providerVersion, "providerVersion");
            requireNonNull(cloudSync, "cloudSync");
            syncedClouds = ImmutableSet.copyOf(syncedClouds);
        }

        public Optional<ProxySettings> proxySettings() {
            return Optional.ofNullable(proxy);
        }
    }
}
