package dev.secondsite.samples.bench;

import dev.secondsite.samples.console.ConsoleProgress;
import dev.secondsite.samples.drill.Drill;
import dev.secondsite.samples.drill.DrillObserver;
import dev.secondsite.samples.drill.DrillOptions;
import dev.secondsite.samples.drill.DrillResult;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The whole drill with 1,000 VMs (or {@code args[0]}): the vault with its store and HTTPS endpoint on loopback, two
 * providers over HTTPS and the simulated fabric, every step of {@link Drill} in one JVM. It prints the drill's wall
 * time, each step's, and the peak heap: the sum of the heap pools' peak usage
 * ({@link MemoryPoolMXBean#getPeakUsage()}, reset before the drill) and the heap in use after a GC at the end, with
 * the GC count and time. The vault, the providers and the fabric share the JVM, so the peak is theirs together: an
 * upper bound of the vault's. As a user's drill does, it records every job, renders the progress (plain lines, to
 * nowhere unless {@code args[2]} is {@code verbose}) and writes the HTML report (to a temporary file, kept: its path
 * and size are printed), all within the wall time and the peak.
 *
 * <p>Not a test; run from the repository root:
 * <pre>
 * mvn -B -q -o -pl samples -am -DskipTests test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.secondsite.samples.bench.DrillBenchmark [-Dexec.args="1000 0.0"]
 * </pre>
 * Measured on the shared 2-core machine (one run, no warm-up, fault rate 0, other builds running, the report on):
 * 1,000 VMs, wall 62.6 s, peak heap 623 MiB, 87 MiB after a GC at the end, a report of 9.0 MiB; see the README's
 * "The drill at scale".
 */
public final class DrillBenchmark {
    private DrillBenchmark() {
    }

    public static void main(String[] args) {
        int vms = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        double faultRate = args.length > 1 ? Double.parseDouble(args[1]) : 0;
        Path report = createReportFile();
        DrillOptions options = new DrillOptions(vms, 1, faultRate, null, report, Duration.ofMinutes(30),
                ConsoleProgress.Mode.PLAIN);
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        long gcBefore = gcCount();
        long gcTimeBefore = gcMillis();
        long start = System.nanoTime();
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        DrillResult r = new Drill(args.length > 2 && args[2].equals("verbose") ? System.out : quiet,
                DrillObserver.none()).run(options);
        long wall = System.nanoTime() - start;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.gc();
        long after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        say("Drill of %,d VMs (fault rate %.2f), %d cores, max heap %,d MiB: wall %,d ms; peak heap %,d MiB; heap "
                        + "after GC %,d MiB; %d GCs, %,d ms in GC; %d jobs SUCCEEDED, %,d commands sent; report "
                        + "%,d KiB (%,d timeline rows) at %s",
                vms, faultRate, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, wall / 1_000_000, peak >> 20, after >> 20,
                gcCount() - gcBefore, gcMillis() - gcTimeBefore, r.jobs().size(), r.commandsSent(),
                size(report) >> 10, r.timelines().stream().mapToInt(t -> t.tasks().size()).sum(), report);
        for (DrillResult.DrillStep step : r.steps()) {
            say("  %-40s %,8d ms  %5d tasks", step.name(), step.waited().toMillis(), step.job().tasks().size());
        }
    }

    private static Path createReportFile() {
        try {
            return Files.createTempFile("secondsite-drill-benchmark", ".html");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
