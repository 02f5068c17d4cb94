package dev.secondsite.hyperv;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.time.Duration;
import java.util.List;

/**
 * One run of PowerShell: the arguments after the executable, the standard input, and how long it may take.
 * The standard input may carry secrets (a remote host's password); {@link #toString()} never shows it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param arguments the command line after the executable, e.g. {@code [-NoProfile, -NonInteractive,
 *     -EncodedCommand, <base64 of the UTF-16LE script>]}
 * @param stdin written to the process's standard input, then closed (UTF-8)
 * @param timeout how long the process may run before it is killed
 */
public record PowerShellInvocation(List<String> arguments, String stdin, Duration timeout) {
    public PowerShellInvocation {
        arguments = ImmutableList.copyOf(arguments);
        requireNonNull(stdin, "stdin");
        requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    @Override
    public String toString() {
        return "PowerShellInvocation" + arguments + " (stdin " + stdin.length() + " chars, timeout " + timeout + ")";
    }
}
