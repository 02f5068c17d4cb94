package dev.secondsite.core.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.secondsite.core.NotFoundException;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.job.EngineOptions;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.store.JournalStore;
import dev.secondsite.core.testing.FakeHostDriver;
import dev.secondsite.core.testing.ProtectedWeb;
import dev.secondsite.core.testing.TestSites;
import dev.secondsite.core.vault.PlannedFailoverOptions;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultConfiguration;
import dev.secondsite.core.vault.VaultOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Vault.read: the stored vault's configuration without opening it. */
class VaultReadTest {
    private static final AtomicInteger HUBS = new AtomicInteger();
    private static final EngineOptions FAST = EngineOptions.builder().parallelism(4)
            .backoff(Duration.ofMillis(1), Duration.ofMillis(4)).build();

    @TempDir
    Path dir;

    @Test
    @DisplayName("J3 Vault.read gives the configuration a reopened vault has, from the snapshot and the journal after "
            + "it, and writes nothing to the store")
    void readsWhatOpenRestores() {
        URI hub = URI.create("local:vault-read-" + HUBS.incrementAndGet());
        Site primary = TestSites.primary();
        Site recovery = TestSites.recovery();
        FakeHostDriver hosts = FakeHostDriver.forSites(primary, recovery);
        VaultConfiguration running;
        try (Vault vault = Vault.create(VaultOptions.builder("Read DR", "westeurope").storage(dir).transport(hub)
                .engineOptions(FAST).snapshotEveryRecords(20).build());
             Provider siteA = Provider.builder("vmm-a", () -> primary).hostDriver(hosts).vault(hub).build();
             Provider siteB = Provider.builder("vmm-b", () -> recovery).hostDriver(hosts).vault(hub).build()) {
            ProtectedWeb.setUp(vault, siteA, siteB);
            ProtectedWeb.succeed(vault.plans().plannedFailover("Web", PlannedFailoverOptions.defaults()));
            running = vault.configuration();
        }
        VaultConfiguration read;
        long before;
        try (JournalStore store = JournalStore.open(dir)) {
            before = store.lastSequence();
            read = Vault.read(store);
            assertEquals(before, store.lastSequence(), "nothing written");
        }
        assertEquals(running, read);
        try (Vault reopened = Vault.open(dir, VaultOptions.builder().transport(URI.create("local:vault-read-"
                + HUBS.incrementAndGet())).engineOptions(FAST).build())) {
            assertEquals(reopened.configuration(), read);
        }
    }

    @Test
    @DisplayName("J3 Vault.read of a store that holds no vault is NOT_FOUND")
    void emptyStoreNotFound() {
        try (JournalStore store = JournalStore.open(dir.resolve("empty"))) {
            assertThrows(NotFoundException.class, () -> Vault.read(store));
        }
    }
}
