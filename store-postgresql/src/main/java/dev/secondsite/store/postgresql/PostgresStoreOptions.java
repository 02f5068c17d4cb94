package dev.secondsite.store.postgresql;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.Secret;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.annotation.Nullable;
import javax.sql.DataSource;

/**
 * Where and how {@link PostgresStateStore} keeps a vault's state: a {@link DataSource} the application gives (its
 * pool, its credentials), or a JDBC URL with a user and a password; the prefix of the store's tables, so that
 * several vaults can share one database; the largest record accepted. Building the options only collects and
 * checks them: nothing is connected.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the password.
 */
public final class PostgresStoreOptions {
    /** {@link Builder#tablePrefix} when not set. */
    public static final String DEFAULT_TABLE_PREFIX = "secondsite_";
    /** {@link Builder#maxRecordBytes} when not set: as the journal store's default. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 16 << 20;
    /** PostgreSQL's identifiers hold 63 bytes; the longest table suffix is {@code records}. */
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,39}");
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("[?&]password=", Pattern.CASE_INSENSITIVE);

    private final @Nullable DataSource dataSource;
    private final @Nullable String url;
    private final @Nullable String user;
    private final @Nullable Secret password;
    private final String tablePrefix;
    private final int maxRecordBytes;
    private final @Nullable String instanceName;
    private final @Nullable URI instanceAddress;

    private PostgresStoreOptions(Builder b) {
        this.instanceName = b.instanceName;
        this.instanceAddress = b.instanceAddress;
        this.dataSource = b.dataSource;
        this.url = b.url;
        this.user = b.user;
        this.password = b.password;
        this.tablePrefix = b.tablePrefix;
        this.maxRecordBytes = b.maxRecordBytes;
    }

    /** Options for a store reached through {@code dataSource}; the application closes it, if it needs closing. */
    public static Builder builder(DataSource dataSource) {
        Builder b = new Builder();
        b.dataSource = requireNonNull(dataSource, "dataSource");
        return b;
    }

    /**
     * Options for a store reached at {@code jdbcUrl} as {@code user} with {@code password}.
     *
     * @param jdbcUrl e.g. {@code jdbc:postgresql://db.contoso.local:5432/vault}; must not carry a password
     * @throws InvalidConfigurationException (INPUT) when the URL is not a {@code jdbc:postgresql:} URL, carries a
     *     password, or the user is blank
     */
    public static Builder builder(String jdbcUrl, String user, Secret password) {
        Builder b = builder(jdbcUrl);
        requireNonNull(user, "user");
        if (user.isBlank()) {
            throw InvalidConfigurationException.of(Rule.INPUT, "postgresql store", "user", user,
                    "user ('" + user + "') must not be blank");
        }
        b.user = user;
        b.password = requireNonNull(password, "password");
        return b;
    }

    /**
     * Options for a store reached at {@code jdbcUrl} without a password (trust, peer or certificate
     * authentication, or a user named in the URL).
     *
     * @throws InvalidConfigurationException (INPUT) when the URL is not a {@code jdbc:postgresql:} URL or carries a
     *     password
     */
    public static Builder builder(String jdbcUrl) {
        requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:")) {
            throw InvalidConfigurationException.of(Rule.INPUT, "postgresql store", "url", jdbcUrl,
                    "url (" + withoutQuery(jdbcUrl) + ") must start with jdbc:postgresql:");
        }
        if (PASSWORD_IN_URL.matcher(jdbcUrl).find()) {
            throw InvalidConfigurationException.of(Rule.INPUT, "postgresql store", "url", withoutQuery(jdbcUrl),
                    "url (" + withoutQuery(jdbcUrl) + ") must not carry a password: give it as a Secret");
        }
        Builder b = new Builder();
        b.url = jdbcUrl;
        return b;
    }

    /** {@code url} without its query, which may hold settings not to be shown. */
    static String withoutQuery(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    Optional<DataSource> dataSource() {
        return Optional.ofNullable(dataSource);
    }

    Optional<String> url() {
        return Optional.ofNullable(url);
    }

    Optional<String> user() {
        return Optional.ofNullable(user);
    }

    Optional<Secret> password() {
        return Optional.ofNullable(password);
    }

    /** The prefix of the store's table names. */
    public String tablePrefix() {
        return tablePrefix;
    }

    /**
     * The name the instance opening the store writes into the leader row (who raised the epoch); by default
     * {@code process <pid> on <host>}.
     */
    public Optional<String> instanceName() {
        return Optional.ofNullable(instanceName);
    }

    /** Where the instance opening the store serves, written into the leader row; none by default. */
    public Optional<URI> instanceAddress() {
        return Optional.ofNullable(instanceAddress);
    }

    /** These options with {@code name} and {@code address} as the opening instance's. */
    PostgresStoreOptions withInstance(String name, @Nullable URI address) {
        Builder b = new Builder();
        b.dataSource = dataSource;
        b.url = url;
        b.user = user;
        b.password = password;
        b.tablePrefix = tablePrefix;
        b.maxRecordBytes = maxRecordBytes;
        b.instance(name, address);
        return b.build();
    }

    /** The largest record, type and payload bytes together, that an append accepts. */
    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /** Names where the store is; never the password. */
    @Override
    public String toString() {
        return "PostgresStoreOptions[" + (dataSource != null ? "dataSource=" + dataSource.getClass().getName()
                : "url=" + withoutQuery(url) + (user != null ? ", user=" + user : "")) + ", tablePrefix="
                + tablePrefix + ", maxRecordBytes=" + maxRecordBytes
                + (instanceName != null ? ", instance=" + instanceName : "")
                + (instanceAddress != null ? ", address=" + instanceAddress : "") + "]";
    }

    /** Collects {@link PostgresStoreOptions}; each setter checks its own argument. Not thread-safe. */
    public static final class Builder {
        private @Nullable DataSource dataSource;
        private @Nullable String url;
        private @Nullable String user;
        private @Nullable Secret password;
        private String tablePrefix = DEFAULT_TABLE_PREFIX;
        private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
        private @Nullable String instanceName;
        private @Nullable URI instanceAddress;

        private Builder() {
        }

        /**
         * Who opens the store, as the leader row shows it: the instance's name (1 to 200 characters, no control
         * characters) and, if it serves providers over a network, its address.
         *
         * @throws InvalidConfigurationException (INPUT) when the name is blank, longer than 200 characters or holds
         *     a control character, or the address is not absolute
         */
        public Builder instance(String name, @Nullable URI address) {
            requireNonNull(name, "name");
            if (name.isBlank() || name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
                throw InvalidConfigurationException.of(Rule.INPUT, "postgresql store", "instanceName", name,
                        "instanceName ('" + name + "') must be 1 to 200 characters without control characters");
            }
            if (address != null && !address.isAbsolute()) {
                throw InvalidConfigurationException.of(Rule.INPUT, "postgresql store", "instanceAddress", address,
                        "instanceAddress (" + address + ") must be an absolute URI, e.g. https://vault-a:8443");
            }
            this.instanceName = name;
            this.instanceAddress = address;
            return this;
        }

        /**
         * The prefix of the store's tables ({@code <prefix>records}, {@code <prefix>snapshot}, ...):
         * {@value #DEFAULT_TABLE_PREFIX} by default; another one keeps another vault in the same database.
         *
         * @throws InvalidConfigurationException (INPUT) unless it is a lower-case letter and then up to 39
         *     lower-case letters, digits or underscores
         */
        public Builder tablePrefix(String prefix) {
            requireNonNull(prefix, "prefix");
            if (!PREFIX.matcher(prefix).matches()) {
                throw InvalidConfigurationException.of(Rule.INPUT, "postgresql store", "tablePrefix", prefix,
                        "tablePrefix ('" + prefix + "') must be a lower-case letter and then up to 39 lower-case "
                                + "letters, digits or underscores");
            }
            this.tablePrefix = prefix;
            return this;
        }

        /**
         * The largest record (type and payload bytes together) an append accepts; 64 bytes to 256 MiB.
         *
         * @throws InvalidConfigurationException (INPUT) when out of that range
         */
        public Builder maxRecordBytes(int bytes) {
            if (bytes < 64 || bytes > 256 << 20) {
                throw InvalidConfigurationException.of(Rule.INPUT, "postgresql store", "maxRecordBytes", bytes,
                        "maxRecordBytes (" + bytes + ") must be between 64 and " + (256 << 20));
            }
            this.maxRecordBytes = bytes;
            return this;
        }

        public PostgresStoreOptions build() {
            return new PostgresStoreOptions(this);
        }
    }
}
