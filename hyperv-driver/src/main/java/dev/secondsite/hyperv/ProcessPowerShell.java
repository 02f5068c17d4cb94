package dev.secondsite.hyperv;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs PowerShell as a local process: {@code powershell.exe} (Windows PowerShell 5.1) or {@code pwsh} (PowerShell
 * 7), or any executable at a configured path. Standard input is written and closed, standard output and error are
 * read at the same time (so neither pipe can fill and block the process), and a process still running at its
 * timeout is killed together with every process it started (which would otherwise keep the pipes open).
 *
 * <p>The command line holds only the invocation's arguments (the driver's are fixed flags and the encoded script);
 * values and credentials travel on standard input, which is never logged.
 *
 * <p>Thread-safe: each run has its own process; the pipe threads come from a shared pool of daemon threads.
 */
public final class ProcessPowerShell implements PowerShell {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessPowerShell.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ThreadFactory DAEMONS = r -> {
        Thread t = new Thread(r, "secondsite-powershell-io-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    };
    // pipe copying blocks on I/O only; a cached pool grows with the number of processes running at once
    private static final ExecutorService PIPES = Executors.newCachedThreadPool(DAEMONS);
    /** How long the pipes may take to drain once the process (and its children) ended or were killed. */
    private static final long DRAIN_SECONDS = 10;

    private final String executable;

    /**
     * @param executable the program to start, e.g. {@code powershell.exe}, {@code pwsh} or a full path
     */
    public ProcessPowerShell(String executable) {
        requireNonNull(executable, "executable");
        if (executable.isBlank()) {
            throw new IllegalArgumentException("executable must not be blank");
        }
        this.executable = executable;
    }

    /** The program this runner starts. */
    public String executable() {
        return executable;
    }

    @Override
    public PowerShellResult run(PowerShellInvocation invocation) throws InterruptedException {
        List<String> command = new ArrayList<>(invocation.arguments().size() + 1);
        command.add(executable);
        command.addAll(invocation.arguments());
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + executable + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()), PIPES);
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()), PIPES);
        byte[] input = invocation.stdin().getBytes(StandardCharsets.UTF_8);
        CompletableFuture<Void> stdin = CompletableFuture.runAsync(() -> feed(process.getOutputStream(), input), PIPES);
        boolean finished;
        try {
            finished = process.waitFor(invocation.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            killTree(process);
            throw e;
        }
        if (!finished) {
            LOG.debug("{} ran longer than {}; killing it and its children", executable, invocation.timeout());
            killTree(process);
        }
        int exitCode = finished ? process.exitValue() : -1;
        stdin.cancel(true);
        return new PowerShellResult(exitCode, await(stdout), await(stderr), !finished);
    }

    /** The children first: once the parent is gone they are no longer its descendants and cannot be found. */
    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            // the stream closes when the process is killed; what was read so far is all there is
            return "";
        }
    }

    private static void feed(OutputStream out, byte[] input) {
        try (out) {
            out.write(input);
        } catch (IOException e) {
            // a process that exits without reading its input closes the pipe; its exit code tells the story
            LOG.trace("standard input not fully written: {}", e.getMessage());
        }
    }

    private static String await(CompletableFuture<String> pipe) throws InterruptedException {
        try {
            return pipe.get(DRAIN_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return "";
        }
    }

    @Override
    public String toString() {
        return "ProcessPowerShell[" + executable + "]";
    }
}
