package dev.secondsite.core.store;

import dev.secondsite.core.spi.StateStoreException;
import java.nio.file.Path;

/**
 * A store's directory or one of its files can be read or written by other local users (POSIX group or others
 * permissions), and the journal holds the vault's key-signing secret and proxy passwords. The store was not opened
 * and nothing was changed. {@link #location()} is the path and {@link #permissions()} its permissions; make them
 * owner-only ({@code chmod 700} the directory, {@code chmod 600} its files) or open it with {@link
 * JournalOptions#withAllowSharedPermissions(boolean)}.
 *
 * <p>Immutable and thread-safe.
 */
public class StorePermissionsException extends StateStoreException {
    private static final long serialVersionUID = 1L;

    private final String permissions;

    /**
     * @param path the directory or file
     * @param permissions its permissions, e.g. {@code rw-r--r--}
     */
    public StorePermissionsException(Path path, String permissions) {
        super(path, "store file " + path.getFileName() + " has permissions " + permissions + ", so other local "
                + "users can read or write the vault's secrets; make the directory owner-only (chmod 700) and its "
                + "files too (chmod 600), or allow it with JournalOptions.withAllowSharedPermissions(true)", null);
        this.permissions = permissions;
    }

    /** The permissions found, e.g. {@code rw-r--r--}. */
    public String permissions() {
        return permissions;
    }
}
