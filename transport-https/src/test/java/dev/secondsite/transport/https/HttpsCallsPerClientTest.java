package dev.secondsite.transport.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.registration.CloudSync;
import dev.secondsite.transport.https.VaultCertificates.KeyManagerMaterial;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link HttpsLimits#maxCallsPerClient()} limits: the calls one registered server (one client certificate) has
 * under way at once, whatever connections carry them; beyond it 429 TOO_MANY_CALLS, and the refused call changes
 * nothing. Calls that end free their place.
 */
class HttpsCallsPerClientTest {
    @TempDir
    Path dir;

    private static HttpClient client(HttpsWorld world, KeyManagerMaterial key) throws Exception {
        SSLContext context = Tls.context(Tls.keyManagers(key), Tls.trusting(List.of(world.transport.caCertificate())));
        return HttpClient.newBuilder().sslContext(context).sslParameters(Tls.parameters(context))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    private static HttpResponse<String> heartbeat(HttpsWorld world, HttpClient client) throws Exception {
        return client.send(HttpRequest.newBuilder(world.transport.uri().resolve("v1/heartbeat"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"version\":1,\"providerVersion\":\"1.0\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("a server with maxCallsPerClient (2) calls under way gets 429 TOO_MANY_CALLS for a third on another "
            + "connection, and 200 again once they ended; nothing changed")
    void callsPerClient() throws Exception {
        HttpsLimits limits = HttpsWorld.QUICK.withMaxCallsPerClient(2).withPolling(Duration.ofSeconds(8),
                Duration.ofSeconds(16));
        try (HttpsWorld world = new HttpsWorld(dir, Clock.systemUTC(), limits)) {
            KeyPair pair = VaultCertificates.newKeyPair();
            Wire.RegisterRequest register = new Wire.RegisterRequest(Wire.VERSION, "vmm-a",
                    world.vault.servers().generateRegistrationKey().encoded().reveal(), null, null, CloudSync.ALL,
                    Base64.getEncoder().encodeToString(VaultCertificates.csr(pair, "vmm-a")),
                    Wire.inventory(world.primary));
            HttpResponse<byte[]> registered = client(world, null).send(HttpRequest.newBuilder(world.transport.uri()
                    .resolve("v1/register")).POST(HttpRequest.BodyPublishers.ofByteArray(Wire.write(register)))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, registered.statusCode());
            Wire.RegisterResponse answer = Wire.read(registered.body(), Wire.RegisterResponse.class);
            X509Certificate certificate = VaultCertificates.certificate(Base64.getDecoder()
                    .decode(answer.clientCertificate()));
            HttpClient client = client(world, new KeyManagerMaterial(pair.getPrivate(),
                    new X509Certificate[] {certificate}));

            // three polls at once: each waits 8 s on the vault, so the third arrives while two are under way
            List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                polls.add(client.sendAsync(HttpRequest.newBuilder(world.transport.uri()
                        .resolve("v1/commands?waitMillis=8000")).GET().build(), HttpResponse.BodyHandlers.ofString()));
            }
            List<Integer> statuses = new ArrayList<>();
            String refusal = "";
            for (CompletableFuture<HttpResponse<String>> poll : polls) {
                HttpResponse<String> r = poll.get(60, TimeUnit.SECONDS);
                statuses.add(r.statusCode());
                if (r.statusCode() == 429) {
                    refusal = r.body();
                }
            }
            statuses.sort(null);
            assertEquals(List.of(200, 200, 429), statuses);
            assertTrue(refusal.contains("\"TOO_MANY_CALLS\"") && refusal.contains("vmm-a"), refusal);
            assertEquals(200, heartbeat(world, client).statusCode());
            assertEquals(1, world.vault.servers().list().size());
        }
    }
}
