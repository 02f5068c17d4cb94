package dev.secondsite.core.vault;

import dev.secondsite.core.registration.ServerRegistration;
import dev.secondsite.core.registration.RegistrationResult;
import dev.secondsite.core.registration.SyncReport;
import dev.secondsite.core.registration.ProxySettings;
import dev.secondsite.core.registration.CloudSync;
import dev.secondsite.core.registration.RegistrationRefusedException;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.Finding;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.ValidationReport;
import dev.secondsite.core.internal.Checks;
import dev.secondsite.core.internal.ServiceDiscovery;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.ProviderNode;
import dev.secondsite.core.job.JobEvent;
import dev.secondsite.core.json.JobEventJson;
import dev.secondsite.core.json.VaultRecordJson;
import dev.secondsite.core.spi.StateStore;
import dev.secondsite.core.store.JournalStore;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.job.ConfigChange;
import dev.secondsite.core.job.EngineOptions;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobEffects;
import dev.secondsite.core.job.JobEngine;
import dev.secondsite.core.job.JobJournal;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobListener;
import dev.secondsite.core.job.JobQuery;
import dev.secondsite.core.job.JobSpec;
import dev.secondsite.core.plan.FailoverDirection;
import dev.secondsite.core.plan.FailoverKind;
import dev.secondsite.core.plan.PlanContext;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.ProtectionConfiguration;
import dev.secondsite.core.protection.StorageMapping;
import dev.secondsite.core.spi.RecoveryPointChoice;
import dev.secondsite.core.spi.Transport;
import dev.secondsite.core.transport.Transports;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import dev.secondsite.core.inventory.VmmVersion;
import dev.secondsite.core.registration.ProxyConnectivityCheck;
import dev.secondsite.core.registration.VaultEndpoint;
import dev.secondsite.core.registration.RegistrationRefusedException.Reason;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane users hold: a named vault in a region (V1) that issues registration keys (K1), registers VMM
 * servers (R1-R5), holds their synced inventory, and (through its configuration) pairings, mappings and protected
 * VMs.
 *
 * <p>Every change is all or nothing: it is computed on the immutable {@link VaultConfiguration} and swapped in only
 * when it passed every check, so a refused call leaves the vault exactly as it was.
 *
 * <p>Thread-safe: changes are serialized; reads see the latest complete configuration without locking.
 */
public final class Vault implements VaultEndpoint, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Vault.class);

    private final Clock clock;
    private final KeySigner signer;
    private final @Nullable ProxyConnectivityCheck proxyCheck;
    private final SecureRandom random;
    private volatile VaultConfiguration configuration;
    private final VaultJobs jobPlans;
    private final JobEngine engine;
    /** Keys of job steps already applied, so that a step re-run after a crash changes nothing twice (J3). */
    private final Set<String> appliedSteps = ConcurrentHashMap.newKeySet();
    /** Where every change is journaled before it takes effect; null for a vault kept in memory only. */
    private final @Nullable StateStore store;
    private final boolean ownsStore;

    private Vault(Builder b) {
        this.clock = b.clock;
        this.random = b.random;
        this.ownsStore = b.store == null && b.storage != null;
        this.store = b.store != null ? b.store : b.storage != null ? JournalStore.open(b.storage) : null;
        try {
            Restored restored = store == null ? null : restore(store);
            VaultRecord.Created created;
            if (b.name == null && (restored == null || restored.created == null)) {
                throw InvalidConfigurationException.of(Rule.J3, "vault storage", "dir", b.storage, "dir ("
                        + b.storage + ") holds no vault; create one with Vault.builder(name, region).storage(dir)");
            }
            if (restored != null && restored.created != null) {
                created = restored.created;
                VaultInfo stored = created.info();
                if (b.name != null && (!stored.name().equals(b.name) || !stored.region().equals(b.region))) {
                    throw InvalidConfigurationException.of(Rule.V1, "vault " + stored.name(), "name", b.name,
                            "name ('" + b.name + "') and region ('" + b.region + "') must be those of the vault "
                                    + "kept in its storage ('" + stored.name() + "', '" + stored.region() + "')");
                }
                this.configuration = restored.configuration;
                this.appliedSteps.addAll(restored.appliedSteps);
            } else {
                byte[] secret = b.signingSecret;
                if (secret == null) {
                    secret = new byte[32];
                    random.nextBytes(secret);
                }
                String id = b.id != null ? b.id : UUID.randomUUID().toString();
                VaultInfo info = new VaultInfo(id, Checks.text(Rule.V1, "vault", "name", b.name),
                        Checks.text(Rule.V1, "vault " + b.name, "region", b.region), VaultState.ACTIVE,
                        clock.instant());
                created = new VaultRecord.Created(info, secret);
                this.configuration = VaultConfiguration.empty(info);
                if (store != null) {
                    store.append(VaultRecordJson.type(created), VaultRecordJson.encode(created));
                }
            }
            this.signer = new KeySigner(created.info().id(), created.signingSecret());
            this.proxyCheck = b.proxyCheck != null ? b.proxyCheck
                    : ServiceDiscovery.first(ProxyConnectivityCheck.class, p -> true, "proxy checks").orElse(null);
            this.jobPlans = new VaultJobs(clock);
            Transport transport = b.transport != null ? b.transport : Transports.forUri(b.transportUri);
            JobJournal journal = b.journal;
            if (store != null) {
                StateStore s = store;
                JobJournal extra = b.journal;
                journal = event -> {
                    s.append(VaultRecordJson.JOB_EVENT, JobEventJson.encode(event));
                    extra.append(event);
                };
            }
            this.engine = JobEngine.builder(transport, new Effects()).clock(clock).options(b.engineOptions)
                    .journal(journal).build();
            // providers' registration and sync calls reach this vault through its transport
            transport.bind(this);
            if (restored != null && restored.created != null) {
                // one snapshot per opening keeps the journal short: what was replayed now lives in it
                store.writeSnapshot(restored.lastSequence, VaultRecordJson.encode(new VaultRecord.Snapshot(created,
                        configuration, appliedSteps, List.copyOf(restored.jobs.values()))));
                int resumed = 0;
                for (List<JobEvent> events : restored.jobs.values()) {
                    if (!engine.adopt(events).state().isFinal()) {
                        resumed++;
                    }
                }
                LOG.info("Opened vault {} from {}: {} servers, {} protected VMs, {} jobs ({} resumed)",
                        created.info().name(), b.storage != null ? b.storage : store,
                        configuration.servers().size(), configuration.protection().protectedVms().size(),
                        restored.jobs.size(), resumed);
            }
        } catch (RuntimeException | Error e) {
            if (ownsStore && store != null) {
                store.close();
            }
            throw e;
        }
    }

    /** What a store held: the vault's creation, its configuration, applied step keys, each job's events. */
    private static final class Restored {
        @Nullable VaultRecord.Created created;
        VaultConfiguration configuration;
        final Set<String> appliedSteps = new HashSet<>();
        final Map<String, List<JobEvent>> jobs = new LinkedHashMap<>();
        long lastSequence;
    }

    private static Restored restore(StateStore store) {
        Restored r = new Restored();
        store.latestSnapshot().ifPresent(snapshot -> {
            VaultRecord.Snapshot snap = VaultRecordJson.decodeSnapshot(snapshot.state());
            r.created = snap.vault();
            r.configuration = snap.configuration();
            r.appliedSteps.addAll(snap.appliedSteps());
            snap.jobs().forEach(events -> r.jobs.put(events.get(0).jobId(), new ArrayList<>(events)));
            r.lastSequence = snapshot.uptoSequence();
        });
        store.replay(rec -> {
            VaultRecord record = VaultRecordJson.decode(rec.type(), rec.payload());
            r.lastSequence = rec.sequence();
            if (record instanceof VaultRecord.Created c) {
                r.created = c;
                r.configuration = VaultConfiguration.empty(c.info());
            } else if (record instanceof VaultRecord.JobRecorded j) {
                r.jobs.computeIfAbsent(j.event().jobId(), id -> new ArrayList<>()).add(j.event());
            } else if (record instanceof VaultRecord.Applied a) {
                if (r.appliedSteps.add(a.key())) {
                    r.configuration = applyChange(r.configuration, a.change());
                }
            } else if (record instanceof VaultRecord.ServerSaved s) {
                r.configuration = r.configuration.withServer(s.server(), s.inventory());
            } else if (record instanceof VaultRecord.ServerRemoved s) {
                r.configuration = r.configuration.withoutServer(s.serverId());
            } else if (record instanceof VaultRecord.PlanSaved p) {
                r.configuration = r.configuration.withPlan(p.plan());
            } else if (record instanceof VaultRecord.PlanRemoved p) {
                r.configuration = r.configuration.withoutPlan(p.name());
            }
        });
        return r;
    }

    /** Journals {@code record} (when the vault is durable) before the change it describes takes effect. */
    private void record(VaultRecord record) {
        if (store != null) {
            store.append(VaultRecordJson.type(record), VaultRecordJson.encode(record));
        }
    }

    /**
     * Opens the vault kept in {@code dir} with default settings (transport {@code local:default}), restoring its
     * whole configuration and every job; jobs that were running go on where they stopped (J3).
     *
     * @throws InvalidConfigurationException (J3) when {@code dir} holds no vault
     * @throws dev.secondsite.core.spi.StateStoreLockedException when another process has it open
     * @throws dev.secondsite.core.spi.StateStoreCorruptedException when its journal is damaged before its end
     */
    public static Vault open(Path dir) {
        return open(dir, b -> { });
    }

    /**
     * {@link #open(Path)} with settings: {@code configure} sets the transport, engine options, clock... on a builder
     * whose name and region are the stored vault's.
     */
    public static Vault open(Path dir, java.util.function.Consumer<Builder> configure) {
        // no name or region: the stored vault's are taken, and an empty directory is refused
        Builder b = new Builder(null, null);
        configure.accept(b);
        return b.storage(dir).build();
    }

    /**
     * Starts building a vault.
     *
     * @param name the vault's friendly name (V1)
     * @param region the region it lives in (V1)
     */
    public static Builder builder(String name, String region) {
        return new Builder(requireNonNull(name, "name"), requireNonNull(region, "region"));
    }

    /** The vault's identity; its state is {@link VaultState#ACTIVE} from creation (V1). */
    public VaultInfo info() {
        return configuration.info();
    }

    /** The whole configuration as one immutable value. */
    public VaultConfiguration configuration() {
        return configuration;
    }

    /**
     * Generates a registration key, valid for {@link RegistrationKey#VALIDITY} from now (K1). Hand its
     * {@link RegistrationKey#encoded() encoded form} to the provider that registers.
     */
    public RegistrationKey generateRegistrationKey() {
        byte[] id = new byte[9];
        random.nextBytes(id);
        RegistrationKey key = signer.issue(java.util.HexFormat.of().formatHex(id), clock.instant());
        LOG.info("Issued registration key {} for vault {}, valid until {}", key.keyId(), info().name(),
                key.expiresAt());
        return key;
    }

    /**
     * Registers a VMM server with its inventory (R1-R5). On success the server is listed and, depending on
     * {@link ServerRegistration#cloudSync()}, all its clouds or none are synced (R4).
     *
     * @param request the friendly name, key and options the provider sends
     * @param inventory the server's inventory as the provider reports it
     * @return the registered server and the warnings raised (R3 encryption ignored, proxy not tested)
     * @throws RegistrationRefusedException when the key is malformed, expired, foreign or tampered (K1), the name
     *     is missing or not the cluster role name (R1, R2), the cluster's provider versions differ (R2), the VMM
     *     version is older than 2012 SP1 (P1), the server is already registered, or its proxy cannot be reached;
     *     nothing is registered
     */
    @Override
    public synchronized RegistrationResult register(ServerRegistration request, Site inventory) {
        requireNonNull(request, "request");
        requireNonNull(inventory, "inventory");
        Instant now = clock.instant();
        if (request.friendlyName().isBlank()) {
            throw new RegistrationRefusedException(Rule.R1, Reason.SERVER_NAME,
                    "friendlyName (blank) must be given");
        }
        if (request.registrationKey().isEmpty()) {
            throw new RegistrationRefusedException(Rule.R1, Reason.KEY_MALFORMED, "registrationKey must be given");
        }
        RegistrationKey key = signer.verify(request.registrationKey(), now);
        checkServer(request, inventory);
        List<Finding> warnings = new ArrayList<>();
        request.proxy().ifPresent(proxy -> warnings.addAll(checkProxy(proxy)));
        request.encryption().ifPresent(enc -> warnings.add(Finding.warning(Rule.R3, "server " + inventory.id(),
                "encryption", enc, "encryption (" + enc + ") applies only to replication to Azure; it is ignored "
                        + "for a secondary site")));
        Set<String> synced = request.cloudSync() == CloudSync.ALL ? cloudNames(inventory) : Set.of();
        RegisteredServer server = new RegisteredServer(inventory.id(), request.friendlyName(),
                inventory.vmmVersion(), providerVersionOf(inventory), now, key.keyId(),
                request.proxy().orElse(null), request.cloudSync(), synced, now);
        record(new VaultRecord.ServerSaved(server, inventory));
        configuration = configuration.withServer(server, inventory);
        warnings.forEach(w -> LOG.warn("Registering server {}: {}", server.friendlyName(), w));
        LOG.info("Registered server {} ({}) with vault {} using key {}; {} of {} clouds synced",
                server.friendlyName(), server.serverId(), info().name(), key.keyId(), synced.size(),
                inventory.clouds().size());
        return new RegistrationResult(new RegistrationResult.Server(server.serverId(), server.friendlyName(),
                server.providerVersion(), server.proxy(), server.cloudSync(), server.syncedClouds()),
                ValidationReport.of(warnings));
    }

    private void checkServer(ServerRegistration request, Site inventory) {
        if (!inventory.vmmVersion().isAtLeast(VmmVersion.SC2012_SP1)) {
            throw new RegistrationRefusedException(Rule.P1, Reason.SERVER_UNSUPPORTED, "vmmVersion ("
                    + inventory.vmmVersion() + ") of server " + inventory.name() + " must be SC2012_SP1 or later");
        }
        if (inventory.isClustered()) {
            String role = inventory.registrationName();
            if (!request.friendlyName().equals(role)) {
                throw new RegistrationRefusedException(Rule.R2, Reason.SERVER_NAME, "friendlyName ('"
                        + request.friendlyName() + "') of a clustered VMM server must be its cluster role name ('"
                        + role + "')");
            }
            Set<String> versions = inventory.clusterNodes().stream().map(ProviderNode::providerVersion)
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            if (versions.size() > 1) {
                throw new RegistrationRefusedException(Rule.R2, Reason.SERVER_NAME, "providerVersion differs "
                        + "between the nodes of cluster " + role + ": " + inventory.clusterNodes().stream()
                        .map(n -> n.name() + "=" + n.providerVersion()).collect(Collectors.joining(", "))
                        + "; all nodes must run the same provider version");
            }
        }
        if (configuration.server(inventory.id()).isPresent()) {
            throw new RegistrationRefusedException(Rule.R5, Reason.ALREADY_REGISTERED, "server " + inventory.id()
                    + " is already registered as '" + configuration.server(inventory.id()).get().friendlyName()
                    + "'; unregister it first");
        }
    }

    private List<Finding> checkProxy(ProxySettings proxy) {
        String subject = "proxy " + proxy.address() + ":" + proxy.port();
        if (proxyCheck == null) {
            return List.of(Finding.warning(Rule.R1, subject, "proxyAddress", proxy.address(), "proxyAddress ("
                    + proxy.address() + ":" + proxy.port() + ") was not tested for connectivity: no "
                    + "ProxyConnectivityCheck is wired or found (add dev.secondsite:secondsite-transport-https)"));
        }
        Optional<String> failure = proxyCheck.check(proxy);
        if (failure.isPresent()) {
            throw new RegistrationRefusedException(Rule.R1, Reason.PROXY_UNREACHABLE, "proxyAddress ("
                    + proxy.address() + ":" + proxy.port() + ") cannot be used: " + failure.get());
        }
        return List.of();
    }

    private static String providerVersionOf(Site inventory) {
        return inventory.clusterNodes().isEmpty() ? inventory.providerVersion()
                : inventory.clusterNodes().get(0).providerVersion();
    }

    private static Set<String> cloudNames(Site site) {
        Set<String> names = new LinkedHashSet<>();
        site.clouds().forEach(c -> names.add(c.name()));
        return names;
    }

    /** The registered servers, in registration order (R5). */
    public List<RegisteredServer> servers() {
        return List.copyOf(configuration.servers());
    }

    /** A registered server's inventory as the vault sees it (synced clouds only), or empty if not registered. */
    public Optional<Site> site(String serverId) {
        return Optional.ofNullable(configuration.sites().get(serverId));
    }

    /**
     * Replaces a server's inventory with what its provider reports now (R5). With {@link CloudSync#ALL} every
     * reported cloud is synced; with {@link CloudSync#ONE_BY_ONE} the clouds synced before stay synced while they
     * exist. The report names clouds that vanished while a pairing still uses them, and the findings of
     * re-validating the whole configuration; the new inventory is taken in either case, since it is the truth.
     *
     * @throws InvalidConfigurationException (INPUT) when the server is not registered or the inventory is another
     *     server's; nothing changes
     */
    @Override
    public synchronized SyncReport sync(String serverId, Site inventory) {
        RegisteredServer server = requireServer(serverId);
        if (!inventory.id().equals(serverId)) {
            throw InvalidConfigurationException.of(Rule.INPUT, "server " + serverId, "inventory.id", inventory.id(),
                    "inventory.id ('" + inventory.id() + "') is not the id of server " + serverId);
        }
        Set<String> before = server.syncedClouds();
        Set<String> after = new LinkedHashSet<>(cloudNames(inventory));
        if (server.cloudSync() == CloudSync.ONE_BY_ONE) {
            after.retainAll(before);
        }
        return applySync(server, inventory, after);
    }

    /**
     * Syncs one more cloud of a server registered with {@link CloudSync#ONE_BY_ONE} (R4), from the inventory it
     * last reported.
     *
     * @throws InvalidConfigurationException (R4) when the server reported no such cloud, (INPUT) when the server is
     *     not registered; nothing changes
     */
    public synchronized SyncReport syncCloud(String serverId, String cloud) {
        RegisteredServer server = requireServer(serverId);
        Site reported = configuration.reportedInventories().get(serverId);
        if (reported.cloud(cloud).isEmpty()) {
            throw InvalidConfigurationException.of(Rule.R4, "server " + serverId, "cloud", cloud, "cloud ('" + cloud
                    + "') is not among the clouds server " + serverId + " reported: " + cloudNames(reported));
        }
        Set<String> after = new LinkedHashSet<>(server.syncedClouds());
        after.add(cloud);
        return applySync(server, reported, after);
    }

    private SyncReport applySync(RegisteredServer server, Site inventory, Set<String> synced) {
        Set<String> added = new LinkedHashSet<>(synced);
        added.removeAll(server.syncedClouds());
        Set<String> removed = new LinkedHashSet<>(server.syncedClouds());
        removed.removeAll(synced);
        VaultConfiguration next = configuration.withServer(server.withSync(synced, clock.instant()), inventory);
        Set<String> inUse = new LinkedHashSet<>();
        for (String cloud : removed) {
            if (next.protection().pairingUsing(new CloudRef(server.serverId(), cloud)).isPresent()) {
                inUse.add(cloud);
            }
        }
        ValidationReport findings = next.validate();
        record(new VaultRecord.ServerSaved(next.server(server.serverId()).orElseThrow(), inventory));
        configuration = next;
        if (!inUse.isEmpty()) {
            LOG.warn("Server {} no longer reports clouds {} that pairings still use", server.friendlyName(), inUse);
        }
        SyncReport report = new SyncReport(server.serverId(), added, removed, inUse, findings);
        LOG.info("Synced server {}: {} clouds added, {} removed", server.friendlyName(), added.size(), removed.size());
        return report;
    }

    /**
     * Removes a server and its inventory from the vault.
     *
     * @throws InvalidConfigurationException (INPUT) when the server is not registered, (C2) while pairings use
     *     it; nothing changes
     */
    public synchronized void unregister(String serverId) {
        requireServer(serverId);
        List<String> used = configuration.protection().pairingsOnServer(serverId).stream()
                .map(p -> p.primary() + " -> " + p.target()).toList();
        if (!used.isEmpty()) {
            throw InvalidConfigurationException.of(Rule.C2, "server " + serverId, "serverId", serverId,
                    "serverId ('" + serverId + "') is used by pairings " + used + "; remove them first");
        }
        record(new VaultRecord.ServerRemoved(serverId));
        configuration = configuration.withoutServer(serverId);
        LOG.info("Unregistered server {}", serverId);
    }

    private RegisteredServer requireServer(String serverId) {
        return configuration.server(serverId).orElseThrow(() -> InvalidConfigurationException.of(Rule.INPUT,
                "vault " + info().name(), "serverId", serverId, "serverId ('" + serverId + "') names no registered "
                        + "server; registered: " + new TreeMap<>(configuration.sites()).keySet()));
    }

    // ---------------------------------------------------------------- recovery plans (RP1-RP10)

    /**
     * Saves {@code plan}, replacing a plan of the same name. Its VMs must be protected VMs of its source server (RP1).
     *
     * @throws InvalidConfigurationException (RP1) naming a VM that is not protected on the plan's source server, or
     *     (INPUT) when the plan's servers are not registered; nothing changes
     */
    public synchronized void savePlan(RecoveryPlan plan) {
        requireNonNull(plan, "plan");
        requireServer(plan.sourceServer());
        requireServer(plan.targetServer());
        PlanContext context = configuration.planContext();
        for (String vmId : plan.vms()) {
            if (!context.isProtectedOn(plan.sourceServer(), vmId)) {
                throw InvalidConfigurationException.of(Rule.RP1, "plan " + plan.name(), "vms", vmId, "vms ('" + vmId
                        + "') must be a protected VM of source server " + plan.sourceServer());
            }
        }
        record(new VaultRecord.PlanSaved(plan));
        configuration = configuration.withPlan(plan);
        LOG.info("Saved recovery plan {} ({} VMs in {} groups)", plan.name(), plan.vms().size(), plan.groupCount());
    }

    public Optional<RecoveryPlan> plan(String name) {
        return configuration.plan(name);
    }

    public List<RecoveryPlan> plans() {
        return List.copyOf(configuration.plans());
    }

    /** @throws InvalidConfigurationException (RP1) when there is no such plan */
    public synchronized void removePlan(String name) {
        requirePlan(name);
        record(new VaultRecord.PlanRemoved(name));
        configuration = configuration.withoutPlan(name);
    }

    /** What plans are built against: the VMs this vault protects (RP1). */
    public PlanContext planContext() {
        return configuration.planContext();
    }

    private RecoveryPlan requirePlan(String name) {
        return configuration.plan(name).orElseThrow(() -> InvalidConfigurationException.of(Rule.RP1, "vault "
                + info().name(), "plan", name, "plan ('" + name + "') does not exist; plans: "
                + configuration.plans().stream().map(RecoveryPlan::name).toList()));
    }

    // ---------------------------------------------------------------- jobs (J1): configuration

    /**
     * Pairs a primary cloud with a target cloud (C1-C13): a job configures every Hyper-V host of both clouds for
     * replication, then saves the pairing (C12). Offline initial replication adds its checklist (O2-O4) to the job's
     * warnings.
     *
     * @return the job's id
     * @throws InvalidConfigurationException naming every broken rule; no job is created
     */
    public synchronized String pairClouds(CloudPairing pairing) {
        return submit(jobPlans.pair(configuration, pairing, false));
    }

    /**
     * Changes a pairing's settings (C12); its target server and cloud cannot change.
     *
     * @throws InvalidConfigurationException (C12) for a changed target, or naming any broken rule; no job is created
     */
    public synchronized String editPairing(CloudPairing pairing) {
        return submit(jobPlans.pair(configuration, pairing, true));
    }

    /** @throws InvalidConfigurationException (E4) while VMs of the cloud are protected; no job is created */
    public synchronized String unpairClouds(CloudRef primary) {
        return submit(jobPlans.unpair(configuration, primary));
    }

    /** Maps a VM network (N1, N2); replicas on it are reconnected (N4). */
    public synchronized String mapNetwork(NetworkMapping mapping) {
        return submit(jobPlans.mapNetwork(configuration, mapping, false));
    }

    /** Replaces the mapping of a source network (N1, N4). */
    public synchronized String remapNetwork(NetworkMapping mapping) {
        return submit(jobPlans.mapNetwork(configuration, mapping, true));
    }

    public synchronized String unmapNetwork(String serverId, String vmNetwork) {
        return submit(jobPlans.unmapNetwork(configuration, serverId, vmNetwork));
    }

    /** Maps a storage classification (S1, S2). */
    public synchronized String mapStorage(StorageMapping mapping) {
        return submit(jobPlans.mapStorage(configuration, mapping, false));
    }

    public synchronized String remapStorage(StorageMapping mapping) {
        return submit(jobPlans.mapStorage(configuration, mapping, true));
    }

    public synchronized String unmapStorage(String serverId, String classification) {
        return submit(jobPlans.unmapStorage(configuration, serverId, classification));
    }

    // ---------------------------------------------------------------- jobs: protection (E1-E4)

    /**
     * Protects VMs of a paired primary cloud (E1): for each, enable replication, initial replication (C10), finalize.
     *
     * @throws InvalidConfigurationException naming every broken rule (E1, P5, P6, ...); no job is created
     */
    public synchronized String enableProtection(CloudRef primaryCloud, List<String> vmIds) {
        return submit(jobPlans.enable(configuration, primaryCloud, vmIds));
    }

    /** Takes over a VM that Hyper-V Replica already replicates (E3, C13). */
    public synchronized String onboard(CloudRef primaryCloud, String vmId) {
        return submit(jobPlans.onboard(configuration, primaryCloud, vmId));
    }

    /** Removes a VM's replication, and its replica when the pairing says so (E4, C11). */
    public synchronized String disableProtection(String vmId) {
        return submit(jobPlans.disable(configuration, vmId));
    }

    // ---------------------------------------------------------------- jobs: failover (F1-F8, RP3-RP9)

    /**
     * Runs a failover of {@code kind} for a recovery plan, in its execution order (RP3, RP7): pre-flight check,
     * shutdown (planned; unplanned when asked), failover, boot groups with their actions.
     *
     * @throws InvalidConfigurationException when the plan does not exist or a VM cannot fail over (not protected,
     *     on the wrong side)
     * @throws dev.secondsite.core.IllegalTransitionException when a VM's state does not allow it and no other run
     *     failed it over (RP9)
     */
    public synchronized String failover(String planName, FailoverKind kind, FailoverOptions options) {
        return submit(jobPlans.failover(configuration, requirePlan(planName), List.of(), kind, options));
    }

    /** Runs a failover of one VM on its own (RP6). */
    public synchronized String failoverVm(String vmId, FailoverKind kind, FailoverOptions options) {
        return submit(jobPlans.failover(configuration, null, List.of(vmId), kind, options));
    }

    /** F1: a test failover of a plan into {@link FailoverOptions#testNetwork()}. */
    public String testFailover(String planName, FailoverOptions options) {
        return failover(planName, FailoverKind.TEST, options);
    }

    /** F2: a planned failover of a plan, no data lost. */
    public String plannedFailover(String planName, FailoverOptions options) {
        return failover(planName, FailoverKind.PLANNED, options);
    }

    /** F3: an unplanned failover of a plan from the chosen recovery point. */
    public String unplannedFailover(String planName, FailoverOptions options) {
        return failover(planName, FailoverKind.UNPLANNED, options);
    }

    /**
     * F5: fails a plan back to the primary site: a planned failover recovery-to-primary. Commit and reverse
     * replication follow as their own jobs, as after any failover.
     */
    public String failback(String planName) {
        return failover(planName, FailoverKind.PLANNED, FailoverOptions.builder()
                .direction(FailoverDirection.RECOVERY_TO_PRIMARY).build());
    }

    /** F1: deletes the test VMs of a plan's test failover. */
    public synchronized String cleanupTestFailover(String planName) {
        return submit(jobPlans.afterFailover(configuration, requirePlan(planName), List.of(),
                JobKind.CLEANUP_TEST_FAILOVER, null));
    }

    /** F4: commits the failover of a plan's VMs. */
    public synchronized String commit(String planName) {
        return submit(jobPlans.afterFailover(configuration, requirePlan(planName), List.of(), JobKind.COMMIT, null));
    }

    /** F5: reverse replication of a plan's VMs. */
    public synchronized String reverseReplication(String planName) {
        return submit(jobPlans.afterFailover(configuration, requirePlan(planName), List.of(),
                JobKind.REVERSE_REPLICATION, null));
    }

    /** F1, F4, F5 for one VM: {@code kind} is CLEANUP_TEST_FAILOVER, COMMIT or REVERSE_REPLICATION. */
    public synchronized String afterFailoverOfVm(String vmId, JobKind kind) {
        return submit(jobPlans.afterFailover(configuration, null, List.of(vmId), kind, null));
    }

    /** F4: before commit, fails the VM over to another recovery point. */
    public synchronized String changeRecoveryPoint(String vmId, RecoveryPointChoice point) {
        requireNonNull(point, "point");
        return submit(jobPlans.afterFailover(configuration, null, List.of(vmId), JobKind.CHANGE_RECOVERY_POINT,
                point));
    }

    // ---------------------------------------------------------------- jobs: following them (J1, J2, J4)

    public Job job(String jobId) {
        return engine.job(jobId);
    }

    /** Jobs matching {@code query}, oldest first (J4); {@code JobJson.export} turns them into a document. */
    public List<Job> jobs(JobQuery query) {
        return engine.jobs(query);
    }

    /** Completes when the job has ended or waits for a manual action. */
    public CompletableFuture<Job> settled(String jobId) {
        return engine.settled(jobId);
    }

    /** J2: resumes a job waiting for a manual action. */
    public void resume(String jobId, String comment) {
        engine.resume(jobId, comment);
    }

    /** J2: cancels a job at its next safe point. */
    public void cancel(String jobId) {
        engine.cancel(jobId);
    }

    /** J2: runs a failed or cancelled job again from where it stopped. */
    public void restart(String jobId) {
        engine.restart(jobId);
    }

    public void addJobListener(JobListener listener) {
        engine.addListener(listener);
    }

    /** Stops the job engine's threads and closes the vault's storage (jobs still running go on when it is opened). */
    @Override
    public void close() {
        engine.close();
        if (ownsStore && store != null) {
            store.close();
        }
    }

    private String submit(JobSpec spec) {
        String id = engine.submit(spec);
        LOG.info("Job {} created: {} {}", id, spec.kind(), spec.target());
        return id;
    }

    /**
     * The configuration after a job step's change: the same pure checks as when the job was created, run again on
     * the configuration as it is now (it may have changed since).
     */
    private static VaultConfiguration applyChange(VaultConfiguration c, ConfigChange change) {
        ProtectionConfiguration p = c.protection();
        Map<String, Site> sites = c.sites();
        ProtectionConfiguration next;
        if (change instanceof ConfigChange.Pair x) {
            next = p.pair(x.pairing(), sites).configuration();
        } else if (change instanceof ConfigChange.EditPairing x) {
            next = p.editPairing(x.pairing(), sites).configuration();
        } else if (change instanceof ConfigChange.Unpair x) {
            next = p.unpair(x.primary()).configuration();
        } else if (change instanceof ConfigChange.MapNetwork x) {
            next = p.networkMapping(x.mapping().sourceServerId(), x.mapping().sourceNetwork()).isPresent()
                    ? p.remapNetwork(x.mapping(), sites).configuration()
                    : p.mapNetwork(x.mapping(), sites).configuration();
        } else if (change instanceof ConfigChange.UnmapNetwork x) {
            next = p.unmapNetwork(x.serverId(), x.vmNetwork(), sites).configuration();
        } else if (change instanceof ConfigChange.MapStorage x) {
            next = p.storageMapping(x.mapping().sourceServerId(), x.mapping().sourceClassification())
                    .isPresent() ? p.remapStorage(x.mapping(), sites).configuration()
                    : p.mapStorage(x.mapping(), sites).configuration();
        } else if (change instanceof ConfigChange.UnmapStorage x) {
            next = p.unmapStorage(x.serverId(), x.classification()).configuration();
        } else if (change instanceof ConfigChange.Protect x) {
            next = p.protect(x.primaryCloud(), x.vmId(), x.origin(), sites, x.replicaHost()).configuration();
        } else if (change instanceof ConfigChange.Onboard x) {
            next = p.onboard(x.primaryCloud(), x.vmId(), sites).configuration();
        } else if (change instanceof ConfigChange.Unprotect x) {
            next = p.disableProtection(x.vmId()).configuration();
        } else {
            ConfigChange.Transition x = (ConfigChange.Transition) change;
            next = p.transition(x.vmId(), x.operation()).configuration();
        }
        return c.withProtection(next);
    }

    /** How jobs change the configuration: each step once (J3), all or nothing per step. */
    private final class Effects implements JobEffects {
        @Override
        public String apply(String key, ConfigChange change) {
            synchronized (Vault.this) {
                if (appliedSteps.contains(key)) {
                    return "already applied: " + change.describe();
                }
                VaultConfiguration next = applyChange(configuration, change);
                record(new VaultRecord.Applied(key, change));
                configuration = next;
                appliedSteps.add(key);
                return change.describe();
            }
        }

        @Override
        public boolean isFailedOver(String vmId) {
            return configuration.protection().protectedVm(vmId).map(VaultJobs::isFailedOver).orElse(false);
        }
    }

    /** Builds a {@link Vault}. Not thread-safe. */
    public static final class Builder {
        private final @Nullable String name;
        private final @Nullable String region;
        private @Nullable String id;
        private Clock clock = Clock.systemUTC();
        private @Nullable byte[] signingSecret;
        private @Nullable ProxyConnectivityCheck proxyCheck;
        private SecureRandom random = new SecureRandom();
        private @Nullable Transport transport;
        private URI transportUri = URI.create("local:default");
        private EngineOptions engineOptions = EngineOptions.defaults();
        private JobJournal journal = JobJournal.NONE;
        private @Nullable Path storage;
        private @Nullable StateStore store;

        /** Null name and region (only from {@link Vault#open}) mean: those of the vault kept in the storage. */
        private Builder(@Nullable String name, @Nullable String region) {
            this.name = name;
            this.region = region;
        }

        /** The vault's id; a random UUID when not set. */
        public Builder id(String id) {
            this.id = requireNonNull(id, "id");
            return this;
        }

        /** The clock that dates keys, registrations and syncs; the system UTC clock by default. */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The secret registration keys are signed with (at least 32 bytes); random by default. Set it to keep keys
         * valid across restarts of a vault kept elsewhere.
         *
         * @throws IllegalArgumentException when shorter than 32 bytes
         */
        public Builder signingSecret(byte[] secret) {
            if (secret.length < 32) {
                throw new IllegalArgumentException("K1: signingSecret must be at least 32 bytes, was "
                        + secret.length);
            }
            this.signingSecret = secret.clone();
            return this;
        }

        /** The proxy check used at registration; found with ServiceLoader when not set. */
        public Builder proxyCheck(ProxyConnectivityCheck check) {
            this.proxyCheck = requireNonNull(check, "check");
            return this;
        }

        /** The transport to the providers; wins over {@link #transport(URI)}. */
        public Builder transport(Transport transport) {
            this.transport = requireNonNull(transport, "transport");
            return this;
        }

        /**
         * Where the providers connect, found with ServiceLoader by scheme; {@code local:default} (providers in the
         * same JVM attach to the hub of that name) when nothing is set.
         */
        public Builder transport(URI uri) {
            this.transportUri = requireNonNull(uri, "uri");
            return this;
        }

        /** Parallelism, timeouts and retries of the job engine. */
        public Builder engineOptions(EngineOptions options) {
            this.engineOptions = requireNonNull(options, "options");
            return this;
        }

        /**
         * Keeps the vault durably in {@code dir} (J3): every change and every job event is journaled there before it
         * takes effect. When {@code dir} already holds this vault, building restores it and resumes its jobs; the
         * name and region given must be the stored vault's. Give the directory to the vault's account only: it holds
         * the key-signing secret and proxy passwords.
         */
        public Builder storage(Path dir) {
            this.storage = requireNonNull(dir, "dir");
            return this;
        }

        /** Keeps the vault in {@code store} instead of the default journal; the caller closes it. */
        public Builder store(StateStore store) {
            this.store = requireNonNull(store, "store");
            return this;
        }

        /** Also hands every job event to {@code journal} (after the vault's own storage, if any). */
        public Builder journal(JobJournal journal) {
            this.journal = requireNonNull(journal, "journal");
            return this;
        }

        /**
         * Builds an {@link VaultState#ACTIVE} vault (V1).
         *
         * @throws InvalidConfigurationException (V1) when the name or region is blank
         */
        public Vault build() {
            return new Vault(this);
        }
    }
}
