package dev.secondsite.core.testing;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.ScriptRunner;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ScriptRunner} with scripted outcomes per path, for recovery plan script actions (RP8), and a record of
 * every run.
 *
 * <p>Outcomes per path form a queue: each run takes the next one, and the last one stays for every later run. So
 * {@code fail(p, 1, "DNS down").succeed(p)} fails the first run and succeeds from the second on (a job restarted
 * after the cause was fixed, J2). A path with no outcome fails permanently as a missing script does.
 *
 * <p>How outcomes read (RP8): a script fails when it exits non-zero or writes to standard error, or when it runs
 * past its timeout (no real waiting: the run ends at once with the timeout failure). A failure is permanent and
 * carries the {@link CommandOutput.ScriptOutput} too.
 *
 * <p>Thread-safe.
 */
public final class FakeScriptRunner implements ScriptRunner {
    private final Map<String, Deque<Outcome>> outcomes = new HashMap<>();
    private final List<Run> runs = new ArrayList<>();

    /** The script at {@code path} exits 0 with no output. */
    public FakeScriptRunner succeed(String path) {
        return succeed(path, "");
    }

    /** The script at {@code path} exits 0 and writes {@code stdout}. */
    public FakeScriptRunner succeed(String path, String stdout) {
        return add(path, new Outcome(new CommandOutput.ScriptOutput(0, stdout, ""), false));
    }

    /** The script at {@code path} exits with {@code exitCode} and writes {@code stderr}. */
    public FakeScriptRunner fail(String path, int exitCode, String stderr) {
        return add(path, new Outcome(new CommandOutput.ScriptOutput(exitCode, "", stderr), false));
    }

    /** The script at {@code path} is still running at its timeout and is stopped. */
    public FakeScriptRunner exceedTimeout(String path) {
        return add(path, new Outcome(new CommandOutput.ScriptOutput(-1, "", ""), true));
    }

    private synchronized FakeScriptRunner add(String path, Outcome outcome) {
        requireNonNull(path, "path");
        outcomes.computeIfAbsent(path, p -> new ArrayDeque<>()).add(outcome);
        return this;
    }

    @Override
    public synchronized CommandResult run(String path, Duration timeout) {
        requireNonNull(path, "path");
        requireNonNull(timeout, "timeout");
        runs.add(new Run(path, timeout));
        Deque<Outcome> queue = outcomes.get(path);
        if (queue == null) {
            return CommandResult.permanentFailure("script " + path + " was not found");
        }
        Outcome outcome = queue.size() > 1 ? queue.removeFirst() : queue.getFirst();
        CommandOutput.ScriptOutput out = outcome.output();
        if (outcome.timesOut()) {
            return new CommandResult(CommandResult.Outcome.PERMANENT_FAILURE, "script " + path
                    + " was still running after " + timeout + " and was stopped", out);
        }
        if (out.exitCode() != 0 || !out.stderr().isEmpty()) {
            return new CommandResult(CommandResult.Outcome.PERMANENT_FAILURE, "script " + path + " exited "
                    + out.exitCode() + (out.stderr().isEmpty() ? "" : ": " + out.stderr()), out);
        }
        return CommandResult.succeeded("script " + path + " exited 0", out);
    }

    /** Every run, in order. */
    public synchronized List<Run> runs() {
        return List.copyOf(runs);
    }

    /** The paths run, in order. */
    public synchronized List<String> paths() {
        return runs.stream().map(Run::path).toList();
    }

    /**
     * One run of a script.
     *
     * @param path the script's path
     * @param timeout the timeout it was given
     */
    public record Run(String path, Duration timeout) {
    }

    private record Outcome(CommandOutput.ScriptOutput output, boolean timesOut) {
    }
}
