package dev.secondsite.core.spi;

import dev.secondsite.core.Secret;
import java.net.URI;
import java.util.Optional;

/**
 * Opens {@link StateStore}s for one URI scheme, found with ServiceLoader when a vault is given a store URI instead
 * of a store: {@code file} (the journal in a directory) is in core, {@code jdbc:postgresql} in
 * {@code dev.secondsite:secondsite-store-postgresql}. For a {@code jdbc:} URI the scheme is {@code jdbc:} and the
 * sub-protocol, e.g. {@code jdbc:postgresql}. Construction must be cheap: nothing is opened until
 * {@link #open(URI, Optional)}.
 *
 * <p>Implementations must be thread-safe.
 */
public interface StateStoreProvider {
    /** The URI scheme served, e.g. {@code "file"} or {@code "jdbc:postgresql"}. */
    String scheme();

    /**
     * Opens (creating it if needed) the store at {@code uri}; the caller closes it.
     *
     * @param uri where the store is; never carries a password (give it in {@code login})
     * @param login the user and password to log in with, when the store needs them
     * @throws dev.secondsite.core.InvalidConfigurationException (INPUT) when the URI is not usable
     * @throws StateStoreException when the store cannot be opened; nothing was created
     */
    StateStore open(URI uri, Optional<Login> login);

    /**
     * A user name and its password for a store that asks for them.
     *
     * <p>Immutable and thread-safe; {@link #toString()} never shows the password.
     *
     * @param user the user name
     * @param password the password, shown only to the store's driver
     */
    record Login(String user, Secret password) {
        /**
         * @throws dev.secondsite.core.InvalidConfigurationException (INPUT) when the user is blank
         */
        public Login {
            dev.secondsite.core.internal.Checks.text("store login", "user", user);
            java.util.Objects.requireNonNull(password, "password");
        }
    }
}
