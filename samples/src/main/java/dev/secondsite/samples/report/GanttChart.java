package dev.secondsite.samples.report;

import com.google.common.escape.Escaper;
import com.google.common.html.HtmlEscapers;
import dev.secondsite.core.job.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * Draws one job's tasks as an inline SVG Gantt chart: one row ({@code <g class="t">}) per task, a segment per
 * command attempt and per wait, a time axis from the job's start. Colours come from the page's CSS classes, so a row
 * costs a few hundred bytes (1,000-VM jobs stay small).
 *
 * <p>Stateless and thread-safe.
 */
final class GanttChart {
    static final int LABEL_WIDTH = 300;
    static final int CHART_WIDTH = 860;
    static final int WIDTH = LABEL_WIDTH + CHART_WIDTH + 20;
    static final int AXIS_HEIGHT = 22;
    static final int ROW_HEIGHT = 16;
    private static final int LABEL_CHARS = 46;
    private static final int MAX_LISTED = 12;
    private static final double MIN_SEGMENT = 1.5;
    private static final double SKIP_MARK = 8;
    private static final long[] TICK_STEPS_MS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000,
        15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000,
        21_600_000, 43_200_000, 86_400_000};
    private static final Escaper ESCAPER = HtmlEscapers.htmlEscaper();

    private GanttChart() {
    }

    /** The CSS class of a segment or bar: one colour per state, see the report's style sheet. */
    static String stateClass(TaskState state) {
        return switch (state) {
            case SUCCEEDED -> "ok";
            case FAILED -> "fa";
            case SKIPPED -> "sk";
            case WAITING_FOR_ACTION -> "wa";
            case CANCELLED -> "ca";
            case NOT_STARTED, IN_PROGRESS -> "ru";
        };
    }

    static void draw(JobTimeline job, StringBuilder out) {
        Instant origin = origin(job);
        Instant last = latest(job, origin);
        long spanMs = Math.max(1, Duration.between(origin, last).toMillis());
        long step = tickStep(spanMs);
        // the axis ends on a tick, so the last bar never touches the edge
        long axisMs = ((spanMs + step - 1) / step) * step;
        List<TaskTimeline> tasks = job.tasks();
        int height = AXIS_HEIGHT + tasks.size() * ROW_HEIGHT + 4;
        out.append("<svg class=\"gantt\" width=\"").append(WIDTH)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\" role=\"img\" aria-label=\"")
                .append(ESCAPER.escape("Timeline of " + job.displayName())).append("\">\n");
        phaseBands(tasks, out);
        for (long t = 0; t <= axisMs; t += step) {
            double x = LABEL_WIDTH + (double) t / axisMs * CHART_WIDTH;
            out.append("<line class=\"grid\" x1=\"").append(num(x)).append("\" y1=\"").append(AXIS_HEIGHT - 4)
                    .append("\" x2=\"").append(num(x)).append("\" y2=\"").append(height).append("\"/>")
                    .append("<text class=\"tick\" x=\"").append(num(x)).append("\" y=\"13\">")
                    .append(DurationText.axis(t)).append("</text>\n");
        }
        Scale scale = new Scale(origin, axisMs);
        int y = AXIS_HEIGHT;
        for (TaskTimeline task : tasks) {
            row(task, scale, last, y, out);
            y += ROW_HEIGHT;
        }
        out.append("</svg>\n");
    }

    private static void phaseBands(List<TaskTimeline> tasks, StringBuilder out) {
        int start = 0;
        int band = 0;
        for (int i = 1; i <= tasks.size(); i++) {
            if (i == tasks.size() || !Objects.equals(tasks.get(i).phase(), tasks.get(start).phase())) {
                if (band % 2 == 1) {
                    out.append("<rect class=\"band\" x=\"0\" y=\"").append(AXIS_HEIGHT + start * ROW_HEIGHT)
                            .append("\" width=\"").append(WIDTH).append("\" height=\"")
                            .append((i - start) * ROW_HEIGHT).append("\"/>\n");
                }
                band++;
                start = i;
            }
        }
    }

    private static void row(TaskTimeline task, Scale scale, Instant jobEnd, int y, StringBuilder out) {
        out.append("<g class=\"t\"><title>");
        title(task, scale.origin, out);
        out.append("</title><text x=\"4\" y=\"").append(y + 12).append("\">")
                .append(ESCAPER.escape(shorten(task.name()))).append("</text>");
        if (task.started() != null) {
            Instant taskEnd = task.ended() != null ? task.ended() : jobEnd;
            if (task.attempts().isEmpty() && task.waits().isEmpty()) {
                // a skipped task takes no time; its mark is wide enough to see
                segment(stateClass(task.state()), scale, task.started(), taskEnd, y + 3, 10,
                        task.state() == TaskState.SKIPPED ? SKIP_MARK : MIN_SEGMENT, out);
            } else {
                segment("sp", scale, task.started(), taskEnd, y + 7, 2, out);
                for (TaskWait wait : task.waits()) {
                    segment(wait.kind() == TaskWait.Kind.MANUAL_ACTION ? "wa" : "po", scale, wait.started(),
                            wait.ended() != null ? wait.ended() : taskEnd, y + 3, 10, out);
                }
                for (Attempt attempt : task.attempts()) {
                    segment(attemptClass(attempt), scale, attempt.sent(),
                            attempt.completed() != null ? attempt.completed() : taskEnd, y + 3, 10, out);
                }
                if (task.state() == TaskState.FAILED || task.state() == TaskState.SKIPPED
                        || task.state() == TaskState.CANCELLED) {
                    // the end marker says how the task ended even when its last attempt looks fine
                    double x = scale.x(taskEnd);
                    out.append("<rect class=\"").append(stateClass(task.state())).append("\" x=\"")
                            .append(num(Math.max(LABEL_WIDTH, x - 2))).append("\" y=\"").append(y + 1)
                            .append("\" width=\"3\" height=\"14\"/>");
                }
            }
        }
        out.append("</g>\n");
    }

    private static String attemptClass(Attempt attempt) {
        if (attempt.outcome() == null) {
            return "ru";
        }
        return switch (attempt.outcome()) {
            case SUCCEEDED -> "ok";
            case TRANSIENT_FAILURE -> "re";
            case PERMANENT_FAILURE -> "fa";
        };
    }

    private static void segment(String cssClass, Scale scale, Instant from, Instant to, int y, int h,
                                StringBuilder out) {
        segment(cssClass, scale, from, to, y, h, MIN_SEGMENT, out);
    }

    private static void segment(String cssClass, Scale scale, Instant from, Instant to, int y, int h,
                                double minWidth, StringBuilder out) {
        double x1 = scale.x(from);
        double x2 = Math.max(scale.x(to), x1 + minWidth);
        out.append("<rect class=\"").append(cssClass).append("\" x=\"").append(num(x1)).append("\" y=\"").append(y)
                .append("\" width=\"").append(num(x2 - x1)).append("\" height=\"").append(h).append("\"/>");
    }

    /** The hover text: name, VM, state, timing, every attempt and wait (the first dozen of each). */
    private static void title(TaskTimeline task, Instant origin, StringBuilder out) {
        StringBuilder text = new StringBuilder(160);
        text.append(task.name()).append('\n');
        if (task.vmId() != null) {
            text.append("VM ").append(task.vmId()).append(" · ");
        }
        if (task.phase() != null) {
            text.append(task.phase()).append(" · ");
        }
        text.append(task.state());
        if (task.started() != null) {
            text.append("\nstarted at +").append(DurationText.of(Duration.between(origin, task.started())));
            task.duration().ifPresent(d -> text.append(", took ").append(DurationText.of(d)));
        }
        if (task.outcomeMessage() != null) {
            text.append('\n').append(task.outcomeMessage());
        }
        int listed = 0;
        for (Attempt a : task.attempts()) {
            if (listed++ == MAX_LISTED) {
                text.append("\n… ").append(task.attempts().size() - MAX_LISTED).append(" more attempts");
                break;
            }
            text.append("\nattempt ").append(a.number());
            a.duration().ifPresent(d -> text.append(", ").append(DurationText.of(d)));
            text.append(a.outcome() == null ? ", under way" : ", " + words(a.outcome().name()));
            if (a.message() != null && !a.message().isEmpty()) {
                text.append(": ").append(a.message());
            }
        }
        listed = 0;
        for (TaskWait w : task.waits()) {
            if (listed++ == MAX_LISTED) {
                text.append("\n… ").append(task.waits().size() - MAX_LISTED).append(" more waits");
                break;
            }
            text.append(w.kind() == TaskWait.Kind.MANUAL_ACTION ? "\nmanual action: " : "\nwaited until ")
                    .append(w.description());
            w.duration().ifPresent(d -> text.append(", ").append(DurationText.of(d)));
            if (w.polls() > 0) {
                text.append(", ").append(w.polls()).append(" polls");
            }
            if (w.comment() != null) {
                text.append(", resumed: ").append(w.comment());
            }
        }
        for (String note : task.notes()) {
            text.append("\nnote: ").append(note);
        }
        out.append(ESCAPER.escape(text.toString()));
    }

    static String words(String constant) {
        return constant.toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    private static String shorten(String name) {
        return name.length() <= LABEL_CHARS ? name : name.substring(0, LABEL_CHARS - 1) + "…";
    }

    /** Where the chart's time starts: the job's first start, else its creation, else its earliest task. */
    static Instant origin(JobTimeline job) {
        if (job.started() != null) {
            return earliest(job, job.started());
        }
        if (job.created() != null) {
            return earliest(job, job.created());
        }
        return earliest(job, Instant.MAX);
    }

    private static Instant earliest(JobTimeline job, Instant candidate) {
        Instant min = candidate;
        for (TaskTimeline t : job.tasks()) {
            if (t.started() != null && t.started().isBefore(min)) {
                min = t.started();
            }
        }
        return min == Instant.MAX ? Instant.EPOCH : min;
    }

    /** Where the chart's time ends: the job's end, or the latest instant any task reached. */
    static Instant latest(JobTimeline job, Instant origin) {
        Instant max = job.ended() != null ? job.ended() : origin;
        for (TaskTimeline t : job.tasks()) {
            max = later(max, t.ended());
            max = later(max, t.started());
            for (Attempt a : t.attempts()) {
                max = later(later(max, a.sent()), a.completed());
            }
            for (TaskWait w : t.waits()) {
                max = later(later(max, w.started()), w.ended());
            }
        }
        return max;
    }

    private static Instant later(Instant a, @Nullable Instant b) {
        return b != null && b.isAfter(a) ? b : a;
    }

    private static long tickStep(long spanMs) {
        for (long step : TICK_STEPS_MS) {
            if (spanMs / step <= 8) {
                return step;
            }
        }
        return TICK_STEPS_MS[TICK_STEPS_MS.length - 1] * (spanMs / (8 * TICK_STEPS_MS[TICK_STEPS_MS.length - 1]) + 1);
    }

    /** One decimal at most: "12", "12.5". */
    static String num(double value) {
        long tenths = Math.round(value * 10);
        return tenths % 10 == 0 ? Long.toString(tenths / 10) : (tenths / 10) + "." + Math.abs(tenths % 10);
    }

    /** Maps instants to x coordinates. */
    private record Scale(Instant origin, long axisMs) {
        double x(Instant at) {
            double ms = Duration.between(origin, at).toNanos() / 1e6;
            return LABEL_WIDTH + Math.max(0, Math.min(ms / axisMs, 1)) * CHART_WIDTH;
        }
    }
}
