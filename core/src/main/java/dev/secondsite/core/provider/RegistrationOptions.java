package dev.secondsite.core.provider;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.registration.CloudSync;
import dev.secondsite.core.registration.ProxySettings;
import javax.annotation.Nullable;

/**
 * The optional inputs of {@link Provider#register}: a custom proxy (R1, tested by the vault), the encryption
 * setting (R3: accepted and ignored for a secondary site, with a warning) and how clouds are synced (R4). Start from
 * {@link #defaults()} and change what differs.
 *
 * <p>Immutable and thread-safe; {@link #toString()} never shows the proxy password.
 *
 * @param proxy the proxy the provider reaches the vault through, or null for none
 * @param encryption the encryption setting as given, or null when not given
 * @param cloudSync every cloud at registration, or one by one later
 */
public record RegistrationOptions(@Nullable ProxySettings proxy, @Nullable Boolean encryption, CloudSync cloudSync) {
    private static final RegistrationOptions DEFAULTS = new RegistrationOptions(null, null, CloudSync.ALL);

    public RegistrationOptions {
        requireNonNull(cloudSync, "cloudSync");
    }

    /** No proxy, no encryption setting, every cloud synced at registration. */
    public static RegistrationOptions defaults() {
        return DEFAULTS;
    }

    public RegistrationOptions withProxy(ProxySettings proxy) {
        return new RegistrationOptions(requireNonNull(proxy, "proxy"), encryption, cloudSync);
    }

    public RegistrationOptions withEncryption(boolean encryption) {
        return new RegistrationOptions(proxy, encryption, cloudSync);
    }

    public RegistrationOptions withCloudSync(CloudSync cloudSync) {
        return new RegistrationOptions(proxy, encryption, cloudSync);
    }
}
