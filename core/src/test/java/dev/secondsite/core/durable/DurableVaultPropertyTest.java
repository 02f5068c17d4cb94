package dev.secondsite.core.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.secondsite.core.SecondsiteException;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.job.EngineOptions;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobQuery;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.ProtectedVm;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.protection.StorageMapping;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.provider.RegistrationOptions;
import dev.secondsite.core.testing.FakeHostDriver;
import dev.secondsite.core.testing.TestSites;
import dev.secondsite.core.transport.local.LocalTransport;
import dev.secondsite.core.registration.CloudSync;
import dev.secondsite.core.vault.JobHandle;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultTestAccess;
import dev.secondsite.core.vault.VaultOptions;
import dev.secondsite.core.vault.VaultConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** J3 property: whatever sequence of changes a vault went through, closing and reopening it gives an equal vault. */
class DurableVaultPropertyTest {
    private static final AtomicInteger HUBS = new AtomicInteger();
    private static final EngineOptions FAST = EngineOptions.builder().parallelism(4)
            .backoff(Duration.ofMillis(1), Duration.ofMillis(4)).build();

    @Test
    @DisplayName("J3 random sequences of configuration changes and jobs: close and reopen gives an equal vault")
    void reopenIsIdentity() {
        qt().withExamples(25).forAll(longs().all()).checkAssert(seed -> {
            Path dir = tempDir();
            try {
                check(new Random(seed), dir);
            } finally {
                delete(dir);
            }
        });
    }

    @Test
    @DisplayName("J3 the random sequences reach registrations, jobs, protected VMs and plans")
    void sequencesCoverTheVault() {
        int withJobs = 0;
        int withProtectedVms = 0;
        int withPlans = 0;
        for (long seed = 0; seed < 25; seed++) {
            Path dir = tempDir();
            try {
                VaultConfiguration c = check(new Random(seed), dir);
                withProtectedVms += c.protection().protectedVms().isEmpty() ? 0 : 1;
                withPlans += c.plans().isEmpty() ? 0 : 1;
                withJobs += c.protection().pairings().isEmpty() ? 0 : 1;
            } finally {
                delete(dir);
            }
        }
        String seen = withJobs + " with pairings, " + withProtectedVms + " with protected VMs, " + withPlans
                + " with plans, of 25";
        org.junit.jupiter.api.Assertions.assertTrue(withJobs >= 10 && withProtectedVms >= 5 && withPlans >= 3, seen);
    }

    private static VaultConfiguration check(Random r, Path dir) {
        URI hub = URI.create("local:durable-prop-" + HUBS.incrementAndGet());
        Site primary = TestSites.primary();
        Site recovery = TestSites.recovery();
        FakeHostDriver hosts = FakeHostDriver.forSites(primary, recovery);
        try (Provider a = Provider.builder("vmm-a", () -> primary).hostDriver(hosts).vault(hub).build();
             Provider b = Provider.builder("vmm-b", () -> recovery).hostDriver(hosts).vault(hub).build()) {
            a.connect();
            b.connect();
            Vault vault = Vault.create(VaultOptions.builder("Prop", "westeurope").storage(dir).transport(hub).engineOptions(FAST).build());
            VaultConfiguration before;
            List<Job> jobsBefore;
            try {
                // most sequences start by registering both servers, so that the later steps have something to act on
                if (r.nextInt(10) != 0) {
                    a.register(vault.servers().generateRegistrationKey().encoded(), RegistrationOptions.defaults());
                }
                if (r.nextInt(10) != 0) {
                    b.register(vault.servers().generateRegistrationKey().encoded(), RegistrationOptions.defaults());
                }
                int steps = 4 + r.nextInt(12);
                for (int i = 0; i < steps; i++) {
                    step(r, vault, a, b, primary);
                }
                before = vault.configuration();
                jobsBefore = vault.jobs().list(JobQuery.all());
            } finally {
                vault.close();
            }
            try (Vault reopened = Vault.open(dir, VaultOptions.builder().transport(hub).engineOptions(FAST).build())) {
                assertEquals(before, reopened.configuration());
                assertEquals(jobsBefore, reopened.jobs().list(JobQuery.all()));
            }
            return before;
        }
    }

    /** One random change; a change the rules refuse is part of the sequence too (it must leave no trace). */
    private static void step(Random r, Vault vault, Provider a, Provider b, Site primary) {
        CloudRef gold = new CloudRef("vmm-a", "Gold");
        try {
            switch (r.nextInt(9)) {
                case 0 -> a.register(vault.servers().generateRegistrationKey().encoded(), RegistrationOptions.defaults()
                        .withCloudSync(r.nextBoolean() ? CloudSync.ALL : CloudSync.ONE_BY_ONE));
                case 1 -> b.register(vault.servers().generateRegistrationKey().encoded(), RegistrationOptions.defaults());
                case 2 -> vault.servers().syncCloud(r.nextBoolean() ? "vmm-a" : "vmm-b", r.nextBoolean() ? "Gold" : "GoldB");
                case 3 -> await(vault, vault.pairings().pair(CloudPairing.of(gold, "vmm-b", r.nextBoolean() ? "GoldB"
                        : "SilverB", ReplicationSettings.builder().additionalRecoveryPoints(r.nextInt(5)).build())));
                case 4 -> await(vault, vault.mappings().mapNetwork(new NetworkMapping("vmm-a", "Corp", "vmm-b", "CorpB")));
                case 5 -> await(vault, vault.mappings().mapStorage(new StorageMapping("vmm-a", "Fast", "vmm-b", "FastB")));
                case 6 -> await(vault, vault.protectedVms().enable(gold, List.of(r.nextBoolean() ? "vm-1" : "vm-2")));
                case 7 -> vault.plans().save(RecoveryPlan.builder("plan" + r.nextInt(2), "vmm-a", "vmm-b",
                        vault.plans().planContext()).addVms(1, vault.configuration().protection().protectedVms().stream()
                        .map(ProtectedVm::vmId).sorted().toList()).build());
                default -> {
                    if (r.nextBoolean()) {
                        vault.plans().remove("plan" + r.nextInt(2));
                    } else {
                        VaultTestAccess.endpoint(vault).sync("vmm-a", primary.toBuilder().retainClouds(c -> r.nextInt(4) != 0).build());
                    }
                }
            }
        } catch (SecondsiteException refused) {
            // refused: the vault is unchanged, which the reopen checks too
        }
    }

    private static void await(Vault vault, JobHandle jobId) {
        try {
            jobId.awaitSettled(java.time.Duration.ofSeconds(60)).job();
        } catch (Exception e) {
            throw new AssertionError("job " + jobId + " did not settle", e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("secondsite-prop");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
