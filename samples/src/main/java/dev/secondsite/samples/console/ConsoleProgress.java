package dev.secondsite.samples.console;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.TaskState;
import dev.secondsite.samples.report.DurationText;
import dev.secondsite.samples.report.JobRecorder;
import dev.secondsite.samples.report.ProgressUpdate;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.annotation.Nullable;

/**
 * Shows the progress of a drill's jobs on a console while they run, from a {@link JobRecorder}'s updates.
 *
 * <p>On a terminal ({@link Mode#TERMINAL}, or {@link Mode#AUTO} when {@link System#console()} is not null and
 * {@code TERM} is not {@code dumb}) each running job has one line, redrawn in place (carriage return, ANSI erase and
 * cursor-up) at most every {@linkplain Builder#refreshInterval refresh interval}:
 * {@code Planned failover: plan Web tier  [#########-----------]  45%  Start web01 in group 2}; a job's line stays,
 * final, when it ends. Otherwise ({@link Mode#PLAIN}) it prints one plain line per change, without control
 * characters: {@code <job>: started}, {@code <job>: <task>: succeeded}, {@code <job>: <task>: waiting for action -
 * <instructions>}, {@code <job>: <task>: attempt 1 failed transiently: <message>; retrying},
 * {@code <job>: SUCCEEDED in 6.0 s}. Control characters in names are shown as '?'.
 *
 * <p>The engine is never slowed: the recorder's observer only queues the update; printing happens on this
 * renderer's own daemon thread. Other output of the program should go through {@link #println} so that it does not
 * tear the live lines.
 *
 * <p>Thread-safe. Build with {@link #builder(JobRecorder)}, {@link #start()} it, and {@link #close()} it to print
 * everything queued and stop its thread.
 */
public final class ConsoleProgress implements AutoCloseable {
    /** How progress is shown. */
    public enum Mode {
        /** Terminal when {@link System#console()} is not null and {@code TERM} is not {@code dumb}, else plain. */
        AUTO,
        /** Lines updated in place. */
        TERMINAL,
        /** One plain line per change, no control characters (logs, pipes, CI). */
        PLAIN
    }

    private static final String ERASE_LINE = "\u001b[2K";
    private static final String ERASE_BELOW = "\u001b[J";
    private static final Object STOP = new Object();

    private final JobRecorder recorder;
    private final PrintStream out;
    private final boolean terminal;
    private final long refreshNanos;
    private final int barWidth;
    private final int lineWidth;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Consumer<ProgressUpdate> observer = queue::offer;
    private final Thread printer;
    private final Object lifecycle = new Object();
    private boolean started;
    private boolean closed;

    // printer thread only
    private final Map<String, LiveLine> live = new LinkedHashMap<>();
    private final List<String> settled = new ArrayList<>();
    private int drawnLines;
    private boolean dirty;
    private long lastDraw;

    private ConsoleProgress(Builder b) {
        this.recorder = b.recorder;
        this.out = b.out;
        this.terminal = switch (b.mode) {
            case TERMINAL -> true;
            case PLAIN -> false;
            case AUTO -> System.console() != null && !"dumb".equals(System.getenv("TERM"));
        };
        this.refreshNanos = b.refreshInterval.toNanos();
        this.barWidth = b.barWidth;
        this.lineWidth = b.lineWidth;
        this.printer = new Thread(this::print, "secondsite-console-progress");
        this.printer.setDaemon(true);
    }

    /** A builder of a renderer of {@code recorder}'s updates. */
    public static Builder builder(JobRecorder recorder) {
        return new Builder(recorder);
    }

    /** True when lines are updated in place, false in plain mode. */
    public boolean isTerminal() {
        return terminal;
    }

    /**
     * Starts listening to the recorder and printing.
     *
     * @throws IllegalStateException when already started or closed
     */
    public ConsoleProgress start() {
        synchronized (lifecycle) {
            if (started || closed) {
                throw new IllegalStateException("console progress: already " + (closed ? "closed" : "started"));
            }
            started = true;
            recorder.addObserver(observer);
            printer.start();
        }
        return this;
    }

    /** Prints {@code line} (control characters shown as '?') in order with the progress, above the live lines. */
    public void println(String line) {
        queue.offer(new Message(Text.printable(requireNonNull(line, "line"))));
    }

    /** Prints the {@linkplain JobTable table} of every job the recorder holds, after everything queued before. */
    public void printJobTable() {
        queue.offer(new Message(JobTable.render(recorder.timelines()).stripTrailing()));
    }

    /**
     * Waits until everything queued before this call is printed (live lines drawn).
     *
     * @return false when {@code timeout} passed first, or the renderer is not running
     */
    public boolean flush(Duration timeout) throws InterruptedException {
        if (!printer.isAlive()) {
            return false;
        }
        Flush marker = new Flush(new CountDownLatch(1));
        queue.offer(marker);
        return marker.done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Stops listening, prints everything queued (the final state of every live line) and stops the thread, waiting
     * for it up to 10 seconds. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            recorder.removeObserver(observer);
            if (!started) {
                return;
            }
        }
        queue.offer(STOP);
        try {
            printer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void print() {
        try {
            while (true) {
                long wait = terminal && dirty ? Math.max(0, refreshNanos - (System.nanoTime() - lastDraw))
                        : TimeUnit.SECONDS.toNanos(1);
                Object item = queue.poll(wait, TimeUnit.NANOSECONDS);
                if (item == STOP) {
                    draw();
                    if (terminal && drawnLines > 0) {
                        out.print('\n');
                    }
                    out.flush();
                    return;
                }
                if (item instanceof ProgressUpdate u) {
                    if (terminal) {
                        apply(u);
                    } else {
                        out.print(plainLine(u) + "\n");
                        out.flush();
                    }
                } else if (item instanceof Message m) {
                    if (terminal) {
                        settled.add(m.text());
                        dirty = true;
                        draw();
                    } else {
                        out.print(m.text() + "\n");
                        out.flush();
                    }
                } else if (item instanceof Flush f) {
                    draw();
                    f.done().countDown();
                }
                if (terminal && dirty && System.nanoTime() - lastDraw >= refreshNanos) {
                    draw();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One plain line for {@code u}; see the class comment. */
    static String plainLine(ProgressUpdate u) {
        String job = Text.printable(u.jobName());
        return switch (u.kind()) {
            case JOB_STARTED -> job + ": started" + (u.detail() != null ? " (" + Text.printable(u.detail()) + ")"
                    : "");
            case TASK_CHANGED -> job + ": " + Text.printable(String.valueOf(u.taskName())) + ": "
                    + words(String.valueOf(u.taskState())) + (u.detail() != null ? " - " + Text.printable(u.detail())
                    : "");
            case TASK_RETRYING -> job + ": " + Text.printable(String.valueOf(u.taskName())) + ": "
                    + Text.printable(String.valueOf(u.detail())) + "; retrying";
            case JOB_FINISHED -> job + ": " + u.jobState() + " in " + DurationText.of(u.elapsed())
                    + (u.jobState() != JobState.SUCCEEDED && u.detail() != null ? " - " + Text.printable(u.detail())
                    : "");
        };
    }

    private void apply(ProgressUpdate u) {
        LiveLine line = live.computeIfAbsent(u.jobId(), id -> new LiveLine());
        line.name = Text.printable(u.jobName());
        line.percent = u.progressPercent();
        line.state = u.jobState();
        line.elapsed = u.elapsed();
        if (u.taskName() != null) {
            String task = Text.printable(u.taskName());
            line.task = u.kind() == ProgressUpdate.Kind.TASK_RETRYING ? task + " (retrying)"
                    : u.taskState() == TaskState.IN_PROGRESS ? task
                    : task + " (" + words(String.valueOf(u.taskState())) + ")";
        }
        if (u.kind() == ProgressUpdate.Kind.JOB_FINISHED) {
            line.percent = u.jobState() == JobState.SUCCEEDED ? 100 : line.percent;
            line.task = u.jobState() + " in " + DurationText.of(u.elapsed());
            settled.add(render(line));
            live.remove(u.jobId());
        }
        dirty = true;
    }

    /** Redraws the live area: settled lines scroll up above it, the running jobs' lines are rewritten in place. */
    private void draw() {
        if (!terminal || !dirty) {
            return;
        }
        StringBuilder s = new StringBuilder("\r");
        if (drawnLines > 1) {
            s.append("\u001b[").append(drawnLines - 1).append('A');
        }
        s.append(ERASE_BELOW);
        for (String line : settled) {
            s.append(ERASE_LINE).append(line).append('\n');
        }
        settled.clear();
        int i = 0;
        for (LiveLine line : live.values()) {
            s.append(ERASE_LINE).append(render(line));
            if (++i < live.size()) {
                s.append('\n');
            }
        }
        drawnLines = live.size();
        out.print(s);
        out.flush();
        dirty = false;
        lastDraw = System.nanoTime();
    }

    private String render(LiveLine line) {
        int filled = line.percent * barWidth / 100;
        String text = String.format(Locale.ROOT, "%-32s [%s%s] %3d%%  %s", Text.clip(line.name, 32),
                "#".repeat(filled), "-".repeat(barWidth - filled), line.percent,
                line.task == null ? DurationText.of(line.elapsed) : line.task);
        return Text.clip(text, lineWidth);
    }

    private static String words(String constant) {
        return constant.toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** One running job's line; printer thread only. */
    private static final class LiveLine {
        String name = "";
        int percent;
        JobState state = JobState.IN_PROGRESS;
        Duration elapsed = Duration.ZERO;
        @Nullable String task;
    }

    private record Message(String text) {
    }

    private record Flush(CountDownLatch done) {
    }

    /** Collects a renderer's settings; not thread-safe. */
    public static final class Builder {
        private final JobRecorder recorder;
        private PrintStream out = System.out;
        private Mode mode = Mode.AUTO;
        private Duration refreshInterval = Duration.ofMillis(100);
        private int barWidth = 20;
        private int lineWidth = defaultLineWidth();

        private Builder(JobRecorder recorder) {
            this.recorder = requireNonNull(recorder, "recorder");
        }

        /** Where to print (default {@code System.out}). */
        public Builder output(PrintStream stream) {
            this.out = requireNonNull(stream, "stream");
            return this;
        }

        /** Terminal, plain, or decided from the console (default {@link Mode#AUTO}). */
        public Builder mode(Mode value) {
            this.mode = requireNonNull(value, "mode");
            return this;
        }

        /**
         * At most one redraw per interval on a terminal (default 100 ms).
         *
         * @throws IllegalArgumentException when negative
         */
        public Builder refreshInterval(Duration interval) {
            requireNonNull(interval, "interval");
            if (interval.isNegative()) {
                throw new IllegalArgumentException("console progress: refreshInterval (" + interval
                        + ") must not be negative");
            }
            this.refreshInterval = interval;
            return this;
        }

        /**
         * The width of the progress bar in characters (default 20) and of a whole line (default: the terminal's
         * {@code COLUMNS} less one, else 79; a longer line would wrap and break the in-place redraw).
         *
         * @throws IllegalArgumentException when {@code bar} is outside 5..100 or {@code line} below {@code bar + 20}
         */
        public Builder widths(int bar, int line) {
            if (bar < 5 || bar > 100 || line < bar + 20) {
                throw new IllegalArgumentException("console progress: widths (" + bar + ", " + line
                        + ") must be a bar of 5..100 and a line of at least the bar + 20");
            }
            this.barWidth = bar;
            this.lineWidth = line;
            return this;
        }

        /** One less than the terminal's columns ({@code COLUMNS}, else 80), so a line never wraps, at most 160. */
        private static int defaultLineWidth() {
            String columns = System.getenv("COLUMNS");
            int width = 80;
            if (columns != null && columns.strip().matches("\\d{2,4}")) {
                width = Integer.parseInt(columns.strip());
            }
            return Math.max(40, Math.min(160, width - 1));
        }

        public ConsoleProgress build() {
            return new ConsoleProgress(this);
        }
    }
}
