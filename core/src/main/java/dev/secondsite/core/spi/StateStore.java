package dev.secondsite.core.spi;

import dev.secondsite.core.InvalidConfigurationException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Where the vault keeps its durable state (J3): an append-only journal of opaque records, each numbered by a
 * sequence that starts at 1 and grows by one per record, plus at most one current snapshot that stands for every
 * record up to its {@link StateStoreSnapshot#uptoSequence()}. The vault rebuilds itself from
 * {@link #latestSnapshot()} and then {@link #replay(long, Consumer)} of the records after it.
 *
 * <p>A store knows nothing of what records mean: a record is a short type tag and a payload of bytes. It promises
 * that an acknowledged record (one whose {@link #append(String, byte[])} returned) survives a crash of the process
 * and of the machine, and that a record never appears twice or out of order.
 *
 * <p>Implementations are thread-safe: any number of threads may append, replay and snapshot at once. Every method
 * throws {@link StateStoreClosedException} once {@link #close()} was called, and {@link StateStoreException} when
 * the storage under the store fails.
 */
public interface StateStore extends AutoCloseable {

    /**
     * Appends a record and returns once it is durable.
     *
     * @param type a tag saying what the payload is, e.g. {@code "job.started"}; 1 to 255 bytes of UTF-8
     * @param payload the record's bytes; copied before the method returns
     * @return the record's sequence number, one more than the previous record's
     * @throws InvalidConfigurationException ({@code INPUT}) when the type is blank or too long, or the payload is
     *         larger than the store accepts
     * @throws StateStoreClosedException when the store is closed
     * @throws StateStoreException when the record could not be made durable; it may or may not be present after
     *         the store is reopened, and the store refuses every later call until it is reopened
     */
    long append(String type, byte[] payload);

    /**
     * Appends a record whose payload is {@code text} in UTF-8; see {@link #append(String, byte[])}.
     *
     * @throws InvalidConfigurationException as {@link #append(String, byte[])}
     * @throws StateStoreClosedException when the store is closed
     * @throws StateStoreException when the record could not be made durable
     */
    default long append(String type, String text) {
        return append(type, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Appends a record in order without waiting for it to become durable: the record takes its sequence before the
     * method returns (so records appended one after the other by one thread, or under one lock, are journaled in
     * that order), and the returned future completes with that sequence once the record is durable. A caller that
     * must not act before its record is durable (the job engine sends no command before the event announcing it is)
     * waits on the future outside its locks, so that records appended under different locks, or one after the other,
     * share one force. A durable record makes every earlier record durable too.
     *
     * <p>The future may complete on a thread of the store's own; what depends on it should hand longer work on.
     * The default appends with {@link #append(String, byte[])} and returns a completed future.
     *
     * @param type as {@link #append(String, byte[])}
     * @param payload as {@link #append(String, byte[])}; copied before the method returns
     * @return the record's sequence once durable; completes exceptionally with {@link StateStoreException} when
     *         the record could not be made durable (the store then refuses every later call until reopened)
     * @throws InvalidConfigurationException as {@link #append(String, byte[])}
     * @throws StateStoreClosedException when the store is closed
     * @throws StateStoreException when an earlier write failed (the record was not taken)
     */
    default CompletableFuture<Long> appendOrdered(String type, byte[] payload) {
        return CompletableFuture.completedFuture(append(type, payload));
    }

    /**
     * Hands {@code consumer}, in sequence order and on the calling thread, every acknowledged record whose sequence
     * is at least {@code fromSequence} and greater than the latest snapshot's {@code uptoSequence}. Records covered
     * by the snapshot are never handed out, even if the store still holds them. Records acknowledged while the
     * replay runs may or may not be included. The consumer may append; it must not write a snapshot or close.
     *
     * @param fromSequence the first sequence wanted; 0 or 1 for everything after the snapshot
     * @throws InvalidConfigurationException ({@code INPUT}) when {@code fromSequence} is negative
     * @throws StateStoreCorruptedException when a record read back is damaged
     * @throws StateStoreClosedException when the store is closed
     * @throws StateStoreException when reading fails
     * @throws RuntimeException whatever the consumer throws, which ends the replay
     */
    void replay(long fromSequence, Consumer<? super StateStoreRecord> consumer);

    /**
     * Replays every record after the latest snapshot; see {@link #replay(long, Consumer)}.
     *
     * @throws StateStoreCorruptedException when a record read back is damaged
     * @throws StateStoreClosedException when the store is closed
     * @throws StateStoreException when reading fails
     */
    default void replay(Consumer<? super StateStoreRecord> consumer) {
        replay(0, consumer);
    }

    /**
     * Durably replaces the current snapshot with {@code state}, which stands for every record up to
     * {@code uptoSequence}; afterwards the store may discard those records. A crash during the call leaves either
     * the old snapshot or the new one, never a mix.
     *
     * @param uptoSequence the last record {@code state} reflects: not less than the current snapshot's and not
     *        greater than {@link #lastSequence()}
     * @param state the serialised state; copied before the method returns
     * @throws InvalidConfigurationException ({@code INPUT}) when {@code uptoSequence} is out of that range
     * @throws IllegalStateException when called from a replay's consumer
     * @throws StateStoreClosedException when the store is closed
     * @throws StateStoreException when the snapshot could not be made durable; the old one is still current
     */
    void writeSnapshot(long uptoSequence, byte[] state);

    /**
     * The current snapshot, read back and checked, or empty when none was ever written.
     *
     * @throws StateStoreCorruptedException when the snapshot file is damaged
     * @throws StateStoreClosedException when the store is closed
     * @throws StateStoreException when reading fails
     */
    Optional<StateStoreSnapshot> latestSnapshot();

    /**
     * The sequence of the last acknowledged record (or of the snapshot, if it is later); 0 for an empty store.
     *
     * @throws StateStoreClosedException when the store is closed
     */
    long lastSequence();

    /**
     * Waits for appends already accepted to become durable, then releases the store (and its lock, so that
     * another process may open it). Idempotent.
     *
     * @throws IllegalStateException when called from a replay's consumer
     * @throws StateStoreException when releasing the files fails
     */
    @Override
    void close();
}
