package dev.secondsite.core.spi;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One record of a {@link StateStore}'s journal, as replayed.
 *
 * <p>Immutable and thread-safe: the payload is copied in and out.
 *
 * @param sequence the record's position in the journal, from 1
 * @param type the tag given to {@link StateStore#append(String, byte[])}
 * @param payload the record's bytes
 */
public record StateStoreRecord(long sequence, String type, byte[] payload) {
    /** The longest type tag, in bytes of UTF-8. */
    public static final int MAX_TYPE_BYTES = 255;

    /**
     * @throws InvalidConfigurationException ({@code INPUT}) when sequence is not positive or type is blank or
     *         longer than {@link #MAX_TYPE_BYTES}
     */
    public StateStoreRecord {
        if (sequence < 1) {
            throw InvalidConfigurationException.of(Rule.INPUT, "record", "sequence", sequence,
                    "sequence (" + sequence + ") must be at least 1");
        }
        checkType(type);
        payload = payload.clone();
    }

    /**
     * Returns the UTF-8 bytes of a valid type tag.
     *
     * @throws InvalidConfigurationException ({@code INPUT}) when {@code type} is blank or longer than
     *         {@link #MAX_TYPE_BYTES} bytes of UTF-8
     */
    public static byte[] checkType(String type) {
        Checks.text("record", "type", type);
        byte[] bytes = type.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_TYPE_BYTES) {
            throw InvalidConfigurationException.of(Rule.INPUT, "record", "type", type,
                    "type ('" + type + "') must be at most " + MAX_TYPE_BYTES + " bytes of UTF-8, not "
                            + bytes.length);
        }
        return bytes;
    }

    /**
     * Checks that a record of {@code recordBytes} bytes as a store lays it out (type, payload and the store's own
     * framing) fits the store's limit; the one refusal every {@link StateStore} gives for an oversized append.
     *
     * @throws InvalidConfigurationException ({@code INPUT}) naming the payload's size, the record's and the limit
     */
    public static void checkSize(String type, int payloadLength, long recordBytes, long maxRecordBytes) {
        if (recordBytes > maxRecordBytes) {
            throw InvalidConfigurationException.of(Rule.INPUT, "record " + type, "payload", payloadLength,
                    "payload (" + payloadLength + " bytes) makes a record of " + recordBytes
                            + " bytes, more than maxRecordBytes (" + maxRecordBytes + ")");
        }
    }

    /**
     * Checks a {@link StateStore#replay(long, java.util.function.Consumer)} start.
     *
     * @throws InvalidConfigurationException ({@code INPUT}) when {@code fromSequence} is negative
     */
    public static void checkFromSequence(long fromSequence) {
        if (fromSequence < 0) {
            throw InvalidConfigurationException.of(Rule.INPUT, "replay", "fromSequence", fromSequence,
                    "fromSequence (" + fromSequence + ") must not be negative");
        }
    }

    /**
     * Checks a {@link StateStore#writeSnapshot(long, byte[])} bound against the store's current snapshot and last
     * acknowledged record.
     *
     * @throws InvalidConfigurationException ({@code INPUT}) when {@code uptoSequence} is outside {@code lowest..last}
     */
    public static void checkSnapshotRange(long uptoSequence, long lowest, long last) {
        if (uptoSequence < lowest || uptoSequence > last) {
            throw InvalidConfigurationException.of(Rule.INPUT, "snapshot", "uptoSequence", uptoSequence,
                    "uptoSequence (" + uptoSequence + ") must be between " + lowest + " (the current snapshot)"
                            + " and " + last + " (the last acknowledged record)");
        }
    }

    /** A copy of the record's bytes. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload decoded as UTF-8, for records appended with {@link StateStore#append(String, String)}. */
    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** The payload's length in bytes, without copying it. */
    public int payloadLength() {
        return payload.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StateStoreRecord r && r.sequence == sequence && r.type.equals(type)
                && Arrays.equals(r.payload, payload);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Long.hashCode(sequence) + type.hashCode()) + Arrays.hashCode(payload);
    }

    /** Names sequence, type and payload size; never the payload, which may hold anything. */
    @Override
    public String toString() {
        return "StateStoreRecord[sequence=" + sequence + ", type=" + type + ", payload=" + payload.length + " bytes]";
    }
}
