package dev.secondsite.samples;

import dev.secondsite.samples.drill.Drill;
import dev.secondsite.samples.drill.DrillException;
import dev.secondsite.samples.drill.DrillObserver;
import dev.secondsite.samples.drill.DrillOptions;
import dev.secondsite.samples.drill.DrillReportWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import javax.annotation.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The DR drill from the command line, on the embedded default: a vault with an HTTPS endpoint on loopback and two
 * VMM sites over HTTPS, their Hyper-V hosts simulated by the hyperv-driver module's fabric (see {@link Drill}).
 *
 * <p>It shows each job's progress while it runs (in place on a terminal; {@code --plain} for plain lines), prints the
 * table of the jobs at the end and writes the HTML report ({@code --report}, by default
 * {@value DrillReportWriter#DEFAULT_FILE} in the working directory), printing its path.
 *
 * <p>Exit codes: 0 when the drill passed; 1 when it ran and failed (the reason on one line); 2 for a bad command
 * line (the reason on one line, then a hint to {@code --help}).
 *
 * <p>Not thread-safe: one run per instance.
 */
@Command(name = "dr-drill", mixinStandardHelpOptions = true, version = "Secondsite DR drill 0.1.0",
        description = "Runs the DR drill: a vault and two VMM sites over HTTPS on loopback, their Hyper-V hosts "
                + "simulated; registration, pairing, protection, a three-tier plan, test failover, planned "
                + "failover, commit, reverse replication, failback, and a vault restart in the middle.")
public final class DrDrill implements Callable<Integer> {
    @Option(names = "--vms", paramLabel = "N", description = "VMs on the primary site, in three tiers "
            + "(default: ${DEFAULT-VALUE}; 3 to 10000)")
    int vms = DrillOptions.DEFAULT_VMS;

    @Option(names = "--seed", paramLabel = "N", description = "seed of the VMs' ids and hosts and of the injected "
            + "faults (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--fault-rate", paramLabel = "P", description = "probability that a session to a Hyper-V host "
            + "fails transiently, so that retries show (default: ${DEFAULT-VALUE}; at most 0.5)")
    double faultRate = 0;

    @Mixin
    RunOptions run = new RunOptions();

    @Option(names = "--job-timeout", paramLabel = "DURATION", description = "how long to wait for one job, "
            + "ISO-8601 (default: ${DEFAULT-VALUE})", converter = DurationConverter.class)
    Duration jobTimeout = Duration.ofMinutes(10);

    @CommandLine.Spec
    @Nullable CommandLine.Model.CommandSpec spec;

    private final PrintStream out;
    private final DrillObserver observer;

    DrDrill(PrintStream out, DrillObserver observer) {
        this.out = out;
        this.observer = observer;
    }

    public static void main(String[] args) {
        System.exit(execute(System.out, System.err, DrillObserver.none(), args));
    }

    /**
     * Parses {@code args} and runs the drill, printing to {@code out} (the drill) and {@code err} (the one-line
     * reason of a failure); returns the exit code. What a test calls in-process.
     */
    public static int execute(PrintStream out, PrintStream err, DrillObserver observer, String... args) {
        DrDrill drill = new DrDrill(out, observer);
        return commandLine(drill, out, err).execute(args);
    }

    /** A picocli command line for {@code command} whose errors are one line on {@code err}. */
    static CommandLine commandLine(Object command, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println(c.getCommandName() + ": " + e.getMessage() + " (see --help)");
            return c.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            c.getErr().println(c.getCommandName() + " failed: " + oneLine(e));
            return c.getCommandSpec().exitCodeOnExecutionException();
        });
        return cl;
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s*\\R\\s*", " ");
    }

    @Override
    public Integer call() {
        new Drill(out, observer).run(options());
        return 0;
    }

    /**
     * The drill's options from the parsed command line.
     *
     * @throws CommandLine.ParameterException naming the option and the value when one is out of range
     */
    DrillOptions options() {
        try {
            return new DrillOptions(vms, seed, faultRate, run.store, run.report, jobTimeout,
                    run.progress());
        } catch (DrillException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** Reads ISO-8601 durations (PT30S) for picocli. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Duration.parse(value);
            } catch (java.time.format.DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not an ISO-8601 duration such as "
                        + "PT30S");
            }
        }
    }
}
