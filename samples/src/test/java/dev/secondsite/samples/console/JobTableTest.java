package dev.secondsite.samples.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.secondsite.samples.report.JobRecorder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JobTableTest {
    @Test
    @DisplayName("J1 the job table has a header and one aligned line per job: state, duration, tasks, retries, RTO")
    void table() {
        JobRecorder recorder = new JobRecorder();
        ConsoleProgressTest.failover(recorder, "j1", "web01");
        recorder.label("j2", "Commit the failback, with a very long label that does not fit");
        assertEquals(String.join("\n",
                "#  Job                                               State        Duration  Tasks  Failed  Skipped"
                        + "  Retries  RTO",
                "1  Planned failover: plan Web tier                   SUCCEEDED       6.0 s      2       0        0"
                        + "        1",
                "2  Commit the failback, with a very long label t...  NOT_STARTED         -      0       0        0"
                        + "        0", ""),
                JobTable.render(recorder.timelines()));
    }
}
