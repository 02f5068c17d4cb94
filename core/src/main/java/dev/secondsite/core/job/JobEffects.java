package dev.secondsite.core.job;

/**
 * What the engine needs from the vault besides the transport: applying a job's configuration changes and knowing
 * whether a VM was already failed over by another run (RP9). The vault implements it.
 *
 * <p>Implementations must be thread-safe.
 */
public interface JobEffects {
    /**
     * Applies {@code change}. {@code key} identifies the step; applying a key that was already applied changes
     * nothing and returns normally, so a step re-run after a crash is harmless (J3). An implementation that
     * journals the change in the same journal as the job's events may journal it in order without waiting for it
     * to be durable ({@link dev.secondsite.core.spi.StateStore#appendOrdered}): the engine journals the step's
     * {@link JobEvent.StepCompleted} after it and lets nothing outside see the step's effect before that event is
     * durable, which makes the change durable too.
     *
     * @return a message for the task's history
     * @throws dev.secondsite.core.SecondsiteException when the change is refused (the task fails permanently)
     */
    String apply(String key, ConfigChange change);

    /** RP9: whether VM {@code vmId} is already failed over (or further) so that a plan run should skip it. */
    boolean isFailedOver(String vmId);

    /**
     * Job {@code jobId} was compacted ({@link JobRetention}): the keys of its steps ({@code jobId + "/..."}) will
     * never be applied again and may be forgotten. Does nothing by default.
     */
    default void forget(String jobId) {
    }
}
