package dev.secondsite.core.vault;

import dev.secondsite.core.registration.ProxySettings;
import dev.secondsite.core.registration.CloudSync;

import com.google.common.collect.ImmutableSet;
import dev.secondsite.core.internal.Checks;
import dev.secondsite.core.inventory.VmmVersion;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * A VMM server registered with a vault (R5), as the vault lists it.
 *
 * @param serverId the server's id ({@link dev.secondsite.core.inventory.Site#id()})
 * @param friendlyName the name it is listed under (the cluster role name for a clustered VMM, R2)
 * @param vmmVersion its VMM version
 * @param providerVersion the provider version it runs
 * @param registeredAt when it registered
 * @param keyId the id of the registration key it used
 * @param proxy its proxy, if any (the password never leaves the vault)
 * @param cloudSync how its clouds are synced (R4)
 * @param syncedClouds the names of its clouds that are synced to the vault
 * @param lastSyncAt when its inventory was last synced
 * @param credential what its transport identifies it by on every call (R6; for {@code https:} the SHA-256
 *     fingerprint of its client certificate), or null for a transport without one
 */
public record RegisteredServer(String serverId, String friendlyName, VmmVersion vmmVersion, String providerVersion,
                               Instant registeredAt, String keyId, @Nullable ProxySettings proxy, CloudSync cloudSync,
                               Set<String> syncedClouds, Instant lastSyncAt, @Nullable String credential) {
    public RegisteredServer {
        Checks.text("registered server", "serverId", serverId);
        Checks.text("registered server " + serverId, "friendlyName", friendlyName);
        syncedClouds = ImmutableSet.copyOf(syncedClouds);
    }

    /** A server registered without a transport credential (the {@code local:} transport, exported documents). */
    public RegisteredServer(String serverId, String friendlyName, VmmVersion vmmVersion, String providerVersion,
                            Instant registeredAt, String keyId, @Nullable ProxySettings proxy, CloudSync cloudSync,
                            Set<String> syncedClouds, Instant lastSyncAt) {
        this(serverId, friendlyName, vmmVersion, providerVersion, registeredAt, keyId, proxy, cloudSync, syncedClouds,
                lastSyncAt, null);
    }

    public Optional<String> credentialValue() {
        return Optional.ofNullable(credential);
    }

    public Optional<ProxySettings> proxySettings() {
        return Optional.ofNullable(proxy);
    }

    RegisteredServer withSync(Set<String> clouds, Instant at) {
        return new RegisteredServer(serverId, friendlyName, vmmVersion, providerVersion, registeredAt, keyId, proxy,
                cloudSync, clouds, at, credential);
    }
}
