package dev.secondsite.transport.https;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits on request headers: their size and number (the JDK server's own bounds) and the time to receive them (the
 * transport's request timeout, {@link HttpsLimits#requestTimeout()}). Each refused request changes nothing.
 */
class HttpsHeaderLimitsTest {
    @TempDir
    Path dir;
    private HttpsWorld world;

    @BeforeEach
    void setUp() {
        world = new HttpsWorld(dir);
    }

    @AfterEach
    void tearDown() {
        world.close();
    }

    /** A valid registration head, with {@code extra} header lines, and a body that never comes. */
    private static String registerHead(String extra) {
        return "POST /v1/register HTTP/1.1\r\nHost: x\r\n" + extra + "Content-Length: 10\r\n\r\n";
    }

    /**
     * Writes {@code bytes} over TLS (then, unless {@code complete}, stays silent) and returns what the vault
     * answered before it closed the connection: its status line, or "" when it closed without answering.
     */
    private String exchange(String text, long waitMillis) throws Exception {
        SSLContext context = Tls.context(null, Tls.trusting(List.of(world.transport.caCertificate())));
        URI uri = world.transport.uri();
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(uri.getHost(), uri.getPort())) {
            socket.setEnabledProtocols(Tls.PROTOCOLS);
            socket.setSoTimeout((int) waitMillis);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(text.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                return ""; // the vault closed the connection while the head was still being written
            }
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            try {
                int c;
                while ((c = in.read()) >= 0 && c != '\n') {
                    line.append((char) c);
                }
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("the vault neither answered nor closed within " + waitMillis + " ms", e);
            } catch (IOException e) {
                return line.toString().trim(); // reset by the vault
            }
            return line.toString().trim();
        }
    }

    private static boolean refused(String status) {
        return status.isEmpty() || status.matches("HTTP/1\\.1 4\\d\\d .*");
    }

    @Test
    @DisplayName("a request with one 1 MiB header gets a 4xx or a closed connection; nothing registered")
    void oversizedHeader() throws Exception {
        String status = exchange(registerHead("X-Pad: " + "a".repeat(1 << 20) + "\r\n"), 30_000);
        assertTrue(refused(status), status);
        assertTrue(world.vault.servers().list().isEmpty());
    }

    @Test
    @DisplayName("a request with 1,000 headers gets a 4xx or a closed connection; nothing registered")
    void tooManyHeaders() throws Exception {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            headers.append("X-H").append(i).append(": v\r\n");
        }
        String status = exchange(registerHead(headers.toString()), 30_000);
        assertTrue(refused(status), status);
        assertTrue(world.vault.servers().list().isEmpty());
    }

    @Test
    @DisplayName("slow headers (slowloris: a head that never ends) get the connection closed within the request "
            + "timeout; nothing registered")
    void slowHeaders() throws Exception {
        long start = System.nanoTime();
        String status = exchange("POST /v1/register HTTP/1.1\r\nHost: x\r\nX-Slow: ", 20_000);
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(refused(status), status);
        // the request timeout of HttpsWorld.QUICK is 6 s: closed well before the 20 s this client would wait
        assertTrue(tookMillis < 15_000, "closed after " + tookMillis + " ms");
        assertTrue(world.vault.servers().list().isEmpty());
    }
}
