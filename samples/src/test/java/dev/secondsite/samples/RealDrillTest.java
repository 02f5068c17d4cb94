package dev.secondsite.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RealDrill's refusals, in-process: it never reaches a vault without a valid file and a PowerShell. */
class RealDrillTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> environment, String... args) {
        return RealDrill.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), environment::get, args);
    }

    private Path sites(String json) throws Exception {
        return Files.writeString(dir.resolve("sites.json"), json);
    }

    @Test
    @DisplayName("on a machine without PowerShell on PATH it says why it cannot run, in one line, and exits 1")
    void noPowerShell() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("bin"));
        int code = run(Map.of("PATH", empty.toString()), "--sites", sites(dev.secondsite.samples.drill.SitesFileTestAccess.VALID).toString());
        assertEquals(1, code);
        String printed = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, printed.lines().count(), printed);
        assertTrue(printed.startsWith("real-drill failed: cannot run on this machine: no PowerShell on PATH"),
                printed);
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing ran");
    }

    @Test
    @DisplayName("a refused sites file exits 1 with one line naming the field, before looking for PowerShell")
    void refusedFile() throws Exception {
        int code = run(Map.of(), "--sites", sites(dev.secondsite.samples.drill.SitesFileTestAccess.VALID.replace("\"cloud\": \"Gold\"",
                "\"cloud\": \"\"")).toString());
        assertEquals(1, code);
        String printed = err.toString(StandardCharsets.UTF_8);
        assertEquals("real-drill failed: sites file: primary.cloud (\"\") must be a non-blank string", printed.strip());
    }

    @Test
    @DisplayName("without --sites it exits 2 naming the missing option")
    void sitesRequired() {
        assertEquals(2, run(Map.of()));
        String printed = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, printed.lines().count(), printed);
        assertTrue(printed.contains("--sites"), printed);
    }
}
