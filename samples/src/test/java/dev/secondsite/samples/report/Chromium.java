package dev.secondsite.samples.report;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless {@code chromium}, run as the issue prescribes, behind a trap proxy: a local socket that Chromium
 * must send every http and https request to (for https a {@code CONNECT host:443}), which records each request's
 * first line and closes. A page that loads nothing from the network leaves the trap empty except for Chromium's own
 * service calls. Test helper.
 */
final class Chromium implements AutoCloseable {
    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/local/bin/chromium",
            "/snap/bin/chromium");

    private final String executable;
    private final ServerSocket trap;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private Chromium(String executable) throws IOException {
        this.executable = executable;
        this.trap = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "chromium-trap-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Chromium with a trap proxy, or empty when no {@code chromium} executable is installed. */
    static Optional<Chromium> find() throws IOException {
        for (String candidate : CANDIDATES) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Optional.of(new Chromium(candidate));
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path exe = Path.of(dir, "chromium");
                if (Files.isExecutable(exe)) {
                    return Optional.of(new Chromium(exe.toString()));
                }
            }
        }
        return Optional.empty();
    }

    /** The first line of every request the trap received so far, e.g. {@code CONNECT cdn.example.com:443 HTTP/1.1}. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    /** The host of a trapped request line (absolute-form GET or CONNECT authority). */
    static String host(String requestLine) {
        String[] parts = requestLine.split(" ");
        String target = parts.length > 1 ? parts[1] : requestLine;
        target = target.replaceFirst("^[a-z]+://", "");
        int end = target.length();
        for (char stop : new char[] {'/', ':', '?'}) {
            int at = target.indexOf(stop);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return target.substring(0, end);
    }

    /**
     * Renders {@code page} and writes a screenshot to {@code png}, every request going to the trap.
     *
     * @throws IOException when Chromium fails, or takes more than two minutes
     */
    void screenshot(Path page, Path png, int width, int height, Path workDir) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(workDir, "chromium-profile");
        List<String> command = new ArrayList<>(List.of(executable, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile,
                "--proxy-server=http://127.0.0.1:" + trap.getLocalPort(),
                // loopback too goes to the trap: nothing but the file itself may load
                "--proxy-bypass-list=<-loopback>",
                "--screenshot=" + png, "--window-size=" + width + "," + height, page.toUri().toString()));
        Path log = workDir.resolve("chromium-" + System.nanoTime() + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IOException("chromium did not finish within 2 minutes: " + Files.readString(log));
        }
        if (process.exitValue() != 0 || !Files.exists(png)) {
            throw new IOException("chromium exited with " + process.exitValue() + ": " + Files.readString(log));
        }
    }

    private void accept() {
        while (!trap.isClosed()) {
            try (Socket socket = trap.accept()) {
                socket.setSoTimeout(5_000);
                requests.add(firstLine(socket.getInputStream()));
            } catch (IOException e) {
                if (!trap.isClosed()) {
                    requests.add("unreadable request: " + e);
                }
            }
        }
    }

    private static String firstLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n' && line.length() < 2_000) {
            line.append((char) c);
        }
        return line.toString().strip();
    }

    @Override
    public void close() throws IOException {
        trap.close();
    }
}
