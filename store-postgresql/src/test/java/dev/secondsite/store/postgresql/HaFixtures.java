package dev.secondsite.store.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.provider.RegistrationOptions;
import dev.secondsite.core.vault.JobHandle;
import dev.secondsite.core.vault.Vault;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/** What the vault tests on PostgreSQL share: store options, the protected plan "Web", and the HA instances' handles. */
final class HaFixtures {
    static final Duration WAIT = Duration.ofSeconds(60);

    private HaFixtures() {
    }

    /** The tables of {@code prefix} in the tests' database. */
    static PostgresStoreOptions storeOptions(String prefix) {
        return PostgresStoreOptions.builder(TestDatabase.jdbcUrl() + "?user=postgres").tablePrefix(prefix).build();
    }

    /** Waits for the job and checks that it SUCCEEDED. */
    static Job settle(JobHandle handle) {
        Job job = handle.awaitSettled(WAIT).job();
        assertEquals(JobState.SUCCEEDED, job.state(), job + " " + job.errors());
        return job;
    }

    /**
     * Registers and connects the providers of {@code vmm-a} and {@code vmm-b} with {@code vault}, pairs Gold with
     * GoldB, maps Corp to CorpB, protects vm-1 and vm-2 and saves the plan "Web" (vm-1, then vm-2).
     */
    static void protectWeb(Vault vault, Provider siteA, Provider siteB) {
        var key = vault.servers().generateRegistrationKey().encoded();
        siteA.register(key, RegistrationOptions.defaults());
        siteB.register(key, RegistrationOptions.defaults());
        siteA.connect();
        siteB.connect();
        CloudRef gold = new CloudRef("vmm-a", "Gold");
        settle(vault.pairings().pair(CloudPairing.of(gold, "vmm-b", "GoldB", ReplicationSettings.defaults())));
        settle(vault.mappings().mapNetwork(new NetworkMapping("vmm-a", "Corp", "vmm-b", "CorpB")));
        settle(vault.protectedVms().enable(gold, List.of("vm-1", "vm-2")));
        vault.plans().save(RecoveryPlan.builder("Web", "vmm-a", "vmm-b", vault.plans().planContext()).addVm("vm-1")
                .addGroup().addVm(2, "vm-2").build());
    }

    /** Terminates the backend holding the leadership lock of {@code prefix}: the active instance's lock session. */
    static void terminateLockSession(String prefix) {
        long key = new Schema(prefix).leaderLockKey();
        String sql = "SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                + "AND ((classid::bigint << 32) | objid::bigint) = " + key;
        try (Connection c = TestDatabase.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            assertEquals(1, rs.getLong(1), "one session held the lock");
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e, e);
        }
    }

    /** Waits (bounded) until {@code standby} has taken {@code count} standby turns: it keeps trying the lock. */
    static void awaitTurns(HaVault standby, long count) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (standby.standbyTurns() < count) {
            assertTrue(System.nanoTime() < deadline, "the standby keeps taking its turns");
            Thread.onSpinWait();
        }
    }
}
