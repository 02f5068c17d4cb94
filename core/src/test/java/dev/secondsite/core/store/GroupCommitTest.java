package dev.secondsite.core.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.secondsite.core.spi.StateStoreRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many threads appending at once share forces, and every acknowledged record is there exactly once, in order. */
class GroupCommitTest {
    private static final int WRITERS = 16;
    private static final int PER_WRITER = 150;

    @TempDir
    Path dir;

    @Test
    @DisplayName("J3 with many concurrent writers every acknowledged record is present exactly once, at its "
            + "acknowledged sequence, in sequence order after reopen")
    void concurrentWriters() throws Exception {
        Map<Long, String> acknowledged = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        CountDownLatch start = new CountDownLatch(1);
        try (JournalStore store = JournalStore.open(dir, JournalOptions.defaults().withSegmentBytes(8192))) {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < PER_WRITER; i++) {
                        String text = "writer " + writer + " record " + i;
                        long sequence = store.append("w" + writer, text);
                        assertNull(acknowledged.put(sequence, text), "sequence " + sequence + " given twice");
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> writer : writers) {
                writer.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(WRITERS * PER_WRITER, acknowledged.size());
        try (JournalStore store = JournalStore.open(dir, JournalOptions.defaults().withSegmentBytes(8192))) {
            List<StateStoreRecord> records = StoreFixtures.replayAll(store);
            assertEquals(acknowledged.size(), records.size());
            int[] nextPerWriter = new int[WRITERS];
            for (int i = 0; i < records.size(); i++) {
                StateStoreRecord record = records.get(i);
                assertEquals(i + 1, record.sequence());
                String text = acknowledged.get(record.sequence());
                assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), record.payload());
                int writer = Integer.parseInt(record.type().substring(1));
                assertEquals("writer " + writer + " record " + nextPerWriter[writer]++, text,
                        "each writer's records keep its own order");
            }
        }
    }
}
