package dev.secondsite.samples.report;

import java.nio.file.Path;
import java.time.Instant;

/**
 * Writes the report of a synthetic twelve-VM drill (three tiers, 15 % transient faults, the drill's job labels) to
 * the path given, e.g. to take the README's screenshot {@code docs/drill-report.png} with headless Chromium ({@code chromium --headless
 * --screenshot=docs/drill-report.png --window-size=1280,1500 file://...}). A plain {@code main}, not a test.
 */
public final class ReportScreenshot {
    private ReportScreenshot() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args.length > 0 ? args[0] : "drill-report.html");
        JobRecorder recorder = new JobRecorder();
        Instant start = Instant.parse("2025-05-01T10:00:00Z");
        SyntheticDrill.record(recorder, 12, 11, 0.15, start);
        String[] labels = {"Pair Gold -> GoldDR", "Map network Corp -> CorpDR", "Map storage Gold-SSD -> DR-SSD",
            "Protect 12 VMs", "Test failover of the plan", "Clean up the test failover", "Planned failover to vmm-b",
            "Commit", "Reverse replication", "Failback to vmm-a", "Commit the failback", "Reverse replication again"};
        for (int i = 0; i < labels.length; i++) {
            recorder.label(recorder.timelines().get(i).jobId(), labels[i]);
        }
        HtmlReport.builder("Secondsite DR drill: Contoso DR, 12 VMs").jobs(recorder.timelines())
                .configurationJson("{\n  \"kind\": \"secondsite.vault-configuration\"\n}").generatedAt(start)
                .build().write(file);
        System.out.println(file.toAbsolutePath());
    }
}
