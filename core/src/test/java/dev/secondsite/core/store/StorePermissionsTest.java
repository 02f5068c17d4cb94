package dev.secondsite.core.store;

import static dev.secondsite.core.store.StoreFixtures.appendRecords;
import static dev.secondsite.core.store.StoreFixtures.assertSameContents;
import static dev.secondsite.core.store.StoreFixtures.contents;
import static dev.secondsite.core.store.StoreFixtures.files;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal holds the vault's secrets: its directory and files are the owner's only, and a shared store is refused. */
class StorePermissionsTest {
    private static final int SIZE = 40;

    @TempDir
    Path parent;

    @BeforeEach
    void posixOnly() throws IOException {
        assumeTrue(Files.getFileStore(parent).supportsFileAttributeView(PosixFileAttributeView.class),
                "POSIX permissions only");
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    @DisplayName("J3 R1 the store creates its directory 0700 and every file (segments, snapshot, head, lock) 0600")
    void ownerOnlyFiles() throws IOException {
        Path dir = parent.resolve("vault");
        try (JournalStore store = JournalStore.open(dir, JournalOptions.defaults().withSegmentBytes(256))) {
            appendRecords(store, 10, SIZE);
            store.writeSnapshot(5, "secret state".getBytes());
            appendRecords(store, 3, SIZE);
        }
        assertEquals("rwx------", permissions(dir));
        List<Path> all = files(dir, name -> true);
        assertTrue(all.stream().anyMatch(f -> f.getFileName().toString().startsWith(JournalFormat.SNAPSHOT_PREFIX)));
        assertTrue(all.contains(dir.resolve(JournalFormat.LOCK_FILE)));
        assertTrue(all.contains(dir.resolve(JournalFormat.HEAD_FILE)));
        assertTrue(all.size() >= 4, all.toString());
        for (Path file : all) {
            assertEquals("rw-------", permissions(file), file.toString());
        }
    }

    @Test
    @DisplayName("J3 R1 a store directory other users can read is refused, naming it, its permissions and the option;"
            + " nothing changes; allowSharedPermissions opens it")
    void sharedDirectoryRefused() throws IOException {
        Path dir = parent.resolve("vault");
        try (JournalStore store = JournalStore.open(dir)) {
            appendRecords(store, 3, SIZE);
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, byte[]> before = contents(dir);
        StorePermissionsException e = assertThrows(StorePermissionsException.class, () -> JournalStore.open(dir));
        assertEquals("rwxr-xr-x", e.permissions());
        assertEquals(dir.toRealPath(), e.location());
        assertTrue(e.getMessage().startsWith("J3: ") && e.getMessage().contains("rwxr-xr-x")
                && e.getMessage().contains("withAllowSharedPermissions"), e.getMessage());
        assertSameContents(before, contents(dir));
        assertEquals("rwxr-xr-x", permissions(dir), "the refused open changed nothing");

        try (JournalStore store = JournalStore.open(dir, JournalOptions.defaults().withAllowSharedPermissions(true))) {
            assertEquals(3, StoreFixtures.replayAll(store).size());
        }
    }

    @Test
    @DisplayName("J3 R1 a store file other users can read (e.g. made under umask 022) is refused, naming the file")
    void sharedFileRefused() throws IOException {
        Path dir = parent.resolve("vault");
        try (JournalStore store = JournalStore.open(dir)) {
            appendRecords(store, 3, SIZE);
        }
        Path segment = StoreFixtures.segments(dir).get(0);
        Files.setPosixFilePermissions(segment, PosixFilePermissions.fromString("rw-r-----"));
        StorePermissionsException e = assertThrows(StorePermissionsException.class, () -> JournalStore.open(dir));
        assertEquals(segment.toRealPath(), e.location());
        assertTrue(e.getMessage().contains(segment.getFileName().toString()), e.getMessage());
        assertFalse(JournalOptions.defaults().allowSharedPermissions(), "refused unless the user says so");
    }
}
