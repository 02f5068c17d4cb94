package dev.secondsite.transport.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.Secret;
import dev.secondsite.core.registration.ProxySettings;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProxyCheckTest {
    static final String PROXY_PASSWORD = "Pr0xy-S3cret!";

    /** A tiny HTTP CONNECT proxy on loopback that answers one CONNECT: 200 for the right credentials, else 407. */
    private static ServerSocket proxy(AtomicReference<String> seen) throws Exception {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    int c = in.read();
                    if (c < 0) {
                        return;
                    }
                    head.append((char) c);
                }
                seen.set(head.toString());
                String expected = "Basic " + Base64.getEncoder().encodeToString(("svc:" + PROXY_PASSWORD)
                        .getBytes(StandardCharsets.UTF_8));
                boolean ok = head.toString().contains("Proxy-Authorization: " + expected + "\r\n");
                OutputStream out = s.getOutputStream();
                out.write((ok ? "HTTP/1.1 200 Connection established\r\n\r\n"
                        : "HTTP/1.1 407 Proxy Authentication Required\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (Exception e) {
                // the test sees the missing answer
            }
        }, "test-proxy");
        t.setDaemon(true);
        t.start();
        return server;
    }

    private static final HttpProxyConnectivityCheck CHECK = new HttpProxyConnectivityCheck("vault.contoso.local",
            8443, Duration.ofSeconds(2));

    @Test
    @DisplayName("R1 a proxy that opens the tunnel with the user and password passes the check")
    void proxyAnswers() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        try (ServerSocket server = proxy(seen)) {
            Optional<String> result = CHECK.check(ProxySettings.builder("127.0.0.1", server.getLocalPort())
                    .user("svc").password(Secret.of(PROXY_PASSWORD)).build());
            assertEquals(Optional.empty(), result);
            assertTrue(seen.get().startsWith("CONNECT vault.contoso.local:8443 HTTP/1.1"), seen.get());
        }
    }

    @Test
    @DisplayName("R1 a proxy that refuses the credentials fails the check naming 407, never the password")
    void proxyRefusesCredentials() throws Exception {
        try (ServerSocket server = proxy(new AtomicReference<>())) {
            Optional<String> result = CHECK.check(ProxySettings.builder("127.0.0.1", server.getLocalPort())
                    .user("svc").password(Secret.of("wrong-" + PROXY_PASSWORD)).build());
            assertTrue(result.orElseThrow().contains("407"), result.get());
            assertFalse(result.get().contains(PROXY_PASSWORD));
        }
    }

    @Test
    @DisplayName("R1 a proxy that does not answer fails the check with a clear error")
    void proxySilent() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        Optional<String> refused = CHECK.check(ProxySettings.builder("127.0.0.1", port).build());
        assertTrue(refused.orElseThrow().contains("cannot be reached"), refused.get());
        try (ServerSocket mute = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Optional<String> silent = CHECK.check(ProxySettings.builder("127.0.0.1", mute.getLocalPort()).build());
            assertTrue(silent.orElseThrow().contains("did not answer"), silent.get());
        }
    }

    @Test
    @DisplayName("R1 registering through a proxy that does not answer is refused with PROXY_UNREACHABLE before anything is sent")
    void registrationThroughDeadProxy(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        try (HttpsWorld world = new HttpsWorld(dir)) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.secondsite.core.registration.RegistrationRefusedException.class, () -> world.siteA.register(
                            world.vault.servers().generateRegistrationKey().encoded(),
                            dev.secondsite.core.provider.RegistrationOptions.defaults().withProxy(ProxySettings
                                    .builder("127.0.0.1", port).user("svc").password(Secret.of(PROXY_PASSWORD))
                                    .build())));
            assertEquals(dev.secondsite.core.registration.RegistrationRefusedException.Reason.PROXY_UNREACHABLE,
                    e.reason());
            assertFalse(e.getMessage().contains(PROXY_PASSWORD));
            assertTrue(world.vault.servers().list().isEmpty());
        }
    }
}
