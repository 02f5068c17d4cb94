package dev.secondsite.store.postgresql;

import dev.secondsite.core.spi.StateStoreCorruptedException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The store's tables, by version, and the steps from each version to the next. Version 1: meta, records, snapshot.
 * Version 2: the {@code leader} row holding the current epoch, and the epoch each record and snapshot was written
 * with. Version 3: the leader row's {@code address}, where the instance holding the epoch serves (a standby names it
 * to the providers that reach it). A new database gets every step in order, so creation and migration run the same
 * code.
 */
final class Schema {
    /** The newest version this code knows and writes. */
    static final int CURRENT = 3;
    static final String VERSION_KEY = "schema_version";

    private final String prefix;
    final String meta;
    final String records;
    final String snapshot;
    final String leader;

    Schema(String prefix) {
        this.prefix = prefix;
        this.meta = prefix + "meta";
        this.records = prefix + "records";
        this.snapshot = prefix + "snapshot";
        this.leader = prefix + "leader";
    }

    /** The statements that take the schema from {@code version - 1} to {@code version}. */
    List<String> step(int version) {
        return switch (version) {
            case 1 -> List.of(
                    "CREATE TABLE " + meta + " (key text PRIMARY KEY, value text NOT NULL)",
                    "CREATE TABLE " + records + " (seq bigint PRIMARY KEY, type text NOT NULL, payload bytea NOT NULL,"
                            + " crc integer NOT NULL)",
                    "CREATE TABLE " + snapshot + " (id smallint PRIMARY KEY CHECK (id = 1), upto bigint NOT NULL,"
                            + " state bytea NOT NULL, crc integer NOT NULL)",
                    "INSERT INTO " + meta + " (key, value) VALUES ('" + VERSION_KEY + "', '1')");
            case 2 -> List.of(
                    "CREATE TABLE " + leader + " (id smallint PRIMARY KEY CHECK (id = 1), epoch bigint NOT NULL,"
                            + " holder text NOT NULL, since timestamptz NOT NULL)",
                    "INSERT INTO " + leader + " (id, epoch, holder, since) VALUES (1, 0, 'schema', now())",
                    "ALTER TABLE " + records + " ADD COLUMN epoch bigint NOT NULL DEFAULT 0",
                    "ALTER TABLE " + snapshot + " ADD COLUMN epoch bigint NOT NULL DEFAULT 0",
                    "UPDATE " + meta + " SET value = '2' WHERE key = '" + VERSION_KEY + "'");
            case 3 -> List.of(
                    "ALTER TABLE " + leader + " ADD COLUMN address text",
                    "UPDATE " + meta + " SET value = '3' WHERE key = '" + VERSION_KEY + "'");
            default -> throw new IllegalArgumentException("no schema step to version " + version);
        };
    }

    /** Applies the steps after {@code from} up to {@code to}, in the caller's transaction. */
    void migrate(Connection c, int from, int to) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (int v = from + 1; v <= to; v++) {
                for (String sql : step(v)) {
                    s.execute(sql);
                }
            }
        }
    }

    /**
     * The version the tables are at, 0 when the store has none of its tables yet. Tables of the store without a
     * meta table, a meta row the code does not know, or a version that is not a number, are refused as damage.
     *
     * @throws StateStoreCorruptedException naming the table and key
     */
    int version(Connection c, String where) throws SQLException {
        boolean hasMeta = exists(c, meta);
        if (!hasMeta) {
            for (String table : List.of(records, snapshot, leader)) {
                if (exists(c, table)) {
                    throw new StateStoreCorruptedException(where + ", table " + table, "table " + table
                            + " exists but table " + meta + " (which holds the schema version) does not", null);
                }
            }
            return 0;
        }
        Integer version = null;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT key, value FROM " + meta
                + " ORDER BY key")) {
            while (rs.next()) {
                String key = rs.getString(1);
                String value = rs.getString(2);
                if (!VERSION_KEY.equals(key)) {
                    throw new StateStoreCorruptedException(where + ", table " + meta + ", key '" + key + "'",
                            "table " + meta + " holds a row this store does not know: key '" + key + "'", null);
                }
                try {
                    version = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    version = -1;
                }
                if (version < 1) {
                    throw new StateStoreCorruptedException(where + ", table " + meta + ", key '" + key + "'",
                            "table " + meta + " key '" + key + "' holds '" + value + "', not a schema version", null);
                }
            }
        }
        if (version == null) {
            throw new StateStoreCorruptedException(where + ", table " + meta + ", key '" + VERSION_KEY + "'",
                    "table " + meta + " has no row '" + VERSION_KEY + "'", null);
        }
        return version;
    }

    private static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            s.setString(1, table);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** A lock key for the opens of this store's tables, so that two opens at once create them only once. */
    long openLockKey() {
        return 0x5ec0_0000_0000_0000L ^ prefix.hashCode();
    }

    /**
     * The session advisory lock key of this store's leadership: held by the active instance on its lock connection
     * for as long as it leads (a key of its own, so that opening the tables never waits for the leader).
     */
    long leaderLockKey() {
        return 0x5ec1_0000_0000_0000L ^ prefix.hashCode();
    }
}
