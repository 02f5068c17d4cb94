package dev.secondsite.core.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.secondsite.core.Secret;
import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.HostGroup;
import dev.secondsite.core.inventory.LogicalNetwork;
import dev.secondsite.core.inventory.ObservedReplication;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.StorageClassification;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.inventory.VmNetwork;
import dev.secondsite.core.inventory.VmmVersion;
import dev.secondsite.core.inventory.WindowsServerVersion;
import dev.secondsite.core.job.EngineOptions;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobEvent;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.plan.FailoverDirection;
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
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.ScriptRunner;
import dev.secondsite.core.testing.FakeHostDriver;
import dev.secondsite.core.testing.FakeScriptRunner;
import dev.secondsite.core.testing.FakeVm;
import dev.secondsite.core.transport.local.LocalTransport;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.annotation.Nullable;

/**
 * A whole disaster-recovery world for the vault's behaviour suites: a vault and the providers of two VMM servers in
 * one JVM on a {@code local:} hub of its own, one {@link FakeHostDriver} modelling the Hyper-V hosts of both sites,
 * a {@link FakeScriptRunner} behind each provider, and one ordered {@link #log()} of everything that ran: host
 * commands (as the providers carried them out), scripts (with the server that ran them) and manual actions (when
 * the job started waiting for them).
 *
 * <p>Primary server {@value #A}: cloud Gold (host group Production: {@value #HV01}, {@value #HV02}) holding the plan's
 * six VMs on network Corp, VM {@value #ISO} with a second adapter on network Lab (never mapped: N3), VM
 * {@value #LEGACY} already replicated by Hyper-V with the pairing's settings (E3) and VM {@value #LEGACY_MISMATCH}
 * replicated with other settings; cloud Silver ({@value #HV03}). Recovery server {@value #B}: cloud GoldDR (host group
 * Recovery: {@value #HV11}, {@value #HV12}) with networks CorpDR, CorpDR2 and TestNet.
 *
 * <p>Not thread-safe apart from the log; one per test, closed after it.
 */
final class DrWorld implements AutoCloseable {
    static final String A = "vmm-a";
    static final String B = "vmm-b";
    static final String HV01 = "hv01.contoso.local";
    static final String HV02 = "hv02.contoso.local";
    static final String HV03 = "hv03.contoso.local";
    static final String HV11 = "hv11.fabrikam.local";
    static final String HV12 = "hv12.fabrikam.local";
    static final CloudRef GOLD = new CloudRef(A, "Gold");
    static final String DB1 = "vm-db1";
    static final String DB2 = "vm-db2";
    static final String APP1 = "vm-app1";
    static final String APP2 = "vm-app2";
    static final String WEB1 = "vm-web1";
    static final String WEB2 = "vm-web2";
    static final String ISO = "vm-iso";
    static final String LEGACY = "vm-legacy";
    static final String LEGACY_MISMATCH = "vm-legacy2";
    /** The plan's VMs, group by group: {db1, db2}, {app1, app2}, {web1, web2}. */
    static final List<List<String>> GROUPS = List.of(List.of(DB1, DB2), List.of(APP1, APP2), List.of(WEB1, WEB2));
    static final List<String> PLAN_VMS = GROUPS.stream().flatMap(List::stream).toList();
    static final String PLAN = "Three tier";
    static final String DRAIN = "\\\\vmm-a\\library\\drain-lb.ps1";
    static final String FIX_IPS = "\\\\vmm-b\\library\\fix-ips.ps1";
    static final String SMOKE = "\\\\vmm-b\\library\\smoke-test.ps1";
    static final String DNS = "\\\\vmm-b\\library\\update-dns.ps1";
    static final String FAILBACK_PREP = "\\\\vmm-a\\library\\failback-prep.ps1";
    static final String CHECK_DB = "Confirm the databases are mounted";
    static final Duration WAIT = Duration.ofSeconds(30);
    /** What engines in these suites use: quick retries, so that a suite runs in seconds. */
    static final EngineOptions FAST = EngineOptions.builder().parallelism(4).maxAttempts(6)
            .backoff(Duration.ofMillis(1), Duration.ofMillis(4)).build();

    private static final AtomicInteger HUBS = new AtomicInteger();

    final Site primary = primarySite();
    final Site recovery = recoverySite();
    final FakeHostDriver hosts;
    /** Runs the scripts of both providers: every script of the plan succeeds unless a test swaps it. */
    volatile FakeScriptRunner scripts = scriptsExcept("");
    final Vault vault;
    final Provider siteA;
    final Provider siteB;
    final ReplicationSettings settings;
    private final URI hub = URI.create("local:dr-world-" + HUBS.incrementAndGet());
    private final List<Entry> log = new ArrayList<>();

    /**
     * One thing that ran, in the order it ran.
     *
     * @param server the server whose provider ran it (empty for manual actions)
     * @param host the host (a script's: the VMM server's name)
     * @param what the command's simple name, {@code "Script"} or {@code "Manual"}
     * @param subject the VM id of a host command, a script's path, a manual action's instructions
     * @param succeeded whether it succeeded (manual actions: always)
     */
    record Entry(String server, String host, String what, @Nullable String subject, boolean succeeded) {
    }

    DrWorld() {
        this(defaultSettings().build(), Clock.systemUTC(), Clock.systemUTC());
    }

    DrWorld(ReplicationSettings settings) {
        this(settings, Clock.systemUTC(), Clock.systemUTC());
    }

    DrWorld(ReplicationSettings settings, Clock vaultClock, Clock hostClock) {
        this(settings, vaultClock, hostClock, 0);
    }

    /** With {@code initialReplicationPolls}: status reads an initial copy over the network takes to complete. */
    DrWorld(ReplicationSettings settings, Clock vaultClock, Clock hostClock, int initialReplicationPolls) {
        this.settings = settings;
        this.hosts = FakeHostDriver.builder().clock(hostClock).sites(primary, recovery)
                .initialReplicationPolls(initialReplicationPolls).build();
        this.vault = Vault.create(VaultOptions.builder("DR suite", "westeurope").clock(vaultClock).transport(hub)
                .engineOptions(FAST).build());
        this.siteA = provider("vmm-a.contoso.local", primary);
        this.siteB = provider("vmm-b.contoso.local", recovery);
        vault.jobs().addListener((event, state, progress) -> {
            if (event instanceof JobEvent.TaskWaiting w) {
                record(new Entry("", "", "Manual", w.instructions(), true));
            }
        });
        Secret key = vault.servers().generateRegistrationKey().encoded();
        siteA.register(key, RegistrationOptions.defaults());
        siteB.register(key, RegistrationOptions.defaults());
        siteA.connect();
        siteB.connect();
    }

    /** A script runner on which every script of the plan but {@code except} succeeds; script it further. */
    static FakeScriptRunner scriptsExcept(String except) {
        FakeScriptRunner runner = new FakeScriptRunner();
        for (String path : List.of(DRAIN, FIX_IPS, SMOKE, DNS, FAILBACK_PREP)) {
            if (!path.equals(except)) {
                runner.succeed(path);
            }
        }
        return runner;
    }

    /** The pairing's settings: 5 minutes, 4 extra points, app-consistent every 2 hours, certificate on 8084. */
    static ReplicationSettings.Builder defaultSettings() {
        return ReplicationSettings.builder().copyFrequency(CopyFrequency.FIVE_MINUTES).additionalRecoveryPoints(4)
                .appConsistentFrequencyHours(2);
    }

    private Provider provider(String name, Site site) {
        String server = site.id();
        ScriptRunner runner = (path, timeout) -> {
            CommandResult result = scripts.run(path, timeout);
            record(new Entry(server, site.name(), "Script", path, result.succeeded()));
            return result;
        };
        return Provider.builder(name, () -> site).scriptRunner(runner).hostDriver(request -> {
            CommandResult result = hosts.execute(request);
            record(new Entry(request.serverId(), request.host(), request.command().getClass().getSimpleName(),
                    request.command().vmId(), result.succeeded()));
            return result;
        }).vault(hub).build();
    }

    private void record(Entry entry) {
        synchronized (log) {
            log.add(entry);
        }
    }

    /** Everything that ran, in order. */
    List<Entry> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** Positions in {@link #log()} of the successful entries that match. */
    List<Integer> positions(Predicate<Entry> matching) {
        List<Entry> all = log();
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).succeeded() && matching.test(all.get(i))) {
                at.add(i);
            }
        }
        return at;
    }

    /** Position of the first successful {@code command} about {@code vmId}; -1 if none. */
    int first(String command, String vmId) {
        List<Integer> at = positions(e -> e.what().equals(command) && vmId.equals(e.subject()));
        return at.isEmpty() ? -1 : at.get(0);
    }

    /** Position of the last successful {@code command} about {@code vmId}; -1 if none. */
    int last(String command, String vmId) {
        List<Integer> at = positions(e -> e.what().equals(command) && vmId.equals(e.subject()));
        return at.isEmpty() ? -1 : at.get(at.size() - 1);
    }

    /** Position of the first successful run of the script at {@code path}; -1 if none. */
    int script(String path) {
        List<Integer> at = positions(e -> e.what().equals("Script") && path.equals(e.subject()));
        return at.isEmpty() ? -1 : at.get(0);
    }

    /** Successful entries whose command is one of {@code commands}. */
    List<Entry> ran(Set<String> commands) {
        return log().stream().filter(e -> e.succeeded() && commands.contains(e.what())).toList();
    }

    // ---------------------------------------------------------------------------------------------- jobs

    /** Waits until the job ends or waits for a manual action. */
    Job settle(JobHandle job) {
        try {
            return job.awaitSettled(WAIT).job();
        } catch (JobTimeoutException e) {
            throw new AssertionError("job " + job.id() + " did not settle: " + job.poll(), e);
        }
    }

    /** Waits for the job, resuming each manual action it waits for with {@code comment}, until it ends. */
    Job finish(JobHandle handle, String comment) {
        Job job = settle(handle);
        while (job.state() == JobState.WAITING_FOR_ACTION) {
            handle.resume(comment);
            job = settle(handle);
        }
        return job;
    }

    /** {@link #finish} and asserts the job SUCCEEDED. */
    Job succeed(JobHandle handle) {
        Job job = finish(handle, "done by the suite");
        assertEquals(JobState.SUCCEEDED, job.state(), () -> "job " + job + " errors " + job.errors() + " tasks "
                + job.tasks());
        return job;
    }

    /** Pairs Gold with GoldDR. */
    DrWorld pair() {
        succeed(vault.pairings().pair(CloudPairing.of(GOLD, B, "GoldDR", settings)));
        return this;
    }

    /** Maps Corp to CorpDR and storage Gold-SSD to DR-SSD. */
    DrWorld map() {
        succeed(vault.mappings().mapNetwork(new NetworkMapping(A, "Corp", B, "CorpDR")));
        succeed(vault.mappings().mapStorage(new StorageMapping(A, "Gold-SSD", B, "DR-SSD")));
        return this;
    }

    DrWorld protect(String... vmIds) {
        succeed(vault.protectedVms().enable(GOLD, List.of(vmIds)));
        return this;
    }

    /** Paired, mapped, and the plan's VMs protected. */
    DrWorld ready() {
        return pair().map().protect(PLAN_VMS.toArray(String[]::new));
    }

    /**
     * Saves the three-group plan {@value #PLAN}: db2 waits for db1, app2 for app1; actions:
     * <ul>
     *   <li>before shutdown: script "Drain LB" (primary side), planned and unplanned, primary to recovery only;</li>
     *   <li>after failover: script "Fix IPs" (recovery side), every kind, primary to recovery only;</li>
     *   <li>before group 1: script "Failback prep" (primary side), every kind, recovery to primary only;</li>
     *   <li>after group 1: script "Smoke test" (recovery side), test failovers only;</li>
     *   <li>before group 2: manual "Check DB", planned and unplanned, both directions;</li>
     *   <li>after group 3: script "Update DNS" (recovery side), planned and unplanned, both directions.</li>
     * </ul>
     */
    RecoveryPlan savePlan() {
        RecoveryPlan plan = plan(PLAN, GROUPS).addDependency(DB2, DB1).addDependency(APP2, APP1)
                .addAction(Slot.beforeShutdown(), PlanAction.script("Drain LB", DRAIN, ScriptSide.PRIMARY)
                        .withKinds(FailoverKind.PLANNED, FailoverKind.UNPLANNED)
                        .withDirections(FailoverDirection.PRIMARY_TO_RECOVERY))
                .addAction(Slot.afterFailover(), PlanAction.script("Fix IPs", FIX_IPS, ScriptSide.RECOVERY)
                        .withDirections(FailoverDirection.PRIMARY_TO_RECOVERY))
                .addAction(Slot.beforeGroup(1), PlanAction.script("Failback prep", FAILBACK_PREP,
                        ScriptSide.PRIMARY).withDirections(FailoverDirection.RECOVERY_TO_PRIMARY))
                .addAction(Slot.afterGroup(1), PlanAction.script("Smoke test", SMOKE, ScriptSide.RECOVERY)
                        .withKinds(FailoverKind.TEST))
                .addAction(Slot.beforeGroup(2), PlanAction.manual("Check DB", CHECK_DB)
                        .withKinds(FailoverKind.PLANNED, FailoverKind.UNPLANNED))
                .addAction(Slot.afterGroup(3), PlanAction.script("Update DNS", DNS, ScriptSide.RECOVERY)
                        .withKinds(FailoverKind.PLANNED, FailoverKind.UNPLANNED))
                .build();
        vault.plans().save(plan);
        return plan;
    }

    /** A plan builder with {@code groups} (group 1 first), no dependencies and no actions. */
    RecoveryPlan.Builder plan(String name, List<List<String>> groups) {
        RecoveryPlan.Builder b = RecoveryPlan.builder(name, A, B, vault.plans().planContext());
        for (int g = 1; g <= groups.size(); g++) {
            if (g > 1) {
                b.addGroup();
            }
            b.addVms(g, groups.get(g - 1));
        }
        return b;
    }

    ProtectedVm protectedVm(String vmId) {
        return vault.configuration().protection().protectedVm(vmId)
                .orElseThrow(() -> new AssertionError(vmId + " is not protected"));
    }

    FakeVm fake(String vmId) {
        return hosts.vm(vmId);
    }

    /** The replica host the vault placed {@code vmId}'s replica on. */
    String replicaHost(String vmId) {
        return protectedVm(vmId).replicaHost();
    }

    /** The host {@code vmId} runs on at the primary site. */
    String primaryHost(String vmId) {
        return primary.vm(vmId).orElseThrow().host();
    }

    /** Simple names of the successful commands about {@code vmId} from {@code since} on ({@link #log()} position). */
    List<String> commandsSince(int since, String vmId) {
        List<Entry> all = log();
        return all.subList(Math.min(since, all.size()), all.size()).stream()
                .filter(e -> e.succeeded() && vmId.equals(e.subject())).map(Entry::what).toList();
    }

    @Override
    public void close() {
        siteA.close();
        siteB.close();
        vault.close();
        LocalTransport.forUri(hub).close();
    }

    // ---------------------------------------------------------------------------------------------- inventories

    private static Site primarySite() {
        Site.Builder b = Site.builder(A, "vmm-a.contoso.local").vmmVersion(VmmVersion.SC2012_R2)
                .hostGroup(HostGroup.of("Production")).hostGroup(HostGroup.of("Lab"))
                .host(Host.of(HV01, WindowsServerVersion.WS2012_R2, "Production"))
                .host(Host.of(HV02, WindowsServerVersion.WS2012_R2, "Production"))
                .host(Host.of(HV03, WindowsServerVersion.WS2012_R2, "Lab"))
                .logicalNetwork(new LogicalNetwork("Datacenter"))
                .vmNetwork(new VmNetwork("Corp", "Datacenter")).vmNetwork(new VmNetwork("Lab", "Datacenter"))
                .storageClassification(new StorageClassification("Gold-SSD", Set.of(HV01, HV02)))
                .cloud(Cloud.hyperV("Gold", List.of("Production"), List.of("Datacenter")))
                .cloud(Cloud.hyperV("Silver", List.of("Lab"), List.of("Datacenter")));
        for (String vm : PLAN_VMS) {
            b.vm(Vm.builder(vm, vm.substring(3) + "-01").host(vm.startsWith("vm-db") ? HV02 : HV01).nic("Corp")
                    .disk("C:\\VMs\\" + vm + ".vhdx", "Gold-SSD").build());
        }
        b.vm(Vm.builder(ISO, "iso-01").host(HV01).nic("Corp").nic("Lab").build());
        b.vm(Vm.builder(LEGACY, "legacy-01").host(HV02).nic("Corp")
                .observedReplication(new ObservedReplication(HV12, 300, 4, 2, true, "Certificate", 8084)).build());
        b.vm(Vm.builder(LEGACY_MISMATCH, "legacy-02").host(HV02).nic("Corp")
                .observedReplication(new ObservedReplication(HV12, 300, 1, 0, false, "Certificate", 8084)).build());
        return b.build();
    }

    private static Site recoverySite() {
        return Site.builder(B, "vmm-b.fabrikam.local").vmmVersion(VmmVersion.SC2012_R2)
                .hostGroup(HostGroup.of("Recovery"))
                .host(Host.of(HV11, WindowsServerVersion.WS2012_R2, "Recovery"))
                .host(Host.of(HV12, WindowsServerVersion.WS2012_R2, "Recovery"))
                .logicalNetwork(new LogicalNetwork("DR-Datacenter"))
                .vmNetwork(new VmNetwork("CorpDR", "DR-Datacenter"))
                .vmNetwork(new VmNetwork("CorpDR2", "DR-Datacenter"))
                .vmNetwork(new VmNetwork("TestNet", "DR-Datacenter"))
                .storageClassification(new StorageClassification("DR-SSD", Set.of(HV11, HV12)))
                .storageClassification(new StorageClassification("DR-HDD", Set.of(HV11, HV12)))
                .cloud(Cloud.hyperV("GoldDR", List.of("Recovery"), List.of("DR-Datacenter")))
                .build();
    }

    /** Every host command a failover sends to the side it fails over to. */
    static final Set<String> RECOVERY_SIDE_COMMANDS = Set.of(HostCommand.Failover.class.getSimpleName(),
            HostCommand.StartVm.class.getSimpleName(), HostCommand.ConnectNetworkAdapter.class.getSimpleName());
}
