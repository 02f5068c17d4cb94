package dev.secondsite.core.spi;

import java.time.Duration;

/**
 * Runs a recovery plan's script action on a site's VMM server (RP8). A script fails when it exits non-zero or
 * writes to standard error; one still running at its timeout is stopped and fails.
 *
 * <p>Implementations must be thread-safe.
 */
public interface ScriptRunner {
    /**
     * @param path the script's path
     * @param timeout how long it may run
     * @return succeeded with {@link CommandOutput.ScriptOutput}, or a failure result saying why
     */
    CommandResult run(String path, Duration timeout);
}
