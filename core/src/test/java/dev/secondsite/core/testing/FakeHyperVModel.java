package dev.secondsite.core.testing;

import dev.secondsite.core.inventory.NetworkAdapter;
import dev.secondsite.core.inventory.ObservedReplication;
import dev.secondsite.core.inventory.PowerState;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.inventory.VmNetwork;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.RecoveryPoint;
import dev.secondsite.core.spi.RecoveryPointChoice;
import dev.secondsite.core.spi.TestNetwork;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.annotation.Nullable;

/**
 * The in-memory Hyper-V Replica behind {@link FakeHostDriver}: hosts (with their replica server settings and
 * networks) and VMs (with their copies, replication state and recovery points). Every command checks its
 * preconditions first and changes nothing when it refuses, so a refusal is a permanent failure with a Hyper-V-like
 * message and no side effect.
 *
 * <p>Not thread-safe: {@link FakeHostDriver} calls it under its lock.
 */
final class FakeHyperVModel {
    static final String DISABLED = "Disabled";
    static final String READY = "ReadyForInitialReplication";
    static final String INITIAL_REPLICATION = "InitialReplicationInProgress";
    static final String REPLICATING = "Replicating";
    static final String PREPARED = "PreparedForFailover";
    static final String WAITING_COMPLETION = "FailedOverWaitingCompletion";
    static final String FAILED_OVER = "FailedOver";
    static final String RESYNCHRONIZING = "Resynchronizing";

    private static final Duration HOUR = Duration.ofHours(1);
    /** Hyper-V refuses an -InitialReplicationStartTime more than 7 days ahead. */
    private static final Duration MAX_SCHEDULE = Duration.ofDays(7);

    private final Clock clock;
    private final Duration initialReplicationDuration;
    /** Status reads an over-network initial replication takes to complete (0: only the duration counts). */
    private final int initialReplicationPolls;
    private final Map<String, HostState> hosts = new LinkedHashMap<>();
    private final Map<String, Machine> vms = new LinkedHashMap<>();

    FakeHyperVModel(Clock clock, Duration initialReplicationDuration, int initialReplicationPolls) {
        this.clock = clock;
        this.initialReplicationDuration = initialReplicationDuration;
        this.initialReplicationPolls = initialReplicationPolls;
    }

    // ---------------------------------------------------------------------------------------------- seeding

    void addSite(Site site) {
        Set<String> networks = new TreeSet<>();
        site.vmNetworks().stream().map(VmNetwork::name).forEach(networks::add);
        site.hosts().forEach(h -> {
            HostState host = hosts.computeIfAbsent(h.name(), HostState::new);
            host.site = site.id();
            host.networks = networks;
        });
        site.vms().forEach(this::addVm);
    }

    void addHost(String name) {
        hosts.computeIfAbsent(name, HostState::new);
    }

    void addVm(Vm vm) {
        Machine existing = vms.get(vm.id());
        if (existing != null) {
            if (existing.replica != null && existing.replica.host.equals(vm.host())) {
                return; // the replica VM, as the recovery site's inventory lists it: Hyper-V gives it the same id
            }
            throw new IllegalArgumentException("VM " + vm.id() + " is seeded twice: on " + existing.primary.host
                    + " and on " + vm.host());
        }
        addHost(vm.host());
        Map<String, String> networks = new LinkedHashMap<>();
        vm.networkAdapters().forEach(a -> networks.put(a.name(), a.vmNetwork()));
        Machine m = new Machine(vm.id(), vm.name(), new Copy(vm.host(), vm.powerState(), networks));
        vms.put(vm.id(), m);
        vm.existingReplication().ifPresent(observed -> seedReplication(m, observed));
    }

    /** E3: a VM Hyper-V already replicates is seeded as Replicating, with one recovery point. */
    private void seedReplication(Machine m, ObservedReplication observed) {
        seedReplicating(m, observed.replicaHost(), new ReplicaConfig(observed.recoveryHistory(),
                observed.vssSnapshotFrequencyHour(), observed.authenticationType(), observed.replicaServerPort()));
    }

    /** A VM seeded as protected already: Replicating to {@code replicaHost}, with one recovery point taken now. */
    void seedReplicating(String vmId, String replicaHost, ReplicationSettings settings) {
        Machine m = vms.get(vmId);
        if (m == null) {
            throw new IllegalArgumentException("no VM " + vmId + " in the fake; seed its site first; VMs: "
                    + vms.keySet());
        }
        if (!m.state.equals(DISABLED)) {
            throw new IllegalArgumentException("VM " + vmId + " is already " + m.state);
        }
        seedReplicating(m, replicaHost, ReplicaConfig.of(settings));
    }

    private void seedReplicating(Machine m, String replicaHost, ReplicaConfig config) {
        addHost(replicaHost);
        configureReplicaServer(replicaHost, config.authentication(), config.port());
        m.config = config;
        m.replica = m.newReplicaCopy(replicaHost);
        completeInitialReplication(m, clock.instant());
    }

    void configureReplicaServer(String host, String authentication, int port) {
        hosts.computeIfAbsent(host, HostState::new).replicaServer = new ReplicaServer(authentication, port);
    }

    // ---------------------------------------------------------------------------------------------- inspection

    FakeVm view(String vmId) {
        Machine m = vms.get(vmId);
        if (m == null) {
            throw new IllegalArgumentException("no VM " + vmId + " in the fake; VMs: " + vms.keySet());
        }
        advance(m);
        return new FakeVm(m.id, m.name, m.state, m.primary.view(), view(m.replica), view(m.testVm),
                view(m.keptReplica), m.points, m.failoverPoint, m.committedPoint, m.lastReplicationTime);
    }

    private static @Nullable FakeVm.Copy view(@Nullable Copy copy) {
        return copy == null ? null : copy.view();
    }

    List<String> vmIds() {
        return List.copyOf(vms.keySet());
    }

    Set<String> hostNames() {
        return Set.copyOf(hosts.keySet());
    }

    boolean isReplicaServer(String host) {
        HostState h = hosts.get(host);
        return h != null && h.replicaServer != null;
    }

    boolean isDown(String host) {
        HostState h = hosts.get(host);
        return h != null && h.down;
    }

    void setDown(String host, boolean down) {
        HostState h = hosts.get(host);
        if (h == null) {
            throw new IllegalArgumentException("no host " + host + " in the fake; hosts: " + hosts.keySet());
        }
        h.down = down;
        if (down) {
            // a host that goes down takes its VMs down with it
            vms.values().forEach(m -> Stream.of(m.primary, m.replica, m.testVm)
                    .filter(c -> c != null && c.host.equals(host)).forEach(c -> c.power = PowerState.OFF));
        }
    }

    // ---------------------------------------------------------------------------------------------- events

    /** A replication cycle: the replica receives the changes and keeps a recovery point taken now. */
    void replicate(String vmId, boolean appConsistent) {
        Machine m = machineInState(vmId, REPLICATING);
        addPoint(m, clock.instant(), appConsistent);
    }

    void startResynchronization(String vmId) {
        machineInState(vmId, REPLICATING).state = RESYNCHRONIZING;
    }

    void finishResynchronization(String vmId) {
        Machine m = machineInState(vmId, RESYNCHRONIZING);
        m.state = REPLICATING;
        addPoint(m, clock.instant(), false);
    }

    private Machine machineInState(String vmId, String state) {
        Machine m = vms.get(vmId);
        if (m == null) {
            throw new IllegalArgumentException("no VM " + vmId + " in the fake; VMs: " + vms.keySet());
        }
        advance(m);
        if (!m.state.equals(state)) {
            throw new IllegalStateException("VM " + m.name + " is " + m.state + ", not " + state);
        }
        return m;
    }

    // ---------------------------------------------------------------------------------------------- commands

    /** Carries out {@code request}, or refuses it with a permanent failure and no change. */
    CommandResult apply(CommandRequest request) {
        String host = request.host();
        HostState target = hosts.get(host);
        if (target == null) {
            return CommandResult.permanentFailure("The WinRM client cannot process the request: the computer '"
                    + host + "' is not known (hosts: " + hosts.keySet() + ")");
        }
        if (target.site != null && !target.site.equals(request.serverId())) {
            return CommandResult.permanentFailure("The WinRM client cannot process the request: host " + host
                    + " belongs to server " + target.site + ", not to server " + request.serverId());
        }
        if (target.down) {
            return unreachable(host);
        }
        try {
            return dispatch(host, request.command());
        } catch (Refusal refusal) {
            return refusal.result;
        }
    }

    private CommandResult dispatch(String host, HostCommand c) {
        if (c instanceof HostCommand.ConfigureReplicaServer cmd) {
            return configure(host, cmd);
        } else if (c instanceof HostCommand.EnableReplication cmd) {
            return enable(host, cmd);
        } else if (c instanceof HostCommand.EnableExistingReplica cmd) {
            return enableExistingReplica(host, cmd);
        } else if (c instanceof HostCommand.StartInitialReplication cmd) {
            return startInitialReplication(host, cmd);
        } else if (c instanceof HostCommand.ImportInitialReplication cmd) {
            return importInitialReplication(host, cmd);
        } else if (c instanceof HostCommand.PrepareFailover cmd) {
            return prepare(host, cmd);
        } else if (c instanceof HostCommand.Failover cmd) {
            return failover(host, cmd);
        } else if (c instanceof HostCommand.TestFailover cmd) {
            return testFailover(host, cmd);
        } else if (c instanceof HostCommand.CleanupTestFailover cmd) {
            return cleanupTestFailover(host, cmd);
        } else if (c instanceof HostCommand.CancelFailover cmd) {
            return cancel(host, cmd);
        } else if (c instanceof HostCommand.CompleteFailover cmd) {
            return complete(host, cmd);
        } else if (c instanceof HostCommand.ReverseReplication cmd) {
            return reverse(host, cmd);
        } else if (c instanceof HostCommand.StartVm cmd) {
            return start(host, cmd);
        } else if (c instanceof HostCommand.StopVm cmd) {
            return stop(host, cmd);
        } else if (c instanceof HostCommand.DisableReplication cmd) {
            return disable(host, cmd);
        } else if (c instanceof HostCommand.GetReplicationStatus cmd) {
            return status(host, cmd);
        } else if (c instanceof HostCommand.ListRecoveryPoints cmd) {
            return listRecoveryPoints(host, cmd);
        } else if (c instanceof HostCommand.ConnectNetworkAdapter cmd) {
            return connect(host, cmd);
        } else if (c instanceof HostCommand.RunScript cmd) {
            throw refuse(cmd.describe() + ": RunScript is not a host command; a provider hands it to its "
                    + "ScriptRunner");
        }
        throw new IllegalStateException("unknown host command " + c);
    }

    private CommandResult configure(String host, HostCommand.ConfigureReplicaServer cmd) {
        HostCommand.ReplicationParameters s = cmd.settings();
        configureReplicaServer(host, s.authentication().hyperVName(), s.port());
        return CommandResult.succeeded("Set-VMReplicationServer " + host + ": replication enabled ("
                + s.authentication().hyperVName() + " on port " + s.port() + "); firewall rule opened");
    }

    private CommandResult enable(String host, HostCommand.EnableReplication cmd) {
        Machine m = primaryOn(host, cmd.vmId(), cmd.vmName());
        if (!m.state.equals(DISABLED)) {
            throw refuse("Enable-VMReplication: Hyper-V Replica is already enabled for virtual machine '" + m.name
                    + "' (state " + m.state + ")");
        }
        checkReplicaServer("Enable-VMReplication", host, cmd.replicaServer(), cmd.settings());
        m.config = ReplicaConfig.of(cmd.settings());
        m.replica = m.newReplicaCopy(cmd.replicaServer());
        m.keptReplica = null;
        m.state = READY;
        return ok("Enable-VMReplication", m, "replicating to " + cmd.replicaServer());
    }

    /** C10: Enable-VMReplication -AsReplica on the replica host, for a copy restored there from a backup. */
    private CommandResult enableExistingReplica(String host, HostCommand.EnableExistingReplica cmd) {
        Machine m = vmNamed(cmd.vmId(), cmd.vmName(), host);
        if (m.primary.host.equals(host)) {
            throw refuse("Enable-VMReplication -AsReplica: '" + m.name + "' on " + host + " is the primary "
                    + "virtual machine; run it on the host that holds the existing replica");
        }
        if (!m.state.equals(DISABLED)) {
            if (m.replica != null && m.replica.host.equals(host)) {
                return ok("Enable-VMReplication -AsReplica", m, "already the replica on " + host);
            }
            throw refuse("Enable-VMReplication -AsReplica: Hyper-V Replica is already enabled for virtual machine '"
                    + m.name + "' (state " + m.state + ")");
        }
        HostState state = hosts.get(host);
        if (state == null || state.replicaServer == null) {
            throw refuse("Enable-VMReplication -AsReplica: the server '" + host + "' is not configured as a "
                    + "Hyper-V Replica server (run Set-VMReplicationServer on it first)");
        }
        m.existingReplicaHost = host;
        return ok("Enable-VMReplication -AsReplica", m, "waiting for " + cmd.primaryServer() + " on " + host);
    }

    private void checkReplicaServer(String cmdlet, String host, String replicaServer,
                                    HostCommand.ReplicationParameters s) {
        HostState replica = hosts.get(replicaServer);
        if (replica == null) {
            throw refuse(cmdlet + ": the replica server '" + replicaServer + "' could not be found (hosts: "
                    + hosts.keySet() + ")");
        }
        if (replicaServer.equals(host)) {
            throw refuse(cmdlet + ": the replica server '" + replicaServer + "' must not be the primary server");
        }
        if (replica.down) {
            throw new Refusal(unreachable(replicaServer));
        }
        ReplicaServer server = replica.replicaServer;
        if (server == null) {
            throw refuse(cmdlet + ": the server '" + replicaServer + "' is not configured as a Hyper-V Replica "
                    + "server (run Set-VMReplicationServer on it first)");
        }
        String auth = s.authentication().hyperVName();
        if (!server.authentication.equalsIgnoreCase(auth) || server.port != s.port()) {
            throw refuse(cmdlet + ": the replica server '" + replicaServer + "' does not accept " + auth
                    + " authentication on port " + s.port() + " (it accepts " + server.authentication + " on port "
                    + server.port + ")");
        }
    }

    private CommandResult startInitialReplication(String host, HostCommand.StartInitialReplication cmd) {
        Machine m = primaryOn(host, cmd.vmId(), cmd.vmName());
        requireState("Start-VMInitialReplication", m, READY);
        Instant now = clock.instant();
        if (cmd.method() instanceof HostCommand.InitialReplicationMethod.UsingExistingReplica
                && (m.existingReplicaHost == null || !m.existingReplicaHost.equals(m.replica.host))) {
            throw refuse("Start-VMInitialReplication -UseBackup: needs an existing replica of '" + m.name + "' on "
                    + m.replica.host + " enabled with -AsReplica");
        }
        if (cmd.method() instanceof HostCommand.InitialReplicationMethod.Offline offline) {
            m.state = INITIAL_REPLICATION;
            m.offline = offline;
            return ok("Start-VMInitialReplication", m, "exported to " + offline.exportPath());
        }
        Instant startAt = cmd.startAt();
        if (cmd.method() instanceof HostCommand.InitialReplicationMethod.OverNetworkScheduled && startAt == null) {
            throw refuse("Start-VMInitialReplication: a scheduled initial replication of '" + m.name
                    + "' needs -InitialReplicationStartTime");
        }
        if (startAt != null) {
            if (startAt.isBefore(now) || startAt.isAfter(now.plus(MAX_SCHEDULE))) {
                throw refuse("Start-VMInitialReplication: -InitialReplicationStartTime (" + startAt
                        + ") must be in the future and within 7 days of " + now);
            }
            m.initialReplicationStartsAt = startAt;
            advance(m);
            return ok("Start-VMInitialReplication", m, "scheduled at " + startAt);
        }
        m.state = INITIAL_REPLICATION;
        m.initialReplicationEndsAt = now.plus(initialReplicationDuration);
        m.pollsUntilReplicated = initialReplicationPolls;
        advance(m);
        return ok("Start-VMInitialReplication", m, "started");
    }

    private CommandResult importInitialReplication(String host, HostCommand.ImportInitialReplication cmd) {
        Machine m = replicaOn(host, cmd.vmId(), cmd.vmName());
        HostCommand.InitialReplicationMethod.Offline offline = m.offline;
        if (offline == null || !m.state.equals(INITIAL_REPLICATION)) {
            throw refuse("Import-VMInitialReplication: virtual machine '" + m.name + "' is not waiting for an "
                    + "offline initial replication (state " + m.state + ")");
        }
        String base = trimSeparators(offline.importPath());
        String path = trimSeparators(cmd.path());
        String folder = base + "\\" + m.name + "_" + m.id;
        if (!path.equalsIgnoreCase(base) && !path.equalsIgnoreCase(folder)) {
            throw refuse("Import-VMInitialReplication: the path '" + cmd.path() + "' holds no initial replication "
                    + "of '" + m.name + "' (expected " + base + " or " + folder + ")");
        }
        m.offline = null;
        completeInitialReplication(m, clock.instant());
        return ok("Import-VMInitialReplication", m, "imported from " + cmd.path());
    }

    private CommandResult prepare(String host, HostCommand.PrepareFailover cmd) {
        Machine m = primaryOn(host, cmd.vmId(), cmd.vmName());
        requireState("Start-VMFailover -Prepare", m, REPLICATING);
        if (m.primary.power != PowerState.OFF) {
            throw refuse("Start-VMFailover -Prepare: the virtual machine '" + m.name + "' must be turned off (it is "
                    + m.primary.power + ")");
        }
        if (isDown(m.replica.host)) {
            throw new Refusal(unreachable(m.replica.host));
        }
        addPoint(m, clock.instant(), false); // F2: the last changes reach the replica, so no data is lost
        m.state = PREPARED;
        return ok("Start-VMFailover -Prepare", m, "last changes sent to " + m.replica.host);
    }

    private CommandResult failover(String host, HostCommand.Failover cmd) {
        Machine m = replicaOn(host, cmd.vmId(), cmd.vmName());
        if (!m.state.equals(REPLICATING) && !m.state.equals(PREPARED)) {
            throw refuse("Start-VMFailover: the replica of '" + m.name + "' cannot fail over in state " + m.state);
        }
        if (m.testVm != null) {
            throw refuse("Start-VMFailover: a test failover of '" + m.name + "' is running; stop it first "
                    + "(Stop-VMFailover)");
        }
        RecoveryPoint point = choose("Start-VMFailover", m, cmd.recoveryPoint());
        m.stateBeforeFailover = m.state;
        m.prepared = m.state.equals(PREPARED);
        m.failoverPoint = point;
        m.state = WAITING_COMPLETION;
        return ok("Start-VMFailover", m, "failed over to recovery point " + point.id() + " of "
                + point.createdAt());
    }

    private CommandResult testFailover(String host, HostCommand.TestFailover cmd) {
        Machine m = replicaOn(host, cmd.vmId(), cmd.vmName());
        if (m.state.equals(RESYNCHRONIZING)) {
            throw refuse("Start-VMFailover -AsTest: the replica of '" + m.name + "' is resynchronizing; a test "
                    + "failover is not allowed until resynchronization completes");
        }
        if (m.testVm != null) {
            throw refuse("Start-VMFailover -AsTest: a test failover of '" + m.name + "' is already running (VM '"
                    + m.name + " - Test' exists); stop it first");
        }
        if (!m.state.equals(REPLICATING) && !m.state.equals(PREPARED)) {
            throw refuse("Start-VMFailover -AsTest: the replica of '" + m.name + "' cannot be tested in state "
                    + m.state);
        }
        RecoveryPoint point = choose("Start-VMFailover -AsTest", m, cmd.recoveryPoint());
        String network = cmd.network().networkName();
        HostState replicaHost = hosts.get(host);
        if (cmd.network() instanceof TestNetwork.Existing) {
            checkNetwork("Start-VMFailover -AsTest", replicaHost, network);
        } else if (network != null) {
            replicaHost.isolatedNetworks.add(network);
        }
        Map<String, String> networks = new LinkedHashMap<>();
        m.primary.networks.keySet().forEach(adapter -> networks.put(adapter, network));
        m.testVm = new Copy(host, PowerState.OFF, networks);
        return ok("Start-VMFailover -AsTest", m, "test VM '" + m.name + " - Test' created from recovery point "
                + point.id() + " on " + cmd.network());
    }

    private CommandResult cleanupTestFailover(String host, HostCommand.CleanupTestFailover cmd) {
        Machine m = replicaOn(host, cmd.vmId(), cmd.vmName());
        if (m.testVm == null) {
            throw refuse("Stop-VMFailover: there is no test failover of '" + m.name + "' to stop");
        }
        m.testVm = null;
        return ok("Stop-VMFailover", m, "test VM '" + m.name + " - Test' deleted");
    }

    private CommandResult cancel(String host, HostCommand.CancelFailover cmd) {
        Machine m = machineOn(host, cmd.vmId(), cmd.vmName());
        if (m.replica != null && m.replica.host.equals(host) && m.state.equals(WAITING_COMPLETION)) {
            if (m.replica.power != PowerState.OFF) {
                throw refuse("Stop-VMFailover: turn off the virtual machine '" + m.name + "' on " + host
                        + " first (it is " + m.replica.power + ")");
            }
            m.state = m.stateBeforeFailover;
            m.failoverPoint = null;
            m.prepared = false;
            return ok("Stop-VMFailover", m, "failover cancelled");
        }
        if (m.primary.host.equals(host) && m.state.equals(PREPARED)) {
            m.state = REPLICATING;
            return ok("Stop-VMFailover", m, "prepared failover undone");
        }
        throw refuse("Stop-VMFailover: there is no failover of '" + m.name + "' to cancel on " + host + " (state "
                + m.state + ")");
    }

    private CommandResult complete(String host, HostCommand.CompleteFailover cmd) {
        Machine m = replicaOn(host, cmd.vmId(), cmd.vmName());
        requireState("Complete-VMFailover", m, WAITING_COMPLETION);
        m.committedPoint = m.failoverPoint;
        m.points.clear(); // F4: the chosen point is final, the others are deleted
        m.state = FAILED_OVER;
        return ok("Complete-VMFailover", m, "recovery point " + m.committedPoint.id() + " committed");
    }

    private CommandResult reverse(String host, HostCommand.ReverseReplication cmd) {
        Machine m = replicaOn(host, cmd.vmId(), cmd.vmName());
        if (m.state.equals(WAITING_COMPLETION) && !m.prepared) {
            throw refuse("Set-VMReplication -Reverse: the failover of '" + m.name + "' was not planned; complete "
                    + "it first (Complete-VMFailover)");
        }
        if (!m.state.equals(WAITING_COMPLETION) && !m.state.equals(FAILED_OVER)) {
            throw refuse("Set-VMReplication -Reverse: replication of '" + m.name + "' can be reversed only after a "
                    + "failover (state " + m.state + ")");
        }
        checkReplicaServer("Set-VMReplication -Reverse", host, cmd.newReplicaServer(), cmd.settings());
        Copy oldPrimary = m.primary;
        boolean backToOldPrimary = cmd.newReplicaServer().equals(oldPrimary.host);
        if (backToOldPrimary && oldPrimary.power != PowerState.OFF) {
            throw refuse("Set-VMReplication -Reverse: the virtual machine '" + m.name + "' on " + oldPrimary.host
                    + " must be turned off to become the replica (it is " + oldPrimary.power + ")");
        }
        boolean inSync = m.prepared && backToOldPrimary;
        // the old primary's copy is there already: it can serve as the existing replica (-UseBackup)
        m.existingReplicaHost = backToOldPrimary ? oldPrimary.host : null;
        m.primary = m.replica;
        m.replica = backToOldPrimary ? oldPrimary : m.newReplicaCopy(cmd.newReplicaServer());
        m.config = ReplicaConfig.of(cmd.settings());
        m.points.clear();
        m.lastPointAt = null;
        m.failoverPoint = null;
        m.prepared = false;
        m.stateBeforeFailover = null;
        if (inSync) {
            // F5: after a planned failover the old primary holds the same data: replication resumes at once
            completeInitialReplication(m, clock.instant());
        } else {
            m.state = READY; // after an unplanned failover the new replica needs an initial replication
        }
        return ok("Set-VMReplication -Reverse", m, "now replicating from " + host + " to " + m.replica.host);
    }

    private CommandResult start(String host, HostCommand.StartVm cmd) {
        Machine m = vmNamed(cmd.vmId(), cmd.vmName(), host);
        Copy copy = copyOn(m, host, cmd.testVm());
        if (copy == m.replica && !m.state.equals(WAITING_COMPLETION) && !m.state.equals(FAILED_OVER)) {
            throw refuse("Start-VM: '" + m.name + "' on " + host + " is a replica virtual machine; fail it over "
                    + "before starting it (state " + m.state + ")");
        }
        if (copy == m.primary && m.state.equals(PREPARED)) {
            throw refuse("Start-VM: '" + m.name + "' is prepared for failover; cancel the failover first "
                    + "(Stop-VMFailover)");
        }
        if (copy.power == PowerState.RUNNING) {
            return ok("Start-VM", m, "already running on " + host);
        }
        copy.power = PowerState.RUNNING;
        return ok("Start-VM", m, "running on " + host);
    }

    private CommandResult stop(String host, HostCommand.StopVm cmd) {
        Machine m = vmNamed(cmd.vmId(), cmd.vmName(), host);
        Copy copy = copyOn(m, host);
        if (copy.power == PowerState.OFF) {
            return ok("Stop-VM", m, "already off on " + host);
        }
        copy.power = PowerState.OFF;
        return ok("Stop-VM", m, (cmd.turnOff() ? "turned off" : "shut down") + " on " + host);
    }

    private CommandResult disable(String host, HostCommand.DisableReplication cmd) {
        Machine m = machineOn(host, cmd.vmId(), cmd.vmName());
        if (m.state.equals(DISABLED)) {
            throw refuse("Remove-VMReplication: replication is not enabled for virtual machine '" + m.name + "'");
        }
        if (m.state.equals(PREPARED) || m.state.equals(WAITING_COMPLETION)) {
            throw refuse("Remove-VMReplication: '" + m.name + "' is " + m.state + "; finish or cancel the failover "
                    + "first");
        }
        if (m.testVm != null) {
            throw refuse("Remove-VMReplication: a test failover of '" + m.name + "' is running; stop it first");
        }
        if (m.state.equals(FAILED_OVER)) {
            // E4: the reference lets Remove-VMReplication run after Complete-VMFailover (the state table's COMMITTED
            // -> DISABLE). The failover left the VM running on the old replica's host: that copy is the VM from now
            // on, and the old primary is the other copy, which C11 keeps or deletes as it would a replica.
            Copy oldPrimary = m.primary;
            m.primary = m.replica;
            m.replica = oldPrimary;
            m.failoverPoint = null;
            m.prepared = false;
            m.stateBeforeFailover = null;
        }
        m.keptReplica = cmd.deleteReplica() ? null : m.replica; // C11
        m.replica = null;
        m.config = null;
        m.points.clear();
        m.lastPointAt = null;
        m.lastReplicationTime = null;
        m.offline = null;
        m.initialReplicationStartsAt = null;
        m.initialReplicationEndsAt = null;
        m.state = DISABLED;
        return ok("Remove-VMReplication", m, cmd.deleteReplica() ? "replica deleted" : "replica kept");
    }

    private CommandResult status(String host, HostCommand.GetReplicationStatus cmd) {
        Machine m = machineOn(host, cmd.vmId(), cmd.vmName());
        if (m.state.equals(INITIAL_REPLICATION) && m.pollsUntilReplicated > 0) {
            m.pollsUntilReplicated--; // this read is one of those the copy takes; a later one sees it complete
        }
        return CommandResult.succeeded("Get-VMReplication " + m.name + ": " + m.state,
                new CommandOutput.ReplicationStatus(m.state, health(m.state), m.lastReplicationTime));
    }

    private static String health(String state) {
        return switch (state) {
            case DISABLED, FAILED_OVER -> "NotApplicable";
            case REPLICATING -> "Normal";
            default -> "Warning";
        };
    }

    private CommandResult listRecoveryPoints(String host, HostCommand.ListRecoveryPoints cmd) {
        Machine m = replicaOn(host, cmd.vmId(), cmd.vmName());
        return CommandResult.succeeded("Get-VMSnapshot " + m.name + ": " + m.points.size() + " recovery point(s)",
                new CommandOutput.RecoveryPoints(m.points));
    }

    private CommandResult connect(String host, HostCommand.ConnectNetworkAdapter cmd) {
        Machine m = vmNamed(cmd.vmId(), cmd.vmName(), host);
        Copy copy = copyOn(m, host, cmd.testVm());
        if (!copy.networks.containsKey(cmd.adapter())) {
            throw refuse("Connect-VMNetworkAdapter: virtual machine '" + m.name + "' has no network adapter '"
                    + cmd.adapter() + "' (adapters: " + copy.networks.keySet() + ")");
        }
        if (cmd.network() != null) {
            checkNetwork("Connect-VMNetworkAdapter", hosts.get(host), cmd.network());
        }
        copy.networks.put(cmd.adapter(), cmd.network());
        return ok("Connect-VMNetworkAdapter", m, cmd.adapter() + " on " + host + " -> "
                + (cmd.network() == null ? "(none)" : cmd.network()));
    }

    /** A network must exist on the host's site, or be an isolated test network made there; unknown sites pass. */
    private static void checkNetwork(String cmdlet, HostState host, String network) {
        if (host.networks != null && !host.networks.contains(network) && !host.isolatedNetworks.contains(network)) {
            throw refuse(cmdlet + ": the network '" + network + "' was not found on host " + host.name + " (site "
                    + host.site + " has " + host.networks + ", isolated " + host.isolatedNetworks + ")");
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private RecoveryPoint choose(String cmdlet, Machine m, RecoveryPointChoice choice) {
        if (m.points.isEmpty()) {
            throw refuse(cmdlet + ": the replica of '" + m.name + "' has no recovery point (LastReplicationTime is "
                    + "empty)");
        }
        if (choice instanceof RecoveryPointChoice.Latest) {
            return m.points.get(m.points.size() - 1);
        }
        if (choice instanceof RecoveryPointChoice.LatestAppConsistent) {
            for (int i = m.points.size() - 1; i >= 0; i--) {
                if (m.points.get(i).appConsistent()) {
                    return m.points.get(i);
                }
            }
            throw refuse(cmdlet + ": the replica of '" + m.name + "' has no application-consistent recovery point");
        }
        String id = ((RecoveryPointChoice.Chosen) choice).id();
        return m.points.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow(() -> refuse(cmdlet
                + ": recovery snapshot '" + id + "' of '" + m.name + "' was not found"));
    }

    private void completeInitialReplication(Machine m, Instant at) {
        m.state = REPLICATING;
        m.initialReplicationEndsAt = null;
        m.hour = 0;
        addPoint(m, at, m.config.vssHours > 0);
        m.lastPointAt = at;
    }

    private void addPoint(Machine m, Instant at, boolean appConsistent) {
        m.points.add(new RecoveryPoint(m.id + "/rp" + (++m.pointSequence), at, appConsistent));
        m.lastReplicationTime = at;
        while (m.points.size() > m.config.recoveryHistory + 1) {
            m.points.remove(0); // C5: the latest point plus the additional ones
        }
    }

    /** Lets time do what Hyper-V does on its own: start scheduled and finish running initial replications, take hourly points. */
    private void advance(Machine m) {
        Instant now = clock.instant();
        if (m.state.equals(READY) && m.initialReplicationStartsAt != null
                && !now.isBefore(m.initialReplicationStartsAt)) {
            m.state = INITIAL_REPLICATION;
            m.initialReplicationEndsAt = m.initialReplicationStartsAt.plus(initialReplicationDuration);
            m.initialReplicationStartsAt = null;
        }
        if (m.state.equals(INITIAL_REPLICATION) && m.initialReplicationEndsAt != null && m.pollsUntilReplicated == 0
                && !now.isBefore(m.initialReplicationEndsAt)) {
            completeInitialReplication(m, m.initialReplicationEndsAt);
        }
        if (m.state.equals(REPLICATING) && m.lastPointAt != null) {
            long hours = Duration.between(m.lastPointAt, now).toHours();
            long skipped = Math.max(0, hours - (m.config.recoveryHistory + 1));
            m.lastPointAt = m.lastPointAt.plus(HOUR.multipliedBy(skipped));
            m.hour += skipped;
            for (long i = skipped; i < hours; i++) {
                m.lastPointAt = m.lastPointAt.plus(HOUR);
                m.hour++;
                addPoint(m, m.lastPointAt, m.config.vssHours > 0 && m.hour % m.config.vssHours == 0);
            }
        }
    }

    private Machine vmNamed(String vmId, String vmName, String host) {
        Machine m = vms.get(vmId);
        if (m == null || !m.name.equals(vmName)) {
            throw notFound(vmName, host);
        }
        advance(m);
        return m;
    }

    /** The test VM on {@code host} when {@code testVm}, else the VM's primary or replica copy there. */
    private Copy copyOn(Machine m, String host, boolean testVm) {
        if (!testVm) {
            return copyOn(m, host);
        }
        if (m.testVm == null || !m.testVm.host.equals(host)) {
            throw notFound(m.name + " - Test", host);
        }
        return m.testVm;
    }

    private Copy copyOn(Machine m, String host) {
        if (m.primary.host.equals(host)) {
            return m.primary;
        }
        if (m.replica != null && m.replica.host.equals(host)) {
            return m.replica;
        }
        throw notFound(m.name, host);
    }

    private Machine primaryOn(String host, String vmId, String vmName) {
        Machine m = vmNamed(vmId, vmName, host);
        if (!m.primary.host.equals(host)) {
            throw notFound(vmName, host);
        }
        return m;
    }

    private Machine replicaOn(String host, String vmId, String vmName) {
        Machine m = vmNamed(vmId, vmName, host);
        if (m.replica == null || !m.replica.host.equals(host)) {
            throw m.primary.host.equals(host) ? refuse("'" + vmName + "' on " + host + " is not a replica virtual "
                    + "machine (state " + m.state + ")") : notFound(vmName, host);
        }
        return m;
    }

    private Machine machineOn(String host, String vmId, String vmName) {
        Machine m = vmNamed(vmId, vmName, host);
        copyOn(m, host);
        return m;
    }

    private static void requireState(String cmdlet, Machine m, String state) {
        if (!m.state.equals(state)) {
            throw refuse(cmdlet + ": virtual machine '" + m.name + "' must be in state " + state + " (it is "
                    + m.state + ")");
        }
    }

    private static String trimSeparators(String path) {
        String p = path.trim();
        while (p.endsWith("\\") || p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.toLowerCase(Locale.ROOT);
    }

    private static CommandResult ok(String cmdlet, Machine m, String what) {
        return CommandResult.succeeded(cmdlet + " " + m.name + ": " + what + " [" + m.state + "]");
    }

    private static CommandResult unreachable(String host) {
        return CommandResult.transientFailure("The WinRM client cannot complete the operation within the time "
                + "specified: host " + host + " is unreachable");
    }

    private static Refusal notFound(String vmName, String host) {
        return refuse("Hyper-V was unable to find a virtual machine with name \"" + vmName + "\" on host " + host);
    }

    private static Refusal refuse(String message) {
        return new Refusal(CommandResult.permanentFailure(message));
    }

    /** Ends a command early with its result; thrown only before anything changed. */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient CommandResult result;

        Refusal(CommandResult result) {
            super(result.message(), null, false, false);
            this.result = result;
        }
    }

    /** The replication settings Hyper-V keeps per VM that the fake uses. */
    private record ReplicaConfig(int recoveryHistory, int vssHours, String authentication, int port) {
        static ReplicaConfig of(ReplicationSettings s) {
            return new ReplicaConfig(s.additionalRecoveryPoints(), s.appConsistentFrequencyHours(),
                    s.authentication().hyperVName(), s.port());
        }

        static ReplicaConfig of(HostCommand.ReplicationParameters p) {
            return new ReplicaConfig(p.additionalRecoveryPoints(), p.appConsistentFrequencyHours(),
                    p.authentication().hyperVName(), p.port());
        }
    }

    /** Set-VMReplicationServer on a host. */
    private record ReplicaServer(String authentication, int port) {
    }

    private static final class HostState {
        final String name;
        @Nullable String site;
        /** The VM networks of the host's site; null when the host was not seeded from a site (nothing is checked). */
        @Nullable Set<String> networks;
        final Set<String> isolatedNetworks = new HashSet<>();
        @Nullable ReplicaServer replicaServer;
        boolean down;

        HostState(String name) {
            this.name = name;
        }
    }

    private static final class Copy {
        final String host;
        PowerState power;
        /** Adapter name to network, in the VM's adapter order; null values are disconnected adapters. */
        final Map<String, String> networks;

        Copy(String host, PowerState power, Map<String, String> networks) {
            this.host = host;
            this.power = power;
            this.networks = new LinkedHashMap<>(networks);
        }

        FakeVm.Copy view() {
            List<NetworkAdapter> adapters = new ArrayList<>();
            networks.forEach((adapter, network) -> adapters.add(new NetworkAdapter(adapter, network)));
            return new FakeVm.Copy(host, power, adapters);
        }
    }

    private static final class Machine {
        final String id;
        final String name;
        Copy primary;
        @Nullable Copy replica;
        @Nullable Copy testVm;
        @Nullable Copy keptReplica;
        String state = DISABLED;
        @Nullable ReplicaConfig config;
        final List<RecoveryPoint> points = new ArrayList<>();
        int pointSequence;
        long hour;
        @Nullable Instant lastPointAt;
        @Nullable Instant lastReplicationTime;
        @Nullable Instant initialReplicationStartsAt;
        @Nullable Instant initialReplicationEndsAt;
        int pollsUntilReplicated;
        @Nullable HostCommand.InitialReplicationMethod.Offline offline;
        /** The host whose copy was accepted as the replica with -AsReplica, before Enable-VMReplication. */
        @Nullable String existingReplicaHost;
        @Nullable RecoveryPoint failoverPoint;
        @Nullable RecoveryPoint committedPoint;
        @Nullable String stateBeforeFailover;
        boolean prepared;

        Machine(String id, String name, Copy primary) {
            this.id = id;
            this.name = name;
            this.primary = primary;
        }

        /** The replica VM Hyper-V creates: off, with the same adapters, connected to nothing yet. */
        Copy newReplicaCopy(String host) {
            Map<String, String> disconnected = new LinkedHashMap<>();
            primary.networks.keySet().forEach(a -> disconnected.put(a, null));
            return new Copy(host, PowerState.OFF, disconnected);
        }
    }
}
