package dev.secondsite.samples.report;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.escape.Escaper;
import com.google.common.html.HtmlEscapers;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.TaskState;
import dev.secondsite.core.json.ConfigurationJson;
import dev.secondsite.core.vault.VaultConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.annotation.Nullable;

/**
 * A drill's report as one self-contained HTML file: the measured RTO of every failover, an SVG Gantt chart of every
 * job's tasks (one row per task; a segment per command attempt, retried attempts in their own colour; manual and
 * replication waits; hover a row for its details), a table of the jobs, and the configuration in a collapsible block.
 *
 * <p>The page needs no network: its style sheet and charts are inline, it has no script, font, image or link to
 * anything else. Every text that comes from users (VM, plan, task names, messages, the configuration) is
 * HTML-escaped, so a VM named {@code <script>} shows as text. A job with more than
 * {@value #COLLAPSE_ABOVE_TASKS} tasks starts collapsed, so a 1,000-VM report opens quickly; a 1,000-VM history of
 * twelve jobs makes a file of a few megabytes.
 *
 * <p>Immutable and thread-safe; build it with {@link #builder(String)}.
 */
public final class HtmlReport {
    /** Jobs with more tasks than this start collapsed in the page. */
    public static final int COLLAPSE_ABOVE_TASKS = 200;

    private static final Escaper ESCAPER = HtmlEscapers.htmlEscaper();
    private static final String STYLE = """
            body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;\
            margin:24px;color:#1b1f24;background:#fff}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:14px;margin:0;display:inline}
            .meta{color:#57606a}
            table{border-collapse:collapse;margin:4px 0}
            th,td{border-bottom:1px solid #d0d7de;padding:4px 10px;text-align:left;vertical-align:top}
            th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
            details.job{margin:10px 0}details.job>summary{cursor:pointer;padding:2px 0}
            pre{background:#f6f8fa;padding:12px;overflow:auto;font-size:12px}
            .rto{font-weight:600}
            .gantt{display:block;font-size:11px}.gantt text{fill:#1b1f24}.gantt .tick{fill:#57606a;text-anchor:middle}
            .gantt .grid{stroke:#d8dee4;stroke-width:1}.gantt .band{fill:#f6f8fa}
            .gantt g.t:hover text{font-weight:600}.gantt g.t rect{stroke:#fff;stroke-width:.5}
            .ok{fill:#2e7d32}.re{fill:#f57c00}.fa{fill:#c62828}.sk{fill:#9e9e9e}.wa{fill:#7b1fa2}.po{fill:#0288d1}
            .ru{fill:#90caf9}.ca{fill:#5d4037}.sp{fill:#8c959f}
            .s-SUCCEEDED{color:#2e7d32}.s-FAILED{color:#c62828}.s-CANCELLED{color:#5d4037}\
            .s-WAITING_FOR_ACTION{color:#7b1fa2}
            """;
    private static final String[][] LEGEND = {{"ok", "succeeded"}, {"re", "attempt failed transiently, retried"},
        {"fa", "failed"}, {"sk", "skipped"}, {"wa", "waiting for a manual action"},
        {"po", "waiting for replication"}, {"ru", "running"}, {"ca", "cancelled"}};

    private final String title;
    private final List<JobTimeline> jobs;
    @Nullable private final String configurationJson;
    private final Instant generatedAt;
    private final ZoneId zone;

    private HtmlReport(Builder b) {
        this.title = b.title;
        this.jobs = ImmutableList.copyOf(b.jobs);
        this.configurationJson = b.configurationJson;
        this.generatedAt = b.generatedAt != null ? b.generatedAt : Instant.now();
        this.zone = b.zone;
    }

    /**
     * A builder of a report titled {@code title}.
     *
     * @throws IllegalArgumentException when {@code title} is blank
     */
    public static Builder builder(String title) {
        return new Builder(title);
    }

    /** The jobs the report shows, in order. */
    public List<JobTimeline> jobs() {
        return jobs;
    }

    /** The whole page. */
    public String html() {
        StringBuilder out = new StringBuilder(4096 + jobs.stream().mapToInt(j -> j.tasks().size()).sum() * 400);
        render(out);
        return out.toString();
    }

    /**
     * Writes the page to {@code file} (UTF-8), replacing it.
     *
     * @throws UncheckedIOException when the file cannot be written
     */
    public void write(Path file) {
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            writer.write(html());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the report to " + file, e);
        }
    }

    private void render(StringBuilder out) {
        DateTimeFormatter time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS xxx").withZone(zone);
        int taskCount = jobs.stream().mapToInt(j -> j.tasks().size()).sum();
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>\n").append(STYLE)
                .append("</style></head>\n<body>\n<h1>").append(esc(title)).append("</h1>\n<p class=\"meta\">")
                .append(jobs.size()).append(" jobs, ").append(taskCount).append(" tasks, ")
                .append(jobs.stream().mapToInt(JobTimeline::retries).sum()).append(" retried attempts. Generated ")
                .append(esc(time.format(generatedAt))).append(".</p>\n");
        recoveryTimes(out);
        timeline(out);
        jobTable(out, time);
        configuration(out);
        out.append("</body></html>\n");
    }

    private void recoveryTimes(StringBuilder out) {
        out.append("<h2 id=\"rto\">Measured recovery time (RTO)</h2>\n");
        List<JobTimeline> failovers = jobs.stream().filter(JobTimeline::isFailover).toList();
        if (failovers.isEmpty()) {
            out.append("<p>No failover in this history.</p>\n");
        } else {
            out.append("<table><tr><th>Failover</th><th>State</th><th>RTO</th><th>VMs started</th>")
                    .append("<th>Manual action wait</th></tr>\n");
            for (JobTimeline job : failovers) {
                Optional<Duration> rto = job.recoveryTime();
                long started = job.tasks().stream().filter(t -> t.startsVm() && t.state() == TaskState.SUCCEEDED)
                        .count();
                out.append("<tr><td>").append(esc(job.displayName())).append("</td><td class=\"s-")
                        .append(job.state().name()).append("\">").append(job.state()).append("</td><td class=\"n rto\">")
                        .append(rto.map(DurationText::of).orElse("not measured")).append("</td><td class=\"n\">")
                        .append(started).append("</td><td class=\"n\">").append(DurationText.of(job.manualWait()))
                        .append("</td></tr>\n");
            }
            out.append("</table>\n");
        }
        out.append("<p class=\"meta\">RTO: from the job's start to the moment the last VM was started on the target ")
                .append("site (its start-VM command succeeded), measured on the vault's clock. It includes the ")
                .append("pre-flight check, the shutdown, the failover of every VM, the boot groups in order and the ")
                .append("time spent on manual actions and scripts before the last boot. It is measured only for ")
                .append("failovers that succeeded.</p>\n");
    }

    private void timeline(StringBuilder out) {
        out.append("<h2 id=\"timeline\">Timeline</h2>\n<svg width=\"").append(GanttChart.WIDTH)
                .append("\" height=\"20\" role=\"img\" aria-label=\"Legend\">");
        int x = 0;
        for (String[] entry : LEGEND) {
            out.append("<rect class=\"").append(entry[0]).append("\" x=\"").append(x).append("\" y=\"5\" ")
                    .append("width=\"12\" height=\"10\"/><text x=\"").append(x + 16).append("\" y=\"14\" ")
                    .append("font-size=\"11\">").append(entry[1]).append("</text>");
            x += 30 + (int) Math.ceil(entry[1].length() * 6.2);
        }
        out.append("</svg>\n<p class=\"meta\">One row per task; one segment per command attempt. ")
                .append("Hover a row for its details.</p>\n");
        int index = 0;
        for (JobTimeline job : jobs) {
            index++;
            out.append("<details class=\"job\" id=\"job-").append(index).append('"')
                    .append(job.tasks().size() <= COLLAPSE_ABOVE_TASKS ? " open" : "").append("><summary><h3>")
                    .append(index).append(". ").append(esc(job.displayName())).append("</h3> <span class=\"s-")
                    .append(job.state().name()).append("\">").append(job.state()).append("</span> · ")
                    .append(job.duration().map(DurationText::of).orElse("not finished")).append(" · ")
                    .append(plural(job.tasks().size(), "task"));
            if (job.retries() > 0) {
                out.append(" · ").append(plural(job.retries(), "retry"));
            }
            job.recoveryTime().ifPresent(rto -> out.append(" · RTO ").append(DurationText.of(rto)));
            out.append("</summary>\n");
            GanttChart.draw(job, out);
            out.append("</details>\n");
        }
    }

    private void jobTable(StringBuilder out, DateTimeFormatter time) {
        out.append("<h2 id=\"jobs\">Jobs</h2>\n<table><tr><th>#</th><th>Job</th><th>Kind</th><th>Target</th>")
                .append("<th>State</th><th>Started</th><th>Duration</th><th>Tasks</th><th>Failed</th>")
                .append("<th>Skipped</th><th>Retries</th><th>RTO</th></tr>\n");
        int index = 0;
        for (JobTimeline job : jobs) {
            index++;
            out.append("<tr><td class=\"n\"><a href=\"#job-").append(index).append("\">").append(index)
                    .append("</a></td><td>").append(esc(job.displayName())).append("</td><td>")
                    .append(job.kind() == null ? "" : job.kind()).append("</td><td>").append(esc(job.target()))
                    .append("</td><td class=\"s-").append(job.state().name()).append("\">").append(job.state())
                    .append("</td><td>").append(job.started() == null ? "" : esc(time.format(job.started())))
                    .append("</td><td class=\"n\">").append(job.duration().map(DurationText::of).orElse(""))
                    .append("</td><td class=\"n\">").append(job.tasks().size()).append("</td><td class=\"n\">")
                    .append(job.count(TaskState.FAILED)).append("</td><td class=\"n\">")
                    .append(job.count(TaskState.SKIPPED)).append("</td><td class=\"n\">").append(job.retries())
                    .append("</td><td class=\"n\">").append(job.recoveryTime().map(DurationText::of).orElse(""))
                    .append("</td></tr>\n");
            if (job.message() != null && job.state() != JobState.SUCCEEDED) {
                out.append("<tr><td></td><td colspan=\"11\">").append(esc(job.message())).append("</td></tr>\n");
            }
        }
        out.append("</table>\n");
    }

    private void configuration(StringBuilder out) {
        out.append("<h2 id=\"configuration\">Configuration</h2>\n");
        if (configurationJson == null) {
            out.append("<p>Not included.</p>\n");
            return;
        }
        out.append("<details><summary>The vault's configuration: servers, pairings and their settings, network ")
                .append("and storage mappings, protected VMs, plans (secrets are never exported)</summary>\n<pre>")
                .append(esc(configurationJson)).append("</pre></details>\n");
    }

    private static String plural(int n, String noun) {
        if (n == 1) {
            return "1 " + noun;
        }
        return n + " " + (noun.endsWith("y") ? noun.substring(0, noun.length() - 1) + "ies" : noun + "s");
    }

    private static String esc(String text) {
        return ESCAPER.escape(text);
    }

    /**
     * Collects a report's settings. Not thread-safe; {@link #build()} copies them.
     */
    public static final class Builder {
        private final String title;
        private final List<JobTimeline> jobs = new ArrayList<>();
        @Nullable private String configurationJson;
        @Nullable private Instant generatedAt;
        private ZoneId zone = ZoneOffset.UTC;

        private Builder(String title) {
            requireNonNull(title, "title");
            if (title.isBlank()) {
                throw new IllegalArgumentException("report: title ('" + title + "') must not be blank");
            }
            this.title = title;
        }

        /** Adds {@code timelines}, in order (e.g. {@link JobRecorder#timelines()}). */
        public Builder jobs(Collection<JobTimeline> timelines) {
            for (JobTimeline t : timelines) {
                jobs.add(requireNonNull(t, "timelines contains null"));
            }
            return this;
        }

        /**
         * The configuration to show, as the core's {@code ConfigurationJson.export(vault.configuration())} writes it
         * (secret-free); shown verbatim, escaped.
         */
        public Builder configurationJson(String json) {
            this.configurationJson = requireNonNull(json, "json");
            return this;
        }

        /** The vault's configuration, exported with {@link ConfigurationJson#export} (which leaves secrets out). */
        public Builder configuration(VaultConfiguration configuration) {
            return configurationJson(ConfigurationJson.export(requireNonNull(configuration, "configuration")));
        }

        /** When the report was made (default: when it is built). */
        public Builder generatedAt(Instant at) {
            this.generatedAt = requireNonNull(at, "at");
            return this;
        }

        /** The time zone of the times shown (default UTC). */
        public Builder zone(ZoneId zoneId) {
            this.zone = requireNonNull(zoneId, "zoneId");
            return this;
        }

        public HtmlReport build() {
            return new HtmlReport(this);
        }
    }
}
