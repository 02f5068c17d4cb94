package dev.secondsite.core.registration;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.Secret;
import dev.secondsite.core.internal.Checks;
import java.util.Objects;
import java.util.Optional;
import javax.annotation.Nullable;

/**
 * A custom HTTP proxy a provider uses to reach the vault (R1). The password is a {@link Secret}: it is handed to the
 * transport, never shown by {@link #toString()}, never exported.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder(String, int)}.
 */
public final class ProxySettings {
    private final String address;
    private final int port;
    private final @Nullable String user;
    private final @Nullable Secret password;

    private ProxySettings(Builder b) {
        this.address = Checks.text(Rule.R1, "proxy", "proxyAddress", b.address);
        this.port = Checks.range(Rule.R1, "proxy " + b.address, "proxyPort", b.port, 1, 65535);
        this.user = b.user;
        this.password = b.password;
        if (password != null && (user == null || user.isBlank())) {
            throw InvalidConfigurationException.of(Rule.R1, "proxy " + address, "proxyUser", user,
                    "proxyUser (missing) must be given with a proxy password");
        }
    }

    public static Builder builder(String address, int port) {
        return new Builder(address, port);
    }

    /** The proxy's host name or address. */
    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** The password, for the transport that authenticates to the proxy. */
    public Optional<Secret> password() {
        return Optional.ofNullable(password);
    }

    /** This proxy without its password: what is exported and shown. */
    public ProxySettings withoutPassword() {
        Builder b = builder(address, port);
        if (user != null) {
            b.user(user);
        }
        return b.build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProxySettings p && address.equals(p.address) && port == p.port
                && Objects.equals(user, p.user) && Objects.equals(password, p.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(address, port, user);
    }

    @Override
    public String toString() {
        return "ProxySettings[" + address + ":" + port + (user == null ? "" : ", user " + user)
                + (password == null ? "" : ", password ****") + "]";
    }

    /** Builds {@link ProxySettings}. Not thread-safe. */
    public static final class Builder {
        private final String address;
        private final int port;
        private @Nullable String user;
        private @Nullable Secret password;

        private Builder(String address, int port) {
            this.address = requireNonNull(address, "address");
            this.port = port;
        }

        public Builder user(String user) {
            this.user = requireNonNull(user, "user");
            return this;
        }

        public Builder password(Secret password) {
            this.password = requireNonNull(password, "password");
            return this;
        }

        /**
         * @throws InvalidConfigurationException (R1) for a blank address, a port outside 1..65535, or a password
         *     without a user
         */
        public ProxySettings build() {
            return new ProxySettings(this);
        }
    }
}
