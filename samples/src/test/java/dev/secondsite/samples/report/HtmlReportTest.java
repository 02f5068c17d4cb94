package dev.secondsite.samples.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.html.HtmlEscapers;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.Phase;
import dev.secondsite.core.spi.CommandResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
    static final Instant T0 = Instant.parse("2025-05-01T10:00:00Z");
    /** Anything that would make a browser fetch something: a URL in src/href, a link or a script element, CSS urls. */
    static final Pattern EXTERNAL = Pattern.compile(
            "(?i)(src|href|xlink:href)\\s*=\\s*[\"']?\\s*(https?:|//|ftp:|file:)|<link\\b|<script\\b|@import|url\\(");

    static String html(JobRecorder recorder) {
        return HtmlReport.builder("DR drill").jobs(recorder.timelines()).configurationJson("{\"vault\": \"Contoso\"}")
                .generatedAt(T0).build().html();
    }

    static int count(String html, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(html);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** The charts of every job, without the legend. */
    static String charts(String html) {
        return html.substring(html.indexOf("<details class=\"job\""), html.indexOf("<h2 id=\"jobs\">"));
    }

    /** The part of the page for job {@code index} (1-based): its details block with its chart. */
    static String jobSection(String html, int index) {
        int start = html.indexOf("<details class=\"job\" id=\"job-" + index + "\"");
        return html.substring(start, html.indexOf("</details>", start));
    }

    @Test
    @DisplayName("J1 the timeline has one row per task, grouped by job, in the job's order")
    void oneRowPerTask() {
        JobRecorder recorder = new JobRecorder();
        SyntheticDrill.record(recorder, 12, 7, 0.2, T0);
        String html = html(recorder);
        List<JobTimeline> jobs = recorder.timelines();
        assertEquals(SyntheticDrill.JOBS, jobs.size());
        int total = 0;
        for (int i = 0; i < jobs.size(); i++) {
            String section = jobSection(html, i + 1);
            assertEquals(jobs.get(i).tasks().size(), count(section, "<g class=\"t\">"), "rows of job " + (i + 1));
            assertEquals(1, count(section, "<svg class=\"gantt\""));
            total += jobs.get(i).tasks().size();
            // rows appear in the job's task order
            int last = -1;
            for (TaskTimeline task : jobs.get(i).tasks()) {
                int at = section.indexOf("<title>" + task.name() + "\n", last + 1);
                assertTrue(at > last, "row of " + task.name() + " after the previous one");
                last = at;
            }
        }
        assertEquals(total, count(html, "<g class=\"t\">"));
    }

    @Test
    @DisplayName("J1 every retried attempt is its own segment in the retry colour, the successful one in green")
    void retrySegments() {
        JobRecorder recorder = new JobRecorder();
        History h = new History(recorder);
        h.create("j", T0, JobKind.PLANNED_FAILOVER, "plan P", List.of(new Phase("Failover",
                List.of(History.failoverTask("vm-1", "web01"), History.failoverTask("vm-2", "web02")))));
        h.start("j", T0);
        h.taskStarted("j", "failover/vm-1", T0);
        for (int attempt = 1; attempt <= 3; attempt++) {
            h.attempt("j", "failover/vm-1", 0, attempt, History.at(T0, 1000L * (attempt - 1)),
                    Duration.ofMillis(500), attempt < 3 ? CommandResult.transientFailure("busy " + attempt)
                            : CommandResult.succeeded("Failed over"));
        }
        h.succeeded("j", "failover/vm-1", History.at(T0, 2500));
        h.taskStarted("j", "failover/vm-2", T0);
        h.attempt("j", "failover/vm-2", 0, 1, T0, Duration.ofMillis(800),
                CommandResult.permanentFailure("The VM is not replicated"));
        h.failed("j", "failover/vm-2", History.at(T0, 800), "The VM is not replicated");
        h.finished("j", History.at(T0, 2600), JobState.FAILED, "failed at Fail over web02");
        String svg = jobSection(html(recorder), 1);
        String[] rows = svg.split("<g class=\"t\">");
        assertEquals(3, rows.length);
        assertEquals(2, count(rows[1], "<rect class=\"re\""));
        assertEquals(1, count(rows[1], "<rect class=\"ok\""));
        assertTrue(rows[1].contains("attempt 1, 500 ms, transient failure: busy 1"), rows[1]);
        assertTrue(rows[1].contains("attempt 3, 500 ms, succeeded: Failed over"), rows[1]);
        assertEquals(0, count(rows[2], "<rect class=\"re\""));
        // the failed attempt and the failed end marker
        assertEquals(2, count(rows[2], "<rect class=\"fa\""));
        // segments of one row do not overlap: each attempt is its own rect, left to right
        Matcher x = Pattern.compile("<rect class=\"(?:re|ok)\" x=\"([0-9.]+)\" y=\"\\d+\" width=\"([0-9.]+)\"")
                .matcher(rows[1]);
        double end = 0;
        int segments = 0;
        while (x.find()) {
            double left = Double.parseDouble(x.group(1));
            assertTrue(left >= end, "segment at " + left + " starts after the previous one ends at " + end);
            end = left + Double.parseDouble(x.group(2));
            segments++;
        }
        assertEquals(3, segments);
    }

    @Test
    @DisplayName("a manual action shows as a waiting segment; the RTO table shows the measured RTO of each failover")
    void waitsAndRto() {
        JobRecorder recorder = new JobRecorder();
        SyntheticDrill.record(recorder, 6, 3, 0, T0);
        String html = html(recorder);
        List<JobTimeline> failovers = recorder.timelines().stream().filter(JobTimeline::isFailover).toList();
        assertEquals(3, failovers.size());
        String rtoTable = html.substring(html.indexOf("<h2 id=\"rto\">"), html.indexOf("<h2 id=\"timeline\">"));
        for (JobTimeline f : failovers) {
            String rto = DurationText.of(f.recoveryTime().orElseThrow());
            assertTrue(rtoTable.contains("<td class=\"n rto\">" + rto + "</td>"), rto + " in " + rtoTable);
        }
        assertEquals(3, count(charts(html), "<rect class=\"wa\""));
        assertTrue(html.contains("manual action: Log on to db01 and confirm the database is mounted"));
        // protection waits for replication: one blue segment per VM
        assertEquals(6, count(jobSection(html, 4), "<rect class=\"po\""));
    }

    @Test
    @DisplayName("hostile names (a VM named <script>) render as text: every user text is escaped")
    void escapesHostileText() {
        String hostile = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>&amp;";
        JobRecorder recorder = new JobRecorder();
        SyntheticDrill.record(recorder, 3, 1, 0.3, T0, i -> hostile + i);
        recorder.label(recorder.timelines().get(0).jobId(), hostile);
        String html = HtmlReport.builder(hostile).jobs(recorder.timelines())
                .configurationJson("{\"name\": \"" + hostile + "\"}").generatedAt(T0).build().html();
        String lower = html.toLowerCase(Locale.ROOT);
        assertFalse(lower.contains("<script"), "no script element");
        assertFalse(lower.contains("<img"), "no img element");
        assertFalse(html.contains("\"'>"), "no attribute break-out");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=alert(2)"
                + "&gt;&amp;amp;"));
        // the title, the label, the configuration and every row of the hostile VMs carry the escaped text
        assertTrue(count(html, "&lt;script&gt;") > 3 * 10, "escaped names in rows and tables");
        assertFalse(EXTERNAL.matcher(html).find());
    }

    @Test
    @DisplayName("the page loads nothing: no http(s) or // URL in src or href, no link or script element, no CSS url()")
    void selfContained() {
        JobRecorder recorder = new JobRecorder();
        SyntheticDrill.record(recorder, 12, 5, 0.1, T0);
        String html = html(recorder);
        assertFalse(EXTERNAL.matcher(html).find(), () -> "external reference: " + matchOf(html));
        assertFalse(html.contains("http://") || html.contains("https://"), "no URL at all");
        assertTrue(html.contains("<style>"));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        // the detector itself catches what it must
        for (String bad : List.of("<img src=\"https://cdn.example/x.png\">", "<a href='//evil/x'>",
                "<link rel=stylesheet href=a.css>", "<script src=x.js></script>", "<image xlink:href=\"http://x/y\"/>",
                "<div style=\"background:url(x.png)\">")) {
            assertTrue(EXTERNAL.matcher(bad).find(), bad);
        }
    }

    @Test
    @DisplayName("the configuration is shown escaped in a collapsible block; without one the page says so")
    void configurationBlock() {
        JobRecorder recorder = new JobRecorder();
        SyntheticDrill.record(recorder, 2, 5, 0, T0);
        String html = html(recorder);
        int at = html.indexOf("<h2 id=\"configuration\">");
        assertTrue(html.indexOf("<details><summary>The vault's configuration", at) > at);
        assertTrue(html.contains("<pre>{&quot;vault&quot;: &quot;Contoso&quot;}</pre>"));
        String without = HtmlReport.builder("x").jobs(recorder.timelines()).build().html();
        assertTrue(without.contains("<h2 id=\"configuration\">Configuration</h2>\n<p>Not included.</p>"));
    }

    @Test
    @DisplayName("R1 the vault's configuration is exported by ConfigurationJson into the page, escaped")
    void configurationFromTheVault() {
        var info = new dev.secondsite.core.vault.VaultInfo("v-1", "Contoso <DR>", "westeurope",
                dev.secondsite.core.vault.VaultState.ACTIVE, T0);
        String html = HtmlReport.builder("x").configuration(dev.secondsite.core.vault.VaultConfiguration.empty(info))
                .build().html();
        String block = html.substring(html.indexOf("<pre>"), html.indexOf("</pre>"));
        assertTrue(block.contains("Contoso &lt;DR&gt;"), block);
        assertTrue(block.contains("secondsite.vault-configuration"), block);
    }

    @Test
    @DisplayName("the jobs table has one row per job with its state, duration and retries")
    void jobsTable() {
        JobRecorder recorder = new JobRecorder();
        SyntheticDrill.record(recorder, 12, 9, 0.2, T0);
        String html = html(recorder);
        String table = html.substring(html.indexOf("<h2 id=\"jobs\">"), html.indexOf("<h2 id=\"configuration\">"));
        assertEquals(SyntheticDrill.JOBS, count(table, "<tr><td class=\"n\"><a href=\"#job-"));
        for (JobTimeline job : recorder.timelines()) {
            assertTrue(table.contains("<td>" + HtmlEscapers.htmlEscaper().escape(job.displayName()) + "</td>"));
            assertTrue(table.contains(DurationText.of(job.duration().orElseThrow())));
        }
        assertEquals(SyntheticDrill.JOBS, count(table, "<td class=\"s-SUCCEEDED\">SUCCEEDED</td>"));
    }

    @Test
    @DisplayName("a 1,000-VM drill of 12 jobs makes one page of under 12 MB (under 500 bytes per task); big jobs start collapsed")
    void scalesToAThousandVms(@TempDir Path dir) throws Exception {
        JobRecorder recorder = new JobRecorder();
        SyntheticDrill.record(recorder, 1_000, 42, 0.05, T0);
        List<JobTimeline> jobs = recorder.timelines();
        int tasks = jobs.stream().mapToInt(j -> j.tasks().size()).sum();
        assertTrue(tasks > 12_000, "tasks: " + tasks);
        Path file = dir.resolve("report.html");
        HtmlReport.builder("DR drill, 1,000 VMs").jobs(jobs).generatedAt(T0).build().write(file);
        long bytes = Files.size(file);
        assertTrue(bytes < 12_000_000, "bytes: " + bytes);
        assertTrue(bytes / tasks < 500, "bytes per task: " + bytes / tasks);
        String html = Files.readString(file, StandardCharsets.UTF_8);
        assertEquals(tasks, count(html, "<g class=\"t\">"));
        assertEquals(jobs.stream().mapToInt(JobTimeline::retries).sum(), count(charts(html), "<rect class=\"re\""));
        long big = jobs.stream().filter(j -> j.tasks().size() > HtmlReport.COLLAPSE_ABOVE_TASKS).count();
        assertEquals(big, count(html, "<details class=\"job\"") - count(html, "\" open><summary>"));
    }

    @Test
    @DisplayName("a blank title is refused, naming the field")
    void blankTitle() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HtmlReport.builder(" "));
        assertTrue(e.getMessage().contains("title"));
    }

    private static String matchOf(String html) {
        Matcher m = EXTERNAL.matcher(html);
        return m.find() ? html.substring(Math.max(0, m.start() - 40), Math.min(html.length(), m.end() + 40)) : "";
    }
}
