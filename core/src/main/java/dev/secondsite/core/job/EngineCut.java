package dev.secondsite.core.job;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * The engine's jobs at one point, for a snapshot of the journal (J3): every job still kept whole as its events, and
 * every compacted job as its summary. Taken under the engine's lock by {@link JobEngine#cut()}: every event journaled
 * before that point is in it and none journaled after, so a snapshot of it plus the journal's later records rebuild
 * the engine exactly.
 *
 * <p>Immutable and thread-safe.
 *
 * @param jobEvents each whole job's events, oldest job first, each list starting with its {@link JobEvent.Created}
 * @param summaries the compacted jobs
 */
public record EngineCut(List<List<JobEvent>> jobEvents, List<JobSummary> summaries) {
    public EngineCut {
        jobEvents = jobEvents.stream().<List<JobEvent>>map(ImmutableList::copyOf).collect(ImmutableList
                .toImmutableList());
        summaries = ImmutableList.copyOf(summaries);
    }
}
