package dev.secondsite.core.store;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.spi.StateStore;
import dev.secondsite.core.spi.StateStoreProvider;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Serves {@code file:} store URIs with a {@link JournalStore} in that directory, opened with
 * {@link JournalOptions#defaults()}. Found with ServiceLoader; public only for it.
 *
 * <p>Stateless and thread-safe.
 */
public final class JournalStoreProvider implements StateStoreProvider {
    @Override
    public String scheme() {
        return "file";
    }

    /**
     * @throws InvalidConfigurationException (INPUT) when the URI is not a local directory path, or a login is given
     *     (a directory has none)
     */
    @Override
    public StateStore open(URI uri, Optional<Login> login) {
        if (login.isPresent()) {
            throw InvalidConfigurationException.of(Rule.INPUT, "state store", "login", login.get().user(),
                    "a file: store (" + uri + ") takes no login");
        }
        Path dir;
        try {
            dir = Path.of(uri);
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw InvalidConfigurationException.of(Rule.INPUT, "state store", "uri", uri,
                    "uri (" + uri + ") must name a local directory, e.g. file:///var/lib/secondsite: " + e.getMessage());
        }
        return JournalStore.open(dir);
    }
}
