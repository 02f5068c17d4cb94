package dev.secondsite.core.job;

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
}
