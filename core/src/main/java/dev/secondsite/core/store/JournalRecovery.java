package dev.secondsite.core.store;

import static dev.secondsite.core.store.JournalFormat.SEGMENT_HEADER_BYTES;

import dev.secondsite.core.spi.StateStoreCorruptedException;
import dev.secondsite.core.store.OpenReport.TornTail;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;
import javax.annotation.Nullable;

/**
 * The read-only half of opening a store: reads every file the store needs, checks every record, and decides what
 * to repair. It changes nothing, so that a store it refuses as corrupt is left exactly as it was found.
 *
 * <p>A torn write can only be at the very end of the journal, because a segment is sealed (a new one started) only
 * after everything in it was forced. The tail is the last segment holding a byte past its header, unless an empty
 * segment with a valid header follows it, which proves it was sealed.
 *
 * <p>Not thread-safe; used once per open, under the store's lock.
 */
final class JournalRecovery {

    /** A segment file and the sequence of its first record. */
    record Segment(Path path, long baseSequence) {
    }

    /**
     * What open is to do.
     *
     * @param snapshotFile the current snapshot, or null
     * @param snapshotSequence its upto sequence, or -1
     * @param sealed the segments kept before the active one, in order
     * @param active the segment to go on appending to, or null to create one at {@code nextSequence}
     * @param activeSize the active segment's valid length (after truncation)
     * @param nextSequence the sequence the next appended record gets
     * @param truncate the file to cut at {@code truncateAt}, or null
     * @param deletions files to delete, in this order (oldest segments first)
     */
    record Plan(@Nullable Path snapshotFile, long snapshotSequence, List<Segment> sealed, @Nullable Segment active,
                long activeSize, long nextSequence, @Nullable Path truncate, long truncateAt, List<Path> deletions,
                List<TornTail> tornTails, long recordsScanned, long head) {
    }

    private final Path directory;
    private final List<Path> deletions = new ArrayList<>();
    private final List<TornTail> tornTails = new ArrayList<>();
    private @Nullable Path truncate;
    private long truncateAt;
    private long recordsScanned;

    private JournalRecovery(Path directory) {
        this.directory = directory;
    }

    /**
     * Scans {@code directory}.
     *
     * @throws StateStoreCorruptedException naming file and offset when anything but a torn tail is damaged
     */
    static Plan scan(Path directory) throws IOException {
        return new JournalRecovery(directory).plan();
    }

    private Plan plan() throws IOException {
        TreeMap<Long, Path> segmentFiles = new TreeMap<>();
        TreeMap<Long, Path> snapshotFiles = new TreeMap<>();
        List<Path> temps = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                OptionalLong segment = JournalFormat.segmentSequence(name);
                OptionalLong snapshot = JournalFormat.snapshotSequence(name);
                if (segment.isPresent()) {
                    segmentFiles.put(segment.getAsLong(), file);
                } else if (snapshot.isPresent()) {
                    snapshotFiles.put(snapshot.getAsLong(), file);
                } else if (name.endsWith(JournalFormat.TEMP_SUFFIX)) {
                    temps.add(file);
                }
            }
        }
        temps.sort(Comparator.naturalOrder());
        deletions.addAll(temps);
        long head = checkHead(segmentFiles);

        Path snapshotFile = null;
        long snapshotSequence = -1;
        if (!snapshotFiles.isEmpty()) {
            snapshotSequence = snapshotFiles.lastKey();
            snapshotFile = snapshotFiles.lastEntry().getValue();
            String problem = JournalFormat.snapshotProblem(Files.readAllBytes(snapshotFile), snapshotSequence);
            if (problem != null) {
                throw new StateStoreCorruptedException(snapshotFile, 0, problem);
            }
            deletions.addAll(snapshotFiles.headMap(snapshotSequence).values());
        }

        List<Segment> all = new ArrayList<>();
        segmentFiles.forEach((base, path) -> all.add(new Segment(path, base)));
        List<Segment> trailingEmpty = new ArrayList<>();
        while (!all.isEmpty() && Files.size(all.get(all.size() - 1).path()) <= SEGMENT_HEADER_BYTES) {
            trailingEmpty.add(0, all.remove(all.size() - 1));
        }
        boolean tailSealed = false;
        for (Segment empty : trailingEmpty) {
            tailSealed |= headerProblem(empty) == null;
        }

        // A segment is wholly covered by the snapshot when the next one starts at or before the snapshot's end.
        int firstKept = 0;
        while (snapshotFile != null && firstKept < all.size() - 1
                && all.get(firstKept + 1).baseSequence() - 1 <= snapshotSequence) {
            deletions.add(all.get(firstKept).path());
            firstKept++;
        }
        List<Segment> kept = new ArrayList<>(all.subList(firstKept, all.size()));
        long expectedBase = snapshotFile == null ? 1 : snapshotSequence + 1;
        if (!kept.isEmpty() && kept.get(0).baseSequence() > expectedBase) {
            throw new StateStoreCorruptedException(kept.get(0).path(), 0, "the journal starts at sequence "
                    + kept.get(0).baseSequence() + ", so records " + expectedBase + " to "
                    + (kept.get(0).baseSequence() - 1) + " are missing");
        }

        long lastSequence = expectedBase - 1;
        long tailRecords = 0;
        long tailEnd = 0;
        for (int i = 0; i < kept.size(); i++) {
            Segment segment = kept.get(i);
            if (i > 0 && segment.baseSequence() != lastSequence + 1) {
                throw new StateStoreCorruptedException(segment.path(), 0, "segment starts at sequence "
                        + segment.baseSequence() + " but the segment before it ends at " + lastSequence);
            }
            long before = recordsScanned;
            boolean tail = i == kept.size() - 1 && !tailSealed;
            tailEnd = scanSegment(segment, tail);
            tailRecords = recordsScanned - before;
            lastSequence = segment.baseSequence() + tailRecords - 1;
        }
        long nextSequence = Math.max(lastSequence, snapshotSequence) + 1;

        Segment active = null;
        long activeSize = 0;
        if (!kept.isEmpty()) {
            Segment tail = kept.get(kept.size() - 1);
            boolean covered = snapshotFile != null && lastSequence <= snapshotSequence
                    && (tailRecords > 0 || lastSequence < snapshotSequence);
            if (covered) {
                kept.remove(kept.size() - 1);
                deletions.add(tail.path());
                if (tail.path().equals(truncate)) {
                    truncate = null;
                }
            } else if (!tailSealed) {
                kept.remove(kept.size() - 1);
                active = tail;
                activeSize = tailEnd;
            }
        }
        for (Segment empty : trailingEmpty) {
            String problem = headerProblem(empty);
            long size = Files.size(empty.path());
            if (problem != null) {
                tornTails.add(new TornTail(empty.path(), 0, size, "torn segment header: " + problem));
                deletions.add(empty.path());
            } else if (active == null && empty.baseSequence() == nextSequence) {
                active = empty;
                activeSize = size;
            } else {
                throw new StateStoreCorruptedException(empty.path(), 0, "empty segment starts at sequence "
                        + empty.baseSequence() + " but the journal goes on at " + nextSequence);
            }
        }
        return new Plan(snapshotFile, snapshotSequence, List.copyOf(kept), active, activeSize, nextSequence,
                truncate, truncateAt, List.copyOf(deletions), List.copyOf(tornTails), recordsScanned, head);
    }

    /**
     * The newest segment the head file names, after checking that it is there; -1 when there is no head file (a
     * store written before the head file existed, or a crash while the very first segment was created).
     *
     * @throws StoreFileMissingException when the segment it names is gone
     * @throws StateStoreCorruptedException when the head file is damaged
     */
    private long checkHead(TreeMap<Long, Path> segmentFiles) throws IOException {
        Path headFile = directory.resolve(JournalFormat.HEAD_FILE);
        if (!Files.exists(headFile)) {
            return -1;
        }
        byte[] bytes = Files.readAllBytes(headFile);
        String problem = JournalFormat.headProblem(bytes);
        if (problem != null) {
            throw new StateStoreCorruptedException(headFile, 0, problem);
        }
        long head = JournalFormat.getLong(bytes, 8);
        if (!segmentFiles.containsKey(head)) {
            Path missing = directory.resolve(JournalFormat.segmentName(head));
            Long before = segmentFiles.floorKey(head);
            throw new StoreFileMissingException(missing, "the newest journal segment " + missing.getFileName()
                    + " is missing: " + JournalFormat.HEAD_FILE + " records that the journal goes on in it, so the"
                    + " records from sequence " + head + " on are gone"
                    + (before == null ? "" : " (the newest segment left is " + segmentFiles.get(before).getFileName()
                    + ")") + "; restore it from a backup");
        }
        return head;
    }

    /** Why an empty segment's header is unusable, or null when it is a valid header. */
    private static @Nullable String headerProblem(Segment segment) throws IOException {
        byte[] header = Files.readAllBytes(segment.path());
        if (header.length < SEGMENT_HEADER_BYTES) {
            return "partial segment header (" + header.length + " of " + SEGMENT_HEADER_BYTES + " bytes)";
        }
        return JournalFormat.segmentHeaderProblem(header, segment.baseSequence());
    }

    /** Checks every record of {@code segment}; returns the offset after the last valid one. */
    private long scanSegment(Segment segment, boolean tail) throws IOException {
        try (FileChannel channel = FileChannel.open(segment.path(), StandardOpenOption.READ)) {
            long size = channel.size();
            SegmentReader reader = SegmentReader.open(channel, segment.path(), segment.baseSequence(), size);
            while (true) {
                SegmentReader.Outcome outcome = reader.next();
                switch (outcome) {
                    case RECORD -> recordsScanned++;
                    case END -> {
                        return reader.position();
                    }
                    default -> {
                        long at = reader.recordOffset();
                        String problem = reader.problem();
                        if (!tail) {
                            throw new StateStoreCorruptedException(segment.path(), at, problem
                                    + " in a sealed segment");
                        }
                        if (outcome == SegmentReader.Outcome.BAD_CONTENT) {
                            throw new StateStoreCorruptedException(segment.path(), at, problem);
                        }
                        // Even a record that seems to run past the end may be a damaged length in the middle.
                        OptionalLong valid = SegmentReader.findValidRecord(channel, at + 1, size,
                                reader.expectedSequence());
                        if (valid.isPresent()) {
                            throw new StateStoreCorruptedException(segment.path(), at, problem
                                    + ", and a valid record follows at offset " + valid.getAsLong());
                        }
                        truncate = segment.path();
                        truncateAt = at;
                        tornTails.add(new TornTail(segment.path(), at, size - at, problem));
                        return at;
                    }
                }
            }
        }
    }
}
