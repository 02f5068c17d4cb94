package dev.secondsite.core.spi;

/**
 * A write was refused because another instance has taken the store over since this one opened it: the store's
 * epoch (the number of the current writer, raised by each takeover) is newer than the one this instance writes
 * with. Nothing of the refused write was kept. The instance must stop acting (no more writes, no commands sent)
 * and may only reopen the store, which reads everything the newer writer wrote.
 *
 * <p>A store that can be shared by several processes (one database, several vault instances) checks the epoch in
 * the same transaction as every write, so that a paused or cut-off former writer can never write after a takeover.
 *
 * <p>Immutable and thread-safe.
 */
public class StateStoreFencedException extends StateStoreException {
    private static final long serialVersionUID = 1L;

    private final long epoch;
    private final long currentEpoch;

    /**
     * @param where the store (see {@link StateStoreException#where()})
     * @param epoch the epoch this instance writes with
     * @param currentEpoch the store's current epoch, or -1 when it has none any more
     * @param operation what was refused, e.g. {@code "append records 41..44"}
     */
    public StateStoreFencedException(String where, long epoch, long currentEpoch, String operation) {
        super(where, "cannot " + operation + ": fenced, this writer's epoch " + epoch + " is not the store's "
                + "current epoch " + currentEpoch + " (another instance took the store over)", null);
        this.epoch = epoch;
        this.currentEpoch = currentEpoch;
    }

    /** The epoch the refused writer wrote with. */
    public long epoch() {
        return epoch;
    }

    /** The store's current epoch when the write was refused; -1 when it has none. */
    public long currentEpoch() {
        return currentEpoch;
    }
}
