package dev.secondsite.samples.drill;

import dev.secondsite.core.Finding;
import dev.secondsite.core.Secret;
import dev.secondsite.core.ValidationReport;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.job.EngineOptions;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobEvent;
import dev.secondsite.core.job.JobListener;
import dev.secondsite.core.job.JobQuery;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.Step;
import dev.secondsite.core.job.TaskSpec;
import dev.secondsite.core.job.TaskState;
import dev.secondsite.core.job.TaskStatus;
import dev.secondsite.core.plan.FailoverKind;
import dev.secondsite.core.plan.PlanAction;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.plan.ScriptSide;
import dev.secondsite.core.plan.Slot;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.CopyFrequency;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.ProtectedVm;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.protection.StorageMapping;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.provider.RegistrationOptions;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostDriver;
import dev.secondsite.core.spi.ScriptRunner;
import dev.secondsite.core.spi.TestNetwork;
import dev.secondsite.core.vault.JobHandle;
import dev.secondsite.core.vault.JobTimeoutException;
import dev.secondsite.core.vault.PlannedFailoverOptions;
import dev.secondsite.core.vault.SettledJob;
import dev.secondsite.core.vault.TestFailoverOptions;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultOptions;
import dev.secondsite.hyperv.PowerShell;
import dev.secondsite.hyperv.PowerShellScriptRunner;
import dev.secondsite.hyperv.VmmSiteReader;
import dev.secondsite.samples.console.ConsoleProgress;
import dev.secondsite.samples.report.DurationText;
import dev.secondsite.samples.report.JobRecorder;
import dev.secondsite.transport.https.HttpsTransport;
import dev.secondsite.transport.https.HttpsVaultLink;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.annotation.Nullable;

/**
 * The DR drill, step by step: a vault with its store and an HTTPS endpoint on loopback (the transport's CA kept in
 * the store directory), and a provider per VMM server connecting to it over HTTPS, each reading its site with
 * {@link VmmSiteReader}, carrying out host commands with the Hyper-V driver and plan scripts with
 * {@link PowerShellScriptRunner}, all through the {@link PowerShell} of {@link DrillHosts}. Then: a registration
 * key, registration and sync; the pairing (its settings printed), network and storage mappings, protection with
 * initial replication; a three-group plan (database, application, web tiers) with dependencies, a manual action
 * (the drill resumes it with a comment and says so) and a script action; the pre-flight check; a test failover and
 * its cleanup; a vault restart (closed, opened again from its store, the HTTPS endpoint on the same port; the
 * providers reconnect by themselves); a planned failover, commit, reverse replication; the failback, its commit and
 * reverse replication. It checks that every job SUCCEEDED and every VM is back on the primary site and protected.
 *
 * <p>It always records its jobs: a {@link JobRecorder} is attached to the vault when it opens (and again after the
 * restart), each job labelled with the drill's name for its step. While a job runs its progress shows through a
 * {@link ConsoleProgress} ({@link DrillOptions#progress()}), which also prints the drill's own lines so they do
 * not tear the live ones; at the end it prints the table of the jobs (states, durations) and, when
 * {@link DrillOptions#report()} is set, writes the HTML report with {@link DrillReportWriter} and prints its path.
 *
 * <p>Not thread-safe: one run at a time per instance.
 */
public final class Drill {
    public static final String VAULT_NAME = "Contoso DR";
    public static final String REGION = "westeurope";
    public static final String PLAN = "Three-tier app";
    private static final int PARALLELISM = 64;
    private static final Duration RECONNECT_WAIT = Duration.ofSeconds(30);

    private final PrintStream out;
    private final DrillObserver observer;

    /**
     * @param out where the drill says what it does (one line per step), shows its jobs' progress and prints the
     *     table of its jobs
     * @param observer called when the vault opens and when the drill has finished
     */
    public Drill(PrintStream out, DrillObserver observer) {
        this.out = out;
        this.observer = observer;
    }

    /**
     * Runs the drill on the simulated fabric of {@code options} ({@link SimulatedHosts}).
     *
     * @throws DrillException naming the step, when a job did not succeed or a check failed
     */
    public DrillResult run(DrillOptions options) {
        return run(options, new SimulatedHosts(options));
    }

    /**
     * Runs the drill on {@code hosts}. The vault is closed when this returns (after
     * {@link DrillObserver#finished} and the report); a temporary store is deleted.
     *
     * @throws DrillException naming the step, when a job did not succeed, the pre-flight check found errors or the
     *     final check failed
     * @throws UncheckedIOException when the report cannot be written
     */
    public DrillResult run(DrillOptions options, DrillHosts hosts) {
        boolean temporary = options.store() == null;
        Path store = temporary ? createTempStore() : options.store();
        try {
            return new Run(options, hosts, store).run();
        } finally {
            if (temporary) {
                delete(store);
            }
        }
    }

    /** One run: holds the vault (replaced at the restart), the transport and the providers. */
    private final class Run {
        private final DrillOptions options;
        private final DrillHosts hosts;
        private final DrillTopology topology;
        private final Path store;
        private final EngineOptions engine;
        private final List<DrillResult.DrillStep> steps = new ArrayList<>();
        private final List<String> resumed = new ArrayList<>();
        private final LongAdder transientFailures = new LongAdder();
        private final LongAdder commandSteps = new LongAdder();
        private final AtomicInteger scriptRuns = new AtomicInteger();
        private final JobRecorder recorder = new JobRecorder();
        private final ConsoleProgress progress;
        // the drill creates one job at a time: the step being created names the job the recorder hears of
        private volatile @Nullable String creating;
        private final JobListener stepCounter = (event, state, percent) -> {
            if (event instanceof JobEvent.Created created) {
                commandSteps.add(created.spec().tasks().stream().mapToLong(Drill::hostSteps).sum());
            }
        };
        private @Nullable HttpsTransport transport;
        private @Nullable Vault vault;
        private boolean restarted;

        Run(DrillOptions options, DrillHosts hosts, Path store) {
            this.options = options;
            this.hosts = hosts;
            this.topology = hosts.topology();
            this.store = store;
            // retries a few milliseconds apart, so that a transient host fault costs little; enough attempts that a
            // fault rate of 0.5 still gets every command through
            this.engine = EngineOptions.builder().parallelism(PARALLELISM).perSiteParallelism(PARALLELISM)
                    .maxAttempts(20).backoff(Duration.ofMillis(2), Duration.ofMillis(100)).build();
            this.progress = ConsoleProgress.builder(recorder).mode(options.progress()).output(out).build();
            recorder.labelOnCreation(spec -> creating);
        }

        DrillResult run() {
            progress.start();
            try {
                return steps();
            } catch (RuntimeException e) {
                // what ran, and how far, is worth seeing when the drill stops
                if (!recorder.timelines().isEmpty()) {
                    progress.printJobTable();
                }
                throw e;
            } finally {
                progress.close();
            }
        }

        private DrillResult steps() {
            long start = System.nanoTime();
            say("Secondsite DR drill on %s", hosts.describe());
            transport = transport(0);
            vault = Vault.create(VaultOptions.builder(VAULT_NAME, REGION).storage(store.resolve("vault"))
                    .transport(transport).engineOptions(engine).build());
            opened();
            say("Vault '%s' in %s: store %s, HTTPS endpoint %s (CA fingerprint %s)", VAULT_NAME, REGION, store,
                    transport.uri(), transport.caFingerprint());
            DrillTopology.Side a = topology.primary();
            DrillTopology.Side b = topology.recovery();
            HttpsVaultLink linkA = link();
            HttpsVaultLink linkB = link();
            try (Provider siteA = provider(a, linkA); Provider siteB = provider(b, linkB)) {
                Secret key = vault.servers().generateRegistrationKey().encoded();
                say("Registration key generated (valid 5 days, K1); never printed");
                siteA.register(key, RegistrationOptions.defaults());
                siteB.register(key, RegistrationOptions.defaults());
                siteA.connect();
                siteB.connect();
                vault.servers().list().forEach(s -> say("Registered %s (%s) over HTTPS, %d clouds synced",
                        s.friendlyName(), s.vmmVersion(), s.syncedClouds().size()));
                hosts.sitesRegistered();

                CloudRef cloud = new CloudRef(a.siteId(), a.cloud());
                ReplicationSettings settings = ReplicationSettings.builder()
                        .copyFrequency(CopyFrequency.FIVE_MINUTES).additionalRecoveryPoints(4)
                        .appConsistentFrequencyHours(2).build();
                say("Pairing %s/%s -> %s/%s with %s", a.siteId(), a.cloud(), b.siteId(), b.cloud(), settings);
                job("Pair " + a.cloud() + " -> " + b.cloud(),
                        () -> vault.pairings().pair(CloudPairing.of(cloud, b.siteId(), b.cloud(), settings)));
                job("Map network " + a.vmNetwork() + " -> " + b.vmNetwork(), () -> vault.mappings().mapNetwork(
                        new NetworkMapping(a.siteId(), a.vmNetwork(), b.siteId(), b.vmNetwork())));
                job("Map storage " + a.storageClassification() + " -> " + b.storageClassification(),
                        () -> vault.mappings().mapStorage(new StorageMapping(a.siteId(), a.storageClassification(),
                                b.siteId(), b.storageClassification())));
                job("Protect " + topology.allVms().size() + " VMs (initial replication)",
                        () -> vault.protectedVms().enable(cloud, topology.allVms()));

                RecoveryPlan plan = plan(vault);
                vault.plans().save(plan);
                say("Plan '%s': %d VMs in %d groups, %d dependencies, a manual action after group 1, "
                                + "a script after group 3", plan.name(), plan.vms().size(), plan.groupCount(),
                        topology.allVms().size() - 3);
                preflight();

                job("Test failover of the plan", () -> vault.plans().testFailover(PLAN,
                        TestFailoverOptions.into(TestNetwork.isolated("drill-isolated"))));
                job("Clean up the test failover", () -> vault.plans().cleanupTestFailover(PLAN));

                restart();

                job("Planned failover to " + b.siteId(),
                        () -> vault.plans().plannedFailover(PLAN, PlannedFailoverOptions.defaults()));
                job("Commit", () -> vault.plans().commit(PLAN));
                job("Reverse replication", () -> vault.plans().reverseReplication(PLAN));
                job("Failback to " + a.siteId(), () -> vault.plans().failback(PLAN));
                job("Commit the failback", () -> vault.plans().commit(PLAN));
                job("Reverse replication again", () -> vault.plans().reverseReplication(PLAN));

                DrillResult result = result(settings, Duration.ofNanos(System.nanoTime() - start));
                progress.printJobTable();
                check(result);
                observer.finished(result);
                report(result);
                return result;
            } finally {
                linkA.close();
                linkB.close();
                vault.close();
                transport.close();
            }
        }

        private void opened() {
            vault.jobs().addListener(stepCounter);
            vault.jobs().addListener(recorder);
            observer.vaultOpened(vault);
        }

        private HttpsTransport transport(int port) {
            return HttpsTransport.builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                    .caDirectory(store.resolve("ca")).build();
        }

        private HttpsVaultLink link() {
            // the link pins the vault's CA: it trusts nothing else, and keeps trusting it across the restart
            return HttpsVaultLink.builder(transport.uri()).trust(transport.caCertificate())
                    .heartbeatEvery(Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(1)).build();
        }

        private Provider provider(DrillTopology.Side side, HttpsVaultLink link) {
            PowerShell onServer = hosts.powerShellOn(side.vmmServer());
            HostDriver driver = hosts.driver(side.vmmServer()).build();
            HostDriver counted = request -> {
                CommandResult result = driver.execute(request);
                if (result.outcome() == CommandResult.Outcome.TRANSIENT_FAILURE) {
                    transientFailures.increment();
                }
                return result;
            };
            ScriptRunner scripts = new PowerShellScriptRunner(onServer);
            ScriptRunner countedScripts = (path, timeout) -> {
                scriptRuns.incrementAndGet();
                return scripts.run(path, timeout);
            };
            return Provider.builder(side.vmmServer(),
                            new VmmSiteReader(onServer, side.siteId(), side.vmmServer(), Duration.ofMinutes(2)))
                    .hostDriver(counted).scriptRunner(countedScripts).vaultLink(link)
                    .maxConcurrentCommands(PARALLELISM).build();
        }

        /** Group 1 the database tier, 2 the application tier, 3 the web tier; in each, the rest wait for the first. */
        private RecoveryPlan plan(Vault v) {
            RecoveryPlan.Builder b = RecoveryPlan.builder(PLAN, topology.primary().siteId(),
                    topology.recovery().siteId(), v.plans().planContext());
            List<List<String>> tiers = List.of(topology.databaseTier(), topology.applicationTier(),
                    topology.webTier());
            for (int g = 1; g <= tiers.size(); g++) {
                if (g > 1) {
                    b.addGroup();
                }
                List<String> tier = tiers.get(g - 1);
                b.addVms(g, tier);
                for (String vm : tier.subList(1, tier.size())) {
                    b.addDependency(vm, tier.get(0));
                }
            }
            b.addAction(Slot.afterGroup(1), PlanAction.manual("Check the database",
                    "Log on to the first database VM and confirm the database is mounted"));
            b.addAction(Slot.afterGroup(3), PlanAction.script("Update DNS", topology.scriptPath(),
                    ScriptSide.RECOVERY).withKinds(FailoverKind.PLANNED, FailoverKind.UNPLANNED));
            return b.build();
        }

        /** The vault's own validation of the configuration and the plans: errors stop the drill before a failover. */
        private void preflight() {
            ValidationReport report = vault.configuration().validate();
            say("Pre-flight check: %d errors, %d warnings", report.errors().size(), report.warnings().size());
            for (Finding f : report.findings()) {
                say("    %s", f);
            }
            if (report.hasErrors()) {
                throw new DrillException("pre-flight check: " + report.errors());
            }
        }

        /** J3: closes the vault and its endpoint, opens both again on the same store, CA and port. */
        private void restart() {
            int port = transport.address().getPort();
            vault.close();
            transport.close();
            say("Vault closed; opening it again from %s", store.resolve("vault"));
            long start = System.nanoTime();
            transport = transport(port);
            vault = Vault.open(store.resolve("vault"), VaultOptions.builder().transport(transport)
                    .engineOptions(engine).build());
            restarted = true;
            opened();
            awaitProviders();
            say("Vault reopened on %s: %d servers, %d protected VMs, %d jobs; the providers reconnected by "
                            + "themselves in %d ms", transport.uri(), vault.servers().list().size(),
                    vault.configuration().protection().protectedVms().size(),
                    vault.jobs().list(JobQuery.all()).size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }

        private void awaitProviders() {
            long deadline = System.nanoTime() + RECONNECT_WAIT.toNanos();
            List<String> ids = List.of(topology.primary().siteId(), topology.recovery().siteId());
            // the providers poll again with backoff on their own; the drill only waits to see them back
            while (!ids.stream().allMatch(id -> vault.servers().connection(id).isConnected())) {
                if (System.nanoTime() > deadline) {
                    throw new DrillException("vault restart: the providers did not reconnect within "
                            + RECONNECT_WAIT);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }

        /**
         * Creates a job with {@code create}, labelled {@code name}; waits for it, resuming each manual action it waits
         * at; prints it; refuses anything but SUCCEEDED.
         */
        private Job job(String name, Supplier<JobHandle> create) {
            long start = System.nanoTime();
            JobHandle handle;
            creating = name;
            try {
                handle = create.get();
            } finally {
                creating = null;
            }
            // the labeller named it on creation; this also names a job whose creation the recorder heard of late
            recorder.label(handle.id().value(), name);
            Job job;
            try {
                SettledJob settled = handle.awaitSettled(options.jobTimeout());
                while (settled.isWaitingForAction()) {
                    String action = settled.job().tasks().stream()
                            .filter(t -> t.state() == TaskState.WAITING_FOR_ACTION).map(TaskStatus::name)
                            .findFirst().orElse("a manual action");
                    String comment = "checked by the drill operator (" + name + ")";
                    say("  %s waits for '%s': the drill resumes it with the comment \"%s\"", name, action, comment);
                    handle.resume(comment);
                    resumed.add(comment);
                    settled = handle.awaitSettled(options.jobTimeout());
                }
                job = settled.job();
                // the handle can see the end a moment before the listeners hear it: the table and the report need
                // the recorder's timeline final
                if (!recorder.awaitEnded(handle.id().value(), options.jobTimeout())) {
                    throw new DrillException("step '" + name + "': the job recorder did not hear job " + handle.id()
                            + " end within " + options.jobTimeout());
                }
            } catch (JobTimeoutException e) {
                throw new DrillException("step '" + name + "': job " + handle.id() + " did not end within "
                        + options.jobTimeout(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DrillException("step '" + name + "': interrupted while waiting for job " + handle.id(), e);
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            steps.add(new DrillResult.DrillStep(name, job, waited));
            int sent = job.tasks().stream().mapToInt(TaskStatus::commandsSent).sum();
            say("%-40s %-10s %6d ms  %4d tasks  %5d commands sent%s", name, job.state(), waited.toMillis(),
                    job.tasks().size(), sent, job.warnings().isEmpty() ? ""
                            : ", " + job.warnings().size() + " warnings");
            if (job.state() != JobState.SUCCEEDED) {
                job.errors().forEach(e -> say("    error: %s", e));
                throw new DrillException("step '" + name + "': job " + job.id() + " ended " + job.state()
                        + (job.errors().isEmpty() ? "" : ": " + job.errors().get(0)));
            }
            return job;
        }

        private DrillResult result(ReplicationSettings settings, Duration wall) {
            List<Job> jobs = vault.jobs().list(JobQuery.all()).stream()
                    .sorted(Comparator.comparing(Job::createdAt)).toList();
            long sent = jobs.stream().flatMap(j -> j.tasks().stream()).mapToLong(TaskStatus::commandsSent).sum();
            List<ProtectedVm> vms = List.copyOf(vault.configuration().protection().protectedVms());
            return new DrillResult(vault, store, transport.uri(), topology, settings, steps, jobs, vms, restarted,
                    resumed, scriptRuns.get(), sent, commandSteps.sum(), transientFailures.sum(), wall,
                    recorder.timelines());
        }

        private void report(DrillResult result) {
            if (options.report() == null) {
                return;
            }
            long start = System.nanoTime();
            long bytes = DrillReportWriter.write(result, options.report());
            say("Report: %s (%,d KiB, written in %s)", options.report().toAbsolutePath(), (bytes + 1023) / 1024,
                    DurationText.of(Duration.ofNanos(System.nanoTime() - start)));
        }

        private void say(String format, Object... args) {
            progress.println(String.format(Locale.ROOT, format, args));
        }

        private void check(DrillResult result) {
            if (!result.vaultRestarted()) {
                throw new DrillException("final check: the vault did not restart");
            }
            if (!result.allJobsSucceeded()) {
                throw new DrillException("final check: not every job SUCCEEDED: " + result.jobs().stream()
                        .filter(j -> j.state() != JobState.SUCCEEDED).map(j -> j.id() + " " + j.state()).toList());
            }
            if (!result.allVmsBackHomeAndProtected()) {
                throw new DrillException("final check: not every VM is PROTECTED on the primary site: "
                        + result.vms().stream().filter(v -> v.activeLocation() != dev.secondsite.core.protection
                        .ActiveLocation.PRIMARY || v.state() != dev.secondsite.core.protection.ProtectionState
                        .PROTECTED).map(v -> v.vmName() + " " + v.state() + " on " + v.activeLocation()).toList());
            }
            say("Drill PASSED in %d ms: %d jobs SUCCEEDED, %d VMs back on %s and PROTECTED, the vault restarted "
                            + "once, %d manual actions resumed, the plan's script ran %d times; %d commands sent for "
                            + "%d host steps (%d transient failures retried)", result.wall().toMillis(),
                    result.jobs().size(), result.vms().size(), topology.primary().siteId(),
                    result.resumedActions().size(), result.scriptRuns(), result.commandsSent(),
                    result.commandSteps(), result.transientFailures());
        }
    }

    /** The steps of a task that send a command to a host (each at least once). */
    private static long hostSteps(TaskSpec task) {
        return task.steps().stream().filter(s -> s instanceof Step.Command || s instanceof Step.Probe
                || s instanceof Step.WaitUntil).count();
    }

    private static Path createTempStore() {
        try {
            return Files.createTempDirectory("secondsite-drill");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the drill's temporary store", e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the drill's temporary store " + dir, e);
        }
    }
}
