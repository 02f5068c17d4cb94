package dev.secondsite.store.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Secret;
import dev.secondsite.core.spi.StateStore;
import dev.secondsite.core.spi.StateStoreCorruptedException;
import dev.secondsite.core.spi.StateStoreException;
import dev.secondsite.core.spi.StateStoreFencedException;
import dev.secondsite.core.spi.StateStoreRecord;
import dev.secondsite.core.store.StateStores;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the PostgreSQL store adds to the contract: schema versions, fencing, damage, group commit, wiring. */
class PostgresStateStoreTest {
    private final String prefix = TestDatabase.freshPrefix();

    private PostgresStateStore open() {
        return PostgresStateStore.open(PostgresStoreOptions.builder(TestDatabase.dataSource()).tablePrefix(prefix)
                .build());
    }

    private static List<String> tables(String prefix) throws Exception {
        List<String> tables = new ArrayList<>();
        try (Connection c = TestDatabase.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE tablename LIKE '" + prefix
                     + "%' ORDER BY tablename")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    private static String query(String sql) throws Exception {
        try (Connection c = TestDatabase.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    @DisplayName("J3 the first open creates the tables at the current schema version, in one transaction")
    void createsSchema() throws Exception {
        assertTrue(tables(prefix).isEmpty());
        try (PostgresStateStore store = open()) {
            assertEquals(1, store.epoch());
        }
        assertEquals(List.of(prefix + "leader", prefix + "meta", prefix + "records", prefix + "snapshot"),
                tables(prefix));
        assertEquals(String.valueOf(Schema.CURRENT), query("SELECT value FROM " + prefix
                + "meta WHERE key = 'schema_version'"));
    }

    @Test
    @DisplayName("J3 tables of schema version 1 are migrated at open and keep their records and snapshot")
    void migratesFromVersion1() throws Exception {
        Schema schema = new Schema(prefix);
        try (Connection c = TestDatabase.dataSource().getConnection()) {
            c.setAutoCommit(false);
            schema.migrate(c, 0, 1);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO " + prefix + "snapshot (id, upto, state, crc) VALUES (1, 1, 'state'::bytea, "
                        + PostgresStateStore.crc(1, new byte[0], "state".getBytes(StandardCharsets.UTF_8)) + ")");
                for (long seq = 2; seq <= 3; seq++) {
                    byte[] payload = ("record " + seq).getBytes(StandardCharsets.UTF_8);
                    s.execute("INSERT INTO " + prefix + "records (seq, type, payload, crc) VALUES (" + seq
                            + ", 't', 'record " + seq + "'::bytea, " + PostgresStateStore.crc(seq,
                            "t".getBytes(StandardCharsets.UTF_8), payload) + ")");
                }
            }
            c.commit();
        }
        try (PostgresStateStore store = open()) {
            assertEquals("state", new String(store.latestSnapshot().orElseThrow().state(), StandardCharsets.UTF_8));
            List<StateStoreRecord> records = new ArrayList<>();
            store.replay(records::add);
            assertEquals(List.of("record 2", "record 3"), records.stream().map(StateStoreRecord::payloadText).toList());
            assertEquals(4, store.append("t", "record 4"));
        }
        assertEquals(String.valueOf(Schema.CURRENT), query("SELECT value FROM " + prefix + "meta WHERE key = 'schema_version'"));
        assertEquals("1", query("SELECT epoch FROM " + prefix + "records WHERE seq = 4"));
    }

    @Test
    @DisplayName("J3 tables of a newer schema version are refused with SchemaVersionException and nothing changes")
    void newerSchemaRefused() throws Exception {
        try (PostgresStateStore store = open()) {
            store.append("t", "kept");
        }
        TestDatabase.execute("UPDATE " + prefix + "meta SET value = '99' WHERE key = 'schema_version'");
        String leaderBefore = query("SELECT epoch || holder || since FROM " + prefix + "leader");
        SchemaVersionException e = assertThrows(SchemaVersionException.class, this::open);
        assertEquals(99, e.found());
        assertEquals(Schema.CURRENT, e.supported());
        assertTrue(e.getMessage().contains("schema_version 99") && e.getMessage().contains(prefix + "meta"),
                e.getMessage());
        assertEquals(leaderBefore, query("SELECT epoch || holder || since FROM " + prefix + "leader"));
        assertEquals("99", query("SELECT value FROM " + prefix + "meta WHERE key = 'schema_version'"));
        assertEquals("1", query("SELECT count(*) FROM " + prefix + "records"));
    }

    @Test
    @DisplayName("J3 an unreachable database at open is a StoreUnreachableException naming it, never the password; "
            + "nothing is created")
    void unreachableDatabase() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String url = "jdbc:postgresql://localhost:" + port + "/vault";
        StoreUnreachableException e = assertThrows(StoreUnreachableException.class, () -> PostgresStateStore.open(
                PostgresStoreOptions.builder(url, "vault", Secret.of("s3cret-pw")).tablePrefix(prefix).build()));
        assertTrue(e.getMessage().contains("localhost:" + port + "/vault"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret-pw"), e.getMessage());
        assertTrue(tables(prefix).isEmpty());
        InvalidConfigurationException inUrl = assertThrows(InvalidConfigurationException.class,
                () -> PostgresStoreOptions.builder(url + "?user=vault&password=s3cret-pw"));
        assertFalse(inUrl.getMessage().contains("s3cret-pw"), inUrl.getMessage());
        String shown = PostgresStoreOptions.builder(url, "vault", Secret.of("s3cret-pw")).build().toString();
        assertFalse(shown.contains("s3cret-pw"), shown);
    }

    @Test
    @DisplayName("J3 a record row whose checksum does not match is refused at replay naming table and key")
    void corruptRecordRefused() {
        try (PostgresStateStore store = open()) {
            store.append("t", "one");
            store.append("t", "two");
        }
        TestDatabase.execute("UPDATE " + prefix + "records SET payload = 'tampered'::bytea WHERE seq = 2");
        try (PostgresStateStore store = open()) {
            StateStoreCorruptedException e = assertThrows(StateStoreCorruptedException.class,
                    () -> store.replay(r -> { }));
            assertTrue(e.getMessage().contains("table " + prefix + "records key seq=2"), e.getMessage());
            assertEquals(-1, e.offset());
        }
    }

    @Test
    @DisplayName("J3 a gap in the records, a foreign meta row, or a damaged snapshot is refused naming table and key; "
            + "nothing changes")
    void gapsAndForeignRowsRefused() throws Exception {
        try (PostgresStateStore store = open()) {
            for (int i = 0; i < 5; i++) {
                store.append("t", "r" + i);
            }
            store.writeSnapshot(1, "s".getBytes(StandardCharsets.UTF_8));
        }
        TestDatabase.execute("DELETE FROM " + prefix + "records WHERE seq = 3");
        StateStoreCorruptedException gap = assertThrows(StateStoreCorruptedException.class, this::open);
        assertTrue(gap.getMessage().contains("table " + prefix + "records key seq=3"), gap.getMessage());
        String epoch = query("SELECT epoch FROM " + prefix + "leader");
        TestDatabase.execute("INSERT INTO " + prefix + "records (seq, type, payload, crc) VALUES (3, 't', 'x', 0)");
        TestDatabase.execute("INSERT INTO " + prefix + "meta (key, value) VALUES ('owner', 'someone else')");
        StateStoreCorruptedException foreign = assertThrows(StateStoreCorruptedException.class, this::open);
        assertTrue(foreign.getMessage().contains("table " + prefix + "meta") && foreign.getMessage()
                .contains("key 'owner'"), foreign.getMessage());
        assertEquals(epoch, query("SELECT epoch FROM " + prefix + "leader"), "a refused open changes nothing");
        TestDatabase.execute("DELETE FROM " + prefix + "meta WHERE key = 'owner'");
        TestDatabase.execute("UPDATE " + prefix + "snapshot SET state = 'other'::bytea");
        try (PostgresStateStore store = open()) {
            StateStoreCorruptedException snapshot = assertThrows(StateStoreCorruptedException.class,
                    store::latestSnapshot);
            assertTrue(snapshot.getMessage().contains("table " + prefix + "snapshot key id=1"), snapshot.getMessage());
            StateStoreCorruptedException record = assertThrows(StateStoreCorruptedException.class,
                    () -> store.replay(r -> { }));
            assertTrue(record.getMessage().contains("key seq=3"), record.getMessage());
        }
    }

    @Test
    @DisplayName("J3 a second open takes the store over: the first instance's next append and snapshot are refused "
            + "with StateStoreFencedException in the same transaction, and nothing of them is written")
    void secondOpenFencesTheFirst() throws Exception {
        PostgresStateStore first = open();
        try {
            assertEquals(1, first.append("t", "before"));
            try (PostgresStateStore second = open()) {
                assertEquals(first.epoch() + 1, second.epoch());
                StateStoreFencedException e = assertThrows(StateStoreFencedException.class,
                        () -> first.append("t", "after"));
                assertEquals(first.epoch(), e.epoch());
                assertEquals(second.epoch(), e.currentEpoch());
                assertThrows(StateStoreFencedException.class, () -> first.writeSnapshot(1, new byte[0]));
                assertEquals(2, second.append("t", "by the second"));
            }
            assertEquals("2", query("SELECT count(*) FROM " + prefix + "records"));
            assertEquals("by the second", query("SELECT convert_from(payload, 'UTF8') FROM " + prefix
                    + "records WHERE seq = 2"));
        } finally {
            first.close();
        }
    }

    @Test
    @DisplayName("J3 a store opened to read (a standby reading ahead) reads the snapshot and the records committed "
            + "when it reads, leaves the epoch as it was (the writer goes on, not fenced), and refuses appends and "
            + "snapshots; on tables not made yet it refuses and creates nothing")
    void openToReadReadsWithoutTakingOver() throws Exception {
        PostgresStoreOptions options = PostgresStoreOptions.builder(TestDatabase.dataSource()).tablePrefix(prefix)
                .build();
        StateStoreException none = assertThrows(StateStoreException.class,
                () -> PostgresStateStore.openToRead(options));
        assertTrue(none.getMessage().contains("schema version 0"), none.getMessage());
        assertEquals(List.of(), tables(prefix), "nothing created");
        try (PostgresStateStore writer = open()) {
            writer.append("t", "one");
            writer.append("t", "two");
            writer.writeSnapshot(1, "state at one".getBytes(StandardCharsets.UTF_8));
            writer.append("t", "three");
            String epoch = query("SELECT epoch FROM " + prefix + "leader WHERE id = 1");
            try (PostgresStateStore reader = PostgresStateStore.openToRead(options)) {
                assertEquals(epoch, query("SELECT epoch FROM " + prefix + "leader WHERE id = 1"), "not raised");
                assertEquals("state at one", new String(reader.latestSnapshot().orElseThrow().state(),
                        StandardCharsets.UTF_8));
                List<String> read = new ArrayList<>();
                reader.replay(r -> read.add(new String(r.payload(), StandardCharsets.UTF_8)));
                assertEquals(List.of("two", "three"), read);
                assertEquals(3, reader.lastSequence());
                StateStoreException refused = assertThrows(StateStoreException.class, () -> reader.append("t", "x"));
                assertTrue(refused.getMessage().contains("read only"), refused.getMessage());
                assertThrows(StateStoreException.class,
                        () -> reader.appendOrdered("t", "x".getBytes(StandardCharsets.UTF_8)));
                assertThrows(StateStoreException.class, () -> reader.writeSnapshot(2, new byte[0]));
                assertEquals(4, writer.append("t", "four"), "the writer is not fenced by a reader");
            }
            assertEquals(5, writer.append("t", "five"));
        }
        assertEquals("4", query("SELECT count(*) FROM " + prefix + "records"), "two, three, four, five");
    }

    @Test
    @DisplayName("J3 a write from a stale epoch is refused: the leader row's epoch raised under a running store "
            + "fails its pending ordered appends and every later call with StateStoreFencedException")
    void staleEpochRefused() throws Exception {
        try (PostgresStateStore store = open()) {
            store.append("t", "one");
            TestDatabase.execute("UPDATE " + prefix + "leader SET epoch = epoch + 1");
            CompletableFuture<Long> ordered = store.appendOrdered("t", "two".getBytes(StandardCharsets.UTF_8));
            ExecutionException e = assertThrows(ExecutionException.class, () -> ordered.get(10, TimeUnit.SECONDS));
            assertInstanceOf(StateStoreFencedException.class, e.getCause());
            assertThrows(StateStoreFencedException.class, () -> store.append("t", "three"));
            assertThrows(StateStoreFencedException.class, () -> store.replay(r -> { }));
        }
        assertEquals("1", query("SELECT count(*) FROM " + prefix + "records"));
    }

    @Test
    @DisplayName("J3 group commit: 32 threads appending at once share commits (fewer INSERT transactions than "
            + "records), and every record is there")
    void groupCommit() throws Exception {
        int writers = 32;
        int perWriter = 50;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        try (PostgresStateStore store = open()) {
            long commitsBefore = Long.parseLong(query("SELECT xact_commit FROM pg_stat_database WHERE datname = "
                    + "current_database()"));
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perWriter; i++) {
                        store.append("t", new byte[100]);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            long records = (long) writers * perWriter;
            assertEquals(records, store.lastSequence());
            long batches = store.batchesWritten();
            assertTrue(batches < records / 4, batches + " commits for " + records + " records");
            // the server's own count agrees: the other tests' connections may add some, never a commit per record
            long commits = Long.parseLong(query("SELECT xact_commit FROM pg_stat_database WHERE datname = "
                    + "current_database()")) - commitsBefore;
            assertTrue(commits < records / 2, commits + " server commits for " + records + " records");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("J3 a jdbc:postgresql: URI finds this store through ServiceLoader, with a login kept as a Secret")
    void foundByUri() {
        URI uri = URI.create(TestDatabase.jdbcUrl());
        try (StateStore store = StateStores.open(URI.create(uri + "?user=postgres"), Optional.empty())) {
            assertInstanceOf(PostgresStateStore.class, store);
            assertEquals(store.lastSequence() + 1, store.append("t", "via uri"));
        }
        try (StateStore store = StateStores.open(uri, Optional.of(new dev.secondsite.core.spi.StateStoreProvider
                .Login("postgres", Secret.of("unused-with-trust"))))) {
            assertFalse(store.toString().contains("unused-with-trust"), store.toString());
        }
    }
}
