package dev.secondsite.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.samples.drill.DrillObserver;
import dev.secondsite.samples.drill.DrillResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DrDrill's command line, in-process. */
class DrDrillTest {
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
        for (String option : List.of("--vms", "--seed", "--fault-rate", "--store", "--report", "--help")) {
            assertTrue(usage.contains(option), option + " in " + usage);
        }
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
    @DisplayName("J1 with --fault-rate 0.2 hosts fail transiently and the engine retries (commands sent > host "
            + "steps); the drill still passes and exits 0")
    void faultsAreRetried() {
        List<DrillResult> results = new ArrayList<>();
        int code = run(new DrillObserver() {
            @Override
            public void finished(DrillResult result) {
                results.add(result);
            }
        }, "--vms", "6", "--fault-rate", "0.2", "--seed", "7");
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
