package dev.secondsite.hyperv.sim;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.HostGroup;
import dev.secondsite.core.inventory.LogicalNetwork;
import dev.secondsite.core.inventory.PowerState;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.StorageClassification;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.inventory.VmNetwork;
import dev.secondsite.core.inventory.VmmVersion;
import dev.secondsite.core.inventory.WindowsServerVersion;
import dev.secondsite.hyperv.PowerShell;
import dev.secondsite.hyperv.PowerShellInvocation;
import dev.secondsite.hyperv.PowerShellResult;
import dev.secondsite.hyperv.sim.lang.CmdletException;
import dev.secondsite.hyperv.sim.lang.CmdletException.ErrorCategory;
import dev.secondsite.hyperv.sim.lang.JsonFlavor;
import dev.secondsite.hyperv.sim.lang.PowerShellInterpreter;
import dev.secondsite.hyperv.sim.lang.PsObject;
import dev.secondsite.hyperv.sim.lang.RemoteSessions;
import dev.secondsite.hyperv.sim.lang.ScriptFiles;
import dev.secondsite.hyperv.sim.model.Faults;
import dev.secondsite.hyperv.sim.model.HyperVModel;
import dev.secondsite.hyperv.sim.model.ModelCmdlets;
import dev.secondsite.hyperv.sim.model.ReplicaServerSettings;
import dev.secondsite.hyperv.sim.model.SideEffect;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.annotation.Nullable;

/**
 * A simulated Hyper-V fabric: VMM servers with their clouds, hosts and VMs, and Hyper-V Replica between the hosts,
 * in memory. It implements {@link PowerShell} by running the driver's very invocations through the simulator's
 * interpreter ({@link PowerShellInterpreter}, given every cmdlet of {@link ModelCmdlets}) as a process on a VMM
 * server would, reaching hosts through {@code Invoke-Command} ({@link #remoteSessions()}: known hosts answer, unknown
 * or faulted ones are refused as WinRM would).
 *
 * <p>Describe the fabric with {@link #builder()}: sites as core {@link Site}s (each site's name is its VMM server's
 * computer name; its hosts and VMs are seeded from it), or generated ones ({@link Builder#generate}). Tests observe
 * it through {@link #site(String)} (the inventory now, as the VMM reader would sync it), {@link #sideEffects()}
 * (every change in order, to assert "exactly once"), {@link #model()} and {@link #faults()}; the clock is injected
 * (e.g. a {@link dev.secondsite.hyperv.sim.model.SettableClock}) and recovery points advance when it does.
 *
 * <p>Thread-safe: several invocations may run at once; injected latency is waited without holding any lock.
 */
public final class SimulatedFabric implements PowerShell {
    private final HyperVModel model;
    private final PowerShellInterpreter interpreter;
    private final String defaultServer;
    private final RemoteSessions sessions;
    // RP8's script library: server key -> path key -> file; paths ignore case as Windows' do
    private final Map<String, Map<String, ScriptFiles.ScriptFile>> scripts = new ConcurrentHashMap<>();
    private final List<ScriptRun> scriptRuns = new CopyOnWriteArrayList<>();

    /**
     * One run of a library script: the VMM server it ran on and its path exactly as the process asked for it.
     *
     * <p>Immutable and thread-safe.
     */
    public record ScriptRun(String server, String path) {
        public ScriptRun {
            requireNonNull(server, "server");
            requireNonNull(path, "path");
        }
    }

    private SimulatedFabric(Builder b) {
        this.model = new HyperVModel(b.clock, b.faults, b.initialReplicationDuration, b.initialReplicationPolls);
        List<Site> sites = new ArrayList<>(b.sites);
        for (Generation g : b.generations) {
            sites.addAll(g.sites());
        }
        if (sites.isEmpty()) {
            throw new IllegalStateException("a simulated fabric needs at least one site (builder().site(...) or "
                    + "generate(...))");
        }
        sites.forEach(model::addSite);
        b.seeds.forEach(seed -> seed.accept(model));
        this.defaultServer = b.defaultServer != null ? b.defaultServer : sites.get(0).name();
        if (!model.isVmmServer(defaultServer)) {
            throw new IllegalStateException("defaultServer " + defaultServer + " is not a VMM server of the fabric "
                    + model.serverNames());
        }
        this.sessions = this::openSession;
        b.scripts.forEach(seed -> seed.accept(this));
        PowerShellInterpreter.Builder ib = PowerShellInterpreter.builder().remoteSessions(sessions)
                .jsonFlavor(b.jsonFlavor).scriptFiles(this::findScript);
        ModelCmdlets.all(model).forEach(ib::cmdlet);
        this.interpreter = ib.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs {@code invocation} as a PowerShell process on the default VMM server (the first site's, unless
     * {@link Builder#defaultServer} chose another).
     */
    @Override
    public PowerShellResult run(PowerShellInvocation invocation) throws InterruptedException {
        return runOn(defaultServer, invocation);
    }

    /**
     * A {@link PowerShell} whose processes run on VMM server {@code serverName} (the provider of that site uses it).
     *
     * @throws IllegalArgumentException when the fabric has no such VMM server
     */
    public PowerShell on(String serverName) {
        if (!model.isVmmServer(serverName)) {
            throw new IllegalArgumentException("no VMM server " + serverName + " in the fabric; servers: "
                    + model.serverNames());
        }
        return invocation -> runOn(serverName, invocation);
    }

    private PowerShellResult runOn(String server, PowerShellInvocation invocation) throws InterruptedException {
        requireNonNull(invocation, "invocation");
        Duration delay = model.faults().latencyOf(server);
        if (!delay.isZero()) {
            TimeUnit.NANOSECONDS.sleep(delay.toNanos());
        }
        return interpreter.run(invocation, server);
    }

    /**
     * Puts a script file at {@code path} on VMM server {@code server} (replacing one there), for a plan's script
     * action (RP8): the driver's RunScript runs it with {@code & <path>}; its {@code exit n} is the process's exit
     * code, its {@code Write-Error} records its standard error, and a {@code runTime} above the run's timeout gets
     * the process killed as timed out. Paths compare ignoring case, as Windows' do.
     *
     * @param text the script's PowerShell (of docs/powershell-subset.md; parsed when it runs)
     * @param runTime how long it runs (simulated, never waited for)
     * @throws IllegalArgumentException for an unknown VMM server or a negative run time
     */
    public void addScript(String server, String path, String text, Duration runTime) {
        requireNonNull(path, "path");
        ScriptFiles.ScriptFile file = new ScriptFiles.ScriptFile(text, runTime);
        if (!model.isVmmServer(server)) {
            throw new IllegalArgumentException("no VMM server " + server + " in the fabric; servers: "
                    + model.serverNames());
        }
        scripts.computeIfAbsent(key(server), k -> new ConcurrentHashMap<>()).put(key(path), file);
    }

    /** Every library script run so far (found and started), in order. */
    public List<ScriptRun> scriptRuns() {
        return List.copyOf(scriptRuns);
    }

    private @Nullable ScriptFiles.ScriptFile findScript(String computer, String path) {
        Map<String, ScriptFiles.ScriptFile> files = scripts.get(key(computer));
        ScriptFiles.ScriptFile file = files == null ? null : files.get(key(path));
        if (file != null) {
            scriptRuns.add(new ScriptRun(computer, path));
        }
        return file;
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** What {@code Invoke-Command -ComputerName} reaches in this fabric. */
    public RemoteSessions remoteSessions() {
        return sessions;
    }

    private void openSession(String computer, @Nullable PsObject credential, boolean useSsl, int port)
            throws CmdletException {
        if (!model.knows(computer)) {
            throw new CmdletException(ErrorCategory.OpenError, "NetworkPathNotFound,PSSessionStateBroken",
                    "Connecting to remote server " + computer + " failed with the following error message : WinRM "
                            + "cannot process the request. The following error occurred while using Kerberos "
                            + "authentication: Cannot find the computer " + computer + ". Verify that the computer "
                            + "exists on the network and that the name provided is spelled correctly.");
        }
        if (port != (useSsl ? 5986 : 5985)) {
            throw new CmdletException(ErrorCategory.OpenError, "CannotConnect,PSSessionStateBroken",
                    "Connecting to remote server " + computer + " failed with the following error message : WinRM "
                            + "cannot complete the operation: nothing listens on port " + port + " (WinRM listens on "
                            + "5985 for HTTP and 5986 for HTTPS).");
        }
        try {
            model.faults().beforeSession(computer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CmdletException(ErrorCategory.OperationStopped, "OperationStopped,PSSessionStateBroken",
                    "The connection to " + computer + " was interrupted.");
        }
    }

    /**
     * The inventory of VMM server {@code serverName} now (see {@link HyperVModel#site}).
     *
     * @throws IllegalArgumentException for an unknown server
     */
    public Site site(String serverName) {
        return model.site(serverName);
    }

    /** The names of the fabric's VMM servers, sorted. */
    public List<String> serverNames() {
        return model.serverNames();
    }

    /** Every change the fabric's cmdlets made, in order. */
    public List<SideEffect> sideEffects() {
        return model.sideEffects();
    }

    /** The changes about VM {@code vmName} (ignoring case), in order. */
    public List<SideEffect> sideEffectsFor(String vmName) {
        return sideEffects().stream().filter(e -> e.vmName().equalsIgnoreCase(vmName)).toList();
    }

    /** How many times {@code cmdlet} changed VM {@code vmName} on {@code host}. */
    public long count(String host, String cmdlet, String vmName) {
        return sideEffects().stream().filter(e -> e.host().equalsIgnoreCase(host) && e.cmdlet().equalsIgnoreCase(cmdlet)
                && e.vmName().equalsIgnoreCase(vmName)).count();
    }

    /**
     * A site disaster on {@code host}: its VMs go off and WinRM to it fails (transiently, as an unreachable host
     * does) until {@link #hostUp}.
     *
     * @throws IllegalArgumentException for an unknown host
     */
    public void hostDown(String host) {
        model.powerOffAll(host);
        model.faults().failAlways(host, dev.secondsite.hyperv.sim.model.FaultKind.WINRM_UNREACHABLE);
    }

    /** {@code host} answers again (its faults are cleared; its VMs stay off). */
    public void hostUp(String host) {
        model.faults().clear(host);
    }

    public HyperVModel model() {
        return model;
    }

    public Faults faults() {
        return model.faults();
    }

    public Clock clock() {
        return model.clock();
    }

    /**
     * A generated pair of sites per {@code pair}: a primary VMM server {@code vmm<p>-a.sim.local} with
     * {@code hostsPerSite} Windows Server 2022 hosts in two host groups, clouds {@code Gold-<p>a} and
     * {@code Silver-<p>a}, VM networks and storage classifications, and {@code vmsPerPrimarySite} VMs spread over its
     * hosts; and a recovery VMM server {@code vmm<p>-b.sim.local} of the same shape without VMs. Names, ids, hosts,
     * power states and adapters come from a {@link Random} seeded with {@code seed}.
     *
     * <p>Immutable and thread-safe.
     */
    record Generation(int pairs, int hostsPerSite, int vmsPerPrimarySite, long seed) {
        Generation {
            if (pairs < 1 || hostsPerSite < 1 || vmsPerPrimarySite < 0) {
                throw new IllegalArgumentException("generate(" + pairs + ", " + hostsPerSite + ", "
                        + vmsPerPrimarySite + "): pairs and hostsPerSite must be at least 1, VMs not negative");
            }
        }

        List<Site> sites() {
            Random random = new Random(seed);
            List<Site> out = new ArrayList<>();
            for (int p = 0; p < pairs; p++) {
                out.add(site(p, "a", vmsPerPrimarySite, random));
                out.add(site(p, "b", 0, random));
            }
            return out;
        }

        private Site site(int p, String side, int vms, Random random) {
            String tag = p + side;
            String domain = ".sim.local";
            Site.Builder b = Site.builder("site-" + tag, "vmm" + p + "-" + side + domain)
                    .vmmVersion(VmmVersion.SC2022);
            b.hostGroup(HostGroup.of("HG1-" + tag)).hostGroup(HostGroup.of("HG2-" + tag));
            List<String> hosts = new ArrayList<>();
            for (int h = 0; h < hostsPerSite; h++) {
                String host = "hv" + h + "-" + tag + domain;
                hosts.add(host);
                b.host(Host.of(host, WindowsServerVersion.WS2022, (h % 2 == 0 ? "HG1-" : "HG2-") + tag));
            }
            b.logicalNetwork(new LogicalNetwork("LN-" + tag));
            b.vmNetwork(new VmNetwork("Corp-" + tag, "LN-" + tag)).vmNetwork(new VmNetwork("Backup-" + tag, "LN-" + tag));
            b.storageClassification(new StorageClassification("Fast-" + tag, Set.copyOf(hosts)));
            b.storageClassification(new StorageClassification("Slow-" + tag, Set.copyOf(hosts)));
            b.cloud(Cloud.hyperV("Gold-" + tag, List.of("HG1-" + tag), List.of("LN-" + tag)));
            b.cloud(Cloud.hyperV("Silver-" + tag, hostsPerSite > 1 ? List.of("HG2-" + tag) : List.of("HG1-" + tag),
                    List.of("LN-" + tag)));
            for (int i = 0; i < vms; i++) {
                String name = String.format("vm-%d-%05d", p, i);
                Vm.Builder vm = Vm.builder(new UUID(random.nextLong(), random.nextLong()).toString(), name)
                        .host(hosts.get(random.nextInt(hosts.size())))
                        .powerState(random.nextInt(10) == 0 ? PowerState.OFF : PowerState.RUNNING)
                        .nic("Corp-" + tag);
                if (random.nextInt(4) == 0) {
                    vm.nic("Backup-" + tag);
                }
                vm.disk("C:\\ClusterStorage\\Volume1\\" + name + "\\" + name + ".vhdx",
                        random.nextBoolean() ? "Fast-" + tag : "Slow-" + tag);
                b.vm(vm.build());
            }
            return b.build();
        }
    }

    /** Collects the description of a fabric. Not thread-safe. */
    public static final class Builder {
        private final List<Site> sites = new ArrayList<>();
        private final List<Generation> generations = new ArrayList<>();
        private final List<Consumer<HyperVModel>> seeds = new ArrayList<>();
        private final List<Consumer<SimulatedFabric>> scripts = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private Faults faults = new Faults();
        private Duration initialReplicationDuration = Duration.ZERO;
        private int initialReplicationPolls;
        private JsonFlavor jsonFlavor = JsonFlavor.WINDOWS_POWERSHELL_5_1;
        private @Nullable String defaultServer;

        private Builder() {
        }

        /** A VMM server named {@code site.name()} with the hosts, VMs and inventory of {@code site}. */
        public Builder site(Site site) {
            sites.add(requireNonNull(site, "site"));
            return this;
        }

        /**
         * Generated sites: {@code pairs} pairs of a primary VMM server with {@code vmsPerPrimarySite} VMs on
         * {@code hostsPerSite} hosts and an empty recovery VMM server of as many hosts; primary servers are named
         * {@code vmm<p>-a.sim.local}, recovery ones {@code vmm<p>-b.sim.local}, hosts {@code hv<h>-<p><a|b>.sim.local}.
         *
         * @throws IllegalArgumentException when {@code pairs} or {@code hostsPerSite} is below 1 or the VM count
         *     negative
         */
        public Builder generate(int pairs, int hostsPerSite, int vmsPerPrimarySite, long seed) {
            generations.add(new Generation(pairs, hostsPerSite, vmsPerPrimarySite, seed));
            return this;
        }

        /** The clock of recovery points and schedules; default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /** The fault injector to use (tests keep a reference to add faults later; {@link #faults()} gives it too). */
        public Builder faults(Faults faults) {
            this.faults = requireNonNull(faults, "faults");
            return this;
        }

        /** The same latency for every command on every computer (default zero); see {@link Faults#latency}. */
        public Builder latency(Duration latency) {
            faults.latency(latency);
            return this;
        }

        /** {@code host} configured as a replica server from the start. */
        public Builder replicaServer(String host, ReplicaServerSettings settings) {
            requireNonNull(host, "host");
            requireNonNull(settings, "settings");
            seeds.add(m -> m.configureReplicaServer(host, settings));
            return this;
        }

        /** A virtual switch {@code switchName} on {@code host} besides those of its site's VM networks. */
        public Builder virtualSwitch(String host, String switchName) {
            requireNonNull(host, "host");
            requireNonNull(switchName, "switchName");
            seeds.add(m -> m.addSwitch(host, switchName));
            return this;
        }

        /** A script file in VMM server {@code server}'s library that runs at once; see {@link SimulatedFabric#addScript}. */
        public Builder script(String server, String path, String text) {
            return script(server, path, text, Duration.ZERO);
        }

        /** A script file in VMM server {@code server}'s library; see {@link SimulatedFabric#addScript}. */
        public Builder script(String server, String path, String text, Duration runTime) {
            requireNonNull(server, "server");
            requireNonNull(path, "path");
            requireNonNull(text, "text");
            requireNonNull(runTime, "runTime");
            scripts.add(f -> f.addScript(server, path, text, runTime));
            return this;
        }

        /** How long an initial replication over the network takes on the clock; default zero. */
        public Builder initialReplicationDuration(Duration duration) {
            if (duration.isNegative()) {
                throw new IllegalArgumentException("initialReplicationDuration (" + duration + ") must not be "
                        + "negative");
            }
            this.initialReplicationDuration = duration;
            return this;
        }

        /** How many status reads see an initial replication in progress before it completes; default zero. */
        public Builder initialReplicationPolls(int polls) {
            if (polls < 0) {
                throw new IllegalArgumentException("initialReplicationPolls (" + polls + ") must not be negative");
            }
            this.initialReplicationPolls = polls;
            return this;
        }

        /** Which PowerShell's ConvertTo-Json the processes emulate; default Windows PowerShell 5.1. */
        public Builder jsonFlavor(JsonFlavor flavor) {
            this.jsonFlavor = requireNonNull(flavor, "flavor");
            return this;
        }

        /** The VMM server {@link SimulatedFabric#run} runs on; default the first site's. */
        public Builder defaultServer(String serverName) {
            this.defaultServer = requireNonNull(serverName, "serverName");
            return this;
        }

        /**
         * @throws IllegalStateException when there is no site, or the default server is not one of them
         * @throws IllegalArgumentException when a server or host is described twice, or a seed names an unknown
         *     host
         */
        public SimulatedFabric build() {
            return new SimulatedFabric(this);
        }
    }

    @Override
    public String toString() {
        return "SimulatedFabric" + model.serverNames();
    }

}
