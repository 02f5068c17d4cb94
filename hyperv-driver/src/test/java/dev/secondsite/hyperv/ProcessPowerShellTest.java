package dev.secondsite.hyperv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The process runner with /bin/sh standing in for PowerShell: the same pipes, exit codes and timeouts. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class ProcessPowerShellTest {
    private final ProcessPowerShell sh = new ProcessPowerShell("/bin/sh");

    private PowerShellResult run(String script, String stdin, Duration timeout) throws InterruptedException {
        return sh.run(new PowerShellInvocation(List.of("-c", script), stdin, timeout));
    }

    @Test
    @DisplayName("exit code, standard output and standard error are captured separately")
    void captures() throws InterruptedException {
        PowerShellResult result = run("echo out; echo err >&2; exit 3", "", Duration.ofSeconds(30));
        assertEquals(new PowerShellResult(3, "out\n", "err\n", false), result);
    }

    @Test
    @DisplayName("standard input is delivered whole (UTF-8) and then closed")
    void stdinDelivered() throws InterruptedException {
        String input = "{\"ArgumentList\":[\"web-01 \u00e9\u2018\"]}";
        PowerShellResult result = run("cat", input, Duration.ofSeconds(30));
        assertEquals(0, result.exitCode());
        assertEquals(input, result.stdout());
    }

    @Test
    @DisplayName("large output on both streams at once does not block the process")
    void bothStreamsDrained() throws InterruptedException {
        PowerShellResult result = run("i=0; while [ $i -lt 20000 ]; do echo 0123456789012345678901234567890123456789;"
                + " echo 0123456789012345678901234567890123456789 >&2; i=$((i+1)); done", "", Duration.ofSeconds(60));
        assertFalse(result.timedOut());
        assertEquals(20000 * 41, result.stdout().length());
        assertEquals(20000 * 41, result.stderr().length());
    }

    @Test
    @DisplayName("a run past its timeout is killed with the child process it started, and reported timed out")
    void timeoutKillsTree() throws Exception {
        // the child's pid comes first on stdout; then the shell waits for a child that would run for 10 minutes
        PowerShellResult result = run("sleep 600 & echo $!; wait", "", Duration.ofMillis(500));
        assertTrue(result.timedOut());
        long child = Long.parseLong(result.stdout().strip());
        ProcessHandle handle = ProcessHandle.of(child).orElse(null);
        if (handle != null) {
            handle.onExit().get(10, TimeUnit.SECONDS);
            assertFalse(handle.isAlive(), "the child was killed too");
        }
    }

    @Test
    @DisplayName("an executable that does not exist cannot be started: UncheckedIOException naming it")
    void missingExecutable() {
        ProcessPowerShell missing = new ProcessPowerShell("/nonexistent/pwsh");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> missing.run(
                new PowerShellInvocation(List.of("-NoProfile"), "", Duration.ofSeconds(5))));
        assertTrue(e.getMessage().contains("/nonexistent/pwsh"), e.getMessage());
    }
}
