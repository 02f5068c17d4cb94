package dev.secondsite.core.vault;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.Secret;
import dev.secondsite.core.job.EngineOptions;
import dev.secondsite.core.job.JobJournal;
import dev.secondsite.core.registration.ProxyConnectivityCheck;
import dev.secondsite.core.spi.StateStore;
import dev.secondsite.core.spi.StateStoreProvider;
import dev.secondsite.core.spi.Transport;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import javax.annotation.Nullable;

/**
 * The settings of a vault, for {@link Vault#create} and {@link Vault#open}. Building them only collects and checks
 * settings: no file is opened, no thread started, no transport looked up.
 *
 * <p>Immutable and thread-safe (the transport, proxy check, store and journal given are shared as they are).
 */
public final class VaultOptions {
    private final @Nullable String name;
    private final @Nullable String region;
    private final @Nullable String id;
    private final Clock clock;
    private final @Nullable byte[] signingSecret;
    private final @Nullable ProxyConnectivityCheck proxyCheck;
    private final @Nullable Transport transport;
    private final URI transportUri;
    private final EngineOptions engineOptions;
    private final JobJournal journal;
    private final @Nullable Path storage;
    private final @Nullable StateStore store;
    private final @Nullable URI storeUri;
    private final @Nullable StateStoreProvider.Login storeLogin;
    private final int snapshotEveryRecords;

    /** {@link Builder#snapshotEveryRecords} when not set. */
    public static final int DEFAULT_SNAPSHOT_EVERY_RECORDS = 10_000;

    private VaultOptions(Builder b) {
        this.name = b.name;
        this.region = b.region;
        this.id = b.id;
        this.clock = b.clock;
        this.signingSecret = b.signingSecret;
        this.proxyCheck = b.proxyCheck;
        this.transport = b.transport;
        this.transportUri = b.transportUri;
        this.engineOptions = b.engineOptions;
        this.journal = b.journal;
        this.storage = b.storage;
        this.store = b.store;
        this.storeUri = b.storeUri;
        this.storeLogin = b.storeLogin;
        this.snapshotEveryRecords = b.snapshotEveryRecords;
    }

    /**
     * Settings for a new vault.
     *
     * @param name the vault's friendly name (V1)
     * @param region the region it lives in (V1)
     * @throws InvalidConfigurationException (V1) when either is blank
     */
    public static Builder builder(String name, String region) {
        return new Builder(text("name", name), text("region", region));
    }

    /** Settings for {@link Vault#open} that take the stored vault's name and region. */
    public static Builder builder() {
        return new Builder(null, null);
    }

    /** {@link #builder()} with every default: for {@link Vault#open} with the {@code local:default} transport. */
    public static VaultOptions defaults() {
        return builder().build();
    }

    private static String text(String field, String value) {
        requireNonNull(value, field);
        if (value.isBlank()) {
            throw InvalidConfigurationException.of(Rule.V1, "vault", field, value, field + " ('" + value
                    + "') must not be blank");
        }
        return value;
    }

    Optional<String> name() {
        return Optional.ofNullable(name);
    }

    Optional<String> region() {
        return Optional.ofNullable(region);
    }

    Optional<String> id() {
        return Optional.ofNullable(id);
    }

    Clock clock() {
        return clock;
    }

    Optional<byte[]> signingSecret() {
        return Optional.ofNullable(signingSecret).map(byte[]::clone);
    }

    Optional<ProxyConnectivityCheck> proxyCheck() {
        return Optional.ofNullable(proxyCheck);
    }

    /** The transport given with {@link Builder#transport(Transport)}, if any; it wins over {@link #transportUri()}. */
    public Optional<Transport> transport() {
        return Optional.ofNullable(transport);
    }

    /** The URI the vault looks its transport up by when no transport was given ({@code local:default} if not set). */
    public URI transportUri() {
        return transportUri;
    }

    /**
     * These settings with {@code transport} as the vault's transport (for a caller that keeps one transport across
     * several openings of a vault, such as an instance of a highly available vault).
     */
    public VaultOptions withTransport(Transport transport) {
        Builder b = toBuilder();
        b.transport(transport);
        return b.build();
    }

    private Builder toBuilder() {
        Builder b = new Builder(name, region);
        b.id = id;
        b.clock = clock;
        b.signingSecret = signingSecret;
        b.proxyCheck = proxyCheck;
        b.transport = transport;
        b.transportUri = transportUri;
        b.engineOptions = engineOptions;
        b.journal = journal;
        b.storage = storage;
        b.store = store;
        b.storeUri = storeUri;
        b.storeLogin = storeLogin;
        b.snapshotEveryRecords = snapshotEveryRecords;
        return b;
    }

    EngineOptions engineOptions() {
        return engineOptions;
    }

    JobJournal journal() {
        return journal;
    }

    Optional<Path> storage() {
        return Optional.ofNullable(storage);
    }

    Optional<StateStore> store() {
        return Optional.ofNullable(store);
    }

    Optional<URI> storeUri() {
        return Optional.ofNullable(storeUri);
    }

    Optional<StateStoreProvider.Login> storeLogin() {
        return Optional.ofNullable(storeLogin);
    }

    /** Whether a storage directory, a store or a store URI was given. */
    boolean hasStorage() {
        return storage != null || store != null || storeUri != null;
    }

    int snapshotEveryRecords() {
        return snapshotEveryRecords;
    }

    /** Secrets are not shown. */
    @Override
    public String toString() {
        return "VaultOptions[name=" + name + ", region=" + region + ", id=" + id + ", transport="
                + (transport != null ? transport : transportUri) + ", storage=" + (store != null ? store : storeUri != null ? storeUri
                + (storeLogin != null ? " as " + storeLogin.user() : "") : storage)
                + ", snapshotEveryRecords=" + snapshotEveryRecords + "]";
    }

    /** Collects {@link VaultOptions}; each setter checks its own argument. Not thread-safe. */
    public static final class Builder {
        private final @Nullable String name;
        private final @Nullable String region;
        private @Nullable String id;
        private Clock clock = Clock.systemUTC();
        private @Nullable byte[] signingSecret;
        private @Nullable ProxyConnectivityCheck proxyCheck;
        private @Nullable Transport transport;
        private URI transportUri = URI.create("local:default");
        private EngineOptions engineOptions = EngineOptions.defaults();
        private JobJournal journal = JobJournal.NONE;
        private @Nullable Path storage;
        private @Nullable StateStore store;
        private @Nullable URI storeUri;
        private @Nullable StateStoreProvider.Login storeLogin;
        private int snapshotEveryRecords = DEFAULT_SNAPSHOT_EVERY_RECORDS;

        private Builder(@Nullable String name, @Nullable String region) {
            this.name = name;
            this.region = region;
        }

        /** The new vault's id; a random UUID when not set. Given to {@link Vault#open}, it must be the stored one's. */
        public Builder id(String id) {
            this.id = text("id", id);
            return this;
        }

        /** The clock that dates keys, registrations, syncs and jobs; the system UTC clock by default. */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The secret a new vault signs registration keys with (at least 32 bytes); random by default. A stored
         * vault keeps the secret it was created with.
         *
         * @throws InvalidConfigurationException (K1) when shorter than 32 bytes
         */
        public Builder signingSecret(byte[] secret) {
            if (secret.length < 32) {
                throw InvalidConfigurationException.of(Rule.K1, "vault", "signingSecret", secret.length + " bytes",
                        "signingSecret must be at least 32 bytes, was " + secret.length);
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
         * Where the providers connect, found with ServiceLoader by scheme when the vault is created or opened;
         * {@code local:default} (providers in the same JVM attach to the hub of that name) when nothing is set.
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
         * Keeps a vault {@link Vault#create created} with these settings durably in {@code dir} (J3): every change
         * and job event is journaled there before it takes effect. Give the directory to the vault's account only:
         * it holds the key-signing secret and proxy passwords.
         */
        public Builder storage(Path dir) {
            this.storage = requireNonNull(dir, "dir");
            this.store = null;
            this.storeUri = null;
            this.storeLogin = null;
            return this;
        }

        /** Keeps a {@link Vault#create created} vault in {@code store}; the caller closes the store. */
        public Builder store(StateStore store) {
            this.store = requireNonNull(store, "store");
            this.storage = null;
            this.storeUri = null;
            this.storeLogin = null;
            return this;
        }

        /**
         * Keeps the vault in the store {@code uri} names, opened by {@link Vault#create} or {@link Vault#open(VaultOptions)}
         * with the {@link StateStoreProvider} of its scheme (found with ServiceLoader) and closed with the vault:
         * {@code file:///var/lib/secondsite} is the journal in a directory (as {@link #storage(Path)}),
         * {@code jdbc:postgresql://db.contoso.local/vault} a PostgreSQL database (add
         * {@code dev.secondsite:secondsite-store-postgresql}). The URI must not carry a password: give it with
         * {@link #store(URI, String, Secret)}.
         */
        public Builder store(URI uri) {
            this.storeUri = requireNonNull(uri, "uri");
            this.storeLogin = null;
            this.storage = null;
            this.store = null;
            return this;
        }

        /**
         * {@link #store(URI)} with a login for stores that ask for one (a database); the password is shown only to
         * the store's driver, never logged or put in {@code toString}.
         *
         * @throws InvalidConfigurationException (INPUT) when {@code user} is blank
         */
        public Builder store(URI uri, String user, Secret password) {
            StateStoreProvider.Login login = new StateStoreProvider.Login(user, password);
            store(uri);
            this.storeLogin = login;
            return this;
        }

        /** Also hands every job event to {@code journal} (after the vault's own storage, if any). */
        public Builder journal(JobJournal journal) {
            this.journal = requireNonNull(journal, "journal");
            return this;
        }

        /**
         * How many records a durable vault journals between two snapshots while it runs (J3, J4): once that many were
         * journaled since the last snapshot (and they take at least as many bytes as that snapshot, so that a large
         * vault does not rewrite its whole state every few records), a background thread of the vault writes a
         * snapshot of the state at one point and the store drops the records it covers, so that the storage of a
         * vault that runs for a year does not grow without bound; closing the vault then writes one more, so that
         * the next open reads a snapshot. 0 writes a snapshot only when the vault is opened.
         * {@value #DEFAULT_SNAPSHOT_EVERY_RECORDS} by default.
         *
         * @throws InvalidConfigurationException (J3) when negative
         */
        public Builder snapshotEveryRecords(int records) {
            if (records < 0) {
                throw InvalidConfigurationException.of(Rule.J3, "vault", "snapshotEveryRecords", records,
                        "snapshotEveryRecords (" + records + ") must be 0 (only at open) or more");
            }
            this.snapshotEveryRecords = records;
            return this;
        }

        public VaultOptions build() {
            return new VaultOptions(this);
        }
    }
}
