package dev.secondsite.core.store;

import static dev.secondsite.core.store.StoreFixtures.appendRecords;
import static dev.secondsite.core.store.StoreFixtures.assertRecords;
import static dev.secondsite.core.store.StoreFixtures.payload;
import static dev.secondsite.core.store.StoreFixtures.replayAll;
import static dev.secondsite.core.store.StoreFixtures.segments;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.spi.StateStoreClosedException;
import dev.secondsite.core.spi.StateStoreRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalStoreTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("J3 records survive a reopen and sequences go on where they stopped")
    void replayAfterReopen() {
        try (JournalStore store = JournalStore.open(dir)) {
            appendRecords(store, 50, 100);
        }
        try (JournalStore store = JournalStore.open(dir)) {
            assertEquals(50, store.openReport().recordsScanned());
            assertEquals(50, store.openReport().lastSequence());
            assertEquals(0, store.openReport().tornTailBytesDiscarded());
            assertTrue(store.openReport().filesRemoved().isEmpty());
            assertRecords(replayAll(store), 1, 50, 100);
            appendRecords(store, 5, 100);
        }
        try (JournalStore store = JournalStore.open(dir)) {
            assertRecords(replayAll(store), 1, 55, 100);
        }
    }

    @Test
    @DisplayName("J3 the journal rolls into several segments and replays across them")
    void segmentsRoll() {
        JournalOptions small = JournalOptions.defaults().withSegmentBytes(1024);
        try (JournalStore store = JournalStore.open(dir, small)) {
            appendRecords(store, 100, 60);
            assertRecords(replayAll(store), 1, 100, 60);
        }
        assertTrue(segments(dir).size() > 5, "segments: " + segments(dir));
        try (JournalStore store = JournalStore.open(dir, small)) {
            assertEquals(segments(dir).size(), store.openReport().segments());
            assertRecords(replayAll(store), 1, 100, 60);
            List<StateStoreRecord> tail = new ArrayList<>();
            store.replay(42, tail::add);
            assertRecords(tail, 42, 100, 60);
        }
    }

    @Test
    @DisplayName("J3 a bad type or an oversized record is refused and nothing is appended")
    void invalidRecords() {
        try (JournalStore store = JournalStore.open(dir, JournalOptions.defaults().withMaxRecordBytes(100))) {
            InvalidConfigurationException blank = assertThrows(InvalidConfigurationException.class,
                    () -> store.append(" ", new byte[1]));
            assertEquals(Rule.INPUT, blank.rule());
            assertThrows(InvalidConfigurationException.class, () -> store.append("x".repeat(256), new byte[1]));
            InvalidConfigurationException big = assertThrows(InvalidConfigurationException.class,
                    () -> store.append("t", new byte[100 - 17]));
            assertTrue(big.getMessage().contains("maxRecordBytes (100)"), big.getMessage());
            assertEquals(1, store.append("t", new byte[100 - 18]));
            assertEquals(1, replayAll(store).size());
        }
        try (JournalStore store = JournalStore.open(dir)) {
            assertEquals(2, store.append("x".repeat(255), new byte[0]));
            assertEquals("x".repeat(255), replayAll(store).get(1).type());
        }
    }

    @Test
    @DisplayName("J3 records and snapshots copy their bytes and never show them in toString")
    void recordValues() {
        byte[] bytes = "secret".getBytes();
        StateStoreRecord record = new StateStoreRecord(1, "t", bytes);
        bytes[0] = 'X';
        assertArrayEquals("secret".getBytes(), record.payload());
        record.payload()[0] = 'Y';
        assertEquals("secret", record.payloadText());
        assertFalse(record.toString().contains("secret"), record.toString());
        assertEquals(6, record.payloadLength());
        assertThrows(InvalidConfigurationException.class, () -> new StateStoreRecord(0, "t", new byte[0]));
        var snapshot = new dev.secondsite.core.spi.StateStoreSnapshot(3, "secret".getBytes());
        assertFalse(snapshot.toString().contains("secret"), snapshot.toString());
        assertEquals(snapshot, new dev.secondsite.core.spi.StateStoreSnapshot(3, "secret".getBytes()));
    }
}
