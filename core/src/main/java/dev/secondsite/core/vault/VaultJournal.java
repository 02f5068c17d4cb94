package dev.secondsite.core.vault;

import dev.secondsite.core.job.JobEvent;
import dev.secondsite.core.job.JobJournal;
import dev.secondsite.core.spi.StateStore;
import dev.secondsite.core.spi.StateStoreFencedException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable vault's journal of job events in its store, and the points its snapshots cut the journal at (J3, J4).
 *
 * <p><b>The cut.</b> A snapshot taken while jobs run must stand for exactly the records up to one sequence: replaying
 * the records after it on top must lose and double nothing. Every record of the vault is appended either under the
 * vault's lock (its own records and the {@code Applied} records of job steps, each followed under the same lock by
 * its effect on the configuration) or, for job events, under this journal's gate (shared) while the engine holds the
 * job's lock, counting the job's events as it goes. {@link #mark} appends a {@link VaultRecord.Cut} while the caller
 * holds the vault's lock and this journal holds the gate alone: so every record before the cut's sequence {@code M}
 * is reflected in the configuration read under that lock, and in the first {@code n} events of each job, {@code n}
 * being the count read with it; every record after {@code M} in neither. The engine's cut taken afterwards holds at
 * least those {@code n} events of each job it keeps whole (an event is applied to its job under the engine's lock
 * before the engine lets a cut through), and the snapshot keeps exactly them. A job compacted meanwhile is kept as
 * its summary, which stands for all its events (replay skips them).
 *
 * <p><b>When.</b> Once {@code every} records were journaled since the last cut, and they take at least the bytes of
 * the last snapshot, a snapshot is requested on the journal's own single thread: never on a job's thread, never two
 * at once. The second condition keeps a large vault from rewriting its whole state every few records: snapshots
 * then cost about what journaling does, and the journal after the last snapshot stays within {@code every} records
 * or one snapshot's size, whichever is more.
 *
 * <p>Thread-safe.
 */
final class VaultJournal implements JobJournal {
    private static final Logger LOG = LoggerFactory.getLogger(VaultJournal.class);
    static final String CUT = "vault.cut";

    /** The records a snapshot stands for: the journaled events of each job at the cut, and the cut's sequence. */
    record Mark(Map<String, Integer> eventCounts, CompletableFuture<Long> sequence) {
    }

    private final StateStore store;
    private final JobJournal extra;
    private final int every;
    /** Shared by job event appends, held alone by {@link #mark}: no job event takes a sequence across a cut. */
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    /** Per job not compacted: how many of its events are journaled. */
    private final Map<String, AtomicInteger> journaled = new ConcurrentHashMap<>();
    private final AtomicLong sinceCut = new AtomicLong();
    private final AtomicLong bytesSinceCut = new AtomicLong();
    /** The size of the last snapshot written. */
    private volatile long lastSnapshotBytes;
    private final AtomicBoolean requested = new AtomicBoolean();
    private final ThreadPoolExecutor snapshots;
    private volatile Runnable snapshot = () -> { };
    private volatile boolean started;
    /** The first refusal of the store that stops it taking records (a failed append, a fenced snapshot). */
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

    VaultJournal(StateStore store, JobJournal extra, int every) {
        this.store = store;
        this.extra = extra;
        this.every = every;
        this.snapshots = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "secondsite-snapshot");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void append(JobEvent event) {
        CompletableFuture<Long> durable = appendOrdered(event);
        try {
            durable.join();
        } catch (CompletionException e) {
            // the store's own exception, as its append would have thrown it
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    @Override
    public CompletableFuture<Long> appendOrdered(JobEvent event) {
        // encoded outside the gate: only taking the sequence and counting happen under it
        byte[] payload = JournalCodec.encodeEvent(event);
        CompletableFuture<Long> durable;
        gate.readLock().lock();
        try {
            // in order now, durable later: the engine waits for it, holding no lock, before the event's effect, so
            // that the events of many tasks share one force
            durable = store.appendOrdered(JournalCodec.JOB_EVENT, payload);
            journaled.computeIfAbsent(event.jobId(), id -> new AtomicInteger()).incrementAndGet();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
            throw e;
        } finally {
            gate.readLock().unlock();
        }
        extra.append(event);
        counted(payload.length);
        durable.whenComplete((sequence, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error instanceof CompletionException c && c.getCause()
                        instanceof RuntimeException r ? r : error instanceof RuntimeException r ? r
                        : new IllegalStateException(error));
            }
        });
        return durable;
    }

    @Override
    public Optional<RuntimeException> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** A job adopted from the store at open, with the {@code events} it had there; its next events count on. */
    void adopted(String jobId, int events) {
        journaled.put(jobId, new AtomicInteger(events));
    }

    /** The job was compacted to its summary: it journals nothing more, and a snapshot keeps only its summary. */
    void forget(String jobId) {
        journaled.remove(jobId);
    }

    /** A record of {@code bytes} was journaled. */
    void counted(int bytes) {
        if (every > 0) {
            long size = bytesSinceCut.addAndGet(bytes);
            if (sinceCut.incrementAndGet() >= every && size >= lastSnapshotBytes) {
                request();
            }
        }
    }

    /** A snapshot of {@code bytes} was written. */
    void written(long bytes) {
        lastSnapshotBytes = bytes;
    }

    /**
     * Appends the cut. The caller holds the vault's lock, so no record of the vault's is appended meanwhile.
     *
     * @throws RuntimeException the store's exception when it refuses the record
     */
    Mark mark(Instant at) {
        byte[] payload = JournalCodec.encode(new VaultRecord.Cut(at));
        gate.writeLock().lock();
        try {
            Map<String, Integer> counts = new HashMap<>(journaled.size() * 2);
            journaled.forEach((id, n) -> counts.put(id, n.get()));
            CompletableFuture<Long> sequence = store.appendOrdered(CUT, payload);
            sinceCut.set(0);
            bytesSinceCut.set(0);
            return new Mark(counts, sequence);
        } finally {
            gate.writeLock().unlock();
        }
    }

    /** From now on requests run {@code snapshot} (the vault is built). */
    void start(Runnable snapshot) {
        this.snapshot = snapshot;
        this.started = true;
    }

    /** Asks for a snapshot on the journal's thread, unless one is asked for or running already. */
    void request() {
        if (!started || !requested.compareAndSet(false, true)) {
            return;
        }
        try {
            snapshots.execute(this::runSnapshot);
        } catch (RejectedExecutionException closed) {
            requested.set(false);
        }
    }

    private void runSnapshot() {
        try {
            snapshot.run();
        } catch (RuntimeException e) {
            if (e instanceof StateStoreFencedException) {
                // another vault instance took the store over: it takes no more records from this one
                failure.compareAndSet(null, e);
            }
            // the journal still holds every record; the next cut tries again after as many records more
            sinceCut.set(0);
            bytesSinceCut.set(0);
            LOG.warn("J3: the vault could not write a snapshot; its journal keeps every record meanwhile: {}",
                    e.toString());
        } finally {
            requested.set(false);
        }
    }

    /**
     * Takes no more requests, lets a snapshot asked for already finish and, when snapshots are taken while the vault
     * runs and records were journaled since the last cut, writes one more, so that the next open reads a snapshot
     * rather than replaying records (each is one cut: bounded). Called once the engine is closed.
     */
    void close() {
        if (every > 0 && started) {
            try {
                snapshots.execute(() -> {
                    if (sinceCut.get() > 0) {
                        runSnapshot();
                    }
                });
            } catch (RejectedExecutionException closed) {
                // closed before: nothing more to write
            }
        }
        snapshots.shutdown();
        try {
            if (!snapshots.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.warn("J3: a snapshot still runs after a minute; the store closes under it and keeps the last one");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the journal's thread is writing a snapshot or has one to write (tests wait for it to be idle). */
    boolean snapshotPending() {
        return requested.get();
    }
}
