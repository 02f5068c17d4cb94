package dev.secondsite.hyperv;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.ScriptRunner;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a recovery plan's script action (RP8) on the VMM server through the same {@link PowerShell} runner as the
 * driver: a fixed script that calls the file whose path arrives on standard input (never in the script text or on
 * the command line). The script fails when it exits non-zero, writes anything to standard error, or is still
 * running at its timeout (then it is killed with its children); every failure is permanent (a planned failover
 * stops at it, an unplanned one goes on) and carries what the script wrote.
 *
 * <p>Thread-safe when its runner is.
 */
public final class PowerShellScriptRunner implements ScriptRunner {
    private static final Logger LOG = LoggerFactory.getLogger(PowerShellScriptRunner.class);

    private final PowerShell powerShell;

    public PowerShellScriptRunner(PowerShell powerShell) {
        this.powerShell = requireNonNull(powerShell, "powerShell");
    }

    @Override
    public CommandResult run(String path, Duration timeout) {
        String what = "RunScript " + path;
        try {
            PowerShellResult result = powerShell.run(new PowerShellInvocation(Scripts.RUN_SCRIPT.arguments(),
                    Stdin.ofFields(List.of("Path"), List.of(path)), timeout));
            CommandOutput.ScriptOutput output = new CommandOutput.ScriptOutput(result.exitCode(), result.stdout(),
                    result.stderr());
            if (result.timedOut()) {
                return failed(output, "RP8: " + what + " was still running after " + timeout + " and was stopped");
            }
            if (result.exitCode() != 0) {
                return failed(output, "RP8: " + what + " exited " + result.exitCode() + errorText(result));
            }
            if (!result.stderr().isBlank()) {
                return failed(output, "RP8: " + what + " wrote to standard error" + errorText(result));
            }
            LOG.debug("{} succeeded", what);
            return CommandResult.succeeded(what + ": succeeded", output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CommandResult.transientFailure(what + ": interrupted while it ran");
        } catch (RuntimeException e) {
            // ScriptRunner's contract: a result, never an exception (a runner that cannot start, a bad timeout)
            return CommandResult.permanentFailure(what + ": could not be run: " + e.getMessage());
        }
    }

    private static CommandResult failed(CommandOutput.ScriptOutput output, String message) {
        LOG.debug("{}", message);
        return new CommandResult(CommandResult.Outcome.PERMANENT_FAILURE, message, output);
    }

    private static String errorText(PowerShellResult result) {
        String err = result.stderr().strip();
        if (err.isEmpty()) {
            return "";
        }
        return ": " + (err.length() <= 1000 ? err : err.substring(0, 1000) + "...");
    }

    @Override
    public String toString() {
        return "PowerShellScriptRunner[" + powerShell + "]";
    }
}
