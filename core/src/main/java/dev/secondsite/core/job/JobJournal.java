package dev.secondsite.core.job;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where the engine writes every job event before it takes effect. The default keeps nothing (jobs live in memory);
 * the vault's durable store journals them so that jobs survive a crash (J3).
 *
 * <p>Implementations must be thread-safe; {@link #append} returns only when the event is as durable as the journal
 * promises.
 */
@FunctionalInterface
public interface JobJournal {
    /** A journal that keeps nothing. */
    JobJournal NONE = event -> { };

    void append(JobEvent event);

    /**
     * Journals {@code event} in order without waiting for it: the event's place in the journal is taken before the
     * method returns (the engine calls it under the job's lock, so the journal has each job's events in the order
     * they took effect), and the future completes once the event is as durable as {@link #append} makes it. The
     * engine does nothing the outside world can see (send a command, tell a listener, settle a waiter, return to a
     * caller) before the future of the job's latest event completed, and meanwhile holds no thread, so the events of
     * many tasks and jobs share one force of the journal. A completed future makes every earlier event durable too.
     * The default appends with {@link #append} and returns a completed future.
     *
     * @return completes when the event is durable, exceptionally with the journal's own exception when it cannot be
     * @throws RuntimeException the journal's own exception when it refuses the event at once
     */
    default CompletableFuture<?> appendOrdered(JobEvent event) {
        append(event);
        return JobEngine.DURABLE;
    }

    /**
     * Why the journal stopped taking events, if it did (its store failed or was fenced). The engine tells a job's
     * waiters this reason when it is closed before the job settled. The default: never.
     */
    default Optional<RuntimeException> failure() {
        return Optional.empty();
    }
}
