package dev.secondsite.core.vault;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.Finding;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.ValidationReport;
import dev.secondsite.core.internal.Checks;
import dev.secondsite.core.internal.ServiceDiscovery;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.ProviderNode;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.VmmVersion;
import dev.secondsite.core.spi.ProxyConnectivityCheck;
import dev.secondsite.core.spi.VaultEndpoint;
import dev.secondsite.core.vault.RegistrationRefusedException.Reason;
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
public final class Vault implements VaultEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(Vault.class);

    private final Clock clock;
    private final KeySigner signer;
    private final @Nullable ProxyConnectivityCheck proxyCheck;
    private final SecureRandom random;
    private volatile VaultConfiguration configuration;

    private Vault(Builder b) {
        this.clock = b.clock;
        this.random = b.random;
        byte[] secret = b.signingSecret;
        if (secret == null) {
            secret = new byte[32];
            random.nextBytes(secret);
        }
        String id = b.id != null ? b.id : UUID.randomUUID().toString();
        VaultInfo info = new VaultInfo(id, Checks.text(Rule.V1, "vault", "name", b.name),
                Checks.text(Rule.V1, "vault " + b.name, "region", b.region), VaultState.ACTIVE, clock.instant());
        this.signer = new KeySigner(id, secret);
        this.proxyCheck = b.proxyCheck != null ? b.proxyCheck
                : ServiceDiscovery.first(ProxyConnectivityCheck.class, p -> true, "proxy checks").orElse(null);
        this.configuration = VaultConfiguration.empty(info);
    }

    /**
     * Starts building a vault.
     *
     * @param name the vault's friendly name (V1)
     * @param region the region it lives in (V1)
     */
    public static Builder builder(String name, String region) {
        return new Builder(name, region);
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
        configuration = configuration.withServer(server, inventory);
        warnings.forEach(w -> LOG.warn("Registering server {}: {}", server.friendlyName(), w));
        LOG.info("Registered server {} ({}) with vault {} using key {}; {} of {} clouds synced",
                server.friendlyName(), server.serverId(), info().name(), key.keyId(), synced.size(),
                inventory.clouds().size());
        return new RegistrationResult(server, ValidationReport.of(warnings));
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
        configuration = configuration.withoutServer(serverId);
        LOG.info("Unregistered server {}", serverId);
    }

    private RegisteredServer requireServer(String serverId) {
        return configuration.server(serverId).orElseThrow(() -> InvalidConfigurationException.of(Rule.INPUT,
                "vault " + info().name(), "serverId", serverId, "serverId ('" + serverId + "') names no registered "
                        + "server; registered: " + new TreeMap<>(configuration.sites()).keySet()));
    }

    /** Builds a {@link Vault}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final String region;
        private @Nullable String id;
        private Clock clock = Clock.systemUTC();
        private @Nullable byte[] signingSecret;
        private @Nullable ProxyConnectivityCheck proxyCheck;
        private SecureRandom random = new SecureRandom();

        private Builder(String name, String region) {
            this.name = requireNonNull(name, "name");
            this.region = requireNonNull(region, "region");
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
