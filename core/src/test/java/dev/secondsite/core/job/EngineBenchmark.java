package dev.secondsite.core.job;

import dev.secondsite.core.Secret;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.ProtectionConfiguration;
import dev.secondsite.core.protection.ProtectionOperation;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.protection.StorageMapping;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.provider.RegistrationOptions;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostDriver;
import dev.secondsite.core.testing.FakeHostDriver;
import dev.secondsite.core.transport.local.LocalTransport;
import dev.secondsite.core.vault.JobHandle;
import dev.secondsite.core.vault.JobId;
import dev.secondsite.core.vault.PlannedFailoverOptions;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultOptions;
import dev.secondsite.core.testing.BenchSites;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A planned failover of a 10,000-VM recovery plan (10 boot groups of 1,000 VMs, with in-group dependencies so that
 * each group starts in 3 waves) through the whole stack: {@link Vault} -> {@link JobEngine} ->
 * {@link LocalTransport} -> {@link Provider} (one per site) -> a host driver that answers each command after 20 ms,
 * with engine parallelism 256 and per-site parallelism 256.
 *
 * <p>The baseline, in the same run, is the ideal critical path computed from the job's own {@link JobSpec} (taken
 * from its {@link JobEvent.Created} event): per phase, the tasks are list-scheduled in their order on 256 slots,
 * each task lasting (its command and probe steps) x 20 ms and configuration steps nothing; the phase lasts until
 * its last task ends; the phases add up. The benchmark prints wall time, wall / ideal (goal <= 1.05), and CPU per
 * VM: the CPU time of the engine's and the providers' threads (ThreadMXBean, threads named {@code secondsite-*}:
 * they also run the driver's code, which for the latency-only driver is the sleep alone) and the CPU time of the
 * whole process (GC, JIT and the benchmark's own thread included) over the measured failover. A sleeping thread
 * costs no CPU, but going to sleep and waking up do (a timer and two context switches: some 20 us per command on a
 * loaded 2-core machine, over 100 us per VM): the latency-only driver measures what its sleeps cost the threads that
 * ran them, and the benchmark prints the engine's and providers' CPU both with it and net of it. The context
 * switches of the {@code secondsite-*} threads per command are printed too (Linux): each wake-up costs more CPU
 * than most of the engine's work, so they explain most of the figure.
 *
 * <p>Three modes, measured in alternation: {@code fake}, the in-memory Hyper-V model ({@link FakeHostDriver} with
 * a 20 ms latency outside its lock); {@code plain}, a latency-only driver that sleeps 20 ms and succeeds, to show
 * whether the fake's single model lock is a bottleneck; {@code engine}, the same job spec on a bare engine whose
 * configuration steps cost nothing (same transport, providers and latency-only driver), to separate the engine's
 * share from the vault's. The {@code plain} mode also times the vault's protection transition on its 10,000-VM
 * configuration, since the vault applies each configuration step of the job one at a time under its lock. Each
 * world (sites, vault, providers, protection of the 10,000 VMs through the vault's own jobs) is built anew for each
 * run with zero latency; only the failover is measured. {@code -Dbench.phases=true} prints each phase's ideal and
 * actual time; {@code -Dbench.jfr=<prefix>} records each measured failover (and only it) to
 * {@code <prefix>-<n>.jfr}, with the settings {@code -Dbench.jfc} names (a .jfc file or "profile").
 *
 * <p>Logging goes to SLF4J's no-operation provider: a successful failover logs nothing per VM at INFO (the
 * providers' per-command lines are DEBUG), and the engine sets its MDC once per worker and phase, so a production
 * logger at INFO would cost next to nothing more here; the test classpath's capturing logger, by contrast, keeps
 * every DEBUG line in memory and would measure itself.
 *
 * <p>Not a test; run:
 * <pre>
 * mvn -B -q -pl core test-compile exec:java -Dsecondsite.skipExec=false -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.secondsite.core.job.EngineBenchmark [-Dexec.args="runs warmups plain,fake,engine"]
 * </pre>
 */
public final class EngineBenchmark {
    private static final int VMS = 10_000;
    private static final int GROUPS = 10;
    private static final int HOSTS_PER_SITE = 50;
    private static final int PARALLELISM = 256;
    private static final Duration LATENCY = Duration.ofMillis(20);
    /** Per group of 1,000: 800 VMs wait for nothing, 150 each for one of those, 50 each for one of the 150. */
    private static final int WAVE_1 = 800;
    private static final int WAVE_2 = 150;

    private EngineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int warmups = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        List<String> drivers = args.length > 2 ? List.of(args[2].split(",")) : List.of("plain", "fake", "engine");
        say("Planned failover of %,d VMs in %d groups (3 waves each: %d, %d, %d VMs), driver latency %d ms, "
                        + "parallelism %d, %d hosts per site, %d cores", VMS, GROUPS, WAVE_1, WAVE_2,
                VMS / GROUPS - WAVE_1 - WAVE_2, LATENCY.toMillis(), PARALLELISM, HOSTS_PER_SITE,
                Runtime.getRuntime().availableProcessors());
        Map<String, List<Result>> results = new HashMap<>();
        for (int i = 0; i < warmups + runs; i++) {
            for (String driver : drivers) {
                Result r = runOnce(driver);
                boolean warm = i < warmups;
                say("%s %-5s wall %6d ms  ideal %6d ms  ratio %.3f  engine+provider CPU %6.1f us/VM (user %5.1f; "
                                + "driver %5.1f, net %6.1f)  process CPU %6.1f us/VM  (%d phases, %d tasks, %d commands)",
                        warm ? "warm-up" : "run " + (i - warmups + 1) + "  ", driver, r.wallMs, r.idealMs,
                        r.ratio(), r.engineCpuUsPerVm, r.engineUserUsPerVm, r.driverCpuUsPerVm, r.netCpuUsPerVm(),
                        r.processCpuUsPerVm, r.phases, r.tasks,
                        r.commands);
                if (!warm) {
                    results.computeIfAbsent(driver, d -> new ArrayList<>()).add(r);
                }
            }
        }
        for (String driver : drivers) {
            List<Result> rs = results.getOrDefault(driver, List.of());
            if (rs.isEmpty()) {
                continue;
            }
            say("%-5s median of %d: wall %d ms (min %d, max %d), ideal %d ms, ratio %.3f (min %.3f, max %.3f; "
                            + "goal <= 1.05), engine+provider CPU %.1f us/VM (min %.1f, max %.1f; goal <= 150), net of the driver "
                            + "%.1f us/VM (min %.1f, max %.1f), process CPU %.1f us/VM", driver, rs.size(), (long) median(rs, r -> r.wallMs),
                    (long) min(rs, r -> r.wallMs), (long) max(rs, r -> r.wallMs), (long) median(rs, r -> r.idealMs),
                    median(rs, Result::ratio), min(rs, Result::ratio), max(rs, Result::ratio),
                    median(rs, r -> r.engineCpuUsPerVm), min(rs, r -> r.engineCpuUsPerVm),
                    max(rs, r -> r.engineCpuUsPerVm), median(rs, Result::netCpuUsPerVm), min(rs, Result::netCpuUsPerVm),
                    max(rs, Result::netCpuUsPerVm), median(rs, r -> r.processCpuUsPerVm));
        }
    }

    record Result(long wallMs, long idealMs, double engineCpuUsPerVm, double engineUserUsPerVm,
                  double driverCpuUsPerVm, double processCpuUsPerVm, int phases,
                  int tasks, int commands) {
        double ratio() {
            return (double) wallMs / idealMs;
        }

        /** The engine's and providers' CPU without the latency-only driver's own (its sleeps). */
        double netCpuUsPerVm() {
            return engineCpuUsPerVm - driverCpuUsPerVm;
        }
    }

    /** The spec of the last failover run through a vault, for the engine-only mode. */
    private static final AtomicReference<JobSpec> LAST_SPEC = new AtomicReference<>();

    private static Result runOnce(String mode) throws Exception {
        if (mode.equals("engine")) {
            if (LAST_SPEC.get() == null) {
                runOnce("plain");
            }
            return engineOnly(LAST_SPEC.get());
        }
        return throughVault(mode);
    }

    /**
     * The same job spec on a bare {@link JobEngine} whose configuration changes cost nothing, over the same local
     * transport, providers and latency-only driver: the engine's own share, without the vault's.
     */
    private static Result engineOnly(JobSpec spec) throws Exception {
        AtomicReference<Duration> latency = new AtomicReference<>(LATENCY);
        HostDriver driver = new LatencyOnlyDriver(latency);
        LocalTransport transport = LocalTransport.create();
        JobEffects free = new JobEffects() {
            @Override
            public String apply(String key, ConfigChange change) {
                return "applied";
            }

            @Override
            public boolean isFailedOver(String vmId) {
                return false;
            }
        };
        Site primary = BenchSites.primary(0, HOSTS_PER_SITE);
        Site recovery = BenchSites.recovery(HOSTS_PER_SITE);
        try (JobEngine engine = JobEngine.builder(transport, free).options(EngineOptions.builder()
                .parallelism(PARALLELISM).perSiteParallelism(PARALLELISM).build()).build();
             Provider siteA = Provider.builder("vmm-a.bench.local", () -> primary).hostDriver(driver).vaultLink(transport.link())
                     .maxConcurrentCommands(PARALLELISM).build();
             Provider siteB = Provider.builder("vmm-b.bench.local", () -> recovery).hostDriver(driver).vaultLink(transport.link())
                     .maxConcurrentCommands(PARALLELISM).build()) {
            siteA.connect();
            siteB.connect();
            return measure(() -> engine.submit(spec), engine::settled, spec);
        } finally {
            transport.close();
        }
    }

    /** Submits a job, waits for it, and measures it against the ideal of {@code spec}. */
    private static Result measure(java.util.concurrent.Callable<String> submit,
                                  java.util.function.Function<String, java.util.concurrent.CompletableFuture<Job>>
                                          settled, @javax.annotation.Nullable JobSpec known) throws Exception {
        System.gc();
        jdk.jfr.Recording recording = startRecording();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpuBefore = engineThreadCpu(threads, false);
        Map<Long, Long> userBefore = engineThreadCpu(threads, true);
        Map<String, Long> switchesBefore = contextSwitches();
        long driverBefore = DRIVER_CPU.sum();
        long processBefore = processCpuNanos();
        long start = System.nanoTime();
        String id = submit.call();
        Job job = settled.apply(id).get(10, TimeUnit.MINUTES);
        long wall = System.nanoTime() - start;
        long processCpu = processCpuNanos() - processBefore;
        long engineCpu = cpuDelta(cpuBefore, engineThreadCpu(threads, false));
        long engineUser = cpuDelta(userBefore, engineThreadCpu(threads, true));
        Map<String, Long> switchesAfter = contextSwitches();
        long driverCpu = DRIVER_CPU.sum() - driverBefore;
        stopRecording(recording);
        if (job.state() != JobState.SUCCEEDED) {
            throw new IllegalStateException("the failover did not succeed: " + job + " " + job.errors());
        }
        JobSpec s = known != null ? known : LAST_SPEC.get();
        if (Boolean.getBoolean("bench.phases")) {
            printPhases(s, job);
        }
        int commands = 0;
        for (TaskSpec t : s.tasks()) {
            commands += sentSteps(t);
        }
        if (!switchesAfter.isEmpty()) {
            long switches = 0;
            for (Map.Entry<String, Long> e : switchesAfter.entrySet()) {
                switches += e.getValue() - switchesBefore.getOrDefault(e.getKey(), 0L);
            }
            say("  context switches of the secondsite-* threads: %.2f per command", (double) switches / commands);
        }
        return new Result(TimeUnit.NANOSECONDS.toMillis(wall), idealMillis(s, PARALLELISM, LATENCY),
                engineCpu / 1_000.0 / VMS, engineUser / 1_000.0 / VMS, driverCpu / 1_000.0 / VMS,
                processCpu / 1_000.0 / VMS, s.phases().size(), s.tasks().size(),
                commands);
    }

    private static Result throughVault(String driverName) throws Exception {
        Site primary = BenchSites.primary(VMS, HOSTS_PER_SITE);
        Site recovery = BenchSites.recovery(HOSTS_PER_SITE);
        AtomicReference<Duration> latency = new AtomicReference<>(Duration.ZERO);
        HostDriver driver = driverName.equals("fake")
                ? FakeHostDriver.builder().sites(primary, recovery).latency(r -> latency.get()).build()
                : new LatencyOnlyDriver(latency);
        LocalTransport transport = LocalTransport.create();
        EngineOptions options = EngineOptions.builder().parallelism(PARALLELISM).perSiteParallelism(PARALLELISM)
                .build();
        try (Vault vault = Vault.create(VaultOptions.builder("Bench", "westeurope").transport(transport).engineOptions(options).build());
             Provider siteA = Provider.builder("vmm-a.bench.local", () -> primary).hostDriver(driver).vaultLink(transport.link())
                     .maxConcurrentCommands(PARALLELISM).build();
             Provider siteB = Provider.builder("vmm-b.bench.local", () -> recovery).hostDriver(driver).vaultLink(transport.link())
                     .maxConcurrentCommands(PARALLELISM).build()) {
            Secret key = vault.servers().generateRegistrationKey().encoded();
            siteA.register(key, RegistrationOptions.defaults());
            siteB.register(key, RegistrationOptions.defaults());
            siteA.connect();
            siteB.connect();
            CloudRef gold = new CloudRef("vmm-a", "Gold");
            await(vault, vault.pairings().pair(CloudPairing.of(gold, "vmm-b", "GoldDR", ReplicationSettings.defaults())));
            await(vault, vault.mappings().mapNetwork(new NetworkMapping("vmm-a", "Corp", "vmm-b", "CorpDR")));
            await(vault, vault.mappings().mapStorage(new StorageMapping("vmm-a", "Fast", "vmm-b", "FastDR")));
            List<String> ids = new ArrayList<>(VMS);
            for (int i = 0; i < VMS; i++) {
                ids.add(BenchSites.vmId(i));
            }
            await(vault, vault.protectedVms().enable(gold, ids));
            RecoveryPlan plan = plan(vault, ids);
            vault.plans().save(plan);
            if (driverName.equals("plain")) {
                printTransitionCost(vault.configuration().protection(), ids);
            }

            vault.jobs().addListener((event, state, percent) -> {
                if (event instanceof JobEvent.Created c && c.spec().kind() == JobKind.PLANNED_FAILOVER) {
                    LAST_SPEC.set(c.spec());
                }
            });
            latency.set(LATENCY);
            Result result = measure(() -> vault.plans().plannedFailover(plan.name(), PlannedFailoverOptions.defaults())
                    .id().value(), id -> java.util.concurrent.CompletableFuture.completedFuture(vault.jobs()
                    .handle(JobId.of(id)).awaitSettled(Duration.ofMinutes(10)).job()), null);
            latency.set(Duration.ZERO);
            return result;
        } finally {
            transport.close();
        }
    }

    /**
     * What each configuration step of the failover costs the vault, which applies them one at a time under its lock:
     * the same pure transition, timed outside the vault on its configuration of 10,000 protected VMs.
     */
    private static void printTransitionCost(ProtectionConfiguration protection, List<String> ids) {
        int n = 2_000;
        long sink = 0;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sink += protection.transition(ids.get(i * (VMS / n)), ProtectionOperation.PLANNED_FAILOVER)
                    .configuration().toString().length();
        }
        double us = (System.nanoTime() - start) / 1_000.0 / n;
        say("  vault: one protection transition with %,d VMs in the pairing costs %.0f us; the failover phase's "
                + "%,d (2 per VM) take %.1f s serialized under the vault's lock (%d)", VMS, us, 2 * VMS,
                us * 2 * VMS / 1e6, sink & 0);
    }

    /**
     * The ideal critical path of {@code spec}: per phase, the tasks list-scheduled in order on {@code slots}
     * slots, each lasting its command and probe steps times {@code latency}; phases one after the other. For n
     * equal tasks of c commands this is ceil(n / slots) x c x latency.
     */
    static long idealMillis(JobSpec spec, int slots, Duration latency) {
        long total = 0;
        for (Phase phase : spec.phases()) {
            PriorityQueue<Long> free = new PriorityQueue<>();
            for (int i = 0; i < slots; i++) {
                free.add(0L);
            }
            long end = 0;
            for (TaskSpec task : phase.tasks()) {
                long finish = free.poll() + sentSteps(task) * latency.toMillis();
                free.add(finish);
                end = Math.max(end, finish);
            }
            total += end;
        }
        return total;
    }

    /** Per phase: its ideal, how long its tasks took from the first start to the last end, and the gap before it. */
    private static void printPhases(JobSpec spec, Job job) {
        Map<String, TaskStatus> byId = new HashMap<>();
        job.tasks().forEach(t -> byId.put(t.id(), t));
        java.time.Instant previousEnd = job.startedAt();
        for (Phase phase : spec.phases()) {
            JobSpec one = new JobSpec(spec.kind(), spec.target(), spec.planName(), List.of(phase), List.of());
            java.time.Instant first = null;
            java.time.Instant last = null;
            for (TaskSpec t : phase.tasks()) {
                TaskStatus st = byId.get(t.id());
                first = first == null || st.startedAt().isBefore(first) ? st.startedAt() : first;
                last = last == null || st.endedAt().isAfter(last) ? st.endedAt() : last;
            }
            say("  %-28s %5d tasks  ideal %5d ms  took %5d ms  gap before %3d ms", phase.name(), phase.tasks().size(),
                    idealMillis(one, PARALLELISM, LATENCY), Duration.between(first, last).toMillis(),
                    Duration.between(previousEnd, first).toMillis());
            previousEnd = last;
        }
        say("  gap after the last phase %d ms", Duration.between(previousEnd, job.endedAt()).toMillis());
    }

    private static int sentSteps(TaskSpec task) {
        int n = 0;
        for (Step step : task.steps()) {
            if (step instanceof Step.Command || step instanceof Step.Probe) {
                n++;
            }
        }
        return n;
    }

    private static RecoveryPlan plan(Vault vault, List<String> ids) {
        RecoveryPlan.Builder b = RecoveryPlan.builder("Bench", "vmm-a", "vmm-b", vault.plans().planContext());
        int perGroup = VMS / GROUPS;
        for (int g = 1; g <= GROUPS; g++) {
            if (g > 1) {
                b.addGroup();
            }
            List<String> group = ids.subList((g - 1) * perGroup, g * perGroup);
            b.addVms(g, group);
            for (int i = WAVE_1; i < perGroup; i++) {
                // wave 2 waits for a VM of wave 1, wave 3 for a VM of wave 2
                int after = i < WAVE_1 + WAVE_2 ? i - WAVE_1 : WAVE_1 + (i - WAVE_1 - WAVE_2);
                b.addDependency(group.get(i), group.get(after));
            }
        }
        return b.build();
    }

    private static void await(Vault vault, JobHandle jobId) throws Exception {
        Job job = jobId.awaitSettled(java.time.Duration.ofSeconds(60)).job();
        if (job.state() != JobState.SUCCEEDED) {
            throw new IllegalStateException("setup job failed: " + job + " " + job.errors());
        }
    }

    private static final java.util.concurrent.atomic.AtomicInteger RECORDINGS =
            new java.util.concurrent.atomic.AtomicInteger();

    /**
     * With {@code -Dbench.jfr=<prefix>}, a flight recording of the measured failover only (not the world's setup),
     * with the settings of {@code -Dbench.jfc=<file or name>} ("profile" when not given).
     */
    private static @javax.annotation.Nullable jdk.jfr.Recording startRecording() throws Exception {
        if (System.getProperty("bench.jfr") == null) {
            return null;
        }
        String settings = System.getProperty("bench.jfc", "profile");
        jdk.jfr.Configuration c = settings.endsWith(".jfc")
                ? jdk.jfr.Configuration.create(java.nio.file.Path.of(settings))
                : jdk.jfr.Configuration.getConfiguration(settings);
        jdk.jfr.Recording r = new jdk.jfr.Recording(c);
        r.start();
        return r;
    }

    private static void stopRecording(@javax.annotation.Nullable jdk.jfr.Recording recording) throws Exception {
        if (recording == null) {
            return;
        }
        recording.stop();
        java.nio.file.Path file = java.nio.file.Path.of(System.getProperty("bench.jfr") + "-"
                + RECORDINGS.incrementAndGet() + ".jfr");
        recording.dump(file);
        recording.close();
        say("  flight recording of the failover: %s", file);
    }

    /** CPU time (or with {@code user}, its user-mode part) of each live {@code secondsite-*} thread. */
    private static Map<Long, Long> engineThreadCpu(ThreadMXBean threads, boolean user) {
        Map<Long, Long> cpu = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("secondsite-")) {
                long ns = user ? threads.getThreadUserTime(t.getId()) : threads.getThreadCpuTime(t.getId());
                if (ns >= 0) {
                    cpu.put(t.getId(), ns);
                }
            }
        }
        return cpu;
    }

    /**
     * Linux only (empty elsewhere): per thread of the process whose name starts with "secondsite-", its voluntary and
     * involuntary context switches so far; each is a wake-up, which costs more CPU than most of the engine's work.
     */
    private static Map<String, Long> contextSwitches() {
        Map<String, Long> out = new HashMap<>();
        java.nio.file.Path tasks = java.nio.file.Path.of("/proc/self/task");
        if (!java.nio.file.Files.isDirectory(tasks)) {
            return out;
        }
        try (java.util.stream.Stream<java.nio.file.Path> all = java.nio.file.Files.list(tasks)) {
            for (java.nio.file.Path task : all.toList()) {
                try {
                    if (!java.nio.file.Files.readString(task.resolve("comm")).startsWith("secondsite-")) {
                        continue;
                    }
                    long n = 0;
                    for (String line : java.nio.file.Files.readAllLines(task.resolve("status"))) {
                        if (line.contains("ctxt_switches:")) {
                            n += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                    out.put(task.getFileName().toString(), n);
                } catch (java.io.IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            return Map.of();
        }
        return out;
    }

    private static long cpuDelta(Map<Long, Long> before, Map<Long, Long> after) {
        long sum = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return sum;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double median(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
        double[] v = rs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double min(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
        return rs.stream().mapToDouble(f).min().orElse(Double.NaN);
    }

    private static double max(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
        return rs.stream().mapToDouble(f).max().orElse(Double.NaN);
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }

    /** Looked up once: {@link ManagementFactory#getThreadMXBean()} takes a lock the driver's threads would meet on. */
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The CPU time the latency-only driver's sleeps took on the threads that ran them (kernel wake-ups). */
    private static final java.util.concurrent.atomic.LongAdder DRIVER_CPU = new java.util.concurrent.atomic.LongAdder();

    /**
     * Answers every command with success after the current latency; holds no lock. The CPU its sleep costs the thread
     * (a timer and two context switches, some 20 us on a loaded 2-core machine) is counted in {@link #DRIVER_CPU}:
     * a real driver's wait for its host is not the engine's or the provider's work.
     */
    private static final class LatencyOnlyDriver implements HostDriver {
        private final AtomicReference<Duration> latency;

        LatencyOnlyDriver(AtomicReference<Duration> latency) {
            this.latency = latency;
        }

        @Override
        public CommandResult execute(CommandRequest request) {
            Duration d = latency.get();
            if (!d.isZero()) {
                long before = THREADS.getCurrentThreadCpuTime();
                try {
                    Thread.sleep(d.toMillis());
                    DRIVER_CPU.add(THREADS.getCurrentThreadCpuTime() - before);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return CommandResult.transientFailure("interrupted");
                }
            }
            if (request.command() instanceof dev.secondsite.core.spi.HostCommand.GetReplicationStatus) {
                // replicating, its initial copy complete: what enable protection waits for (E1)
                return CommandResult.succeeded("done", new dev.secondsite.core.spi.CommandOutput.ReplicationStatus(
                        "Replicating", "Normal", java.time.Instant.now()));
            }
            return CommandResult.succeeded("done");
        }
    }
}
