package dev.secondsite.core.store;

import dev.secondsite.core.spi.StateStoreRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Durable appends per second of {@link JournalStore} with group commit, against raw {@link FileChannel} write and
 * force loops writing the same bytes in the same run, and the time to reopen a store of 1,000,000 records.
 *
 * <p>Equal durability, honestly: a record counts only once a force covering it returned. One writer therefore
 * compares with a raw loop that forces once per record. With N writers the journal forces once per batch, so the
 * fair limit is a raw loop that writes batches of the same sizes (the mean the journal achieved) and forces once
 * per batch, from one thread with nothing to coordinate: the ratio to it is what group commit's coordination costs.
 * The per-record loop is printed too, as what one would get without group commit.
 *
 * <p>Not a test: run with
 * {@code mvn -B -q -pl core test-compile exec:java -Dsecondsite.skipExec=false -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.secondsite.core.store.JournalBenchmark} (seconds per method and writer count: {@code -Dbench.seconds=3}).
 * Files go to a temporary directory that is deleted afterwards.
 */
public final class JournalBenchmark {
    private static final String TYPE = "bench";
    private static final int RECORD_BYTES = 200;
    private static final byte[] PAYLOAD = new byte[RECORD_BYTES - JournalFormat.recordBytes(TYPE.length(), 0)];
    private static final int REOPEN_RECORDS = 1_000_000;
    private static final int SLICES = 8;

    private final Path root;
    private final long runNanos;

    private JournalBenchmark(Path root, double seconds) {
        this.root = root;
        this.runNanos = (long) (seconds * 1e9);
    }

    public static void main(String[] args) throws Exception {
        double seconds = Double.parseDouble(System.getProperty("bench.seconds", "3"));
        Path root = Files.createTempDirectory("secondsite-journal-bench");
        try {
            new JournalBenchmark(root, seconds).run();
        } finally {
            try (Stream<Path> all = Files.walk(root)) {
                for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private void run() throws Exception {
        System.out.printf("records of %d bytes on disk; per writer count, %d slices of %.2f s alternate between the "
                        + "journal and the two raw loops (the disk is shared and its force latency drifts), "
                        + "files under %s (deleted afterwards)%n", RECORD_BYTES, SLICES, runNanos / 1e9 / SLICES,
                root);
        try (JournalStore warmup = JournalStore.open(root.resolve("warmup"))) {
            groupCommit(warmup, 8, runNanos / 4);
        }
        for (int writers : new int[] {1, 4, 64}) {
            Totals journal = new Totals();
            Totals batched = new Totals();
            Totals perRecord = new Totals();
            long forces = 0;
            double[] sliceRatios = new double[SLICES];
            try (JournalStore store = JournalStore.open(root.resolve("journal-" + writers));
                 RawFile batchedFile = new RawFile(root.resolve("raw-batched-" + writers));
                 RawFile perRecordFile = new RawFile(root.resolve("raw-per-record-" + writers))) {
                long sliceNanos = runNanos / SLICES;
                for (int slice = 0; slice < SLICES; slice++) {
                    long forcesBefore = store.batchesWritten();
                    double[] result = groupCommit(store, writers, sliceNanos);
                    journal.add(result);
                    long sliceForces = store.batchesWritten() - forcesBefore;
                    forces += sliceForces;
                    double[] raw = batchedFile.loop(batchSizes(result[0] / sliceForces), sliceNanos);
                    batched.add(raw);
                    perRecord.add(perRecordFile.loop(List.of(1), sliceNanos));
                    sliceRatios[slice] = (result[0] / result[1]) / (raw[0] / raw[1]);
                }
            }
            Arrays.sort(sliceRatios);
            System.out.printf("%n%d writer(s):%n", writers);
            System.out.printf("  %-48s %9.0f records/s  (%.1f records per force)%n", "journal, group commit",
                    journal.rate(), journal.records / forces);
            System.out.printf("  %-48s %9.0f records/s%n", "raw write+force of the same batches (1 thread)",
                    batched.rate());
            System.out.printf("  %-48s %9.0f records/s%n", "raw write+force per record (1 thread)", perRecord.rate());
            System.out.printf("  ratio journal / batched raw    = %.2f   (per slice: min %.2f, median %.2f, max %.2f)%n",
                    journal.rate() / batched.rate(), sliceRatios[0], sliceRatios[SLICES / 2],
                    sliceRatios[SLICES - 1]);
            System.out.printf("  ratio journal / per-record raw = %.2f%n", journal.rate() / perRecord.rate());
        }
        reopen();
    }

    /** Records and nanoseconds summed over slices. */
    private static final class Totals {
        private double records;
        private double nanos;

        void add(double[] recordsAndNanos) {
            records += recordsAndNanos[0];
            nanos += recordsAndNanos[1];
        }

        double rate() {
            return records * 1e9 / nanos;
        }
    }

    /** Returns {records appended, nanoseconds taken}. */
    private static double[] groupCommit(JournalStore store, int writers, long nanos) throws InterruptedException {
        LongAdder appended = new LongAdder();
        CountDownLatch ready = new CountDownLatch(writers);
        CountDownLatch start = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            Thread thread = new Thread(() -> {
                ready.countDown();
                awaitQuietly(start);
                long count = 0;
                while (System.nanoTime() < deadline[0]) {
                    store.append(TYPE, PAYLOAD);
                    count++;
                }
                appended.add(count);
            });
            thread.start();
            threads.add(thread);
        }
        ready.await();
        long began = System.nanoTime();
        deadline[0] = began + nanos;
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        return new double[] {appended.sum(), System.nanoTime() - began};
    }

    /** Batch sizes cycling so that their mean is {@code mean}, as the journal's were. */
    private static List<Integer> batchSizes(double mean) {
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            sizes.add((int) (Math.floor((i + 1) * mean) - Math.floor(i * mean)));
        }
        return sizes;
    }

    /** A file that one thread appends the journal's own record bytes to, forcing after each batch. */
    private static final class RawFile implements AutoCloseable {
        private final FileChannel channel;
        private final byte[] bytes = new byte[4096 * RECORD_BYTES];
        private long position;

        RawFile(Path file) throws IOException {
            channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            CRC32C crc = new CRC32C();
            for (int i = 0; i < 4096; i++) {
                JournalFormat.encodeRecord(bytes, i * RECORD_BYTES, i + 1, TYPE.getBytes(), PAYLOAD, crc);
            }
        }

        /** Writes batches of the given record counts in turn until the time is up; {records, nanoseconds}. */
        double[] loop(List<Integer> batchRecords, long nanos) throws IOException {
            long records = 0;
            long began = System.nanoTime();
            long deadline = began + nanos;
            for (int i = 0; System.nanoTime() < deadline; i = (i + 1) % batchRecords.size()) {
                ByteBuffer batch = ByteBuffer.wrap(bytes, 0, batchRecords.get(i) * RECORD_BYTES);
                while (batch.hasRemaining()) {
                    position += channel.write(batch, position);
                }
                channel.force(false);
                records += batchRecords.get(i);
            }
            return new double[] {records, System.nanoTime() - began};
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private void reopen() throws IOException {
        Path dir = root.resolve("reopen");
        long began = System.nanoTime();
        writeJournalFiles(dir, REOPEN_RECORDS);
        System.out.printf("%nwrote %,d records (%,d MB in segment files) in %.2f s%n", REOPEN_RECORDS,
                (long) REOPEN_RECORDS * RECORD_BYTES >> 20, (System.nanoTime() - began) / 1e9);
        for (int round = 1; round <= 3; round++) {
            long openStart = System.nanoTime();
            // the files are laid down by hand with the process umask, not by the store: allow that here
            try (JournalStore store = JournalStore.open(dir, JournalOptions.defaults().withAllowSharedPermissions(true))) {
                long opened = System.nanoTime();
                long[] replayed = new long[1];
                store.replay((StateStoreRecord record) -> replayed[0] += record.payloadLength());
                long done = System.nanoTime();
                if (store.openReport().recordsScanned() != REOPEN_RECORDS) {
                    throw new IllegalStateException("scanned " + store.openReport());
                }
                System.out.printf("reopen %d: open (scan + CRC of every record) %.3f s, replay of all %.3f s, "
                                + "together %.3f s (page cache warm)%n", round, (opened - openStart) / 1e9,
                        (done - opened) / 1e9, (done - openStart) / 1e9);
            }
        }
    }

    /** Lays down what a journal of {@code count} records looks like, with the store's own encoder and layout. */
    private static void writeJournalFiles(Path dir, int count) throws IOException {
        Files.createDirectories(dir);
        int perSegment = (JournalOptions.DEFAULT_SEGMENT_BYTES - JournalFormat.SEGMENT_HEADER_BYTES) / RECORD_BYTES;
        byte[] type = TYPE.getBytes();
        CRC32C crc = new CRC32C();
        byte[] chunk = new byte[4096 * RECORD_BYTES];
        for (long base = 1; base <= count; base += perSegment) {
            Path segment = dir.resolve(JournalFormat.segmentName(base));
            try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(JournalFormat.segmentHeader(base)));
                long end = Math.min(count + 1L, base + perSegment);
                for (long sequence = base; sequence < end; ) {
                    int used = 0;
                    for (; sequence < end && used < chunk.length; sequence++) {
                        used = JournalFormat.encodeRecord(chunk, used, sequence, type, PAYLOAD, crc);
                    }
                    ByteBuffer bytes = ByteBuffer.wrap(chunk, 0, used);
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                }
                channel.force(true);
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
