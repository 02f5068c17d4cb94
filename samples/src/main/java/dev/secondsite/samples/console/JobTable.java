package dev.secondsite.samples.console;

import dev.secondsite.core.job.TaskState;
import dev.secondsite.samples.report.DurationText;
import dev.secondsite.samples.report.JobTimeline;
import java.util.ArrayList;
import java.util.List;

/**
 * The table of jobs a drill prints at the end: number, name, state, duration, tasks, failed and skipped tasks,
 * retried attempts and the measured RTO of failovers. Plain ASCII, no control characters, columns padded with
 * spaces.
 *
 * <p>Stateless and thread-safe.
 */
public final class JobTable {
    private static final int MAX_NAME = 48;
    private static final String[] HEADER = {"#", "Job", "State", "Duration", "Tasks", "Failed", "Skipped", "Retries",
        "RTO"};
    /** Which columns are numbers, aligned right. */
    private static final boolean[] RIGHT = {true, false, false, true, true, true, true, true, true};

    private JobTable() {
    }

    /** The table of {@code jobs}, one line per job after a header line, each line ending in a line feed. */
    public static String render(List<JobTimeline> jobs) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        int index = 0;
        for (JobTimeline job : jobs) {
            index++;
            rows.add(new String[] {Integer.toString(index), Text.clip(Text.printable(job.displayName()), MAX_NAME),
                job.state().name(), job.duration().map(DurationText::of).orElse("-"),
                Integer.toString(job.tasks().size()), Integer.toString(job.count(TaskState.FAILED)),
                Integer.toString(job.count(TaskState.SKIPPED)), Integer.toString(job.retries()),
                job.recoveryTime().map(DurationText::of).orElse("")});
        }
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                if (c > 0) {
                    line.append("  ");
                }
                String pad = " ".repeat(widths[c] - row[c].length());
                line.append(RIGHT[c] ? pad + row[c] : row[c] + pad);
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
