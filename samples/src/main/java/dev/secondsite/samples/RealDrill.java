package dev.secondsite.samples;

import dev.secondsite.samples.drill.Drill;
import dev.secondsite.samples.drill.DrillException;
import dev.secondsite.samples.drill.DrillObserver;
import dev.secondsite.samples.drill.DrillOptions;
import dev.secondsite.samples.drill.PowerShellLocator;
import dev.secondsite.samples.drill.SitesFile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import javax.annotation.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The DR drill against real VMM servers and Hyper-V hosts, described by a sites file ({@link SitesFile}): the same
 * steps as {@link DrDrill} ({@link Drill}), with a vault and its HTTPS endpoint on loopback in this process, and
 * the providers driving VMM and Hyper-V through a local PowerShell ({@code powershell.exe} or {@code pwsh} on
 * {@code PATH}, with the VMM console's module and WinRM access to the hosts). It fails over and back the VMs the
 * file names: run it in a maintenance window.
 *
 * <p>Exit codes: 0 when the drill passed; 1 when it could not run or failed (the reason on one line: no PowerShell
 * on this machine, a refused sites file naming the field, an unset credential variable, a failed step); 2 for a bad
 * command line.
 *
 * <p>Not thread-safe: one run per instance.
 */
@Command(name = "real-drill", mixinStandardHelpOptions = true, version = "Secondsite real DR drill 0.1.0",
        description = "Runs the DR drill against the real VMM servers and Hyper-V hosts of a sites file (JSON; "
                + "credentials by environment variable name). Needs PowerShell (powershell.exe or pwsh) on PATH.")
public final class RealDrill implements Callable<Integer> {
    @Option(names = "--sites", required = true, paramLabel = "FILE", description = "the sites file (JSON)")
    @Nullable Path sites;

    @Mixin
    RunOptions run = new RunOptions();

    @Option(names = "--job-timeout", paramLabel = "DURATION", description = "how long to wait for one job, "
            + "ISO-8601 (default: ${DEFAULT-VALUE})", converter = DrDrill.DurationConverter.class)
    Duration jobTimeout = Duration.ofHours(2);

    private final PrintStream out;
    private final UnaryOperator<String> environment;

    RealDrill(PrintStream out, UnaryOperator<String> environment) {
        this.out = out;
        this.environment = environment;
    }

    public static void main(String[] args) {
        System.exit(execute(System.out, System.err, System::getenv, args));
    }

    /**
     * Parses {@code args} and runs the drill with {@code environment} (variable name to value, or null: {@code PATH}
     * and the credential variables are read from it); returns the exit code.
     */
    public static int execute(PrintStream out, PrintStream err, UnaryOperator<String> environment, String... args) {
        return DrDrill.commandLine(new RealDrill(out, environment), out, err).execute(args);
    }

    @Override
    public Integer call() {
        // the file first: it can be checked on any machine, before it is taken to one that can run the drill
        SitesFile file = SitesFile.read(sites);
        Optional<Path> powerShell = PowerShellLocator.find(environment.apply("PATH"));
        if (powerShell.isEmpty()) {
            throw new DrillException("cannot run on this machine: no PowerShell on PATH (looked for "
                    + String.join(", ", PowerShellLocator.EXECUTABLES) + "); the real drill drives VMM and Hyper-V "
                    + "through PowerShell with the VMM console's module; DrDrill runs the drill on simulated hosts");
        }
        file.credential(environment);
        DrillOptions options = new DrillOptions(DrillOptions.DEFAULT_VMS, 1, 0, run.store, run.report, jobTimeout,
                run.progress());
        new Drill(out, DrillObserver.none()).run(options, file.hosts(powerShell.get().toString(), environment));
        return 0;
    }
}
