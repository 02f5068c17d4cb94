package dev.secondsite.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.spi.StateStoreLockedException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer per store directory: a second opener, in this JVM or another, is refused until the first closes. */
class StoreLockTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("J3 a second open in the same JVM is refused with StateStoreLockedException until the first closes")
    void secondOpenSameJvm() {
        JournalStore first = JournalStore.open(dir);
        first.append("t", new byte[1]);
        StateStoreLockedException e = assertThrows(StateStoreLockedException.class,
                () -> JournalStore.open(dir.resolve(".").resolve("..").resolve(dir.getFileName())));
        assertTrue(e.getMessage().startsWith("J3: store is already open by this process"), e.getMessage());
        assertTrue(e.getMessage().contains(JournalFormat.LOCK_FILE), e.getMessage());
        assertEquals(1, first.append("t", new byte[1]) - 1, "the first store is unharmed");
        first.close();
        try (JournalStore again = JournalStore.open(dir)) {
            assertEquals(2, again.lastSequence());
        }
    }

    @Test
    @DisplayName("J3 an OS lock already held on the lock file in this JVM (OverlappingFileLockException) is refused "
            + "the same way")
    void overlappingLock() throws IOException {
        JournalStore.open(dir).close();
        try (FileChannel channel = FileChannel.open(dir.resolve(JournalFormat.LOCK_FILE), StandardOpenOption.WRITE);
             FileLock held = channel.lock()) {
            StateStoreLockedException e = assertThrows(StateStoreLockedException.class, () -> JournalStore.open(dir));
            assertTrue(e.getCause() instanceof java.nio.channels.OverlappingFileLockException, e.toString());
            assertTrue(held.isValid());
        }
        JournalStore.open(dir).close();
    }

    @Test
    @DisplayName("J3 another process cannot open a store this one holds, and can once it is closed")
    void secondProcess() throws IOException, InterruptedException {
        JournalStore store = JournalStore.open(dir);
        try {
            Probe refused = probe();
            assertEquals(LockProbe.LOCKED, refused.exitCode(), refused.output());
            assertTrue(refused.output().contains("already open by process " + ProcessHandle.current().pid()),
                    refused.output());
        } finally {
            store.close();
        }
        Probe opened = probe();
        assertEquals(LockProbe.OPENED, opened.exitCode(), opened.output());
    }

    private record Probe(int exitCode, String output) {
    }

    private Probe probe() throws IOException, InterruptedException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockProbe.class.getName(), dir.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe finished");
        return new Probe(process.exitValue(), output);
    }
}
