package dev.secondsite.core.job;

/** A job's state (J1). {@link #SUCCEEDED}, {@link #FAILED} and {@link #CANCELLED} are final until a restart. */
public enum JobState {
    NOT_STARTED,
    IN_PROGRESS,
    WAITING_FOR_ACTION,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    /** True for the states a job ends in. */
    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
