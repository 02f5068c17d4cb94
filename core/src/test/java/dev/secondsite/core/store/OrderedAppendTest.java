package dev.secondsite.core.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.spi.StateStoreException;
import dev.secondsite.core.spi.StateStoreRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JournalStore#appendOrdered}: order taken at the call, durability reported by the future. */
class OrderedAppendTest {
    private static final int RECORDS = 500;

    @TempDir
    Path dir;

    @Test
    @DisplayName("J3 when the journal cannot be written, the waiting ordered appends fail with StateStoreException "
            + "and later appends are refused")
    void failurePropagates() throws Exception {
        Path storeDir = dir.resolve("store");
        JournalStore store = JournalStore.open(storeDir, JournalOptions.defaults().withSegmentBytes(4096));
        try {
            store.append("r", StoreFixtures.payload(1, 100));
            // with its directory gone, the next segment cannot be created: the writer fails on the roll
            deleteTree(storeDir);
            CompletableFuture<Long> failed = store.appendOrdered("r", StoreFixtures.payload(2, 8000));
            ExecutionException e = assertThrows(ExecutionException.class, () -> failed.get(10, TimeUnit.SECONDS));
            assertInstanceOf(StateStoreException.class, e.getCause());
            assertThrows(StateStoreException.class, () -> store.appendOrdered("r", StoreFixtures.payload(3, 10)));
            assertThrows(StateStoreException.class, () -> store.append("r", StoreFixtures.payload(3, 10)));
        } finally {
            try {
                store.close();
            } catch (StateStoreException closeFailed) {
                // closing a store whose files are gone may fail too; what matters was asserted above
            }
        }
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
