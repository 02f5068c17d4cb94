package dev.secondsite.store.postgresql;

import dev.secondsite.core.spi.StateStoreException;

/**
 * The store's tables were made by a newer version of this module than the one running: opening them could lose
 * what that version writes, so the open is refused and nothing in the database was changed. Run the newer version,
 * or restore the database from before the upgrade.
 *
 * <p>Immutable and thread-safe.
 */
public class SchemaVersionException extends StateStoreException {
    private static final long serialVersionUID = 1L;

    private final int found;
    private final int supported;

    SchemaVersionException(String where, String table, int found, int supported) {
        super(where, "table " + table + " says schema_version " + found + ", newer than the " + supported
                + " this version of dev.secondsite:secondsite-store-postgresql knows; nothing was changed", null);
        this.found = found;
        this.supported = supported;
    }

    /** The schema version the database holds. */
    public int found() {
        return found;
    }

    /** The newest schema version this code knows. */
    public int supported() {
        return supported;
    }
}
