package dev.secondsite.core.store;

import dev.secondsite.core.spi.StateStoreCorruptedException;
import java.nio.file.Path;

/**
 * A file the store durably recorded is gone: the newest journal segment that {@code journal.head} names. Opening
 * without it would silently go back to an older state (a finished job would run again), so the store refuses to open
 * and changes nothing; restore the file from a backup. {@link #file()} is the missing file.
 *
 * <p>Immutable and thread-safe.
 */
public class StoreFileMissingException extends StateStoreCorruptedException {
    private static final long serialVersionUID = 1L;

    /**
     * @param missing the file that is gone
     * @param problem what it held and who recorded it
     */
    public StoreFileMissingException(Path missing, String problem) {
        super(missing, 0, problem);
    }
}
