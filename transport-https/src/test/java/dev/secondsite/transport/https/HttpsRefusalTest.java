package dev.secondsite.transport.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.Secret;
import dev.secondsite.core.provider.RegistrationOptions;
import dev.secondsite.core.registration.RegistrationRefusedException;
import dev.secondsite.core.registration.RegistrationRefusedException.Reason;
import dev.secondsite.core.testing.MutableClock;
import dev.secondsite.core.vault.RegistrationKey;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every refusal names its reason and changes nothing (K1, R6, the protocol's limits). */
class HttpsRefusalTest {
    @TempDir
    Path dir;
    private MutableClock clock;
    private HttpsWorld world;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(Instant.now());
        world = new HttpsWorld(dir, clock);
    }

    @AfterEach
    void tearDown() {
        world.close();
    }

    private RegistrationRefusedException refusedA(Secret key) {
        RegistrationRefusedException e = assertThrows(RegistrationRefusedException.class, () ->
                world.siteA.register(key, RegistrationOptions.defaults()));
        assertTrue(world.vault.servers().list().isEmpty(), "nothing registered");
        assertTrue(world.linkA.clientCertificate().isEmpty(), "no certificate kept");
        return e;
    }

    @Test
    @DisplayName("K1 over HTTPS an expired key (fixed clock, 5 days) is refused with KEY_EXPIRED; nothing registered")
    void expiredKey() {
        RegistrationKey key = world.vault.servers().generateRegistrationKey();
        clock.advance(Duration.ofDays(5));
        assertEquals(Reason.KEY_EXPIRED, refusedA(key.encoded()).reason());
    }

    @Test
    @DisplayName("K1 over HTTPS a tampered key is refused with KEY_TAMPERED; nothing registered")
    void tamperedKey() {
        String text = world.vault.servers().generateRegistrationKey().encoded().reveal();
        String[] parts = text.split("\\.");
        String sig = parts[2];
        char c = sig.charAt(0) == 'A' ? 'B' : 'A';
        String tampered = parts[0] + "." + parts[1] + "." + c + sig.substring(1);
        assertEquals(Reason.KEY_TAMPERED, refusedA(Secret.of(tampered)).reason());
    }

    @Test
    @DisplayName("K1 over HTTPS a key of another vault is refused with KEY_FOREIGN; nothing registered")
    void foreignKey() {
        try (Vault other = Vault.create(VaultOptions.builder("Other", "westeurope").transport(
                dev.secondsite.core.transport.local.LocalTransport.create()).build())) {
            assertEquals(Reason.KEY_FOREIGN, refusedA(other.servers().generateRegistrationKey().encoded()).reason());
        }
    }

    @Test
    @DisplayName("K1 over HTTPS a revoked key is refused with KEY_REVOKED; nothing registered")
    void revokedKey() {
        RegistrationKey key = world.vault.servers().generateRegistrationKey();
        world.vault.servers().revokeRegistrationKey(key.keyId());
        assertEquals(Reason.KEY_REVOKED, refusedA(key.encoded()).reason());
    }

    @Test
    @DisplayName("K1 over HTTPS a second registration under a name already registered is refused with NAME_TAKEN")
    void nameTaken() {
        RegistrationKey key = world.vault.servers().generateRegistrationKey();
        world.siteA.register(key.encoded(), RegistrationOptions.defaults());
        dev.secondsite.core.provider.Provider sameName = dev.secondsite.core.provider.Provider
                .builder("vmm-a", () -> world.recovery).hostDriver(world.hosts).vaultLink(world.linkB).build();
        RegistrationRefusedException e = assertThrows(RegistrationRefusedException.class, () ->
                sameName.register(key.encoded(), RegistrationOptions.defaults()));
        assertEquals(Reason.NAME_TAKEN, e.reason());
        assertEquals(1, world.vault.servers().list().size());
        sameName.close();
    }

    @Test
    @DisplayName("R6 R7 a removed server's certificate is refused at once (403 UNKNOWN_CERTIFICATE)")
    void removedServer() {
        world.siteA.register(world.vault.servers().generateRegistrationKey().encoded(), RegistrationOptions.defaults());
        world.siteA.sync();
        world.vault.servers().unregister("vmm-a");
        VaultCallException e = assertThrows(VaultCallException.class, () -> world.siteA.sync());
        assertEquals(403, e.status());
        assertEquals("UNKNOWN_CERTIFICATE", e.error());
        assertTrue(world.vault.servers().list().isEmpty());
    }

    private HttpClient client(VaultCertificates.KeyManagerMaterial key) throws Exception {
        SSLContext context = Tls.context(Tls.keyManagers(key), Tls.trusting(List.of(world.transport.caCertificate())));
        return HttpClient.newBuilder().sslContext(context).sslParameters(Tls.parameters(context)).build();
    }

    private HttpResponse<String> post(HttpClient client, String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(world.transport.uri().resolve(path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("R6 a call without a client certificate gets 401 NO_CLIENT_CERTIFICATE with a JSON body")
    void noClientCertificate() throws Exception {
        HttpResponse<String> r = post(client(null), "v1/sync", "{}");
        assertEquals(401, r.statusCode());
        assertTrue(r.body().contains("NO_CLIENT_CERTIFICATE"), r.body());
    }

    @Test
    @DisplayName("R6 a certificate of another vault's CA gets 403 FOREIGN_CERTIFICATE")
    void foreignCa() throws Exception {
        VaultCertificates other = VaultCertificates.generate("other");
        KeyPair pair = VaultCertificates.newKeyPair();
        X509Certificate cert = other.signClient(VaultCertificates.csr(pair, "x"), "vmm-a", "x", "no key");
        HttpResponse<String> r = post(client(new VaultCertificates.KeyManagerMaterial(pair.getPrivate(),
                new X509Certificate[] {cert})), "v1/heartbeat", "{\"version\":1,\"providerVersion\":\"1\"}");
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("FOREIGN_CERTIFICATE"), r.body());
    }

    @Test
    @DisplayName("a malformed body, an oversized body and a wrong protocol version get 400/413 with a JSON error; nothing registered")
    void malformedOversizedWrongVersion() throws Exception {
        HttpClient plain = client(null);
        HttpResponse<String> malformed = post(plain, "v1/register", "{\"version\":1,");
        assertEquals(400, malformed.statusCode());
        assertTrue(malformed.body().contains("\"MALFORMED\""), malformed.body());
        String big = rawAnswer("POST /v1/register HTTP/1.1\r\nHost: x\r\nContent-Length: " + ((1 << 20) + 1)
                + "\r\n\r\n{");
        assertTrue(big.startsWith("HTTP/1.1 413"), big);
        assertTrue(big.contains("BODY_TOO_LARGE"), big);
        HttpResponse<String> v2 = post(plain, "v2/register", "{}");
        assertEquals(400, v2.statusCode());
        assertTrue(v2.body().contains("UNSUPPORTED_VERSION"), v2.body());
        String key = world.vault.servers().generateRegistrationKey().encoded().reveal();
        HttpResponse<String> bodyV2 = post(plain, "v1/register", "{\"version\":2,\"friendlyName\":\"vmm-a\","
                + "\"registrationKey\":\"" + key + "\",\"cloudSync\":\"ALL\",\"csr\":\"\",\"inventory\":"
                + new String(Wire.write(Wire.inventory(world.primary)), StandardCharsets.UTF_8) + "}");
        assertEquals(400, bodyV2.statusCode());
        assertTrue(bodyV2.body().contains("UNSUPPORTED_VERSION"), bodyV2.body());
        assertTrue(world.vault.servers().list().isEmpty());
    }

    /** Sends {@code head} over TLS and then nothing more; returns the vault's answer (headers and JSON body). */
    private String rawAnswer(String head) throws Exception {
        SSLContext context = Tls.context(null, Tls.trusting(List.of(world.transport.caCertificate())));
        URI uri = world.transport.uri();
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(uri.getHost(), uri.getPort())) {
            socket.setEnabledProtocols(Tls.PROTOCOLS);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder text = new StringBuilder();
            int contentLength = -1;
            String line;
            while (!(line = readLine(in)).isEmpty()) {
                text.append(line).append('\n');
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    contentLength = Integer.parseInt(line.substring(15).trim());
                }
            }
            text.append('\n').append(new String(in.readNBytes(Math.max(0, contentLength)), StandardCharsets.UTF_8));
            return text.toString();
        }
    }

    private static String readLine(InputStream in) throws java.io.IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Test
    @DisplayName("a slow request (slowloris: a body that never comes) gets 408 with a JSON error; nothing registered")
    void slowloris() throws Exception {
        // one byte of a declared 1000, then silence: the vault answers within its request timeout (6 s)
        String answer = rawAnswer("POST /v1/register HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{");
        assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
        assertTrue(answer.contains("REQUEST_TIMEOUT"), answer);
        assertTrue(world.vault.servers().list().isEmpty());
    }
}
