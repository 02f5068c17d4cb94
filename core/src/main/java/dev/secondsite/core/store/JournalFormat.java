package dev.secondsite.core.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.OptionalLong;
import java.util.zip.CRC32C;
import javax.annotation.Nullable;

/**
 * The bytes on disk. Everything is big-endian.
 *
 * <pre>
 * segment file  journal-&lt;base sequence, 20 digits&gt;.log
 *   header      magic "SSJL" (4) | version (4) | base sequence (8) | reserved 0 (4) | CRC32C of the 20 bytes before (4)
 *   record*     length of body (4) | CRC32C of the length field and the body (4) |
 *               body: sequence (8) | type length 1..255 (1) | type, UTF-8 | payload
 * snapshot file snapshot-&lt;upto sequence, 20 digits&gt;.snap
 *               magic "SSSN" (4) | version (4) | upto sequence (8) | state length (4) |
 *               CRC32C of the 20 bytes before and the state (4) | state
 * head file     journal.head
 *               magic "SSJH" (4) | version (4) | base sequence of the newest segment (8) | CRC32C of the 16 bytes
 *               before (4)
 * </pre>
 *
 * The head file is replaced atomically each time a segment is started, after the segment is durable, so that a
 * newest segment that goes missing is noticed at open instead of the store quietly going back to an older state.
 *
 * The checksum covers the length so that a damaged length is caught before it is believed; the sequence is in
 * every record so that a misplaced or repeated record is caught even when its checksum is intact.
 */
final class JournalFormat {
    static final int SEGMENT_MAGIC = 0x53534A4C;
    static final int SNAPSHOT_MAGIC = 0x5353534E;
    static final int VERSION = 1;
    static final int SEGMENT_HEADER_BYTES = 24;
    static final int SNAPSHOT_HEADER_BYTES = 24;
    static final int RECORD_HEADER_BYTES = 8;
    /** Sequence and type length. */
    static final int BODY_FIXED_BYTES = 9;
    static final int MIN_BODY_BYTES = BODY_FIXED_BYTES + 1;
    static final int MIN_RECORD_BYTES = RECORD_HEADER_BYTES + MIN_BODY_BYTES;
    /**
     * No writer ever makes a larger record, whatever its options, so a larger length is damage; the bound also
     * keeps a damaged length from making a reader allocate gigabytes.
     */
    static final int MAX_RECORD_BYTES = 64 << 20;
    static final int MAX_BODY_BYTES = MAX_RECORD_BYTES - RECORD_HEADER_BYTES;

    static final String SEGMENT_PREFIX = "journal-";
    static final String SEGMENT_SUFFIX = ".log";
    static final String SNAPSHOT_PREFIX = "snapshot-";
    static final String SNAPSHOT_SUFFIX = ".snap";
    static final String TEMP_SUFFIX = ".tmp";
    static final String LOCK_FILE = "store.lock";
    static final String HEAD_FILE = "journal.head";
    static final int HEAD_MAGIC = 0x53534A48;
    static final int HEAD_BYTES = 20;

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private JournalFormat() {
    }

    static String segmentName(long baseSequence) {
        return String.format("%s%020d%s", SEGMENT_PREFIX, baseSequence, SEGMENT_SUFFIX);
    }

    static String snapshotName(long uptoSequence) {
        return String.format("%s%020d%s", SNAPSHOT_PREFIX, uptoSequence, SNAPSHOT_SUFFIX);
    }

    /** The sequence in a segment's file name, or empty when {@code fileName} is not a segment's. */
    static OptionalLong segmentSequence(String fileName) {
        return sequenceIn(fileName, SEGMENT_PREFIX, SEGMENT_SUFFIX);
    }

    /** The sequence in a snapshot's file name, or empty when {@code fileName} is not a snapshot's. */
    static OptionalLong snapshotSequence(String fileName) {
        return sequenceIn(fileName, SNAPSHOT_PREFIX, SNAPSHOT_SUFFIX);
    }

    private static OptionalLong sequenceIn(String fileName, String prefix, String suffix) {
        if (fileName.length() != prefix.length() + 20 + suffix.length() || !fileName.startsWith(prefix)
                || !fileName.endsWith(suffix)) {
            return OptionalLong.empty();
        }
        String digits = fileName.substring(prefix.length(), prefix.length() + 20);
        if (!digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(digits));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    static byte[] segmentHeader(long baseSequence) {
        byte[] header = new byte[SEGMENT_HEADER_BYTES];
        putInt(header, 0, SEGMENT_MAGIC);
        putInt(header, 4, VERSION);
        putLong(header, 8, baseSequence);
        putInt(header, 20, crc(header, 0, 20));
        return header;
    }

    /**
     * What is wrong with a segment header, or null when it is a valid version-1 header for {@code baseSequence}.
     */
    static @Nullable String segmentHeaderProblem(byte[] header, long baseSequence) {
        if (getInt(header, 0) != SEGMENT_MAGIC) {
            return "not a journal segment (bad magic number)";
        }
        if (getInt(header, 20) != crc(header, 0, 20)) {
            return "segment header fails its CRC32C";
        }
        if (getInt(header, 4) != VERSION) {
            return "journal format version " + getInt(header, 4) + " is not supported (this library reads "
                    + VERSION + ")";
        }
        if (getLong(header, 8) != baseSequence) {
            return "segment header says it starts at sequence " + getLong(header, 8) + " but its name says "
                    + baseSequence;
        }
        return null;
    }

    static byte[] headFile(long newestSegment) {
        byte[] head = new byte[HEAD_BYTES];
        putInt(head, 0, HEAD_MAGIC);
        putInt(head, 4, VERSION);
        putLong(head, 8, newestSegment);
        putInt(head, 16, crc(head, 0, 16));
        return head;
    }

    /** What is wrong with a head file's bytes, or null when they are a valid head. */
    static @Nullable String headProblem(byte[] head) {
        if (head.length != HEAD_BYTES) {
            return "head file of " + head.length + " bytes, not " + HEAD_BYTES;
        }
        if (getInt(head, 0) != HEAD_MAGIC) {
            return "not a journal head (bad magic number)";
        }
        if (getInt(head, 16) != crc(head, 0, 16)) {
            return "head file fails its CRC32C";
        }
        if (getInt(head, 4) != VERSION) {
            return "head format version " + getInt(head, 4) + " is not supported";
        }
        return null;
    }

    /** The whole snapshot file's bytes: header then state. */
    static byte[] snapshotFile(long uptoSequence, byte[] state) {
        byte[] file = new byte[SNAPSHOT_HEADER_BYTES + state.length];
        putInt(file, 0, SNAPSHOT_MAGIC);
        putInt(file, 4, VERSION);
        putLong(file, 8, uptoSequence);
        putInt(file, 16, state.length);
        System.arraycopy(state, 0, file, SNAPSHOT_HEADER_BYTES, state.length);
        CRC32C crc = new CRC32C();
        crc.update(file, 0, 20);
        crc.update(file, SNAPSHOT_HEADER_BYTES, state.length);
        putInt(file, 20, (int) crc.getValue());
        return file;
    }

    /** What is wrong with a snapshot file's bytes, or null when they are a valid snapshot up to {@code upto}. */
    static @Nullable String snapshotProblem(byte[] file, long upto) {
        if (file.length < SNAPSHOT_HEADER_BYTES) {
            return "snapshot file of " + file.length + " bytes is shorter than its header";
        }
        if (getInt(file, 0) != SNAPSHOT_MAGIC) {
            return "not a snapshot (bad magic number)";
        }
        if (getInt(file, 16) != file.length - SNAPSHOT_HEADER_BYTES) {
            return "snapshot says it holds " + getInt(file, 16) + " bytes of state but the file holds "
                    + (file.length - SNAPSHOT_HEADER_BYTES);
        }
        CRC32C crc = new CRC32C();
        crc.update(file, 0, 20);
        crc.update(file, SNAPSHOT_HEADER_BYTES, file.length - SNAPSHOT_HEADER_BYTES);
        if (getInt(file, 20) != (int) crc.getValue()) {
            return "snapshot fails its CRC32C";
        }
        if (getInt(file, 4) != VERSION) {
            return "snapshot format version " + getInt(file, 4) + " is not supported";
        }
        if (getLong(file, 8) != upto) {
            return "snapshot says it is up to sequence " + getLong(file, 8) + " but its name says " + upto;
        }
        return null;
    }

    static int recordBytes(int typeBytes, int payloadBytes) {
        return RECORD_HEADER_BYTES + BODY_FIXED_BYTES + typeBytes + payloadBytes;
    }

    /** Encodes one record at {@code at}, which must have room for {@link #recordBytes}; returns the end. */
    static int encodeRecord(byte[] dest, int at, long sequence, byte[] type, byte[] payload, CRC32C crc) {
        int length = BODY_FIXED_BYTES + type.length + payload.length;
        putInt(dest, at, length);
        putLong(dest, at + 8, sequence);
        dest[at + 16] = (byte) type.length;
        System.arraycopy(type, 0, dest, at + 17, type.length);
        System.arraycopy(payload, 0, dest, at + 17 + type.length, payload.length);
        putInt(dest, at + 4, recordCrc(dest, at, length, crc));
        return at + RECORD_HEADER_BYTES + length;
    }

    /** The checksum a record at {@code at} with a body of {@code length} bytes must carry. */
    static int recordCrc(byte[] bytes, int at, int length, CRC32C crc) {
        crc.reset();
        crc.update(bytes, at, 4);
        crc.update(bytes, at + RECORD_HEADER_BYTES, length);
        return (int) crc.getValue();
    }

    static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    static int getInt(byte[] bytes, int at) {
        return (int) INT.get(bytes, at);
    }

    static long getLong(byte[] bytes, int at) {
        return (long) LONG.get(bytes, at);
    }

    static void putInt(byte[] bytes, int at, int value) {
        INT.set(bytes, at, value);
    }

    static void putLong(byte[] bytes, int at, long value) {
        LONG.set(bytes, at, value);
    }
}
