package dev.secondsite.core.store;

import static dev.secondsite.core.store.StoreFixtures.appendRecords;
import static dev.secondsite.core.store.StoreFixtures.assertRecords;
import static dev.secondsite.core.store.StoreFixtures.assertSameContents;
import static dev.secondsite.core.store.StoreFixtures.contents;
import static dev.secondsite.core.store.StoreFixtures.copyDirectory;
import static dev.secondsite.core.store.StoreFixtures.files;
import static dev.secondsite.core.store.StoreFixtures.replayAll;
import static dev.secondsite.core.store.StoreFixtures.segments;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.spi.StateStoreSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A snapshot replaces the records it covers: replay starts after it and the journal is compacted. */
class SnapshotTest {
    private static final int SIZE = 30;
    private static final JournalOptions SMALL = JournalOptions.defaults().withSegmentBytes(256);

    @TempDir
    Path dir;

    @Test
    @DisplayName("J3 after a snapshot, replay and a reopen give only the records after it, and the covered "
            + "segments are deleted")
    void snapshotThenReplayTail() {
        try (JournalStore store = JournalStore.open(dir, SMALL)) {
            assertTrue(store.latestSnapshot().isEmpty());
            appendRecords(store, 20, SIZE);
            int before = segments(dir).size();
            store.writeSnapshot(20, "state-20".getBytes());
            assertTrue(replayAll(store).isEmpty());
            assertEquals(1, segments(dir).size(), "only a fresh segment is left of " + before);
            assertEquals(dir.resolve(JournalFormat.segmentName(21)), segments(dir).get(0));
            appendRecords(store, 3, SIZE);
            assertRecords(replayAll(store), 21, 23, SIZE);
        }
        try (JournalStore store = JournalStore.open(dir, SMALL)) {
            assertEquals(3, store.openReport().recordsScanned());
            assertEquals(20, store.openReport().snapshotSequence());
            assertEquals(new StateStoreSnapshot(20, "state-20".getBytes()), store.latestSnapshot().orElseThrow());
            assertRecords(replayAll(store), 21, 23, SIZE);
            assertEquals(24, store.append("t", StoreFixtures.payload(24, SIZE)));
        }
    }

    @Test
    @DisplayName("J3 a snapshot in the middle deletes only segments it wholly covers; replay skips covered records")
    void snapshotInTheMiddle() {
        try (JournalStore store = JournalStore.open(dir, SMALL)) {
            appendRecords(store, 30, SIZE);
            List<Path> before = segments(dir);
            store.writeSnapshot(13, "state-13".getBytes());
            List<Path> after = segments(dir);
            assertTrue(after.size() < before.size());
            assertEquals(before.subList(before.size() - after.size(), before.size()), after, "oldest deleted");
            long firstKept = JournalFormat.segmentSequence(after.get(0).getFileName().toString()).getAsLong();
            assertTrue(firstKept <= 14, "the segment holding record 14 is kept: " + after);
            if (after.size() > 1) {
                long second = JournalFormat.segmentSequence(after.get(1).getFileName().toString()).getAsLong();
                assertTrue(second > 14, "no wholly covered segment is kept: " + after);
            }
            assertRecords(replayAll(store), 14, 30, SIZE);
            List<dev.secondsite.core.spi.StateStoreRecord> from5 = new ArrayList<>();
            store.replay(5, from5::add);
            assertRecords(from5, 14, 30, SIZE);
        }
        try (JournalStore store = JournalStore.open(dir, SMALL)) {
            assertRecords(replayAll(store), 14, 30, SIZE);
            assertEquals(30, store.lastSequence());
        }
    }

    @Test
    @DisplayName("J3 a crash between writing the temporary snapshot and renaming it leaves the old snapshot and "
            + "journal valid; the temporary file is removed")
    void crashBeforeRename() throws IOException {
        try (JournalStore store = JournalStore.open(dir, SMALL)) {
            appendRecords(store, 5, SIZE);
            store.writeSnapshot(5, "state-5".getBytes());
            appendRecords(store, 4, SIZE);
        }
        byte[] newer = JournalFormat.snapshotFile(9, "state-9".getBytes());
        Path temp = dir.resolve(JournalFormat.snapshotName(9) + JournalFormat.TEMP_SUFFIX);
        StoreFixtures.writeStoreFile(temp, Arrays.copyOf(newer, newer.length - 3));
        try (JournalStore store = JournalStore.open(dir, SMALL)) {
            assertEquals(List.of(temp), store.openReport().filesRemoved());
            assertFalse(Files.exists(temp));
            assertEquals(new StateStoreSnapshot(5, "state-5".getBytes()), store.latestSnapshot().orElseThrow());
            assertRecords(replayAll(store), 6, 9, SIZE);
        }
    }

    @Test
    @DisplayName("J3 a crash after the rename but before compaction: the new snapshot is current and the covered "
            + "segments and the old snapshot are removed at open")
    void crashAfterRename() throws IOException {
        Path crashed = dir.resolve("crashed");
        Path live = dir.resolve("live");
        try (JournalStore store = JournalStore.open(live, SMALL)) {
            appendRecords(store, 5, SIZE);
            store.writeSnapshot(3, "state-3".getBytes());
            appendRecords(store, 20, SIZE);
        }
        copyDirectory(live, crashed);
        try (JournalStore store = JournalStore.open(live, SMALL)) {
            store.writeSnapshot(25, "state-25".getBytes());
        }
        Path snapshot = JournalFormat.snapshotName(25).transform(crashed::resolve);
        Files.copy(live.resolve(snapshot.getFileName()), snapshot);
        List<Path> stale = new ArrayList<>(segments(crashed));
        stale.add(crashed.resolve(JournalFormat.snapshotName(3)));
        try (JournalStore store = JournalStore.open(crashed, SMALL)) {
            assertTrue(store.openReport().filesRemoved().containsAll(stale), store.openReport().toString());
            assertEquals(new StateStoreSnapshot(25, "state-25".getBytes()), store.latestSnapshot().orElseThrow());
            assertTrue(replayAll(store).isEmpty());
            assertEquals(26, store.append("t", StoreFixtures.payload(26, SIZE)));
        }
        assertEquals(List.of(crashed.resolve(JournalFormat.segmentName(26))), segments(crashed));
        assertEquals(List.of(snapshot), files(crashed, n -> n.startsWith(JournalFormat.SNAPSHOT_PREFIX)));
    }

    @Test
    @DisplayName("J3 a snapshot beyond the last acknowledged record or before the current snapshot is refused and "
            + "changes nothing")
    void snapshotBounds() throws IOException {
        try (JournalStore store = JournalStore.open(dir)) {
            appendRecords(store, 5, SIZE);
            store.writeSnapshot(3, "s3".getBytes());
            Map<String, byte[]> before = contents(dir);
            InvalidConfigurationException ahead = assertThrows(InvalidConfigurationException.class,
                    () -> store.writeSnapshot(6, new byte[0]));
            assertTrue(ahead.getMessage().contains("uptoSequence (6) must be between 3"), ahead.getMessage());
            assertThrows(InvalidConfigurationException.class, () -> store.writeSnapshot(2, new byte[0]));
            assertSameContents(before, contents(dir));
            store.writeSnapshot(3, "s3-again".getBytes());
            assertArrayEquals("s3-again".getBytes(), store.latestSnapshot().orElseThrow().state());
        }
    }

}
