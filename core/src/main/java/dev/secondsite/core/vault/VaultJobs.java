package dev.secondsite.core.vault;

import dev.secondsite.core.Finding;
import dev.secondsite.core.IllegalTransitionException;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.NotFoundException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.NetworkAdapter;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.job.ConfigChange;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobSpec;
import dev.secondsite.core.job.Phase;
import dev.secondsite.core.job.Step;
import dev.secondsite.core.job.TaskSpec;
import dev.secondsite.core.plan.ExecutionOrder;
import dev.secondsite.core.plan.FailoverDirection;
import dev.secondsite.core.plan.FailoverKind;
import dev.secondsite.core.plan.PlanAction;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.plan.ScriptSide;
import dev.secondsite.core.plan.Stage;
import dev.secondsite.core.protection.ActiveLocation;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.ConfigurationChange;
import dev.secondsite.core.protection.DisableResult;
import dev.secondsite.core.protection.InitialReplication;
import dev.secondsite.core.protection.MappingChange;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.OfflineChecklist;
import dev.secondsite.core.protection.ProtectedVm;
import dev.secondsite.core.protection.ProtectionConfiguration;
import dev.secondsite.core.protection.ProtectionOperation;
import dev.secondsite.core.protection.ProtectionOrigin;
import dev.secondsite.core.protection.ProtectionState;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.protection.StorageMapping;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.RecoveryPointChoice;
import dev.secondsite.core.spi.TestNetwork;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.annotation.Nullable;

/**
 * Turns a vault operation into the {@link JobSpec} the engine runs: which host commands, configuration changes and
 * actions, in which phases. Every check that can be made before anything runs is made here, so a refused operation
 * creates no job and changes nothing; warnings go into the job.
 *
 * <p>Stateless apart from the clock; each spec gets its own idempotency-key prefix, journaled with it.
 */
final class VaultJobs {
    /** A replica that has not replicated for this long is noted as stale before a failover. */
    static final Duration STALE_AFTER = Duration.ofMinutes(30);
    /** The replication state of a VM whose initial copy is complete. */
    static final String REPLICATING = "Replicating";
    /** The longest wait between two reads of an initial copy's progress. */
    static final Duration INITIAL_COPY_POLL = Duration.ofMinutes(1);
    /** How long enabling protection waits for an initial copy over the network (or an offline import) to end. */
    static final Duration INITIAL_COPY_DEADLINE = Duration.ofDays(7);

    private final Clock clock;

    VaultJobs(Clock clock) {
        this.clock = clock;
    }

    /**
     * What a failover job needs of its kind's options record: a planned failover always fails over to the latest
     * point (F2) and shuts down (RP7); a test failover never shuts down.
     */
    record FailoverSettings(FailoverDirection direction, RecoveryPointChoice recoveryPoint, boolean shutdownSource,
                            TestNetwork testNetwork) {
        static FailoverSettings of(TestFailoverOptions o) {
            return new FailoverSettings(o.direction(), o.recoveryPoint(), false, o.testNetwork());
        }

        static FailoverSettings of(PlannedFailoverOptions o) {
            return new FailoverSettings(o.direction(), RecoveryPointChoice.latest(), true, TestNetwork.none());
        }

        static FailoverSettings of(UnplannedFailoverOptions o) {
            return new FailoverSettings(o.direction(), o.recoveryPoint(), o.shutdownSource(), TestNetwork.none());
        }
    }

    /** Builds the ids and idempotency keys of one job's tasks and steps. */
    private static final class Keys {
        final String prefix = UUID.randomUUID().toString();

        CommandRequest request(String taskId, int step, String serverId, String host, HostCommand command) {
            return new CommandRequest(prefix + "/" + taskId + "/" + step, serverId, host, command);
        }
    }

    // ---- pairings and mappings (C12, N4) ----

    JobSpec pair(VaultConfiguration config, CloudPairing pairing, boolean edit) {
        ProtectionConfiguration protection = config.protection();
        ConfigurationChange checked = edit ? protection.editPairing(pairing, config.sites())
                : protection.pair(pairing, config.sites());
        List<Finding> warnings = new ArrayList<>(checked.report().findings());
        OfflineChecklist.of(pairing).items().forEach(item -> warnings.add(Finding.warning(item.rule(),
                "pairing " + pairing.primary(), "offlineChecklist", item.machine(), item.instruction())));
        Keys keys = new Keys();
        List<TaskSpec> hosts = new ArrayList<>();
        for (CloudRef cloud : List.of(pairing.primary(), pairing.target())) {
            Site site = config.sites().get(cloud.serverId());
            for (String host : site.hostsOf(cloud.cloud()).stream().sorted().toList()) {
                String id = "configure/" + cloud.serverId() + "/" + host;
                if (hosts.stream().noneMatch(t -> t.id().equals(id))) {
                    hosts.add(TaskSpec.of(id, "Configure " + host + " for replication", null, List.of(
                            new Step.Command(keys.request(id, 0, cloud.serverId(), host,
                                    new HostCommand.ConfigureReplicaServer(parameters(pairing.settings())))))));
                }
            }
        }
        ConfigChange save = edit ? new ConfigChange.EditPairing(pairing) : new ConfigChange.Pair(pairing);
        return new JobSpec(edit ? JobKind.EDIT_PAIRING : JobKind.PAIR_CLOUDS, "pairing " + pairing.primary(), null,
                List.of(new Phase("Configure hosts", hosts), single("Save pairing", "save", null, new Step.Apply(save))),
                warnings);
    }

    JobSpec unpair(VaultConfiguration config, CloudRef primary) {
        config.protection().unpair(primary);
        return new JobSpec(JobKind.UNPAIR_CLOUDS, "pairing " + primary, null, List.of(single("Remove pairing",
                "remove", null, new Step.Apply(new ConfigChange.Unpair(primary)))), List.of());
    }

    JobSpec mapNetwork(VaultConfiguration config, NetworkMapping mapping, boolean replace) {
        MappingChange checked = replace ? config.protection().remapNetwork(mapping, config.sites())
                : config.protection().mapNetwork(mapping, config.sites());
        Keys keys = new Keys();
        List<TaskSpec> reconnect = new ArrayList<>();
        // N4: replicas of VMs on the source network follow the mapping
        for (String vmId : checked.affectedVmIds()) {
            ProtectedVm pvm = config.protection().protectedVm(vmId).orElse(null);
            Vm vm = config.sites().get(mapping.sourceServerId()).vm(vmId).orElse(null);
            if (pvm == null || vm == null || pvm.replicaHost() == null
                    || pvm.activeLocation() != ActiveLocation.PRIMARY) {
                continue;
            }
            List<Step> steps = new ArrayList<>();
            String id = "reconnect/" + vmId;
            for (NetworkAdapter nic : vm.networkAdapters()) {
                if (mapping.sourceNetwork().equals(nic.vmNetwork())) {
                    steps.add(new Step.Command(keys.request(id, steps.size(), mapping.targetServerId(),
                            pvm.replicaHost(), new HostCommand.ConnectNetworkAdapter(vmId, vm.name(), nic.name(),
                                    mapping.targetNetwork(), false))));
                }
            }
            if (!steps.isEmpty()) {
                reconnect.add(TaskSpec.of(id, "Connect replica of " + vm.name() + " to " + mapping.targetNetwork(),
                        vmId, steps));
            }
        }
        List<Phase> phases = new ArrayList<>();
        phases.add(single("Save mapping", "save", null, new Step.Apply(new ConfigChange.MapNetwork(mapping))));
        if (!reconnect.isEmpty()) {
            phases.add(new Phase("Reconnect replicas", reconnect));
        }
        return new JobSpec(JobKind.MAP_NETWORK, "network " + mapping.sourceServerId() + "/" + mapping.sourceNetwork(),
                null, phases, checked.report().findings());
    }

    JobSpec unmapNetwork(VaultConfiguration config, String serverId, String network) {
        MappingChange checked = config.protection().unmapNetwork(serverId, network, config.sites());
        return new JobSpec(JobKind.UNMAP_NETWORK, "network " + serverId + "/" + network, null, List.of(single(
                "Remove mapping", "remove", null, new Step.Apply(new ConfigChange.UnmapNetwork(serverId, network)))),
                checked.report().findings());
    }

    JobSpec mapStorage(VaultConfiguration config, StorageMapping mapping, boolean replace) {
        ConfigurationChange checked = replace ? config.protection().remapStorage(mapping, config.sites())
                : config.protection().mapStorage(mapping, config.sites());
        return new JobSpec(JobKind.MAP_STORAGE, "storage " + mapping.sourceServerId() + "/"
                + mapping.sourceClassification(), null, List.of(single("Save mapping", "save", null,
                new Step.Apply(new ConfigChange.MapStorage(mapping)))), checked.report().findings());
    }

    JobSpec unmapStorage(VaultConfiguration config, String serverId, String classification) {
        ConfigurationChange checked = config.protection().unmapStorage(serverId, classification);
        return new JobSpec(JobKind.UNMAP_STORAGE, "storage " + serverId + "/" + classification, null, List.of(single(
                "Remove mapping", "remove", null, new Step.Apply(new ConfigChange.UnmapStorage(serverId,
                        classification)))), checked.report().findings());
    }

    // ---- protection (E1-E4) ----

    JobSpec enable(VaultConfiguration config, CloudRef cloud, List<String> vmIds) {
        Keys keys = new Keys();
        List<Finding> warnings = new ArrayList<>();
        List<TaskSpec> tasks = new ArrayList<>();
        ProtectionConfiguration protection = config.protection();
        CloudPairing pairing = protection.pairing(cloud).orElseThrow(() -> InvalidConfigurationException.of(
                Rule.E1, "cloud " + cloud, "primaryCloud", cloud, "primaryCloud (" + cloud
                        + ") must be the primary cloud of a pairing"));
        for (String vmId : distinct(vmIds)) {
            String replicaHost = protection.replicaHostFor(cloud, vmId, config.sites());
            // checks every rule now; the job applies the same change later
            ConfigurationChange checked = protection.protect(cloud, vmId, ProtectionOrigin.VAULT, config.sites(),
                    replicaHost);
            warnings.addAll(checked.report().findings());
            protection = checked.configuration();
            Vm vm = config.sites().get(cloud.serverId()).vm(vmId).orElseThrow();
            if (vm.observedReplication() != null) {
                // E3: protect() onboards a VM Hyper-V already replicates; enabling replication again would fail on
                // the host ("already enabled") after the vault had recorded the VM as protected
                tasks.add(onboardTask(keys, cloud, vm));
                continue;
            }
            String id = "enable/" + vmId;
            List<Step> steps = new ArrayList<>();
            steps.add(new Step.Apply(new ConfigChange.Protect(cloud, vmId, ProtectionOrigin.VAULT, replicaHost)));
            if (pairing.settings().initialReplication() instanceof InitialReplication.UsingExistingReplica) {
                // C10: Hyper-V takes an existing copy as the replica only when that host accepts it first
                // (-AsReplica); the primary's Enable-VMReplication then finds it instead of creating a new one
                steps.add(new Step.Command(keys.request(id, steps.size(), pairing.targetServerId(), replicaHost,
                        new HostCommand.EnableExistingReplica(vmId, vm.name(), vm.host()))));
            }
            steps.add(new Step.Command(keys.request(id, steps.size(), cloud.serverId(), vm.host(),
                    new HostCommand.EnableReplication(vmId, vm.name(), replicaHost, parameters(pairing.settings())))));
            steps.add(new Step.Apply(new ConfigChange.Transition(vmId, ProtectionOperation.START_INITIAL_REPLICATION)));
            addInitialReplication(keys, id, steps, vm, pairing.settings(), cloud.serverId(), vm.host(),
                    pairing.targetServerId(), replicaHost);
            steps.add(new Step.Apply(new ConfigChange.Transition(vmId, ProtectionOperation.FINALIZE)));
            tasks.add(TaskSpec.of(id, "Enable protection of " + vm.name(), vmId, steps));
        }
        return new JobSpec(JobKind.ENABLE_PROTECTION, "cloud " + cloud, null,
                List.of(new Phase("Enable protection", tasks)), warnings);
    }

    /**
     * C10: starts initial replication from {@code sourceHost} by the pairing's method (now, at its next start time,
     * exported offline, or from the existing replica) and, offline, imports it on {@code targetHost}. After a reverse
     * replication the old primary's copy is the existing replica, so that method needs no step on the target.
     */
    private void addInitialReplication(Keys keys, String id, List<Step> steps, Vm vm, ReplicationSettings settings,
                                       String sourceServer, String sourceHost, String targetServer,
                                       String targetHost) {
        InitialReplication method = settings.initialReplication();
        Instant startAt = method instanceof InitialReplication.OverNetworkScheduled at
                ? at.nextStartAfter(ZonedDateTime.now(clock)).toInstant() : null;
        steps.add(new Step.Command(keys.request(id, steps.size(), sourceServer, sourceHost,
                new HostCommand.StartInitialReplication(vm.id(), vm.name(), initialReplication(method), startAt))));
        if (method instanceof InitialReplication.Offline offline) {
            // Import-VMInitialReplication reads the folder "<VMName>_<VMId>" under the import path
            String folder = offline.importPath() + "\\" + vm.name() + "_" + vm.id();
            steps.add(new Step.Command(keys.request(id, steps.size(), targetServer, targetHost,
                    new HostCommand.ImportInitialReplication(vm.id(), vm.name(), folder))));
        }
        // E1: the VM is ready for failover (FINALIZE) only once its initial copy is really complete, which only the
        // host's replication state tells; a scheduled copy is waited for too, its deadline counted from its start
        Duration deadline = startAt == null ? INITIAL_COPY_DEADLINE
                : INITIAL_COPY_DEADLINE.plus(Duration.between(clock.instant(), startAt));
        steps.add(new Step.WaitUntil(keys.request(id, steps.size(), sourceServer, sourceHost,
                new HostCommand.GetReplicationStatus(vm.id(), vm.name())), REPLICATING, INITIAL_COPY_POLL, deadline));
    }

    JobSpec onboard(VaultConfiguration config, CloudRef cloud, String vmId) {
        ConfigurationChange checked = config.protection().onboard(cloud, vmId, config.sites());
        Vm vm = config.sites().get(cloud.serverId()).vm(vmId).orElseThrow();
        return new JobSpec(JobKind.ONBOARD, "vm " + vmId, null, List.of(new Phase("Onboard",
                List.of(onboardTask(new Keys(), cloud, vm)))), checked.report().findings());
    }

    /** E3: reads the VM's existing replication, then records it as protected with the replica it has. */
    private static TaskSpec onboardTask(Keys keys, CloudRef cloud, Vm vm) {
        String id = "onboard/" + vm.id();
        List<Step> steps = List.of(
                new Step.Probe(keys.request(id, 0, cloud.serverId(), vm.host(),
                        new HostCommand.GetReplicationStatus(vm.id(), vm.name())), STALE_AFTER, false),
                new Step.Apply(new ConfigChange.Onboard(cloud, vm.id())));
        return TaskSpec.of(id, "Take over replication of " + vm.name(), vm.id(), steps);
    }

    JobSpec disable(VaultConfiguration config, String vmId) {
        ProtectedVm before = protectedVm(config, vmId);
        DisableResult checked = config.protection().disableProtection(vmId);
        VmRoute route = route(config, before, FailoverDirection.PRIMARY_TO_RECOVERY, false);
        Keys keys = new Keys();
        String id = "disable/" + vmId;
        List<Step> steps = new ArrayList<>();
        // E4: checked.vm() is the VM after DISABLE, always UNPROTECTED, so the state before decides; in ENABLING
        // replication was never confirmed on the host and there is nothing to remove
        if (before.state() != ProtectionState.ENABLING) {
            steps.add(new Step.Command(keys.request(id, 0, route.activeServer, route.activeHost,
                    new HostCommand.DisableReplication(vmId, route.vm.name(), checked.deleteReplica()))));
        }
        steps.add(new Step.Apply(new ConfigChange.Unprotect(vmId)));
        return new JobSpec(JobKind.DISABLE_PROTECTION, "vm " + vmId, null, List.of(new Phase("Disable protection",
                List.of(TaskSpec.of(id, "Disable protection of " + route.vm.name(), vmId, steps)))), List.of());
    }

    // ---- failovers (SPEC section 8) ----

    /** Where a protected VM runs now and where it fails over to. */
    private record VmRoute(Vm vm, ProtectedVm protectedVm, String sourceServer, String sourceHost,
                           String targetServer, String targetHost, String activeServer, String activeHost) {
    }

    private VmRoute route(VaultConfiguration config, ProtectedVm pvm, FailoverDirection direction, boolean strict) {
        CloudPairing pairing = config.protection().pairing(pvm.pairing()).orElseThrow(() ->
                InvalidConfigurationException.of(Rule.C2, pvm.subject(), "pairing", pvm.pairing(), "pairing ("
                        + pvm.pairing() + ") of the VM no longer exists"));
        Site primary = config.sites().get(pairing.primaryServerId());
        Vm vm = primary == null ? null : primary.vm(pvm.vmId()).orElse(null);
        if (vm == null) {
            throw InvalidConfigurationException.of(Rule.R5, pvm.subject(), "vmId", pvm.vmId(), "vmId ("
                    + pvm.vmId() + ") is no longer in the inventory of server " + pairing.primaryServerId());
        }
        String replicaHost = pvm.replicaHost() == null ? "" : pvm.replicaHost();
        if (strict && replicaHost.isEmpty()) {
            throw InvalidConfigurationException.of(Rule.E1, pvm.subject(), "replicaHost", null,
                    "replicaHost (none) must be known to fail the VM over");
        }
        boolean forward = direction == FailoverDirection.PRIMARY_TO_RECOVERY;
        ActiveLocation expected = forward ? ActiveLocation.PRIMARY : ActiveLocation.RECOVERY;
        if (strict && pvm.activeLocation() != expected) {
            throw InvalidConfigurationException.of(Rule.F5, pvm.subject(), "activeLocation", pvm.activeLocation(),
                    "activeLocation (" + pvm.activeLocation() + ") must be " + expected + " to fail over "
                            + direction);
        }
        String ps = pairing.primaryServerId();
        String ts = pairing.targetServerId();
        boolean activeOnPrimary = pvm.activeLocation() == ActiveLocation.PRIMARY;
        return forward
                ? new VmRoute(vm, pvm, ps, vm.host(), ts, replicaHost, activeOnPrimary ? ps : ts,
                        activeOnPrimary ? vm.host() : replicaHost)
                : new VmRoute(vm, pvm, ts, replicaHost, ps, vm.host(), activeOnPrimary ? ps : ts,
                        activeOnPrimary ? vm.host() : replicaHost);
    }

    /**
     * A failover job for a plan (or, with {@code plan} null, for the VMs of {@code vmIds} alone, RP6).
     *
     * @throws InvalidConfigurationException when a VM is unknown or not protected, or runs on the wrong side
     * @throws IllegalTransitionException when a VM's state does not allow the failover (and it was not already failed
     *     over by another run, RP9)
     */
    JobSpec failover(VaultConfiguration config, @Nullable RecoveryPlan plan, List<String> vmIds, FailoverKind kind,
                     FailoverSettings options) {
        FailoverDirection direction = options.direction();
        ExecutionOrder order = plan != null ? ExecutionOrder.of(plan, kind, direction, options.shutdownSource())
                : ExecutionOrder.ofVm(vmIds.get(0), kind, direction, options.shutdownSource());
        List<String> vms = plan != null ? plan.vms() : vmIds;
        ProtectionOperation operation = switch (kind) {
            case TEST -> ProtectionOperation.TEST_FAILOVER;
            case PLANNED -> ProtectionOperation.PLANNED_FAILOVER;
            case UNPLANNED -> ProtectionOperation.UNPLANNED_FAILOVER;
        };
        List<Finding> warnings = new ArrayList<>();
        java.util.Map<String, VmRoute> routes = new java.util.LinkedHashMap<>();
        for (String vmId : vms) {
            ProtectedVm pvm = protectedVm(config, vmId);
            boolean elsewhere = kind != FailoverKind.TEST && isFailedOver(pvm);
            if (!pvm.allows(operation) && !(plan != null && elsewhere)) {
                throw new IllegalTransitionException(pvm.subject(), pvm.state().name(), operation.name());
            }
            routes.put(vmId, route(config, pvm, direction, !elsewhere));
        }
        warnings.addAll(config.protection().disconnectedVms(vms, config.sites()).findings());
        Keys keys = new Keys();
        List<Phase> phases = new ArrayList<>();
        List<TaskSpec> probes = new ArrayList<>();
        for (VmRoute r : routes.values()) {
            if (r.targetHost.isEmpty()) {
                continue;
            }
            String id = "check/" + r.vm.id();
            // RP9: skippable like the VM's other tasks; the engine counts a VM whose probe ran as changed by this
            // job, so a probe that ran would stop it from skipping the VM's shutdown, failover and boot
            probes.add(new TaskSpec(id, "Check replication of " + r.vm.name(), r.vm.id(), List.of(new Step.Probe(
                    keys.request(id, 0, r.targetServer, r.targetHost,
                            new HostCommand.GetReplicationStatus(r.vm.id(), r.vm.name())),
                    STALE_AFTER, kind == FailoverKind.TEST)), TaskSpec.OnFailure.STOP_JOB, kind != FailoverKind.TEST));
        }
        if (!probes.isEmpty()) {
            phases.add(new Phase("Pre-flight check", probes));
        }
        boolean skipDone = kind != FailoverKind.TEST;
        TaskSpec.OnFailure scriptFailure = kind == FailoverKind.UNPLANNED ? TaskSpec.OnFailure.RECORD_AND_CONTINUE
                : TaskSpec.OnFailure.STOP_JOB;
        String planServerPrimary = plan != null ? plan.sourceServer() : "";
        String planServerRecovery = plan != null ? plan.targetServer() : "";
        int actionCount = 0;
        for (Stage stage : order.stages()) {
            for (PlanAction action : stage.before()) {
                phases.add(actionPhase(config, keys, "before " + stage.label(), actionCount++, action, scriptFailure,
                        planServerPrimary, planServerRecovery));
            }
            int wave = 0;
            for (List<String> vmWave : stage.waves()) {
                wave++;
                List<TaskSpec> tasks = new ArrayList<>();
                for (String vmId : vmWave) {
                    VmRoute r = routes.get(vmId);
                    tasks.add(switch (stage.kind()) {
                        case SHUTDOWN -> shutdownTask(keys, r, kind, skipDone);
                        case FAILOVER -> failoverTask(keys, r, kind, operation, options, skipDone);
                        case BOOT -> bootTask(config, keys, r, kind, direction, options, skipDone, stage.group());
                    });
                }
                String name = stage.waves().size() > 1 ? stage.label() + ", wave " + wave : stage.label();
                phases.add(new Phase(capitalize(name), tasks));
            }
            for (PlanAction action : stage.after()) {
                phases.add(actionPhase(config, keys, "after " + stage.label(), actionCount++, action, scriptFailure,
                        planServerPrimary, planServerRecovery));
            }
        }
        JobKind jobKind = switch (kind) {
            case TEST -> JobKind.TEST_FAILOVER;
            case PLANNED -> JobKind.PLANNED_FAILOVER;
            case UNPLANNED -> JobKind.UNPLANNED_FAILOVER;
        };
        String target = plan != null ? "plan " + plan.name() : "vm " + vms.get(0);
        return new JobSpec(jobKind, target, plan == null ? null : plan.name(), phases, warnings);
    }

    /** RP9: whether a VM counts as already failed over by some run (a failover started and not reversed). */
    static boolean isFailedOver(ProtectedVm vm) {
        return vm.state() == ProtectionState.PLANNED_FAILOVER_RUNNING
                || vm.state() == ProtectionState.UNPLANNED_FAILOVER_RUNNING
                || vm.state() == ProtectionState.FAILED_OVER || vm.state() == ProtectionState.COMMITTED
                || vm.state() == ProtectionState.REVERSE_REPLICATING;
    }


    private static TaskSpec shutdownTask(Keys keys, VmRoute r, FailoverKind kind, boolean skipDone) {
        String id = "shutdown/" + r.vm.id();
        Step stop = new Step.Command(keys.request(id, 0, r.sourceServer, r.sourceHost,
                new HostCommand.StopVm(r.vm.id(), r.vm.name(), false)));
        // F3: an unplanned failover only tries to shut the source down; the source may be gone
        TaskSpec.OnFailure onFailure = kind == FailoverKind.UNPLANNED ? TaskSpec.OnFailure.RECORD_AND_CONTINUE
                : TaskSpec.OnFailure.STOP_JOB;
        return new TaskSpec(id, "Shut down " + r.vm.name(), r.vm.id(), List.of(stop), onFailure, skipDone);
    }

    private static TaskSpec failoverTask(Keys keys, VmRoute r, FailoverKind kind, ProtectionOperation operation,
                                         FailoverSettings options, boolean skipDone) {
        String id = "failover/" + r.vm.id();
        String vmId = r.vm.id();
        String name = r.vm.name();
        List<Step> steps = new ArrayList<>();
        if (kind != FailoverKind.TEST) {
            steps.add(new Step.Apply(new ConfigChange.Transition(vmId, operation)));
        }
        switch (kind) {
            case PLANNED -> {
                steps.add(new Step.Command(keys.request(id, steps.size(), r.sourceServer, r.sourceHost,
                        new HostCommand.PrepareFailover(vmId, name))));
                steps.add(new Step.Command(keys.request(id, steps.size(), r.targetServer, r.targetHost,
                        new HostCommand.Failover(vmId, name, RecoveryPointChoice.latest()))));
                steps.add(new Step.Apply(new ConfigChange.Transition(vmId, ProtectionOperation.COMPLETE_FAILOVER)));
            }
            case UNPLANNED -> {
                steps.add(new Step.Command(keys.request(id, steps.size(), r.targetServer, r.targetHost,
                        new HostCommand.Failover(vmId, name, options.recoveryPoint()))));
                steps.add(new Step.Apply(new ConfigChange.Transition(vmId, ProtectionOperation.COMPLETE_FAILOVER)));
            }
            case TEST -> {
                // F1: the VM counts as under test once the host made its test VM; a refused Start-VMFailover -AsTest
                // made none, and a vault that said otherwise would leave a cleanup with nothing to delete (it fails)
                // and refuse every later test failover (F8)
                steps.add(new Step.Command(keys.request(id, steps.size(), r.targetServer, r.targetHost,
                        new HostCommand.TestFailover(vmId, name, options.recoveryPoint(), options.testNetwork()))));
                steps.add(new Step.Apply(new ConfigChange.Transition(vmId, operation)));
            }
        }
        return new TaskSpec(id, (kind == FailoverKind.TEST ? "Test failover of " : "Fail over ") + name, vmId, steps,
                TaskSpec.OnFailure.STOP_JOB, skipDone);
    }

    private static TaskSpec bootTask(VaultConfiguration config, Keys keys, VmRoute r, FailoverKind kind,
                                     FailoverDirection direction, FailoverSettings options, boolean skipDone,
                                     int group) {
        String id = "boot/" + r.vm.id();
        boolean test = kind == FailoverKind.TEST;
        List<Step> steps = new ArrayList<>();
        for (NetworkAdapter nic : r.vm.networkAdapters()) {
            String network;
            if (test) {
                network = options.testNetwork().networkName();
            } else if (direction == FailoverDirection.RECOVERY_TO_PRIMARY || nic.vmNetwork() == null) {
                network = nic.vmNetwork();
            } else {
                // N3: no mapping means no network after failover
                network = config.protection().targetNetworkFor(r.sourceServer, nic.vmNetwork(), r.targetServer)
                        .orElse(null);
            }
            steps.add(new Step.Command(keys.request(id, steps.size(), r.targetServer, r.targetHost,
                    new HostCommand.ConnectNetworkAdapter(r.vm.id(), r.vm.name(), nic.name(), network, test))));
        }
        steps.add(new Step.Command(keys.request(id, steps.size(), r.targetServer, r.targetHost,
                new HostCommand.StartVm(r.vm.id(), r.vm.name(), test))));
        return new TaskSpec(id, "Start " + r.vm.name() + (test ? " (test)" : "") + " in group " + group, r.vm.id(),
                steps, TaskSpec.OnFailure.STOP_JOB, skipDone);
    }

    private static Phase actionPhase(VaultConfiguration config, Keys keys, String where, int index,
                                     PlanAction action, TaskSpec.OnFailure scriptFailure, String primaryServer,
                                     String recoveryServer) {
        String id = "action/" + index;
        TaskSpec task;
        if (action.details() instanceof PlanAction.Script script) {
            String server = script.side() == ScriptSide.PRIMARY ? primaryServer : recoveryServer;
            Site site = config.sites().get(server);
            String host = site == null ? server : site.name();
            task = new TaskSpec(id, "Script '" + action.name() + "' " + where, null, List.of(new Step.Command(
                    keys.request(id, 0, server, host, new HostCommand.RunScript(script.path(), script.timeout())))),
                    scriptFailure, false);
        } else {
            PlanAction.Manual manual = (PlanAction.Manual) action.details();
            task = TaskSpec.of(id, "Manual action '" + action.name() + "' " + where, null,
                    List.of(new Step.Manual(manual.instructions())));
        }
        return new Phase(capitalize(where) + ": " + action.name(), List.of(task));
    }

    /** Per-VM jobs after a failover: cleanup of a test (F1), commit (F4), change of point (F4), reverse (F5). */
    JobSpec afterFailover(VaultConfiguration config, @Nullable RecoveryPlan plan, List<String> vmIds, JobKind kind,
                          @Nullable RecoveryPointChoice point) {
        List<String> vms = plan != null ? plan.vms() : vmIds;
        ProtectionOperation operation = switch (kind) {
            case CLEANUP_TEST_FAILOVER -> ProtectionOperation.CLEANUP_TEST_FAILOVER;
            case COMMIT -> ProtectionOperation.COMMIT;
            case CHANGE_RECOVERY_POINT -> ProtectionOperation.CHANGE_RECOVERY_POINT;
            case REVERSE_REPLICATION -> ProtectionOperation.REVERSE_REPLICATE;
            default -> throw new IllegalArgumentException(kind + " is not an after-failover job");
        };
        Keys keys = new Keys();
        List<TaskSpec> tasks = new ArrayList<>();
        for (String vmId : vms) {
            ProtectedVm pvm = protectedVm(config, vmId);
            if (!pvm.allows(operation)) {
                throw new IllegalTransitionException(pvm.subject(), pvm.state().name(), operation.name());
            }
            CloudPairing pairing = config.protection().pairing(pvm.pairing()).orElseThrow();
            // the VM runs where it failed over to (for a test failover: the test VM sits beside the replica)
            VmRoute r = route(config, pvm, FailoverDirection.PRIMARY_TO_RECOVERY, false);
            boolean onRecovery = pvm.activeLocation() == ActiveLocation.RECOVERY;
            String activeServer = r.activeServer;
            String activeHost = r.activeHost;
            String replicaServer = onRecovery ? pairing.primaryServerId() : pairing.targetServerId();
            String replicaHost = onRecovery ? r.vm.host() : r.protectedVm.replicaHost();
            String id = kind.name().toLowerCase(java.util.Locale.ROOT) + "/" + vmId;
            String name = r.vm.name();
            List<Step> steps = new ArrayList<>();
            switch (kind) {
                case CLEANUP_TEST_FAILOVER -> {
                    steps.add(new Step.Command(keys.request(id, 0, replicaServer, replicaHost,
                            new HostCommand.CleanupTestFailover(vmId, name))));
                    steps.add(new Step.Apply(new ConfigChange.Transition(vmId, operation)));
                }
                case COMMIT -> {
                    steps.add(new Step.Command(keys.request(id, 0, activeServer, activeHost,
                            new HostCommand.CompleteFailover(vmId, name))));
                    steps.add(new Step.Apply(new ConfigChange.Transition(vmId, operation)));
                }
                case CHANGE_RECOVERY_POINT -> {
                    // F4: the failover started the VM, and Stop-VMFailover refuses a running VM; turn it off, go to
                    // the other point, and start it again as the failover had
                    steps.add(new Step.Command(keys.request(id, 0, activeServer, activeHost,
                            new HostCommand.StopVm(vmId, name, true))));
                    steps.add(new Step.Command(keys.request(id, 1, activeServer, activeHost,
                            new HostCommand.CancelFailover(vmId, name))));
                    steps.add(new Step.Command(keys.request(id, 2, activeServer, activeHost,
                            new HostCommand.Failover(vmId, name, point))));
                    steps.add(new Step.Command(keys.request(id, 3, activeServer, activeHost,
                            new HostCommand.StartVm(vmId, name, false))));
                    steps.add(new Step.Apply(new ConfigChange.Transition(vmId, operation,
                            point == null ? null : point.toString())));
                }
                default -> {
                    steps.add(new Step.Apply(new ConfigChange.Transition(vmId, operation)));
                    if (pvm.lastFailover() == ProtectionOperation.UNPLANNED_FAILOVER) {
                        // F5: the old primary becomes the replica, and Hyper-V refuses to reverse replication onto
                        // a VM that runs; an unplanned failover may have left it running (no shutdown asked, or
                        // the source was unreachable then), so it is turned off here first
                        steps.add(new Step.Command(keys.request(id, steps.size(), replicaServer, replicaHost,
                                new HostCommand.StopVm(vmId, name, true))));
                    }
                    steps.add(new Step.Command(keys.request(id, steps.size(), activeServer, activeHost,
                            new HostCommand.ReverseReplication(vmId, name, replicaHost, parameters(pairing.settings())))));
                    if (pvm.lastFailover() == ProtectionOperation.UNPLANNED_FAILOVER) {
                        // F5: after an unplanned failover the old side holds no usable copy; it gets a full one by
                        // the pairing's initial replication method, as when protection was enabled
                        addInitialReplication(keys, id, steps, r.vm, pairing.settings(), activeServer, activeHost,
                                replicaServer, replicaHost);
                    }
                    steps.add(new Step.Apply(new ConfigChange.Transition(vmId,
                            ProtectionOperation.FINISH_REVERSE_REPLICATION)));
                }
            }
            tasks.add(TaskSpec.of(id, capitalize(kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
                    + " of " + name, vmId, steps));
        }
        String target = plan != null ? "plan " + plan.name() : "vm " + vms.get(0);
        return new JobSpec(kind, target, plan == null ? null : plan.name(),
                List.of(new Phase(capitalize(kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')),
                        tasks)), List.of());
    }

    /**
     * Brings back a VM whose planned or unplanned failover did not complete: turns the failed-over copy off and
     * cancels the failover where the host has one, undoes a planned failover's preparation on the source, marks the
     * VM PROTECTED and starts it where it ran. Which host steps have anything to undo depends on where the failover
     * stopped, so those are noted when they fail and the job goes on.
     *
     * @throws NotFoundException when the VM is not protected
     * @throws IllegalTransitionException when no failover of it is running
     */
    JobSpec cancelFailover(VaultConfiguration config, String vmId) {
        ProtectedVm pvm = protectedVm(config, vmId);
        if (!pvm.allows(ProtectionOperation.CANCEL_FAILOVER)) {
            throw new IllegalTransitionException(pvm.subject(), pvm.state().name(),
                    ProtectionOperation.CANCEL_FAILOVER.name());
        }
        FailoverDirection direction = pvm.activeLocation() == ActiveLocation.PRIMARY
                ? FailoverDirection.PRIMARY_TO_RECOVERY : FailoverDirection.RECOVERY_TO_PRIMARY;
        VmRoute r = route(config, pvm, direction, false);
        String name = r.vm.name();
        Keys keys = new Keys();
        List<Phase> phases = new ArrayList<>();
        if (!r.targetHost.isEmpty()) {
            String id = "undo-failover/" + vmId;
            phases.add(new Phase("Undo failover", List.of(new TaskSpec(id, "Undo the failover of " + name, vmId,
                    List.of(new Step.Command(keys.request(id, 0, r.targetServer, r.targetHost,
                                    new HostCommand.StopVm(vmId, name, true))),
                            new Step.Command(keys.request(id, 1, r.targetServer, r.targetHost,
                                    new HostCommand.CancelFailover(vmId, name)))),
                    TaskSpec.OnFailure.RECORD_AND_CONTINUE, false))));
        }
        if (pvm.state() == ProtectionState.PLANNED_FAILOVER_RUNNING) {
            String id = "undo-prepare/" + vmId;
            phases.add(new Phase("Undo preparation", List.of(new TaskSpec(id, "Undo the preparation of " + name,
                    vmId, List.of(new Step.Command(keys.request(id, 0, r.sourceServer, r.sourceHost,
                            new HostCommand.CancelFailover(vmId, name)))),
                    TaskSpec.OnFailure.RECORD_AND_CONTINUE, false))));
        }
        phases.add(single("Mark protected", "protected/" + vmId, vmId, new Step.Apply(
                new ConfigChange.Transition(vmId, ProtectionOperation.CANCEL_FAILOVER))));
        String start = "start/" + vmId;
        phases.add(new Phase("Start again", List.of(new TaskSpec(start, "Start " + name + " where it ran", vmId,
                List.of(new Step.Command(keys.request(start, 0, r.sourceServer, r.sourceHost,
                        new HostCommand.StartVm(vmId, name, false)))), TaskSpec.OnFailure.RECORD_AND_CONTINUE,
                false))));
        return new JobSpec(JobKind.CANCEL_FAILOVER, "vm " + vmId, null, phases, List.of());
    }

    private static ProtectedVm protectedVm(VaultConfiguration config, String vmId) {
        return config.protection().protectedVm(vmId).orElseThrow(() -> new NotFoundException("protected VM", vmId));
    }

    private static Phase single(String phase, String taskId, @Nullable String vmId, Step step) {
        return new Phase(phase, List.of(TaskSpec.of(taskId, phase, vmId, List.of(step))));
    }

    private static List<String> distinct(List<String> ids) {
        Set<String> seen = new LinkedHashSet<>(ids);
        return List.copyOf(seen);
    }

    private static String capitalize(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }


    /** The host command's own form of a pairing's settings: spi does not depend on protection. */
    static HostCommand.ReplicationParameters parameters(ReplicationSettings s) {
        return new HostCommand.ReplicationParameters(s.copyFrequency().seconds(), s.additionalRecoveryPoints(),
                s.appConsistentFrequencyHours(), s.compression(),
                HostCommand.AuthenticationType.valueOf(s.authentication().name()), s.port());
    }

    static HostCommand.InitialReplicationMethod initialReplication(InitialReplication method) {
        if (method instanceof InitialReplication.OverNetworkScheduled at) {
            return new HostCommand.InitialReplicationMethod.OverNetworkScheduled(at.startTime());
        }
        if (method instanceof InitialReplication.Offline offline) {
            return new HostCommand.InitialReplicationMethod.Offline(offline.exportPath(), offline.importPath());
        }
        if (method instanceof InitialReplication.UsingExistingReplica) {
            return new HostCommand.InitialReplicationMethod.UsingExistingReplica();
        }
        return new HostCommand.InitialReplicationMethod.OverNetworkNow();
    }
}
