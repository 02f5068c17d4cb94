package dev.secondsite.core.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.NotFoundException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.registration.RegistrationRefusedException;
import dev.secondsite.core.registration.RegistrationRefusedException.Reason;
import dev.secondsite.core.registration.ServerRegistration;
import dev.secondsite.core.spi.ConnectionStatus;
import dev.secondsite.core.testing.MutableClock;
import dev.secondsite.core.testing.TestSites;
import dev.secondsite.core.transport.local.LocalTransport;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** K1 revocation, one registration per server name, and the transport credential of R6, in the vault. */
class KeyRevocationAndCredentialTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

    @TempDir
    Path dir;

    private Vault durable(LocalTransport hub) {
        return Vault.create(VaultOptions.builder("Contoso DR", "westeurope").id("vault-1").storage(dir)
                .clock(new MutableClock(T0)).transport(hub).build());
    }

    @Test
    @DisplayName("K1 a revoked key is refused with KEY_REVOKED, nothing registered, also after the vault reopens")
    void revokedKeyRefusedDurably() {
        LocalTransport hub = LocalTransport.create();
        RegistrationKey key;
        try (Vault vault = durable(hub)) {
            key = vault.servers().generateRegistrationKey();
            vault.servers().revokeRegistrationKey(key.keyId());
            vault.servers().revokeRegistrationKey(key.keyId()); // twice changes nothing more
            RegistrationRefusedException e = assertThrows(RegistrationRefusedException.class, () ->
                    vault.endpoint().register(ServerRegistration.builder("vmm-a", key.encoded()).build(),
                            TestSites.primary()));
            assertEquals(Reason.KEY_REVOKED, e.reason());
            assertEquals(Rule.K1, e.rule());
            assertTrue(e.getMessage().contains(key.keyId()), e.getMessage());
            assertTrue(vault.servers().list().isEmpty());
        }
        try (Vault reopened = Vault.open(dir, VaultOptions.builder().transport(hub).clock(new MutableClock(T0))
                .build())) {
            assertEquals(java.util.Set.of(key.keyId()), reopened.configuration().revokedKeys());
            RegistrationRefusedException e = assertThrows(RegistrationRefusedException.class, () ->
                    reopened.endpoint().register(ServerRegistration.builder("vmm-a", key.encoded()).build(),
                            TestSites.primary()));
            assertEquals(Reason.KEY_REVOKED, e.reason());
            assertTrue(reopened.servers().list().isEmpty());
        }
    }

    @Test
    @DisplayName("K1 revoking one key leaves the servers it registered and other keys working")
    void revocationLeavesOthers() {
        try (Vault vault = durable(LocalTransport.create())) {
            RegistrationKey first = vault.servers().generateRegistrationKey();
            vault.endpoint().register(ServerRegistration.builder("vmm-a", first.encoded()).build(),
                    TestSites.primary());
            vault.servers().revokeRegistrationKey(first.keyId());
            RegistrationKey second = vault.servers().generateRegistrationKey();
            vault.endpoint().register(ServerRegistration.builder("vmm-b", second.encoded()).build(),
                    TestSites.recovery());
            assertEquals(2, vault.servers().list().size());
        }
    }

    @Test
    @DisplayName("K1 one key registers several servers, but a second registration under a taken name is refused")
    void nameTaken() {
        try (Vault vault = durable(LocalTransport.create())) {
            RegistrationKey key = vault.servers().generateRegistrationKey();
            vault.endpoint().register(ServerRegistration.builder("vmm-a", key.encoded()).build(), TestSites.primary());
            RegistrationRefusedException e = assertThrows(RegistrationRefusedException.class, () ->
                    vault.endpoint().register(ServerRegistration.builder("vmm-a", key.encoded()).build(),
                            TestSites.recovery()));
            assertEquals(Reason.NAME_TAKEN, e.reason());
            assertTrue(e.getMessage().contains("vmm-a"), e.getMessage());
            assertEquals(1, vault.servers().list().size());
            vault.endpoint().register(ServerRegistration.builder("vmm-b", key.encoded()).build(),
                    TestSites.recovery());
            assertEquals(2, vault.servers().list().size());
        }
    }

    @Test
    @DisplayName("R6 the vault maps a transport credential to its server, kept across a reopen and gone on unregister")
    void credentialMapsToServer() {
        LocalTransport hub = LocalTransport.create();
        String serverId = TestSites.primary().id();
        try (Vault vault = durable(hub)) {
            RegistrationKey key = vault.servers().generateRegistrationKey();
            vault.endpoint().register(ServerRegistration.builder("vmm-a", key.encoded()).credential("fp-1").build(),
                    TestSites.primary());
            assertEquals(Optional.of(serverId), vault.endpoint().serverFor("fp-1"));
            assertEquals(Optional.empty(), vault.endpoint().serverFor("fp-2"));
            assertEquals(Optional.of("fp-1"), vault.servers().get(serverId).credentialValue());
            vault.endpoint().sync(serverId, TestSites.primary()); // a sync keeps the credential
            assertEquals(Optional.of(serverId), vault.endpoint().serverFor("fp-1"));
        }
        try (Vault reopened = Vault.open(dir, VaultOptions.builder().transport(hub).clock(new MutableClock(T0))
                .build())) {
            assertEquals(Optional.of(serverId), reopened.endpoint().serverFor("fp-1"));
            reopened.servers().unregister(serverId);
            assertEquals(Optional.empty(), reopened.endpoint().serverFor("fp-1"));
        }
    }

    @Test
    @DisplayName("R5 a server's connection state comes from the transport; an unknown server is not found")
    void connectionState() {
        LocalTransport hub = LocalTransport.create();
        try (Vault vault = durable(hub)) {
            RegistrationKey key = vault.servers().generateRegistrationKey();
            vault.endpoint().register(ServerRegistration.builder("vmm-a", key.encoded()).build(), TestSites.primary());
            String serverId = TestSites.primary().id();
            ConnectionStatus before = vault.servers().connection(serverId);
            assertFalse(before.isConnected());
            java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newSingleThreadExecutor();
            LocalTransport.Attachment attached = hub.attach(serverId, executor,
                    r -> dev.secondsite.core.spi.CommandResult.succeeded("ok"));
            assertTrue(vault.servers().connection(serverId).isConnected());
            attached.disconnect();
            executor.shutdown();
            assertFalse(vault.servers().connection(serverId).isConnected());
            assertThrows(NotFoundException.class, () -> vault.servers().connection("nope"));
        }
    }
}
