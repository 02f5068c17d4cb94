package dev.secondsite.core.store;

import static dev.secondsite.core.store.JournalFormat.SEGMENT_HEADER_BYTES;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.spi.StateStore;
import dev.secondsite.core.spi.StateStoreClosedException;
import dev.secondsite.core.spi.StateStoreCorruptedException;
import dev.secondsite.core.spi.StateStoreException;
import dev.secondsite.core.spi.StateStoreLockedException;
import dev.secondsite.core.spi.StateStoreRecord;
import dev.secondsite.core.spi.StateStoreSnapshot;
import dev.secondsite.core.store.JournalRecovery.Plan;
import dev.secondsite.core.store.JournalRecovery.Segment;
import dev.secondsite.core.store.OpenReport.TornTail;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import javax.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link StateStore}: an append-only journal in a directory of its own.
 *
 * <p><b>Files.</b> Records go to segment files ({@code journal-<first sequence>.log}); a new segment starts when
 * the current one passes {@link JournalOptions#segmentBytes()}. Each record carries its length, a CRC32C and its
 * sequence (see {@code JournalFormat}). A snapshot ({@code snapshot-<upto>.snap}) is written to a temporary file,
 * forced, renamed over atomically and made durable by forcing the directory; then segments wholly covered by it
 * are deleted. {@code store.lock} holds an OS file lock while the store is open. {@code journal.head} names the
 * newest segment, replaced atomically whenever one starts. The directory is created 0700 and every file 0600 (POSIX;
 * owner-only ACL elsewhere).
 *
 * <p><b>Durability and group commit.</b> {@link #append(String, byte[])} returns only after its record was forced
 * to the disk ({@link FileChannel#force}). One writer thread does all journal I/O: appenders encode their record
 * into the batch being filled and wait; the writer takes the whole batch, writes it with one call, forces once and
 * wakes every appender of the batch. While it forces, the next batch fills, so N concurrent appenders share one
 * force. Appenders never touch the file themselves, so interrupting one cannot close the channel under the others
 * (an interrupted appender still waits for its record, then returns with its interrupt flag set).
 *
 * <p><b>Opening.</b> {@link #open(Path, JournalOptions)} reads and checks every record after the snapshot. A torn
 * record at the very end (a crash during a write) is cut off, logged at WARN with file and offset, and reported in
 * {@link #openReport()}; anything else that is damaged refuses the open with {@link StateStoreCorruptedException}
 * and leaves the files untouched. A second open of the same directory, from this process or another, is refused
 * with {@link StateStoreLockedException}.
 *
 * <p><b>Thread-safety.</b> Thread-safe: any number of threads may append, replay, snapshot and read the snapshot
 * at once. A replay's consumer runs on the replaying thread and may append, but must not write a snapshot or close
 * the store (both wait for replays to finish). After a write or force fails the store refuses every further call
 * with {@link StateStoreException}; reopen it to recover (the failed records may or may not be there).
 */
public final class JournalStore implements StateStore {
    private static final Logger log = LoggerFactory.getLogger(JournalStore.class);
    private static final boolean WINDOWS = File.separatorChar == '\\';
    /**
     * Lock files held by stores open in this JVM. Checked before the OS lock because the JVM holds OS locks per
     * process: a second channel's tryLock would throw, and closing that channel may release the first one's lock.
     */
    private static final Set<Path> LOCKED_HERE = ConcurrentHashMap.newKeySet();
    /** Appenders wait rather than grow a batch past this, so that it stays far from the 2 GiB an array holds. */
    private static final int MAX_BATCH_BYTES = 256 << 20;

    private final Path directory;
    private final JournalOptions options;
    private final OpenReport openReport;
    private final Path lockPath;
    private final FileChannel lockChannel;
    private final FileLock fileLock;
    private final Thread writer;

    /** Guards the batches, the sequence counters and the closed/failed state; appenders wait on it. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition batchReady = lock.newCondition();
    private Batch filling = new Batch(lock.newCondition());
    private Batch spare = new Batch(lock.newCondition());
    private long nextSequence;
    private long durableSequence;
    private boolean closed;
    private @Nullable Throwable failure;

    /** Guards the segment list and the active segment; held by the writer while it writes and forces a batch. */
    private final ReentrantLock ioLock = new ReentrantLock();
    private final List<Segment> segments;
    private FileChannel activeChannel;
    private long activeSize;
    private long writtenSequence;
    /** Written only by the writer thread; read by benchmarks to show how many records share a force. */
    private volatile long batchesWritten;

    /** Replays and snapshot reads share it; snapshot writes (which delete files) and close take it alone. */
    private final ReentrantReadWriteLock filesLock = new ReentrantReadWriteLock();
    private volatile @Nullable Path snapshotFile;
    private volatile long snapshotSequence;

    private JournalStore(Path directory, JournalOptions options, Path lockPath, FileChannel lockChannel,
                         FileLock fileLock, Plan plan, OpenReport openReport, FileChannel activeChannel,
                         long activeSize, List<Segment> segments) {
        this.directory = directory;
        this.options = options;
        this.lockPath = lockPath;
        this.lockChannel = lockChannel;
        this.fileLock = fileLock;
        this.openReport = openReport;
        this.activeChannel = activeChannel;
        this.activeSize = activeSize;
        this.segments = segments;
        this.snapshotFile = plan.snapshotFile();
        this.snapshotSequence = plan.snapshotSequence();
        this.nextSequence = plan.nextSequence();
        this.durableSequence = plan.nextSequence() - 1;
        this.writtenSequence = durableSequence;
        this.writer = new Thread(this::runWriter, "secondsite-journal-writer " + directory);
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Opens the store in {@code directory} with {@link JournalOptions#defaults()}; see
     * {@link #open(Path, JournalOptions)}.
     *
     * @throws StateStoreLockedException when the store is open elsewhere
     * @throws StateStoreCorruptedException when its files are damaged other than by a torn final write
     * @throws StateStoreException when the directory cannot be read or written
     */
    public static JournalStore open(Path directory) {
        return open(directory, JournalOptions.defaults());
    }

    /**
     * Opens (creating it if needed) the store in {@code directory}, which it then holds locked until
     * {@link #close()}: checks every record after the snapshot, cuts off a torn final write, removes leftovers of
     * interrupted snapshots and compactions. {@link #openReport()} says what was found.
     *
     * @throws StateStoreLockedException when the store is open elsewhere, in this process or another
     * @throws StateStoreCorruptedException naming file and byte offset when its files are damaged other than by a
     *         torn final write; nothing was changed
     * @throws StorePermissionsException when the directory or a file in it has POSIX group or others permissions
     *         and {@link JournalOptions#allowSharedPermissions()} is false
     * @throws StoreFileMissingException when the newest segment {@code journal.head} names is gone
     * @throws StateStoreException when the directory cannot be read or written
     */
    public static JournalStore open(Path directory, JournalOptions options) {
        Path dir;
        try {
            StoreFiles.createDirectory(directory);
            dir = directory.toRealPath();
            if (!options.allowSharedPermissions()) {
                StoreFiles.checkPrivate(dir);
            }
        } catch (IOException e) {
            throw new StateStoreException(directory, "cannot create or read the store directory: " + e, e);
        }
        Path lockPath = dir.resolve(JournalFormat.LOCK_FILE);
        if (!LOCKED_HERE.add(lockPath)) {
            throw new StateStoreLockedException(lockPath, "this process (" + ProcessHandle.current().pid() + ")",
                    null);
        }
        FileChannel lockChannel = null;
        FileLock fileLock = null;
        try {
            lockChannel = StoreFiles.open(lockPath, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE));
            fileLock = lock(lockPath, lockChannel);
            return recover(dir, options, lockPath, lockChannel, fileLock);
        } catch (IOException e) {
            release(lockChannel, fileLock, lockPath);
            throw new StateStoreException(dir, "cannot open the store: " + e, e);
        } catch (RuntimeException | Error e) {
            release(lockChannel, fileLock, lockPath);
            throw e;
        }
    }

    private static FileLock lock(Path lockPath, FileChannel lockChannel) throws IOException {
        FileLock fileLock;
        try {
            fileLock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            throw new StateStoreLockedException(lockPath, "this process (" + ProcessHandle.current().pid() + ")", e);
        }
        if (fileLock == null) {
            throw new StateStoreLockedException(lockPath, holder(lockChannel), null);
        }
        // Only a hint for the message another opener shows; the lock itself is what excludes.
        lockChannel.truncate(0);
        lockChannel.write(ByteBuffer.wrap(("process " + ProcessHandle.current().pid() + "\n")
                .getBytes(StandardCharsets.UTF_8)), 0);
        return fileLock;
    }

    private static @Nullable String holder(FileChannel lockChannel) {
        try {
            ByteBuffer content = ByteBuffer.allocate(64);
            lockChannel.read(content, 0);
            String text = new String(content.array(), 0, content.position(), StandardCharsets.UTF_8).strip();
            return text.startsWith("process ") ? text : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void release(@Nullable FileChannel lockChannel, @Nullable FileLock fileLock, Path lockPath) {
        try {
            if (fileLock != null) {
                fileLock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            log.warn("J3: could not release the store lock {}: {}", lockPath, e.toString());
        } finally {
            LOCKED_HERE.remove(lockPath);
        }
    }

    private static JournalStore recover(Path dir, JournalOptions options, Path lockPath, FileChannel lockChannel,
                                        FileLock fileLock) throws IOException {
        Plan plan = JournalRecovery.scan(dir);
        if (plan.truncate() != null) {
            try (FileChannel channel = FileChannel.open(plan.truncate(), StandardOpenOption.WRITE)) {
                channel.truncate(plan.truncateAt());
                channel.force(true);
            }
        }
        for (TornTail torn : plan.tornTails()) {
            log.warn("J3: discarded a torn write at the end of the journal: {} bytes of {} from byte offset {} ({})",
                    torn.bytesDiscarded(), torn.file(), torn.offset(), torn.reason());
        }
        List<Segment> segments = new ArrayList<>(plan.sealed());
        Segment active = plan.active();
        FileChannel activeChannel;
        long activeSize;
        // The new segment and the head naming it are made durable before anything is deleted, so that a crash in
        // between never leaves a head naming a segment that is gone.
        if (active == null) {
            active = new Segment(dir.resolve(JournalFormat.segmentName(plan.nextSequence())), plan.nextSequence());
            activeChannel = createSegment(dir, active);
            activeSize = SEGMENT_HEADER_BYTES;
        } else {
            activeChannel = FileChannel.open(active.path(), StandardOpenOption.WRITE);
            activeSize = plan.activeSize();
        }
        try {
            if (plan.head() != active.baseSequence()) {
                writeHead(dir, active.baseSequence());
            }
            for (Path file : plan.deletions()) {
                Files.deleteIfExists(file);
                log.info("J3: removed leftover store file {}", file);
            }
            if (!plan.deletions().isEmpty()) {
                forceDirectory(dir);
            }
        } catch (IOException | RuntimeException e) {
            activeChannel.close();
            throw e;
        }
        segments.add(active);
        OpenReport report = new OpenReport(plan.recordsScanned(), plan.nextSequence() - 1, plan.snapshotSequence(),
                segments.size(), plan.tornTails(), plan.deletions());
        return new JournalStore(dir, options, lockPath, lockChannel, fileLock, plan, report, activeChannel,
                activeSize, segments);
    }

    /** Creates a segment holding only its header, durably (file and directory entry forced). */
    private static FileChannel createSegment(Path dir, Segment segment) throws IOException {
        FileChannel channel = StoreFiles.open(segment.path(), Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE));
        try {
            ByteBuffer header = ByteBuffer.wrap(JournalFormat.segmentHeader(segment.baseSequence()));
            while (header.hasRemaining()) {
                channel.write(header, header.position());
            }
            channel.force(true);
            forceDirectory(dir);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(segment.path());
            throw e;
        }
    }

    /**
     * Records durably, by an atomic replace of the head file, that the newest segment starts at {@code newestSegment};
     * called after that segment itself is durable.
     */
    private static void writeHead(Path dir, long newestSegment) throws IOException {
        Path head = dir.resolve(JournalFormat.HEAD_FILE);
        Path temp = dir.resolve(JournalFormat.HEAD_FILE + JournalFormat.TEMP_SUFFIX);
        try (FileChannel channel = StoreFiles.open(temp, Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))) {
            ByteBuffer bytes = ByteBuffer.wrap(JournalFormat.headFile(newestSegment));
            while (bytes.hasRemaining()) {
                channel.write(bytes, bytes.position());
            }
            channel.force(true);
        }
        Files.move(temp, head, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(dir);
    }

    /** Makes renames, creations and deletions in {@code dir} durable. */
    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Windows cannot open a directory as a channel; NTFS journals its directory changes itself.
            if (!WINDOWS) {
                throw e;
            }
        }
    }

    /** What opening found and repaired. */
    public OpenReport openReport() {
        return openReport;
    }

    /** The store's directory (its real path). */
    public Path directory() {
        return directory;
    }

    public JournalOptions options() {
        return options;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Concurrent appends are made durable together by one force (group commit); each returns when its own
     * batch is on disk.
     *
     * @throws InvalidConfigurationException ({@code INPUT}) when the type is blank or longer than 255 bytes, or the
     *         record is larger than {@link JournalOptions#maxRecordBytes()}
     * @throws StateStoreClosedException when the store is closed
     * @throws StateStoreException when the record could not be made durable, or an earlier write failed
     */
    @Override
    public long append(String type, byte[] payload) {
        byte[] typeBytes = checkRecord(type, payload);
        boolean[] wasInterrupted = new boolean[1];
        boolean interrupted = false;
        lock.lock();
        try {
            long sequence = enqueue(typeBytes, payload, null, wasInterrupted);
            interrupted = wasInterrupted[0];
            Batch batch = filling; // the lock is still held: the record's batch is the one being filled
            while (durableSequence < sequence && failure == null) {
                // Uninterruptible: once the record is in a batch it may become durable, so we must learn whether.
                interrupted |= awaitDurable(batch);
            }
            if (durableSequence < sequence) {
                throw new StateStoreException(directory, "record " + sequence + " was not made durable: " + failure,
                        failure);
            }
            return sequence;
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private byte[] checkRecord(String type, byte[] payload) {
        byte[] typeBytes = StateStoreRecord.checkType(type);
        long recordBytes = JournalFormat.recordBytes(typeBytes.length, 0) + (long) payload.length;
        StateStoreRecord.checkSize(type, payload.length, recordBytes, options.maxRecordBytes());
        return typeBytes;
    }

    /**
     * Gives the record its sequence and puts it in the batch being filled (waiting first while that batch is full);
     * {@code durable}, if any, is completed by the writer. Called under {@link #lock}; sets {@code interrupted[0]}
     * when the thread was interrupted while waiting, for the caller to restore once it released the lock.
     */
    private long enqueue(byte[] typeBytes, byte[] payload, @Nullable CompletableFuture<Long> durable,
                         boolean[] interrupted) {
        checkUsable("append");
        long recordBytes = JournalFormat.recordBytes(typeBytes.length, payload.length);
        while (!filling.isEmpty() && filling.size + recordBytes > MAX_BATCH_BYTES) {
            interrupted[0] |= awaitDurable(filling);
            checkUsable("append");
        }
        long sequence = nextSequence++;
        Batch batch = filling;
        batch.add(sequence, typeBytes, payload);
        if (durable != null) {
            batch.waiters.add(new Waiter(sequence, durable));
        }
        if (batch.count == 1) {
            batchReady.signal();
        }
        return sequence;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The record joins the batch being filled, as {@link #append(String, byte[])} does; the writer thread
     * completes the future right after the force that made its batch durable.
     *
     * @throws InvalidConfigurationException ({@code INPUT}) as {@link #append(String, byte[])}
     * @throws StateStoreClosedException when the store is closed
     * @throws StateStoreException when an earlier write failed
     */
    @Override
    public CompletableFuture<Long> appendOrdered(String type, byte[] payload) {
        byte[] typeBytes = checkRecord(type, payload);
        CompletableFuture<Long> durable = new CompletableFuture<>();
        boolean[] interrupted = new boolean[1];
        lock.lock();
        try {
            enqueue(typeBytes, payload, durable, interrupted);
        } finally {
            lock.unlock();
            if (interrupted[0]) {
                Thread.currentThread().interrupt();
            }
        }
        return durable;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reads with large buffered reads, one system call per megabyte rather than per record, and checks every
     * record's CRC32C again.
     *
     * @throws InvalidConfigurationException ({@code INPUT}) when {@code fromSequence} is negative
     * @throws StateStoreCorruptedException when a record read back is damaged
     * @throws StateStoreClosedException when the store is closed
     * @throws StateStoreException when reading fails, or an earlier write failed
     */
    @Override
    public void replay(long fromSequence, Consumer<? super StateStoreRecord> consumer) {
        StateStoreRecord.checkFromSequence(fromSequence);
        filesLock.readLock().lock();
        try {
            checkUsable("replay");
            long first = Math.max(fromSequence, snapshotSequence + 1);
            List<Segment> toRead;
            long activeEnd;
            long last;
            ioLock.lock();
            try {
                toRead = List.copyOf(segments);
                activeEnd = activeSize;
                last = writtenSequence;
            } finally {
                ioLock.unlock();
            }
            for (int i = 0; i < toRead.size(); i++) {
                boolean isLast = i == toRead.size() - 1;
                long segmentLast = isLast ? last : toRead.get(i + 1).baseSequence() - 1;
                if (segmentLast >= first) {
                    replaySegment(toRead.get(i), isLast ? activeEnd : -1, first, consumer);
                }
            }
        } catch (IOException e) {
            throw new StateStoreException(directory, "cannot read the journal: " + e, e);
        } finally {
            filesLock.readLock().unlock();
        }
    }

    private void replaySegment(Segment segment, long end, long first, Consumer<? super StateStoreRecord> consumer)
            throws IOException {
        try (FileChannel channel = FileChannel.open(segment.path(), StandardOpenOption.READ)) {
            SegmentReader reader = SegmentReader.open(channel, segment.path(), segment.baseSequence(),
                    end < 0 ? channel.size() : end);
            SegmentReader.Outcome outcome;
            while ((outcome = reader.next()) == SegmentReader.Outcome.RECORD) {
                if (reader.sequence() >= first) {
                    consumer.accept(new StateStoreRecord(reader.sequence(), reader.type(), reader.payload()));
                }
            }
            if (outcome != SegmentReader.Outcome.END) {
                throw new StateStoreCorruptedException(segment.path(), reader.recordOffset(), reader.problem());
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Writes {@code snapshot-<upto>.snap.tmp}, forces it, renames it over atomically, forces the directory,
     * then deletes the previous snapshot and every segment wholly covered (starting a new segment first when the
     * current one is). A crash before the rename leaves the old snapshot current and a temporary file that the
     * next open removes; a crash after it leaves covered segments that the next open removes.
     *
     * @throws InvalidConfigurationException ({@code INPUT}) when {@code uptoSequence} is below the current
     *         snapshot's or above {@link #lastSequence()}
     * @throws IllegalStateException when called from a replay's consumer
     * @throws StateStoreClosedException when the store is closed
     * @throws StateStoreException when the snapshot could not be made durable (the old one is still current),
     *         or the compaction after it failed (the new one is current; the store must be reopened)
     */
    @Override
    public void writeSnapshot(long uptoSequence, byte[] state) {
        if (filesLock.getReadHoldCount() > 0) {
            throw new IllegalStateException("J3: writeSnapshot must not be called from a replay's consumer");
        }
        filesLock.writeLock().lock();
        try {
            long last;
            lock.lock();
            try {
                checkUsable("write a snapshot");
                last = Math.max(durableSequence, snapshotSequence);
            } finally {
                lock.unlock();
            }
            long lowest = Math.max(snapshotSequence, 0);
            StateStoreRecord.checkSnapshotRange(uptoSequence, lowest, last);
            Path target = directory.resolve(JournalFormat.snapshotName(uptoSequence));
            writeSnapshotFile(target, JournalFormat.snapshotFile(uptoSequence, state));
            Path previous = snapshotFile;
            snapshotFile = target;
            snapshotSequence = uptoSequence;
            try {
                if (previous != null && !previous.equals(target)) {
                    Files.deleteIfExists(previous);
                }
                compact(uptoSequence);
            } catch (IOException | RuntimeException e) {
                fail(e);
                throw new StateStoreException(directory, "snapshot " + uptoSequence
                        + " is durable but compacting the journal failed; reopen the store: " + e, e);
            }
        } finally {
            filesLock.writeLock().unlock();
        }
    }

    private void writeSnapshotFile(Path target, byte[] content) {
        Path temp = target.resolveSibling(target.getFileName() + JournalFormat.TEMP_SUFFIX);
        try {
            try (FileChannel channel = StoreFiles.open(temp, Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))) {
                ByteBuffer bytes = ByteBuffer.wrap(content);
                while (bytes.hasRemaining()) {
                    channel.write(bytes, bytes.position());
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(directory);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new StateStoreException(target, "cannot write the snapshot: " + e, e);
        }
    }

    /** Deletes the segments wholly covered by a snapshot up to {@code upto}, oldest first. */
    private void compact(long upto) throws IOException {
        ioLock.lock();
        try {
            if (writtenSequence <= upto && activeSize > SEGMENT_HEADER_BYTES) {
                roll(writtenSequence + 1);
            }
            while (segments.size() > 1 && segments.get(1).baseSequence() - 1 <= upto) {
                Files.delete(segments.get(0).path());
                segments.remove(0);
            }
        } finally {
            ioLock.unlock();
        }
    }

    /** Seals the active segment and starts a new one at {@code baseSequence}. Called under {@link #ioLock}. */
    private void roll(long baseSequence) throws IOException {
        Segment next = new Segment(directory.resolve(JournalFormat.segmentName(baseSequence)), baseSequence);
        FileChannel channel = createSegment(directory, next);
        try {
            writeHead(directory, baseSequence);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        FileChannel sealed = activeChannel;
        activeChannel = channel;
        activeSize = SEGMENT_HEADER_BYTES;
        segments.add(next);
        sealed.close();
    }

    /**
     * {@inheritDoc}
     *
     * @throws StateStoreCorruptedException when the snapshot file is damaged
     * @throws StateStoreClosedException when the store is closed
     * @throws StateStoreException when reading fails, or an earlier write failed
     */
    @Override
    public Optional<StateStoreSnapshot> latestSnapshot() {
        filesLock.readLock().lock();
        try {
            checkUsable("read the snapshot");
            Path file = snapshotFile;
            if (file == null) {
                return Optional.empty();
            }
            byte[] content = Files.readAllBytes(file);
            String problem = JournalFormat.snapshotProblem(content, snapshotSequence);
            if (problem != null) {
                throw new StateStoreCorruptedException(file, 0, problem);
            }
            return Optional.of(new StateStoreSnapshot(snapshotSequence,
                    Arrays.copyOfRange(content, JournalFormat.SNAPSHOT_HEADER_BYTES, content.length)));
        } catch (IOException e) {
            throw new StateStoreException(directory, "cannot read the snapshot: " + e, e);
        } finally {
            filesLock.readLock().unlock();
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
                throw new StateStoreClosedException(directory, "read the last sequence");
            }
            return Math.max(durableSequence, snapshotSequence);
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Waits for running replays and snapshots, lets the writer finish the appends it accepted, stops it, and
     * releases the lock.
     *
     * @throws IllegalStateException when called from a replay's consumer
     * @throws StateStoreException when the journal or the lock file cannot be closed
     */
    @Override
    public void close() {
        if (filesLock.getReadHoldCount() > 0) {
            throw new IllegalStateException("J3: close must not be called from a replay's consumer");
        }
        filesLock.writeLock().lock();
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
            wakeAll();
            ioLock.lock();
            try {
                activeChannel.close();
            } catch (IOException e) {
                throw new StateStoreException(directory, "cannot close the journal: " + e, e);
            } finally {
                ioLock.unlock();
                release(lockChannel, fileLock, lockPath);
            }
        } finally {
            filesLock.writeLock().unlock();
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

    /**
     * Waits until {@code batch} was written (or the store failed); returns whether the thread was interrupted
     * meanwhile. Each batch has its own condition so that a force wakes only the appenders it made durable.
     */
    private boolean awaitDurable(Batch batch) {
        try {
            batch.durable.await();
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }

    /** Throws when the store is closed or broken. Called under {@link #lock} or {@link #filesLock}. */
    private void checkUsable(String operation) {
        lock.lock();
        try {
            if (closed) {
                throw new StateStoreClosedException(directory, operation);
            }
            if (failure != null) {
                throw new StateStoreException(directory, "cannot " + operation
                        + ": an earlier write failed; reopen the store (" + failure + ")", failure);
            }
        } finally {
            lock.unlock();
        }
    }

    private void runWriter() {
        while (true) {
            Batch batch;
            lock.lock();
            try {
                while (filling.isEmpty() && !closed) {
                    batchReady.awaitUninterruptibly();
                }
                if (filling.isEmpty()) {
                    return;
                }
                batch = filling;
                filling = spare;
                // The batch in flight waits as the spare; it is only filled again after it was written and cleared.
                spare = batch;
            } finally {
                lock.unlock();
            }
            try {
                writeDurably(batch);
            } catch (IOException | RuntimeException | Error e) {
                fail(e);
                return;
            }
            List<Waiter> waiters;
            lock.lock();
            try {
                durableSequence = batch.lastSequence;
                batch.durable.signalAll();
                waiters = batch.takeWaiters();
                batch.clear();
            } finally {
                lock.unlock();
            }
            completeWaiters(waiters, null);
        }
    }

    /**
     * Completes the futures of ordered appends with their sequences or, when {@code failure} is set, exceptionally.
     * Called without the lock, since a future runs what depends on it.
     */
    private void completeWaiters(List<Waiter> waiters, @Nullable Throwable failure) {
        for (Waiter w : waiters) {
            if (failure != null) {
                w.future.completeExceptionally(new StateStoreException(directory, "record " + w.sequence
                        + " was not made durable: " + failure, failure));
            } else {
                w.future.complete(w.sequence);
            }
        }
    }

    private void writeDurably(Batch batch) throws IOException {
        ioLock.lock();
        try {
            if (activeSize > SEGMENT_HEADER_BYTES && activeSize + batch.size > options.segmentBytes()) {
                roll(batch.firstSequence);
            }
            ByteBuffer bytes = ByteBuffer.wrap(batch.bytes, 0, batch.size);
            while (bytes.hasRemaining()) {
                activeChannel.write(bytes, activeSize + bytes.position());
            }
            // force(false) is fdatasync on Linux: it writes the file's size too, which is all the metadata we need.
            activeChannel.force(false);
            activeSize += batch.size;
            writtenSequence = batch.lastSequence;
            batchesWritten = batchesWritten + 1;
        } finally {
            ioLock.unlock();
        }
    }

    private void fail(Throwable cause) {
        log.error("J3: journal write failed in {}; the store refuses further calls until reopened", directory, cause);
        List<Waiter> waiters = new ArrayList<>();
        lock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            // no record is taken once failure is set, so these are the last ordered appends to settle
            waiters.addAll(spare.takeWaiters());
            waiters.addAll(filling.takeWaiters());
        } finally {
            lock.unlock();
        }
        wakeAll();
        completeWaiters(waiters, cause);
    }

    private void wakeAll() {
        lock.lock();
        try {
            filling.durable.signalAll();
            spare.durable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** How many batches (each one write and one force) the writer has made durable since open. */
    long batchesWritten() {
        return batchesWritten;
    }

    @Override
    public String toString() {
        return "JournalStore[" + directory + "]";
    }

    /** An ordered append waiting for its record to be durable. */
    private record Waiter(long sequence, CompletableFuture<Long> future) {
    }

    /** Records encoded back to back, waiting to be written with one call. Guarded by {@link #lock}. */
    private static final class Batch {
        private static final int INITIAL_BYTES = 64 << 10;
        private final CRC32C crc = new CRC32C();
        private final Condition durable;
        private byte[] bytes = new byte[INITIAL_BYTES];
        private int size;
        private int count;
        private long firstSequence;
        private long lastSequence;
        private List<Waiter> waiters = new ArrayList<>();

        Batch(Condition durable) {
            this.durable = durable;
        }

        boolean isEmpty() {
            return count == 0;
        }

        void add(long sequence, byte[] type, byte[] payload) {
            int needed = size + JournalFormat.recordBytes(type.length, payload.length);
            if (needed > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(needed, bytes.length * 2));
            }
            size = JournalFormat.encodeRecord(bytes, size, sequence, type, payload, crc);
            if (count++ == 0) {
                firstSequence = sequence;
            }
            lastSequence = sequence;
        }

        /** The ordered appends of this batch, which it forgets. */
        List<Waiter> takeWaiters() {
            if (waiters.isEmpty()) {
                return List.of();
            }
            List<Waiter> taken = waiters;
            waiters = new ArrayList<>();
            return taken;
        }

        void clear() {
            size = 0;
            count = 0;
            if (bytes.length > 16 * INITIAL_BYTES) {
                bytes = new byte[INITIAL_BYTES];
            }
        }
    }
}
