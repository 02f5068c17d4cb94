package dev.secondsite.hyperv;

/**
 * Starts one PowerShell process and waits for it: the seam between the driver, which builds scripts, and what runs
 * them. The real implementation starts {@code powershell.exe} or {@code pwsh}; the simulated Hyper-V fabric
 * ({@code dev.secondsite.hyperv.sim}) implements the same interface by decoding the very command line the driver
 * built, parsing the script and running it against its in-memory model. Both see exactly the same inputs: the
 * arguments after the executable (e.g. {@code -NoProfile -NonInteractive -EncodedCommand <base64>}) and the text
 * written to standard input (where the driver passes values as data, never inside the script).
 *
 * <p>Implementations must be thread-safe: the driver runs several commands at once.
 */
public interface PowerShell {
    /**
     * Runs one invocation to its end or its timeout.
     *
     * @return the exit code and what the process wrote; a process still running at the invocation's timeout is
     *     killed (with its children) and answered with {@link PowerShellResult#timedOut()} true
     * @throws InterruptedException when the calling thread is interrupted while waiting (the process is killed)
     * @throws java.io.UncheckedIOException when the process cannot be started at all
     */
    PowerShellResult run(PowerShellInvocation invocation) throws InterruptedException;
}
