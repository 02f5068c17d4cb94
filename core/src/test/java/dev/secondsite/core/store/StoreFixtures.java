package dev.secondsite.core.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.secondsite.core.spi.StateStore;
import dev.secondsite.core.spi.StateStoreRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Helpers shared by the store's tests: reading a store back, and looking at and damaging its files. */
final class StoreFixtures {
    private StoreFixtures() {
    }

    static List<StateStoreRecord> replayAll(StateStore store) {
        List<StateStoreRecord> records = new ArrayList<>();
        store.replay(records::add);
        return records;
    }

    /** A payload that says which record it belongs to, so that a misplaced record shows. */
    static byte[] payload(long n, int size) {
        byte[] prefix = ("record-" + n + ":").getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[Math.max(size, prefix.length)];
        System.arraycopy(prefix, 0, payload, 0, prefix.length);
        for (int i = prefix.length; i < payload.length; i++) {
            payload[i] = (byte) (n * 31 + i);
        }
        return payload;
    }

    /** Appends {@code count} records of type "t" with {@link #payload} of {@code size} bytes. */
    static void appendRecords(StateStore store, int count, int size) {
        for (int i = 0; i < count; i++) {
            long next = store.lastSequence() + 1;
            assertEquals(next, store.append("t", payload(next, size)));
        }
    }

    /** Checks that {@code records} are exactly those {@link #appendRecords} made for sequences from..to. */
    static void assertRecords(List<StateStoreRecord> records, long from, long to, int size) {
        assertEquals(to - from + 1, records.size(), "records replayed");
        for (int i = 0; i < records.size(); i++) {
            StateStoreRecord record = records.get(i);
            assertEquals(from + i, record.sequence());
            assertEquals("t", record.type());
            assertArrayEquals(payload(from + i, size), record.payload(), "payload of record " + record.sequence());
        }
    }

    /** The journal's segment files, in sequence order. */
    static List<Path> segments(Path dir) {
        return files(dir, name -> name.startsWith(JournalFormat.SEGMENT_PREFIX));
    }

    static List<Path> files(Path dir, java.util.function.Predicate<String> name) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> name.test(f.getFileName().toString())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every store file's bytes by name, except the lock file (whose holder note each open rewrites). */
    static Map<String, byte[]> contents(Path dir) throws IOException {
        Map<String, byte[]> contents = new TreeMap<>();
        for (Path file : files(dir, name -> !name.equals(JournalFormat.LOCK_FILE))) {
            contents.put(file.getFileName().toString(), Files.readAllBytes(file));
        }
        return contents;
    }

    static void assertSameContents(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet(), "store files");
        expected.forEach((name, bytes) -> assertArrayEquals(bytes, actual.get(name), "bytes of " + name));
    }

    /** Copies a store's files (not its lock) into {@code to}, created owner-only as the store requires. */
    static void copyDirectory(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        if (Files.getFileStore(to).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(to, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
        for (Path file : files(from, name -> !name.equals(JournalFormat.LOCK_FILE))) {
            Files.copy(file, to.resolve(file.getFileName()));
        }
    }

    /**
     * Writes a new store file owner-only, as the store itself creates its files (a file left by a crash of the store
     * is owner-only too).
     */
    static void writeStoreFile(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
        if (Files.getFileStore(file).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
    }

    static void flipByte(Path file, long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) offset] ^= 0x5A;
        Files.write(file, bytes);
    }

    static void truncate(Path file, long size) throws IOException {
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    /** The encoded size of a record {@link #appendRecords} makes. */
    static int recordBytes(int size) {
        return JournalFormat.recordBytes(1, size);
    }
}
