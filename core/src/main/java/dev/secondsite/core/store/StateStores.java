package dev.secondsite.core.store;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.internal.SchemePlugins;
import dev.secondsite.core.spi.StateStore;
import dev.secondsite.core.spi.StateStoreException;
import dev.secondsite.core.spi.StateStoreProvider;
import java.net.URI;
import java.util.Optional;

/**
 * Opens the {@link StateStore} a URI names, with the {@link StateStoreProvider} of its scheme found with
 * ServiceLoader (through core's one discovery helper): {@code file:/var/lib/vault} is the journal in core,
 * {@code jdbc:postgresql://db.contoso.local/vault} comes with {@code dev.secondsite:secondsite-store-postgresql}.
 *
 * <p>Stateless and thread-safe.
 */
public final class StateStores {
    private StateStores() {
    }

    /**
     * Opens the store at {@code uri}; the caller closes it.
     *
     * @param login the user and password, for stores that need them
     * @throws InvalidConfigurationException (INPUT) when the URI has no scheme, when no provider serves it (the
     *     message names the artifact to add, e.g. "no StateStoreProvider for scheme 'jdbc:postgresql': add
     *     dev.secondsite:secondsite-store-postgresql"), or when the provider refuses the URI
     * @throws StateStoreException when the store cannot be opened
     */
    public static StateStore open(URI uri, Optional<StateStoreProvider.Login> login) {
        return SchemePlugins.forUri(StateStoreProvider.class, StateStoreProvider::scheme, uri, "state store")
                .open(uri, login);
    }
}
