package dev.secondsite.hyperv.it;

import static dev.secondsite.hyperv.it.TwoSites.VMM_A;
import static dev.secondsite.hyperv.it.TwoSites.VMM_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.hyperv.PowerShellScriptRunner;
import dev.secondsite.hyperv.sim.SimulatedFabric;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RP8: PowerShellScriptRunner over the simulated fabric runs the scripts of a VMM server's library. */
class PlanScriptsOnFabricTest {
    private static final String OK = "\\\\vmm-b\\library\\update-dns.ps1";
    private static final String EXIT3 = "\\\\vmm-b\\library\\fix-ips.ps1";
    private static final String WRITES_ERROR = "\\\\vmm-b\\library\\smoke-test.ps1";
    private static final String SLOW = "\\\\vmm-b\\library\\slow.ps1";
    private static final String THROWS = "\\\\vmm-b\\library\\throws.ps1";
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final TwoSites sites = new TwoSites(SimulatedFabric.builder()
            .script(VMM_B, OK, "Write-Output 'dns updated'\nexit 0\n")
            .script(VMM_B, EXIT3, "Write-Output 'fixing'\nexit 3\nWrite-Output 'never'\n")
            .script(VMM_B, WRITES_ERROR, "Write-Error -Message 'web01 did not answer'\nWrite-Output 'done'\n")
            .script(VMM_B, SLOW, "Write-Output 'slow'\n", Duration.ofMinutes(11))
            .script(VMM_B, THROWS, "throw 'the load balancer refused'\n"));
    private final PowerShellScriptRunner onB = new PowerShellScriptRunner(sites.fabric.on(VMM_B));

    private static CommandOutput.ScriptOutput output(CommandResult r) {
        return assertInstanceOf(CommandOutput.ScriptOutput.class, r.output(), r.message());
    }

    @Test
    @DisplayName("RP8 a library script that exits 0 succeeds with its standard output, and ran once on its server")
    void success() {
        CommandResult r = onB.run(OK, TIMEOUT);
        assertTrue(r.succeeded(), r.message());
        assertEquals(0, output(r).exitCode());
        assertEquals("dns updated", output(r).stdout().strip());
        assertEquals(List.of(new SimulatedFabric.ScriptRun(VMM_B, OK)), sites.fabric.scriptRuns());
    }

    @Test
    @DisplayName("RP8 a script's 'exit 3' ends it and becomes the process's exit code: a permanent failure naming it")
    void nonZeroExit() {
        CommandResult r = onB.run(EXIT3, TIMEOUT);
        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, r.outcome());
        assertEquals(3, output(r).exitCode());
        assertEquals("fixing", output(r).stdout().strip());
        assertTrue(r.message().contains("exited 3") && r.message().contains(EXIT3), r.message());
    }

    @Test
    @DisplayName("RP8 a script that writes to standard error fails with that text although it exits 0")
    void standardError() {
        CommandResult r = onB.run(WRITES_ERROR, TIMEOUT);
        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, r.outcome());
        assertEquals(0, output(r).exitCode());
        assertTrue(output(r).stderr().contains("web01 did not answer"), output(r).stderr());
        assertTrue(r.message().contains("web01 did not answer"), r.message());
        assertEquals("done", output(r).stdout().strip());
    }

    @Test
    @DisplayName("RP8 a script that throws fails the run with its message")
    void throwing() {
        CommandResult r = onB.run(THROWS, TIMEOUT);
        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, r.outcome());
        assertTrue(r.message().contains("the load balancer refused"), r.message());
    }

    @Test
    @DisplayName("RP8 a script running past its timeout is stopped: a failure naming the timeout, not a success")
    void timeout() {
        CommandResult r = onB.run(SLOW, TIMEOUT);
        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, r.outcome());
        assertTrue(r.message().contains("still running after " + TIMEOUT), r.message());
        assertTrue(onB.run(SLOW, Duration.ofMinutes(12)).succeeded(), "the same script within a longer timeout");
    }

    @Test
    @DisplayName("RP8 a script of another VMM server's library, or none at that path, is not found: the run fails")
    void notFound() {
        CommandResult other = new PowerShellScriptRunner(sites.fabric.on(VMM_A)).run(OK, TIMEOUT);
        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, other.outcome());
        assertTrue(other.message().contains("is not recognized"), other.message());
        CommandResult missing = onB.run("\\\\vmm-b\\library\\missing.ps1", TIMEOUT);
        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, missing.outcome());
        assertTrue(sites.fabric.scriptRuns().isEmpty(), "nothing ran: " + sites.fabric.scriptRuns());
    }

    @Test
    @DisplayName("RP8 library paths ignore case as Windows' do; the run records the path as it was asked for")
    void caseInsensitive() {
        String upper = OK.toUpperCase(java.util.Locale.ROOT);
        assertTrue(onB.run(upper, TIMEOUT).succeeded());
        assertEquals(List.of(new SimulatedFabric.ScriptRun(VMM_B, upper)), sites.fabric.scriptRuns());
    }
}
