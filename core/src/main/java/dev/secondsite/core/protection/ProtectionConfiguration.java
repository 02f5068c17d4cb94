package dev.secondsite.core.protection;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableListMultimap;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSetMultimap;
import dev.secondsite.core.Finding;
import dev.secondsite.core.IllegalTransitionException;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.ValidationReport;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.NetworkAdapter;
import dev.secondsite.core.inventory.ObservedReplication;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.WindowsServerVersion;
import dev.secondsite.core.inventory.Vm;
import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javax.annotation.Nullable;

/**
 * Everything a vault has set up for protection: cloud pairings, network and storage mappings, protected VMs. Every
 * change checks the rules of SPEC sections 1 and 3 to 6 against the vault's inventory, given as
 * {@code Map<String, Site> sites} keyed by {@link Site#id()}, and either returns the new configuration with the
 * warnings found, or throws {@link InvalidConfigurationException} carrying every error (and the warnings), leaving
 * this configuration as it was.
 *
 * <p>Cost. Lookups are constant time through indexes (cloud to pairing, server to pairings, source to mapping,
 * VM to state, pairing to VMs), so a check costs what its item holds: a pairing the hosts of its two clouds, a
 * mapping the pairings between its two servers, a VM its adapters. {@link #validate(Map)} is linear in the size of
 * the configuration and the inventory it touches. Adding or removing a pairing or mapping copies those (few
 * thousand) entries; a change to a protected VM copies a small part of the VM index only.
 *
 * <p>Order. Pairings and mappings keep the order they were added in (an edit keeps its place), and protected VMs
 * come pairing by pairing in that order, each pairing's in the order they were protected; so an export is
 * deterministic and reads back in the same order. Equality is over the contents (pairings, mappings, protected
 * VMs), whatever the order.
 *
 * <p>Immutable and thread-safe.
 */
public final class ProtectionConfiguration {
    private static final ProtectionConfiguration EMPTY = new ProtectionConfiguration(ImmutableMap.of(),
            ImmutableMap.of(), ImmutableSetMultimap.of(), ImmutableListMultimap.of(), ImmutableMap.of(),
            ImmutableListMultimap.of(), ImmutableMap.of(), ChunkedMap.empty(), ChunkedMap.empty());

    /** A VM network or storage classification: its server and its name there. */
    private record Key(String serverId, String name) {
    }

    private final ImmutableMap<CloudRef, CloudPairing> pairings;              // by primary cloud
    private final ImmutableMap<CloudRef, CloudRef> pairingOfCloud;            // primary or target cloud -> primary
    private final ImmutableSetMultimap<String, CloudRef> pairingsByServer;    // primary or target server -> primary
    private final ImmutableListMultimap<String, CloudRef> pairingsByPrimaryServer;
    private final ImmutableMap<Key, NetworkMapping> networkMappings;          // by source network
    private final ImmutableListMultimap<Key, Key> networkSourcesByTarget;     // for failback
    private final ImmutableMap<Key, StorageMapping> storageMappings;          // by source classification
    // protected VMs are held per pairing so that a walk over a pairing's VMs stays on its two sites
    private final ChunkedMap<CloudRef, ChunkedMap<String, ProtectedVm>> vmsByPairing; // primary -> id -> VM
    private final ChunkedMap<String, CloudRef> pairingOfVm;                           // VM id -> primary cloud

    // the indexes travel with the maps they index, so that a change to a VM does not rebuild the pairing indexes
    private ProtectionConfiguration(ImmutableMap<CloudRef, CloudPairing> pairings,
                                    ImmutableMap<CloudRef, CloudRef> pairingOfCloud,
                                    ImmutableSetMultimap<String, CloudRef> pairingsByServer,
                                    ImmutableListMultimap<String, CloudRef> pairingsByPrimaryServer,
                                    ImmutableMap<Key, NetworkMapping> networkMappings,
                                    ImmutableListMultimap<Key, Key> networkSourcesByTarget,
                                    ImmutableMap<Key, StorageMapping> storageMappings,
                                    ChunkedMap<CloudRef, ChunkedMap<String, ProtectedVm>> vmsByPairing,
                                    ChunkedMap<String, CloudRef> pairingOfVm) {
        this.pairings = pairings;
        this.pairingOfCloud = pairingOfCloud;
        this.pairingsByServer = pairingsByServer;
        this.pairingsByPrimaryServer = pairingsByPrimaryServer;
        this.networkMappings = networkMappings;
        this.networkSourcesByTarget = networkSourcesByTarget;
        this.storageMappings = storageMappings;
        this.vmsByPairing = vmsByPairing;
        this.pairingOfVm = pairingOfVm;
    }

    /** The configuration of a new vault: nothing paired, mapped or protected. */
    public static ProtectionConfiguration empty() {
        return EMPTY;
    }

    /**
     * A configuration made of the given parts, as read back from a document. Checks what holds whatever the
     * inventory (C3: a cloud in at most one pairing; N1 and S2: one target per source; every protected VM once, in a
     * state the configuration keeps, of an existing pairing); the vault checks the rest with
     * {@link #validate(Map)} against its inventory.
     *
     * @throws InvalidConfigurationException with every error found
     */
    public static ProtectionConfiguration of(Collection<CloudPairing> pairings,
                                             Collection<NetworkMapping> networkMappings,
                                             Collection<StorageMapping> storageMappings,
                                             Collection<ProtectedVm> protectedVms) {
        requireNonNull(pairings, "pairings");
        requireNonNull(networkMappings, "networkMappings");
        requireNonNull(storageMappings, "storageMappings");
        requireNonNull(protectedVms, "protectedVms");
        List<Finding> errors = new ArrayList<>();
        Map<CloudRef, CloudPairing> byPrimary = new LinkedHashMap<>();
        Map<CloudRef, CloudPairing> byCloud = new HashMap<>();
        for (CloudPairing p : pairings) {
            CloudPairing clash = Optional.ofNullable(byCloud.get(p.primary())).orElse(byCloud.get(p.target()));
            if (clash != null) {
                CloudRef cloud = byCloud.containsKey(p.primary()) ? p.primary() : p.target();
                errors.add(inUse(p, cloud, clash));
                continue;
            }
            byPrimary.put(p.primary(), p);
            byCloud.put(p.primary(), p);
            byCloud.put(p.target(), p);
        }
        Map<Key, NetworkMapping> networks = new LinkedHashMap<>();
        for (NetworkMapping m : networkMappings) {
            NetworkMapping other = networks.putIfAbsent(new Key(m.sourceServerId(), m.sourceNetwork()), m);
            if (other != null) {
                errors.add(Finding.error(Rule.N1, m.subject(), "sourceNetwork", m.sourceNetwork(), "sourceNetwork ("
                        + m.sourceNetwork() + ") must map to one target network only, but is also in "
                        + other.subject()));
            }
        }
        Map<Key, StorageMapping> storages = new LinkedHashMap<>();
        for (StorageMapping m : storageMappings) {
            StorageMapping other = storages.putIfAbsent(new Key(m.sourceServerId(), m.sourceClassification()), m);
            if (other != null) {
                errors.add(Finding.error(Rule.S2, m.subject(), "sourceClassification", m.sourceClassification(),
                        "sourceClassification (" + m.sourceClassification() + ") must map to one target "
                                + "classification only, but is also in " + other.subject()));
            }
        }
        ProtectionConfiguration config = EMPTY.withPairings(ImmutableMap.copyOf(byPrimary))
                .withNetworkMappings(ImmutableMap.copyOf(networks))
                .withStorageMappings(ImmutableMap.copyOf(storages));
        Set<String> seen = new HashSet<>();
        for (ProtectedVm vm : protectedVms) {
            if (!seen.add(vm.vmId())) {
                errors.add(Finding.error(Rule.INPUT, vm.subject(), "vmId", vm.vmId(),
                        "vmId (" + vm.vmId() + ") must appear once"));
            } else if (!byPrimary.containsKey(vm.pairing())) {
                errors.add(Finding.error(Rule.E1, vm.subject(), "pairing", vm.pairing(),
                        "pairing (" + vm.pairing() + ") must be the primary cloud of a pairing"));
            } else if (vm.state() == ProtectionState.UNPROTECTED) {
                errors.add(Finding.error(Rule.E4, vm.subject(), "state", vm.state(),
                        "state (UNPROTECTED) is not kept: a VM whose protection is disabled leaves the configuration"));
            } else {
                config = config.withVm(vm);
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidConfigurationException(errors);
        }
        return config;
    }

    // ---------------------------------------------------------------------------------------------- pairings

    /**
     * Pairs {@code pairing}'s primary cloud with its target cloud.
     *
     * <p>Errors: P1 (both servers SC2012 SP1 or later), P2 (one server: two clouds; two servers: a cloud each), P3
     * (Hyper-V capability profile on both clouds), P4 (the primary cloud has a host group), P5 (the hosts of both
     * clouds run Windows Server 2012 or later with the Hyper-V role; each cloud has a host), C1 (both clouds synced,
     * i.e. in {@code sites}), C3 (neither cloud is in a pairing yet), C5 (more than 15 recovery points with a
     * Windows Server 2012 host), O1 (an offline path on a host of either cloud).
     *
     * <p>Warnings: C4 (hosts older than 2012 R2 copy every 5 minutes whatever the setting, named with the effective
     * value), P5 (a host of the primary server with VMs in no cloud), P6 (a static-IP cluster of either cloud
     * without replica broker). P6 is a warning here and an error in {@link #protect}: the broker is configured by
     * hand outside VMM and can be set up after pairing; it is enabling protection of a VM on such a cluster that
     * fails without it.
     *
     * @throws InvalidConfigurationException with every error found
     */
    public ConfigurationChange pair(CloudPairing pairing, Map<String, Site> sites) {
        requireNonNull(pairing, "pairing");
        requireNonNull(sites, "sites");
        List<Finding> findings = new ArrayList<>();
        checkNotInUse(pairing, pairing.primary(), findings);
        checkNotInUse(pairing, pairing.target(), findings);
        PairingChecks.check(pairing, sites, findings);
        Site primarySite = sites.get(pairing.primaryServerId());
        if (primarySite != null) {
            PairingChecks.hostsOutsideClouds(primarySite, findings);
        }
        ValidationReport report = ValidationReport.of(findings).throwIfErrors();
        return new ConfigurationChange(withPairings(put(pairings, pairing.primary(), pairing)), report);
    }

    /**
     * Changes the settings of the pairing of {@code edited.primary()}, re-checked as in {@link #pair}. Saving is a
     * job that reconfigures the primary hosts (C12); the target server and cloud cannot change.
     *
     * @throws InvalidConfigurationException (INPUT) when the cloud is not a pairing's primary; (C12) when the target
     *     differs; otherwise with every error of {@link #pair}'s checks except C3
     */
    public ConfigurationChange editPairing(CloudPairing edited, Map<String, Site> sites) {
        requireNonNull(edited, "edited");
        requireNonNull(sites, "sites");
        CloudPairing existing = requirePairing(edited.primary());
        if (!existing.target().equals(edited.target())) {
            boolean serverChanged = !existing.targetServerId().equals(edited.targetServerId());
            String field = serverChanged ? "targetServerId" : "targetCloud";
            Object value = serverChanged ? edited.targetServerId() : edited.target().cloud();
            Object was = serverChanged ? existing.targetServerId() : existing.target().cloud();
            throw InvalidConfigurationException.of(Rule.C12, existing.subject(), field, value, field + " (" + value
                    + ") cannot be changed from " + was + ": remove the pairing and pair the cloud again");
        }
        List<Finding> findings = new ArrayList<>();
        PairingChecks.check(edited, sites, findings);
        ValidationReport report = ValidationReport.of(findings).throwIfErrors();
        return new ConfigurationChange(withPairings(put(pairings, edited.primary(), edited)), report);
    }

    /**
     * Removes the pairing whose primary cloud is {@code primary}. Mappings stay (they belong to the servers, not to
     * the pairing); {@link #validate} reports a mapping left without a pairing between its servers.
     *
     * @throws InvalidConfigurationException (INPUT) when there is no such pairing; (E4) naming every VM of the
     *     pairing that is still protected: their protection must be disabled first
     */
    public ConfigurationChange unpair(CloudRef primary) {
        CloudPairing existing = requirePairing(requireNonNull(primary, "primary"));
        ChunkedMap<String, ProtectedVm> vms = vmsOf(primary);
        if (!vms.isEmpty()) {
            List<String> names = sorted(vms.values()).stream().map(ProtectedVm::subject).toList();
            throw InvalidConfigurationException.of(Rule.E4, existing.subject(), "protectedVms", names,
                    "protectedVms (" + String.join(", ", names) + ") must be disabled before the pairing is removed");
        }
        return new ConfigurationChange(withPairings(remove(pairings, primary)), ValidationReport.empty());
    }

    // ---------------------------------------------------------------------------------------------- mappings

    /**
     * Maps a VM network of a primary server to one of a target server (N1, N2). Mapping a source again to the same
     * target changes nothing.
     *
     * <p>Errors: N1 (both networks exist on their servers; the source is not mapped to another target yet, see
     * {@link #remapNetwork}), N2 (there is a pairing from the source server to the target server, and the target
     * network's logical network is associated with the target cloud of one of them). Warning: N2, for each pairing
     * whose primary cloud the source network serves and whose target cloud cannot use the target network.
     *
     * @throws InvalidConfigurationException with every error found
     */
    public MappingChange mapNetwork(NetworkMapping mapping, Map<String, Site> sites) {
        requireNonNull(mapping, "mapping");
        requireNonNull(sites, "sites");
        NetworkMapping existing = networkMappings.get(sourceOf(mapping));
        if (mapping.equals(existing)) {
            return new MappingChange(this, ValidationReport.empty(), List.of());
        }
        if (existing != null) {
            throw InvalidConfigurationException.of(Rule.N1, mapping.subject(), "sourceNetwork",
                    mapping.sourceNetwork(), "sourceNetwork (" + mapping.sourceNetwork() + ") must map to one "
                            + "target network only, and is mapped to " + existing.targetServerId() + "/"
                            + existing.targetNetwork() + ": remap it instead");
        }
        return changeNetworkMapping(mapping, sites);
    }

    /**
     * Changes the target of an existing network mapping, checked as in {@link #mapNetwork}. The change is a job
     * (N4) that reconnects the replicas of {@link MappingChange#affectedVmIds()}.
     *
     * @throws InvalidConfigurationException (INPUT) when the source network is not mapped; otherwise as
     *     {@link #mapNetwork}
     */
    public MappingChange remapNetwork(NetworkMapping mapping, Map<String, Site> sites) {
        requireNonNull(mapping, "mapping");
        requireNonNull(sites, "sites");
        requireNetworkMapping(mapping.sourceServerId(), mapping.sourceNetwork());
        return changeNetworkMapping(mapping, sites);
    }

    private MappingChange changeNetworkMapping(NetworkMapping mapping, Map<String, Site> sites) {
        List<Finding> findings = new ArrayList<>();
        MappingChecks.network(mapping, pairingsBetween(mapping.sourceServerId(), mapping.targetServerId()), sites,
                true, findings);
        ValidationReport report = ValidationReport.of(findings).throwIfErrors();
        ProtectionConfiguration changed = withNetworkMappings(put(networkMappings, sourceOf(mapping), mapping));
        return new MappingChange(changed, report,
                affectedVms(mapping.sourceServerId(), mapping.sourceNetwork(), mapping.targetServerId(), sites));
    }

    /**
     * Removes the mapping of {@code sourceNetwork} on server {@code sourceServerId}. The affected VMs fail over
     * disconnected from now on: the report has an N3 warning for each.
     *
     * @throws InvalidConfigurationException (INPUT) when the network is not mapped
     */
    public MappingChange unmapNetwork(String sourceServerId, String sourceNetwork, Map<String, Site> sites) {
        requireNonNull(sites, "sites");
        NetworkMapping existing = requireNetworkMapping(sourceServerId, sourceNetwork);
        ProtectionConfiguration changed = withNetworkMappings(remove(networkMappings, sourceOf(existing)));
        List<String> affected = affectedVms(sourceServerId, sourceNetwork, existing.targetServerId(), sites);
        return new MappingChange(changed, changed.disconnectedVms(affected, sites), affected);
    }

    /**
     * Maps a storage classification of a primary server to one of a target server (S1, S2). Mapping a source again
     * to the same target changes nothing.
     *
     * @throws InvalidConfigurationException (S2) when the source is mapped to another target (see
     *     {@link #remapStorage}); (S1) when a classification does not exist or is available to no host of the
     *     primary (resp. target) clouds paired between the two servers
     */
    public ConfigurationChange mapStorage(StorageMapping mapping, Map<String, Site> sites) {
        requireNonNull(mapping, "mapping");
        requireNonNull(sites, "sites");
        StorageMapping existing = storageMappings.get(sourceOf(mapping));
        if (mapping.equals(existing)) {
            return new ConfigurationChange(this, ValidationReport.empty());
        }
        if (existing != null) {
            throw InvalidConfigurationException.of(Rule.S2, mapping.subject(), "sourceClassification",
                    mapping.sourceClassification(), "sourceClassification (" + mapping.sourceClassification()
                            + ") must map to one target classification only, and is mapped to "
                            + existing.targetServerId() + "/" + existing.targetClassification()
                            + ": remap it instead");
        }
        return changeStorageMapping(mapping, sites);
    }

    /**
     * Changes the target of an existing storage mapping, checked as in {@link #mapStorage}.
     *
     * @throws InvalidConfigurationException (INPUT) when the source is not mapped; otherwise as {@link #mapStorage}
     */
    public ConfigurationChange remapStorage(StorageMapping mapping, Map<String, Site> sites) {
        requireNonNull(mapping, "mapping");
        requireNonNull(sites, "sites");
        requireStorageMapping(mapping.sourceServerId(), mapping.sourceClassification());
        return changeStorageMapping(mapping, sites);
    }

    private ConfigurationChange changeStorageMapping(StorageMapping mapping, Map<String, Site> sites) {
        List<Finding> findings = new ArrayList<>();
        MappingChecks.storage(mapping, pairingsBetween(mapping.sourceServerId(), mapping.targetServerId()), sites,
                true, findings);
        ValidationReport report = ValidationReport.of(findings).throwIfErrors();
        return new ConfigurationChange(withStorageMappings(put(storageMappings, sourceOf(mapping), mapping)), report);
    }

    /**
     * Removes the mapping of {@code sourceClassification} on server {@code sourceServerId}; replica data of new
     * replicas goes to the target host's default location (S2).
     *
     * @throws InvalidConfigurationException (INPUT) when the classification is not mapped
     */
    public ConfigurationChange unmapStorage(String sourceServerId, String sourceClassification) {
        StorageMapping existing = requireStorageMapping(sourceServerId, sourceClassification);
        return new ConfigurationChange(withStorageMappings(remove(storageMappings, sourceOf(existing))),
                ValidationReport.empty());
    }

    // ---------------------------------------------------------------------------------------------- VMs

    /**
     * Starts protecting VM {@code vmId} of the paired primary cloud {@code primaryCloud} (E1): the VM enters
     * {@link ProtectionState#ENABLING}, and the job enables replication, runs the initial replication and finalizes.
     * A VM that Hyper-V Replica already replicates is onboarded instead ({@link #onboard}).
     *
     * <p>E2: a request from a provider (the VM's properties on the VMM side) ends in the same state as one from the
     * vault; a provider's report about a VM this configuration already protects in that cloud changes nothing.
     *
     * <p>Errors: E1 (the cloud is a pairing's primary; the VM's host is in it; the VM is not protected yet, unless
     * reported by a provider), INPUT (the server is registered and has the VM), P5 (its host runs Windows Server 2012
     * or later with the Hyper-V role), P6 (its host's static-IP cluster has a replica broker). Warning: N3 for each
     * adapter on a network without a mapping to the target server.
     *
     * @throws InvalidConfigurationException with every error found
     */
    public ConfigurationChange protect(CloudRef primaryCloud, String vmId, ProtectionOrigin origin,
                                       Map<String, Site> sites) {
        return protect(primaryCloud, vmId, origin, sites, null);
    }

    /**
     * {@link #protect(CloudRef, String, ProtectionOrigin, Map)} with the replica placed on {@code replicaHost} (a
     * Hyper-V host of the pairing's target cloud), or on the host {@link #replicaHostFor} picks when null.
     *
     * @throws InvalidConfigurationException as {@code protect}, and (E1) when {@code replicaHost} is not a Hyper-V
     *     host of the target cloud
     */
    public ConfigurationChange protect(CloudRef primaryCloud, String vmId, ProtectionOrigin origin,
                                       Map<String, Site> sites, @Nullable String replicaHost) {
        requireNonNull(origin, "origin");
        Placement placement = place(primaryCloud, vmId, sites);
        ProtectedVm existing = vm(vmId);
        if (existing != null && origin == ProtectionOrigin.PROVIDER && existing.pairing().equals(primaryCloud)) {
            return new ConfigurationChange(this, ValidationReport.empty());
        }
        if (placement.vm().observedReplication() != null) {
            return onboard(primaryCloud, vmId, sites);
        }
        List<Finding> findings = new ArrayList<>();
        checkNotProtected(existing, placement, findings);
        placement.check(findings);
        List<String> candidates = replicaHosts(placement.pairing(), sites);
        String host = replicaHost;
        if (host == null && !candidates.isEmpty()) {
            host = candidates.get(Math.floorMod(vmId.hashCode(), candidates.size()));
        }
        if (host == null || !candidates.contains(host)) {
            findings.add(Finding.error(Rule.E1, placement.subject(), "replicaHost", host, "replicaHost ("
                    + (host == null ? "none" : host) + ") must be a Hyper-V host of target cloud "
                    + placement.pairing().target() + "; candidates: " + candidates));
        }
        return admit(placement, ProtectionOperation.ENABLE, findings, host);
    }

    /**
     * The host {@link #protect} places VM {@code vmId}'s replica on when none is given: one of the Hyper-V hosts
     * (Windows Server 2012 or later, P5) of the pairing's target cloud, the same for the same VM and inventory.
     *
     * @throws InvalidConfigurationException as {@code protect} when the VM or its pairing is not there, and (E1) when
     *     the target cloud has no usable host
     */
    public String replicaHostFor(CloudRef primaryCloud, String vmId, Map<String, Site> sites) {
        Placement placement = place(primaryCloud, vmId, sites);
        List<String> candidates = replicaHosts(placement.pairing(), sites);
        if (candidates.isEmpty()) {
            throw InvalidConfigurationException.of(Rule.E1, placement.subject(), "replicaHost", null,
                    "replicaHost (none) must be found: target cloud " + placement.pairing().target()
                            + " has no Hyper-V host on Windows Server 2012 or later");
        }
        return candidates.get(Math.floorMod(vmId.hashCode(), candidates.size()));
    }

    private static List<String> replicaHosts(CloudPairing pairing, Map<String, Site> sites) {
        Site target = sites.get(pairing.targetServerId());
        if (target == null) {
            return List.of();
        }
        return target.hostsOf(pairing.target().cloud()).stream()
                .map(name -> target.host(name).orElseThrow())
                .filter(h -> h.hyperVRole() && h.windowsServerVersion().isAtLeast(WindowsServerVersion.WS2012))
                .map(h -> h.name()).sorted().toList();
    }

    /**
     * Takes over replication Hyper-V Replica already does for VM {@code vmId} (E3): accepted when the VM's host is
     * in the pairing's primary cloud, its replica host in the target cloud, and the observed settings match the
     * pairing's. The VM becomes {@link ProtectionState#PROTECTED} at once and keeps its replica.
     *
     * <p>Compared: the copy frequency (with the effective value of the VM's host, C4), the recovery points (C13: not
     * fewer than the pairing's), the app-consistent frequency, compression, authentication and port. Every
     * difference is an error of its own, all in one exception.
     *
     * @throws InvalidConfigurationException with every error found: those of {@link #protect}, E3 (no replication to
     *     take over; replica host not in the target cloud; each differing setting), C13
     */
    public ConfigurationChange onboard(CloudRef primaryCloud, String vmId, Map<String, Site> sites) {
        Placement placement = place(primaryCloud, vmId, sites);
        List<Finding> findings = new ArrayList<>();
        checkNotProtected(vm(vmId), placement, findings);
        placement.check(findings);
        ObservedReplication observed = placement.vm().observedReplication();
        if (observed == null) {
            findings.add(Finding.error(Rule.E3, placement.subject(), "observedReplication", null,
                    "observedReplication (missing) must be there to onboard: the VM is not replicated by Hyper-V"));
        } else {
            Onboarding.check(placement.pairing(), placement.host(), observed, sites, placement.subject(), findings);
        }
        return admit(placement, ProtectionOperation.ONBOARD, findings,
                observed == null ? null : observed.replicaHost());
    }

    /** Adds the placed VM after {@code operation}, with N3 warnings, unless {@code findings} hold an error. */
    private ConfigurationChange admit(Placement placement, ProtectionOperation operation, List<Finding> findings,
                                      @Nullable String replicaHost) {
        CloudPairing pairing = placement.pairing();
        disconnectedAdapters(placement.subject(), placement.vm(), pairing.primaryServerId(),
                pairing.targetServerId(), findings::add);
        ValidationReport report = ValidationReport.of(findings).throwIfErrors();
        ProtectedVm vm = ProtectedVm.unprotected(placement.vm().id(), placement.vm().name(), pairing.primary())
                .apply(operation);
        if (replicaHost != null) {
            vm = vm.withReplicaHost(replicaHost);
        }
        return new ConfigurationChange(withVm(vm), report);
    }

    /**
     * Stops protecting VM {@code vmId} (E4): it leaves the configuration, and the result says whether the job deletes
     * the replica too (C11).
     *
     * @throws InvalidConfigurationException (INPUT) when the VM is not protected
     * @throws IllegalTransitionException when its state does not allow {@link ProtectionOperation#DISABLE} (a
     *     failover or test failover runs, or a failover is not committed yet)
     */
    public DisableResult disableProtection(String vmId) {
        ProtectedVm vm = requireProtected(vmId);
        ProtectedVm disabled = vm.apply(ProtectionOperation.DISABLE);
        boolean deleteReplica = pairings.get(vm.pairing()).settings().deleteReplicaOnDisable();
        return new DisableResult(withoutVm(vm), disabled, deleteReplica);
    }

    /**
     * Moves VM {@code vmId} through the state machine ({@link ProtectionStateMachine}). When the VM stops counting as
     * protected (F7: an unplanned failover completed), the report has a warning saying so.
     *
     * @throws InvalidConfigurationException (INPUT) when the VM is not protected, or for ENABLE, ONBOARD and DISABLE,
     *     which are {@link #protect}, {@link #onboard} and {@link #disableProtection}
     * @throws IllegalTransitionException naming the VM, its state and the operation when the state does not allow it
     */
    public ConfigurationChange transition(String vmId, ProtectionOperation operation) {
        requireNonNull(operation, "operation");
        if (operation == ProtectionOperation.ENABLE || operation == ProtectionOperation.ONBOARD
                || operation == ProtectionOperation.DISABLE) {
            throw InvalidConfigurationException.of(Rule.INPUT, "VM " + vmId, "operation", operation, "operation ("
                    + operation + ") changes which VMs are protected: use protect, onboard or disableProtection");
        }
        ProtectedVm vm = requireProtected(vmId);
        ProtectedVm next = vm.apply(operation);
        ValidationReport report = vm.isProtected() && !next.isProtected()
                ? ValidationReport.of(List.of(Finding.warning(Rule.F7, next.subject(), "state", next.state(),
                        "state (" + next.state() + ") leaves the VM unprotected until reverse replication finishes")))
                : ValidationReport.empty();
        return new ConfigurationChange(withVm(next), report);
    }

    // ---------------------------------------------------------------------------------------------- checks

    /**
     * N3, for the pre-failover check: the given protected VMs that would fail over with an adapter on a network with
     * no mapping towards the other side, as one WARNING per adapter naming VM and network. The direction is away
     * from the side that runs each VM, so that after reverse replication the check is the one of a failback. An id
     * that is not a protected VM, or a VM missing from the inventory, is an INPUT error finding.
     */
    public ValidationReport disconnectedVms(Collection<String> vmIds, Map<String, Site> sites) {
        requireNonNull(vmIds, "vmIds");
        requireNonNull(sites, "sites");
        List<Finding> findings = new ArrayList<>();
        for (String id : vmIds) {
            ProtectedVm vm = vm(id);
            if (vm == null) {
                findings.add(Finding.error(Rule.INPUT, "VM " + id, "vmId", id, "vmId (" + id
                        + ") must be a protected VM"));
                continue;
            }
            CloudPairing p = pairings.get(vm.pairing());
            boolean atPrimary = vm.activeLocation() == ActiveLocation.PRIMARY;
            String from = atPrimary ? p.primaryServerId() : p.targetServerId();
            String to = atPrimary ? p.targetServerId() : p.primaryServerId();
            Optional<Vm> found = Optional.ofNullable(sites.get(from)).flatMap(s -> s.vm(id));
            if (found.isEmpty() && !atPrimary) {
                // the recovery server has not synced the replica yet; failing back reconnects the VM to the
                // networks it had on the primary server, so nothing is disconnected
                continue;
            }
            if (found.isEmpty()) {
                findings.add(Finding.error(Rule.INPUT, vm.subject(), "vmId", id, "vmId (" + id
                        + ") must be in the inventory of server " + from));
                continue;
            }
            disconnectedAdapters(vm.subject(), found.get(), from, to, findings::add);
        }
        return ValidationReport.of(findings);
    }

    /** {@link #disconnectedVms(Collection, Map)} for every protected VM of the pairing of {@code primaryCloud}. */
    public ValidationReport disconnectedVms(CloudRef primaryCloud, Map<String, Site> sites) {
        return disconnectedVms(sorted(vmsOf(requireNonNull(primaryCloud, "primaryCloud")).values()).stream()
                .map(ProtectedVm::vmId).toList(), sites);
    }

    /**
     * The network a replica of a VM on {@code vmNetwork} of server {@code serverId} is connected to on server
     * {@code targetServerId} after failover (N4): the mapping's target, or, for a failback, the source of a mapping
     * whose target is {@code vmNetwork} (the first one added when several are). Empty when there is none (N3).
     */
    public Optional<String> targetNetworkFor(String serverId, String vmNetwork, String targetServerId) {
        Key key = new Key(serverId, vmNetwork);
        NetworkMapping forward = networkMappings.get(key);
        if (forward != null && forward.targetServerId().equals(targetServerId)) {
            return Optional.of(forward.targetNetwork());
        }
        for (Key source : networkSourcesByTarget.get(key)) {
            if (source.serverId().equals(targetServerId)) {
                return Optional.of(source.name());
            }
        }
        return Optional.empty();
    }

    /**
     * Re-checks the whole configuration against {@code sites}, e.g. after a server re-synced: every pairing as in
     * {@link #pair} (but C3, which holds by construction), every mapping as when it was made (a mapping whose servers
     * have no pairing any more is a warning), and every protected VM (E1: still in the inventory, on a host of the
     * cloud of the side that runs it). Linear in the size of the configuration.
     */
    public ValidationReport validate(Map<String, Site> sites) {
        requireNonNull(sites, "sites");
        List<Finding> findings = new ArrayList<>();
        // a pairing's VMs right after it: they touch the same two sites, which keeps a large vault's walk local
        for (CloudPairing p : pairings.values()) {
            PairingChecks.check(p, sites, findings);
            ChunkedMap<String, ProtectedVm> vms = vmsOf(p.primary());
            if (!vms.isEmpty()) {
                checkStillPlaced(p, vms.values(), sites, findings);
            }
        }
        for (String serverId : pairingsByPrimaryServer.keySet()) {
            Site site = sites.get(serverId);
            if (site != null) {
                PairingChecks.hostsOutsideClouds(site, findings);
            }
        }
        for (NetworkMapping m : networkMappings.values()) {
            MappingChecks.network(m, pairingsBetween(m.sourceServerId(), m.targetServerId()), sites, false, findings);
        }
        for (StorageMapping m : storageMappings.values()) {
            MappingChecks.storage(m, pairingsBetween(m.sourceServerId(), m.targetServerId()), sites, false, findings);
        }
        return ValidationReport.of(findings);
    }

    /** E1 for the VMs of pairing {@code p}: each is in the inventory, on a host of the cloud of its side. */
    private static void checkStillPlaced(CloudPairing p, Collection<ProtectedVm> vms, Map<String, Site> sites,
                                         List<Finding> findings) {
        Site primarySite = sites.get(p.primaryServerId());
        Site targetSite = sites.get(p.targetServerId());
        Set<String> primaryHosts = primarySite == null ? Set.of() : primarySite.hostsOf(p.primary().cloud());
        Set<String> targetHosts = targetSite == null ? Set.of() : targetSite.hostsOf(p.target().cloud());
        for (ProtectedVm vm : vms) {
            boolean atPrimary = vm.activeLocation() == ActiveLocation.PRIMARY;
            Site site = atPrimary ? primarySite : targetSite;
            CloudRef cloud = atPrimary ? p.primary() : p.target();
            Vm found = site == null ? null : site.vm(vm.vmId()).orElse(null);
            if (found == null) {
                findings.add(Finding.error(Rule.E1, vm.subject(), "vmId", vm.vmId(), "vmId (" + vm.vmId()
                        + ") must still be in the inventory of server " + cloud.serverId()));
            } else if (!(atPrimary ? primaryHosts : targetHosts).contains(found.host())) {
                findings.add(Finding.error(Rule.E1, vm.subject(), "host", found.host(), "host (" + found.host()
                        + ") must be in cloud " + cloud + " of the VM's pairing"));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- lookups

    /** Every pairing, in the order they were added. */
    public List<CloudPairing> pairings() {
        return pairings.values().asList();
    }

    /** The pairing whose primary cloud is {@code primary}. */
    public Optional<CloudPairing> pairing(CloudRef primary) {
        return Optional.ofNullable(pairings.get(primary));
    }

    /** The pairing {@code cloud} belongs to, as primary or as target (C3: at most one). */
    public Optional<CloudPairing> pairingUsing(CloudRef cloud) {
        CloudRef primary = pairingOfCloud.get(cloud);
        return primary == null ? Optional.empty() : Optional.of(pairings.get(primary));
    }

    /** The pairings with a cloud on server {@code serverId}, as primary or target, in the order they were added. */
    public List<CloudPairing> pairingsOnServer(String serverId) {
        return pairingsByServer.get(serverId).stream().map(pairings::get).collect(ImmutableList.toImmutableList());
    }

    /** Every network mapping, in the order they were added. */
    public List<NetworkMapping> networkMappings() {
        return networkMappings.values().asList();
    }

    /** The mapping of {@code vmNetwork} on server {@code serverId}. */
    public Optional<NetworkMapping> networkMapping(String serverId, String vmNetwork) {
        return Optional.ofNullable(networkMappings.get(new Key(serverId, vmNetwork)));
    }

    /** Every storage mapping, in the order they were added. */
    public List<StorageMapping> storageMappings() {
        return storageMappings.values().asList();
    }

    /** The mapping of {@code classification} on server {@code serverId}. */
    public Optional<StorageMapping> storageMapping(String serverId, String classification) {
        return Optional.ofNullable(storageMappings.get(new Key(serverId, classification)));
    }

    /**
     * Every protected VM (a read-only view): pairing by pairing in the order of {@link #pairings()}, and within a
     * pairing in the order they were protected.
     */
    public Collection<ProtectedVm> protectedVms() {
        return new AbstractCollection<>() {
            @Override
            public Iterator<ProtectedVm> iterator() {
                return pairings.keySet().stream().flatMap(p -> sorted(vmsOf(p).values()).stream()).iterator();
            }

            @Override
            public int size() {
                return pairingOfVm.size();
            }
        };
    }

    /** The protected VM of id {@code vmId}. */
    public Optional<ProtectedVm> protectedVm(String vmId) {
        return Optional.ofNullable(vm(requireNonNull(vmId, "vmId")));
    }

    /** The protected VMs of the pairing of {@code primary}, by VM id. */
    public List<ProtectedVm> protectedVmsOf(CloudRef primary) {
        return sorted(vmsOf(requireNonNull(primary, "primary")).values());
    }

    /**
     * Protected VMs by id: listings are ordered by id rather than by the order of protection, since the VMs of a
     * pairing are kept in chunks so that changing one VM does not copy them all.
     */
    private static List<ProtectedVm> sorted(List<ProtectedVm> vms) {
        vms.sort(java.util.Comparator.comparing(ProtectedVm::vmId));
        return java.util.Collections.unmodifiableList(vms);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private void checkNotInUse(CloudPairing pairing, CloudRef cloud, List<Finding> findings) {
        CloudRef owner = pairingOfCloud.get(cloud);
        if (owner != null) {
            findings.add(inUse(pairing, cloud, pairings.get(owner)));
        }
    }

    private static Finding inUse(CloudPairing pairing, CloudRef cloud, CloudPairing owner) {
        String field = cloud.equals(pairing.primary()) ? "primary" : "target";
        String role = cloud.equals(owner.primary()) ? "primary" : "target";
        return Finding.error(Rule.C3, pairing.subject(), field, cloud, field + " (" + cloud + ") must not be in "
                + "another pairing, but is the " + role + " cloud of " + owner.subject());
    }

    private CloudPairing requirePairing(CloudRef primary) {
        CloudPairing p = pairings.get(primary);
        if (p == null) {
            throw InvalidConfigurationException.of(Rule.INPUT, "cloud " + primary, "primary", primary,
                    "primary (" + primary + ") must be the primary cloud of a pairing");
        }
        return p;
    }

    private NetworkMapping requireNetworkMapping(String serverId, String network) {
        NetworkMapping m = networkMappings.get(new Key(requireNonNull(serverId), requireNonNull(network)));
        if (m == null) {
            throw InvalidConfigurationException.of(Rule.INPUT, "VM network " + serverId + "/" + network,
                    "sourceNetwork", network, "sourceNetwork (" + network + ") must be mapped on server " + serverId);
        }
        return m;
    }

    private StorageMapping requireStorageMapping(String serverId, String classification) {
        StorageMapping m = storageMappings.get(new Key(requireNonNull(serverId), requireNonNull(classification)));
        if (m == null) {
            throw InvalidConfigurationException.of(Rule.INPUT, "storage classification " + serverId + "/"
                    + classification, "sourceClassification", classification, "sourceClassification ("
                    + classification + ") must be mapped on server " + serverId);
        }
        return m;
    }

    private ProtectedVm requireProtected(String vmId) {
        ProtectedVm vm = vm(requireNonNull(vmId, "vmId"));
        if (vm == null) {
            throw InvalidConfigurationException.of(Rule.INPUT, "VM " + vmId, "vmId", vmId,
                    "vmId (" + vmId + ") must be a protected VM");
        }
        return vm;
    }

    private static void checkNotProtected(@Nullable ProtectedVm existing, Placement placement,
                                          List<Finding> findings) {
        if (existing != null) {
            findings.add(Finding.error(Rule.E1, placement.subject(), "vmId", existing.vmId(), "vmId ("
                    + existing.vmId() + ") is already protected (" + existing.state() + ", pairing of "
                    + existing.pairing() + ")"));
        }
    }

    /** Where a VM to protect is: its pairing, site, VM and host, all found. */
    private record Placement(CloudPairing pairing, Site site, Vm vm, Host host) {
        String subject() {
            return "VM " + vm.name() + " (" + vm.id() + ")";
        }

        /** E1: the VM's host is in the primary cloud; P5, P6 for the host. */
        void check(List<Finding> findings) {
            CloudRef cloud = pairing.primary();
            if (!site.cloudsOf(host.name()).contains(cloud.cloud())) {
                findings.add(Finding.error(Rule.E1, subject(), "host", host.name(), "host (" + host.name()
                        + ") must be in primary cloud " + cloud));
            }
            PairingChecks.checkVmHost(site, host, findings);
        }
    }

    private Placement place(CloudRef primaryCloud, String vmId, Map<String, Site> sites) {
        requireNonNull(primaryCloud, "primaryCloud");
        requireNonNull(vmId, "vmId");
        requireNonNull(sites, "sites");
        CloudPairing pairing = pairings.get(primaryCloud);
        if (pairing == null) {
            String role = pairingOfCloud.containsKey(primaryCloud) ? "a target cloud" : "not paired";
            throw InvalidConfigurationException.of(Rule.E1, "cloud " + primaryCloud, "primaryCloud", primaryCloud,
                    "primaryCloud (" + primaryCloud + ") must be the primary cloud of a pairing, but is " + role);
        }
        Site site = sites.get(primaryCloud.serverId());
        Vm vm = site == null ? null : site.vm(vmId).orElse(null);
        if (vm == null) {
            throw InvalidConfigurationException.of(Rule.INPUT, "VM " + vmId, "vmId", vmId, "vmId (" + vmId
                    + ") must be a VM of server " + primaryCloud.serverId()
                    + (site == null ? ", which is not registered" : ""));
        }
        // Site guarantees a VM's host exists
        return new Placement(pairing, site, vm, site.host(vm.host()).orElseThrow());
    }

    private void disconnectedAdapters(String subject, Vm vm, String from, String to, Consumer<Finding> out) {
        for (NetworkAdapter nic : vm.networkAdapters()) {
            String network = nic.vmNetwork();
            if (network != null && targetNetworkFor(from, network, to).isEmpty()) {
                out.accept(Finding.warning(Rule.N3, subject, "networkAdapters." + nic.name() + ".vmNetwork", network,
                        "vmNetwork (" + network + ") of adapter " + nic.name() + " has no mapping to server " + to
                                + ": the VM fails over disconnected"));
            }
        }
    }

    /** The protected VMs of pairings from {@code serverId} to {@code targetServerId} with an adapter on the network. */
    private List<String> affectedVms(String serverId, String network, String targetServerId,
                                     Map<String, Site> sites) {
        Site site = sites.get(serverId);
        if (site == null) {
            return List.of();
        }
        List<String> affected = new ArrayList<>();
        for (CloudPairing p : pairingsBetween(serverId, targetServerId)) {
            for (String id : vmsOf(p.primary()).keys()) {
                site.vm(id).filter(vm -> vm.networkAdapters().stream()
                        .anyMatch(nic -> network.equals(nic.vmNetwork()))).ifPresent(vm -> affected.add(id));
            }
        }
        return affected;
    }

    private List<CloudPairing> pairingsBetween(String sourceServerId, String targetServerId) {
        List<CloudPairing> between = new ArrayList<>();
        for (CloudRef primary : pairingsByPrimaryServer.get(sourceServerId)) {
            CloudPairing p = pairings.get(primary);
            if (p.targetServerId().equals(targetServerId)) {
                between.add(p);
            }
        }
        return between;
    }

    private ChunkedMap<String, ProtectedVm> vmsOf(CloudRef primary) {
        ChunkedMap<String, ProtectedVm> vms = vmsByPairing.get(primary);
        return vms == null ? ChunkedMap.empty() : vms;
    }

    private @Nullable ProtectedVm vm(String vmId) {
        CloudRef primary = pairingOfVm.get(vmId);
        return primary == null ? null : vmsOf(primary).get(vmId);
    }

    private static Key sourceOf(NetworkMapping m) {
        return new Key(m.sourceServerId(), m.sourceNetwork());
    }

    private static Key sourceOf(StorageMapping m) {
        return new Key(m.sourceServerId(), m.sourceClassification());
    }

    /** This configuration with other pairings; derives the pairing indexes again. */
    private ProtectionConfiguration withPairings(ImmutableMap<CloudRef, CloudPairing> newPairings) {
        ImmutableMap.Builder<CloudRef, CloudRef> ofCloud = ImmutableMap.builderWithExpectedSize(2 * newPairings.size());
        ImmutableSetMultimap.Builder<String, CloudRef> byServer = ImmutableSetMultimap.builder();
        ImmutableListMultimap.Builder<String, CloudRef> byPrimaryServer = ImmutableListMultimap.builder();
        for (CloudPairing p : newPairings.values()) {
            ofCloud.put(p.primary(), p.primary()).put(p.target(), p.primary());
            byServer.put(p.primaryServerId(), p.primary()).put(p.targetServerId(), p.primary());
            byPrimaryServer.put(p.primaryServerId(), p.primary());
        }
        return new ProtectionConfiguration(newPairings, ofCloud.buildOrThrow(), byServer.build(),
                byPrimaryServer.build(), networkMappings, networkSourcesByTarget, storageMappings, vmsByPairing,
                pairingOfVm);
    }

    /** This configuration with other network mappings; derives the reverse index again. */
    private ProtectionConfiguration withNetworkMappings(ImmutableMap<Key, NetworkMapping> newMappings) {
        ImmutableListMultimap.Builder<Key, Key> sources = ImmutableListMultimap.builder();
        newMappings.forEach((source, m) -> sources.put(new Key(m.targetServerId(), m.targetNetwork()), source));
        return new ProtectionConfiguration(pairings, pairingOfCloud, pairingsByServer, pairingsByPrimaryServer,
                newMappings, sources.build(), storageMappings, vmsByPairing, pairingOfVm);
    }

    private ProtectionConfiguration withStorageMappings(ImmutableMap<Key, StorageMapping> newMappings) {
        return new ProtectionConfiguration(pairings, pairingOfCloud, pairingsByServer, pairingsByPrimaryServer,
                networkMappings, networkSourcesByTarget, newMappings, vmsByPairing, pairingOfVm);
    }

    /** Adds or replaces {@code vm}; its pairing does not change over its life. */
    private ProtectionConfiguration withVm(ProtectedVm vm) {
        ChunkedMap<String, CloudRef> ofVm = pairingOfVm.containsKey(vm.vmId()) ? pairingOfVm
                : pairingOfVm.with(vm.vmId(), vm.pairing());
        return withVms(vmsByPairing.with(vm.pairing(), vmsOf(vm.pairing()).with(vm.vmId(), vm)), ofVm);
    }

    private ProtectionConfiguration withoutVm(ProtectedVm vm) {
        ChunkedMap<String, ProtectedVm> rest = vmsOf(vm.pairing()).without(vm.vmId());
        return withVms(rest.isEmpty() ? vmsByPairing.without(vm.pairing()) : vmsByPairing.with(vm.pairing(), rest),
                pairingOfVm.without(vm.vmId()));
    }

    private ProtectionConfiguration withVms(ChunkedMap<CloudRef, ChunkedMap<String, ProtectedVm>> byPairing,
                                            ChunkedMap<String, CloudRef> ofVm) {
        return new ProtectionConfiguration(pairings, pairingOfCloud, pairingsByServer, pairingsByPrimaryServer,
                networkMappings, networkSourcesByTarget, storageMappings, byPairing, ofVm);
    }

    /** {@code map} with {@code key} mapped to {@code value}: in the key's old place, or last. */
    private static <K, V> ImmutableMap<K, V> put(ImmutableMap<K, V> map, K key, V value) {
        ImmutableMap.Builder<K, V> b = ImmutableMap.builderWithExpectedSize(map.size() + 1);
        map.forEach((k, v) -> b.put(k, k.equals(key) ? value : v));
        if (!map.containsKey(key)) {
            b.put(key, value);
        }
        return b.buildOrThrow();
    }

    private static <K, V> ImmutableMap<K, V> remove(ImmutableMap<K, V> map, K key) {
        ImmutableMap.Builder<K, V> b = ImmutableMap.builderWithExpectedSize(map.size());
        map.forEach((k, v) -> {
            if (!k.equals(key)) {
                b.put(k, v);
            }
        });
        return b.buildOrThrow();
    }

    /** Equal when pairings, mappings and protected VMs are equal, whatever the order they were added in. */
    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof ProtectionConfiguration c && pairings.equals(c.pairings)
                && networkMappings.equals(c.networkMappings) && storageMappings.equals(c.storageMappings)
                && vmsByPairing.equals(c.vmsByPairing);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pairings, networkMappings, storageMappings, vmsByPairing);
    }

    @Override
    public String toString() {
        return "ProtectionConfiguration[" + pairings.size() + " pairings, " + networkMappings.size()
                + " network mappings, " + storageMappings.size() + " storage mappings, " + pairingOfVm.size()
                + " protected VMs]";
    }
}
