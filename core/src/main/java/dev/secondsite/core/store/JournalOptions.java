package dev.secondsite.core.store;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;

/**
 * How a {@link JournalStore} lays out its files. {@link #defaults()} suits the vault; tests use small segments.
 *
 * <p>Immutable and thread-safe.
 *
 * @param segmentBytes the size past which the journal starts a new segment file (a segment may exceed it by one
 *        group-commit batch); 64 bytes to 1 GiB
 * @param maxRecordBytes the largest record {@link JournalStore#append(String, byte[])} accepts, counting its 17
 *        bytes of framing and its type; 64 bytes to 64 MiB
 */
public record JournalOptions(int segmentBytes, int maxRecordBytes) {
    public static final int DEFAULT_SEGMENT_BYTES = 64 << 20;
    public static final int DEFAULT_MAX_RECORD_BYTES = 16 << 20;

    /**
     * @throws InvalidConfigurationException ({@code INPUT}) naming the field when a value is out of its range
     */
    public JournalOptions {
        Checks.range(Rule.INPUT, "journal options", "segmentBytes", segmentBytes, 64, 1 << 30);
        Checks.range(Rule.INPUT, "journal options", "maxRecordBytes", maxRecordBytes, 64,
                JournalFormat.MAX_RECORD_BYTES);
    }

    /** 64 MiB segments, records up to 16 MiB. */
    public static JournalOptions defaults() {
        return new JournalOptions(DEFAULT_SEGMENT_BYTES, DEFAULT_MAX_RECORD_BYTES);
    }

    /**
     * @throws InvalidConfigurationException ({@code INPUT}) when out of range
     */
    public JournalOptions withSegmentBytes(int segmentBytes) {
        return new JournalOptions(segmentBytes, maxRecordBytes);
    }

    /**
     * @throws InvalidConfigurationException ({@code INPUT}) when out of range
     */
    public JournalOptions withMaxRecordBytes(int maxRecordBytes) {
        return new JournalOptions(segmentBytes, maxRecordBytes);
    }
}
