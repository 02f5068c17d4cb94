package dev.secondsite.core.spi;

import dev.secondsite.core.SecondsiteException;
import java.nio.file.Path;
import javax.annotation.Nullable;

/**
 * A {@link StateStore} could not do what was asked because of its storage: an I/O error, or an earlier failure
 * that left the store unusable until it is reopened. Subclasses name the specific conditions. The message starts
 * with {@code J3} and names the store's location.
 *
 * <p>Immutable and thread-safe.
 */
public class StateStoreException extends SecondsiteException {
    private static final long serialVersionUID = 1L;

    private final transient @Nullable Path location;
    private final String where;

    /**
     * @param location the store's directory or the file concerned
     * @param message what failed; {@code "J3: "} and the location are not to be repeated in it
     */
    public StateStoreException(Path location, String message, @Nullable Throwable cause) {
        super("J3: " + message + " (" + location + ")", cause);
        this.location = location;
        this.where = location.toString();
    }

    /**
     * For a store that is not a set of files (a database): {@link #location()} is null and {@link #where()} names it.
     *
     * @param where the store, e.g. {@code "postgresql localhost:5432/vault, tables secondsite_*"}; never a password
     * @param message what failed; {@code "J3: "} and the store are not to be repeated in it
     */
    public StateStoreException(String where, String message, @Nullable Throwable cause) {
        super("J3: " + message + " (" + where + ")", cause);
        this.location = null;
        this.where = where;
    }

    /** The store's directory or the file concerned; null for a store that is not a set of files. */
    public @Nullable Path location() {
        return location;
    }

    /** The store (or its file) as the message names it. */
    public String where() {
        return where;
    }
}
