package dev.secondsite.core.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.Rule;
import dev.secondsite.core.Secret;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.registration.CloudSync;
import dev.secondsite.core.registration.ProxySettings;
import dev.secondsite.core.registration.RegistrationRefusedException;
import dev.secondsite.core.registration.RegistrationRefusedException.Reason;
import dev.secondsite.core.registration.RegistrationResult;
import dev.secondsite.core.registration.ServerRegistration;
import dev.secondsite.core.store.JournalStore;
import dev.secondsite.core.testing.MutableClock;
import dev.secondsite.core.testing.TestSites;
import dev.secondsite.core.transport.local.LocalTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registration whose answer was lost is sent again: the vault answers a repeat of one it accepted (same server,
 * name, key and transport credential) as it answered the first, and refuses everything else with a taken name as
 * before (K1, R5, R6, J3).
 */
class RepeatedRegistrationTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(T0);
    private final AtomicInteger proxyChecks = new AtomicInteger();
    private final LocalTransport hub = LocalTransport.create();

    private VaultOptions.Builder options(VaultOptions.Builder builder) {
        return builder.clock(clock).transport(hub).proxyCheck(proxy -> {
            proxyChecks.incrementAndGet();
            return Optional.empty();
        });
    }

    private Vault create(JournalStore store) {
        return Vault.create(options(VaultOptions.builder("Contoso DR", "westeurope").id("vault-1")).store(store)
                .build());
    }

    private static ServerRegistration request(String name, Secret key, String credential) {
        return ServerRegistration.builder(name, key).credential(credential).encryption(true)
                .cloudSync(CloudSync.ONE_BY_ONE).proxy(ProxySettings.builder("proxy.contoso.local", 3128)
                        .user("svc-dr").password(Secret.of("proxy-pass")).build()).build();
    }

    private static RegistrationRefusedException refused(Vault vault, JournalStore store, ServerRegistration request,
                                                        Site inventory) {
        long journaled = store.lastSequence();
        VaultConfiguration before = vault.configuration();
        RegistrationRefusedException e = assertThrows(RegistrationRefusedException.class,
                () -> vault.endpoint().register(request, inventory));
        assertEquals(journaled, store.lastSequence(), "nothing journaled");
        assertSame(before, vault.configuration(), "nothing changed");
        return e;
    }

    @Test
    @DisplayName("K1 R6 J3 a re-sent identical registration (same key, name, credential) is answered with the first "
            + "result; nothing is journaled, the proxy is not tested again, and the reopened vault holds one server "
            + "and answers the same")
    void repeatAnsweredAsTheFirst() {
        RegistrationResult first;
        ServerRegistration request;
        try (JournalStore store = JournalStore.open(dir)) {
            try (Vault vault = create(store)) {
                RegistrationKey key = vault.servers().generateRegistrationKey();
                request = request("vmm-a", key.encoded(), "fp-1");
                first = vault.endpoint().register(request, TestSites.primary());
                assertEquals(1, proxyChecks.get());
                assertEquals(1, first.warnings().warnings().size(), "R3 encryption ignored: " + first.warnings());
                long journaled = store.lastSequence();
                VaultConfiguration before = vault.configuration();
                clock.advance(Duration.ofMinutes(3)); // the provider's retry comes later

                RegistrationResult again = vault.endpoint().register(request, TestSites.primary());

                assertEquals(first, again);
                assertEquals(journaled, store.lastSequence(), "nothing journaled");
                assertSame(before, vault.configuration(), "nothing changed");
                assertEquals(1, proxyChecks.get(), "the proxy passed its test the first time");
                assertEquals(List.of("vmm-a"), vault.servers().list().stream().map(RegisteredServer::serverId)
                        .toList());
                assertEquals(T0, vault.servers().get("vmm-a").registeredAt());
                assertEquals(Optional.of("vmm-a"), vault.endpoint().serverFor("fp-1"));
            }
        }
        try (Vault reopened = Vault.open(dir, options(VaultOptions.builder()).build())) {
            assertEquals(1, reopened.servers().list().size());
            assertEquals(first, reopened.endpoint().register(request, TestSites.primary()),
                    "another vault instance on the same store answers alike");
            assertEquals(1, reopened.servers().list().size());
            assertEquals(Optional.of("fp-1"), reopened.servers().get("vmm-a").credentialValue());
        }
    }

    @Test
    @DisplayName("K1 R5 R6 a taken name with another credential, another server or another key is refused as before "
            + "(NAME_TAKEN, or ALREADY_REGISTERED for the same server); nothing journaled")
    void othersWithTheNameRefused() {
        try (JournalStore store = JournalStore.open(dir); Vault vault = create(store)) {
            RegistrationKey key = vault.servers().generateRegistrationKey();
            vault.endpoint().register(request("vmm-a", key.encoded(), "fp-1"), TestSites.primary());

            RegistrationRefusedException otherPair = refused(vault, store, request("vmm-a", key.encoded(), "fp-2"),
                    TestSites.recovery());
            assertEquals(Reason.NAME_TAKEN, otherPair.reason());
            assertEquals(Rule.K1, otherPair.rule());
            assertTrue(otherPair.getMessage().contains("friendlyName ('vmm-a')"), otherPair.getMessage());
            // the credential alone proves nothing: it must be the one held for the very server of the request
            assertEquals(Reason.NAME_TAKEN, refused(vault, store, request("vmm-a", key.encoded(), "fp-1"),
                    TestSites.recovery()).reason());
            assertEquals(Reason.ALREADY_REGISTERED, refused(vault, store, request("vmm-a", key.encoded(), "fp-2"),
                    TestSites.primary()).reason());
            RegistrationKey otherKey = vault.servers().generateRegistrationKey();
            assertEquals(Reason.ALREADY_REGISTERED, refused(vault, store, request("vmm-a", otherKey.encoded(),
                    "fp-1"), TestSites.primary()).reason());
            assertEquals(Reason.ALREADY_REGISTERED, refused(vault, store, ServerRegistration.builder("vmm-a",
                    key.encoded()).build(), TestSites.primary()).reason(), "no credential: never a repeat");
            assertEquals(1, vault.servers().list().size());
            assertEquals(Optional.empty(), vault.endpoint().serverFor("fp-2"));
        }
    }

    @Test
    @DisplayName("K1 a re-sent registration is checked for its key first: revoked or expired, it is refused as "
            + "today; nothing journaled, the server stays registered")
    void repeatWithARevokedOrExpiredKeyRefused() {
        try (JournalStore store = JournalStore.open(dir); Vault vault = create(store)) {
            RegistrationKey revoked = vault.servers().generateRegistrationKey();
            ServerRegistration toRevoke = request("vmm-a", revoked.encoded(), "fp-a");
            vault.endpoint().register(toRevoke, TestSites.primary());
            RegistrationKey expiring = vault.servers().generateRegistrationKey();
            ServerRegistration toExpire = request("vmm-b", expiring.encoded(), "fp-b");
            vault.endpoint().register(toExpire, TestSites.recovery());
            vault.servers().revokeRegistrationKey(revoked.keyId());

            RegistrationRefusedException e = refused(vault, store, toRevoke, TestSites.primary());
            assertEquals(Reason.KEY_REVOKED, e.reason());
            assertTrue(e.getMessage().contains(revoked.keyId()), e.getMessage());

            clock.advance(RegistrationKey.VALIDITY);
            assertEquals(Reason.KEY_EXPIRED, refused(vault, store, toExpire, TestSites.recovery()).reason());
            assertEquals(List.of("vmm-a", "vmm-b"), vault.servers().list().stream().map(RegisteredServer::serverId)
                    .toList());
        }
    }
}
