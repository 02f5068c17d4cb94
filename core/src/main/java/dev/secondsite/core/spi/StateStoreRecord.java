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
