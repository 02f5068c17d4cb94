package dev.secondsite.core.durable;

import dev.secondsite.core.Secret;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.job.EngineOptions;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.protection.StorageMapping;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.provider.RegistrationOptions;
import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.HostDriver;
import dev.secondsite.core.store.JournalStore;
import dev.secondsite.core.transport.local.LocalTransport;
import dev.secondsite.core.vault.JobHandle;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultOptions;
import dev.secondsite.core.testing.BenchSites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The durable path (issue 9): protecting 10,000 VMs (10 enable-protection jobs of 1,000 VMs, submitted together)
 * with a vault kept in memory and with one kept in a storage directory, then opening that directory again. Same
 * fixtures as the orchestration benchmark (two sites through the whole stack: {@link Vault} -> job engine ->
 * {@link LocalTransport} -> {@link Provider}s), with a driver that answers at once, so that the journal's cost is
 * what differs. Goals: durable wall <= 2x in memory; open <= 1 s.
 *
 * <p>Each run builds both worlds anew (the in-memory one first, then the durable one, alternating), and measures
 * from the first submit to the last job settled. The open is measured three ways on the durable run's directory:
 * the store alone ({@link JournalStore#open} and a replay handing every record to nobody: reading and checking the
 * files) and the whole {@link Vault#open} (that plus decoding and rebuilding; the snapshot it asks for is written in
 * the background, and its close waits for it); a second {@link Vault#open} shows the cost once that snapshot exists.
 * The durable vault snapshots while it runs with the default {@link VaultOptions.Builder#snapshotEveryRecords}.
 *
 * <p>Not a test; run:
 * <pre>
 * mvn -B -q -pl core test-compile exec:java -Dsecondsite.skipExec=false -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.secondsite.core.durable.DurableBenchmark [-Dexec.args="runs warmups"]
 * </pre>
 */
public final class DurableBenchmark {
    private static final int JOBS = 10;
    private static final int VMS_PER_JOB = 1_000;
    private static final int VMS = JOBS * VMS_PER_JOB;
    private static final int HOSTS_PER_SITE = 50;
    private static final int PARALLELISM = 256;

    private DurableBenchmark() {
    }

    record Result(long memoryMs, long durableMs, long records, long storeOpenMs, long vaultOpenMs,
                  long reopenMs, long vaultOpenCpuMs, long reopenCpuMs) {
        double ratio() {
            return (double) durableMs / memoryMs;
        }
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int warmups = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        say("Protecting %,d VMs (%d enable-protection jobs x %,d VMs at once), driver answers at once, parallelism "
                + "%d, %d cores", VMS, JOBS, VMS_PER_JOB, PARALLELISM, Runtime.getRuntime().availableProcessors());
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < warmups + runs; i++) {
            long memory = protect(null);
            Path dir = Files.createTempDirectory("secondsite-durable-bench");
            try {
                long durable = protect(dir);
                long[] open = open(dir);
                Result r = new Result(memory, durable, open[0], open[1], open[2], open[3], open[4], open[5]);
                say("%s in memory %6d ms  durable %6d ms  ratio %.2f  |  open: store alone %5d ms (%,d records), "
                                + "vault %5d ms (cpu %d), vault again %5d ms (cpu %d)", i < warmups ? "warm-up"
                                : "run " + (i - warmups + 1) + "  ", r.memoryMs, r.durableMs, r.ratio(),
                        r.storeOpenMs, r.records, r.vaultOpenMs, r.vaultOpenCpuMs, r.reopenMs, r.reopenCpuMs);
                if (i >= warmups) {
                    results.add(r);
                }
            } finally {
                delete(dir);
            }
        }
        say("median of %d: in memory %.0f ms (%.0f-%.0f), durable %.0f ms (%.0f-%.0f), ratio %.2f (%.2f-%.2f; goal "
                        + "<= 2), vault open %.0f ms (%.0f-%.0f; goal <= 1000), of which store open and replay %.0f "
                        + "ms, open again %.0f ms; cpu of the opening thread: open %.0f ms, again %.0f ms",
                results.size(),
                median(results, r -> r.memoryMs), min(results, r -> r.memoryMs), max(results, r -> r.memoryMs),
                median(results, r -> r.durableMs), min(results, r -> r.durableMs), max(results, r -> r.durableMs),
                median(results, Result::ratio), min(results, Result::ratio), max(results, Result::ratio),
                median(results, r -> r.vaultOpenMs), min(results, r -> r.vaultOpenMs),
                max(results, r -> r.vaultOpenMs), median(results, r -> r.storeOpenMs),
                median(results, r -> r.reopenMs), median(results, r -> r.vaultOpenCpuMs),
                median(results, r -> r.reopenCpuMs));
    }

    /** Builds a world (in memory, or durable in {@code dir}), protects every VM, and returns the protection's wall. */
    private static long protect(Path dir) throws Exception {
        Site primary = BenchSites.primary(VMS, HOSTS_PER_SITE);
        Site recovery = BenchSites.recovery(HOSTS_PER_SITE);
        HostDriver driver = new AnsweringDriver();
        LocalTransport transport = LocalTransport.create();
        VaultOptions.Builder options = VaultOptions.builder("Bench", "westeurope").transport(transport)
                .engineOptions(engineOptions());
        if (dir != null) {
            options.storage(dir);
        }
        try (Vault vault = Vault.create(options.build());
             Provider siteA = provider("vmm-a.bench.local", primary, driver, transport);
             Provider siteB = provider("vmm-b.bench.local", recovery, driver, transport)) {
            Secret key = vault.servers().generateRegistrationKey().encoded();
            siteA.register(key, RegistrationOptions.defaults());
            siteB.register(key, RegistrationOptions.defaults());
            siteA.connect();
            siteB.connect();
            CloudRef gold = new CloudRef("vmm-a", "Gold");
            await(vault.pairings().pair(CloudPairing.of(gold, "vmm-b", "GoldDR", ReplicationSettings.defaults())));
            await(vault.mappings().mapNetwork(new NetworkMapping("vmm-a", "Corp", "vmm-b", "CorpDR")));
            await(vault.mappings().mapStorage(new StorageMapping("vmm-a", "Fast", "vmm-b", "FastDR")));
            System.gc();
            long start = System.nanoTime();
            List<JobHandle> jobs = new ArrayList<>();
            for (int j = 0; j < JOBS; j++) {
                List<String> ids = new ArrayList<>(VMS_PER_JOB);
                for (int i = 0; i < VMS_PER_JOB; i++) {
                    ids.add(BenchSites.vmId(j * VMS_PER_JOB + i));
                }
                jobs.add(vault.protectedVms().enable(gold, ids));
            }
            for (JobHandle job : jobs) {
                await(job);
            }
            long wall = System.nanoTime() - start;
            if (vault.configuration().protection().protectedVms().size() != VMS) {
                throw new IllegalStateException("not every VM is protected: "
                        + vault.configuration().protection().protectedVms().size());
            }
            return TimeUnit.NANOSECONDS.toMillis(wall);
        } finally {
            transport.close();
        }
    }

    /**
     * Records, store open and replay (ms), vault open (ms), second vault open (ms), and the CPU time of the thread
     * that opened (ms) each time: on a shared machine the wall of a single-threaded open measures the neighbours too.
     */
    private static long[] open(Path dir) {
        AtomicLong records = new AtomicLong();
        long start = System.nanoTime();
        try (JournalStore store = JournalStore.open(dir)) {
            store.replay(rec -> records.incrementAndGet());
        }
        long storeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        long[] vault = timeVaultOpen(dir);
        long[] again = timeVaultOpen(dir);
        return new long[] {records.get(), storeMs, vault[0], again[0], vault[1], again[1]};
    }

    /** The wall and the opening thread's CPU time (ms) of a {@link Vault#open}. */
    private static long[] timeVaultOpen(Path dir) {
        LocalTransport transport = LocalTransport.create();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        try (Vault vault = Vault.open(dir, VaultOptions.builder().transport(transport)
                .engineOptions(engineOptions()).build())) {
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            long cpuMs = TimeUnit.NANOSECONDS.toMillis(threads.getCurrentThreadCpuTime() - cpuStart);
            if (vault.configuration().protection().protectedVms().size() != VMS) {
                throw new IllegalStateException("the opened vault lost protected VMs");
            }
            return new long[] {ms, cpuMs};
        } finally {
            transport.close();
        }
    }

    private static EngineOptions engineOptions() {
        return EngineOptions.builder().parallelism(PARALLELISM).perSiteParallelism(PARALLELISM).build();
    }

    private static Provider provider(String name, Site site, HostDriver driver, LocalTransport transport) {
        return Provider.builder(name, () -> site).hostDriver(driver).vaultLink(transport.link())
                .maxConcurrentCommands(PARALLELISM).build();
    }

    private static void await(JobHandle handle) throws Exception {
        Job job = handle.awaitSettled(Duration.ofMinutes(10)).job();
        if (job.state() != JobState.SUCCEEDED) {
            throw new IllegalStateException("job failed: " + job + " " + job.errors());
        }
    }

    private static void delete(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static double median(List<Result> rs, ToDoubleFunction<Result> f) {
        double[] v = rs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double min(List<Result> rs, ToDoubleFunction<Result> f) {
        return rs.stream().mapToDouble(f).min().orElse(Double.NaN);
    }

    private static double max(List<Result> rs, ToDoubleFunction<Result> f) {
        return rs.stream().mapToDouble(f).max().orElse(Double.NaN);
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }

    /** Answers every command at once with success; a replication status reads replicating (what enable waits for). */
    private static final class AnsweringDriver implements HostDriver {
        @Override
        public CommandResult execute(CommandRequest request) {
            if (request.command() instanceof HostCommand.GetReplicationStatus) {
                return CommandResult.succeeded("done", new CommandOutput.ReplicationStatus("Replicating", "Normal",
                        Instant.now()));
            }
            return CommandResult.succeeded("done");
        }
    }
}
