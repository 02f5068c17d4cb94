package dev.secondsite.samples.report;

import java.time.Duration;

/**
 * Durations as people read them on a console or in a report: {@code "850 ms"}, {@code "12.4 s"},
 * {@code "3 min 05 s"}, {@code "1 h 02 min"}.
 *
 * <p>Stateless and thread-safe.
 */
public final class DurationText {
    private DurationText() {
    }

    /** {@code duration} in the largest unit that keeps it readable; a negative duration is shown as zero. */
    public static String of(Duration duration) {
        long ms = Math.max(0, duration.toMillis());
        if (ms < 1_000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            long tenths = (ms + 50) / 100;
            return tenths / 10 + "." + tenths % 10 + " s";
        }
        long seconds = (ms + 500) / 1_000;
        if (seconds < 3_600) {
            return seconds / 60 + " min " + twoDigits(seconds % 60) + " s";
        }
        long minutes = (seconds + 30) / 60;
        return minutes / 60 + " h " + twoDigits(minutes % 60) + " min";
    }

    /** An axis label for {@code ms} milliseconds after a start: {@code "0"}, {@code "250 ms"}, {@code "1.5 s"}. */
    static String axis(long ms) {
        if (ms == 0) {
            return "0";
        }
        if (ms < 1_000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return ms % 1_000 == 0 ? ms / 1_000 + " s" : (ms / 100) / 10.0 + " s";
        }
        if (ms < 3_600_000) {
            long s = ms / 1_000;
            return s % 60 == 0 ? s / 60 + " min" : s / 60 + ":" + twoDigits(s % 60);
        }
        long min = ms / 60_000;
        return min % 60 == 0 ? min / 60 + " h" : min / 60 + " h " + twoDigits(min % 60);
    }

    private static String twoDigits(long value) {
        return value < 10 ? "0" + value : Long.toString(value);
    }
}
