package dev.secondsite.core.vault;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.registration.ServerRegistration;
import dev.secondsite.core.registration.RegistrationResult;
import dev.secondsite.core.registration.SyncReport;
import dev.secondsite.core.registration.ProxySettings;
import dev.secondsite.core.registration.CloudSync;
import dev.secondsite.core.registration.RegistrationRefusedException;
import com.google.common.hash.Hashing;
import dev.secondsite.core.Finding;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.NotFoundException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.ValidationReport;
import dev.secondsite.core.internal.Checks;
import dev.secondsite.core.internal.ServiceDiscovery;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.ProviderNode;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.VmmVersion;
import dev.secondsite.core.job.ConfigChange;
import dev.secondsite.core.job.EngineCut;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobEffects;
import dev.secondsite.core.job.JobEngine;
import dev.secondsite.core.job.JobEvent;
import dev.secondsite.core.job.JobJournal;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobListener;
import dev.secondsite.core.job.JobPreconditions;
import dev.secondsite.core.job.JobQuery;
import dev.secondsite.core.job.JobSpec;
import dev.secondsite.core.job.JobSummary;
import dev.secondsite.core.job.Phase;
import dev.secondsite.core.job.Step;
import dev.secondsite.core.job.TaskSpec;
import dev.secondsite.core.job.TaskStatus;
import dev.secondsite.core.plan.FailoverDirection;
import dev.secondsite.core.plan.FailoverKind;
import dev.secondsite.core.plan.PlanContext;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.ProtectedVm;
import dev.secondsite.core.protection.ProtectionConfiguration;
import dev.secondsite.core.protection.ProtectionOperation;
import dev.secondsite.core.protection.ProtectionState;
import dev.secondsite.core.protection.ProtectionStateMachine;
import dev.secondsite.core.protection.StorageMapping;
import dev.secondsite.core.registration.ProxyConnectivityCheck;
import dev.secondsite.core.registration.RegistrationRefusedException.Reason;
import dev.secondsite.core.spi.StateStore;
import dev.secondsite.core.spi.Transport;
import dev.secondsite.core.store.JournalStore;
import dev.secondsite.core.store.StateStores;
import dev.secondsite.core.transport.Transports;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import javax.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane users hold: a named vault in a region (V1) that issues registration keys (K1), registers VMM
 * servers (R1-R5) through their providers, holds their synced inventory, and (through its configuration) pairings,
 * mappings, protected VMs and recovery plans. Make one with {@link #create} or {@link #open}; these are the only
 * calls that open files or start threads.
 *
 * <p>Its operations are grouped by resource: {@link #servers()}, {@link #pairings()}, {@link #mappings()},
 * {@link #protectedVms()}, {@link #plans()} and {@link #jobs()}. Every operation that changes something on the hosts
 * is a job (J1) and returns a {@link JobHandle}.
 *
 * <p>Every change is all or nothing: it is computed on the immutable {@link VaultConfiguration} and swapped in only
 * when it passed every check, so a refused call leaves the vault exactly as it was. A VM belongs to at most one
 * running job at a time (J5).
 *
 * <p>Thread-safe: changes are serialized; reads see the latest complete configuration without locking.
 */
public final class Vault implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Vault.class);

    private final Clock clock;
    private final KeySigner signer;
    private final @Nullable ProxyConnectivityCheck proxyCheck;
    private final SecureRandom random = new SecureRandom();
    private volatile VaultConfiguration configuration;
    private final VaultJobs jobPlans;
    private final JobEngine engine;
    /** The link to the providers, kept to report their connection state (the engine sends through it). */
    private final Transport transport;
    /** Keys of job steps already applied, so that a step re-run after a crash changes nothing twice (J3). */
    private final Set<String> appliedSteps = ConcurrentHashMap.newKeySet();
    /** Where every change is journaled before it takes effect; null for a vault kept in memory only. */
    private final @Nullable StateStore store;
    /** The store's journal of job events and the cuts snapshots are taken at; null for a vault in memory. */
    private final @Nullable VaultJournal journal;
    /** The vault's creation record: its identity and signing secret, the head of every snapshot. */
    private final VaultRecord.Created created;
    private final boolean ownsStore;
    /** J5: the job each VM belongs to; an entry whose job has ended holds nothing. Guarded by this. */
    private final Map<String, String> vmHolders = new LinkedHashMap<>();
    /**
     * J6: each job's spec, whose preconditions a restart checks: from its submission, or from its journaled
     * {@link JobEvent.Created} when the vault was opened. The engine holds the same specs; this only indexes them.
     */
    private final Map<String, JobSpec> specs = new ConcurrentHashMap<>();
    private final List<JobListener> listeners = new CopyOnWriteArrayList<>();
    private final VaultEndpointAdapter endpoint = new VaultEndpointAdapter(this);
    private final Servers servers = new Servers(this);
    private final Pairings pairings = new Pairings(this);
    private final Mappings mappings = new Mappings(this);
    private final ProtectedVms protectedVms = new ProtectedVms(this);
    private final Plans plans = new Plans(this);
    private final Jobs jobs = new Jobs(this);

    private Vault(VaultOptions o, @Nullable Path storage, @Nullable StateStore givenStore, boolean mustExist) {
        this.clock = o.clock();
        URI storeUri = givenStore == null && storage == null ? o.storeUri().orElse(null) : null;
        this.ownsStore = givenStore == null && (storage != null || storeUri != null);
        this.store = givenStore != null ? givenStore : storage != null ? JournalStore.open(storage)
                : storeUri != null ? StateStores.open(storeUri, o.storeLogin()) : null;
        Object where = storage != null ? storage : storeUri != null ? storeUri : store;
        try {
            Restored restored = store == null ? null : restore(store);
            boolean stored = restored != null && restored.created != null;
            if (mustExist && !stored) {
                throw new NotFoundException("vault", String.valueOf(where), "create one with Vault.create");
            }
            if (!mustExist && stored) {
                throw InvalidConfigurationException.of(Rule.J3, "vault storage", "storage", where, "storage ("
                        + where + ") already holds vault '" + restored.created.info().name() + "'; open it with "
                        + "Vault.open");
            }
            if (stored) {
                this.created = restored.created;
                VaultInfo info = created.info();
                boolean sameName = o.name().map(info.name()::equals).orElse(true)
                        && o.region().map(info.region()::equals).orElse(true);
                if (!sameName || !o.id().map(info.id()::equals).orElse(true)) {
                    throw InvalidConfigurationException.of(Rule.V1, "vault " + info.name(), "name",
                            o.name().orElse(null), "name ('" + o.name().orElse("") + "'), region ('"
                                    + o.region().orElse("") + "') and id (" + o.id().orElse("") + ") must be those of "
                                    + "the vault kept in " + where + " ('" + info.name() + "', '" + info.region()
                                    + "', " + info.id() + ")");
                }
                this.configuration = restored.configuration;
                this.appliedSteps.addAll(restored.appliedSteps);
            } else {
                byte[] secret = o.signingSecret().orElseGet(() -> {
                    byte[] s = new byte[32];
                    random.nextBytes(s);
                    return s;
                });
                String id = o.id().orElseGet(() -> UUID.randomUUID().toString());
                String name = o.name().orElseThrow(() -> InvalidConfigurationException.of(Rule.V1, "vault", "name",
                        null, "name must be given to create a vault: VaultOptions.builder(name, region)"));
                VaultInfo info = new VaultInfo(id, Checks.text(Rule.V1, "vault", "name", name),
                        Checks.text(Rule.V1, "vault " + name, "region", o.region().orElse(null)), VaultState.ACTIVE,
                        clock.instant());
                this.created = new VaultRecord.Created(info, secret);
                this.configuration = VaultConfiguration.empty(info);
                if (store != null) {
                    store.append(JournalCodec.type(created), JournalCodec.encode(created));
                }
            }
            this.signer = new KeySigner(created.info().id(), created.signingSecret());
            this.proxyCheck = o.proxyCheck().orElseGet(() ->
                    ServiceDiscovery.first(ProxyConnectivityCheck.class, p -> true, "proxy checks").orElse(null));
            this.jobPlans = new VaultJobs(clock);
            this.transport = o.transport().orElseGet(() -> Transports.forUri(o.transportUri()));
            this.journal = store == null ? null : new VaultJournal(store, o.journal(), o.snapshotEveryRecords());
            this.engine = JobEngine.builder(transport, new Effects()).clock(clock).options(o.engineOptions())
                    .journal(journal != null ? journal : o.journal()).build();
            engine.addListener((event, state, progress) -> {
                for (JobListener l : listeners) {
                    l.onEvent(event, state, progress);
                }
            });
            // providers' registration and sync calls reach this vault through its transport (never public API)
            transport.bind(endpoint);
            if (stored) {
                // J4: a compacted job's step keys are never needed again
                appliedSteps.removeIf(key -> restored.summaries.containsKey(key.substring(0, Math.max(0,
                        key.indexOf('/')))));
                restored.summaries.values().forEach(engine::adopt);
                int resumed = 0;
                for (List<JobEvent> events : restored.jobs.values()) {
                    // counted before the job goes on: its next events are journaled after these
                    journal.adopted(events.get(0).jobId(), events.size());
                    Job job = engine.adopt(events);
                    specs.put(job.id(), ((JobEvent.Created) events.get(0)).spec()); // J6: what it found
                    if (!job.state().isFinal()) {
                        resumed++;
                    }
                    synchronized (this) {
                        // J5: a job that was running holds its VMs again
                        job.tasks().forEach(t -> {
                            if (t.vmId() != null) {
                                vmHolders.putIfAbsent(t.vmId(), job.id());
                            }
                        });
                    }
                }
                LOG.info("Opened vault {} from {}: {} servers, {} protected VMs, {} jobs ({} resumed)",
                        created.info().name(), where, configuration.servers().size(),
                        configuration.protection().protectedVms().size(), restored.jobs.size(), resumed);
            }
            if (journal != null) {
                if (stored) {
                    journal.written(restored.snapshotBytes);
                }
                journal.start(this::snapshot);
                if (stored && restored.replayed > 0) {
                    // one snapshot per opening keeps the journal short: what was replayed then lives in it; written
                    // in the background, so that the vault is usable at once
                    journal.request();
                }
            }
        } catch (RuntimeException | Error e) {
            if (ownsStore && store != null) {
                store.close();
            }
            throw e;
        }
    }

    /**
     * Creates a new vault (V1) with {@code options}: in memory, or kept durably in the options' storage directory or
     * store (J3). Looks up the transport and starts the job engine.
     *
     * @throws InvalidConfigurationException (V1) when the options have no name or region, (J3) when the storage
     *     already holds a vault (open it with {@link #open})
     * @throws dev.secondsite.core.spi.StateStoreLockedException when another process has the storage open
     */
    public static Vault create(VaultOptions options) {
        requireNonNull(options, "options");
        return new Vault(options, options.storage().orElse(null), options.store().orElse(null), false);
    }

    /**
     * Opens the vault kept in {@code dir}, restoring its whole configuration and every job; jobs that were running go
     * on where they stopped (J3). A name, region or id in {@code options} must be the stored vault's.
     *
     * @throws NotFoundException (NOT_FOUND) when {@code dir} holds no vault
     * @throws InvalidConfigurationException (V1) when it holds another vault than {@code options} names, (INPUT)
     *     when the options name another storage
     * @throws dev.secondsite.core.spi.StateStoreLockedException when another process has it open
     * @throws dev.secondsite.core.spi.StateStoreCorruptedException when its journal is damaged before its end
     */
    public static Vault open(Path dir, VaultOptions options) {
        requireNonNull(dir, "dir");
        requireNonNull(options, "options");
        if (options.store().isPresent() || options.storeUri().isPresent()
                || options.storage().filter(s -> !s.equals(dir)).isPresent()) {
            throw InvalidConfigurationException.of(Rule.INPUT, "vault", "storage", dir, "storage (" + dir
                    + ") is not the storage the options name: " + options);
        }
        return new Vault(options, dir, null, true);
    }

    /**
     * Opens the vault kept in {@code store} (the caller closes the store), as {@link #open(Path, VaultOptions)}.
     *
     * @throws NotFoundException (NOT_FOUND) when {@code store} holds no vault
     * @throws InvalidConfigurationException (V1) when it holds another vault than {@code options} names, (INPUT)
     *     when the options name another storage
     */
    public static Vault open(StateStore store, VaultOptions options) {
        requireNonNull(store, "store");
        requireNonNull(options, "options");
        if (options.storage().isPresent() || options.storeUri().isPresent()
                || options.store().filter(s -> s != store).isPresent()) {
            throw InvalidConfigurationException.of(Rule.INPUT, "vault", "storage", store, "storage (" + store
                    + ") is not the storage the options name: " + options);
        }
        return new Vault(options, null, store, true);
    }

    /**
     * Opens the vault kept where {@code options} say: its {@link VaultOptions.Builder#storage(Path) storage}
     * directory, its {@link VaultOptions.Builder#store(StateStore) store}, or the store its
     * {@link VaultOptions.Builder#store(java.net.URI) store URI} names (opened now and closed with the vault), as
     * {@link #open(Path, VaultOptions)}.
     *
     * @throws NotFoundException (NOT_FOUND) when that storage holds no vault
     * @throws InvalidConfigurationException (INPUT) when the options name no storage, or no plug-in serves the store
     *     URI's scheme (the message names the artifact to add); (V1) when it holds another vault than the options name
     * @throws dev.secondsite.core.spi.StateStoreException when the store cannot be opened
     */
    public static Vault open(VaultOptions options) {
        requireNonNull(options, "options");
        if (!options.hasStorage()) {
            throw InvalidConfigurationException.of(Rule.INPUT, "vault", "storage", null, "storage must be given to "
                    + "open a vault: VaultOptions.builder().storage(dir), .store(store) or .store(uri)");
        }
        return new Vault(options, options.storage().orElse(null), options.store().orElse(null), true);
    }

    /**
     * Reads the vault kept in {@code store} without opening it: its configuration as the store holds it now (latest
     * snapshot and the journal after it), decoded exactly as {@link #open} decodes it, every job's events included,
     * with nothing started, sent or written. For tools that show a stored vault, and for a standby instance of a
     * highly available vault, which reads ahead so that its takeover runs warm code. The caller closes the store.
     *
     * @throws NotFoundException (NOT_FOUND) when {@code store} holds no vault
     * @throws dev.secondsite.core.spi.StateStoreCorruptedException when a record or the snapshot is damaged
     * @throws dev.secondsite.core.spi.StateStoreException when the store cannot be read
     */
    public static VaultConfiguration read(StateStore store) {
        requireNonNull(store, "store");
        Restored restored = restore(store);
        if (restored.created == null) {
            throw new NotFoundException("vault", String.valueOf(store), "create one with Vault.create");
        }
        return restored.configuration;
    }

    /** Registered servers: registration keys, listing, inventories, syncs, unregistering (K1, R1-R5). */
    public Servers servers() {
        return servers;
    }

    /** Cloud pairings (C1-C13). */
    public Pairings pairings() {
        return pairings;
    }

    /** Network and storage mappings (N1-N4, S1-S2). */
    public Mappings mappings() {
        return mappings;
    }

    /** Protected VMs: enable, onboard, disable, and the failover of one VM (E1-E4, RP6, F1-F5). */
    public ProtectedVms protectedVms() {
        return protectedVms;
    }

    /** Recovery plans and their failovers (RP1-RP10, F1-F5). */
    public Plans plans() {
        return plans;
    }

    /** Jobs: look up, list, handles and listeners (J1, J2, J4). */
    public Jobs jobs() {
        return jobs;
    }

    /** What providers register and sync through: handed to the transport, never public (tests reach it through a test seam). */
    VaultEndpointAdapter endpoint() {
        return endpoint;
    }

    /** What a store held: the vault's creation, its configuration, applied step keys, each job's events. */
    private static final class Restored {
        @Nullable VaultRecord.Created created;
        VaultConfiguration configuration;
        final Set<String> appliedSteps = new HashSet<>();
        final Map<String, List<JobEvent>> jobs = new LinkedHashMap<>();
        final Map<String, JobSummary> summaries = new LinkedHashMap<>();
        /** How many records were replayed after the snapshot. */
        long replayed;
        /** The size of the snapshot read, 0 when there was none. */
        long snapshotBytes;
    }

    private static Restored restore(StateStore store) {
        Restored r = new Restored();
        store.latestSnapshot().ifPresent(snapshot -> {
            VaultRecord.Snapshot snap = JournalCodec.decodeSnapshot(snapshot.state());
            r.snapshotBytes = snapshot.state().length;
            r.created = snap.vault();
            r.configuration = snap.configuration();
            r.appliedSteps.addAll(snap.appliedSteps());
            snap.jobs().forEach(events -> r.jobs.put(events.get(0).jobId(), new ArrayList<>(events)));
            snap.summaries().forEach(summary -> r.summaries.put(summary.id(), summary));
        });
        store.replay(rec -> {
            VaultRecord record = JournalCodec.decode(rec.type(), rec.payload());
            r.replayed++;
            if (record instanceof VaultRecord.Created c) {
                r.created = c;
                r.configuration = VaultConfiguration.empty(c.info());
            } else if (record instanceof VaultRecord.JobRecorded j) {
                if (r.summaries.containsKey(j.event().jobId())) {
                    return; // compacted (J4): its summary stands for all its events
                }
                r.jobs.computeIfAbsent(j.event().jobId(), id -> new ArrayList<>()).add(j.event());
            } else if (record instanceof VaultRecord.Applied a) {
                if (r.appliedSteps.add(a.key())) {
                    r.configuration = applyChange(r.configuration, a.change());
                }
            } else if (record instanceof VaultRecord.ServerSaved s) {
                r.configuration = r.configuration.withServer(s.server(), s.inventory());
            } else if (record instanceof VaultRecord.ServerRemoved s) {
                r.configuration = r.configuration.withoutServer(s.serverId());
            } else if (record instanceof VaultRecord.KeyRevoked k) {
                r.configuration = r.configuration.withRevokedKeys(List.of(k.keyId()));
            } else if (record instanceof VaultRecord.PlanSaved p) {
                r.configuration = r.configuration.withPlan(p.plan());
            } else if (record instanceof VaultRecord.PlanRemoved p) {
                r.configuration = r.configuration.withoutPlan(p.name());
            }
            // a Cut changes nothing: a snapshot taken there may or may not have been written
        });
        return r;
    }

    /** Journals {@code record} (when the vault is durable) before the change it describes takes effect. */
    private void record(VaultRecord record) {
        if (store != null) {
            byte[] payload = JournalCodec.encode(record);
            store.append(JournalCodec.type(record), payload);
            journal.counted(payload.length);
        }
    }

    /**
     * Writes a snapshot of the vault at one point (J3, J4), on the journal's thread: the configuration, applied step
     * keys and the cut's job event counts read under the vault's lock as the cut record is appended, then the
     * engine's jobs, each whole job cut back to its events before the cut (see {@link VaultJournal}). The store then
     * drops the records the snapshot covers.
     */
    private void snapshot() {
        VaultConfiguration config;
        Set<String> applied;
        VaultJournal.Mark mark;
        synchronized (this) {
            config = configuration;
            applied = new HashSet<>(appliedSteps);
            mark = journal.mark(clock.instant());
        }
        EngineCut cut = engine.cut();
        long upto;
        try {
            upto = mark.sequence().join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        List<List<JobEvent>> jobs = new ArrayList<>(cut.jobEvents().size());
        for (List<JobEvent> events : cut.jobEvents()) {
            String id = events.get(0).jobId();
            int before = mark.eventCounts().getOrDefault(id, 0);
            if (before > events.size()) {
                throw new IllegalStateException("J3: job " + id + " journaled " + before + " events before the cut "
                        + "but the engine holds " + events.size() + "; no snapshot is written");
            }
            if (before > 0) {
                jobs.add(events.subList(0, before)); // a job created after the cut is all in the records after it
            }
        }
        Set<String> compacted = new HashSet<>();
        cut.summaries().forEach(summary -> compacted.add(summary.id()));
        // J4: a compacted job's step keys are never needed again
        applied.removeIf(key -> compacted.contains(key.substring(0, Math.max(0, key.indexOf('/')))));
        byte[] state = JournalCodec.encode(new VaultRecord.Snapshot(created, config, applied, jobs,
                cut.summaries()));
        store.writeSnapshot(upto, state);
        journal.written(state.length);
        LOG.debug("Vault {} wrote a snapshot up to record {}: {} jobs whole, {} compacted, {} bytes",
                created.info().name(), upto, jobs.size(), cut.summaries().size(), state.length);
    }

    /** Whether a snapshot is being written or is about to be (tests wait for none). */
    boolean snapshotPending() {
        return journal != null && journal.snapshotPending();
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
    RegistrationKey generateRegistrationKey() {
        byte[] id = new byte[9];
        random.nextBytes(id);
        RegistrationKey key = signer.issue(java.util.HexFormat.of().formatHex(id), clock.instant());
        LOG.info("Issued registration key {} for vault {}, valid until {}", key.keyId(), info().name(),
                key.expiresAt());
        return key;
    }

    /**
     * Registers a VMM server with its inventory (R1-R5). On success the server is listed and, depending on
     * {@link ServerRegistration#cloudSync()}, all its clouds or none are synced (R4). A registration that repeats one
     * the vault accepted (same server, friendly name and still valid, unrevoked key, and the transport credential the
     * vault holds for that server) is answered as the first was, with the server as the vault holds it; nothing is
     * journaled or changed, and its proxy is not tested again.
     *
     * @param request the friendly name, key and options the provider sends
     * @param inventory the server's inventory as the provider reports it
     * @return the registered server and the warnings raised (R3 encryption ignored, proxy not tested)
     * @throws RegistrationRefusedException when the key is malformed, expired, foreign or tampered (K1), the name
     *     is missing or not the cluster role name (R1, R2), the cluster's provider versions differ (R2), the VMM
     *     version is older than 2012 SP1 (P1), the server is already registered, or its proxy cannot be reached;
     *     nothing is registered
     */
    synchronized RegistrationResult register(ServerRegistration request, Site inventory) {
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
        if (configuration.revokedKeys().contains(key.keyId())) {
            throw new RegistrationRefusedException(Rule.K1, Reason.KEY_REVOKED, "key " + key.keyId()
                    + " was revoked by vault " + info().name() + "; generate a new key");
        }
        Optional<RegisteredServer> first = repeated(request, inventory, key);
        if (first.isPresent()) {
            RegisteredServer server = first.get();
            LOG.info("Registration of server {} ({}) with key {} repeated with the credential it holds: answered as "
                    + "the first was, nothing changed", server.friendlyName(), server.serverId(), key.keyId());
            return new RegistrationResult(new RegistrationResult.Server(server.serverId(), server.friendlyName(),
                    server.providerVersion(), server.proxy(), server.cloudSync(), server.syncedClouds()),
                    ValidationReport.of(registrationWarnings(request, inventory, false)));
        }
        checkServer(request, inventory);
        List<Finding> warnings = registrationWarnings(request, inventory, true);
        Set<String> synced = request.cloudSync() == CloudSync.ALL ? cloudNames(inventory) : Set.of();
        RegisteredServer server = new RegisteredServer(inventory.id(), request.friendlyName(),
                inventory.vmmVersion(), providerVersionOf(inventory), now, key.keyId(),
                request.proxy().orElse(null), request.cloudSync(), synced, now, request.credential().orElse(null));
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

    /**
     * K1 R6: the server that {@code request} registered already, when it repeats that registration (its answer may
     * have been lost): the same server, friendly name and key, and the transport credential the vault holds for the
     * server (for {@code https:} the SHA-256 of a client certificate the transport issues deterministically from the
     * key, name and public key, so only the holder of the first request's key pair presents it). Decided on the
     * journaled state alone, so every vault instance sharing the store answers alike. A request without a credential
     * (the {@code local:} transport) never repeats one.
     */
    private Optional<RegisteredServer> repeated(ServerRegistration request, Site inventory, RegistrationKey key) {
        if (request.credential().isEmpty()) {
            return Optional.empty();
        }
        return configuration.server(inventory.id()).filter(server -> server.friendlyName().equals(
                request.friendlyName()) && server.keyId().equals(key.keyId())
                && request.credential().get().equals(server.credential()));
    }

    /**
     * R1 R3: the warnings a registration answers with; the proxy is tested for connectivity only when
     * {@code testProxy} (a repeated registration is answered without testing it again: it passed the first time).
     */
    private List<Finding> registrationWarnings(ServerRegistration request, Site inventory, boolean testProxy) {
        List<Finding> warnings = new ArrayList<>();
        request.proxy().ifPresent(proxy -> {
            if (testProxy || proxyCheck == null) {
                warnings.addAll(checkProxy(proxy));
            }
        });
        request.encryption().ifPresent(enc -> warnings.add(Finding.warning(Rule.R3, "server " + inventory.id(),
                "encryption", enc, "encryption (" + enc + ") applies only to replication to Azure; it is ignored "
                        + "for a secondary site")));
        return warnings;
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
        for (RegisteredServer other : configuration.servers()) {
            if (other.friendlyName().equals(request.friendlyName())) {
                throw new RegistrationRefusedException(Rule.K1, Reason.NAME_TAKEN, "friendlyName ('"
                        + request.friendlyName() + "') is already the name of registered server " + other.serverId()
                        + "; one registration per server name");
            }
        }
    }

    /**
     * K1: revokes a registration key before its validity ends; from now on it registers no server, and the
     * revocation is journaled, so it holds after a restart. Servers the key registered stay registered. Revoking a
     * key twice changes nothing more.
     *
     * @throws InvalidConfigurationException (K1) when {@code keyId} is blank
     */
    synchronized void revokeRegistrationKey(String keyId) {
        Checks.text(Rule.K1, "vault " + info().name(), "keyId", keyId);
        if (configuration.revokedKeys().contains(keyId)) {
            return;
        }
        record(new VaultRecord.KeyRevoked(keyId, clock.instant()));
        configuration = configuration.withRevokedKeys(List.of(keyId));
        LOG.info("Revoked registration key {} of vault {}", keyId, info().name());
    }

    /** R6: the registered server whose transport credential is {@code credential}, if any. */
    Optional<String> serverFor(String credential) {
        for (RegisteredServer server : configuration.servers()) {
            if (credential.equals(server.credential())) {
                return Optional.of(server.serverId());
            }
        }
        return Optional.empty();
    }

    /** The connection state of a server's provider as the transport sees it. */
    dev.secondsite.core.spi.ConnectionStatus connectionStatus(String serverId) {
        requireServer(serverId);
        return transport.status(serverId);
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
    List<RegisteredServer> serverList() {
        return List.copyOf(configuration.servers());
    }

    /** A registered server's inventory as the vault sees it (synced clouds only), or empty if not registered. */
    Optional<Site> site(String serverId) {
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
    synchronized SyncReport sync(String serverId, Site inventory) {
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
    synchronized SyncReport syncCloud(String serverId, String cloud) {
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
    synchronized void unregister(String serverId) {
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
        return configuration.server(serverId).orElseThrow(() -> new NotFoundException("server", serverId,
                "registered: " + new TreeMap<>(configuration.sites()).keySet()));
    }

    // ---------------------------------------------------------------- recovery plans (RP1-RP10)

    /**
     * Saves {@code plan}, replacing a plan of the same name. Its VMs must be protected VMs of its source server (RP1).
     *
     * @throws InvalidConfigurationException (RP1) naming a VM that is not protected on the plan's source server, or
     *     (INPUT) when the plan's servers are not registered; nothing changes
     */
    synchronized void savePlan(RecoveryPlan plan) {
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

    Optional<RecoveryPlan> plan(String name) {
        return configuration.plan(name);
    }

    List<RecoveryPlan> planList() {
        return List.copyOf(configuration.plans());
    }

    /** @throws InvalidConfigurationException (RP1) when there is no such plan */
    synchronized void removePlan(String name) {
        requirePlan(name);
        record(new VaultRecord.PlanRemoved(name));
        configuration = configuration.withoutPlan(name);
    }

    /** What plans are built against: the VMs this vault protects (RP1). */
    PlanContext planContext() {
        return configuration.planContext();
    }

    private RecoveryPlan requirePlan(String name) {
        return configuration.plan(name).orElseThrow(() -> new NotFoundException("plan", name, "plans: "
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
    synchronized JobHandle pairClouds(CloudPairing pairing) {
        return submit(jobPlans.pair(configuration, pairing, false));
    }

    /**
     * Changes a pairing's settings (C12); its target server and cloud cannot change.
     *
     * @throws InvalidConfigurationException (C12) for a changed target, or naming any broken rule; no job is created
     */
    synchronized JobHandle editPairing(CloudPairing pairing) {
        return submit(jobPlans.pair(configuration, pairing, true));
    }

    /** @throws InvalidConfigurationException (E4) while VMs of the cloud are protected; no job is created */
    synchronized JobHandle unpairClouds(CloudRef primary) {
        return submit(jobPlans.unpair(configuration, primary));
    }

    /** Maps a VM network (N1, N2); replicas on it are reconnected (N4). */
    synchronized JobHandle mapNetwork(NetworkMapping mapping) {
        return submit(jobPlans.mapNetwork(configuration, mapping, false));
    }

    /** Replaces the mapping of a source network (N1, N4). */
    synchronized JobHandle remapNetwork(NetworkMapping mapping) {
        return submit(jobPlans.mapNetwork(configuration, mapping, true));
    }

    synchronized JobHandle unmapNetwork(String serverId, String vmNetwork) {
        return submit(jobPlans.unmapNetwork(configuration, serverId, vmNetwork));
    }

    /** Maps a storage classification (S1, S2). */
    synchronized JobHandle mapStorage(StorageMapping mapping) {
        return submit(jobPlans.mapStorage(configuration, mapping, false));
    }

    synchronized JobHandle remapStorage(StorageMapping mapping) {
        return submit(jobPlans.mapStorage(configuration, mapping, true));
    }

    synchronized JobHandle unmapStorage(String serverId, String classification) {
        return submit(jobPlans.unmapStorage(configuration, serverId, classification));
    }

    // ---------------------------------------------------------------- jobs: protection (E1-E4)

    /**
     * Protects VMs of a paired primary cloud (E1): for each, enable replication, initial replication (C10), finalize.
     *
     * @throws InvalidConfigurationException naming every broken rule (E1, P5, P6, ...); no job is created
     */
    synchronized JobHandle enableProtection(CloudRef primaryCloud, List<String> vmIds) {
        return submit(jobPlans.enable(configuration, primaryCloud, vmIds));
    }

    /** Takes over a VM that Hyper-V Replica already replicates (E3, C13). */
    synchronized JobHandle onboard(CloudRef primaryCloud, String vmId) {
        return submit(jobPlans.onboard(configuration, primaryCloud, vmId));
    }

    /** Removes a VM's replication, and its replica when the pairing says so (E4, C11). */
    synchronized JobHandle disableProtection(String vmId) {
        return submit(jobPlans.disable(configuration, vmId));
    }

    // ---------------------------------------------------------------- jobs: failover (F1-F8, RP3-RP9)

    synchronized JobHandle testFailover(String planName, TestFailoverOptions o) {
        return submit(jobPlans.failover(configuration, requirePlan(planName), List.of(), FailoverKind.TEST,
                VaultJobs.FailoverSettings.of(o)));
    }

    synchronized JobHandle plannedFailover(String planName, PlannedFailoverOptions o) {
        return submit(jobPlans.failover(configuration, requirePlan(planName), List.of(), FailoverKind.PLANNED,
                VaultJobs.FailoverSettings.of(o)));
    }

    synchronized JobHandle unplannedFailover(String planName, UnplannedFailoverOptions o) {
        return submit(jobPlans.failover(configuration, requirePlan(planName), List.of(), FailoverKind.UNPLANNED,
                VaultJobs.FailoverSettings.of(o)));
    }

    synchronized JobHandle testFailoverVm(String vmId, TestFailoverOptions o) {
        return submit(jobPlans.failover(configuration, null, List.of(vmId), FailoverKind.TEST,
                VaultJobs.FailoverSettings.of(o)));
    }

    synchronized JobHandle plannedFailoverVm(String vmId, PlannedFailoverOptions o) {
        return submit(jobPlans.failover(configuration, null, List.of(vmId), FailoverKind.PLANNED,
                VaultJobs.FailoverSettings.of(o)));
    }

    synchronized JobHandle unplannedFailoverVm(String vmId, UnplannedFailoverOptions o) {
        return submit(jobPlans.failover(configuration, null, List.of(vmId), FailoverKind.UNPLANNED,
                VaultJobs.FailoverSettings.of(o)));
    }

    synchronized JobHandle afterFailover(String planName, JobKind kind) {
        return submit(jobPlans.afterFailover(configuration, requirePlan(planName), List.of(), kind, null));
    }

    synchronized JobHandle afterFailoverOfVm(String vmId, JobKind kind) {
        return submit(jobPlans.afterFailover(configuration, null, List.of(vmId), kind, null));
    }

    synchronized JobHandle changeRecoveryPoint(String vmId, ChangeRecoveryPointOptions o) {
        return submit(jobPlans.afterFailover(configuration, null, List.of(vmId), JobKind.CHANGE_RECOVERY_POINT,
                o.recoveryPoint()));
    }

    synchronized JobHandle cancelFailover(String vmId) {
        return submit(jobPlans.cancelFailover(configuration, vmId));
    }

    // ---------------------------------------------------------------- jobs: following them (J1, J2, J4)

    Job job(JobId id) {
        try {
            return engine.job(id.value());
        } catch (InvalidConfigurationException e) {
            throw notFound(id, e);
        }
    }

    private static RuntimeException notFound(JobId id, InvalidConfigurationException e) {
        // the engine names an unknown job with J4; the vault's callers get it as not-found
        return e.rule() == Rule.J4 ? new NotFoundException("job", id.value()) : e;
    }

    List<Job> jobList(JobQuery query) {
        return engine.jobs(query);
    }

    CompletableFuture<Job> settled(JobId id) {
        try {
            return engine.settled(id.value());
        } catch (InvalidConfigurationException e) {
            throw notFound(id, e);
        }
    }

    void resume(JobId id, String comment) {
        job(id);
        engine.resume(id.value(), comment);
    }

    void cancel(JobId id) {
        job(id);
        engine.cancel(id.value());
    }

    /** J2 with J5 and J6: a restart takes its VMs again only when they are free and still as the job left them. */
    synchronized void restart(JobId id) {
        Job job = job(id);
        Set<String> vms = vmsOf(job);
        checkFree(vms, id.value());
        checkUnchanged(job, vms);
        engine.restart(id.value());
        vms.forEach(vm -> vmHolders.put(vm, id.value()));
    }

    void addListener(JobListener listener) {
        listeners.add(requireNonNull(listener, "listener"));
    }

    void removeListener(JobListener listener) {
        listeners.remove(listener);
    }

    /**
     * Stops the job engine's threads and closes the vault's storage (jobs still running go on when it is opened). A
     * durable vault that snapshots while it runs ({@link VaultOptions.Builder#snapshotEveryRecords}) first finishes
     * the snapshot being written and writes one of what was journaled since.
     */
    @Override
    public void close() {
        engine.close();
        if (journal != null) {
            journal.close();
        }
        if (ownsStore && store != null) {
            store.close();
        }
    }

    /** J5: checks that no other running job holds a VM of {@code spec}, then starts it holding them. */
    private JobHandle submit(JobSpec spec) {
        Set<String> vms = vmsOf(spec);
        checkFree(vms, null);
        // J6: what the job finds now travels with its spec, so a restart after a reopen can check it too
        Map<String, ProtectionState> states = new LinkedHashMap<>();
        vms.forEach(vm -> states.put(vm, stateOf(vm)));
        String plan = spec.planName() == null ? null
                : configuration.plan(spec.planName()).map(Vault::fingerprint).orElse(null);
        JobSpec withFound = spec.withPreconditions(JobPreconditions.of(states, plan));
        String id = engine.submit(withFound);
        specs.put(id, withFound);
        vms.forEach(vm -> vmHolders.put(vm, id));
        LOG.info("Job {} created: {} {}", id, spec.kind(), spec.target());
        return new JobHandle(this, new JobId(id));
    }

    private static Set<String> vmsOf(JobSpec spec) {
        Set<String> vms = new LinkedHashSet<>();
        for (Phase phase : spec.phases()) {
            for (TaskSpec task : phase.tasks()) {
                if (task.vmId() != null) {
                    vms.add(task.vmId());
                }
            }
        }
        return vms;
    }

    private static Set<String> vmsOf(Job job) {
        Set<String> vms = new LinkedHashSet<>();
        job.tasks().forEach(t -> {
            if (t.vmId() != null) {
                vms.add(t.vmId());
            }
        });
        return vms;
    }

    /** J5: refuses when a job other than {@code self} that has not ended holds one of {@code vms}. */
    private void checkFree(Set<String> vms, @Nullable String self) {
        // one look per holder: a job's snapshot costs as much as its tasks, and one job may hold 10,000 VMs
        Map<String, Job> holders = new HashMap<>();
        for (String vm : vms) {
            String holder = vmHolders.get(vm);
            if (holder == null || holder.equals(self)) {
                continue;
            }
            Job job = holders.computeIfAbsent(holder, engine::job);
            if (!job.state().isFinal()) {
                throw InvalidConfigurationException.of(Rule.J5, "VM " + vm, "vmId", vm, "vmId (" + vm
                        + ") belongs to job " + holder + " (" + job.kind() + " " + job.target() + ", "
                        + job.state() + "); wait for it to end or cancel it first");
            }
        }
    }

    /** A VM's protection state; {@link ProtectionState#UNPROTECTED} when the vault does not protect it. */
    private ProtectionState stateOf(String vmId) {
        return configuration.protection().protectedVm(vmId).map(ProtectedVm::state)
                .orElse(ProtectionState.UNPROTECTED);
    }

    /**
     * J6: a digest of a plan's whole content, in its journal form (equal plans encode to equal bytes): small enough
     * to journal with every plan job, and any edit of the plan changes it.
     */
    private static String fingerprint(RecoveryPlan plan) {
        return Hashing.sha256().hashBytes(JournalCodec.encode(new VaultRecord.PlanSaved(plan))).toString();
    }

    /**
     * J6: every VM of the job must be in the state the job found it in, advanced by the job's own applied
     * configuration changes; its pairing must still exist; a plan job's plan must be the one it started with. A job
     * whose spec carries no preconditions (journaled by a release without them) is checked for J5 only.
     */
    private void checkUnchanged(Job job, Set<String> vms) {
        JobSpec spec = specs.get(job.id());
        JobPreconditions found = spec == null ? null : spec.preconditions();
        if (found == null) {
            return;
        }
        Map<String, ProtectionState> expected = expectedStates(job, spec, found);
        for (String vm : vms) {
            ProtectionState was = expected.get(vm);
            ProtectionState now = stateOf(vm);
            if (was != null && was != now) {
                throw InvalidConfigurationException.of(Rule.J6, "job " + job.id(), "vmId", vm, "vmId (" + vm
                        + ") is " + now + " but job " + job.id() + " left it " + was
                        + "; another operation changed it, so the job cannot go on");
            }
            Optional<ProtectedVm> pvm = configuration.protection().protectedVm(vm);
            if (pvm.isPresent() && configuration.protection().pairing(pvm.get().pairing()).isEmpty()) {
                throw InvalidConfigurationException.of(Rule.J6, "job " + job.id(), "pairing", pvm.get().pairing(),
                        "pairing (" + pvm.get().pairing() + ") of VM " + vm + " no longer exists");
            }
        }
        if (job.planName() != null && found.planFingerprint() != null && !configuration.plan(job.planName())
                .map(Vault::fingerprint).map(found.planFingerprint()::equals).orElse(false)) {
            throw InvalidConfigurationException.of(Rule.J6, "job " + job.id(), "plan", job.planName(), "plan ('"
                    + job.planName() + "') was changed or removed since job " + job.id() + " was created");
        }
    }

    /**
     * J6: the state each VM of {@code job} should be in now: as found at creation, moved through the state table by
     * every configuration change of the job that was applied (a completed step, or one whose key was journaled as
     * applied just before a crash, J3), task by task in the spec's order.
     */
    private Map<String, ProtectionState> expectedStates(Job job, JobSpec spec, JobPreconditions found) {
        Map<String, ProtectionState> states = new HashMap<>(found.stateByVm());
        Map<String, TaskStatus> statuses = new HashMap<>();
        job.tasks().forEach(t -> statuses.put(t.id(), t));
        for (TaskSpec task : spec.tasks()) {
            TaskStatus status = statuses.get(task.id());
            int completed = status == null ? 0 : status.completedSteps();
            for (int i = 0; i < task.steps().size(); i++) {
                if (task.steps().get(i) instanceof Step.Apply apply
                        && (i < completed || appliedSteps.contains(job.id() + "/" + task.id() + "/" + i))) {
                    advance(states, apply.change());
                }
            }
        }
        return states;
    }

    /** J6: moves the VM of {@code change} (if it has one) to the state the change leads to. */
    private static void advance(Map<String, ProtectionState> states, ConfigChange change) {
        String vmId;
        ProtectionOperation operation;
        if (change instanceof ConfigChange.Protect x) {
            vmId = x.vmId();
            operation = ProtectionOperation.ENABLE;
        } else if (change instanceof ConfigChange.Onboard x) {
            vmId = x.vmId();
            operation = ProtectionOperation.ONBOARD;
        } else if (change instanceof ConfigChange.Unprotect x) {
            vmId = x.vmId();
            operation = ProtectionOperation.DISABLE;
        } else if (change instanceof ConfigChange.Transition x) {
            vmId = x.vmId();
            operation = x.operation();
        } else {
            return; // pairings and mappings: no VM state
        }
        ProtectionState from = states.getOrDefault(vmId, ProtectionState.UNPROTECTED);
        // an applied change was allowed from the state it found; should the table not know it, assume nothing
        Optional<ProtectionState> to = ProtectionStateMachine.next(from, operation);
        if (to.isPresent()) {
            states.put(vmId, to.get());
        } else {
            states.remove(vmId);
        }
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
                // in order, durable later: the engine journals the step's end after it and waits for that before
                // anything follows from the step, so applies of many tasks share one force (JobEffects.apply)
                VaultRecord.Applied applied = new VaultRecord.Applied(key, change);
                if (store != null) {
                    byte[] payload = JournalCodec.encode(applied);
                    store.appendOrdered(JournalCodec.type(applied), payload);
                    journal.counted(payload.length);
                }
                configuration = next;
                appliedSteps.add(key);
                return change.describe();
            }
        }

        /** J4: the job was compacted; its steps never run again, so their keys need not be kept. */
        @Override
        public void forget(String jobId) {
            String prefix = jobId + "/";
            appliedSteps.removeIf(key -> key.startsWith(prefix));
            specs.remove(jobId);
            if (journal != null) {
                journal.forget(jobId);
            }
        }

        @Override
        public boolean isFailedOver(String vmId) {
            return configuration.protection().protectedVm(vmId).map(VaultJobs::isFailedOver).orElse(false);
        }
    }
}
