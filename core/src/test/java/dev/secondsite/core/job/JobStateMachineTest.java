package dev.secondsite.core.job;

import static dev.secondsite.core.job.JobState.CANCELLED;
import static dev.secondsite.core.job.JobState.FAILED;
import static dev.secondsite.core.job.JobState.IN_PROGRESS;
import static dev.secondsite.core.job.JobState.NOT_STARTED;
import static dev.secondsite.core.job.JobState.SUCCEEDED;
import static dev.secondsite.core.job.JobState.WAITING_FOR_ACTION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.SecondsiteException;
import dev.secondsite.core.Severity;
import dev.secondsite.core.job.JobStateMachine.Kind;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JobStateMachineTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

    private static JobSpec spec() {
        Step start = new Step.Command(new CommandRequest("k", "s1", "hv1", new HostCommand.StartVm("vm-a", "vm-a",
                false)));
        return new JobSpec(JobKind.PLANNED_FAILOVER, "plan Web", "Web", List.of(new Phase("one",
                List.of(TaskSpec.of("a", "task a", "vm-a", List.of(start, new Step.Manual("Check DNS")))))),
                List.of());
    }

    /** One event of each kind (FINISHED with {@code finished} as its state). */
    private static JobEvent sample(Kind kind, JobState finished) {
        return switch (kind) {
            case CREATED -> new JobEvent.Created("j", T0, spec());
            case STARTED -> new JobEvent.Started("j", T0);
            case TASK_STARTED -> new JobEvent.TaskStarted("j", T0, "a");
            case COMMAND_SENT -> new JobEvent.CommandSent("j", T0, "a", 0, 1);
            case COMMAND_COMPLETED -> new JobEvent.CommandCompleted("j", T0, "a", 0, 1,
                    CommandResult.transientFailure("busy"));
            case STEP_COMPLETED -> new JobEvent.StepCompleted("j", T0, "a", 0, "done");
            case TASK_POLLING -> new JobEvent.TaskPolling("j", T0, "a", 0, "replication is Replicating", T0);
            case TASK_WAITING -> new JobEvent.TaskWaiting("j", T0, "a", "Check DNS");
            case TASK_RESUMED -> new JobEvent.TaskResumed("j", T0, "a", 1, "ok");
            case TASK_NOTED -> new JobEvent.TaskNoted("j", T0, "a", Severity.WARNING, "note");
            case TASK_SUCCEEDED -> new JobEvent.TaskSucceeded("j", T0, "a");
            case TASK_SKIPPED -> new JobEvent.TaskSkipped("j", T0, "a", "skipped");
            case TASK_FAILED -> new JobEvent.TaskFailed("j", T0, "a", "broken");
            case CANCEL_REQUESTED -> new JobEvent.CancelRequested("j", T0);
            case RESTARTED -> new JobEvent.Restarted("j", T0);
            case FINISHED -> new JobEvent.Finished("j", T0, finished, "end");
        };
    }

    /** The table as SPEC J1-J3 reads, written out independently of the implementation. */
    private static Map<JobState, Map<Kind, JobState>> expected() {
        Map<JobState, Map<Kind, JobState>> t = new EnumMap<>(JobState.class);
        for (JobState s : JobState.values()) {
            t.put(s, new EnumMap<>(Kind.class));
        }
        t.get(NOT_STARTED).put(Kind.STARTED, IN_PROGRESS);
        t.get(NOT_STARTED).put(Kind.CANCEL_REQUESTED, NOT_STARTED);
        for (Kind k : List.of(Kind.TASK_STARTED, Kind.COMMAND_SENT, Kind.COMMAND_COMPLETED, Kind.STEP_COMPLETED,
                Kind.TASK_POLLING, Kind.TASK_NOTED, Kind.TASK_SUCCEEDED, Kind.TASK_SKIPPED, Kind.TASK_FAILED,
                Kind.CANCEL_REQUESTED)) {
            t.get(IN_PROGRESS).put(k, IN_PROGRESS);
            t.get(WAITING_FOR_ACTION).put(k, WAITING_FOR_ACTION);
        }
        t.get(IN_PROGRESS).put(Kind.STARTED, IN_PROGRESS);
        t.get(IN_PROGRESS).put(Kind.TASK_WAITING, WAITING_FOR_ACTION);
        t.get(WAITING_FOR_ACTION).put(Kind.TASK_WAITING, WAITING_FOR_ACTION);
        t.get(WAITING_FOR_ACTION).put(Kind.STARTED, IN_PROGRESS);
        t.get(WAITING_FOR_ACTION).put(Kind.TASK_RESUMED, IN_PROGRESS);
        t.get(FAILED).put(Kind.RESTARTED, IN_PROGRESS);
        t.get(CANCELLED).put(Kind.RESTARTED, IN_PROGRESS);
        return t;
    }

    @Test
    @DisplayName("J1 J2 J3 every row of the job state table gives its next state; every other pair is refused")
    void everyRow() {
        Map<JobState, Map<Kind, JobState>> expected = expected();
        int rows = 0;
        for (JobState state : JobState.values()) {
            for (Kind kind : Kind.values()) {
                if (kind == Kind.FINISHED) {
                    continue;
                }
                JobEvent event = sample(kind, SUCCEEDED);
                assertEquals(kind, Kind.of(event));
                JobState next = expected.get(state).get(kind);
                if (next != null) {
                    assertEquals(next, JobStateMachine.next("j", state, event), state + " " + kind);
                    rows++;
                } else {
                    JobEventRefusedException e = assertThrows(JobEventRefusedException.class,
                            () -> JobStateMachine.next("j", state, event), state + " " + kind);
                    assertTrue(e.getMessage().startsWith("J3: job j in state " + state), e.getMessage());
                    assertEquals(kind, e.kind());
                }
            }
        }
        assertEquals(29, rows);
        assertEquals(expected.get(IN_PROGRESS).keySet().size() + 1, JobStateMachine.rows().get(IN_PROGRESS).size());
    }

    @Test
    @DisplayName("J1 FINISHED moves a running or waiting job to the final state it names, and nothing else")
    void finishedRows() {
        for (JobState from : JobState.values()) {
            for (JobState to : JobState.values()) {
                JobEvent finished = sample(Kind.FINISHED, to);
                boolean allowed = (from == IN_PROGRESS || from == WAITING_FOR_ACTION) && to.isFinal();
                if (allowed) {
                    assertEquals(to, JobStateMachine.next("j", from, finished));
                } else {
                    assertThrows(JobEventRefusedException.class, () -> JobStateMachine.next("j", from, finished),
                            from + " -> " + to);
                }
            }
        }
    }

    @Test
    @DisplayName("J3 a journal whose events break the table is refused with a typed J3 error, not folded silently")
    void fromEventsRefuses() {
        List<JobEvent> events = new ArrayList<>(List.of(sample(Kind.CREATED, SUCCEEDED), sample(Kind.STARTED,
                SUCCEEDED), sample(Kind.FINISHED, SUCCEEDED), sample(Kind.TASK_STARTED, SUCCEEDED)));
        SecondsiteException e = assertThrows(JobEventRefusedException.class, () -> Job.fromEvents(events));
        assertTrue(e.getMessage().startsWith("J3: "), e.getMessage());
        assertThrows(JobEventRefusedException.class, () -> Job.fromEvents(List.of(sample(Kind.CREATED, SUCCEEDED),
                sample(Kind.TASK_RESUMED, SUCCEEDED))), "a resume of a job that never waited");
        assertEquals(SUCCEEDED, Job.fromEvents(events.subList(0, 3)).state());
    }
}
