package dev.secondsite.store.postgresql;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.spi.StateStore;
import dev.secondsite.core.spi.StateStoreClosedException;
import dev.secondsite.core.spi.StateStoreCorruptedException;
import dev.secondsite.core.spi.StateStoreException;
import dev.secondsite.core.spi.StateStoreFencedException;
import dev.secondsite.core.spi.StateStoreRecord;
import dev.secondsite.core.spi.StateStoreSnapshot;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import javax.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StateStore} in PostgreSQL, with the journal store's contract: records in {@code <prefix>records} (one
 * row per record, keyed by its sequence), at most one snapshot in {@code <prefix>snapshot}, the schema version in
 * {@code <prefix>meta} and the current writer's epoch in {@code <prefix>leader}.
 *
 * <p><b>Durability and group commit.</b> Every connection the store uses runs with {@code synchronous_commit = on},
 * so a commit returns once its WAL is flushed. One writer thread, on a connection of its own, does every append:
 * appenders take their sequence under a lock and put the record in the batch being filled; the writer takes the
 * whole batch and writes it with one multi-row {@code INSERT}, which is one transaction and one WAL flush, then
 * wakes every appender of the batch. While it commits, the next batch fills, so N concurrent appenders share one
 * commit.
 *
 * <p><b>Fencing.</b> Opening the store raises the epoch in {@code <prefix>leader} and keeps the new value. Every
 * write (each batch of records, each snapshot) checks in its own transaction, holding the leader row
 * {@code FOR SHARE}, that the epoch is still this store's; if another instance has opened the store since, the
 * write changes nothing and fails with {@link StateStoreFencedException}, and the store refuses every later call.
 * Raising the epoch takes the row's exclusive lock, so it waits for a write under way and a write waits for it:
 * no write of the old instance lands after the new one read the journal's end.
 *
 * <p><b>Opening.</b> {@link #open(PostgresStoreOptions)} connects (an unreachable database fails with
 * {@link StoreUnreachableException} and nothing is created), then in one transaction, under an advisory lock so
 * that two opens at once do it once: creates the tables or migrates them to the current version, refuses a newer
 * version ({@link SchemaVersionException}, nothing changed), raises the epoch, and checks that the records after
 * the snapshot have no gap. A damaged row (a checksum that does not match, a gap, an unknown row) is refused with
 * {@link StateStoreCorruptedException} naming the table and the key.
 *
 * <p><b>Thread-safety.</b> Thread-safe: any number of threads may append, replay, snapshot and read the snapshot
 * at once. A replay's consumer runs on the replaying thread and may append, but must not write a snapshot or close
 * the store. After a write fails the store refuses every further call with {@link StateStoreException} (or
 * {@link StateStoreFencedException} when it was fenced); reopen it to recover (the failed records may or may not be
 * there).
 */
public final class PostgresStateStore implements StateStore {
    private static final Logger log = LoggerFactory.getLogger(PostgresStateStore.class);
    /** 4 parameters a row, under PostgreSQL's 32767 bind parameters per statement. */
    private static final int MAX_BATCH_ROWS = 4000;
    private static final int MAX_BATCH_BYTES = 64 << 20;
    /** Prepared INSERTs kept per batch size; batches of a few records are the common case. */
    private static final int CACHED_INSERTS = 64;
    private static final int REPLAY_FETCH_ROWS = 4096;

    private final PostgresStoreOptions options;
    private final Connections connections;
    private final Schema schema;
    private final String where;
    private final long epoch;
    private final Connection writerConnection;
    private final Thread writer;
    /** Opened by {@link #openToRead}: reads only, no writer thread, the epoch left as it was. */
    private final boolean readOnly;
    private final Map<Integer, PreparedStatement> inserts = new LinkedHashMap<>(16, 0.75f, true);

    /** Guards the batches, the sequence counters and the closed/failed state; appenders wait on it. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition batchReady = lock.newCondition();
    private final Condition durableChanged = lock.newCondition();
    private Batch filling = new Batch();
    private long nextSequence;
    private long durableSequence;
    private boolean closed;
    private @Nullable Throwable failure;
    private volatile long batchesWritten;
    /** Told once when the store stops writing (a failed or fenced write, or {@link #abandon}); HaVault's wake-up. */
    private volatile Runnable onFailure = () -> { };

    /** Replays and snapshot reads share it; snapshot writes and close take it alone. */
    private final ReentrantReadWriteLock opsLock = new ReentrantReadWriteLock();
    private volatile long snapshotSequence;
    /** What reads since open took, for a takeover's timings: the snapshot's (bytes, nanos), the replays'. */
    private final AtomicLong snapshotBytesRead = new AtomicLong();
    private final AtomicLong snapshotReadNanos = new AtomicLong();
    private final AtomicLong recordsReplayed = new AtomicLong();
    private final AtomicLong replayNanos = new AtomicLong();

    private PostgresStateStore(PostgresStoreOptions options, Connections connections, Schema schema, String where,
                               Connection writerConnection, Opened opened, boolean readOnly) {
        this.options = options;
        this.readOnly = readOnly;
        this.connections = connections;
        this.schema = schema;
        this.where = where;
        this.writerConnection = writerConnection;
        this.epoch = opened.epoch;
        this.snapshotSequence = opened.snapshotSequence;
        this.nextSequence = opened.lastSequence + 1;
        this.durableSequence = opened.lastSequence;
        this.writer = new Thread(this::runWriter, "secondsite-postgresql-writer " + schema.records);
        writer.setDaemon(true);
        if (!readOnly) {
            writer.start();
        }
    }

    /**
     * Opens (creating or migrating its tables if needed) the store the options name, and takes it over: the epoch is
     * raised, so that an instance that had it open before is fenced (its next write is refused).
     *
     * @throws StoreUnreachableException when the database cannot be reached or refuses the login; nothing created
     * @throws SchemaVersionException when the tables were made by a newer version; nothing changed
     * @throws StateStoreCorruptedException naming table and key when a row is damaged or foreign; nothing changed
     * @throws StateStoreException when the database fails otherwise
     */
    public static PostgresStateStore open(PostgresStoreOptions options) {
        return open(options, false);
    }

    /**
     * Opens the store the options name to read it only, as a standby reads ahead: the tables are neither created nor
     * migrated, the epoch is not raised (the instance that writes is not disturbed), and appends and snapshots are
     * refused. Replays and the snapshot read what is committed when they run.
     *
     * @throws StoreUnreachableException when the database cannot be reached or refuses the login
     * @throws SchemaVersionException when the tables were made by a newer version
     * @throws StateStoreException when the tables are missing or older (nothing to read until an instance has opened
     *     the store), or the database fails otherwise
     * @throws StateStoreCorruptedException naming table and key when a row is damaged or foreign
     */
    static PostgresStateStore openToRead(PostgresStoreOptions options) {
        return open(options, true);
    }

    private static PostgresStateStore open(PostgresStoreOptions options, boolean readOnly) {
        Connections connections = new Connections(options);
        Schema schema = new Schema(options.tablePrefix());
        Connection c;
        try {
            c = connections.connect();
        } catch (SQLException e) {
            throw new StoreUnreachableException(connections.where(), e.getMessage(), e);
        }
        String where = connections.where() + ", tables " + options.tablePrefix() + "*";
        try {
            Opened opened = prepare(c, schema, where, options.instanceName().orElseGet(PostgresStateStore::holder),
                    options.instanceAddress().map(URI::toString).orElse(null), !readOnly);
            c.setAutoCommit(true);
            PostgresStateStore store = new PostgresStateStore(options, connections, schema, where, c, opened,
                    readOnly);
            if (!readOnly) {
                log.info("J3: opened the PostgreSQL store {} at epoch {}: {} records after snapshot {}", where,
                        opened.epoch, opened.lastSequence - opened.snapshotSequence, opened.snapshotSequence);
            }
            return store;
        } catch (SQLException e) {
            closeQuietly(c);
            throw new StateStoreException(where, "cannot open the store" + (readOnly ? " to read" : "") + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            closeQuietly(c);
            throw e;
        }
    }

    /** What opening found: this instance's epoch and where the journal stands. */
    private record Opened(long epoch, long snapshotSequence, long lastSequence) {
    }

    /**
     * Checks the tables and reads where the journal stands, in one transaction; to take the store over
     * ({@code takeOver}) also creates or migrates the tables and raises the epoch, else reads it.
     */
    private static Opened prepare(Connection c, Schema schema, String where, String holder, @Nullable String address,
                                  boolean takeOver) throws SQLException {
        c.setAutoCommit(false);
        boolean committed = false;
        try (Statement s = c.createStatement()) {
            if (!takeOver) {
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            }
            s.execute("SELECT pg_advisory_xact_lock(" + schema.openLockKey() + ")");
            int version = schema.version(c, where);
            if (version > Schema.CURRENT) {
                throw new SchemaVersionException(where, schema.meta, version, Schema.CURRENT);
            }
            if (!takeOver && version < Schema.CURRENT) {
                throw new StateStoreException(where, "the tables are at schema version " + version + ", not yet "
                        + Schema.CURRENT + ": nothing to read until an instance has opened the store", null);
            }
            if (version < Schema.CURRENT) {
                schema.migrate(c, version, Schema.CURRENT);
                if (version > 0) {
                    log.info("J3: migrated the store's tables {} from schema version {} to {}", where, version,
                            Schema.CURRENT);
                }
            }
            long epoch;
            try (PreparedStatement raise = c.prepareStatement(takeOver ? "UPDATE " + schema.leader + " SET epoch = "
                    + "epoch + 1, holder = ?, address = ?, since = now() WHERE id = 1 RETURNING epoch"
                    : "SELECT epoch FROM " + schema.leader + " WHERE id = 1")) {
                if (takeOver) {
                    raise.setString(1, holder);
                    raise.setString(2, address);
                }
                try (ResultSet rs = raise.executeQuery()) {
                    if (!rs.next()) {
                        throw new StateStoreCorruptedException(where + ", table " + schema.leader + ", key id=1",
                                "table " + schema.leader + " has no row id=1 (the current epoch)", null);
                    }
                    epoch = rs.getLong(1);
                }
            }
            long upto = 0;
            try (ResultSet rs = s.executeQuery("SELECT upto FROM " + schema.snapshot + " WHERE id = 1")) {
                if (rs.next()) {
                    upto = rs.getLong(1);
                }
            }
            long last = upto;
            try (ResultSet rs = s.executeQuery("SELECT min(seq), max(seq), count(*) FROM " + schema.records)) {
                rs.next();
                long count = rs.getLong(3);
                if (count > 0) {
                    long min = rs.getLong(1);
                    long max = rs.getLong(2);
                    if (min <= upto) {
                        throw corrupt(where, schema.records, "seq=" + min, "record " + min + " is covered by the "
                                + "snapshot up to " + upto + " but was not removed with it");
                    }
                    if (min != upto + 1 || max - min + 1 != count) {
                        long missing = min != upto + 1 ? upto + 1 : firstGap(s, schema.records);
                        throw corrupt(where, schema.records, "seq=" + missing, "record " + missing
                                + " is missing: the records after the snapshot (" + upto + ") run to " + max
                                + " with a gap");
                    }
                    last = max;
                }
            }
            c.commit();
            committed = true;
            return new Opened(epoch, upto, last);
        } finally {
            if (!committed) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    log.debug("rollback after a refused open failed", suppressed);
                }
            }
        }
    }

    private static long firstGap(Statement s, String records) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT r.seq + 1 FROM " + records + " r WHERE NOT EXISTS (SELECT 1 FROM "
                + records + " n WHERE n.seq = r.seq + 1) ORDER BY r.seq LIMIT 1")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String holder() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        return "process " + ProcessHandle.current().pid() + " on " + host;
    }

    private static StateStoreCorruptedException corrupt(String where, String table, String key, String problem) {
        return new StateStoreCorruptedException(where + ", table " + table + ", key " + key,
                "table " + table + " key " + key + ": " + problem, null);
    }

    /** The epoch this instance writes with: the one its open raised the store's to. */
    public long epoch() {
        return epoch;
    }

    /** The options the store was opened with. */
    public PostgresStoreOptions options() {
        return options;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Concurrent appends are written together by one INSERT and one commit (group commit); each returns when its
     * own batch is committed.
     *
     * @throws InvalidConfigurationException ({@code INPUT}) when the type is blank or longer than 255 bytes, or the
     *         record is larger than {@link PostgresStoreOptions#maxRecordBytes()}
     * @throws StateStoreClosedException when the store is closed
     * @throws StateStoreFencedException when another instance has taken the store over
     * @throws StateStoreException when the record could not be made durable, or an earlier write failed
     */
    @Override
    public long append(String type, byte[] payload) {
        checkRecord(type, payload);
        boolean interrupted = false;
        lock.lock();
        try {
            long sequence = enqueue(type, payload, null);
            while (durableSequence < sequence && failure == null) {
                try {
                    // once the record is in a batch it may become durable, so we must learn whether
                    durableChanged.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (durableSequence < sequence) {
                throw failed("append record " + sequence);
            }
            return sequence;
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The record joins the batch being filled; the writer thread completes the future right after the commit that
     * made its batch durable.
     *
     * @throws InvalidConfigurationException ({@code INPUT}) as {@link #append(String, byte[])}
     * @throws StateStoreClosedException when the store is closed
     * @throws StateStoreException when an earlier write failed
     */
    @Override
    public CompletableFuture<Long> appendOrdered(String type, byte[] payload) {
        checkRecord(type, payload);
        CompletableFuture<Long> durable = new CompletableFuture<>();
        lock.lock();
        try {
            enqueue(type, payload, durable);
        } finally {
            lock.unlock();
        }
        return durable;
    }

    private void checkRecord(String type, byte[] payload) {
        byte[] typeBytes = StateStoreRecord.checkType(type);
        long recordBytes = (long) typeBytes.length + payload.length;
        StateStoreRecord.checkSize(type, payload.length, recordBytes, options.maxRecordBytes());
    }

    /** Gives the record its sequence and puts it in the batch being filled. Called under {@link #lock}. */
    private long enqueue(String type, byte[] payload, @Nullable CompletableFuture<Long> durable) {
        checkWritable("append");
        checkUsable("append");
        boolean interrupted = false;
        while (!filling.isEmpty() && (filling.rows.size() >= MAX_BATCH_ROWS
                || filling.bytes + payload.length > MAX_BATCH_BYTES)) {
            try {
                durableChanged.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
            checkUsable("append");
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        long sequence = nextSequence++;
        filling.add(new Row(sequence, type, payload.clone(), durable));
        if (filling.rows.size() == 1) {
            batchReady.signal();
        }
        return sequence;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reads in one repeatable-read transaction with a cursor, and checks every record's CRC32C and that no
     * sequence is missing.
     *
     * @throws InvalidConfigurationException ({@code INPUT}) when {@code fromSequence} is negative
     * @throws StateStoreCorruptedException naming table and key when a record read back is damaged or missing
     * @throws StateStoreClosedException when the store is closed
     * @throws StateStoreException when reading fails, or an earlier write failed
     */
    @Override
    public void replay(long fromSequence, Consumer<? super StateStoreRecord> consumer) {
        StateStoreRecord.checkFromSequence(fromSequence);
        opsLock.readLock().lock();
        try {
            long last;
            lock.lock();
            try {
                checkUsable("replay");
                last = durableSequence;
            } finally {
                lock.unlock();
            }
            long first = Math.max(fromSequence, snapshotSequence + 1);
            if (first > last) {
                return;
            }
            long began = System.nanoTime();
            long[] replayed = new long[1];
            try {
                replayRange(first, last, consumer, replayed);
            } finally {
                replayNanos.addAndGet(System.nanoTime() - began);
                recordsReplayed.addAndGet(replayed[0]);
            }
        } finally {
            opsLock.readLock().unlock();
        }
    }

    private void replayRange(long first, long last, Consumer<? super StateStoreRecord> consumer, long[] replayed) {
        withTransaction("replay", Connection.TRANSACTION_REPEATABLE_READ, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT seq, type, payload, crc FROM " + schema.records
                    + " WHERE seq >= ? AND seq <= ? ORDER BY seq")) {
                // binary results: a payload arrives as its bytes, not as hex text twice its size to decode
                s.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(-1);
                s.setFetchSize(REPLAY_FETCH_ROWS);
                s.setLong(1, first);
                s.setLong(2, last);
                long expected = first;
                RecordCheck check = new RecordCheck();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        long sequence = rs.getLong(1);
                        if (sequence != expected) {
                            throw corrupt(where, schema.records, "seq=" + expected, "record " + expected
                                    + " is missing (the next one is " + sequence + ")");
                        }
                        consumer.accept(readRecord(check, sequence, rs.getString(2), rs.getBytes(3),
                                rs.getInt(4)));
                        expected++;
                        replayed[0]++;
                    }
                }
                if (expected <= last) {
                    throw corrupt(where, schema.records, "seq=" + expected, "record " + expected
                            + " is missing (the last acknowledged one is " + last + ")");
                }
            }
            return null;
        });
    }

    private StateStoreRecord readRecord(RecordCheck check, long sequence, @Nullable String type,
                                        @Nullable byte[] payload, int crc) {
        if (type == null || payload == null) {
            throw corrupt(where, schema.records, "seq=" + sequence, "the type or payload is null");
        }
        if (check.crc(sequence, type, payload) != crc) {
            throw corrupt(where, schema.records, "seq=" + sequence, "the checksum does not match the type and "
                    + "payload");
        }
        String key = "seq=" + sequence;
        try {
            return new StateStoreRecord(sequence, type, payload);
        } catch (InvalidConfigurationException e) {
            throw corrupt(where, schema.records, key, "not a record of this store: " + e.getMessage());
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>In one transaction: checks the epoch, replaces the snapshot row, and deletes the records it covers.
     *
     * @throws InvalidConfigurationException ({@code INPUT}) when {@code uptoSequence} is below the current
     *         snapshot's or above {@link #lastSequence()}
     * @throws IllegalStateException when called from a replay's consumer
     * @throws StateStoreClosedException when the store is closed
     * @throws StateStoreFencedException when another instance has taken the store over; nothing was changed
     * @throws StateStoreException when the snapshot could not be made durable (the old one is still current)
     */
    @Override
    public void writeSnapshot(long uptoSequence, byte[] state) {
        if (opsLock.getReadHoldCount() > 0) {
            throw new IllegalStateException("J3: writeSnapshot must not be called from a replay's consumer");
        }
        byte[] copy = state.clone();
        opsLock.writeLock().lock();
        try {
            long last;
            lock.lock();
            try {
                checkWritable("write a snapshot");
                checkUsable("write a snapshot");
                last = Math.max(durableSequence, snapshotSequence);
            } finally {
                lock.unlock();
            }
            long lowest = snapshotSequence;
            StateStoreRecord.checkSnapshotRange(uptoSequence, lowest, last);
            withTransaction("write snapshot " + uptoSequence, Connection.TRANSACTION_READ_COMMITTED, c -> {
                checkEpoch(c, "write snapshot " + uptoSequence);
                try (PreparedStatement s = c.prepareStatement("INSERT INTO " + schema.snapshot
                        + " (id, upto, state, crc, epoch) VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                        + " upto = excluded.upto, state = excluded.state, crc = excluded.crc,"
                        + " epoch = excluded.epoch")) {
                    s.setLong(1, uptoSequence);
                    s.setBytes(2, copy);
                    s.setInt(3, crc(uptoSequence, new byte[0], copy));
                    s.setLong(4, epoch);
                    s.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement("DELETE FROM " + schema.records + " WHERE seq <= ?")) {
                    s.setLong(1, uptoSequence);
                    s.executeUpdate();
                }
                return null;
            });
            snapshotSequence = uptoSequence;
        } finally {
            opsLock.writeLock().unlock();
        }
    }

    /** Holds the leader row FOR SHARE until the transaction ends and refuses when its epoch is not this store's. */
    private void checkEpoch(Connection c, String operation) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT epoch FROM " + schema.leader
                + " WHERE id = 1 FOR SHARE")) {
            long current = rs.next() ? rs.getLong(1) : -1;
            if (current != epoch) {
                throw new StateStoreFencedException(where, epoch, current, operation);
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws StateStoreCorruptedException naming table and key when the snapshot row is damaged
     * @throws StateStoreClosedException when the store is closed
     * @throws StateStoreException when reading fails, or an earlier write failed
     */
    @Override
    public Optional<StateStoreSnapshot> latestSnapshot() {
        opsLock.readLock().lock();
        try {
            checkUsable("read the snapshot");
            long began = System.nanoTime();
            Optional<StateStoreSnapshot> read = withTransaction("read the snapshot", Connection.TRANSACTION_READ_COMMITTED, c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT upto, state, crc FROM "
                        + schema.snapshot + " WHERE id = 1")) {
                    if (!rs.next()) {
                        return Optional.<StateStoreSnapshot>empty();
                    }
                    long upto = rs.getLong(1);
                    byte[] state = rs.getBytes(2);
                    if (upto < 0 || state == null || crc(upto, new byte[0], state) != rs.getInt(3)) {
                        throw corrupt(where, schema.snapshot, "id=1", "the checksum does not match the snapshot "
                                + "up to " + upto);
                    }
                    return Optional.of(new StateStoreSnapshot(upto, state));
                }
            });
            snapshotReadNanos.addAndGet(System.nanoTime() - began);
            read.ifPresent(snapshot -> snapshotBytesRead.addAndGet(snapshot.state().length));
            return read;
        } finally {
            opsLock.readLock().unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws StateStoreClosedException when the store is closed
     */
    @Override
    public long lastSequence() {
        lock.lock();
        try {
            if (closed) {
                throw new StateStoreClosedException(where, "read the last sequence");
            }
            return Math.max(durableSequence, snapshotSequence);
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Waits for running replays and snapshots, lets the writer commit the appends it accepted, stops it, and
     * closes the store's connections.
     *
     * @throws IllegalStateException when called from a replay's consumer
     */
    @Override
    public void close() {
        if (opsLock.getReadHoldCount() > 0) {
            throw new IllegalStateException("J3: close must not be called from a replay's consumer");
        }
        opsLock.writeLock().lock();
        try {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                batchReady.signal();
            } finally {
                lock.unlock();
            }
            joinWriter();
            lock.lock();
            try {
                durableChanged.signalAll();
            } finally {
                lock.unlock();
            }
            inserts.values().forEach(PostgresStateStore::closeQuietly);
            closeQuietly(writerConnection);
            connections.closeIdle();
        } finally {
            opsLock.writeLock().unlock();
        }
    }

    private void joinWriter() {
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Throws when the store is closed or broken. */
    private void checkWritable(String operation) {
        if (readOnly) {
            throw new StateStoreException(where, "opened to read only: cannot " + operation, null);
        }
    }

    private void checkUsable(String operation) {
        lock.lock();
        try {
            if (closed) {
                throw new StateStoreClosedException(where, operation);
            }
            if (failure != null) {
                throw failed(operation);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The exception for {@code operation} refused after {@link #failure}; fencing keeps its type. */
    private StateStoreException failed(String operation) {
        Throwable cause = failure;
        if (cause instanceof StateStoreFencedException fenced) {
            return new StateStoreFencedException(where, fenced.epoch(), fenced.currentEpoch(), operation);
        }
        return new StateStoreException(where, "cannot " + operation + ": an earlier write failed; reopen the store ("
                + cause + ")", cause);
    }

    private void runWriter() {
        while (true) {
            Batch batch;
            lock.lock();
            try {
                while (filling.isEmpty() && !closed && failure == null) {
                    batchReady.awaitUninterruptibly();
                }
                if (filling.isEmpty() || failure != null) {
                    return;
                }
                batch = filling;
                filling = new Batch();
            } finally {
                lock.unlock();
            }
            try {
                writeDurably(batch);
            } catch (SQLException | RuntimeException | Error e) {
                fail(e instanceof StateStoreException known ? known
                        : new StateStoreException(where, "cannot write records " + batch.first() + ".."
                        + batch.last() + ": " + e.getMessage(), e), batch);
                return;
            }
            lock.lock();
            try {
                durableSequence = batch.last();
                durableChanged.signalAll();
            } finally {
                lock.unlock();
            }
            for (Row row : batch.rows) {
                if (row.durable != null) {
                    row.durable.complete(row.sequence);
                }
            }
        }
    }

    /** One statement, so one transaction in auto-commit: the epoch check and every row of the batch. */
    private void writeDurably(Batch batch) throws SQLException {
        int n = batch.rows.size();
        PreparedStatement insert = inserts.get(n);
        if (insert == null) {
            StringBuilder sql = new StringBuilder("WITH fence AS (SELECT epoch FROM ").append(schema.leader)
                    .append(" WHERE id = 1 AND epoch = ? FOR SHARE) INSERT INTO ").append(schema.records)
                    .append(" (seq, type, payload, crc, epoch) SELECT v.seq, v.type, v.payload, v.crc, fence.epoch")
                    .append(" FROM (VALUES (?::bigint, ?::text, ?::bytea, ?::integer)");
            for (int i = 1; i < n; i++) {
                sql.append(", (?, ?, ?, ?)");
            }
            sql.append(") AS v (seq, type, payload, crc) CROSS JOIN fence");
            insert = writerConnection.prepareStatement(sql.toString());
            inserts.put(n, insert);
            if (inserts.size() > CACHED_INSERTS) {
                var eldest = inserts.entrySet().iterator();
                closeQuietly(eldest.next().getValue());
                eldest.remove();
            }
        }
        int p = 1;
        insert.setLong(p++, epoch);
        for (Row row : batch.rows) {
            byte[] typeBytes = row.type.getBytes(StandardCharsets.UTF_8);
            insert.setLong(p++, row.sequence);
            insert.setString(p++, row.type);
            insert.setBytes(p++, row.payload);
            insert.setInt(p++, crc(row.sequence, typeBytes, row.payload));
        }
        int written = insert.executeUpdate();
        if (written != n) {
            long current;
            try (Statement s = writerConnection.createStatement(); ResultSet rs = s.executeQuery("SELECT epoch FROM "
                    + schema.leader + " WHERE id = 1")) {
                current = rs.next() ? rs.getLong(1) : -1;
            }
            throw new StateStoreFencedException(where, epoch, current, "append records " + batch.first() + ".."
                    + batch.last());
        }
        batchesWritten = batchesWritten + 1;
    }

    /**
     * Stops writing at once without another round trip (its instance lost leadership): every later write and every
     * append waiting in the batch being filled is refused with {@code cause}; a batch already being written ends as
     * the database decides (fencing refuses it once the epoch moved on).
     */
    void abandon(StateStoreException cause) {
        log.info("J3: the store {} stops writing: {}", where, cause.getMessage());
        fail(cause, new Batch(), false);
    }

    /** Why the store stopped writing, if it did. */
    Optional<Throwable> failure() {
        lock.lock();
        try {
            return Optional.ofNullable(failure);
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code listener} (on the failing thread, once) when the store stops writing. */
    void onFailure(Runnable listener) {
        this.onFailure = listener;
        if (failure().isPresent()) {
            listener.run();
        }
    }

    private void fail(StateStoreException cause, Batch inFlight) {
        fail(cause, inFlight, true);
    }

    private void fail(StateStoreException cause, Batch inFlight, boolean logIt) {
        if (logIt && cause instanceof StateStoreFencedException) {
            log.error("J3: {}; the store refuses further calls", cause.getMessage());
        } else if (logIt) {
            log.error("J3: writing to {} failed; the store refuses further calls until reopened", where, cause);
        }
        List<Row> waiting = new ArrayList<>(inFlight.rows);
        boolean first;
        lock.lock();
        try {
            first = failure == null;
            if (first) {
                failure = cause;
            }
            // no record is taken once failure is set, so these are the last ordered appends to settle
            waiting.addAll(filling.rows);
            filling = new Batch();
            durableChanged.signalAll();
            batchReady.signal();
        } finally {
            lock.unlock();
        }
        for (Row row : waiting) {
            if (row.durable != null) {
                row.durable.completeExceptionally(failedRecord(cause, row.sequence));
            }
        }
        if (first) {
            try {
                onFailure.run();
            } catch (RuntimeException e) {
                log.warn("J3: the store's failure listener failed: {}", e.toString());
            }
        }
    }

    private StateStoreException failedRecord(StateStoreException cause, long sequence) {
        if (cause instanceof StateStoreFencedException fenced) {
            return new StateStoreFencedException(where, fenced.epoch(), fenced.currentEpoch(), "append record "
                    + sequence);
        }
        return new StateStoreException(where, "record " + sequence + " was not made durable: " + cause.getMessage(),
                cause);
    }

    /** Bytes of snapshots read since open, and the nanoseconds those reads took in the database and the driver. */
    long[] snapshotReads() {
        return new long[] {snapshotBytesRead.get(), snapshotReadNanos.get()};
    }

    /** Records replayed since open, and the nanoseconds the replays took (the consumers' time included). */
    long[] replays() {
        return new long[] {recordsReplayed.get(), replayNanos.get()};
    }

    /** How many batches (each one INSERT and one commit) the writer has committed since open. */
    long batchesWritten() {
        return batchesWritten;
    }

    /** A transaction's body on a connection of the store's idle ones. */
    @FunctionalInterface
    private interface TransactionBody<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T withTransaction(String operation, int isolation, TransactionBody<T> body) {
        Connection c;
        try {
            c = connections.take();
        } catch (SQLException e) {
            throw new StateStoreException(where, "cannot " + operation + ": " + e.getMessage(), e);
        }
        boolean healthy = false;
        try {
            c.setAutoCommit(false);
            c.setTransactionIsolation(isolation);
            T result = body.run(c);
            c.commit();
            healthy = true;
            return result;
        } catch (SQLException e) {
            throw new StateStoreException(where, "cannot " + operation + ": " + e.getMessage(), e);
        } finally {
            if (!healthy) {
                try {
                    c.rollback();
                    healthy = c.isValid(5);
                } catch (SQLException e) {
                    healthy = false;
                }
            }
            if (healthy) {
                connections.giveBack(c);
            } else {
                closeQuietly(c);
            }
        }
    }

    /** CRC32C of the sequence (8 bytes), the type's bytes and the payload, as stored with each row. */
    static int crc(long sequence, byte[] type, byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(Long.BYTES).putLong(0, sequence));
        crc.update(type);
        crc.update(payload);
        return (int) crc.getValue();
    }

    /**
     * {@link #crc} for one replay, without its allocations per record: a replay reads a million records, and a
     * journal has a handful of types, so the last type's bytes are kept. Not thread-safe: one per replay.
     */
    private static final class RecordCheck {
        private final CRC32C crc = new CRC32C();
        private final ByteBuffer sequenceBytes = ByteBuffer.allocate(Long.BYTES);
        private String lastType = "";
        private byte[] lastTypeBytes = new byte[0];

        int crc(long sequence, String type, byte[] payload) {
            if (!type.equals(lastType)) {
                lastType = type;
                lastTypeBytes = type.getBytes(StandardCharsets.UTF_8);
            }
            crc.reset();
            crc.update(sequenceBytes.putLong(0, sequence).rewind());
            crc.update(lastTypeBytes);
            crc.update(payload);
            return (int) crc.getValue();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.debug("closing {} failed", closeable, e);
        }
    }

    /** Names the database and tables; never a password. */
    @Override
    public String toString() {
        return "PostgresStateStore[" + where + ", epoch " + epoch + "]";
    }

    /** A record waiting in a batch; {@code durable} is an ordered append's future, if any. */
    private record Row(long sequence, String type, byte[] payload, @Nullable CompletableFuture<Long> durable) {
    }

    /** Records waiting to be written with one INSERT. Guarded by {@link #lock} until the writer takes it. */
    private static final class Batch {
        private final List<Row> rows = new ArrayList<>();
        private long bytes;

        boolean isEmpty() {
            return rows.isEmpty();
        }

        void add(Row row) {
            rows.add(row);
            bytes += row.payload.length;
        }

        long first() {
            return rows.get(0).sequence;
        }

        long last() {
            return rows.get(rows.size() - 1).sequence;
        }
    }

    /** Opens the store's connections (from the DataSource or the driver) and keeps idle ones for reuse. */
    static final class Connections {
        private final PostgresStoreOptions options;
        private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();

        Connections(PostgresStoreOptions options) {
            this.options = options;
        }

        /** A new connection with synchronous_commit on, so that every commit on it is durable. */
        Connection connect() throws SQLException {
            Connection c;
            if (options.dataSource().isPresent()) {
                c = options.dataSource().get().getConnection();
            } else {
                java.util.Properties properties = new java.util.Properties();
                options.user().ifPresent(user -> properties.setProperty("user", user));
                options.password().ifPresent(password -> properties.setProperty("password", password.reveal()));
                // the instance's name shows in pg_stat_activity, so that an operator sees whose sessions these are
                properties.setProperty("ApplicationName", options.instanceName()
                        .map(name -> "secondsite-vault " + name).orElse("secondsite-vault"));
                properties.setProperty("connectTimeout", "10");
                properties.setProperty("tcpKeepAlive", "true");
                c = new org.postgresql.Driver().connect(options.url().orElseThrow(), properties);
                if (c == null) {
                    throw new SQLException("the PostgreSQL driver does not accept the url");
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("SET synchronous_commit TO on");
            } catch (SQLException e) {
                closeQuietly(c);
                throw e;
            }
            return c;
        }

        Connection take() throws SQLException {
            Connection c = idle.pollFirst();
            return c != null ? c : connect();
        }

        void giveBack(Connection c) {
            idle.addFirst(c);
        }

        void closeIdle() {
            Connection c;
            while ((c = idle.pollFirst()) != null) {
                closeQuietly(c);
            }
        }

        /** The database, as messages name it: the URL without its query, or the DataSource's class. */
        String where() {
            return "postgresql " + options.url().map(PostgresStoreOptions::withoutQuery)
                    .orElseGet(() -> "dataSource " + options.dataSource().orElseThrow().getClass().getName());
        }
    }
}
