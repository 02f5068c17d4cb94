package dev.secondsite.store.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.testing.ProtectedWeb;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** What the vault tests on PostgreSQL share: store options and the HA instances' handles. */
final class HaFixtures {
    static final Duration WAIT = ProtectedWeb.WAIT;

    private HaFixtures() {
    }

    /** The tables of {@code prefix} in the tests' database. */
    static PostgresStoreOptions storeOptions(String prefix) {
        return PostgresStoreOptions.builder(TestDatabase.jdbcUrl() + "?user=postgres").tablePrefix(prefix).build();
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
