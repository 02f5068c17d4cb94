package dev.secondsite.core.spi;

import java.nio.file.Path;
import javax.annotation.Nullable;

/**
 * A store's files hold damaged data that is not a torn write at the very end of the journal: a record that fails
 * its checksum or has an impossible length with valid data after it, a gap in the sequence, a damaged snapshot.
 * The store refuses to open rather than drop anything silently, and leaves the files as they were so that they can
 * be examined or restored from a backup. {@link #file()} and {@link #offset()} locate the damage.
 *
 * <p>Immutable and thread-safe.
 */
public class StateStoreCorruptedException extends StateStoreException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    /**
     * @param file the damaged file
     * @param offset the byte offset in it where the damaged record or header starts
     * @param problem what is wrong there
     */
    public StateStoreCorruptedException(Path file, long offset, String problem, @Nullable Throwable cause) {
        super(file, "store is corrupt at byte offset " + offset + " of " + file.getFileName() + ": " + problem,
                cause);
        this.offset = offset;
    }

    public StateStoreCorruptedException(Path file, long offset, String problem) {
        this(file, offset, problem, null);
    }

    /**
     * For a store that is not a set of files: damage in a database row. {@link #file()} is null and
     * {@link #offset()} is -1.
     *
     * @param where the store and the damaged row, e.g. {@code "table secondsite_records, key seq=42"}
     * @param problem what is wrong there
     */
    public StateStoreCorruptedException(String where, String problem, @Nullable Throwable cause) {
        super(where, "store is corrupt: " + problem, cause);
        this.offset = -1;
    }

    /** The damaged file; null when the store is not a set of files (see {@link #where()}). */
    public @Nullable Path file() {
        return location();
    }

    /** The byte offset in {@link #file()} where the damaged record or header starts; -1 without a file. */
    public long offset() {
        return offset;
    }
}
