package dev.secondsite.hyperv;

import static java.util.Objects.requireNonNull;

/**
 * How one PowerShell process ended.
 *
 * <p>Immutable and thread-safe.
 *
 * @param exitCode the process's exit code (meaningless when {@code timedOut})
 * @param stdout what it wrote to standard output (UTF-8)
 * @param stderr what it wrote to standard error (UTF-8)
 * @param timedOut true when it was killed at its timeout
 */
public record PowerShellResult(int exitCode, String stdout, String stderr, boolean timedOut) {
    public PowerShellResult {
        requireNonNull(stdout, "stdout");
        requireNonNull(stderr, "stderr");
    }
}
