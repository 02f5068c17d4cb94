package dev.secondsite.samples;

import dev.secondsite.samples.console.ConsoleProgress;
import dev.secondsite.samples.drill.DrillReportWriter;
import java.nio.file.Path;
import javax.annotation.Nullable;
import picocli.CommandLine.Option;

/** The options both drill programs take (a picocli mixin): where the vault keeps its state, the report, the progress. */
final class RunOptions {
    @Option(names = "--store", paramLabel = "DIR", description = "the vault's store directory, kept after the run "
            + "(default: a fresh temporary directory, deleted after the run)")
    @Nullable Path store;

    @Option(names = "--report", paramLabel = "FILE", description = "where to write the HTML report of the run "
            + "(default: ${DEFAULT-VALUE} in the working directory)")
    Path report = Path.of(DrillReportWriter.DEFAULT_FILE);

    @Option(names = "--plain", description = "show progress as plain lines, one per change, without control "
            + "characters (default: lines updated in place on a terminal, plain lines otherwise)")
    boolean plain;

    ConsoleProgress.Mode progress() {
        return plain ? ConsoleProgress.Mode.PLAIN : ConsoleProgress.Mode.AUTO;
    }
}
