package dev.secondsite.core.store;

import static dev.secondsite.core.store.JournalFormat.BODY_FIXED_BYTES;
import static dev.secondsite.core.store.JournalFormat.MAX_BODY_BYTES;
import static dev.secondsite.core.store.JournalFormat.MIN_BODY_BYTES;
import static dev.secondsite.core.store.JournalFormat.MIN_RECORD_BYTES;
import static dev.secondsite.core.store.JournalFormat.RECORD_HEADER_BYTES;
import static dev.secondsite.core.store.JournalFormat.SEGMENT_HEADER_BYTES;

import dev.secondsite.core.spi.StateStoreCorruptedException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

/**
 * Reads the records of one segment in order, through a large buffer refilled with positional reads, so that a
 * scan costs one system call per buffer rather than per record. Each {@link #next()} says what it found at the
 * current offset; the caller decides whether a problem there is a torn tail or damage.
 *
 * <p>Not thread-safe: one reader per thread.
 */
final class SegmentReader {
    static final int BUFFER_BYTES = 1 << 20;

    /** What {@link #next()} found. */
    enum Outcome {
        /** A valid record, now current. */
        RECORD,
        /** The end of the readable bytes, exactly at a record boundary. */
        END,
        /**
         * A record (or its header) that runs past the end: what a crash during a write leaves, unless its length
         * was damaged, which only a valid record further on can show.
         */
        TRUNCATED,
        /** A length no writer produces. */
        BAD_LENGTH,
        /** A record whose bytes fail its CRC32C. */
        BAD_CHECKSUM,
        /** A record whose checksum holds but whose sequence or type length is wrong. */
        BAD_CONTENT
    }

    private final FileChannel channel;
    private final long end;
    private final CRC32C crc = new CRC32C();
    private byte[] buffer;
    private long bufferOffset;
    private int bufferLength;
    private long position;
    private long expectedSequence;

    private long recordOffset;
    private int recordIndex;
    private int bodyLength;
    private String problem = "";

    /**
     * @param start offset of the first record (just after the segment header)
     * @param end offset after the last byte that may be read
     * @param firstSequence the sequence the first record must carry
     */
    private SegmentReader(FileChannel channel, long start, long end, long firstSequence) {
        this.channel = channel;
        this.end = end;
        this.buffer = new byte[(int) Math.min(BUFFER_BYTES, Math.max(MIN_RECORD_BYTES, end - start))];
        this.bufferOffset = start;
        this.position = start;
        this.expectedSequence = firstSequence;
    }

    /**
     * A reader of the records of the segment {@code file} after checking its header.
     *
     * @param end offset after the last byte that may be read
     * @throws StateStoreCorruptedException (at offset 0) when the header is not a valid one for {@code baseSequence}
     */
    static SegmentReader open(FileChannel channel, Path file, long baseSequence, long end) throws IOException {
        byte[] header = new byte[SEGMENT_HEADER_BYTES];
        readFully(channel, header, 0, header.length);
        String problem = JournalFormat.segmentHeaderProblem(header, baseSequence);
        if (problem != null) {
            throw new StateStoreCorruptedException(file, 0, problem);
        }
        return new SegmentReader(channel, SEGMENT_HEADER_BYTES, end, baseSequence);
    }

    /** Reads the record at the current offset; on {@link Outcome#RECORD} moves past it. */
    Outcome next() throws IOException {
        recordOffset = position;
        long remaining = end - position;
        if (remaining == 0) {
            return Outcome.END;
        }
        if (remaining < RECORD_HEADER_BYTES) {
            problem = "partial record header (" + remaining + " of " + RECORD_HEADER_BYTES + " bytes)";
            return Outcome.TRUNCATED;
        }
        int at = fill(RECORD_HEADER_BYTES);
        int length = JournalFormat.getInt(buffer, at);
        if (length < MIN_BODY_BYTES || length > MAX_BODY_BYTES) {
            problem = "impossible record length " + length;
            return Outcome.BAD_LENGTH;
        }
        if (remaining < RECORD_HEADER_BYTES + (long) length) {
            problem = "record of " + (RECORD_HEADER_BYTES + length) + " bytes cut off after " + remaining + " bytes";
            return Outcome.TRUNCATED;
        }
        at = fill(RECORD_HEADER_BYTES + length);
        if (JournalFormat.getInt(buffer, at + 4) != JournalFormat.recordCrc(buffer, at, length, crc)) {
            problem = "record fails its CRC32C";
            return Outcome.BAD_CHECKSUM;
        }
        long sequence = JournalFormat.getLong(buffer, at + 8);
        if (sequence != expectedSequence) {
            problem = "record has sequence " + sequence + " where " + expectedSequence + " was expected";
            return Outcome.BAD_CONTENT;
        }
        int typeLength = buffer[at + 16] & 0xff;
        if (typeLength == 0 || typeLength > length - BODY_FIXED_BYTES) {
            problem = "record has impossible type length " + typeLength;
            return Outcome.BAD_CONTENT;
        }
        recordIndex = at;
        bodyLength = length;
        position += RECORD_HEADER_BYTES + length;
        expectedSequence++;
        return Outcome.RECORD;
    }

    /** Offset of the record {@link #next()} looked at last. */
    long recordOffset() {
        return recordOffset;
    }

    /** Offset just after the last valid record read. */
    long position() {
        return position;
    }

    /** The sequence the next record must carry; one more than the last valid record's. */
    long expectedSequence() {
        return expectedSequence;
    }

    /** What was wrong, after an outcome other than RECORD or END. */
    String problem() {
        return problem;
    }

    long sequence() {
        return expectedSequence - 1;
    }

    String type() {
        return new String(buffer, recordIndex + 17, buffer[recordIndex + 16] & 0xff, StandardCharsets.UTF_8);
    }

    byte[] payload() {
        int from = recordIndex + 17 + (buffer[recordIndex + 16] & 0xff);
        return Arrays.copyOfRange(buffer, from, recordIndex + RECORD_HEADER_BYTES + bodyLength);
    }

    /** Makes the {@code count} bytes at {@link #position} readable in the buffer and returns their index. */
    private int fill(int count) throws IOException {
        int index = (int) (position - bufferOffset);
        if (index + count <= bufferLength) {
            return index;
        }
        int unread = bufferLength - index;
        if (count > buffer.length) {
            byte[] larger = new byte[Math.max(count, buffer.length * 2)];
            System.arraycopy(buffer, index, larger, 0, unread);
            buffer = larger;
        } else {
            System.arraycopy(buffer, index, buffer, 0, unread);
        }
        bufferOffset = position;
        bufferLength = unread;
        while (bufferLength < count) {
            long at = bufferOffset + bufferLength;
            int wanted = (int) Math.min(buffer.length - bufferLength, end - at);
            int read = channel.read(ByteBuffer.wrap(buffer, bufferLength, wanted), at);
            if (read < 0) {
                throw new EOFException("file ends at " + at + ", before offset " + end);
            }
            bufferLength += read;
        }
        return 0;
    }

    /**
     * The offset of the first valid-looking record in {@code [from, end)}: its length is possible, it fits, its
     * sequence lies in the range records after the damage could carry, and its checksum holds. Used only after a
     * damaged record, to tell a torn tail (nothing valid follows) from damage in the middle; the sequence filter
     * keeps the checksum work for random bytes small.
     */
    static OptionalLong findValidRecord(FileChannel channel, long from, long end, long minSequence)
            throws IOException {
        long maxSequence = minSequence + (end - from) / MIN_RECORD_BYTES;
        CRC32C crc = new CRC32C();
        byte[] window = new byte[BUFFER_BYTES];
        long windowOffset = from;
        int windowLength = 0;
        int peek = RECORD_HEADER_BYTES + 8;
        for (long at = from; at + MIN_RECORD_BYTES <= end; at++) {
            if (at + peek > windowOffset + windowLength) {
                windowOffset = at;
                windowLength = readFully(channel, window, at, (int) Math.min(window.length, end - at));
                if (windowLength < peek) {
                    return OptionalLong.empty();
                }
            }
            int index = (int) (at - windowOffset);
            int length = JournalFormat.getInt(window, index);
            if (length < MIN_BODY_BYTES || length > MAX_BODY_BYTES || at + RECORD_HEADER_BYTES + length > end) {
                continue;
            }
            long sequence = JournalFormat.getLong(window, index + RECORD_HEADER_BYTES);
            if (sequence < minSequence || sequence > maxSequence) {
                continue;
            }
            byte[] record = new byte[RECORD_HEADER_BYTES + length];
            readFully(channel, record, at, record.length);
            if (JournalFormat.getInt(record, 4) == JournalFormat.recordCrc(record, 0, length, crc)) {
                return OptionalLong.of(at);
            }
        }
        return OptionalLong.empty();
    }

    private static int readFully(FileChannel channel, byte[] into, long at, int count) throws IOException {
        ByteBuffer target = ByteBuffer.wrap(into, 0, count);
        while (target.hasRemaining()) {
            if (channel.read(target, at + target.position()) < 0) {
                break;
            }
        }
        return target.position();
    }
}
