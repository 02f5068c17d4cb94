package dev.secondsite.store.postgresql;

import static dev.secondsite.store.postgresql.HaFixtures.WAIT;
import static dev.secondsite.store.postgresql.HaFixtures.awaitTurns;
import static dev.secondsite.store.postgresql.HaFixtures.storeOptions;
import static dev.secondsite.store.postgresql.HaFixtures.terminateLockSession;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.job.EngineOptions;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.protection.ProtectionState;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.testing.FakeHostDriver;
import dev.secondsite.core.testing.ProtectedWeb;
import dev.secondsite.core.testing.TestSites;
import dev.secondsite.core.vault.JobHandle;
import dev.secondsite.core.vault.PlannedFailoverOptions;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultOptions;
import dev.secondsite.store.postgresql.HaVault.Role;
import dev.secondsite.transport.https.HttpsLimits;
import dev.secondsite.transport.https.HttpsTransport;
import dev.secondsite.transport.https.HttpsVaultLink;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two vault instances on one PostgreSQL database, each serving providers on its own HTTPS listener with the vault's
 * one CA; the providers are given both addresses (issue 13, item 4).
 */
class HaHttpsTest {
    private static final EngineOptions FAST = EngineOptions.builder().parallelism(4).maxAttempts(400)
            .backoff(Duration.ofMillis(5), Duration.ofMillis(200)).build();
    private static final HttpsLimits QUICK = HttpsLimits.DEFAULTS.withPolling(Duration.ofSeconds(2),
            Duration.ofSeconds(4)).withMaxBodyBytes(1 << 20).withRequestTimeout(Duration.ofSeconds(6));

    private static HttpsTransport listener(Path ca) {
        return HttpsTransport.builder(new InetSocketAddress("127.0.0.1", 0)).caDirectory(ca).limits(QUICK).build();
    }

    private static HaVault instance(String prefix, String name, HttpsTransport transport, Duration checkPeriod) {
        return HaVault.builder(storeOptions(prefix), VaultOptions.builder().transport(transport).engineOptions(FAST)
                .build(), name).address(transport.uri()).checkPeriod(checkPeriod).start();
    }

    /** What an instance answers a caller with no client certificate: status and the JSON error body. */
    private static JsonNode answer(HttpsTransport to, HttpsTransport caOf) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("vault-ca", caOf.caCertificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(to.uri().resolve("/v1/heartbeat"))
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString("{\"version\":1}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertEquals(503, response.statusCode(), response.body());
        return body;
    }

    @Test
    @DisplayName("T2 J3 providers given both instances' addresses register through the standby (503 NOT_ACTIVE "
            + "naming the active one) and follow the active one; its lock session is terminated while a failover "
            + "waits on a host command: the standby takes over, the old active one stops at its first refused write, "
            + "the providers follow the new one without registering again, the job SUCCEEDED there, every host "
            + "command carried out once, and the old active one now names the new one")
    void providersFollowTheActiveInstance(@TempDir Path dir) throws Exception {
        String prefix = TestDatabase.freshPrefix();
        try (PostgresStateStore store = PostgresStateStore.open(storeOptions(prefix));
             Vault created = Vault.create(VaultOptions.builder("HA over HTTPS", "westeurope").store(store).build())) {
            assertEquals("HA over HTTPS", created.info().name());
        }
        Site primary = TestSites.primary();
        Site recovery = TestSites.recovery();
        FakeHostDriver hosts = FakeHostDriver.forSites(primary, recovery);
        Path ca = dir.resolve("ca");
        try (HttpsTransport listenerA = listener(ca);
             HttpsTransport listenerB = listener(ca);
             // A checks its lock connection rarely: like a paused process it learns of the takeover from its
             // first refused write, and cannot race B for the lock meanwhile
             HaVault a = instance(prefix, "a", listenerA, Duration.ofMinutes(1))) {
            assertTrue(a.awaitRole(Role.ACTIVE, WAIT));
            try (HaVault b = instance(prefix, "b", listenerB, Duration.ofMillis(50));
                 // the standby first: every call the links make starts there
                 HttpsVaultLink linkA = HttpsVaultLink.builder(List.of(listenerB.uri(), listenerA.uri()))
                         .trust(listenerA.caCertificate()).heartbeatEvery(Duration.ofMillis(500))
                         .maxBackoff(Duration.ofMillis(500)).build();
                 HttpsVaultLink linkB = HttpsVaultLink.builder(List.of(listenerB.uri(), listenerA.uri()))
                         .trust(listenerA.caCertificate()).heartbeatEvery(Duration.ofMillis(500))
                         .maxBackoff(Duration.ofMillis(500)).build();
                 Provider siteA = Provider.builder("vmm-a", () -> primary).hostDriver(hosts).vaultLink(linkA).build();
                 Provider siteB = Provider.builder("vmm-b", () -> recovery).hostDriver(hosts).vaultLink(linkB)
                         .build()) {
                awaitTurns(b, b.standbyTurns() + 2);
                assertEquals(Role.STANDBY, b.role());
                JsonNode notActive = answer(listenerB, listenerA);
                assertEquals("NOT_ACTIVE", notActive.path("error").asText(), notActive.toString());
                assertEquals(listenerA.uri(), URI.create(notActive.path("active").asText()), notActive.toString());

                Vault onA = a.vault().orElseThrow();
                ProtectedWeb.setUp(onA, siteA, siteB);
                assertEquals(listenerA.uri(), linkA.currentInstance(), "registered with the active instance");
                assertEquals(listenerA.uri(), linkB.currentInstance(), "registered with the active instance");

                FakeHostDriver.Hold hold = hosts.hold(FakeHostDriver.isCommand(HostCommand.Failover.class)
                        .and(FakeHostDriver.isForVm("vm-1")));
                JobHandle failover = onA.plans().plannedFailover("Web", PlannedFailoverOptions.defaults());
                assertTrue(hold.awaitHeld(1), "A's failover sent Failover of vm-1");

                terminateLockSession(prefix);
                assertTrue(b.awaitRole(Role.ACTIVE, WAIT), "B took over");
                // the held command's result goes back to A, whose write of it is refused (fenced): A stops acting,
                // its listener answers NOT_ACTIVE, and the providers move on to B, which re-sent the command
                long turnsOfA = a.standbyTurns();
                hold.release();
                assertTrue(a.awaitRole(Role.STANDBY, WAIT), "A stopped acting");

                Vault onB = b.vault().orElseThrow();
                Job done = ProtectedWeb.succeed(onB.jobs().handle(failover.id()));
                assertEquals(JobState.SUCCEEDED, done.state());
                assertEquals(ProtectionState.FAILED_OVER, onB.configuration().protection().protectedVm("vm-2")
                        .orElseThrow().state());
                assertEquals(listenerB.uri(), linkA.currentInstance(), "vmm-a's provider follows B");
                assertEquals(listenerB.uri(), linkB.currentInstance(), "vmm-b's provider follows B");
                assertTrue(onB.servers().connection("vmm-a").isConnected(), "vmm-a is connected to B");
                assertEffectsOnce(hosts);

                // the turn A takes at once after it stopped acting tells its listener who leads now
                awaitTurns(a, turnsOfA + 1);
                JsonNode nowB = answer(listenerA, listenerA);
                assertEquals("NOT_ACTIVE", nowB.path("error").asText(), nowB.toString());
                assertEquals(listenerB.uri(), URI.create(nowB.path("active").asText()), nowB.toString());
            }
        }
    }

    /** Every host command ran once: no idempotency key twice, none replayed into the driver. */
    private static void assertEffectsOnce(FakeHostDriver hosts) {
        Set<String> keys = new HashSet<>();
        var history = hosts.history();
        for (var e : history) {
            assertTrue(keys.add(e.request().idempotencyKey()), "ran twice: " + e.request());
        }
        assertFalse(history.isEmpty());
        assertEquals(0, hosts.replays(), "no command reached the driver a second time");
        for (String vm : List.of("vm-1", "vm-2")) {
            assertEquals(1, hosts.commandNamesFor(vm).stream().filter("Failover"::equals).count(), vm);
            assertEquals(1, hosts.commandNamesFor(vm).stream().filter("StartVm"::equals).count(), vm);
        }
    }
}
