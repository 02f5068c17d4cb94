package dev.secondsite.core.durable;

import dev.secondsite.core.spi.StateStore;
import dev.secondsite.core.spi.StateStoreException;
import dev.secondsite.core.spi.StateStoreRecord;
import dev.secondsite.core.spi.StateStoreSnapshot;
import dev.secondsite.core.store.JournalStore;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A journal store that can "crash": after {@link #crash()} every write fails and nothing more reaches the disk, as
 * if the process had died there; the journal holds exactly what was acknowledged before. Lets a test stop a vault
 * mid-job in-process and reopen its directory. Thread-safe.
 */
final class CrashableStore implements StateStore {
    private final JournalStore delegate;
    private volatile boolean crashed;

    private CrashableStore(JournalStore delegate) {
        this.delegate = delegate;
    }

    static CrashableStore open(Path dir) {
        return new CrashableStore(JournalStore.open(dir));
    }

    void crash() {
        crashed = true;
    }

    /** Releases the directory, as the dead process's exit would. */
    void closeUnderlying() {
        delegate.close();
    }

    @Override
    public long append(String type, byte[] payload) {
        if (crashed) {
            throw new StateStoreException(Path.of("crashed"), "the test crashed this store", null);
        }
        return delegate.append(type, payload);
    }

    @Override
    public void replay(long fromSequence, Consumer<? super StateStoreRecord> consumer) {
        delegate.replay(fromSequence, consumer);
    }

    @Override
    public void writeSnapshot(long uptoSequence, byte[] state) {
        if (crashed) {
            throw new StateStoreException(Path.of("crashed"), "the test crashed this store", null);
        }
        delegate.writeSnapshot(uptoSequence, state);
    }

    @Override
    public Optional<StateStoreSnapshot> latestSnapshot() {
        return delegate.latestSnapshot();
    }

    @Override
    public long lastSequence() {
        return delegate.lastSequence();
    }

    @Override
    public void close() {
        // the vault does not own it; the test closes the delegate
    }
}
