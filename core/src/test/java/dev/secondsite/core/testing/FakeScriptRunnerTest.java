package dev.secondsite.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FakeScriptRunnerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(600);
    private static final String DNS = "\\\\lib\\scripts\\update-dns.ps1";

    private final FakeScriptRunner runner = new FakeScriptRunner();

    @Test
    @DisplayName("RP8 a script that exits 0 without standard error succeeds with its output")
    void succeeds() {
        runner.succeed(DNS, "updated 3 records");

        CommandResult result = runner.run(DNS, TIMEOUT);

        assertTrue(result.succeeded());
        assertEquals(new CommandOutput.ScriptOutput(0, "updated 3 records", ""), result.output());
    }

    @Test
    @DisplayName("RP8 a script fails when it exits non-zero or writes to standard error, keeping its output")
    void failsOnExitCodeOrStandardError() {
        runner.fail(DNS, 1, "DNS server unreachable");
        runner.fail("b.ps1", 0, "warning written to stderr");

        CommandResult exit = runner.run(DNS, TIMEOUT);
        CommandResult stderr = runner.run("b.ps1", TIMEOUT);

        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, exit.outcome());
        assertTrue(exit.message().contains("exited 1: DNS server unreachable"), exit.message());
        assertEquals(new CommandOutput.ScriptOutput(1, "", "DNS server unreachable"), exit.output());
        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, stderr.outcome());
    }

    @Test
    @DisplayName("RP8 a script still running at its timeout is stopped and fails, naming the timeout")
    void timesOut() {
        runner.exceedTimeout(DNS);

        CommandResult result = runner.run(DNS, Duration.ofSeconds(30));

        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, result.outcome());
        assertTrue(result.message().contains("PT30S"), result.message());
    }

    @Test
    @DisplayName("RP8 J2 outcomes of a path are used in order and the last one stays; an unknown script fails")
    void outcomesInOrder() {
        runner.fail(DNS, 2, "zone locked").succeed(DNS);

        List<CommandResult.Outcome> outcomes = List.of(runner.run(DNS, TIMEOUT).outcome(),
                runner.run(DNS, TIMEOUT).outcome(), runner.run(DNS, TIMEOUT).outcome());
        CommandResult missing = runner.run("nope.ps1", TIMEOUT);

        assertEquals(List.of(CommandResult.Outcome.PERMANENT_FAILURE, CommandResult.Outcome.SUCCEEDED,
                CommandResult.Outcome.SUCCEEDED), outcomes);
        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, missing.outcome());
        assertTrue(missing.message().contains("not found"), missing.message());
        assertEquals(List.of(DNS, DNS, DNS, "nope.ps1"), runner.paths());
        assertEquals(new FakeScriptRunner.Run(DNS, TIMEOUT), runner.runs().get(0));
    }
}
