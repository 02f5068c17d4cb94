package dev.secondsite.core.job;

import static dev.secondsite.core.job.JobState.CANCELLED;
import static dev.secondsite.core.job.JobState.FAILED;
import static dev.secondsite.core.job.JobState.IN_PROGRESS;
import static dev.secondsite.core.job.JobState.NOT_STARTED;
import static dev.secondsite.core.job.JobState.SUCCEEDED;
import static dev.secondsite.core.job.JobState.WAITING_FOR_ACTION;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The job state machine of J1-J3 as one table: {@link #next} is the only place that decides a job's state after an
 * event, for the engine and for {@link Job#fromEvents} alike. A (state, event kind) pair that is not in the table is
 * refused with {@link JobEventRefusedException}.
 *
 * <pre>
 * NOT_STARTED        -STARTED-> IN_PROGRESS            -CANCEL_REQUESTED-> NOT_STARTED
 * IN_PROGRESS        -task events, CANCEL_REQUESTED, STARTED-> IN_PROGRESS
 * IN_PROGRESS        -TASK_WAITING-> WAITING_FOR_ACTION -TASK_RESUMED-> IN_PROGRESS
 * WAITING_FOR_ACTION -task events (other tasks of the phase), CANCEL_REQUESTED-> WAITING_FOR_ACTION
 * WAITING_FOR_ACTION -STARTED (adopted after a crash)-> IN_PROGRESS
 * IN_PROGRESS, WAITING_FOR_ACTION -FINISHED-> the state the event names (SUCCEEDED, FAILED or CANCELLED)
 * FAILED, CANCELLED  -RESTARTED-> IN_PROGRESS
 * </pre>
 * CREATED is never a transition: it makes the job. SUCCEEDED takes no event at all.
 *
 * <p>Pure and thread-safe.
 */
public final class JobStateMachine {
    /** The kinds of {@link JobEvent}, one per record. */
    public enum Kind {
        CREATED, STARTED, TASK_STARTED, COMMAND_SENT, COMMAND_COMPLETED, STEP_COMPLETED, TASK_POLLING, TASK_WAITING,
        TASK_RESUMED, TASK_NOTED, TASK_SUCCEEDED, TASK_SKIPPED, TASK_FAILED, CANCEL_REQUESTED, RESTARTED, FINISHED;

        /** The kind of {@code event}. */
        public static Kind of(JobEvent event) {
            if (event instanceof JobEvent.Created) {
                return CREATED;
            } else if (event instanceof JobEvent.Started) {
                return STARTED;
            } else if (event instanceof JobEvent.TaskStarted) {
                return TASK_STARTED;
            } else if (event instanceof JobEvent.CommandSent) {
                return COMMAND_SENT;
            } else if (event instanceof JobEvent.CommandCompleted) {
                return COMMAND_COMPLETED;
            } else if (event instanceof JobEvent.StepCompleted) {
                return STEP_COMPLETED;
            } else if (event instanceof JobEvent.TaskPolling) {
                return TASK_POLLING;
            } else if (event instanceof JobEvent.TaskWaiting) {
                return TASK_WAITING;
            } else if (event instanceof JobEvent.TaskResumed) {
                return TASK_RESUMED;
            } else if (event instanceof JobEvent.TaskNoted) {
                return TASK_NOTED;
            } else if (event instanceof JobEvent.TaskSucceeded) {
                return TASK_SUCCEEDED;
            } else if (event instanceof JobEvent.TaskSkipped) {
                return TASK_SKIPPED;
            } else if (event instanceof JobEvent.TaskFailed) {
                return TASK_FAILED;
            } else if (event instanceof JobEvent.CancelRequested) {
                return CANCEL_REQUESTED;
            } else if (event instanceof JobEvent.Restarted) {
                return RESTARTED;
            }
            return FINISHED; // JobEvent is sealed: Finished is the only one left
        }
    }

    /** Marks a row whose next state is the one the {@link JobEvent.Finished} event names. */
    private static final JobState NAMED_BY_EVENT = null;

    private static final Set<Kind> TASK_EVENTS = EnumSet.of(Kind.TASK_STARTED, Kind.COMMAND_SENT,
            Kind.COMMAND_COMPLETED, Kind.STEP_COMPLETED, Kind.TASK_POLLING, Kind.TASK_NOTED, Kind.TASK_SUCCEEDED,
            Kind.TASK_SKIPPED, Kind.TASK_FAILED);

    /** The table: state -> event kind -> next state; a kind that maps to null takes the state its event names. */
    private static final Map<JobState, Map<Kind, Optional<JobState>>> TABLE = new EnumMap<>(JobState.class);

    static {
        for (JobState s : JobState.values()) {
            TABLE.put(s, new EnumMap<>(Kind.class));
        }
        row(NOT_STARTED, Kind.STARTED, IN_PROGRESS);
        row(NOT_STARTED, Kind.CANCEL_REQUESTED, NOT_STARTED);
        for (Kind k : TASK_EVENTS) {
            row(IN_PROGRESS, k, IN_PROGRESS);
            row(WAITING_FOR_ACTION, k, WAITING_FOR_ACTION);
        }
        row(IN_PROGRESS, Kind.STARTED, IN_PROGRESS);
        row(IN_PROGRESS, Kind.CANCEL_REQUESTED, IN_PROGRESS);
        row(IN_PROGRESS, Kind.TASK_WAITING, WAITING_FOR_ACTION);
        row(IN_PROGRESS, Kind.FINISHED, NAMED_BY_EVENT);
        row(WAITING_FOR_ACTION, Kind.STARTED, IN_PROGRESS);
        row(WAITING_FOR_ACTION, Kind.CANCEL_REQUESTED, WAITING_FOR_ACTION);
        row(WAITING_FOR_ACTION, Kind.TASK_WAITING, WAITING_FOR_ACTION);
        row(WAITING_FOR_ACTION, Kind.TASK_RESUMED, IN_PROGRESS);
        row(WAITING_FOR_ACTION, Kind.FINISHED, NAMED_BY_EVENT);
        row(FAILED, Kind.RESTARTED, IN_PROGRESS);
        row(CANCELLED, Kind.RESTARTED, IN_PROGRESS);
    }

    private JobStateMachine() {
    }

    private static void row(JobState from, Kind kind, @javax.annotation.Nullable JobState to) {
        TABLE.get(from).put(kind, Optional.ofNullable(to));
    }

    /** Whether the table has a row for {@code state} and {@code kind}. */
    public static boolean allows(JobState state, Kind kind) {
        return TABLE.get(state).containsKey(kind);
    }

    /**
     * The state of job {@code jobId} after {@code event}.
     *
     * @throws JobEventRefusedException (J3) when the table has no row for {@code state} and the event's kind, or a
     *     {@link JobEvent.Finished} names a state that is not final
     */
    public static JobState next(String jobId, JobState state, JobEvent event) {
        Kind kind = Kind.of(event);
        Optional<JobState> to = TABLE.get(state).get(kind);
        if (to == null) {
            throw new JobEventRefusedException(jobId, state, kind);
        }
        if (to.isPresent()) {
            return to.get();
        }
        JobState named = ((JobEvent.Finished) event).state();
        if (!named.isFinal()) {
            throw new JobEventRefusedException(jobId, state, kind);
        }
        return named;
    }

    /** Every row of the table, for documentation and tests: state -> kinds it takes. */
    public static Map<JobState, Set<Kind>> rows() {
        Map<JobState, Set<Kind>> out = new EnumMap<>(JobState.class);
        TABLE.forEach((s, m) -> out.put(s, m.isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(m.keySet())));
        return out;
    }
}
