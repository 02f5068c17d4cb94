package dev.secondsite.core.spi;

import java.nio.file.Path;
import javax.annotation.Nullable;

/**
 * A store is already open, in this process or in another one, so a second opener is refused: two writers would
 * interleave their journals. {@link #lockFile()} is the file whose lock is held.
 *
 * <p>Immutable and thread-safe.
 */
public class StateStoreLockedException extends StateStoreException {
    private static final long serialVersionUID = 1L;

    /**
     * @param lockFile the lock file
     * @param holder who holds it, as far as is known (e.g. {@code "process 4711"}), or null
     */
    public StateStoreLockedException(Path lockFile, @Nullable String holder, @Nullable Throwable cause) {
        super(lockFile, "store is already open" + (holder == null ? "" : " by " + holder)
                + "; close it there first", cause);
    }

    /** The lock file whose lock is held. */
    public Path lockFile() {
        return location();
    }
}
