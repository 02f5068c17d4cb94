package dev.secondsite.store.postgresql;

import dev.secondsite.core.spi.StateStoreRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durable appends per second of {@link PostgresStateStore} with group commit, against a raw JDBC loop (each thread
 * its own connection, one INSERT and one COMMIT per record) writing the same rows to a table of the same shape in
 * the same run, with 4 and 64 writers; then the time to reopen a store of 1,000,000 records and replay them all;
 * then the takeover time after SIGKILL of the active vault instance, p50 and p99 over the kill runs of
 * {@link HaKillRun} (the 200-VM failover of {@link HaKillTakeoverTest}).
 *
 * <p>Equal durability, honestly: both run with {@code synchronous_commit = on} on the same server (fsync on), and a
 * record counts only once the commit covering it returned. The raw loop is what an application gets without the
 * store: PostgreSQL's own WAL flushing already lets concurrent commits share a flush, so the ratio is what the
 * store's single writer thread and its batching cost or gain against that.
 *
 * <p>Not a test: run with
 * <pre>
 * mvn -B -q -o -pl core,store-postgresql test-compile exec:java -Dsecondsite.pg.skipExec=false \
 *     -Dexec.classpathScope=test -Dexec.mainClass=dev.secondsite.store.postgresql.PostgresBenchmark
 * </pre>
 * ({@code -Dbench.seconds=5} per measurement, 5 by default; {@code -Dbench.only=appends}, {@code reopen} or
 * {@code takeover} runs one part; {@code -Dbench.kills=10} kills per run and {@code -Dbench.killRuns=1} runs for the
 * takeover figure). The embedded PostgreSQL server of the tests is used.
 */
public final class PostgresBenchmark {
    private static final String TYPE = "bench";
    private static final byte[] PAYLOAD = new byte[200];
    private static final int REOPEN_RECORDS = 1_000_000;

    private PostgresBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String only = System.getProperty("bench.only", "");
        if (only.isEmpty() || only.equals("appends")) {
            appends();
        }
        if (only.isEmpty() || only.equals("reopen")) {
            reopen("benchreopen_" + ProcessHandle.current().pid() + "_");
        }
        if (only.isEmpty() || only.equals("takeover")) {
            takeover(Integer.getInteger("bench.kills", 10), Integer.getInteger("bench.killRuns", 1));
        }
        System.exit(0);
    }

    private static void appends() throws Exception {
        double seconds = Double.parseDouble(System.getProperty("bench.seconds", "5"));
        long runNanos = (long) (seconds * 1e9);
        for (int writers : new int[] {4, 64}) {
            String prefix = "bench" + writers + "_" + ProcessHandle.current().pid() + "_";
            double raw = raw(prefix, writers, runNanos);
            double store = store(prefix, writers, runNanos);
            System.out.printf("%2d writers: store %,9.0f appends/s   raw insert+commit %,9.0f rows/s   ratio %.2f%n",
                    writers, store, raw, store / raw);
        }
    }

    /** SIGKILLs the active instance {@code kills} times in each of {@code runs} 200-VM failovers. */
    private static void takeover(int kills, int runs) throws Exception {
        List<Long> takeover = new ArrayList<>();
        List<Long> storeOpen = new ArrayList<>();
        List<Long> vaultOpen = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            Path work = Files.createTempDirectory("secondsite-ha-bench");
            long seed = System.nanoTime();
            HaKillRun.Result result = HaKillRun.run(work, seed, 200, kills);
            System.out.printf("takeover run %d (seed %d): %d kills, takeovers (ms) %s%n", run + 1, seed,
                    result.kills(), result.takeoverMillis());
            takeover.addAll(result.takeoverMillis());
            storeOpen.addAll(result.storeOpenMillis());
            vaultOpen.addAll(result.vaultOpenMillis());
        }
        System.out.println("takeover after SIGKILL of the active (kill -> standby ACTIVE): "
                + HaKillRun.Result.summary(takeover) + " (goal p99 <= 5000 ms)");
        System.out.println("   of which store open (lock won -> epoch raised): " + HaKillRun.Result.summary(storeOpen));
        System.out.println("   of which vault open (snapshot, replay, jobs resumed): "
                + HaKillRun.Result.summary(vaultOpen));
    }

    private static PostgresStoreOptions options(String prefix) {
        return PostgresStoreOptions.builder(TestDatabase.dataSource()).tablePrefix(prefix).build();
    }

    private static double store(String prefix, int writers, long runNanos) throws Exception {
        try (PostgresStateStore store = PostgresStateStore.open(options(prefix))) {
            LongAdder done = new LongAdder();
            long elapsed = timed(writers, runNanos, () -> {
                store.append(TYPE, PAYLOAD);
                done.increment();
            });
            System.out.printf("   store: %,d records in %,d commits%n", done.sum(), store.batchesWritten());
            return done.sum() / (elapsed / 1e9);
        }
    }

    private static double raw(String prefix, int writers, long runNanos) throws Exception {
        try (PostgresStateStore created = PostgresStateStore.open(options(prefix))) {
            created.lastSequence(); // only creates the tables, so that the raw table can copy the records' shape
        }
        TestDatabase.execute("CREATE TABLE " + prefix + "raw (LIKE " + prefix + "records INCLUDING ALL)");
        AtomicLong sequence = new AtomicLong();
        LongAdder done = new LongAdder();
        List<Connection> connections = new ArrayList<>();
        ThreadLocal<PreparedStatement> insert = ThreadLocal.withInitial(() -> {
            try {
                Connection c = TestDatabase.dataSource().getConnection();
                synchronized (connections) {
                    connections.add(c);
                }
                c.createStatement().execute("SET synchronous_commit TO on");
                c.setAutoCommit(false);
                return c.prepareStatement("INSERT INTO " + prefix + "raw (seq, type, payload, crc, epoch) "
                        + "VALUES (?, ?, ?, ?, 1)");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        byte[] typeBytes = TYPE.getBytes(StandardCharsets.UTF_8);
        long elapsed = timed(writers, runNanos, () -> {
            PreparedStatement s = insert.get();
            long seq = sequence.incrementAndGet();
            s.setLong(1, seq);
            s.setString(2, TYPE);
            s.setBytes(3, PAYLOAD);
            s.setInt(4, PostgresStateStore.crc(seq, typeBytes, PAYLOAD));
            s.executeUpdate();
            s.getConnection().commit();
            done.increment();
        });
        for (Connection c : connections) {
            c.close();
        }
        return done.sum() / (elapsed / 1e9);
    }

    /** Runs {@code op} on {@code writers} threads for about {@code runNanos}; returns the nanoseconds taken. */
    private static long timed(int writers, long runNanos, SqlOp op) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> threads = new ArrayList<>();
        long[] began = new long[1];
        for (int w = 0; w < writers; w++) {
            CompletableFuture<Void> finished = new CompletableFuture<>();
            threads.add(finished);
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    long end = began[0] + runNanos;
                    while (System.nanoTime() < end) {
                        op.run();
                    }
                    finished.complete(null);
                } catch (Throwable e) {
                    finished.completeExceptionally(e);
                }
            });
            t.start();
        }
        began[0] = System.nanoTime();
        start.countDown();
        for (CompletableFuture<Void> t : threads) {
            t.get(runNanos / 1_000_000 + 60_000, TimeUnit.MILLISECONDS);
        }
        return System.nanoTime() - began[0];
    }

    private static void reopen(String prefix) {
        long loadStart = System.nanoTime();
        try (PostgresStateStore store = PostgresStateStore.open(options(prefix))) {
            CompletableFuture<Long> last = null;
            for (int i = 0; i < REOPEN_RECORDS; i++) {
                last = store.appendOrdered(TYPE, PAYLOAD);
            }
            last.join();
        }
        System.out.printf("loaded %,d records in %.1f s (ordered appends from one thread)%n", REOPEN_RECORDS,
                (System.nanoTime() - loadStart) / 1e9);
        long start = System.nanoTime();
        long[] count = new long[1];
        try (PostgresStateStore store = PostgresStateStore.open(options(prefix))) {
            long opened = System.nanoTime();
            store.latestSnapshot();
            store.replay((StateStoreRecord r) -> count[0]++);
            long end = System.nanoTime();
            System.out.printf("reopen of %,d records: open %.2f s + replay %.2f s = %.2f s (goal <= 5 s)%n", count[0],
                    (opened - start) / 1e9, (end - opened) / 1e9, (end - start) / 1e9);
        }
    }

    @FunctionalInterface
    private interface SqlOp {
        void run() throws Exception;
    }
}
