package dev.secondsite.core.store;

import com.google.common.collect.ImmutableList;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@link JournalStore#open} found and repaired: how much it read, whether a torn write at the end of the
 * journal was cut off, and which leftover files it removed. A clean open has no torn tails and removes nothing.
 *
 * <p>Immutable and thread-safe.
 *
 * @param recordsScanned the journal records read and checked (records covered by the snapshot are not read)
 * @param lastSequence the last record's sequence after repair (or the snapshot's, if later); 0 when empty
 * @param snapshotSequence the snapshot's {@code uptoSequence}, or -1 when there is none
 * @param segments the segment files the journal kept
 * @param tornTails the torn writes cut off, in file order
 * @param filesRemoved leftovers deleted: temporary snapshot files, superseded snapshots, segments wholly covered
 *        by the snapshot, empty segments left by an interrupted roll
 */
public record OpenReport(long recordsScanned, long lastSequence, long snapshotSequence, int segments,
                         List<TornTail> tornTails, List<Path> filesRemoved) {
    public OpenReport {
        tornTails = ImmutableList.copyOf(tornTails);
        filesRemoved = ImmutableList.copyOf(filesRemoved);
    }

    /** Bytes cut off the end of the journal because a crash tore them. */
    public long tornTailBytesDiscarded() {
        return tornTails.stream().mapToLong(TornTail::bytesDiscarded).sum();
    }

    /**
     * A torn write cut off the end of a segment.
     *
     * @param file the segment
     * @param offset where the torn record (or header) started; the file now ends there (or was deleted when its
     *        header was torn)
     * @param bytesDiscarded how many bytes were cut
     * @param reason what was wrong with them
     */
    public record TornTail(Path file, long offset, long bytesDiscarded, String reason) {
    }
}
