package dev.secondsite.store.postgresql;

import dev.secondsite.core.spi.StateStore;
import dev.secondsite.core.spi.StateStoreProvider;
import java.net.URI;
import java.util.Optional;

/**
 * Serves {@code jdbc:postgresql:} store URIs (e.g. {@code jdbc:postgresql://db.contoso.local:5432/vault}) with a
 * {@link PostgresStateStore} using the default table prefix. Found with ServiceLoader; public only for it.
 *
 * <p>Stateless and thread-safe.
 */
public final class PostgresStateStoreProvider implements StateStoreProvider {
    @Override
    public String scheme() {
        return "jdbc:postgresql";
    }

    /**
     * @throws dev.secondsite.core.InvalidConfigurationException (INPUT) when the URI carries a password
     * @throws StoreUnreachableException when the database cannot be reached; nothing was created
     * @throws dev.secondsite.core.spi.StateStoreException when the store cannot be opened
     */
    @Override
    public StateStore open(URI uri, Optional<Login> login) {
        PostgresStoreOptions.Builder options = login
                .map(l -> PostgresStoreOptions.builder(uri.toString(), l.user(), l.password()))
                .orElseGet(() -> PostgresStoreOptions.builder(uri.toString()));
        return PostgresStateStore.open(options.build());
    }
}
