package dev.secondsite.store.postgresql;

import dev.secondsite.core.spi.StateStoreException;
import javax.annotation.Nullable;

/**
 * The database could not be reached or refused the login when the store was opened; nothing was created. The
 * message names the database (never the password) and the driver's reason.
 *
 * <p>Immutable and thread-safe.
 */
public class StoreUnreachableException extends StateStoreException {
    private static final long serialVersionUID = 1L;

    StoreUnreachableException(String where, String reason, @Nullable Throwable cause) {
        super(where, "cannot connect to the database: " + reason + "; nothing was created", cause);
    }
}
