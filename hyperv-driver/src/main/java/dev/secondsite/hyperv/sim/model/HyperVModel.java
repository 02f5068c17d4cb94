package dev.secondsite.hyperv.sim.model;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.inventory.NetworkAdapter;
import dev.secondsite.core.inventory.ObservedReplication;
import dev.secondsite.core.inventory.PowerState;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.VirtualDisk;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.inventory.WindowsServerVersion;
import dev.secondsite.hyperv.sim.lang.CmdletException;
import dev.secondsite.hyperv.sim.lang.CmdletException.ErrorCategory;
import dev.secondsite.hyperv.sim.model.HyperVEnums.AllowedAuthenticationType;
import dev.secondsite.hyperv.sim.model.HyperVEnums.AuthenticationType;
import dev.secondsite.hyperv.sim.model.HyperVEnums.ReplicationMode;
import dev.secondsite.hyperv.sim.model.HyperVEnums.ReplicationState;
import dev.secondsite.hyperv.sim.model.HyperVEnums.SnapshotType;
import dev.secondsite.hyperv.sim.model.HyperVEnums.VmState;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.annotation.Nullable;

/**
 * The in-memory Hyper-V Replica and VMM fabric: VMM servers (each with the static inventory of a core {@link Site}:
 * clouds, host groups, clusters, networks, storage classifications), their Hyper-V hosts with replica server
 * settings, and VMs. A VM is known by its id; it has copies on hosts (the primary or stand-alone VM, the replica VM
 * with the same id, and the test VM {@code "<name> - Test"} of a test failover), each with its own replication mode
 * and state as Get-VMReplication reports them on that host, power state and adapters.
 *
 * <h2>Time</h2>
 * Everything time-driven is computed from the injected {@link Clock} when a VM is next touched: a scheduled initial
 * replication starts at its time; an initial replication (or resynchronization) over the network completes once
 * {@code initialReplicationDuration} has passed and {@code initialReplicationPolls} status reads
 * (Get-/Measure-VMReplication) have seen it in progress; while replicating, a replication cycle every
 * ReplicationFrequencySec moves LastReplicationTime and the latest (standard) recovery point, and every full hour
 * since initial replication completed leaves an hourly recovery point, application-consistent every
 * VSSSnapshotFrequencyHour hours; the newest RecoveryHistory hourly points are kept besides the latest one
 * (C5: at most RecoveryHistory + 1 points).
 *
 * <h2>Commands</h2>
 * The package's cmdlets call the operations here with the host they run on; each checks Hyper-V's preconditions
 * and throws a {@link CmdletException} shaped like the real cmdlet's error before changing anything, or makes its
 * change and appends one {@link SideEffect} per VM changed.
 *
 * <h2>Choices where the public documentation is silent</h2>
 * During a test failover the replica keeps reading Replicating (the test VM {@code "<name> - Test"} has mode
 * TestReplica); after Complete-VMFailover the replica reads FailedOver until Set-VMReplication -Reverse; a planned
 * failover may be reversed straight from FailedOverWaitingCompletion or after Complete-VMFailover, and replication
 * then resumes at once (the old primary holds the same data); an unplanned one only after Complete-VMFailover, and
 * the old primary then needs a new initial replication. A scheduled initial replication leaves the primary
 * ReadyForInitialReplication until its time; Start-VMInitialReplication for the very time already scheduled changes
 * nothing (another time is refused). {@code Get-VMSnapshot -SnapshotType Replica} lists every recovery point (standard and
 * application-consistent; each object carries its own SnapshotType). Connect-VMNetworkAdapter accepts any switch
 * name for a test VM (the isolated test network is created on demand) and, for other VMs, the switches named after
 * the site's VM networks plus those added with {@link #addSwitch}.
 *
 * <p>Thread-safe: each VM is changed under its own lock; host settings are replaced atomically; no lock is held
 * while waiting for injected latency.
 */
public final class HyperVModel {
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration MAX_SCHEDULE = Duration.ofDays(7);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern DNS_NAME = Pattern.compile(
            "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    private final Clock clock;
    private final Faults faults;
    private final Duration initialReplicationDuration;
    private final int initialReplicationPolls;
    private final Map<String, VmmServer> servers = new ConcurrentHashMap<>();
    private final Map<String, SimHost> hosts = new ConcurrentHashMap<>();
    private final Map<String, Machine> machines = new ConcurrentHashMap<>();
    private final List<SideEffect> sideEffects = new ArrayList<>();

    /**
     * @param clock the clock of recovery points and schedules
     * @param faults the injected faults and latency the cmdlets and sessions consult
     * @param initialReplicationDuration how long an initial replication (or resynchronization) over the network
     *     takes on {@code clock}; zero completes it as soon as it starts (subject to the polls)
     * @param initialReplicationPolls how many status reads see it in progress before it completes
     * @throws IllegalArgumentException for a negative duration or poll count
     */
    public HyperVModel(Clock clock, Faults faults, Duration initialReplicationDuration, int initialReplicationPolls) {
        this.clock = requireNonNull(clock, "clock");
        this.faults = requireNonNull(faults, "faults");
        if (initialReplicationDuration.isNegative() || initialReplicationPolls < 0) {
            throw new IllegalArgumentException("initialReplicationDuration (" + initialReplicationDuration
                    + ") and initialReplicationPolls (" + initialReplicationPolls + ") must not be negative");
        }
        this.initialReplicationDuration = initialReplicationDuration;
        this.initialReplicationPolls = initialReplicationPolls;
    }

    public Clock clock() {
        return clock;
    }

    public Faults faults() {
        return faults;
    }

    // ============================================================================================== seeding

    /**
     * Adds a VMM server named {@code site.name()} with the inventory of {@code site}: its hosts (switches named after
     * the site's VM networks) and its VMs, stand-alone unless a VM reports existing replication (E3: then it is
     * replicating to the observed replica host, which is made a replica server). A VM whose id was seeded already
     * becomes a second copy of it on this host (e.g. a restored replica for {@code -AsReplica}).
     *
     * @throws IllegalArgumentException when the server or one of its hosts exists already
     */
    public void addSite(Site site) {
        String key = key(site.name());
        VmmServer server = new VmmServer(site);
        if (servers.putIfAbsent(key, server) != null) {
            throw new IllegalArgumentException("VMM server " + site.name() + " is added twice");
        }
        site.hosts().forEach(h -> {
            SimHost host = new SimHost(h.name(), site.name(), h.windowsServerVersion(), h.hostGroup(), h.cluster());
            site.vmNetworks().forEach(n -> host.switches.add(key(n.name())));
            if (hosts.putIfAbsent(key(h.name()), host) != null) {
                throw new IllegalArgumentException("host " + h.name() + " is in two sites");
            }
        });
        for (Vm vm : site.vms()) {
            seedVm(vm);
        }
        for (Vm vm : site.vms()) {
            vm.existingReplication().ifPresent(observed -> seedReplication(vm, observed));
        }
    }

    private void seedVm(Vm vm) {
        SimHost host = host(vm.host());
        Copy copy = new Copy(host.name, vm.name(), vm.id(), vmState(vm.powerState()));
        vm.networkAdapters().forEach(a -> copy.adapters.put(a.name(), a.vmNetwork()));
        copy.disks.addAll(vm.disks());
        Machine existing = machines.get(vm.id());
        if (existing == null) {
            Machine m = new Machine(vm.id(), vm.name());
            m.primary = copy;
            machines.put(vm.id(), m);
        } else {
            synchronized (existing) {
                if (existing.replica != null || existing.primary == null) {
                    throw new IllegalArgumentException("VM " + vm.id() + " is seeded more than twice");
                }
                if (existing.primary.host.equals(host.name)) {
                    throw new IllegalArgumentException("VM " + vm.id() + " is seeded twice on " + host.name);
                }
                existing.replica = copy;
            }
        }
        host.index(copy.name, machines.get(vm.id()));
    }

    private void seedReplication(Vm vm, ObservedReplication observed) {
        Machine m = machines.get(vm.id());
        SimHost replicaHost = hosts.get(key(observed.replicaHost()));
        if (replicaHost == null) {
            throw new IllegalArgumentException("VM " + vm.name() + " replicates to unknown host "
                    + observed.replicaHost());
        }
        AuthenticationType auth = AuthenticationType.parse(observed.authenticationType());
        if (auth == null) {
            throw new IllegalArgumentException("VM " + vm.name() + ": unknown authentication type "
                    + observed.authenticationType());
        }
        if (!replicaHost.replicaServer.replicationEnabled()) {
            replicaHost.replicaServer = ReplicaServerSettings.enabled(
                    AllowedAuthenticationType.valueOf(auth.name()), observed.replicaServerPort(),
                    auth == AuthenticationType.Certificate ? "0000000000000000000000000000000000000000" : null);
        }
        synchronized (m) {
            if (m.primary == null || !m.primary.host.equals(host(vm.host()).name)) {
                return; // the replica's own listing in the recovery site: seeded with its primary
            }
            m.rel = new Relationship(m.primary.host, replicaHost.name, observed.replicaServerPort(), auth,
                    auth == AuthenticationType.Certificate ? "0000000000000000000000000000000000000000" : null,
                    observed.replicationFrequencySec(), observed.recoveryHistory(),
                    observed.vssSnapshotFrequencyHour(), observed.compressionEnabled());
            if (m.replica == null) {
                m.replica = replicaCopy(m, replicaHost);
                replicaHost.index(m.name, m);
            }
            m.primary.mode = ReplicationMode.Primary;
            m.replica.mode = ReplicationMode.Replica;
            completeInitialReplication(m, clock.instant());
        }
    }

    /**
     * Sets {@code host}'s replica server settings (as Set-VMReplicationServer would, without a side effect).
     *
     * @throws IllegalArgumentException for an unknown host
     */
    public void configureReplicaServer(String host, ReplicaServerSettings settings) {
        host(host).replicaServer = requireNonNull(settings, "settings");
    }

    /**
     * Adds a virtual switch (VMM: a VM network) on {@code host}, e.g. an isolated network for test failovers.
     *
     * @throws IllegalArgumentException for an unknown host
     */
    public void addSwitch(String host, String switchName) {
        host(host).switches.add(key(switchName));
    }

    // ============================================================================================== observation

    /** Every change made so far, in order. */
    public List<SideEffect> sideEffects() {
        synchronized (sideEffects) {
            return List.copyOf(sideEffects);
        }
    }

    /** The names of the VMM servers. */
    public List<String> serverNames() {
        return servers.values().stream().map(s -> s.template.name()).sorted().toList();
    }

    /** The names of every host, sorted. */
    public List<String> hostNames() {
        return hosts.values().stream().map(h -> h.name).sorted().toList();
    }

    /** Whether {@code computer} is a known host or VMM server. */
    public boolean knows(String computer) {
        return hosts.containsKey(key(computer)) || servers.containsKey(key(computer));
    }

    /** Whether {@code computer} is a known VMM server. */
    public boolean isVmmServer(String computer) {
        return servers.containsKey(key(computer));
    }

    /**
     * The replica server settings of {@code host}.
     *
     * @throws IllegalArgumentException for an unknown host
     */
    public ReplicaServerSettings replicaServer(String host) {
        return host(host).replicaServer;
    }

    /**
     * What Hyper-V on {@code host} shows of the VM named {@code name}, or empty when there is none.
     *
     * @throws IllegalArgumentException for an unknown host
     */
    public Optional<VmCopy> vm(String host, String name) {
        SimHost h = host(host);
        for (Machine m : h.named(name)) {
            synchronized (m) {
                advance(m);
                Copy c = m.copyOn(h.name, name);
                if (c != null) {
                    return Optional.of(m.view(c));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The recovery points of the replica of VM {@code vmId}, oldest first (empty when it has none).
     *
     * @throws IllegalArgumentException for an unknown VM id
     */
    public List<ReplicaSnapshot> recoveryPoints(String vmId) {
        Machine m = machines.get(vmId);
        if (m == null) {
            throw new IllegalArgumentException("no VM with id " + vmId);
        }
        synchronized (m) {
            advance(m);
            return m.points();
        }
    }

    /**
     * The core inventory of VMM server {@code serverName} now: its static inventory plus every VM copy on its hosts
     * (primary, replica and test VMs) with their power states and connected networks; a primary copy that
     * replicates carries its {@link ObservedReplication}.
     *
     * @throws IllegalArgumentException for an unknown server
     */
    public Site site(String serverName) {
        VmmServer server = server(serverName);
        Site.Builder b = server.template.toBuilder();
        vmsOfServer(server).forEach(b::vm);
        return b.build();
    }

    private List<Vm> vmsOfServer(VmmServer server) {
        List<Vm> vms = new ArrayList<>();
        Set<String> serverHosts = server.hostNames();
        for (Machine m : machines.values()) {
            synchronized (m) {
                advance(m);
                boolean listed = false;
                for (Copy c : m.copies()) {
                    // one server may hold both copies of a VM (P2); its inventory lists the id once, primary first
                    if (serverHosts.contains(key(c.host)) && !(listed && c.id.equals(m.id))) {
                        listed |= c.id.equals(m.id);
                        vms.add(m.inventoryVm(c));
                    }
                }
            }
        }
        return vms;
    }

    // ============================================================================================== events

    /**
     * Hyper-V starts resynchronizing a Replicating VM on its own (after a replication error): both copies read
     * Resynchronizing until it completes like an initial replication.
     *
     * @throws IllegalArgumentException for an unknown VM id
     * @throws IllegalStateException when the VM is not Replicating
     */
    public void startResynchronization(String vmId) {
        Machine m = machines.get(vmId);
        if (m == null) {
            throw new IllegalArgumentException("no VM with id " + vmId);
        }
        synchronized (m) {
            advance(m);
            if (m.primary == null || m.primary.state != ReplicationState.Replicating) {
                throw new IllegalStateException("VM " + m.name + " is not Replicating");
            }
            beginResynchronization(m);
        }
    }

    /**
     * A host crashes (a site disaster): every VM on it is off afterwards, as it would be when the host comes back.
     * Its unreachability is a fault ({@link Faults#failAlways} with {@link FaultKind#WINRM_UNREACHABLE}), which
     * the fabric's {@code hostDown} adds.
     *
     * @throws IllegalArgumentException for an unknown host
     */
    public void powerOffAll(String host) {
        SimHost h = host(host);
        for (Machine m : h.all()) {
            synchronized (m) {
                for (Copy c : m.copies()) {
                    if (c.host.equals(h.name)) {
                        c.power = VmState.Off;
                    }
                }
            }
        }
    }

    // ============================================================================================== replica server

    /** The settings Set-VMReplicationServer changes; null fields stay as they are. */
    record ServerChange(@Nullable Boolean replicationEnabled, @Nullable AllowedAuthenticationType allowed,
                        @Nullable Boolean fromAnyServer, @Nullable Integer kerberosPort,
                        @Nullable Integer certificatePort, @Nullable String thumbprint,
                        @Nullable String defaultStorageLocation) {
    }

    void setReplicationServer(Op op, String host, ServerChange change) throws CmdletException {
        SimHost h = localHost(op, host);
        synchronized (h) {
            ReplicaServerSettings s = h.replicaServer;
            AllowedAuthenticationType allowed = change.allowed() != null ? change.allowed()
                    : s.allowedAuthenticationType();
            String thumbprint = change.thumbprint() != null ? change.thumbprint() : s.certificateThumbprint();
            boolean enabled = change.replicationEnabled() != null ? change.replicationEnabled()
                    : s.replicationEnabled();
            if (enabled && allowed != AllowedAuthenticationType.Kerberos && (thumbprint == null
                    || thumbprint.isBlank())) {
                throw op.error(ErrorCategory.InvalidArgument, "InvalidParameter", "The certificate-based "
                        + "authentication type (" + allowed + ") requires a certificate: specify "
                        + "-CertificateThumbprint.");
            }
            h.replicaServer = new ReplicaServerSettings(enabled, allowed,
                    change.fromAnyServer() != null ? change.fromAnyServer() : s.replicationAllowedFromAnyServer(),
                    change.kerberosPort() != null ? change.kerberosPort() : s.kerberosAuthenticationPort(),
                    change.certificatePort() != null ? change.certificatePort() : s.certificateAuthenticationPort(),
                    thumbprint,
                    change.defaultStorageLocation() != null ? change.defaultStorageLocation()
                            : s.defaultStorageLocation());
            record(op, h.name, "");
        }
    }

    ReplicaServerSettings replicationServer(Op op, String host) throws CmdletException {
        return localHost(op, host).replicaServer;
    }

    /** A cmdlet's work on one VM: its host's copy of the machine, locked and brought up to the clock's now first. */
    @FunctionalInterface
    private interface OnMachine<T> {
        T apply(SimHost h, Machine m) throws CmdletException;
    }

    /**
     * Runs {@code body} on the machine {@code vmName} of {@code host} under the machine's lock, after its
     * replication has caught up with the clock ({@link #advance}): every cmdlet that reads or changes a VM goes
     * through here, so none forgets either.
     */
    private <T> T onMachine(Op op, String host, String vmName, OnMachine<T> body) throws CmdletException {
        SimHost h = localHost(op, host);
        Machine m = machine(op, h, vmName);
        synchronized (m) {
            advance(m);
            return body.apply(h, m);
        }
    }

    // ============================================================================================== enable / set

    /** The replication settings of Enable-/Set-VMReplication; null fields are not given. */
    record Settings(@Nullable String replicaServerName, @Nullable Integer port, @Nullable AuthenticationType auth,
                    @Nullable String thumbprint, @Nullable Boolean compression, @Nullable Integer recoveryHistory,
                    @Nullable Integer vssHours, @Nullable Integer frequencySec, boolean disableVss) {
    }

    void enableReplication(Op op, String host, String vmName, Settings s) throws CmdletException {
        onMachine(op, host, vmName, (h, m) -> {
            Copy c = copy(op, m, h, vmName);
            if (c.mode != ReplicationMode.None || c == m.test) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "Hyper-V Replica is already "
                        + "enabled for virtual machine '" + vmName + "' (mode " + c.mode + ", state " + c.state + ").");
            }
            if (s.replicaServerName() == null || s.port() == null || s.auth() == null) {
                throw op.error(ErrorCategory.InvalidArgument, "InvalidParameter", "ReplicaServerName, "
                        + "ReplicaServerPort and AuthenticationType are required to enable replication.");
            }
            Relationship rel = new Relationship(h.name, s.replicaServerName(), s.port(), s.auth(), s.thumbprint(),
                    s.frequencySec() == null ? 300 : s.frequencySec(),
                    s.recoveryHistory() == null ? 0 : s.recoveryHistory(),
                    s.vssHours() == null ? 0 : s.vssHours(), s.compression() == null || s.compression());
            validate(op, h, rel);
            SimHost replicaHost = replicaServerFor(op, h, rel);
            Copy other = m.otherCopy(c);
            if (other != null && !(other.host.equals(replicaHost.name) && other.asReplica)) {
                throw op.error(ErrorCategory.ResourceExists, "ObjectExists", "A virtual machine with id " + m.id
                        + " already exists on " + other.host + "; enable it with -AsReplica on " + replicaHost.name
                        + " to use it as the replica.");
            }
            m.rel = rel;
            m.clearReplicationProgress();
            if (other == null) {
                m.replica = replicaCopy(m, replicaHost);
                replicaHost.index(m.name, m);
            } else {
                m.replica = other;
                m.primary = c;
            }
            m.existingReplica = other != null;
            m.primary.mode = ReplicationMode.Primary;
            m.primary.state = ReplicationState.ReadyForInitialReplication;
            m.replica.mode = ReplicationMode.Replica;
            m.replica.state = ReplicationState.WaitingForInitialReplication;
            m.replica.asReplica = false;
            record(op, h.name, vmName);
            return null;
        });
    }

    void enableAsReplica(Op op, String host, String vmName, @Nullable String allowedPrimary) throws CmdletException {
        SimHost h = localHost(op, host);
        Machine m = machine(op, h, vmName);
        synchronized (m) {
            Copy c = copy(op, m, h, vmName);
            if (c.mode != ReplicationMode.None || c == m.test) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "Hyper-V Replica is already "
                        + "enabled for virtual machine '" + vmName + "' (mode " + c.mode + ").");
            }
            if (!h.replicaServer.replicationEnabled()) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "The server " + h.name
                        + " is not configured as a Replica server: run Set-VMReplicationServer first.");
            }
            if (c.power != VmState.Off) {
                throw offRequired(op, vmName, c);
            }
            c.asReplica = true;
            c.mode = ReplicationMode.Replica;
            c.state = ReplicationState.WaitingForInitialReplication;
            c.allowedPrimary = allowedPrimary;
            if (m.primary == c) {
                m.primary = m.replica;
                m.replica = c;
            }
            record(op, h.name, vmName);
        }
    }

    void setReplication(Op op, String host, String vmName, Settings s, @Nullable OffsetDateTime startTime)
            throws CmdletException {
        onMachine(op, host, vmName, (h, m) -> {
            Copy c = copy(op, m, h, vmName);
            if (m.rel == null || c.mode != ReplicationMode.Primary) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", c.mode == ReplicationMode.Replica
                        ? "Replication settings of '" + vmName + "' can be changed only on its primary server ("
                        + (m.rel == null ? "none" : m.rel.primaryServer) + ")."
                        : "Replication is not enabled for virtual machine '" + vmName + "'.");
            }
            Relationship next = m.rel.with(s);
            if (s.replicaServerName() != null && !sameHost(s.replicaServerName(), m.rel.replicaServer)) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "The replica server of '"
                        + vmName + "' cannot be changed while replication is enabled (it is " + m.rel.replicaServer
                        + ").");
            }
            validate(op, h, next);
            replicaServerFor(op, h, next);
            Instant scheduled = null;
            if (startTime != null) {
                if (c.state != ReplicationState.ReadyForInitialReplication) {
                    throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "The initial replication of '"
                            + vmName + "' cannot be scheduled in state " + c.state + ".");
                }
                scheduled = checkSchedule(op, startTime);
            }
            m.rel = next;
            if (scheduled != null) {
                m.irStartsAt = scheduled;
            }
            record(op, h.name, vmName);
            return null;
        });
    }

    void reverseReplication(Op op, String host, String vmName, Settings s) throws CmdletException {
        onMachine(op, host, vmName, (h, m) -> {
            Copy c = copy(op, m, h, vmName);
            if (m.rel == null || c != m.replica) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "Reverse replication can be "
                        + "run only on the Replica virtual machine; '" + vmName + "' on " + h.name + " is "
                        + c.mode + ".");
            }
            // a planned failover left both copies in sync, and committing its point (the latest) changes nothing
            // about that: the core always commits before it reverses (FAILED_OVER -> COMMITTED -> REVERSE_REPLICATING)
            boolean planned = m.planned && (c.state == ReplicationState.FailedOverWaitingCompletion
                    || c.state == ReplicationState.FailedOver);
            if (!planned && c.state != ReplicationState.FailedOver) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", c.state
                        == ReplicationState.FailedOverWaitingCompletion ? "The failover of '" + vmName
                        + "' was not planned: complete it first (Complete-VMFailover)." : "Replication of '" + vmName
                        + "' can be reversed only after a failover (state " + c.state + ").");
            }
            Copy oldPrimary = m.primary;
            String newReplica = s.replicaServerName() != null ? s.replicaServerName()
                    : oldPrimary != null ? oldPrimary.host : m.rel.primaryServer;
            Relationship next = m.rel.with(s).reversed(h.name, newReplica);
            if (next.auth == AuthenticationType.Certificate && s.thumbprint() == null) {
                throw op.error(ErrorCategory.InvalidArgument, "InvalidParameter", "Reverse replication with "
                        + "certificate-based authentication requires -CertificateThumbprint.");
            }
            validate(op, h, next);
            SimHost replicaHost = replicaServerFor(op, h, next);
            Copy reuse = oldPrimary != null && oldPrimary.host.equals(replicaHost.name) ? oldPrimary : null;
            if (reuse != null && reuse.power != VmState.Off) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "The virtual machine '" + vmName
                        + "' on " + reuse.host + " must be turned off to become the replica (it is " + reuse.power
                        + ").");
            }
            boolean inSync = planned && reuse != null;
            m.rel = next;
            m.clearReplicationProgress();
            m.points.clear();
            m.primary = c;
            if (reuse == null) {
                if (oldPrimary != null) {
                    hosts.get(key(oldPrimary.host)).unindex(oldPrimary.name, m);
                }
                m.replica = replicaCopy(m, replicaHost);
                replicaHost.index(m.name, m);
            } else {
                m.replica = reuse;
            }
            m.primary.mode = ReplicationMode.Primary;
            m.replica.mode = ReplicationMode.Replica;
            m.planned = false;
            m.failoverPoint = null;
            // C10, F5: the old primary's copy stays as the replica, so -UseBackup may start from it
            m.existingReplica = reuse != null;
            if (inSync) {
                // F5: after a planned failover the old primary holds the same data, so replication resumes at once
                completeInitialReplication(m, clock.instant());
            } else {
                m.primary.state = ReplicationState.ReadyForInitialReplication;
                m.replica.state = ReplicationState.WaitingForInitialReplication;
            }
            record(op, h.name, vmName);
            return null;
        });
    }

    void setAsReplica(Op op, String host, String vmName, @Nullable String allowedPrimary) throws CmdletException {
        SimHost h = localHost(op, host);
        Machine m = machine(op, h, vmName);
        synchronized (m) {
            Copy c = copy(op, m, h, vmName);
            if (c.mode != ReplicationMode.Replica) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "'" + vmName + "' on " + h.name
                        + " is not a Replica virtual machine (mode " + c.mode + ").");
            }
            c.allowedPrimary = allowedPrimary;
            record(op, h.name, vmName);
        }
    }

    private void validate(Op op, SimHost h, Relationship r) throws CmdletException {
        String name = r.replicaServer;
        if (IPV4.matcher(name).matches() || name.contains(":") || !DNS_NAME.matcher(name).matches()) {
            throw op.error(ErrorCategory.InvalidArgument, "InvalidParameter", "The Replica server name '" + name
                    + "' is not valid: specify the fully qualified domain name of the Replica server, not an IP "
                    + "address.");
        }
        if (r.frequencySec != 30 && r.frequencySec != 300 && r.frequencySec != 900) {
            throw op.error(ErrorCategory.InvalidArgument, "InvalidParameter", "The replication frequency "
                    + r.frequencySec + " is not valid: ReplicationFrequencySec must be 30, 300 or 900 seconds.");
        }
        if (h.version == WindowsServerVersion.WS2012 && r.frequencySec != 300) {
            throw op.error(ErrorCategory.InvalidArgument, "InvalidParameter", "ReplicationFrequencySec ("
                    + r.frequencySec + ") is not supported on " + h.name + " (Windows Server 2012 replicates every "
                    + "300 seconds).");
        }
        int maxHistory = h.version == WindowsServerVersion.WS2012 ? 15 : 24;
        if (r.recoveryHistory < 0 || r.recoveryHistory > maxHistory) {
            throw op.error(ErrorCategory.InvalidArgument, "InvalidParameter", "RecoveryHistory ("
                    + r.recoveryHistory + ") must be within 0.." + maxHistory + " on " + h.name + ".");
        }
        if (r.vssHours != 0 && (r.vssHours < 1 || r.vssHours > 12)) {
            throw op.error(ErrorCategory.InvalidArgument, "InvalidParameter", "VSSSnapshotFrequencyHour ("
                    + r.vssHours + ") must be within 1..12.");
        }
        if (r.vssHours > 0 && r.recoveryHistory == 0) {
            throw op.error(ErrorCategory.InvalidArgument, "InvalidParameter", "VSSSnapshotFrequencyHour ("
                    + r.vssHours + ") can be set only when RecoveryHistory is greater than 0 (it is 0).");
        }
        if (r.auth == AuthenticationType.Certificate && (r.thumbprint == null || r.thumbprint.isBlank())) {
            throw op.error(ErrorCategory.InvalidArgument, "InvalidParameter", "Certificate-based authentication "
                    + "requires a certificate: specify -CertificateThumbprint.");
        }
        if (r.auth == AuthenticationType.Kerberos && r.thumbprint != null) {
            throw op.error(ErrorCategory.InvalidArgument, "InvalidParameter", "-CertificateThumbprint cannot be used "
                    + "with Kerberos authentication.");
        }
        if (r.port < 1 || r.port > 65535) {
            throw op.error(ErrorCategory.InvalidArgument, "InvalidParameter", "ReplicaServerPort (" + r.port
                    + ") must be within 1..65535.");
        }
    }

    private SimHost replicaServerFor(Op op, SimHost primary, Relationship r) throws CmdletException {
        SimHost replica = hosts.get(key(r.replicaServer));
        if (replica == null) {
            throw op.error(ErrorCategory.InvalidArgument, "InvalidParameter", "Hyper-V could not connect to the "
                    + "Replica server '" + r.replicaServer + "': the server name could not be resolved.");
        }
        if (replica == primary) {
            throw op.error(ErrorCategory.InvalidArgument, "InvalidParameter", "The Replica server '"
                    + r.replicaServer + "' must not be the primary server.");
        }
        ReplicaServerSettings s = replica.replicaServer;
        int port = r.auth == AuthenticationType.Kerberos ? s.kerberosAuthenticationPort()
                : s.certificateAuthenticationPort();
        if (!s.replicationEnabled() || !s.allowedAuthenticationType().accepts(r.auth) || port != r.port) {
            throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "The Replica server '" + replica.name
                    + "' does not accept " + r.auth + " authentication on port " + r.port + " (replication "
                    + (s.replicationEnabled() ? "enabled: " + s.allowedAuthenticationType() + ", Kerberos port "
                    + s.kerberosAuthenticationPort() + ", certificate port " + s.certificateAuthenticationPort()
                    : "not enabled") + ").");
        }
        return replica;
    }

    // ============================================================================================== initial replication

    void startInitialReplication(Op op, String host, String vmName, @Nullable String destinationPath,
                                 @Nullable OffsetDateTime startTime, boolean useBackup) throws CmdletException {
        onMachine(op, host, vmName, (h, m) -> {
            Copy c = copy(op, m, h, vmName);
            if (c != m.primary || m.rel == null) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "Initial replication can be "
                        + "started only on the primary virtual machine; '" + vmName + "' on " + h.name + " is "
                        + c.mode + ".");
            }
            if (c.state == ReplicationState.ReadyForInitialReplication && m.irStartsAt != null && startTime != null
                    && destinationPath == null && !useBackup && checkSchedule(op, startTime).equals(m.irStartsAt)) {
                // scheduled already for this very time (Get-VMReplication shows no schedule, so a re-sent command
                // cannot see it): nothing changes
                return null;
            }
            if (c.state != ReplicationState.ReadyForInitialReplication || m.irStartsAt != null) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "Initial replication of '"
                        + vmName + "' cannot start: it is " + c.state + (m.irStartsAt != null ? " (scheduled at "
                        + m.irStartsAt + ")" : "") + ".");
            }
            if (useBackup && destinationPath != null) {
                throw op.error(ErrorCategory.InvalidArgument, "InvalidParameter", "-UseBackup and -DestinationPath "
                        + "cannot be used together.");
            }
            if (useBackup && !m.existingReplica) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "-UseBackup needs an existing "
                        + "replica of '" + vmName + "' on " + m.replica.host + " enabled with -AsReplica.");
            }
            if (destinationPath != null && !isAbsolute(destinationPath)) {
                throw op.error(ErrorCategory.InvalidArgument, "InvalidParameter", "The export path '"
                        + destinationPath + "' must be an absolute path.");
            }
            Instant scheduled = startTime == null ? null : checkSchedule(op, startTime);
            if (destinationPath != null) {
                m.exportFolder = m.name + "_" + m.id;
                m.primary.state = ReplicationState.InitialReplicationInProgress;
            } else if (scheduled != null) {
                m.irStartsAt = scheduled;
            } else {
                beginInitialReplication(m, clock.instant());
            }
            record(op, h.name, vmName);
            return null;
        });
    }

    void importInitialReplication(Op op, String host, String vmName, String path) throws CmdletException {
        onMachine(op, host, vmName, (h, m) -> {
            Copy c = copy(op, m, h, vmName);
            if (c != m.replica || m.exportFolder == null) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "Virtual machine '" + vmName
                        + "' on " + h.name + " is not waiting for an offline initial replication (mode " + c.mode
                        + ", state " + c.state + ").");
            }
            String trimmed = path.strip().replaceAll("[\\\\/]+$", "");
            int cut = Math.max(trimmed.lastIndexOf('\\'), trimmed.lastIndexOf('/'));
            String folder = trimmed.substring(cut + 1);
            if (!isAbsolute(trimmed) || !folder.equalsIgnoreCase(m.exportFolder)) {
                throw op.error(ErrorCategory.ObjectNotFound, "ObjectNotFound", "The path '" + path + "' holds no "
                        + "initial replication of '" + vmName + "': expected an absolute path ending in the folder "
                        + m.exportFolder + ".");
            }
            m.exportFolder = null;
            completeInitialReplication(m, clock.instant());
            record(op, h.name, vmName);
            return null;
        });
    }

    private Instant checkSchedule(Op op, OffsetDateTime startTime) throws CmdletException {
        Instant now = clock.instant();
        Instant at = startTime.toInstant();
        if (!at.isAfter(now) || at.isAfter(now.plus(MAX_SCHEDULE))) {
            throw op.error(ErrorCategory.InvalidArgument, "InvalidParameter", "The initial replication start time "
                    + startTime + " is not valid: it must be in the future and no more than 7 days from now (" + now
                    + ").");
        }
        return at;
    }

    // ============================================================================================== failover

    void failover(Op op, String host, String vmName, boolean prepare, boolean asTest,
                  @Nullable String snapshotId) throws CmdletException {
        onMachine(op, host, vmName, (h, m) -> {
            Copy c = copy(op, m, h, vmName);
            if (prepare) {
                prepareFailover(op, m, c);
            } else if (asTest) {
                testFailover(op, h, m, c, snapshotId);
            } else {
                replicaFailover(op, m, c, snapshotId);
            }
            record(op, h.name, vmName);
            return null;
        });
    }

    private void prepareFailover(Op op, Machine m, Copy c) throws CmdletException {
        if (c != m.primary || c.mode != ReplicationMode.Primary) {
            throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "A planned failover can be prepared "
                    + "only on the primary virtual machine; '" + c.name + "' on " + c.host + " is " + c.mode + ".");
        }
        if (c.state != ReplicationState.Replicating) {
            throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "The operation cannot be performed "
                    + "while replication of '" + c.name + "' is in state " + c.state + " (it must be Replicating).");
        }
        if (c.power != VmState.Off) {
            throw offRequired(op, c.name, c);
        }
        // F2: the last changes reach the replica, so the planned failover loses nothing
        m.lastReplicationTime = clock.instant();
        m.successfulCycles++;
        c.state = ReplicationState.PreparedForFailover;
    }

    private void replicaFailover(Op op, Machine m, Copy c, @Nullable String snapshotId) throws CmdletException {
        if (c != m.replica || c.mode != ReplicationMode.Replica) {
            throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "Failover can be started only on the "
                    + "Replica virtual machine (use -Prepare on the primary); '" + c.name + "' on " + c.host + " is "
                    + c.mode + ".");
        }
        if (c.state != ReplicationState.Replicating && c.state != ReplicationState.Suspended) {
            throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "The operation cannot be performed "
                    + "while the Replica of '" + c.name + "' is in state " + c.state + ".");
        }
        if (c.power != VmState.Off) {
            throw offRequired(op, c.name, c);
        }
        if (m.test != null) {
            throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "A test failover of '" + c.name
                    + "' is in progress; stop it first (Stop-VMFailover).");
        }
        ReplicaSnapshot point = choosePoint(op, m, snapshotId);
        m.failoverPoint = point;
        m.planned = m.primary != null && m.primary.state == ReplicationState.PreparedForFailover;
        c.state = ReplicationState.FailedOverWaitingCompletion;
    }

    private void testFailover(Op op, SimHost h, Machine m, Copy c, @Nullable String snapshotId)
            throws CmdletException {
        if (c != m.replica || c.mode != ReplicationMode.Replica) {
            throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "A test failover can be started only "
                    + "on the Replica virtual machine; '" + c.name + "' on " + c.host + " is " + c.mode + ".");
        }
        if (c.state == ReplicationState.Resynchronizing) {
            throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "Test failover of '" + c.name
                    + "' is not allowed while it is Resynchronizing; wait for resynchronization to complete.");
        }
        if (m.test != null) {
            throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "A test failover of '" + c.name
                    + "' is already in progress (virtual machine '" + m.test.name + "' exists); only one test "
                    + "failover per virtual machine is allowed.");
        }
        if (c.state != ReplicationState.Replicating && c.state != ReplicationState.Suspended) {
            throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "Test failover of '" + c.name
                    + "' cannot be started in state " + c.state + ".");
        }
        ReplicaSnapshot point = choosePoint(op, m, snapshotId);
        Copy test = new Copy(h.name, m.name + " - Test", uuid(m.id + "|test|" + point.id() + "|"
                + (++m.testSequence)), VmState.Off);
        test.mode = ReplicationMode.TestReplica;
        c.adapters.keySet().forEach(a -> test.adapters.put(a, null));
        test.disks.addAll(c.disks);
        m.test = test;
        m.testPoint = point;
        h.index(test.name, m);
    }

    private ReplicaSnapshot choosePoint(Op op, Machine m, @Nullable String snapshotId) throws CmdletException {
        List<ReplicaSnapshot> points = m.points();
        if (points.isEmpty()) {
            throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "The Replica of '" + m.name
                    + "' has no recovery point (LastReplicationTime is empty): initial replication has not "
                    + "completed.");
        }
        if (snapshotId == null) {
            return points.get(points.size() - 1);
        }
        for (ReplicaSnapshot p : points) {
            if (p.id().equalsIgnoreCase(snapshotId)) {
                return p;
            }
        }
        throw op.error(ErrorCategory.ObjectNotFound, "ObjectNotFound", "The recovery snapshot '" + snapshotId
                + "' of '" + m.name + "' was not found (it may have been merged or deleted).");
    }

    void stopFailover(Op op, String host, String vmName) throws CmdletException {
        onMachine(op, host, vmName, (h, m) -> {
            Copy c = copy(op, m, h, vmName);
            if (c == m.replica && m.test != null) {
                h.unindex(m.test.name, m);
                m.test = null;
                m.testPoint = null;
            } else if (c == m.replica && c.state == ReplicationState.FailedOverWaitingCompletion) {
                if (c.power != VmState.Off) {
                    throw offRequired(op, vmName, c);
                }
                c.state = ReplicationState.Replicating;
                m.failoverPoint = null;
                m.planned = false;
            } else if (c == m.primary && c.state == ReplicationState.PreparedForFailover) {
                if (m.replica != null && m.replica.state == ReplicationState.FailedOverWaitingCompletion) {
                    throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "The Replica of '" + vmName
                            + "' on " + m.replica.host + " has failed over; cancel it there first.");
                }
                c.state = ReplicationState.Replicating;
            } else {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "There is no failover of '"
                        + vmName + "' to stop on " + h.name + " (state " + c.state + ").");
            }
            record(op, h.name, vmName);
            return null;
        });
    }

    void completeFailover(Op op, String host, String vmName) throws CmdletException {
        onMachine(op, host, vmName, (h, m) -> {
            Copy c = copy(op, m, h, vmName);
            if (c != m.replica || c.state != ReplicationState.FailedOverWaitingCompletion) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "Complete-VMFailover needs a "
                        + "failed-over Replica virtual machine; '" + vmName + "' on " + h.name + " is " + c.mode
                        + ", state " + c.state + ".");
            }
            m.committedPoint = m.failoverPoint;
            m.points.clear(); // F4: the chosen point is final and the others are deleted
            m.latestOverride = m.committedPoint;
            c.state = ReplicationState.FailedOver;
            record(op, h.name, vmName);
            return null;
        });
    }

    // ============================================================================================== remove, suspend

    void removeReplication(Op op, String host, String vmName) throws CmdletException {
        onMachine(op, host, vmName, (h, m) -> {
            Copy c = copy(op, m, h, vmName);
            if (c.mode == ReplicationMode.None || c == m.test) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "Replication is not enabled for "
                        + "virtual machine '" + vmName + "' on " + h.name + ".");
            }
            if (m.test != null) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "A test failover of '" + vmName
                        + "' is in progress; stop it first (Stop-VMFailover).");
            }
            c.mode = ReplicationMode.None;
            c.state = ReplicationState.Disabled;
            c.asReplica = false;
            Copy other = m.otherCopy(c);
            if (other == null || other.mode == ReplicationMode.None) {
                m.rel = null;
                m.clearReplicationProgress();
                m.points.clear();
                m.lastReplicationTime = null;
                m.failoverPoint = null;
                m.committedPoint = null;
                m.latestOverride = null;
                m.existingReplica = false;
            }
            record(op, h.name, vmName);
            return null;
        });
    }

    void removeVm(Op op, String host, String vmName) throws CmdletException {
        SimHost h = localHost(op, host);
        Machine m = machine(op, h, vmName);
        synchronized (m) {
            Copy c = copy(op, m, h, vmName);
            if (c.power != VmState.Off) {
                throw offRequired(op, vmName, c);
            }
            if (c == m.test) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "'" + vmName + "' is the test "
                        + "virtual machine of a test failover; stop the test failover instead (Stop-VMFailover).");
            }
            if (c.mode != ReplicationMode.None) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "Replication is enabled for '"
                        + vmName + "' on " + h.name + "; remove it first (Remove-VMReplication).");
            }
            h.unindex(c.name, m);
            if (c == m.primary) {
                m.primary = m.replica;
            }
            m.replica = null;
            if (m.primary == null) {
                machines.remove(m.id);
            }
            record(op, h.name, vmName);
        }
    }

    void suspendReplication(Op op, String host, String vmName) throws CmdletException {
        changeSuspension(op, host, vmName, true, false);
    }

    void resumeReplication(Op op, String host, String vmName, boolean resynchronize) throws CmdletException {
        changeSuspension(op, host, vmName, false, resynchronize);
    }

    private void changeSuspension(Op op, String host, String vmName, boolean suspend, boolean resync)
            throws CmdletException {
        onMachine(op, host, vmName, (h, m) -> {
            Copy c = copy(op, m, h, vmName);
            if (c.mode == ReplicationMode.None || c == m.test || m.primary == null || m.replica == null) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "Replication is not enabled for "
                        + "virtual machine '" + vmName + "' on " + h.name + ".");
            }
            ReplicationState want = suspend ? ReplicationState.Replicating : ReplicationState.Suspended;
            if (resync ? c.state != ReplicationState.Suspended && c.state != ReplicationState.Error
                    && c.state != ReplicationState.WaitingForStartResynchronize : c.state != want) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "The operation cannot be "
                        + "performed while replication of '" + vmName + "' is in state " + c.state + ".");
            }
            if (resync) {
                beginResynchronization(m);
            } else {
                ReplicationState next = suspend ? ReplicationState.Suspended : ReplicationState.Replicating;
                m.primary.state = next;
                m.replica.state = next;
                if (!suspend) {
                    m.resumeCycles(clock.instant());
                }
            }
            record(op, h.name, vmName);
            return null;
        });
    }

    // ============================================================================================== power, network

    void startVm(Op op, String host, String vmName) throws CmdletException {
        onMachine(op, host, vmName, (h, m) -> {
            Copy c = copy(op, m, h, vmName);
            if (c == m.replica && c.mode == ReplicationMode.Replica && c.state != ReplicationState.FailedOver
                    && c.state != ReplicationState.FailedOverWaitingCompletion) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "'" + vmName + "' failed to "
                        + "start: it is a Replica virtual machine (state " + c.state + "); fail it over first.");
            }
            if (c == m.primary && c.state == ReplicationState.PreparedForFailover) {
                throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "'" + vmName + "' failed to "
                        + "start: it is prepared for failover; cancel it first (Stop-VMFailover).");
            }
            if (c.power != VmState.Running) {
                c.power = VmState.Running;
                record(op, h.name, vmName);
            }
            return null;
        });
    }

    void stopVm(Op op, String host, String vmName) throws CmdletException {
        SimHost h = localHost(op, host);
        Machine m = machine(op, h, vmName);
        synchronized (m) {
            Copy c = copy(op, m, h, vmName);
            if (c.power != VmState.Off) {
                c.power = VmState.Off;
                record(op, h.name, vmName);
            }
        }
    }

    void connectAdapter(Op op, String host, String vmName, @Nullable List<String> adapterNames, String switchName)
            throws CmdletException {
        setAdapters(op, host, vmName, adapterNames, requireNonNull(switchName, "switchName"));
    }

    /** Disconnect-VMNetworkAdapter: the adapters (all when null) connected to no switch (N3). */
    void disconnectAdapter(Op op, String host, String vmName, @Nullable List<String> adapterNames)
            throws CmdletException {
        setAdapters(op, host, vmName, adapterNames, null);
    }

    private void setAdapters(Op op, String host, String vmName, @Nullable List<String> adapterNames,
                             @Nullable String switchName) throws CmdletException {
        SimHost h = localHost(op, host);
        Machine m = machine(op, h, vmName);
        synchronized (m) {
            Copy c = copy(op, m, h, vmName);
            if (switchName != null && c != m.test && !h.switches.contains(key(switchName))) {
                throw op.error(ErrorCategory.ObjectNotFound, "ObjectNotFound", "Hyper-V was unable to find a "
                        + "virtual switch with name \"" + switchName + "\" on " + h.name + ".");
            }
            List<String> targets = new ArrayList<>();
            if (adapterNames == null) {
                targets.addAll(c.adapters.keySet());
            } else {
                for (String a : adapterNames) {
                    String found = c.adapters.keySet().stream().filter(x -> x.equalsIgnoreCase(a)).findFirst()
                            .orElse(null);
                    if (found == null) {
                        throw op.error(ErrorCategory.ObjectNotFound, "ObjectNotFound", "Virtual machine '" + vmName
                                + "' has no network adapter named '" + a + "' (adapters: " + c.adapters.keySet()
                                + ").");
                    }
                    targets.add(found);
                }
            }
            if (targets.isEmpty()) {
                throw op.error(ErrorCategory.ObjectNotFound, "ObjectNotFound", "Virtual machine '" + vmName
                        + "' has no network adapter.");
            }
            // a test VM's isolated network exists only for the test: connecting creates it on the replica host
            boolean changed = targets.stream().anyMatch(a -> !java.util.Objects.equals(c.adapters.get(a),
                    switchName));
            targets.forEach(a -> c.adapters.put(a, switchName));
            // like every change, recorded only when it changed something (connecting again to the same switch
            // changes nothing, so a re-sent command leaves no second side effect)
            if (changed) {
                record(op, h.name, vmName);
            }
        }
    }

    // ============================================================================================== reads

    /** The VMs on {@code host} named {@code names} (all when null), sorted by name. */
    List<VmCopy> vms(Op op, String host, @Nullable List<String> names) throws CmdletException {
        SimHost h = localHost(op, host);
        List<VmCopy> out = new ArrayList<>();
        if (names == null) {
            for (Machine m : h.all()) {
                synchronized (m) {
                    advance(m);
                    for (Copy c : m.copies()) {
                        if (c.host.equals(h.name)) {
                            out.add(m.view(c));
                        }
                    }
                }
            }
            out.sort((a, b) -> a.name().compareToIgnoreCase(b.name()));
            return out;
        }
        for (String name : names) {
            Machine m = machine(op, h, name);
            synchronized (m) {
                advance(m);
                out.add(m.view(copy(op, m, h, name)));
            }
        }
        return out;
    }

    /** The VM of id {@code vmId} on {@code host}. */
    VmCopy vmById(Op op, String host, String vmId) throws CmdletException {
        SimHost h = localHost(op, host);
        for (Machine m : h.all()) {
            synchronized (m) {
                for (Copy c : m.copies()) {
                    if (c.host.equals(h.name) && c.id.equalsIgnoreCase(vmId)) {
                        advance(m);
                        return m.view(c);
                    }
                }
            }
        }
        throw op.error(ErrorCategory.ObjectNotFound, "ObjectNotFound", "Hyper-V was unable to find a virtual "
                + "machine with id \"" + vmId + "\" on " + h.name + ".");
    }

    /** A status read: counts as one of the polls an initial replication takes. */
    List<VmCopy> replication(Op op, String host, @Nullable List<String> names) throws CmdletException {
        SimHost h = localHost(op, host);
        List<VmCopy> out = new ArrayList<>();
        List<String> wanted = names;
        if (wanted == null) {
            wanted = new ArrayList<>();
            for (VmCopy v : vms(op, host, null)) {
                if (v.mode() != ReplicationMode.None) {
                    wanted.add(v.name());
                }
            }
        }
        for (String name : wanted) {
            Machine m = machine(op, h, name);
            synchronized (m) {
                advance(m);
                Copy c = copy(op, m, h, name);
                if (c.mode == ReplicationMode.None || m.rel == null && !c.asReplica) {
                    throw op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "Replication is not enabled "
                            + "for virtual machine '" + name + "' on " + h.name + ".");
                }
                if (m.pollsLeft > 0 && (c.state == ReplicationState.InitialReplicationInProgress
                        || c.state == ReplicationState.Resynchronizing)) {
                    m.pollsLeft--;
                }
                out.add(m.view(c));
                advance(m);
            }
        }
        return out;
    }

    /** The recovery points of the replica VM {@code vmName} on {@code host}, oldest first. */
    List<ReplicaSnapshot> snapshots(Op op, String host, String vmName) throws CmdletException {
        return onMachine(op, host, vmName, (h, m) -> {
            Copy c = copy(op, m, h, vmName);
            return c == m.replica && c.mode == ReplicationMode.Replica ? m.points() : List.of();
        });
    }

    // ============================================================================================== VMM

    VmmServer server(String name) {
        VmmServer s = servers.get(key(name));
        if (s == null) {
            throw new IllegalArgumentException("no VMM server " + name + "; servers: " + serverNames());
        }
        return s;
    }

    @Nullable VmmServer serverOrNull(String name) {
        return servers.get(key(name));
    }

    /** The VM copies on the hosts of {@code server}, sorted by name. */
    List<VmCopy> vmsOf(VmmServer server) {
        List<VmCopy> out = new ArrayList<>();
        Set<String> serverHosts = server.hostNames();
        for (Machine m : machines.values()) {
            synchronized (m) {
                advance(m);
                for (Copy c : m.copies()) {
                    if (serverHosts.contains(key(c.host))) {
                        out.add(m.view(c));
                    }
                }
            }
        }
        out.sort((a, b) -> a.name().compareToIgnoreCase(b.name()));
        return out;
    }

    // ============================================================================================== time

    /** Lets time do what Hyper-V does on its own. Called under the machine's lock. */
    private void advance(Machine m) {
        Instant now = clock.instant();
        if (m.primary == null || m.replica == null || m.rel == null) {
            return;
        }
        if (m.primary.state == ReplicationState.ReadyForInitialReplication && m.irStartsAt != null
                && !now.isBefore(m.irStartsAt)) {
            Instant at = m.irStartsAt;
            m.irStartsAt = null;
            beginInitialReplication(m, at);
        }
        boolean copying = m.primary.state == ReplicationState.InitialReplicationInProgress && m.exportFolder == null
                || m.primary.state == ReplicationState.Resynchronizing;
        if (copying && m.irEndsAt != null && m.pollsLeft == 0 && !now.isBefore(m.irEndsAt)) {
            completeInitialReplication(m, m.irEndsAt.isAfter(now) ? now : m.irEndsAt);
        }
        if (m.primary.state == ReplicationState.Replicating && m.anchor != null) {
            m.takePoints(now);
        }
    }

    private void beginInitialReplication(Machine m, Instant at) {
        m.primary.state = ReplicationState.InitialReplicationInProgress;
        m.replica.state = ReplicationState.InitialReplicationInProgress;
        m.irEndsAt = at.plus(initialReplicationDuration);
        m.pollsLeft = initialReplicationPolls;
        advance(m);
    }

    private void beginResynchronization(Machine m) {
        m.primary.state = ReplicationState.Resynchronizing;
        m.replica.state = ReplicationState.Resynchronizing;
        m.irEndsAt = clock.instant().plus(initialReplicationDuration);
        m.pollsLeft = initialReplicationPolls;
        advance(m);
    }

    private void completeInitialReplication(Machine m, Instant at) {
        m.primary.state = ReplicationState.Replicating;
        m.replica.state = ReplicationState.Replicating;
        m.irEndsAt = null;
        m.pollsLeft = 0;
        m.latestOverride = null;
        m.anchor = at;
        m.hoursTaken = 0;
        m.lastReplicationTime = at;
        m.successfulCycles++;
    }

    // ============================================================================================== helpers

    /**
     * The replica VM Hyper-V creates on {@code host}: off, the primary's adapters connected to nothing, its disks
     * under the replica server's default storage location on a classification of that host's site that the host
     * reaches (none known: the disks are not listed).
     */
    private Copy replicaCopy(Machine m, SimHost host) {
        Copy c = new Copy(host.name, m.name, m.id, VmState.Off);
        m.primary.adapters.keySet().forEach(a -> c.adapters.put(a, null));
        VmmServer server = servers.get(key(host.server));
        String classification = server.template.storageClassifications().stream()
                .filter(sc -> sc.hosts().stream().anyMatch(x -> x.equalsIgnoreCase(host.name)))
                .map(dev.secondsite.core.inventory.StorageClassification::name).sorted().findFirst().orElse(null);
        if (classification != null) {
            String base = host.replicaServer.defaultStorageLocation() + "\\" + m.name + "\\";
            for (VirtualDisk d : m.primary.disks) {
                String file = d.path().substring(Math.max(d.path().lastIndexOf('\\'), d.path().lastIndexOf('/')) + 1);
                c.disks.add(new VirtualDisk(base + file, classification));
            }
        }
        return c;
    }

    private void record(Op op, String host, String vmName) {
        synchronized (sideEffects) {
            sideEffects.add(new SideEffect(sideEffects.size() + 1, clock.instant(), host, op.cmdlet(), vmName,
                    op.keyParameters()));
        }
    }

    private SimHost host(String name) {
        SimHost h = hosts.get(key(name));
        if (h == null) {
            throw new IllegalArgumentException("no host " + name + " in the fabric; hosts: " + hostNames());
        }
        return h;
    }

    /** The host a Hyper-V cmdlet runs on: a VMM server has no Hyper-V role. */
    private SimHost localHost(Op op, String name) throws CmdletException {
        SimHost h = hosts.get(key(name));
        if (h == null) {
            throw new CmdletException(ErrorCategory.ObjectNotFound, "HyperVNotInstalled," + op.errorSuffix(),
                    "The Hyper-V role is not installed on " + name + ", or the computer is not a Hyper-V host of the "
                            + "fabric.");
        }
        return h;
    }

    private Machine machine(Op op, SimHost h, String vmName) throws CmdletException {
        for (Machine m : h.named(vmName)) {
            return m;
        }
        throw notFound(op, vmName);
    }

    private static Copy copy(Op op, Machine m, SimHost h, String vmName) throws CmdletException {
        Copy c = m.copyOn(h.name, vmName);
        if (c == null) {
            throw notFound(op, vmName);
        }
        return c;
    }

    static CmdletException notFound(Op op, String vmName) {
        return new CmdletException(ErrorCategory.ObjectNotFound, "ObjectNotFound," + op.errorSuffix(),
                "Hyper-V was unable to find a virtual machine with name \"" + vmName + "\".");
    }

    private static CmdletException offRequired(Op op, String vmName, Copy c) {
        return op.error(ErrorCategory.InvalidOperation, "InvalidOperation", "The operation cannot be performed "
                + "while the virtual machine '" + vmName + "' is in its current state (" + c.power + "): turn it "
                + "off first.");
    }

    private static boolean isAbsolute(String path) {
        return path.matches("(?s)[A-Za-z]:[\\\\/].*") || path.startsWith("\\\\");
    }

    private static boolean sameHost(String a, String b) {
        return a.equalsIgnoreCase(b);
    }

    private static VmState vmState(PowerState p) {
        return switch (p) {
            case RUNNING -> VmState.Running;
            case OFF -> VmState.Off;
            case STOPPING -> VmState.Stopping;
            case SAVED -> VmState.Saved;
            case PAUSED -> VmState.Paused;
            case STARTING -> VmState.Starting;
        };
    }

    static PowerState powerState(VmState s) {
        return switch (s) {
            case Running -> PowerState.RUNNING;
            case Off -> PowerState.OFF;
            case Stopping -> PowerState.STOPPING;
            case Saved -> PowerState.SAVED;
            case Paused -> PowerState.PAUSED;
            case Starting -> PowerState.STARTING;
        };
    }

    static String uuid(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString().toUpperCase(Locale.ROOT);
    }

    static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    // ============================================================================================== types

    /**
     * The cmdlet call an operation serves: the cmdlet's name (for error ids and the side-effect log) and its key
     * parameters as text.
     */
    /**
     * The cmdlet call a model operation serves. Its key parameters (as text) are what a side effect records; only
     * changing calls record one, so they are built on first use, not for every read.
     */
    static final class Op {
        private final String cmdlet;
        private final java.util.function.Supplier<Map<String, String>> parameters;
        private @Nullable Map<String, String> keyParameters;

        Op(String cmdlet, java.util.function.Supplier<Map<String, String>> parameters) {
            this.cmdlet = cmdlet;
            this.parameters = parameters;
        }

        Op(String cmdlet, Map<String, String> keyParameters) {
            this(cmdlet, () -> keyParameters);
        }

        String cmdlet() {
            return cmdlet;
        }

        /** Not thread-safe: an operation is used by the one thread running its call. */
        Map<String, String> keyParameters() {
            if (keyParameters == null) {
                keyParameters = parameters.get();
            }
            return keyParameters;
        }

        String errorSuffix() {
            String cls = cmdlet.replace("-", "");
            return cmdlet.contains("-SC") ? "Microsoft.SystemCenter.VirtualMachineManager.Cmdlets." + cls
                    : "Microsoft.HyperV.PowerShell.Commands." + cls;
        }

        CmdletException error(ErrorCategory category, String id, String message) {
            return new CmdletException(category, id + "," + errorSuffix(), message);
        }
    }

    /**
     * What Hyper-V shows of one VM copy on one host.
     *
     * <p>Immutable and thread-safe.
     *
     * @param host the host it is on
     * @param name its name
     * @param id its id
     * @param power its power state
     * @param mode its replication mode (None when not replicated; TestReplica for a test VM)
     * @param state its replication state as Get-VMReplication reports it on this host
     * @param adapters adapter name to connected switch (null: not connected), in order
     * @param disks its virtual disks
     * @param replication the relationship's settings, or null when none
     * @param lastReplicationTime when the replica last received changes, or null
     * @param health the replication health
     * @param successfulReplicationCount replication cycles so far
     */
    public record VmCopy(String host, String name, String id, VmState power, ReplicationMode mode,
                         ReplicationState state, Map<String, String> adapters, List<VirtualDisk> disks,
                         @Nullable Relationship replication, @Nullable Instant lastReplicationTime,
                         HyperVEnums.ReplicationHealth health, long successfulReplicationCount) {
        public VmCopy {
            adapters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(adapters));
            disks = List.copyOf(disks);
        }
    }

    /**
     * The settings of one replication relationship.
     *
     * <p>Immutable and thread-safe.
     */
    public static final class Relationship {
        final String primaryServer;
        final String replicaServer;
        final int port;
        final AuthenticationType auth;
        final @Nullable String thumbprint;
        final int frequencySec;
        final int recoveryHistory;
        final int vssHours;
        final boolean compression;

        Relationship(String primaryServer, String replicaServer, int port, AuthenticationType auth,
                     @Nullable String thumbprint, int frequencySec, int recoveryHistory, int vssHours,
                     boolean compression) {
            this.primaryServer = primaryServer;
            this.replicaServer = replicaServer;
            this.port = port;
            this.auth = auth;
            this.thumbprint = thumbprint;
            this.frequencySec = frequencySec;
            this.recoveryHistory = recoveryHistory;
            this.vssHours = vssHours;
            this.compression = compression;
        }

        Relationship with(Settings s) {
            AuthenticationType a = s.auth() != null ? s.auth() : auth;
            String t = s.thumbprint() != null ? s.thumbprint() : s.auth() == AuthenticationType.Kerberos ? null
                    : thumbprint;
            return new Relationship(primaryServer, s.replicaServerName() != null ? s.replicaServerName()
                    : replicaServer, s.port() != null ? s.port() : port, a, t,
                    s.frequencySec() != null ? s.frequencySec() : frequencySec,
                    s.recoveryHistory() != null ? s.recoveryHistory() : recoveryHistory,
                    s.disableVss() ? 0 : s.vssHours() != null ? s.vssHours() : vssHours,
                    s.compression() != null ? s.compression() : compression);
        }

        Relationship reversed(String newPrimary, String newReplica) {
            return new Relationship(newPrimary, newReplica, port, auth, thumbprint, frequencySec, recoveryHistory,
                    vssHours, compression);
        }

        public String primaryServer() {
            return primaryServer;
        }

        public String replicaServer() {
            return replicaServer;
        }

        public int port() {
            return port;
        }

        public AuthenticationType authenticationType() {
            return auth;
        }

        public @Nullable String certificateThumbprint() {
            return thumbprint;
        }

        public int replicationFrequencySec() {
            return frequencySec;
        }

        public int recoveryHistory() {
            return recoveryHistory;
        }

        public int vssSnapshotFrequencyHour() {
            return vssHours;
        }

        public boolean compressionEnabled() {
            return compression;
        }
    }

    /** A VMM server: the static inventory of its site. Immutable. */
    static final class VmmServer {
        final Site template;
        private final Set<String> hostNames;

        VmmServer(Site site) {
            // VMs change with the model; the template keeps everything else
            this.template = stripVms(site);
            this.hostNames = site.hosts().stream().map(h -> key(h.name())).collect(
                    java.util.stream.Collectors.toUnmodifiableSet());
        }

        private static Site stripVms(Site site) {
            Site.Builder b = Site.builder(site.id(), site.name()).vmmVersion(site.vmmVersion())
                    .clusterRoleName(site.clusterRoleName().orElse(null)).providerVersion(site.providerVersion());
            site.clusterNodes().forEach(b::clusterNode);
            site.hostGroups().forEach(b::hostGroup);
            site.hosts().forEach(b::host);
            site.clusters().forEach(b::cluster);
            site.logicalNetworks().forEach(b::logicalNetwork);
            site.vmNetworks().forEach(b::vmNetwork);
            site.storageClassifications().forEach(b::storageClassification);
            site.clouds().forEach(b::cloud);
            return b.build();
        }

        Set<String> hostNames() {
            return hostNames;
        }
    }

    private static final class SimHost {
        final String name;
        final String server;
        final WindowsServerVersion version;
        final String hostGroup;
        final @Nullable String cluster;
        final Set<String> switches = ConcurrentHashMap.newKeySet();
        final Map<String, Set<Machine>> byName = new ConcurrentHashMap<>();
        volatile ReplicaServerSettings replicaServer = ReplicaServerSettings.DEFAULT;

        SimHost(String name, String server, WindowsServerVersion version, String hostGroup, @Nullable String cluster) {
            this.name = name;
            this.server = server;
            this.version = version;
            this.hostGroup = hostGroup;
            this.cluster = cluster;
        }

        void index(String vmName, Machine m) {
            byName.computeIfAbsent(key(vmName), k -> ConcurrentHashMap.newKeySet()).add(m);
        }

        void unindex(String vmName, Machine m) {
            Set<Machine> set = byName.get(key(vmName));
            if (set != null) {
                set.remove(m);
            }
        }

        Collection<Machine> named(String vmName) {
            Set<Machine> set = byName.get(key(vmName));
            return set == null ? List.of() : set;
        }

        List<Machine> all() {
            return byName.values().stream().flatMap(Set::stream).distinct().toList();
        }
    }

    private static final class Copy {
        final String host;
        final String name;
        final String id;
        VmState power;
        ReplicationMode mode = ReplicationMode.None;
        ReplicationState state = ReplicationState.Disabled;
        boolean asReplica;
        @Nullable String allowedPrimary;
        final Map<String, String> adapters = new LinkedHashMap<>();
        final List<VirtualDisk> disks = new ArrayList<>();

        Copy(String host, String name, String id, VmState power) {
            this.host = host;
            this.name = name;
            this.id = id;
            this.power = power;
        }
    }

    private static final class Machine {
        final String id;
        final String name;
        @Nullable Copy primary;
        @Nullable Copy replica;
        @Nullable Copy test;
        @Nullable Relationship rel;
        boolean existingReplica;
        final Deque<ReplicaSnapshot> points = new ArrayDeque<>();
        @Nullable Instant anchor;
        long hoursTaken;
        @Nullable Instant lastReplicationTime;
        long successfulCycles;
        @Nullable Instant irStartsAt;
        @Nullable Instant irEndsAt;
        int pollsLeft;
        @Nullable String exportFolder;
        @Nullable ReplicaSnapshot failoverPoint;
        @Nullable ReplicaSnapshot committedPoint;
        @Nullable ReplicaSnapshot latestOverride;
        @Nullable ReplicaSnapshot testPoint;
        boolean planned;
        int testSequence;

        Machine(String id, String name) {
            this.id = id;
            this.name = name;
        }


        List<Copy> copies() {
            // on every lookup of a VM: a plain list of the (at most three) copies, no stream
            List<Copy> copies = new ArrayList<>(3);
            if (primary != null) {
                copies.add(primary);
            }
            if (replica != null) {
                copies.add(replica);
            }
            if (test != null) {
                copies.add(test);
            }
            return copies;
        }

        @Nullable Copy copyOn(String host, String vmName) {
            for (Copy c : copies()) {
                if (c.host.equals(host) && c.name.equalsIgnoreCase(vmName)) {
                    return c;
                }
            }
            return null;
        }

        @Nullable Copy otherCopy(Copy c) {
            return c == primary ? replica : c == replica ? primary : null;
        }

        void clearReplicationProgress() {
            irStartsAt = null;
            irEndsAt = null;
            pollsLeft = 0;
            exportFolder = null;
            anchor = null;
            hoursTaken = 0;
            latestOverride = null;
        }

        void resumeCycles(Instant now) {
            if (anchor != null) {
                lastReplicationTime = now;
            }
        }

        /** Hourly points since the anchor (skipping those that would be dropped at once) and the latest cycle. */
        void takePoints(Instant now) {
            long hours = Duration.between(anchor, now).toHours();
            long keep = rel.recoveryHistory;
            long first = Math.max(hoursTaken + 1, hours - keep + 1);
            for (long k = first; k <= hours; k++) {
                Instant at = anchor.plus(HOUR.multipliedBy(k));
                boolean appConsistent = rel.vssHours > 0 && k % rel.vssHours == 0;
                points.addLast(new ReplicaSnapshot(uuid(id + "|" + at), id, name,
                        appConsistent ? SnapshotType.AppConsistentReplica : SnapshotType.Replica, at));
            }
            hoursTaken = Math.max(hoursTaken, hours);
            while (points.size() > keep) {
                points.removeFirst(); // C5: the newest RecoveryHistory hourly points besides the latest
            }
            long cycles = Duration.between(anchor, now).getSeconds() / rel.frequencySec;
            Instant cycle = anchor.plusSeconds(cycles * rel.frequencySec);
            if (lastReplicationTime == null || cycle.isAfter(lastReplicationTime)) {
                successfulCycles += lastReplicationTime == null ? 1
                        : Math.max(1, Duration.between(lastReplicationTime, cycle).getSeconds() / rel.frequencySec);
                lastReplicationTime = cycle;
            }
        }

        /** The recovery points, oldest first: the kept hourly points, then the latest one. */
        List<ReplicaSnapshot> points() {
            List<ReplicaSnapshot> out = new ArrayList<>(points);
            if (latestOverride != null) {
                out.add(latestOverride);
            } else if (lastReplicationTime != null && rel != null && replica != null
                    && replica.mode == ReplicationMode.Replica) {
                ReplicaSnapshot newest = out.isEmpty() ? null : out.get(out.size() - 1);
                if (newest == null || newest.creationTime().isBefore(lastReplicationTime)) {
                    out.add(new ReplicaSnapshot(uuid(id + "|" + lastReplicationTime), id, name,
                            SnapshotType.Replica, lastReplicationTime));
                }
            }
            return out;
        }

        VmCopy view(Copy c) {
            HyperVEnums.ReplicationHealth health = switch (c.state) {
                case Disabled, FailedOver -> HyperVEnums.ReplicationHealth.NotApplicable;
                case Replicating -> HyperVEnums.ReplicationHealth.Normal;
                case Error -> HyperVEnums.ReplicationHealth.Critical;
                default -> HyperVEnums.ReplicationHealth.Warning;
            };
            if (c.mode == ReplicationMode.None || c == test) {
                health = HyperVEnums.ReplicationHealth.NotApplicable;
            }
            boolean replicated = c.mode != ReplicationMode.None && c != test;
            return new VmCopy(c.host, c.name, c.id, c.power, c.mode, c == test ? ReplicationState.Disabled : c.state,
                    c.adapters, c.disks, replicated ? rel : null, replicated ? lastReplicationTime : null, health,
                    replicated ? successfulCycles : 0);
        }

        Vm inventoryVm(Copy c) {
            Vm.Builder b = Vm.builder(c.id, c.name).host(c.host).powerState(powerState(c.power));
            c.adapters.forEach((a, sw) -> b.networkAdapter(new NetworkAdapter(a, sw)));
            c.disks.forEach(d -> b.disk(d.path(), d.storageClassification()));
            if (c == primary && rel != null && c.mode == ReplicationMode.Primary) {
                b.observedReplication(new ObservedReplication(rel.replicaServer, rel.frequencySec,
                        rel.recoveryHistory, rel.vssHours, rel.compression, rel.auth.name(), rel.port));
            }
            return b.build();
        }
    }
}
