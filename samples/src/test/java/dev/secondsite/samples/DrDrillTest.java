package dev.secondsite.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.samples.console.ConsoleProgress;
import dev.secondsite.samples.drill.DrillObserver;
import dev.secondsite.samples.drill.DrillResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DrDrill's command line, in-process. */
class DrDrillTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(DrillObserver observer, String... args) {
        return DrDrill.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), observer, args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("--help prints the usage with every option and exits 0 without running the drill")
    void help() {
        List<DrillResult> results = new ArrayList<>();
        assertEquals(0, run(new DrillObserver() {
            @Override
            public void finished(DrillResult result) {
                results.add(result);
            }
        }, "--help"));
        String usage = out.toString(StandardCharsets.UTF_8);
        for (String option : List.of("--vms", "--seed", "--fault-rate", "--store", "--report", "--plain",
                "--help")) {
            assertTrue(usage.contains(option), option + " in " + usage);
        }
        assertTrue(usage.replaceAll("\\s+", " ")
                .contains("(default: secondsite-drill-report.html in the working directory)"), usage);
        assertEquals(List.of(), results);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "--no-such-option|Unknown option: '--no-such-option'",
        "--vms=many|'many' is not an int",
        "--vms=2|--vms (2) must be between 3 and 10000",
        "--fault-rate=0.9|--fault-rate (0.9) must be between 0 and 0.5",
        "--job-timeout=soon|'soon' is not an ISO-8601 duration"})
    @DisplayName("a bad command line exits 2 with one line naming the option and the value, and runs nothing")
    void badOption(String arg, String reason) {
        assertEquals(2, run(DrillObserver.none(), arg));
        String printed = err();
        assertEquals(1, printed.lines().count(), printed);
        assertTrue(printed.contains(reason), printed);
        assertTrue(printed.startsWith("dr-drill: "), printed);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("--plain asks for plain progress; without it progress is in place on a terminal (AUTO); --report "
            + "defaults to secondsite-drill-report.html in the working directory")
    void progressModeAndReportDefault() {
        DrDrill plain = new DrDrill(new PrintStream(out, true, StandardCharsets.UTF_8), DrillObserver.none());
        DrDrill.commandLine(plain, System.out, System.err).parseArgs("--plain");
        assertEquals(ConsoleProgress.Mode.PLAIN, plain.options().progress());
        assertEquals(Path.of("secondsite-drill-report.html"), plain.options().report());
        DrDrill auto = new DrDrill(new PrintStream(out, true, StandardCharsets.UTF_8), DrillObserver.none());
        DrDrill.commandLine(auto, System.out, System.err).parseArgs("--report", "x.html");
        assertEquals(ConsoleProgress.Mode.AUTO, auto.options().progress());
        assertEquals(Path.of("x.html"), auto.options().report());
    }

    @Test
    @DisplayName("with --plain the drill's output has no control characters besides line feeds: progress lines, "
            + "the jobs table, the report's path; it exits 0 and the report exists")
    void plainOutputHasNoControlCharacters() {
        Path report = dir.resolve("plain.html");
        int code = run(DrillObserver.none(), "--vms", "3", "--fault-rate", "0.2", "--plain", "--report",
                report.toString());
        assertEquals(0, code, err());
        String printed = out.toString(StandardCharsets.UTF_8);
        for (int i = 0; i < printed.length(); i++) {
            char c = printed.charAt(i);
            int at = i;
            assertTrue(c == '\n' || !Character.isISOControl(c), () -> "control character U+"
                    + String.format("%04X", (int) c) + " at " + at + " in\n" + printed);
        }
        assertTrue(printed.contains("Commit: started"), printed);
        assertTrue(printed.contains("; retrying"), printed);
        assertTrue(printed.lines().anyMatch(l -> l.matches("\\s*#\\s+Job\\s+State\\s+Duration.*")), printed);
        assertTrue(printed.contains("Drill PASSED"), printed);
        assertTrue(printed.stripTrailing().lines().reduce((a, b) -> b).orElseThrow()
                .startsWith("Report: " + report.toAbsolutePath()), printed);
        assertTrue(Files.isRegularFile(report), report.toString());
        assertEquals("", err());
    }

    @Test
    @DisplayName("J1 with --fault-rate 0.2 hosts fail transiently and the engine retries (commands sent > host "
            + "steps); the drill still passes and exits 0")
    void faultsAreRetried() {
        List<DrillResult> results = new ArrayList<>();
        int code = run(new DrillObserver() {
            @Override
            public void finished(DrillResult result) {
                results.add(result);
            }
        }, "--vms", "6", "--fault-rate", "0.2", "--seed", "7", "--report", dir.resolve("r.html").toString());
        assertEquals(0, code, err());
        assertEquals(1, results.size());
        DrillResult r = results.get(0);
        assertTrue(r.transientFailures() > 0, "transient failures " + r.transientFailures());
        assertTrue(r.commandsSent() > r.commandSteps(), r.commandsSent() + " sent for " + r.commandSteps());
        assertTrue(r.allJobsSucceeded());
        assertTrue(r.allVmsBackHomeAndProtected());
        assertEquals("", err());
    }
}
