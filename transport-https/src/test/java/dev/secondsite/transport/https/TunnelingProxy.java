package dev.secondsite.transport.https;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.annotation.Nullable;

/**
 * An HTTP CONNECT proxy on loopback for tests: it answers 407 to a CONNECT without the expected Basic credentials
 * (when it expects any), otherwise connects to the asked host and port, answers 200 and copies bytes both ways. It
 * keeps the head of every CONNECT it got. Thread-safe.
 */
final class TunnelingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final @Nullable String expectedAuthorization;
    final List<String> connects = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    /** @param user the user it expects, or null for a proxy that asks no credentials */
    TunnelingProxy(@Nullable String user, @Nullable String password) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.expectedAuthorization = user == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8));
        daemon(this::acceptLoop).start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                daemon(() -> serve(s)).start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            String head = head(client.getInputStream());
            connects.add(head);
            String[] request = head.split("\r\n")[0].split(" ");
            OutputStream out = client.getOutputStream();
            if (!request[0].equals("CONNECT")) {
                out.write("HTTP/1.1 405 Method Not Allowed\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            if (expectedAuthorization != null
                    && !head.contains("\r\nProxy-Authorization: " + expectedAuthorization + "\r\n")) {
                out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                        + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            String[] target = request[1].split(":");
            try (Socket upstream = new Socket()) {
                sockets.add(upstream);
                upstream.connect(new InetSocketAddress(target[0], Integer.parseInt(target[1])), 5000);
                out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread back = daemon(() -> copy(upstream, client));
                back.start();
                copy(client, upstream);
                back.join(10_000);
            }
        } catch (IOException | RuntimeException e) {
            // the connection ends
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed before the head ended");
            }
            b.write(c);
            String s = b.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n\r\n")) {
                return s;
            }
        }
    }

    private static Thread daemon(Runnable body) {
        Thread t = new Thread(body, "test-tunneling-proxy");
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
