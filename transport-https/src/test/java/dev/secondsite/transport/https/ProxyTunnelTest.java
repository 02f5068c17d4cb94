package dev.secondsite.transport.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.Secret;
import dev.secondsite.core.provider.RegistrationOptions;
import dev.secondsite.core.registration.ProxySettings;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.testing.CapturingLogs;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** R1, T2: the provider's calls go through the configured proxy's CONNECT tunnel, with Basic credentials if given. */
class ProxyTunnelTest {
    private static final String PASSWORD = ProxyCheckTest.PROXY_PASSWORD;

    @TempDir
    Path dir;

    /** Registers site A through {@code proxy}, connects it, and runs one command round trip from the vault. */
    private static CommandResult registerAndRoundTrip(HttpsWorld world, ProxySettings proxy) throws Exception {
        world.siteA.register(world.vault.servers().generateRegistrationKey().encoded(),
                RegistrationOptions.defaults().withProxy(proxy));
        world.siteA.connect();
        CommandRequest status = new CommandRequest("proxy-1", "vmm-a", "hv1-a.contoso.local",
                new HostCommand.GetReplicationStatus("vm-1", "web-01"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!world.transport.isConnected("vmm-a") && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // until its first poll reaches the vault
        }
        return world.transport.send(status).get(30, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("R1 T2 with a proxy user, registration and a command round trip go through the proxy's CONNECT "
            + "tunnel with Basic credentials, and the JVM's tunneling settings stay untouched")
    void throughProxyWithCredentials() throws Exception {
        String before = System.getProperty("jdk.http.auth.tunneling.disabledSchemes");
        try (TunnelingProxy proxy = new TunnelingProxy("svc", PASSWORD); HttpsWorld world = new HttpsWorld(dir)) {
            ProxySettings settings = ProxySettings.builder("127.0.0.1", proxy.port()).user("svc")
                    .password(Secret.of(PASSWORD)).build();
            CommandResult result = registerAndRoundTrip(world, settings);

            assertNotNull(result.outcome());
            assertEquals(List.of("vmm-a"), world.vault.servers().list().stream().map(s -> s.serverId()).toList());
            String target = "CONNECT 127.0.0.1:" + world.transport.address().getPort() + " HTTP/1.1\r\n";
            // the connectivity check, the registration, and the connection's poll/results/heartbeat calls
            assertTrue(proxy.connects.size() >= 3, proxy.connects.toString());
            for (String head : proxy.connects) {
                assertTrue(head.startsWith(target), head);
                assertTrue(head.contains("\r\nProxy-Authorization: Basic "), head);
            }
            assertEquals(before, System.getProperty("jdk.http.auth.tunneling.disabledSchemes"));
            assertFalse(CapturingLogs.allText().contains(PASSWORD), "the proxy password was logged");
        }
    }

    @Test
    @DisplayName("R1 T2 without a proxy user, registration and a command round trip go through the proxy's CONNECT "
            + "tunnel with no credentials")
    void throughProxyWithoutCredentials() throws Exception {
        try (TunnelingProxy proxy = new TunnelingProxy(null, null); HttpsWorld world = new HttpsWorld(dir)) {
            CommandResult result = registerAndRoundTrip(world, ProxySettings.builder("127.0.0.1", proxy.port())
                    .build());

            assertNotNull(result.outcome());
            assertTrue(proxy.connects.size() >= 3, proxy.connects.toString());
            for (String head : proxy.connects) {
                assertTrue(head.startsWith("CONNECT 127.0.0.1:" + world.transport.address().getPort() + " "), head);
                assertFalse(head.contains("Proxy-Authorization"), head);
            }
        }
    }

    @Test
    @DisplayName("R1 the link's proxy relay tunnels to its vault only: a CONNECT elsewhere is answered 403 and never "
            + "reaches the proxy")
    void relayRefusesOtherTargets() throws Exception {
        try (TunnelingProxy proxy = new TunnelingProxy("svc", PASSWORD);
             ProxyTunnel relay = ProxyTunnel.start(ProxySettings.builder("127.0.0.1", proxy.port()).user("svc")
                     .password(Secret.of(PASSWORD)).build(), java.util.Set.of("vault.contoso.local:8443"));
             Socket s = new Socket(relay.address().getAddress(), relay.address().getPort())) {
            OutputStream out = s.getOutputStream();
            out.write("CONNECT mail.contoso.local:25 HTTP/1.1\r\nHost: mail.contoso.local:25\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);

            assertTrue(answer.startsWith("HTTP/1.1 403 "), answer);
            assertTrue(proxy.connects.isEmpty(), proxy.connects.toString());
        }
    }

    @Test
    @DisplayName("R1 a proxy that refuses the credentials stops the registration (PROXY_UNREACHABLE naming 407); "
            + "nothing is registered")
    void wrongPassword() throws Exception {
        try (TunnelingProxy proxy = new TunnelingProxy("svc", PASSWORD); HttpsWorld world = new HttpsWorld(dir)) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.secondsite.core.registration.RegistrationRefusedException.class,
                    () -> world.siteA.register(world.vault.servers().generateRegistrationKey().encoded(),
                            RegistrationOptions.defaults().withProxy(ProxySettings.builder("127.0.0.1", proxy.port())
                                    .user("svc").password(Secret.of("not-" + PASSWORD)).build())));
            assertTrue(e.getMessage().contains("407"), e.getMessage());
            assertTrue(world.vault.servers().list().isEmpty());
            assertNull(world.linkA.clientCertificate().orElse(null));
        }
    }
}
