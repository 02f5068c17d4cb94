package dev.secondsite.samples.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.secondsite.core.job.JobEvent;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobSpec;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.Phase;
import dev.secondsite.core.job.Step;
import dev.secondsite.core.job.TaskSpec;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.samples.report.JobRecorder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
    private static final Instant T0 = Instant.parse("2025-05-01T10:00:00Z");

    private static Instant at(long ms) {
        return T0.plusMillis(ms);
    }

    private static Step.Command command(HostCommand c) {
        return new Step.Command(new CommandRequest("k", "vmm-b", "hv11", c));
    }

    /** A planned failover of one VM named {@code vmName}: one retry, then a manual action resumed. */
    static void failover(JobRecorder recorder, String jobId, String vmName) {
        JobSpec spec = new JobSpec(JobKind.PLANNED_FAILOVER, "plan Web tier", "Web tier", List.of(
                new Phase("Failover", List.of(TaskSpec.of("failover/vm-1", "Fail over " + vmName, "vm-1",
                        List.of(command(new HostCommand.PrepareFailover("vm-1", vmName)))))),
                new Phase("After group 1", List.of(TaskSpec.of("action/0", "Check the database", null,
                        List.of(new Step.Manual("Confirm the database is mounted")))))), List.of());
        recorder.onEvent(new JobEvent.Created(jobId, T0, spec), JobState.NOT_STARTED, 0);
        recorder.onEvent(new JobEvent.Started(jobId, T0), JobState.IN_PROGRESS, 0);
        recorder.onEvent(new JobEvent.TaskStarted(jobId, at(10), "failover/vm-1"), JobState.IN_PROGRESS, 0);
        recorder.onEvent(new JobEvent.CommandSent(jobId, at(10), "failover/vm-1", 0, 1), JobState.IN_PROGRESS, 0);
        recorder.onEvent(new JobEvent.CommandCompleted(jobId, at(110), "failover/vm-1", 0, 1,
                CommandResult.transientFailure("host busy")), JobState.IN_PROGRESS, 0);
        recorder.onEvent(new JobEvent.CommandSent(jobId, at(310), "failover/vm-1", 0, 2), JobState.IN_PROGRESS, 0);
        recorder.onEvent(new JobEvent.CommandCompleted(jobId, at(400), "failover/vm-1", 0, 2,
                CommandResult.succeeded("Failed over")), JobState.IN_PROGRESS, 0);
        recorder.onEvent(new JobEvent.TaskSucceeded(jobId, at(400), "failover/vm-1"), JobState.IN_PROGRESS, 50);
        recorder.onEvent(new JobEvent.TaskStarted(jobId, at(400), "action/0"), JobState.IN_PROGRESS, 50);
        recorder.onEvent(new JobEvent.TaskWaiting(jobId, at(400), "action/0", "Confirm the database is mounted"),
                JobState.WAITING_FOR_ACTION, 50);
        recorder.onEvent(new JobEvent.TaskResumed(jobId, at(5400), "action/0", 0, "db ok"), JobState.IN_PROGRESS,
                50);
        recorder.onEvent(new JobEvent.TaskSucceeded(jobId, at(5400), "action/0"), JobState.IN_PROGRESS, 100);
        recorder.onEvent(new JobEvent.Finished(jobId, at(6000), JobState.SUCCEEDED, "done"), JobState.SUCCEEDED, 100);
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    @DisplayName("J1 plain mode prints exactly one line per change of the job and its tasks, with no control characters")
    void plainLines() throws Exception {
        JobRecorder recorder = new JobRecorder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ConsoleProgress progress = ConsoleProgress.builder(recorder).mode(ConsoleProgress.Mode.PLAIN)
                .output(new PrintStream(bytes, true, StandardCharsets.UTF_8)).build().start()) {
            assertFalse(progress.isTerminal());
            failover(recorder, "j1", "web01");
            progress.println("Drill PASSED");
        }
        String job = "Planned failover: plan Web tier";
        assertEquals(String.join("\n",
                job + ": started",
                job + ": Fail over web01: in progress",
                job + ": Fail over web01: attempt 1 failed transiently: host busy; retrying",
                job + ": Fail over web01: succeeded",
                job + ": Check the database: in progress",
                job + ": Check the database: waiting for action - Confirm the database is mounted",
                job + ": Check the database: in progress - resumed: db ok",
                job + ": Check the database: succeeded",
                job + ": SUCCEEDED in 6.0 s",
                "Drill PASSED", ""), text(bytes));
    }

    @Test
    @DisplayName("plain mode shows control characters in names as '?' (an ESC in a VM name cannot drive the terminal)")
    void plainStripsControlCharacters() {
        JobRecorder recorder = new JobRecorder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ConsoleProgress progress = ConsoleProgress.builder(recorder).mode(ConsoleProgress.Mode.PLAIN)
                .output(new PrintStream(bytes, true, StandardCharsets.UTF_8)).build().start()) {
            failover(recorder, "j1", "web\u001b[2J\r01\u009b");
            progress.printJobTable();
        }
        String out = text(bytes);
        assertTrue(out.contains(": Fail over web?[2J?01?: succeeded\n"), out);
        assertTrue(out.chars().allMatch(c -> c == '\n' || (c >= 0x20 && c != 0x7f && (c < 0x80 || c >= 0xa0))));
    }

    @Test
    @DisplayName("terminal mode redraws the job's line in place with carriage returns, ending on the full bar")
    void terminalUpdatesInPlace() {
        JobRecorder recorder = new JobRecorder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ConsoleProgress progress = ConsoleProgress.builder(recorder).mode(ConsoleProgress.Mode.TERMINAL)
                .refreshInterval(Duration.ZERO).widths(20, 150).output(new PrintStream(bytes, true, StandardCharsets.UTF_8))
                .build().start()) {
            assertTrue(progress.isTerminal());
            failover(recorder, "j1", "web01");
        }
        String out = text(bytes);
        // a redraw per update at a zero interval: returns to the line's start and erases it each time
        assertTrue(count(out, "\r\u001b[J\u001b[2K") >= 2, out);
        assertTrue(out.contains("[##########----------]  50%  Check the database (waiting for action)"), out);
        assertTrue(out.contains("[####################] 100%  SUCCEEDED in 6.0 s\n"), out);
        assertFalse(out.contains(": started"), "no plain lines on a terminal");
        // the job's line is rewritten, not printed anew: one line feed, after the final state
        assertEquals(1, count(out, "\n"), out);
    }

    @Test
    @DisplayName("terminal mode keeps one line per running job: two jobs at once redraw two lines (cursor up)")
    void terminalTwoJobs() throws Exception {
        JobRecorder recorder = new JobRecorder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ConsoleProgress progress = ConsoleProgress.builder(recorder).mode(ConsoleProgress.Mode.TERMINAL)
                .refreshInterval(Duration.ZERO).widths(20, 150).output(new PrintStream(bytes, true, StandardCharsets.UTF_8))
                .build().start()) {
            recorder.label("a", "Job A");
            recorder.label("b", "Job B");
            recorder.onEvent(new JobEvent.Started("a", T0), JobState.IN_PROGRESS, 0);
            recorder.onEvent(new JobEvent.Started("b", T0), JobState.IN_PROGRESS, 0);
            assertTrue(progress.flush(Duration.ofSeconds(10)));
            recorder.onEvent(new JobEvent.TaskStarted("a", at(5), "t1"), JobState.IN_PROGRESS, 10);
            assertTrue(progress.flush(Duration.ofSeconds(10)));
            recorder.onEvent(new JobEvent.Finished("a", at(9), JobState.SUCCEEDED, "done"), JobState.SUCCEEDED, 100);
            recorder.onEvent(new JobEvent.Finished("b", at(9), JobState.FAILED, "x"), JobState.FAILED, 40);
        }
        String out = text(bytes);
        assertTrue(out.contains("\u001b[1A"), "moves up to the first of two live lines");
        assertTrue(out.contains("Job A"));
        assertTrue(out.contains("[####################] 100%  SUCCEEDED in 9 ms\n"), out);
        assertTrue(out.contains("[########------------]  40%  FAILED in 9 ms\n"), out);
    }

    @Test
    @DisplayName("the engine is not slowed: updates are queued while the output blocks, and all printed afterwards")
    void doesNotBlockTheEngine() throws Exception {
        JobRecorder recorder = new JobRecorder();
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputStream blocking = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    if (!release.await(30, TimeUnit.SECONDS)) {
                        throw new IOException("never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
                bytes.write(b, off, len);
            }
        };
        try (ConsoleProgress progress = ConsoleProgress.builder(recorder).mode(ConsoleProgress.Mode.PLAIN)
                .output(new PrintStream(blocking, false, StandardCharsets.UTF_8)).build().start()) {
            // the printer thread is stuck in its first write; the listener must return anyway
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                for (int j = 0; j < 200; j++) {
                    failover(recorder, "j" + j, "web01");
                }
            });
            release.countDown();
        }
        assertEquals(200 * 9, count(text(bytes), "\n"));
    }

    @Test
    @DisplayName("terminal lines are clipped to the line width, so they never wrap and break the redraw")
    void terminalClipsLines() {
        JobRecorder recorder = new JobRecorder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ConsoleProgress progress = ConsoleProgress.builder(recorder).mode(ConsoleProgress.Mode.TERMINAL)
                .refreshInterval(Duration.ZERO).widths(10, 60).output(new PrintStream(bytes, true,
                        StandardCharsets.UTF_8)).build().start()) {
            failover(recorder, "j1", "a-vm-with-a-name-far-too-long-for-any-console-line-at-all");
        }
        for (String drawn : text(bytes).split("\u001b\\[2K")) {
            String line = drawn.replaceAll("[\\r\\n]|\u001b\\[[0-9]*[AJ]", "");
            assertTrue(line.length() <= 60, line.length() + ": " + line);
        }
        assertTrue(text(bytes).contains("..."));
    }

    @Test
    @DisplayName("AUTO is plain when there is no console (as under the test runner)")
    void autoWithoutConsole() {
        assumeTrue(System.console() == null, "a console is attached");
        try (ConsoleProgress progress = ConsoleProgress.builder(new JobRecorder()).build()) {
            assertFalse(progress.isTerminal());
        }
    }
}
