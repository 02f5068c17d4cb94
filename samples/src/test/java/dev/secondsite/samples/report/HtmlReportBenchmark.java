package dev.secondsite.samples.report;

import java.time.Duration;
import java.time.Instant;

/**
 * Measures the report of a synthetic 1,000-VM drill (twelve jobs, 5 % transient faults): recording time, rendering
 * time and page size. A plain {@code main}, not a test: run it with the test class path, e.g.
 * {@code java -cp samples/target/test-classes:samples/target/classes:<deps> dev.secondsite.samples.report.HtmlReportBenchmark [vms]}.
 */
public final class HtmlReportBenchmark {
    private HtmlReportBenchmark() {
    }

    public static void main(String[] args) {
        int vms = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        for (int round = 1; round <= 3; round++) {
            long t0 = System.nanoTime();
            JobRecorder recorder = new JobRecorder();
            SyntheticDrill.record(recorder, vms, 42, 0.05, Instant.parse("2025-05-01T10:00:00Z"));
            long t1 = System.nanoTime();
            var timelines = recorder.timelines();
            String html = HtmlReport.builder("DR drill, " + vms + " VMs").jobs(timelines).build().html();
            long t2 = System.nanoTime();
            int tasks = timelines.stream().mapToInt(j -> j.tasks().size()).sum();
            System.out.printf("round %d: %d VMs, %d jobs, %d tasks, %d retries; record %d ms, render %d ms; "
                            + "%,d characters (%.1f MB), %d bytes per task%n", round, vms, timelines.size(), tasks,
                    timelines.stream().mapToInt(JobTimeline::retries).sum(), Duration.ofNanos(t1 - t0).toMillis(),
                    Duration.ofNanos(t2 - t1).toMillis(), html.length(), html.length() / 1e6, html.length() / tasks);
        }
    }
}
