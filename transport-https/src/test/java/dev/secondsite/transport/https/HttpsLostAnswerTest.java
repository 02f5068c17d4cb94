package dev.secondsite.transport.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.Secret;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.provider.RegistrationOptions;
import dev.secondsite.core.registration.RegistrationRefusedException;
import dev.secondsite.core.registration.RegistrationRefusedException.Reason;
import dev.secondsite.core.registration.RegistrationResult;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.testing.CapturingLogs;
import dev.secondsite.core.vault.RegisteredServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registration the vault committed but whose answer was lost on the way back (the connection cut by a relay right
 * after the vault journaled it) is sent again and answered as the first was: the same server and a client
 * certificate whose SHA-256 is the credential the vault holds, so the provider goes on (K1, R1, R6, J3).
 */
class HttpsLostAnswerTest {
    private static final String REPEATED = "repeated with the credential it holds: answered as the first was";

    @TempDir
    Path dir;

    private static AnswerCuttingRelay relay(HttpsWorld world) throws java.io.IOException {
        return new AnswerCuttingRelay(world.transport.address(), () -> !world.vault.servers().list().isEmpty());
    }

    private static HttpsVaultLink link(HttpsWorld world, List<URI> instances) {
        return HttpsVaultLink.builder(instances).trust(world.transport.caCertificate())
                .heartbeatEvery(Duration.ofMillis(500)).maxBackoff(Duration.ofMillis(500)).build();
    }

    private static Provider provider(HttpsWorld world, HttpsVaultLink link) {
        return Provider.builder("vmm-a", () -> world.primary).hostDriver(world.hosts).vaultLink(link).build();
    }

    /** The server the vault holds, checked against what the provider was answered and the certificate it keeps. */
    private static RegisteredServer assertAnsweredAsRegistered(HttpsWorld world, RegistrationResult answer,
                                                               HttpsVaultLink link) {
        assertEquals(1, world.vault.servers().list().size(), "one server, registered once");
        RegisteredServer held = world.vault.servers().get("vmm-a");
        assertEquals(held.serverId(), answer.server().serverId());
        assertEquals(held.friendlyName(), answer.server().friendlyName());
        assertEquals(held.syncedClouds(), answer.server().syncedClouds());
        assertEquals(held.credentialValue().orElseThrow(), VaultCertificates.fingerprint(
                link.clientCertificate().orElseThrow()), "R6 the certificate kept is the credential the vault holds");
        return held;
    }

    /** Syncs, connects and runs one host command through {@code link}, as a registered provider does. */
    private static void syncAndRunACommand(HttpsWorld world, Provider provider, String key) throws Exception {
        provider.sync();
        provider.connect();
        HttpsWorld.await(() -> world.transport.isConnected("vmm-a"), Duration.ofSeconds(20), "vmm-a connected");
        CommandResult result = world.transport.send(new CommandRequest(key, "vmm-a", "hv1-a.contoso.local",
                new HostCommand.GetReplicationStatus("vm-1", "web-01"))).get(30, TimeUnit.SECONDS);
        assertEquals(CommandResult.Outcome.SUCCEEDED, result.outcome());
    }

    @Test
    @DisplayName("K1 R6 J3 given [relay, vault], a registration whose answer the relay cuts after the vault committed "
            + "it is retried at the second address and answered as the first (same server, the certificate the "
            + "vault holds, nothing registered twice); the provider then syncs and runs a command")
    void retriedAtTheNextAddress() throws Exception {
        try (HttpsWorld world = new HttpsWorld(dir); AnswerCuttingRelay relay = relay(world);
             HttpsVaultLink link = link(world, List.of(relay.uri(), world.transport.uri()));
             Provider provider = provider(world, link)) {
            int repeatsBefore = CapturingLogs.allText().split(REPEATED, -1).length;

            RegistrationResult answer = provider.register(world.vault.servers().generateRegistrationKey().encoded(),
                    RegistrationOptions.defaults());

            assertEquals(1, relay.cuts(), "the first answer was lost");
            assertEquals(world.transport.uri(), link.currentInstance(), "the retry went to the second address");
            RegisteredServer held = assertAnsweredAsRegistered(world, answer, link);
            assertEquals(repeatsBefore + 1, CapturingLogs.allText().split(REPEATED, -1).length,
                    "the vault answered the retry as a repeat");
            syncAndRunACommand(world, provider, "lost-answer-1");

            world.restartVault(); // J3: what the vault journaled holds one server with the first credential
            assertEquals(List.of(held.serverId()), world.vault.servers().list().stream()
                    .map(RegisteredServer::serverId).toList());
            assertEquals(held.credentialValue(), world.vault.servers().get("vmm-a").credentialValue());
            assertEquals(held.registeredAt(), world.vault.servers().get("vmm-a").registeredAt());
        }
    }

    @Test
    @DisplayName("K1 R1 R6 with one address the lost answer is a VaultCallException (UNREACHABLE) while the vault "
            + "holds the server; the user's second register call is answered as the first, and the provider syncs "
            + "and runs a command through the relay")
    void secondCallByTheUser() throws Exception {
        try (HttpsWorld world = new HttpsWorld(dir); AnswerCuttingRelay relay = relay(world);
             HttpsVaultLink link = link(world, List.of(relay.uri()));
             Provider provider = provider(world, link)) {
            Secret key = world.vault.servers().generateRegistrationKey().encoded();
            VaultCallException lost = assertThrows(VaultCallException.class,
                    () -> provider.register(key, RegistrationOptions.defaults()));
            assertEquals("UNREACHABLE", lost.error());
            assertEquals(1, relay.cuts());
            assertTrue(link.clientCertificate().isEmpty(), "the provider never received its certificate");
            Instant registeredAt = world.vault.servers().get("vmm-a").registeredAt();

            RegistrationResult answer = provider.register(key, RegistrationOptions.defaults());

            RegisteredServer held = assertAnsweredAsRegistered(world, answer, link);
            assertEquals(registeredAt, held.registeredAt());
            int registering = relay.connections();
            syncAndRunACommand(world, provider, "lost-answer-2");
            assertTrue(relay.connections() > registering, "the calls after registering went through the relay too");
        }
    }

    @Test
    @DisplayName("K1 R5 R6 after a lost answer, another provider with its own key pair registering the same server "
            + "under the same name and key is refused and changes nothing; the first provider's retry still succeeds")
    void anotherKeyPairRefused() throws Exception {
        try (HttpsWorld world = new HttpsWorld(dir); AnswerCuttingRelay relay = relay(world);
             HttpsVaultLink link = link(world, List.of(relay.uri()));
             Provider provider = provider(world, link);
             HttpsVaultLink otherLink = link(world, List.of(world.transport.uri()));
             Provider other = provider(world, otherLink)) {
            Secret key = world.vault.servers().generateRegistrationKey().encoded();
            assertThrows(VaultCallException.class, () -> provider.register(key, RegistrationOptions.defaults()));
            RegisteredServer before = world.vault.servers().get("vmm-a");

            RegistrationRefusedException refused = assertThrows(RegistrationRefusedException.class,
                    () -> other.register(key, RegistrationOptions.defaults()));
            assertEquals(Reason.ALREADY_REGISTERED, refused.reason(), refused.getMessage());
            assertTrue(otherLink.clientCertificate().isEmpty());
            assertEquals(before, world.vault.servers().get("vmm-a"), "nothing changed");

            RegistrationResult answer = provider.register(key, RegistrationOptions.defaults());
            assertAnsweredAsRegistered(world, answer, link);
            syncAndRunACommand(world, provider, "lost-answer-3");
        }
    }
}
