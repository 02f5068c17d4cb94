package dev.secondsite.core.store;

import dev.secondsite.core.spi.StateStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The {@link StateStoreContract} against the journal store, with small segments so that the journal rolls. */
class JournalStoreContractTest extends StateStoreContract {
    @TempDir
    Path dir;

    @Override
    protected StateStore open(String name) {
        return JournalStore.open(dir.resolve(name), JournalOptions.defaults().withSegmentBytes(4096));
    }
}
