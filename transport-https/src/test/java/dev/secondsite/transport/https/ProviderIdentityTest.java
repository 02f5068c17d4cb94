package dev.secondsite.transport.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.provider.RegistrationOptions;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** R6: a provider keeps its identity (key, client certificate, pinned CA) in a file and survives a restart. */
class ProviderIdentityTest {
    @TempDir
    Path dir;

    private static HttpsVaultLink link(HttpsWorld world, Path identity) {
        return HttpsVaultLink.builder(world.transport.uri()).trust(world.transport.caCertificate())
                .heartbeatEvery(Duration.ofMillis(500)).maxBackoff(Duration.ofMillis(500)).identityFile(identity)
                .build();
    }

    private static CommandResult roundTrip(HttpsWorld world, String key) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!world.transport.isConnected("vmm-a") && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000); // until the provider's first poll reaches the vault
        }
        return world.transport.send(new CommandRequest(key, "vmm-a", "hv1-a.contoso.local",
                new HostCommand.GetReplicationStatus("vm-1", "web-01"))).get(30, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("R6 a restarted provider reads its key, certificate and pinned CA from its 0600 identity file and "
            + "reconnects without registering again")
    void restartKeepsIdentity() throws Exception {
        Path identity = dir.resolve("provider").resolve("identity.p12");
        try (HttpsWorld world = new HttpsWorld(dir)) {
            HttpsVaultLink first = link(world, identity);
            Provider before = Provider.builder("vmm-a", () -> world.primary).hostDriver(world.hosts).vaultLink(first)
                    .build();
            before.register(world.vault.servers().generateRegistrationKey().encoded(), RegistrationOptions.defaults());
            String certificate = VaultCertificates.fingerprint(first.clientCertificate().orElseThrow());
            before.close();
            first.close();

            assertTrue(Files.exists(identity));
            if (Files.getFileStore(identity).supportsFileAttributeView("posix")) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(identity)));
            }
            HttpsVaultLink second = link(world, identity);
            Provider after = Provider.builder("vmm-a", () -> world.primary).hostDriver(world.hosts)
                    .vaultLink(second).build();
            try {
                assertEquals(certificate, VaultCertificates.fingerprint(second.clientCertificate().orElseThrow()));
                after.connect();
                CommandResult result = roundTrip(world, "identity-1");
                assertTrue(result.outcome() != null);
                assertEquals(1, world.vault.servers().list().size());
                assertEquals(1, world.vault.servers().list().stream().filter(s -> s.serverId().equals("vmm-a"))
                        .count());
            } finally {
                after.close();
                second.close();
            }
        }
    }

    @Test
    @DisplayName("R6 a provider with an identity file that is not there yet cannot connect: the typed error names "
            + "the file")
    void missingFile() throws Exception {
        Path identity = dir.resolve("never-registered.p12");
        try (HttpsWorld world = new HttpsWorld(dir)) {
            HttpsVaultLink link = link(world, identity);
            try {
                ProviderIdentityException e = assertThrows(ProviderIdentityException.class,
                        () -> link.connect("vmm-a", Runnable::run, r -> CommandResult.succeeded("never")));
                assertEquals(identity, e.file());
                assertTrue(e.getMessage().contains(identity.toString()), e.getMessage());
                assertTrue(e.getMessage().contains("missing"), e.getMessage());
            } finally {
                link.close();
            }
        }
    }

    @Test
    @DisplayName("R6 a corrupt identity file is a typed error naming the file when the link is built, and the file "
            + "is left as it was")
    void corruptFile() throws Exception {
        Path identity = dir.resolve("identity.p12");
        byte[] garbage = "not a PKCS12 store".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Files.write(identity, garbage);
        try (HttpsWorld world = new HttpsWorld(dir)) {
            ProviderIdentityException e = assertThrows(ProviderIdentityException.class, () -> link(world, identity));
            assertEquals(identity, e.file());
            assertTrue(e.getMessage().contains(identity.toString()), e.getMessage());
            assertTrue(java.util.Arrays.equals(garbage, Files.readAllBytes(identity)));
        }
    }

    @Test
    @DisplayName("R6 an identity file without the provider's key entry is a typed error naming the file")
    void fileWithoutKey() throws Exception {
        Path identity = dir.resolve("empty.p12");
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        VaultCertificates.writePrivate(ks, "secondsite-provider".toCharArray(), identity);
        try (HttpsWorld world = new HttpsWorld(dir)) {
            ProviderIdentityException e = assertThrows(ProviderIdentityException.class, () -> link(world, identity));
            assertTrue(e.getMessage().contains(identity.toString()) && e.getMessage().contains("'provider'"),
                    e.getMessage());
        }
    }
}
