package dev.secondsite.core.job;

/** A task's state within its job (J1). {@link #SKIPPED} marks a VM another run already failed over (RP9). */
public enum TaskState {
    NOT_STARTED,
    IN_PROGRESS,
    WAITING_FOR_ACTION,
    SUCCEEDED,
    FAILED,
    SKIPPED,
    CANCELLED;

    /** True when the task's work is done and a restart does not run it again (J2). */
    public boolean isDone() {
        return this == SUCCEEDED || this == SKIPPED;
    }
}
