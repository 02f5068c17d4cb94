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
 * @param allowSharedPermissions whether to open a store whose directory or files other local users may read or
 *        write (POSIX group or others bits); false by default, because the journal holds the vault's key-signing
 *        secret and proxy passwords. Files the store creates are owner-only either way.
 */
public record JournalOptions(int segmentBytes, int maxRecordBytes, boolean allowSharedPermissions) {
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

    /**
     * Options that refuse shared permissions.
     *
     * @throws InvalidConfigurationException ({@code INPUT}) naming the field when a value is out of its range
     */
    public JournalOptions(int segmentBytes, int maxRecordBytes) {
        this(segmentBytes, maxRecordBytes, false);
    }

    /** 64 MiB segments, records up to 16 MiB, owner-only files required. */
    public static JournalOptions defaults() {
        return new JournalOptions(DEFAULT_SEGMENT_BYTES, DEFAULT_MAX_RECORD_BYTES, false);
    }

    /** These options, opening a store that other local users may read too when {@code allow} is true. */
    public JournalOptions withAllowSharedPermissions(boolean allow) {
        return new JournalOptions(segmentBytes, maxRecordBytes, allow);
    }

    /**
     * @throws InvalidConfigurationException ({@code INPUT}) when out of range
     */
    public JournalOptions withSegmentBytes(int segmentBytes) {
        return new JournalOptions(segmentBytes, maxRecordBytes, allowSharedPermissions);
    }

    /**
     * @throws InvalidConfigurationException ({@code INPUT}) when out of range
     */
    public JournalOptions withMaxRecordBytes(int maxRecordBytes) {
        return new JournalOptions(segmentBytes, maxRecordBytes, allowSharedPermissions);
    }
}
