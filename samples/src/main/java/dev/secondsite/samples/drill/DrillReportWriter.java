package dev.secondsite.samples.drill;

import dev.secondsite.samples.report.HtmlReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one place a drill's HTML report is written ({@link Drill} calls it for {@link DrillOptions#report()}, whichever
 * program runs the drill): an {@link HtmlReport} titled with the vault's name and the VM count, showing the
 * timelines the drill recorded and the vault's configuration.
 *
 * <p>Stateless and thread-safe.
 */
public final class DrillReportWriter {
    /** The report's file name when a program is given none: in the working directory. */
    public static final String DEFAULT_FILE = "secondsite-drill-report.html";

    private DrillReportWriter() {
    }

    /** The report's title: the vault's name and how many VMs the drill failed over and back. */
    public static String title(DrillResult result) {
        return String.format(Locale.ROOT, "%s: DR drill of %d VMs", result.vault().info().name(),
                result.topology().allVms().size());
    }

    /**
     * Writes the report of {@code result} (its vault still open) to {@code file}, replacing it; creates its parent
     * directories.
     *
     * @return how many bytes the report has
     * @throws UncheckedIOException when the file cannot be written
     */
    public static long write(DrillResult result, Path file) {
        Path parent = file.toAbsolutePath().getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
            HtmlReport.builder(title(result)).jobs(result.timelines()).configuration(result.vault().configuration())
                    .build().write(file);
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the drill's report to " + file, e);
        }
    }
}
