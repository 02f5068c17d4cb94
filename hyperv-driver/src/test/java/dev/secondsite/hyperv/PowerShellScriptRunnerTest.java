package dev.secondsite.hyperv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.CommandResult.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RP8: plan scripts through the same runner; exit code, error stream and timeout decide. */
class PowerShellScriptRunnerTest {
    private static final String PATH = "\\\\vmm01\\MSSCVMMLibrary\\Scripts\\it's $(evil).ps1";

    private static CommandResult runWith(PowerShellResult answer) {
        return new PowerShellScriptRunner(new FakePowerShell(call -> answer)).run(PATH, Duration.ofSeconds(600));
    }

    @Test
    @DisplayName("RP8 the path travels on standard input, never in the script or on the command line")
    void pathAsData() {
        FakePowerShell ps = new FakePowerShell(call -> FakePowerShell.raw(0, "done\n", ""));
        CommandResult result = new PowerShellScriptRunner(ps).run(PATH, Duration.ofSeconds(600));
        assertEquals(new CommandOutput.ScriptOutput(0, "done\n", ""), result.output());
        assertTrue(result.succeeded());
        FakePowerShell.Call call = ps.calls().get(0);
        assertEquals(Scripts.RUN_SCRIPT, call.script());
        assertEquals(PATH, call.stdin().get("Path").textValue());
        assertFalse(String.join(" ", call.invocation().arguments()).contains("evil"));
        assertEquals(Duration.ofSeconds(600), call.invocation().timeout());
    }

    @Test
    @DisplayName("RP8 a non-zero exit fails permanently, with the script's output")
    void nonZeroExit() {
        CommandResult result = runWith(FakePowerShell.raw(3, "partial\n", ""));
        assertEquals(Outcome.PERMANENT_FAILURE, result.outcome());
        assertTrue(result.message().contains("exited 3"), result.message());
        assertEquals(new CommandOutput.ScriptOutput(3, "partial\n", ""), result.output());
    }

    @Test
    @DisplayName("RP8 anything on the error stream fails the script even with exit code 0")
    void stderrFails() {
        CommandResult result = runWith(FakePowerShell.raw(0, "", "DNS update failed\n"));
        assertEquals(Outcome.PERMANENT_FAILURE, result.outcome());
        assertTrue(result.message().contains("DNS update failed"), result.message());
    }

    @Test
    @DisplayName("RP8 a script still running at its timeout is stopped and fails")
    void timeout() {
        CommandResult result = runWith(FakePowerShell.timedOut());
        assertEquals(Outcome.PERMANENT_FAILURE, result.outcome());
        assertTrue(result.message().contains("still running after PT10M"), result.message());
    }

    @Test
    @DisplayName("a runner that cannot start is a failure result, not an exception")
    void unstartable() {
        CommandResult result = new PowerShellScriptRunner(new FakePowerShell(call -> {
            throw new java.io.UncheckedIOException(new java.io.IOException("no pwsh"));
        })).run(PATH, Duration.ofSeconds(5));
        assertEquals(Outcome.PERMANENT_FAILURE, result.outcome());
        assertTrue(result.message().contains("no pwsh"), result.message());
    }
}
