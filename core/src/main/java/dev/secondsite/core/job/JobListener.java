package dev.secondsite.core.job;

/**
 * Receives every {@link JobEvent} as it happens, after it was journaled, with the job's progress (J1). Called on the
 * engine's threads, one event at a time per job, in the order the events took effect; keep it quick. An exception thrown by a
 * listener is logged and does not affect the job.
 *
 * <p>Implementations must be thread-safe when they listen to several jobs.
 */
@FunctionalInterface
public interface JobListener {
    /**
     * @param event what happened
     * @param state the job's state after it
     * @param progressPercent tasks done, 0..100
     */
    void onEvent(JobEvent event, JobState state, int progressPercent);
}
