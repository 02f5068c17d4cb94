package dev.secondsite.transport.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.provider.RegistrationOptions;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.SiteUnreachableException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.annotation.Nullable;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A vault instance that stands by (issue 13): every call is answered 503 NOT_ACTIVE naming the active instance. */
class HttpsStandbyTest {
    private static final URI ACTIVE = URI.create("https://vault-b.contoso.local:8443/");

    @TempDir
    Path dir;

    private static HttpClient client(HttpsWorld world, @Nullable VaultCertificates.KeyManagerMaterial key)
            throws Exception {
        SSLContext context = Tls.context(Tls.keyManagers(key), Tls.trusting(List.of(world.transport.caCertificate())));
        return HttpClient.newBuilder().sslContext(context).sslParameters(Tls.parameters(context)).build();
    }

    private static HttpRequest request(HttpsWorld world, String method, String path, String body) {
        return HttpRequest.newBuilder(world.transport.uri().resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** Asserts a 503 NOT_ACTIVE answer naming {@code active} (or no instance) and returns its error body. */
    private static Wire.ErrorBody assertNotActive(HttpResponse<String> r, @Nullable URI active, String what) {
        assertEquals(503, r.statusCode(), what + ": " + r.body());
        Wire.ErrorBody error = Wire.read(r.body().getBytes(StandardCharsets.UTF_8), Wire.ErrorBody.class);
        assertEquals("NOT_ACTIVE", error.error(), what);
        assertEquals(Wire.VERSION, error.version(), what);
        if (active != null) {
            assertEquals(active.toString(), error.active(), what);
            assertTrue(error.message().contains("the active instance is " + active), what + ": " + error.message());
        } else {
            assertNull(error.active(), what);
            assertFalse(r.body().contains("\"active\""), what + ": " + r.body());
            assertTrue(error.message().contains("no instance is active now"), what + ": " + error.message());
        }
        return error;
    }

    @Test
    @DisplayName("issue 13 a standby instance answers every endpoint (unknown paths too) 503 NOT_ACTIVE naming the "
            + "active instance, or saying none is active when it is unknown; nothing is registered")
    void everyEndpointAnswersNotActive() throws Exception {
        try (HttpsWorld world = new HttpsWorld(dir)) {
            String key = world.vault.servers().generateRegistrationKey().encoded().reveal();
            String csr = Base64.getEncoder().encodeToString(VaultCertificates.csr(VaultCertificates.newKeyPair(),
                    "vmm-a"));
            // a registration the active vault would take
            String register = "{\"version\":1,\"friendlyName\":\"vmm-a\",\"registrationKey\":\"" + key
                    + "\",\"cloudSync\":\"ALL\",\"csr\":\"" + csr + "\",\"inventory\":"
                    + new String(Wire.write(Wire.inventory(world.primary)), StandardCharsets.UTF_8) + "}";
            List<HttpRequest> calls = List.of(request(world, "POST", "v1/register", register),
                    request(world, "POST", "v1/sync", "{}"), request(world, "GET", "v1/commands", ""),
                    request(world, "POST", "v1/results", "{\"version\":1,\"results\":[]}"),
                    request(world, "POST", "v1/heartbeat", "{\"version\":1,\"providerVersion\":\"1\"}"),
                    request(world, "GET", "v1/nothing-here", ""), request(world, "POST", "v2/register", "{}"),
                    request(world, "GET", "", ""));
            HttpClient plain = client(world, null);

            world.transport.standBy(Optional.of(ACTIVE));
            for (HttpRequest call : calls) {
                assertNotActive(plain.send(call, HttpResponse.BodyHandlers.ofString()), ACTIVE,
                        call.method() + " " + call.uri());
            }
            world.transport.standBy(Optional.empty());
            for (HttpRequest call : calls) {
                assertNotActive(plain.send(call, HttpResponse.BodyHandlers.ofString()), null,
                        call.method() + " " + call.uri());
            }

            assertTrue(world.vault.servers().list().isEmpty(), "nothing registered");
            assertTrue(world.transport.toString().contains("standing by"), world.transport.toString());
        }
    }

    @Test
    @DisplayName("issue 13 a link to one instance that stands by gets VaultCallException NOT_ACTIVE naming the "
            + "active instance; once a vault binds the transport again it serves: registration, sync and jobs")
    void bindAgainServes() {
        try (HttpsWorld world = new HttpsWorld(dir)) {
            var key = world.vault.servers().generateRegistrationKey();
            world.transport.standBy(Optional.of(ACTIVE));
            VaultCallException e = assertThrows(VaultCallException.class, () ->
                    world.siteA.register(key.encoded(), RegistrationOptions.defaults()));
            assertEquals(503, e.status());
            assertEquals("NOT_ACTIVE", e.error());
            assertEquals(Optional.of(ACTIVE), e.activeInstance());
            assertTrue(world.vault.servers().list().isEmpty());

            world.reopenVault(); // binds the transport: this instance is active again

            world.setUpProtection();
            world.siteA.sync();
            assertEquals(List.of("vmm-a", "vmm-b"), world.vault.servers().list().stream().map(s -> s.serverId())
                    .sorted().toList());
            assertFalse(world.transport.toString().contains("standing by"), world.transport.toString());
        }
    }

    @Test
    @DisplayName("issue 13 when the instance stands by, a long poll waiting is answered NOT_ACTIVE at once, a command "
            + "waiting for its provider completes with SiteUnreachableException, and send() fails so")
    void waitingCallsAndCommandsAreCutOff() throws Exception {
        // a poll waits up to a minute: an answer within seconds can only come from the stand-by
        HttpsLimits longPolls = HttpsWorld.QUICK.withPolling(Duration.ofSeconds(60), Duration.ofSeconds(90));
        try (HttpsWorld world = new HttpsWorld(dir, Clock.systemUTC(), longPolls);
             HttpsVaultLink link = HttpsVaultLink.builder(world.transport.uri()).trust(world.transport.caCertificate())
                     .identityFile(dir.resolve("vmm-a.p12")).build();
             Provider provider = Provider.builder("vmm-a", () -> world.primary).hostDriver(world.hosts)
                     .vaultLink(link).build()) {
            provider.register(world.vault.servers().generateRegistrationKey().encoded(),
                    RegistrationOptions.defaults());
            // the provider's own key, to poll by hand while no provider connection takes the commands
            HttpClient asProvider = client(world, ProviderIdentity.load(dir.resolve("vmm-a.p12")).orElseThrow().key());
            CompletableFuture<HttpResponse<String>> poll = asProvider.sendAsync(request(world, "GET",
                    "v1/commands", ""), HttpResponse.BodyHandlers.ofString());
            HttpsWorld.await(() -> world.transport.isConnected("vmm-a"), Duration.ofSeconds(20),
                    "the hand-made poll reached the vault");
            CommandRequest command = new CommandRequest("standby-1", "vmm-a", "hv1-a.contoso.local",
                    new HostCommand.GetReplicationStatus("vm-1", "web-01"));

            world.transport.standBy(Optional.of(ACTIVE));
            CompletableFuture<CommandResult> afterStandBy = world.transport.send(command);

            assertNotActive(poll.get(10, TimeUnit.SECONDS), ACTIVE, "the waiting long poll");
            ExecutionException refused = assertThrows(ExecutionException.class, () ->
                    afterStandBy.get(10, TimeUnit.SECONDS));
            assertInstanceOf(SiteUnreachableException.class, refused.getCause());
            assertTrue(refused.getCause().getMessage().contains("the active instance is " + ACTIVE),
                    refused.getCause().getMessage());
            assertFalse(world.transport.isConnected("vmm-a"), "no provider is connected to a standby instance");
        }
    }

    @Test
    @DisplayName("issue 13 a command queued for a connected provider, not yet taken, completes with "
            + "SiteUnreachableException when the instance stands by")
    void queuedCommandCutOff() throws Exception {
        try (HttpsWorld world = new HttpsWorld(dir);
             HttpsVaultLink link = HttpsVaultLink.builder(world.transport.uri()).trust(world.transport.caCertificate())
                     .identityFile(dir.resolve("vmm-a.p12")).build();
             Provider provider = Provider.builder("vmm-a", () -> world.primary).hostDriver(world.hosts)
                     .vaultLink(link).build()) {
            provider.register(world.vault.servers().generateRegistrationKey().encoded(),
                    RegistrationOptions.defaults());
            // one heartbeat makes the server connected for a while, and no poll takes its commands
            HttpClient asProvider = client(world, ProviderIdentity.load(dir.resolve("vmm-a.p12")).orElseThrow().key());
            HttpResponse<String> beat = asProvider.send(request(world, "POST", "v1/heartbeat",
                    "{\"version\":1,\"providerVersion\":\"1\"}"), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, beat.statusCode(), beat.body());
            CompletableFuture<CommandResult> queued = world.transport.send(new CommandRequest("standby-2", "vmm-a",
                    "hv1-a.contoso.local", new HostCommand.GetReplicationStatus("vm-1", "web-01")));
            assertFalse(queued.isDone(), "queued for the provider's next poll");

            world.transport.standBy(Optional.of(ACTIVE));

            ExecutionException cut = assertThrows(ExecutionException.class, () -> queued.get(10, TimeUnit.SECONDS));
            assertInstanceOf(SiteUnreachableException.class, cut.getCause());
            assertTrue(world.hosts.history().isEmpty(), "no command reached a host");
        }
    }
}
