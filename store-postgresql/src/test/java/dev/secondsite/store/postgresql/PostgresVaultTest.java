package dev.secondsite.store.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.Secret;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.job.EngineOptions;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobQuery;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.testing.FakeHostDriver;
import dev.secondsite.core.testing.ProtectedWeb;
import dev.secondsite.core.testing.TestSites;
import dev.secondsite.core.vault.PlannedFailoverOptions;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A vault kept in PostgreSQL, chosen by a {@code jdbc:postgresql:} store URI: it runs jobs and reopens from it. */
class PostgresVaultTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final EngineOptions FAST = EngineOptions.builder().parallelism(4).maxAttempts(200)
            .backoff(Duration.ofMillis(5), Duration.ofMillis(200)).build();

    @Test
    @DisplayName("J3 a vault created on a jdbc:postgresql: store runs a planned failover; reopened from the database "
            + "it has its servers, plan and the finished job, and the password shows nowhere")
    void vaultRunsAndReopensFromPostgres() {
        String database = "vault" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid();
        TestDatabase.execute("CREATE DATABASE " + database);
        URI uri = URI.create("jdbc:postgresql://localhost:" + TestDatabase.server().getPort() + "/" + database);
        Secret password = Secret.of("not-shown-pw");
        URI hub = URI.create("local:pg-vault-" + database);
        Site primary = TestSites.primary();
        Site recovery = TestSites.recovery();
        FakeHostDriver hosts = FakeHostDriver.forSites(primary, recovery);
        VaultOptions created = VaultOptions.builder("PG DR", "westeurope").transport(hub).engineOptions(FAST)
                .store(uri, "postgres", password).build();
        assertFalse(created.toString().contains("not-shown-pw"), created.toString());
        Job failover;
        try (Vault vault = Vault.create(created);
             Provider siteA = Provider.builder("vmm-a", () -> primary).hostDriver(hosts).vault(hub).build();
             Provider siteB = Provider.builder("vmm-b", () -> recovery).hostDriver(hosts).vault(hub).build()) {
            ProtectedWeb.setUp(vault, siteA, siteB);
            failover = ProtectedWeb.succeed(vault.plans().plannedFailover("Web", PlannedFailoverOptions.defaults()));
        }
        try (Vault reopened = Vault.open(VaultOptions.builder().transport(hub).engineOptions(FAST)
                .store(uri, "postgres", password).build())) {
            assertEquals(List.of("Web"), reopened.plans().list().stream().map(RecoveryPlan::name).toList());
            assertEquals(2, reopened.servers().list().size());
            Job job = reopened.jobs().get(dev.secondsite.core.vault.JobId.of(failover.id()));
            assertEquals(JobState.SUCCEEDED, job.state());
            assertEquals(failover.tasks().size(), job.tasks().size());
            assertTrue(reopened.jobs().list(JobQuery.all()).size() >= 4);
        }
    }
}
