package dev.secondsite.core.spi;

import java.nio.file.Path;

/**
 * A {@link StateStore} was used after {@link StateStore#close()}.
 *
 * <p>Immutable and thread-safe.
 */
public class StateStoreClosedException extends StateStoreException {
    private static final long serialVersionUID = 1L;

    /**
     * @param location the store's directory
     * @param operation what was attempted, e.g. {@code "append"}
     */
    public StateStoreClosedException(Path location, String operation) {
        super(location, "cannot " + operation + ": store is closed", null);
    }

    /**
     * @param where the store, for a store that is not a set of files (see {@link StateStoreException#where()})
     * @param operation what was attempted, e.g. {@code "append"}
     */
    public StateStoreClosedException(String where, String operation) {
        super(where, "cannot " + operation + ": store is closed", null);
    }
}
