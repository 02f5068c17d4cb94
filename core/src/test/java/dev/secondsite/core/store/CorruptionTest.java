package dev.secondsite.core.store;

import static dev.secondsite.core.store.StoreFixtures.appendRecords;
import static dev.secondsite.core.store.StoreFixtures.assertSameContents;
import static dev.secondsite.core.store.StoreFixtures.contents;
import static dev.secondsite.core.store.StoreFixtures.copyDirectory;
import static dev.secondsite.core.store.StoreFixtures.flipByte;
import static dev.secondsite.core.store.StoreFixtures.recordBytes;
import static dev.secondsite.core.store.StoreFixtures.segments;
import static dev.secondsite.core.store.StoreFixtures.truncate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.SecondsiteException;
import dev.secondsite.core.spi.StateStoreCorruptedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damage anywhere but at the torn end refuses the open, names file and offset, and changes no file. */
class CorruptionTest {
    private static final int SIZE = 40;
    private static final long HEADER = JournalFormat.SEGMENT_HEADER_BYTES;

    @TempDir
    Path dir;

    /** Opening {@code store} fails as corrupt at {@code file}/{@code offset} and leaves every file as it was. */
    private static StateStoreCorruptedException assertRefused(Path store, Path file, long offset) throws IOException {
        Map<String, byte[]> before = contents(store);
        StateStoreCorruptedException e = assertThrows(StateStoreCorruptedException.class,
                () -> JournalStore.open(store).close());
        assertEquals(file, e.file());
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().startsWith("J3: "), e.getMessage());
        assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("offset " + offset), e.getMessage());
        assertTrue(e instanceof SecondsiteException);
        assertSameContents(before, contents(store));
        return e;
    }

    /** Writes 40 records into segments of 512 bytes; returns the segments. */
    private static List<Path> writeSegments(Path store) {
        try (JournalStore journal = JournalStore.open(store, JournalOptions.defaults().withSegmentBytes(512))) {
            appendRecords(journal, 40, SIZE);
        }
        return segments(store);
    }

    @Test
    @DisplayName("J3 a flipped byte anywhere in an early record refuses the open, naming file and record offset, "
            + "and leaves the files untouched")
    void corruptMiddleRecord() throws IOException {
        Path original = dir.resolve("original");
        try (JournalStore store = JournalStore.open(original)) {
            appendRecords(store, 6, SIZE);
        }
        long second = HEADER + recordBytes(SIZE);
        for (long at = second; at < second + recordBytes(SIZE); at++) {
            Path copy = dir.resolve("flip-" + at);
            copyDirectory(original, copy);
            Path segment = segments(copy).get(0);
            flipByte(segment, at);
            assertRefused(copy, segment, second);
        }
    }

    @Test
    @DisplayName("J3 the store stays openable once the damage is undone: a refusal locks nothing and changes nothing")
    void refusalChangesNothing() throws IOException {
        try (JournalStore store = JournalStore.open(dir)) {
            appendRecords(store, 6, SIZE);
        }
        Path segment = segments(dir).get(0);
        flipByte(segment, HEADER + 12);
        assertRefused(dir, segment, HEADER);
        flipByte(segment, HEADER + 12);
        try (JournalStore store = JournalStore.open(dir)) {
            assertEquals(6, StoreFixtures.replayAll(store).size());
        }
    }

    @Test
    @DisplayName("J3 damage at the end of a sealed (non-last) segment is refused, not taken for a torn tail")
    void damageInSealedSegment() throws IOException {
        Path original = dir.resolve("original");
        writeSegments(original);
        Path cut = dir.resolve("cut");
        copyDirectory(original, cut);
        Path first = segments(cut).get(0);
        long size = Files.size(first);
        truncate(first, size - 5);
        String message = assertRefused(cut, first, size - recordBytes(SIZE)).getMessage();
        assertTrue(message.contains("in a sealed segment"), message);

        Path flipped = dir.resolve("flipped");
        copyDirectory(original, flipped);
        Path firstFlipped = segments(flipped).get(0);
        flipByte(firstFlipped, size - 2);
        assertRefused(flipped, firstFlipped, size - recordBytes(SIZE));
    }

    @Test
    @DisplayName("J3 a missing segment (a gap in the sequence) refuses the open naming the segment after the gap")
    void missingSegment() throws IOException {
        var segments = writeSegments(dir);
        assertTrue(segments.size() >= 3);
        Files.delete(segments.get(1));
        StateStoreCorruptedException e = assertRefused(dir, segments.get(2), 0);
        assertTrue(e.getMessage().contains("ends at"), e.getMessage());
    }

    @Test
    @DisplayName("J3 a journal whose first records are gone and no snapshot covers them is refused")
    void missingFirstSegment() throws IOException {
        var segments = writeSegments(dir);
        Files.delete(segments.get(0));
        StateStoreCorruptedException e = assertRefused(dir, segments.get(1), 0);
        assertTrue(e.getMessage().contains("are missing"), e.getMessage());
    }

    @Test
    @DisplayName("J3 a damaged snapshot refuses the open naming the snapshot file")
    void corruptSnapshot() throws IOException {
        try (JournalStore store = JournalStore.open(dir)) {
            appendRecords(store, 4, SIZE);
            store.writeSnapshot(4, "state".getBytes());
        }
        Path snapshot = dir.resolve(JournalFormat.snapshotName(4));
        flipByte(snapshot, JournalFormat.SNAPSHOT_HEADER_BYTES + 1);
        assertRefused(dir, snapshot, 0);
    }

    @Test
    @DisplayName("J3 a segment of a newer format version is refused rather than misread")
    void unknownVersion() throws IOException {
        try (JournalStore store = JournalStore.open(dir)) {
            appendRecords(store, 2, SIZE);
        }
        Path segment = segments(dir).get(0);
        byte[] bytes = Files.readAllBytes(segment);
        JournalFormat.putInt(bytes, 4, 2);
        JournalFormat.putInt(bytes, 20, JournalFormat.crc(bytes, 0, 20));
        Files.write(segment, bytes);
        assertTrue(assertRefused(dir, segment, 0).getMessage().contains("version 2"));
    }

    @Test
    @DisplayName("J3 a deleted newest segment refuses the open with StoreFileMissingException naming it, instead of "
            + "opening with older state; the files are left as they were")
    void missingNewestSegment() throws IOException {
        var segments = writeSegments(dir);
        assertTrue(segments.size() >= 3);
        Path newest = segments.get(segments.size() - 1);
        Files.delete(newest);
        StateStoreCorruptedException e = assertRefused(dir, newest, 0);
        assertTrue(e instanceof StoreFileMissingException, e.toString());
        assertTrue(e.getMessage().contains("is missing") && e.getMessage().contains(JournalFormat.HEAD_FILE),
                e.getMessage());
        assertTrue(e.getMessage().contains(segments.get(segments.size() - 2).getFileName().toString()),
                "names the newest segment left: " + e.getMessage());
    }

    @Test
    @DisplayName("J3 the only segment after a snapshot, deleted, refuses the open: the snapshot alone is older state")
    void missingSegmentAfterSnapshot() throws IOException {
        try (JournalStore store = JournalStore.open(dir)) {
            appendRecords(store, 4, SIZE);
            store.writeSnapshot(4, "state".getBytes());
            appendRecords(store, 3, SIZE);
        }
        List<Path> segments = segments(dir);
        assertEquals(1, segments.size(), segments.toString());
        Files.delete(segments.get(0));
        assertTrue(assertRefused(dir, segments.get(0), 0) instanceof StoreFileMissingException);
    }

    @Test
    @DisplayName("J3 a damaged journal.head refuses the open naming it")
    void corruptHead() throws IOException {
        writeSegments(dir);
        Path head = dir.resolve(JournalFormat.HEAD_FILE);
        flipByte(head, 9);
        assertRefused(dir, head, 0);
    }
}
