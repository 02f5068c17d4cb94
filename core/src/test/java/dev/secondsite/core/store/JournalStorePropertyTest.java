package dev.secondsite.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.secondsite.core.spi.StateStoreCorruptedException;
import dev.secondsite.core.spi.StateStoreRecord;
import dev.secondsite.core.spi.StateStoreSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Random histories of appends, snapshots, reopens and damage against a model of what was acknowledged. */
class JournalStorePropertyTest {
    private static final JournalOptions SMALL = JournalOptions.defaults().withSegmentBytes(160);

    @TempDir
    Path dir;

    private final AtomicInteger runs = new AtomicInteger();

    private Path freshDirectory() {
        return dir.resolve("run-" + runs.incrementAndGet());
    }

    @Test
    @DisplayName("J3 a journal damaged at any byte either opens with a prefix of its records (a torn tail) or is "
            + "refused as corrupt; it never yields a wrong record")
    void damageIsTornTailOrRefused() throws IOException {
        Path original = dir.resolve("original");
        List<StateStoreRecord> written = new ArrayList<>();
        try (JournalStore store = JournalStore.open(original)) {
            for (int i = 1; i <= 12; i++) {
                byte[] payload = StoreFixtures.payload(i, i * 3);
                store.append("t", payload);
                written.add(new StateStoreRecord(i, "t", payload));
            }
        }
        List<Long> boundaries = new ArrayList<>();
        long boundary = JournalFormat.SEGMENT_HEADER_BYTES;
        for (StateStoreRecord record : written) {
            boundaries.add(boundary);
            boundary += JournalFormat.recordBytes(1, record.payloadLength());
        }
        Path segment = StoreFixtures.segments(original).get(0);
        int size = (int) Files.size(segment);
        qt().withExamples(150)
                .forAll(integers().between(JournalFormat.SEGMENT_HEADER_BYTES, size - 1), integers().between(1, 255),
                        integers().between(0, 1))
                .checkAssert((offset, xor, cut) -> {
                    Path copy = freshDirectory();
                    try {
                        StoreFixtures.copyDirectory(original, copy);
                        Path damaged = StoreFixtures.segments(copy).get(0);
                        if (cut == 1) {
                            StoreFixtures.truncate(damaged, offset);
                        } else {
                            byte[] bytes = Files.readAllBytes(damaged);
                            bytes[offset] ^= xor.byteValue();
                            Files.write(damaged, bytes);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    try (JournalStore store = JournalStore.open(copy)) {
                        List<StateStoreRecord> replayed = StoreFixtures.replayAll(store);
                        assertEquals(written.subList(0, replayed.size()), replayed);
                        // Only a cut exactly between records looks like a shorter journal: nothing shows it.
                        boolean silent = cut == 1 && boundaries.contains((long) offset);
                        assertEquals(replayed.size() < written.size() && !silent,
                                store.openReport().tornTailBytesDiscarded() > 0);
                    } catch (StateStoreCorruptedException e) {
                        assertEquals(StoreFixtures.segments(copy).get(0), e.file());
                        assertTrue(e.offset() <= offset, e.getMessage());
                    }
                });
    }

}
