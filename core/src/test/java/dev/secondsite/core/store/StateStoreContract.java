package dev.secondsite.core.store;

import static dev.secondsite.core.store.StoreFixtures.appendRecords;
import static dev.secondsite.core.store.StoreFixtures.assertRecords;
import static dev.secondsite.core.store.StoreFixtures.payload;
import static dev.secondsite.core.store.StoreFixtures.replayAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.spi.StateStore;
import dev.secondsite.core.spi.StateStoreClosedException;
import dev.secondsite.core.spi.StateStoreRecord;
import dev.secondsite.core.spi.StateStoreSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The {@link StateStore} contract (J3), run against every implementation: the journal store here, PostgreSQL in
 * {@code store-postgresql}. A subclass says how to open a store; each test method starts with none.
 */
public abstract class StateStoreContract {
    private static final int SIZE = 30;
    private final AtomicInteger runs = new AtomicInteger();

    /**
     * Opens the store called {@code name} (lower-case letters and digits): the first call in a test method makes an
     * empty one, later calls with the same name reopen it (the previous handle was closed).
     */
    protected abstract StateStore open(String name);

    private StateStore open() {
        return open("main");
    }

    @Test
    @DisplayName("J3 appended records replay in order with their sequence, type and payload")
    void appendReplayRoundTrip() {
        try (StateStore store = open()) {
            assertEquals(0, store.lastSequence());
            assertEquals(1, store.append("job.created", "{\"id\":1}"));
            assertEquals(2, store.append("job.started", new byte[0]));
            assertEquals(3, store.append("é-type", new byte[] {0, -1, 127}));
            List<StateStoreRecord> records = replayAll(store);
            assertEquals(List.of(new StateStoreRecord(1, "job.created", "{\"id\":1}".getBytes(StandardCharsets.UTF_8)),
                    new StateStoreRecord(2, "job.started", new byte[0]),
                    new StateStoreRecord(3, "é-type", new byte[] {0, -1, 127})), records);
            assertEquals("{\"id\":1}", records.get(0).payloadText());
            assertEquals(3, store.lastSequence());
        }
    }

    @Test
    @DisplayName("J3 records survive a reopen and sequences go on where they stopped")
    void replayAfterReopen() {
        try (StateStore store = open()) {
            appendRecords(store, 50, 100);
        }
        try (StateStore store = open()) {
            assertEquals(50, store.lastSequence());
            assertRecords(replayAll(store), 1, 50, 100);
            appendRecords(store, 5, 100);
        }
        try (StateStore store = open()) {
            assertRecords(replayAll(store), 1, 55, 100);
        }
    }

    @Test
    @DisplayName("J3 replay from a sequence skips what comes before it; a negative one is refused")
    void replayFrom() {
        try (StateStore store = open()) {
            appendRecords(store, 10, 20);
            List<StateStoreRecord> records = new ArrayList<>();
            store.replay(7, records::add);
            assertRecords(records, 7, 10, 20);
            records.clear();
            store.replay(11, records::add);
            assertTrue(records.isEmpty());
            assertThrows(InvalidConfigurationException.class, () -> store.replay(-1, r -> { }));
        }
    }

    @Test
    @DisplayName("J3 a replay's consumer may append; it sees the records that were acknowledged when it started")
    void appendDuringReplay() {
        try (StateStore store = open()) {
            appendRecords(store, 3, 10);
            List<Long> seen = new ArrayList<>();
            store.replay(r -> {
                seen.add(r.sequence());
                store.append("t", payload(store.lastSequence() + 1, 10));
            });
            assertEquals(List.of(1L, 2L, 3L), seen);
            assertRecords(replayAll(store), 1, 6, 10);
        }
    }

    @Test
    @DisplayName("J3 a blank or too long type is refused and nothing is appended; 255 bytes are accepted")
    void invalidTypes() {
        try (StateStore store = open()) {
            InvalidConfigurationException blank = assertThrows(InvalidConfigurationException.class,
                    () -> store.append(" ", new byte[1]));
            assertEquals(Rule.INPUT, blank.rule());
            assertThrows(InvalidConfigurationException.class, () -> store.append("x".repeat(256), new byte[1]));
            assertThrows(InvalidConfigurationException.class, () -> store.appendOrdered("", new byte[1]));
            assertEquals(0, store.lastSequence());
            assertEquals(1, store.append("x".repeat(255), new byte[0]));
        }
        try (StateStore store = open()) {
            assertEquals("x".repeat(255), replayAll(store).get(0).type());
            assertEquals(1, replayAll(store).size());
        }
    }

    @Test
    @DisplayName("J3 after close every call fails with StateStoreClosedException; close is idempotent")
    void closed() {
        StateStore store = open();
        store.append("t", new byte[1]);
        store.close();
        store.close();
        StateStoreClosedException append = assertThrows(StateStoreClosedException.class,
                () -> store.append("t", new byte[1]));
        assertTrue(append.getMessage().startsWith("J3: cannot append: store is closed"), append.getMessage());
        assertThrows(StateStoreClosedException.class, () -> store.appendOrdered("t", new byte[1]));
        assertThrows(StateStoreClosedException.class, () -> store.replay(r -> { }));
        assertThrows(StateStoreClosedException.class, () -> store.writeSnapshot(1, new byte[0]));
        assertThrows(StateStoreClosedException.class, store::latestSnapshot);
        assertThrows(StateStoreClosedException.class, store::lastSequence);
    }

    @Test
    @DisplayName("J3 an interrupted appender still gets its record made durable, and keeps its interrupt")
    void interruptedAppender() {
        try (StateStore store = open()) {
            Thread.currentThread().interrupt();
            try {
                assertEquals(1, store.append("t", payload(1, 10)));
                assertTrue(Thread.currentThread().isInterrupted());
            } finally {
                Thread.interrupted();
            }
            assertEquals(2, store.append("t", payload(2, 10)));
        }
        try (StateStore store = open()) {
            assertRecords(replayAll(store), 1, 2, 10);
        }
    }

    @Test
    @DisplayName("J3 with many concurrent writers every acknowledged record is present exactly once, at its "
            + "acknowledged sequence, in sequence order after reopen")
    void concurrentWriters() throws Exception {
        int writers = 16;
        int perWriter = 150;
        Map<Long, String> acknowledged = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        try (StateStore store = open()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perWriter; i++) {
                        String text = "writer " + writer + " record " + i;
                        long sequence = store.append("w" + writer, text);
                        assertNull(acknowledged.put(sequence, text), "sequence " + sequence + " given twice");
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(writers * perWriter, acknowledged.size());
        try (StateStore store = open()) {
            List<StateStoreRecord> records = replayAll(store);
            assertEquals(acknowledged.size(), records.size());
            int[] nextPerWriter = new int[writers];
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

    @Test
    @DisplayName("J3 ordered appends take their sequences in call order, each future completes only once its record "
            + "is durable, and the records read back in that order after reopen")
    void orderedAppends() throws Exception {
        int count = 500;
        List<CompletableFuture<Boolean>> durableWhenDone = new ArrayList<>();
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        try (StateStore store = open()) {
            for (int i = 1; i <= count; i++) {
                CompletableFuture<Long> f = store.appendOrdered("r", payload(i, 40));
                futures.add(f);
                durableWhenDone.add(f.thenApply(seq -> store.lastSequence() >= seq));
            }
            for (int i = 0; i < count; i++) {
                assertEquals(i + 1, futures.get(i).get(10, TimeUnit.SECONDS), "sequence of the record appended "
                        + (i + 1) + "th");
                assertTrue(durableWhenDone.get(i).get(10, TimeUnit.SECONDS), "record " + (i + 1)
                        + " was durable when its future completed");
            }
            assertEquals(count + 1, store.append("r", payload(count + 1, 40)));
            assertEquals(count + 1, store.lastSequence());
        }
        try (StateStore store = open()) {
            List<StateStoreRecord> records = replayAll(store);
            assertEquals(count + 1, records.size());
            for (int i = 0; i < records.size(); i++) {
                assertEquals(i + 1, records.get(i).sequence());
                assertArrayEquals(payload(i + 1, 40), records.get(i).payload());
            }
        }
    }

    @Test
    @DisplayName("J3 after a snapshot, replay and a reopen give only the records after it; sequences go on")
    void snapshotThenReplayTail() {
        try (StateStore store = open()) {
            assertTrue(store.latestSnapshot().isEmpty());
            appendRecords(store, 20, SIZE);
            store.writeSnapshot(20, "state-20".getBytes(StandardCharsets.UTF_8));
            assertTrue(replayAll(store).isEmpty());
            appendRecords(store, 3, SIZE);
            assertRecords(replayAll(store), 21, 23, SIZE);
        }
        try (StateStore store = open()) {
            assertEquals(new StateStoreSnapshot(20, "state-20".getBytes(StandardCharsets.UTF_8)),
                    store.latestSnapshot().orElseThrow());
            assertRecords(replayAll(store), 21, 23, SIZE);
            assertEquals(24, store.append("t", payload(24, SIZE)));
        }
    }

    @Test
    @DisplayName("J3 a snapshot in the middle: replay skips the covered records, also from an earlier sequence")
    void snapshotInTheMiddle() {
        try (StateStore store = open()) {
            appendRecords(store, 30, SIZE);
            store.writeSnapshot(13, "state-13".getBytes(StandardCharsets.UTF_8));
            assertRecords(replayAll(store), 14, 30, SIZE);
            List<StateStoreRecord> from5 = new ArrayList<>();
            store.replay(5, from5::add);
            assertRecords(from5, 14, 30, SIZE);
        }
        try (StateStore store = open()) {
            assertRecords(replayAll(store), 14, 30, SIZE);
            assertEquals(30, store.lastSequence());
        }
    }

    @Test
    @DisplayName("J3 a snapshot beyond the last acknowledged record or before the current snapshot is refused and "
            + "changes nothing")
    void snapshotBounds() {
        try (StateStore store = open()) {
            appendRecords(store, 5, SIZE);
            store.writeSnapshot(3, "s3".getBytes(StandardCharsets.UTF_8));
            InvalidConfigurationException ahead = assertThrows(InvalidConfigurationException.class,
                    () -> store.writeSnapshot(6, new byte[0]));
            assertTrue(ahead.getMessage().contains("uptoSequence (6) must be between 3"), ahead.getMessage());
            assertThrows(InvalidConfigurationException.class, () -> store.writeSnapshot(2, new byte[0]));
            assertArrayEquals("s3".getBytes(StandardCharsets.UTF_8), store.latestSnapshot().orElseThrow().state());
            assertRecords(replayAll(store), 4, 5, SIZE);
            store.writeSnapshot(3, "s3-again".getBytes(StandardCharsets.UTF_8));
            assertArrayEquals("s3-again".getBytes(StandardCharsets.UTF_8),
                    store.latestSnapshot().orElseThrow().state());
        }
    }

    @Test
    @DisplayName("J3 a snapshot of the empty store stands for no records; sequences start at 1 after it")
    void snapshotOfEmptyStore() {
        try (StateStore store = open()) {
            store.writeSnapshot(0, "empty".getBytes(StandardCharsets.UTF_8));
            assertEquals(1, store.append("t", payload(1, SIZE)));
        }
        try (StateStore store = open()) {
            assertEquals(0, store.latestSnapshot().orElseThrow().uptoSequence());
            assertRecords(replayAll(store), 1, 1, SIZE);
        }
    }

    @Test
    @DisplayName("J3 a replay's consumer cannot write a snapshot or close (they would delete or close what is read)")
    void snapshotFromReplayRefused() {
        try (StateStore store = open()) {
            appendRecords(store, 2, SIZE);
            assertThrows(IllegalStateException.class,
                    () -> store.replay(r -> store.writeSnapshot(r.sequence(), new byte[0])));
            assertThrows(IllegalStateException.class, () -> store.replay(r -> store.close()));
            assertEquals(2, replayAll(store).size());
        }
    }

    @Test
    @DisplayName("J3 any sequence of appends, snapshots and reopens replays exactly the acknowledged records after "
            + "the latest snapshot")
    void historiesReplayWhatWasAcknowledged() {
        // Each step is a number: below 60 an append of (n % 37) bytes, 60-71 a snapshot of everything, 72-83 a
        // snapshot part way between the current snapshot and the end, 84-99 a close and reopen.
        qt().withExamples(40).withShrinkCycles(20)
                .forAll(lists().of(integers().between(0, 99)).ofSizeBetween(1, 30))
                .checkAssert(this::runHistory);
    }

    private void runHistory(List<Integer> steps) {
        String name = "run" + runs.incrementAndGet();
        List<StateStoreRecord> acknowledged = new ArrayList<>();
        StateStoreSnapshot snapshot = null;
        StateStore store = open(name);
        try {
            for (int step : steps) {
                long last = store.lastSequence();
                if (step < 60) {
                    byte[] payload = payload(last + 1, step % 37);
                    long sequence = store.append("type-" + step % 3, payload);
                    acknowledged.add(new StateStoreRecord(sequence, "type-" + step % 3, payload));
                } else if (step < 84) {
                    long from = snapshot == null ? 0 : snapshot.uptoSequence();
                    long upto = step < 72 ? last : from + (last - from) * (step - 72) / 11;
                    snapshot = new StateStoreSnapshot(upto, ("state up to " + upto).getBytes(StandardCharsets.UTF_8));
                    store.writeSnapshot(upto, snapshot.state());
                } else {
                    store.close();
                    store = open(name);
                    assertMatches(store, acknowledged, snapshot);
                }
            }
            assertMatches(store, acknowledged, snapshot);
        } finally {
            store.close();
        }
        try (StateStore reopened = open(name)) {
            assertMatches(reopened, acknowledged, snapshot);
        }
    }

    private static void assertMatches(StateStore store, List<StateStoreRecord> acknowledged,
                                      StateStoreSnapshot snapshot) {
        long upto = snapshot == null ? 0 : snapshot.uptoSequence();
        List<StateStoreRecord> expected = acknowledged.stream().filter(r -> r.sequence() > upto).toList();
        assertEquals(expected, replayAll(store));
        assertEquals(snapshot == null ? Optional.empty() : Optional.of(snapshot), store.latestSnapshot());
        assertEquals(Math.max(upto, acknowledged.size()), store.lastSequence());
    }
}
