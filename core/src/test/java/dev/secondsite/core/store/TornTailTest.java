package dev.secondsite.core.store;

import static dev.secondsite.core.store.StoreFixtures.appendRecords;
import static dev.secondsite.core.store.StoreFixtures.assertRecords;
import static dev.secondsite.core.store.StoreFixtures.copyDirectory;
import static dev.secondsite.core.store.StoreFixtures.flipByte;
import static dev.secondsite.core.store.StoreFixtures.recordBytes;
import static dev.secondsite.core.store.StoreFixtures.replayAll;
import static dev.secondsite.core.store.StoreFixtures.segments;
import static dev.secondsite.core.store.StoreFixtures.truncate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.store.OpenReport.TornTail;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A crash during a write leaves part of the last record; opening cuts it off and keeps everything before it. */
class TornTailTest {
    private static final int SIZE = 40;
    private static final int RECORDS = 5;

    @TempDir
    Path dir;

    /** Writes RECORDS records and returns the offset where the last one starts. */
    private long writeJournal(Path into) throws IOException {
        try (JournalStore store = JournalStore.open(into)) {
            appendRecords(store, RECORDS - 1, SIZE);
        }
        long lastStart = Files.size(segments(into).get(0));
        try (JournalStore store = JournalStore.open(into)) {
            appendRecords(store, 1, SIZE);
        }
        assertEquals(lastStart + recordBytes(SIZE), Files.size(segments(into).get(0)));
        return lastStart;
    }

    @Test
    @DisplayName("J3 a journal cut at every byte offset inside its last record opens, reports the tear and keeps "
            + "every earlier record")
    void truncatedAtEveryOffset() throws IOException {
        Path original = dir.resolve("original");
        long lastStart = writeJournal(original);
        long end = lastStart + recordBytes(SIZE);
        for (long cut = lastStart; cut < end; cut++) {
            Path copy = dir.resolve("cut-" + cut);
            copyDirectory(original, copy);
            Path segment = segments(copy).get(0);
            truncate(segment, cut);
            try (JournalStore store = JournalStore.open(copy)) {
                OpenReport report = store.openReport();
                assertEquals(cut - lastStart, report.tornTailBytesDiscarded(), "torn bytes at cut " + cut);
                if (cut > lastStart) {
                    TornTail torn = report.tornTails().get(0);
                    assertEquals(segment, torn.file());
                    assertEquals(lastStart, torn.offset());
                }
                assertEquals(lastStart, Files.size(segment), "file cut back to the last good record");
                assertRecords(replayAll(store), 1, RECORDS - 1, SIZE);
                assertEquals(RECORDS, store.append("t", StoreFixtures.payload(RECORDS, SIZE)));
            }
            try (JournalStore store = JournalStore.open(copy)) {
                assertEquals(0, store.openReport().tornTailBytesDiscarded(), "the repair was durable");
                assertRecords(replayAll(store), 1, RECORDS, SIZE);
            }
        }
    }

    @Test
    @DisplayName("J3 a last record that fails its CRC with nothing after it is a torn tail, cut off")
    void badChecksumOnLastRecord() throws IOException {
        long lastStart = writeJournal(dir);
        flipByte(segments(dir).get(0), lastStart + recordBytes(SIZE) - 3);
        try (JournalStore store = JournalStore.open(dir)) {
            assertEquals(recordBytes(SIZE), store.openReport().tornTailBytesDiscarded());
            assertTrue(store.openReport().tornTails().get(0).reason().contains("CRC32C"),
                    store.openReport().tornTails().toString());
            assertRecords(replayAll(store), 1, RECORDS - 1, SIZE);
        }
    }

    @Test
    @DisplayName("J3 zeros or random bytes after the last record (a size extended before the data landed) are cut")
    void garbageAfterLastRecord() throws IOException {
        Path zeros = dir.resolve("zeros");
        writeJournal(zeros);
        Files.write(segments(zeros).get(0), new byte[300], StandardOpenOption.APPEND);
        Path noise = dir.resolve("noise");
        writeJournal(noise);
        byte[] random = new byte[300];
        new Random(7).nextBytes(random);
        Files.write(segments(noise).get(0), random, StandardOpenOption.APPEND);
        for (Path store : List.of(zeros, noise)) {
            try (JournalStore opened = JournalStore.open(store)) {
                assertEquals(300, opened.openReport().tornTailBytesDiscarded(), store.toString());
                assertRecords(replayAll(opened), 1, RECORDS, SIZE);
            }
        }
    }

    @Test
    @DisplayName("J3 a new segment whose header was torn while it was created is removed; records before it stay")
    void tornSegmentHeader() throws IOException {
        writeJournal(dir);
        Path next = dir.resolve(JournalFormat.segmentName(RECORDS + 1));
        StoreFixtures.writeStoreFile(next, Arrays.copyOf(JournalFormat.segmentHeader(RECORDS + 1), 11));
        try (JournalStore store = JournalStore.open(dir)) {
            OpenReport report = store.openReport();
            assertEquals(11, report.tornTailBytesDiscarded());
            assertEquals(next, report.tornTails().get(0).file());
            assertTrue(report.filesRemoved().contains(next));
            assertRecords(replayAll(store), 1, RECORDS, SIZE);
            assertEquals(RECORDS + 1, store.append("t", StoreFixtures.payload(RECORDS + 1, SIZE)));
        }
        try (JournalStore store = JournalStore.open(dir)) {
            assertRecords(replayAll(store), 1, RECORDS + 1, SIZE);
        }
    }

    @Test
    @DisplayName("J3 an empty new segment with a valid header is where appends go on after a reopen")
    void emptyRolledSegmentIsKept() throws IOException {
        writeJournal(dir);
        Path next = dir.resolve(JournalFormat.segmentName(RECORDS + 1));
        StoreFixtures.writeStoreFile(next, JournalFormat.segmentHeader(RECORDS + 1));
        try (JournalStore store = JournalStore.open(dir)) {
            assertTrue(store.openReport().tornTails().isEmpty());
            assertTrue(store.openReport().filesRemoved().isEmpty());
            assertEquals(RECORDS + 1, store.append("t", StoreFixtures.payload(RECORDS + 1, SIZE)));
        }
        assertEquals(2, segments(dir).size());
        assertFalse(Files.size(next) == JournalFormat.SEGMENT_HEADER_BYTES, "the append went to the new segment");
        try (JournalStore store = JournalStore.open(dir)) {
            assertRecords(replayAll(store), 1, RECORDS + 1, SIZE);
        }
    }
}
