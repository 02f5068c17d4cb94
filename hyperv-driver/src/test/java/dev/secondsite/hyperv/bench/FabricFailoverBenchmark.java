package dev.secondsite.hyperv.bench;

import dev.secondsite.core.Secret;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.job.EngineOptions;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobEvent;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobSpec;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.Phase;
import dev.secondsite.core.job.Step;
import dev.secondsite.core.job.TaskSpec;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.protection.Authentication;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.protection.StorageMapping;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.provider.RegistrationOptions;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostDriver;
import dev.secondsite.core.transport.local.LocalTransport;
import dev.secondsite.core.vault.JobHandle;
import dev.secondsite.core.vault.JobId;
import dev.secondsite.core.vault.PlannedFailoverOptions;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultOptions;
import dev.secondsite.hyperv.HyperVDriver;
import dev.secondsite.hyperv.sim.SimulatedFabric;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The core's 10,000-VM plan failover (see core's {@code EngineBenchmark}: 10 boot groups of 1,000 VMs, each group
 * in 3 waves of dependencies, engine and per-site parallelism 256) run through the real driver
 * ({@link HyperVDriver}: script, standard input, envelope parse) on the {@link SimulatedFabric} (a generated fabric
 * of one site pair, 50 hosts per site, the interpreter and the Hyper-V model), with 20 ms of latency on every
 * command to a Hyper-V host ({@code faults().latency(host, 20 ms)}; the VMM servers answer at once).
 *
 * <p>Two modes, each on a world built anew (sites, vault, providers; pairing of both clouds, mappings and the
 * protection of the 10,000 VMs through the vault's own jobs, at zero latency); only the planned failover is
 * measured:
 * <ul>
 *   <li>{@code wall}: with the 20 ms latency. Its baseline is the ideal critical path, computed from the job's own
 *       {@link JobSpec} (from its {@link JobEvent.Created} event): per phase, the tasks list-scheduled in their order
 *       on 256 slots (the engine's and each site's parallelism; every command of the failover goes to one site's
 *       hosts at a time, so the per-site bound is the same bound), each task lasting (its command, probe and wait
 *       steps, each one command round) x 20 ms and configuration steps nothing; a phase lasts until its last task
 *       ends; phases add up. Goal: wall / ideal <= 1.10.</li>
 *   <li>{@code cpu}: the same failover with no latency; the thread CPU time of every {@link HostDriver#execute} call
 *       (script choice, standard input JSON, the fabric's decode, tokenize, parse and run against the model, the
 *       envelope's JSON out and the driver's parse of it), summed over the providers' threads, divided by the
 *       commands. Without latency there is no sleep inside the calls, so nothing but that work is counted. Goal:
 *       <= 150 us per command. The {@code wall} mode prints the same figure with the sleeps' wake-ups included.</li>
 * </ul>
 *
 * <p>The CPU floor printed with each run is the process's CPU time over the failover divided by the cores: no
 * schedule can beat it. On a 2-core machine it is above the ideal critical path (62,492 commands at some 280 us of
 * process CPU each, engine and providers included, is 17 s of CPU, 8.7 s on 2 cores against an ideal of 6.2 s), so
 * there the wall goal cannot be met whatever the latency; with the latency's wake-ups the driver's calls cost some
 * 30 us more each. Measured on the shared 2-core machine (one run, no warm-up): {@code cpu} 135 us per command
 * (goal met), {@code wall} 12.1 s against 6.2 s ideal (1.95).
 *
 * <p>Profiled later with {@code -Dbench.jfr} (machine load 6 to 26 from other builds, so single runs vary by 2x):
 * the wall run's most contended monitors were the core engine's per-job record lock ({@code JobEngine.emit}, every
 * event of the one 62,492-command job; short work, but its holder is often descheduled among some 300 runnable
 * threads on 2 cores) and the driver's remembered results (now lock-free). In the interpreter and the model the
 * costs were allocation (case-insensitive names lower-cased on every property, parameter and variable access,
 * two maps per object, streams per VM lookup): per command of a one-thread loop over a 10,000-VM fabric (StopVm,
 * StartVm, GetReplicationStatus) allocation fell from 29.3 KB to 18.4 KB. Same command, same 1 0 cpu,wall, before
 * and after those changes: {@code cpu} driver+fabric 142.0 / 146.9 us, process 281.5 / 276.5 us per command;
 * {@code wall} 15.9 / 16.9 s against 6.2 s ideal (2.57 / 2.72), process 312 / 329 us per command, CPU floor
 * 9.8 / 10.3 s on 2 cores: equal within this machine's noise. The wall goal is out of reach here: the CPU floor
 * alone is 1.4 to 1.7 times the ideal.
 *
 * <p>Not a test; run from the repository root (the exec plugin is skipped in every module but this one's benchmark
 * switch):
 * <pre>
 * mvn -B -q -o -pl hyperv-driver -am test-compile exec:java -Dhyperv.skipBench=false -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.secondsite.hyperv.bench.FabricFailoverBenchmark [-Dexec.args="runs warmups wall,cpu"]
 * </pre>
 * {@code -Dbench.jfr=<file>} records the measured failovers of the last run to that file (JFR, "profile" settings).
 */
public final class FabricFailoverBenchmark {
    private static final int VMS = 10_000;
    private static final int GROUPS = 10;
    private static final int HOSTS_PER_SITE = 50;
    private static final int PARALLELISM = 256;
    private static final Duration LATENCY = Duration.ofMillis(20);
    private static final int WAVE_1 = 800;
    private static final int WAVE_2 = 150;
    private static final String PRIMARY = "vmm0-a.sim.local";
    private static final String RECOVERY = "vmm0-b.sim.local";
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private FabricFailoverBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int warmups = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        List<String> modes = args.length > 2 ? List.of(args[2].split(",")) : List.of("wall", "cpu");
        say("Planned failover of %,d VMs in %d groups (3 waves each) through HyperVDriver + SimulatedFabric, "
                        + "%d ms per host command, parallelism %d, %d hosts per site, %d cores", VMS, GROUPS,
                LATENCY.toMillis(), PARALLELISM, HOSTS_PER_SITE, Runtime.getRuntime().availableProcessors());
        for (int i = 0; i < warmups + runs; i++) {
            for (String mode : modes) {
                Result r = runOnce(mode.equals("wall") ? LATENCY : Duration.ZERO, i == warmups + runs - 1);
                int cores = Runtime.getRuntime().availableProcessors();
                say("%s %-4s wall %6d ms  ideal %6d ms  ratio %.3f (goal <= 1.10)  driver+fabric CPU %6.1f us/command "
                                + "(goal <= 150)  process CPU %6.1f us/command, CPU floor on %d cores %6d ms  "
                                + "(%d phases, %d tasks, %d commands)",
                        i < warmups ? "warm-up" : "run " + (i - warmups + 1) + "  ", mode, r.wallMs, r.idealMs,
                        (double) r.wallMs / r.idealMs, r.driverCpuNanos / 1_000.0 / r.commands,
                        r.processCpuNanos / 1_000.0 / r.commands, cores, r.processCpuNanos / 1_000_000 / cores,
                        r.phases, r.tasks, r.commands);
            }
        }
    }

    record Result(long wallMs, long idealMs, long driverCpuNanos, long processCpuNanos, long commands, int phases,
                  int tasks) {
    }

    private static Result runOnce(Duration latency, boolean record) throws Exception {
        SimulatedFabric fabric = SimulatedFabric.builder().generate(1, HOSTS_PER_SITE, VMS, 7L).build();
        Site primary = fabric.site(PRIMARY);
        Site recovery = fabric.site(RECOVERY);
        MeasuredDriver driverA = new MeasuredDriver(HyperVDriver.builder().powerShell(fabric.on(PRIMARY)).build());
        MeasuredDriver driverB = new MeasuredDriver(HyperVDriver.builder().powerShell(fabric.on(RECOVERY)).build());
        LocalTransport transport = LocalTransport.create();
        EngineOptions options = EngineOptions.builder().parallelism(PARALLELISM).perSiteParallelism(PARALLELISM)
                .build();
        try (Vault vault = Vault.create(VaultOptions.builder("Bench", "westeurope").transport(transport)
                .engineOptions(options).build());
             Provider siteA = Provider.builder(PRIMARY, () -> primary).hostDriver(driverA)
                     .vaultLink(transport.link()).maxConcurrentCommands(PARALLELISM).build();
             Provider siteB = Provider.builder(RECOVERY, () -> recovery).hostDriver(driverB)
                     .vaultLink(transport.link()).maxConcurrentCommands(PARALLELISM).build()) {
            Secret key = vault.servers().generateRegistrationKey().encoded();
            siteA.register(key, RegistrationOptions.defaults());
            siteB.register(key, RegistrationOptions.defaults());
            siteA.connect();
            siteB.connect();
            String a = primary.id();
            String b = recovery.id();
            Map<String, List<String>> byCloud = vmsByCloud(primary);
            for (String cloud : byCloud.keySet()) {
                await(vault.pairings().pair(CloudPairing.of(new CloudRef(a, cloud + "-0a"), b, cloud + "-0b",
                        // Kerberos: the generated hosts have no certificates for certificate-based replication
                        ReplicationSettings.builder().authentication(Authentication.KERBEROS).port(8083).build())));
            }
            for (String network : List.of("Corp", "Backup")) {
                await(vault.mappings().mapNetwork(new NetworkMapping(a, network + "-0a", b, network + "-0b")));
            }
            for (String storage : List.of("Fast", "Slow")) {
                await(vault.mappings().mapStorage(new StorageMapping(a, storage + "-0a", b, storage + "-0b")));
            }
            List<String> ids = new ArrayList<>(VMS);
            for (Map.Entry<String, List<String>> e : byCloud.entrySet()) {
                await(vault.protectedVms().enable(new CloudRef(a, e.getKey() + "-0a"), e.getValue()));
                ids.addAll(e.getValue());
            }
            RecoveryPlan plan = plan(vault, a, b, ids);
            vault.plans().save(plan);
            AtomicReference<JobSpec> spec = new AtomicReference<>();
            vault.jobs().addListener((event, state, percent) -> {
                if (event instanceof JobEvent.Created c && c.spec().kind() == JobKind.PLANNED_FAILOVER) {
                    spec.set(c.spec());
                }
            });
            for (Host h : primary.hosts()) {
                fabric.faults().latency(h.name(), latency);
            }
            for (Host h : recovery.hosts()) {
                fabric.faults().latency(h.name(), latency);
            }

            System.gc();
            jdk.jfr.Recording recording = record && System.getProperty("bench.jfr") != null
                    ? new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile")) : null;
            if (recording != null) {
                recording.start();
            }
            long cpuBefore = driverA.cpu.sum() + driverB.cpu.sum();
            long commandsBefore = driverA.commands.sum() + driverB.commands.sum();
            long processBefore = processCpuNanos();
            long start = System.nanoTime();
            JobHandle failover = vault.plans().plannedFailover(plan.name(), PlannedFailoverOptions.defaults());
            Job job = vault.jobs().handle(JobId.of(failover.id().value())).awaitSettled(Duration.ofMinutes(30))
                    .job();
            long wall = System.nanoTime() - start;
            long processCpu = processCpuNanos() - processBefore;
            if (recording != null) {
                recording.stop();
                recording.dump(java.nio.file.Path.of(System.getProperty("bench.jfr")));
                recording.close();
            }
            if (job.state() != JobState.SUCCEEDED) {
                throw new IllegalStateException("the failover did not succeed: " + job + " " + job.errors());
            }
            long commands = driverA.commands.sum() + driverB.commands.sum() - commandsBefore;
            JobSpec s = spec.get();
            return new Result(wall / 1_000_000, idealMillis(s, PARALLELISM, LATENCY),
                    driverA.cpu.sum() + driverB.cpu.sum() - cpuBefore, processCpu, commands, s.phases().size(),
                    s.tasks().size());
        } finally {
            transport.close();
        }
    }

    /** The primary site's VMs by the cloud of their host's host group: Gold on HG1, Silver on HG2. */
    private static Map<String, List<String>> vmsByCloud(Site site) {
        Map<String, String> groupOf = new HashMap<>();
        site.hosts().forEach(h -> groupOf.put(h.name(), h.hostGroup()));
        Map<String, List<String>> out = new java.util.TreeMap<>();
        for (Vm vm : site.vms()) {
            String cloud = groupOf.get(vm.host()).startsWith("HG1") ? "Gold" : "Silver";
            out.computeIfAbsent(cloud, c -> new ArrayList<>()).add(vm.id());
        }
        return out;
    }

    /**
     * The ideal critical path of {@code spec}: per phase, its tasks list-scheduled in order on {@code slots} slots,
     * each lasting its command, probe and wait steps times {@code latency}; phases one after the other.
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
                long finish = free.poll() + rounds(task) * latency.toMillis();
                free.add(finish);
                end = Math.max(end, finish);
            }
            total += end;
        }
        return total;
    }

    private static int rounds(TaskSpec task) {
        int n = 0;
        for (Step step : task.steps()) {
            if (step instanceof Step.Command || step instanceof Step.Probe || step instanceof Step.WaitUntil) {
                n++;
            }
        }
        return n;
    }

    /** Core's EngineBenchmark plan: in each group of 1,000, 150 VMs wait for one of the first 800, 50 for those. */
    private static RecoveryPlan plan(Vault vault, String source, String target, List<String> ids) {
        RecoveryPlan.Builder b = RecoveryPlan.builder("Bench", source, target, vault.plans().planContext());
        int perGroup = VMS / GROUPS;
        for (int g = 1; g <= GROUPS; g++) {
            if (g > 1) {
                b.addGroup();
            }
            List<String> group = ids.subList((g - 1) * perGroup, g * perGroup);
            b.addVms(g, group);
            for (int i = WAVE_1; i < perGroup; i++) {
                int after = i < WAVE_1 + WAVE_2 ? i - WAVE_1 : WAVE_1 + (i - WAVE_1 - WAVE_2);
                b.addDependency(group.get(i), group.get(after));
            }
        }
        return b.build();
    }

    private static void await(JobHandle handle) {
        Job job = handle.awaitSettled(Duration.ofMinutes(10)).job();
        if (job.state() != JobState.SUCCEEDED) {
            throw new IllegalStateException("setup job failed: " + job + " " + job.errors());
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }

    /** Counts each command and the CPU time its call took on the calling thread. */
    private static final class MeasuredDriver implements HostDriver {
        private final HostDriver delegate;
        final LongAdder cpu = new LongAdder();
        final LongAdder commands = new LongAdder();

        MeasuredDriver(HostDriver delegate) {
            this.delegate = delegate;
        }

        @Override
        public CommandResult execute(CommandRequest request) {
            long before = THREADS.getCurrentThreadCpuTime();
            CommandResult result = delegate.execute(request);
            cpu.add(THREADS.getCurrentThreadCpuTime() - before);
            commands.increment();
            return result;
        }
    }
}
