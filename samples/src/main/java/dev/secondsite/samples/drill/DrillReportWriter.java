package dev.secondsite.samples.drill;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The one place both drill programs write their {@code --report}: the HTML report of a finished drill. The report
 * writer ({@code dev.secondsite.samples.report}) is wired in {@link #write}; until it is, {@link #write} says so and
 * writes nothing.
 *
 * <p>Stateless and thread-safe.
 */
public final class DrillReportWriter {
    private DrillReportWriter() {
    }

    /**
     * Writes the report of {@code result} (its vault still open: called from {@link DrillObserver#finished}) to
     * {@code file} and prints its path on {@code out}.
     */
    public static void write(DrillResult result, Path file, PrintStream out) {
        out.println("Report: the HTML report writer is not wired into the drill yet; nothing written to " + file
                + " (" + result.jobs().size() + " jobs recorded)");
    }

    /** An observer that writes the report to {@code file} when the drill finished, after {@code next}'s turn. */
    public static DrillObserver writingTo(Path file, PrintStream out, DrillObserver next) {
        return new DrillObserver() {
            @Override
            public void vaultOpened(dev.secondsite.core.vault.Vault vault) {
                next.vaultOpened(vault);
            }

            @Override
            public void finished(DrillResult result) {
                next.finished(result);
                write(result, file, out);
            }
        };
    }
}
