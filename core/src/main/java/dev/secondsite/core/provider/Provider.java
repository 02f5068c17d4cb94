package dev.secondsite.core.provider;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.Secret;
import dev.secondsite.core.internal.Checks;
import dev.secondsite.core.internal.SchemePlugins;
import dev.secondsite.core.internal.ServiceDiscovery;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.HostDriver;
import dev.secondsite.core.spi.HostDriverProvider;
import dev.secondsite.core.spi.ScriptRunner;
import dev.secondsite.core.spi.VaultLink;
import dev.secondsite.core.spi.VaultLinkProvider;
import dev.secondsite.core.registration.RegistrationResult;
import dev.secondsite.core.registration.ServerRegistration;
import dev.secondsite.core.registration.SyncReport;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider: the agent on one VMM server (a site). It registers the server with a vault with a registration key
 * (R1-R4), syncs the server's inventory (R5), connects out to the vault (T2) and carries out the vault's
 * {@link CommandRequest}s: {@link HostCommand.RunScript} on its {@link ScriptRunner}, everything else on its
 * {@link HostDriver}, at most {@link #maxConcurrentCommands()} at a time when they come through a transport.
 *
 * <p>Build with {@link #builder(String, Supplier)}; name the vault by URI ({@link Builder#vault(URI)}, e.g.
 * {@code local:drill}), its link found by scheme, or wire a {@link VaultLink} ({@link Builder#vaultLink}). The server id is the id of the inventory the supplier gives; the
 * supplier is asked again at each registration and sync, so a re-sync reports fresh inventory.
 *
 * <p>Thread-safe. {@link #close()} it to detach and stop its threads (they are daemon threads and time out when
 * idle, so a forgotten provider does not keep a JVM alive).
 */
public final class Provider implements AutoCloseable {
    /** How many commands run at once when none is given. */
    public static final int DEFAULT_MAX_CONCURRENT_COMMANDS = 4;
    /**
     * The most commands a provider runs at once. A command mostly waits for its host, so a provider thread costs a
     * stack, not a core: a VMM server with hundreds of hosts failing over thousands of VMs needs the engine's
     * per-site parallelism (hundreds) of slots here, or the site itself becomes the bottleneck of a plan.
     */
    public static final int MAX_CONCURRENT_COMMANDS = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(Provider.class);

    private final String friendlyName;
    private final String serverId;
    private final Supplier<Site> inventory;
    private final HostDriver driver;
    private final @Nullable ScriptRunner scriptRunner;
    private final int maxConcurrentCommands;
    private final CommandThreads executor;
    private final @Nullable VaultLink vault;
    private @Nullable VaultLink.Connection connection;
    private boolean closed;

    private Provider(Builder b, String serverId, HostDriver driver, @Nullable VaultLink vault) {
        this.friendlyName = b.friendlyName;
        this.vault = vault;
        this.serverId = serverId;
        this.inventory = b.inventory;
        this.driver = driver;
        this.scriptRunner = b.scriptRunner;
        this.maxConcurrentCommands = b.maxConcurrentCommands;
        this.executor = new CommandThreads(maxConcurrentCommands, threads(serverId));
    }

    /**
     * Starts building a provider.
     *
     * @param friendlyName the name the server registers under (for a clustered VMM: its cluster role name, R2)
     * @param inventory gives the server's inventory as it is now; asked at build, registration and every sync
     */
    public static Builder builder(String friendlyName, Supplier<Site> inventory) {
        return new Builder(friendlyName, inventory);
    }

    public String friendlyName() {
        return friendlyName;
    }

    /** The id of the server this provider serves: the id of its inventory. */
    public String serverId() {
        return serverId;
    }

    public int maxConcurrentCommands() {
        return maxConcurrentCommands;
    }

    /**
     * Registers this provider's server with its vault (R1-R4): its friendly name, the key, the options, and the
     * inventory as it is now. Neither the key nor a proxy password is logged.
     *
     * @param registrationKey the encoded key as the vault generated it (K1)
     * @throws dev.secondsite.core.registration.RegistrationRefusedException when the vault refuses the key or the server
     * @throws InvalidConfigurationException (INPUT) when the inventory now has another server id
     * @throws IllegalStateException when the provider was built without a vault
     */
    public RegistrationResult register(Secret registrationKey, RegistrationOptions options) {
        VaultLink vault = vault();
        requireNonNull(registrationKey, "registrationKey");
        requireNonNull(options, "options");
        ServerRegistration.Builder request = ServerRegistration.builder(friendlyName, registrationKey)
                .cloudSync(options.cloudSync());
        if (options.proxy() != null) {
            request.proxy(options.proxy());
        }
        if (options.encryption() != null) {
            request.encryption(options.encryption());
        }
        LOG.info("Registering server {} as '{}' ({})", serverId, friendlyName, options);
        RegistrationResult result = vault.register(request.build(), currentInventory());
        LOG.info("Registered server {} as '{}' with {} warning(s)", serverId, result.server().friendlyName(),
                result.warnings().warnings().size());
        return result;
    }

    /**
     * Reports the server's inventory as it is now to its vault (R5).
     *
     * @throws InvalidConfigurationException (INPUT) when the server is not registered with the vault, or the
     *     inventory now has another server id
     * @throws IllegalStateException when the provider was built without a vault
     */
    public SyncReport sync() {
        VaultLink vault = vault();
        SyncReport report = vault.sync(serverId, currentInventory());
        LOG.info("Synced server {}: clouds added {}, removed {}", serverId, report.addedClouds(),
                report.removedClouds());
        return report;
    }

    private Site currentInventory() {
        Site site = requireNonNull(inventory.get(), "the inventory supplier returned null");
        if (!site.id().equals(serverId)) {
            throw InvalidConfigurationException.of(Rule.INPUT, "provider '" + friendlyName + "'", "inventory.id",
                    site.id(), "inventory.id ('" + site.id() + "') must stay the id of server " + serverId);
        }
        return site;
    }

    private VaultLink vault() {
        if (vault == null) {
            throw new IllegalStateException("provider '" + friendlyName + "' has no vault: build it with "
                    + "Provider.builder(...).vault(uri) or .vaultLink(link)");
        }
        return vault;
    }

    /**
     * Connects this provider to its vault for commands (T2: the provider connects out): from now on the vault's
     * requests for {@link #serverId()} run on this provider's threads.
     *
     * @throws IllegalStateException when this provider is closed, connected already or has no vault, or the link
     *     refuses (closed, or another provider of this server is connected)
     */
    public synchronized void connect() {
        VaultLink link = vault();
        if (closed) {
            throw new IllegalStateException("provider '" + friendlyName + "' is closed");
        }
        if (connection != null && connection.isConnected()) {
            throw new IllegalStateException("provider '" + friendlyName + "' is already connected: " + connection);
        }
        connection = link.connect(serverId, executor, this::execute);
    }

    /**
     * Disconnects from the vault: commands it was waiting for complete there exceptionally with
     * {@link dev.secondsite.core.spi.SiteUnreachableException}. Does nothing when not connected.
     */
    public synchronized void disconnect() {
        if (connection != null) {
            connection.disconnect();
            connection = null;
        }
    }

    /** Whether this provider is connected to its vault for commands, over a link that is still open. */
    public synchronized boolean isConnected() {
        return connection != null && connection.isConnected();
    }

    /** How many commands from the vault wait for one of the {@link #maxConcurrentCommands()} slots. */
    public int queuedCommands() {
        return executor.queued();
    }

    /**
     * Carries out one request on the calling thread: {@link HostCommand.RunScript} on the script runner, any other
     * command on the host driver. Never throws for a failure of the host: an exception of the driver or runner
     * becomes a transient failure carrying its message; a request for another server, or a script without a
     * script runner, is a permanent failure.
     *
     * @return the result, never null
     */
    public CommandResult execute(CommandRequest request) {
        requireNonNull(request, "request");
        if (!request.serverId().equals(serverId)) {
            String refusal = request.command().describe() + " [" + request.idempotencyKey() + "] is addressed to "
                    + "server " + request.serverId() + ", but provider '" + friendlyName + "' serves server "
                    + serverId;
            LOG.warn("Refused: {}", refusal);
            return CommandResult.permanentFailure(refusal);
        }
        LOG.debug("Executing {}", request);
        CommandResult result;
        try {
            result = request.command() instanceof HostCommand.RunScript script ? runScript(script)
                    : driver.execute(request);
            if (result == null) {
                result = CommandResult.transientFailure(request.command().describe() + ": the "
                        + (request.command() instanceof HostCommand.RunScript ? "script runner" : "host driver")
                        + " returned no result");
            }
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            LOG.warn("{} threw {}; reported as a transient failure", request, e.getClass().getName());
            result = CommandResult.transientFailure(request.command().describe() + " failed: " + message);
        }
        if (result.succeeded()) {
            LOG.debug("{} succeeded: {}", request, result.message());
        } else {
            LOG.info("{} ended with {}: {}", request, result.outcome(), result.message());
        }
        return result;
    }

    private CommandResult runScript(HostCommand.RunScript script) {
        if (scriptRunner == null) {
            return CommandResult.permanentFailure(script.describe() + ": provider '" + friendlyName
                    + "' has no ScriptRunner; build it with Provider.builder(...).scriptRunner(...)");
        }
        return scriptRunner.run(script.path(), script.timeout());
    }

    /**
     * Disconnects from the vault and stops this provider's threads; commands already running end, queued ones do
     * not start. Closing twice does nothing more.
     */
    @Override
    public synchronized void close() {
        disconnect();
        closed = true;
        executor.shutdown();
    }

    @Override
    public String toString() {
        return "Provider['" + friendlyName + "' of server " + serverId + "]";
    }

    private static ThreadFactory threads(String serverId) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, "secondsite-provider-" + serverId + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Builds a {@link Provider}: give a host driver explicitly with {@link #hostDriver(HostDriver)}, or by name with
     * {@link #hostDriver(String, Map)} to have it found with ServiceLoader. Not thread-safe.
     */
    public static final class Builder {
        private final String friendlyName;
        private final Supplier<Site> inventory;
        private @Nullable HostDriver driver;
        private @Nullable String driverName;
        private Map<String, String> driverSettings = Map.of();
        private @Nullable ScriptRunner scriptRunner;
        private int maxConcurrentCommands = DEFAULT_MAX_CONCURRENT_COMMANDS;
        private @Nullable URI vaultUri;
        private @Nullable VaultLink vaultLink;

        private Builder(String friendlyName, Supplier<Site> inventory) {
            this.friendlyName = requireNonNull(friendlyName, "friendlyName");
            this.inventory = requireNonNull(inventory, "inventory");
        }

        /** The driver that carries out host commands. */
        public Builder hostDriver(HostDriver driver) {
            this.driver = requireNonNull(driver, "driver");
            return this;
        }

        /**
         * The driver made by the {@link HostDriverProvider} named {@code name}, found with ServiceLoader at
         * {@link #build()}.
         *
         * @param settings handed to {@link HostDriverProvider#create(Map)}; never logged
         */
        public Builder hostDriver(String name, Map<String, String> settings) {
            this.driverName = requireNonNull(name, "name");
            this.driverSettings = Map.copyOf(settings);
            return this;
        }

        /**
         * The vault, by URI: its {@link VaultLink} is made at {@link #build()} by the {@link VaultLinkProvider} of
         * the URI's scheme, found with ServiceLoader ({@code local:<hub>} in core, {@code https:} in
         * {@code dev.secondsite:secondsite-transport-https}).
         */
        public Builder vault(URI uri) {
            this.vaultUri = requireNonNull(uri, "uri");
            return this;
        }

        /** The link to the vault, wired explicitly; wins over discovery, and may not be combined with a URI. */
        public Builder vaultLink(VaultLink link) {
            this.vaultLink = requireNonNull(link, "link");
            return this;
        }

        /** Runs recovery plan scripts (RP8); without one, a script command fails permanently. */
        public Builder scriptRunner(ScriptRunner scriptRunner) {
            this.scriptRunner = requireNonNull(scriptRunner, "scriptRunner");
            return this;
        }

        /**
         * How many commands from a transport run at once; default {@link #DEFAULT_MAX_CONCURRENT_COMMANDS}.
         *
         * @throws InvalidConfigurationException (INPUT) unless {@code 1 <= max <= MAX_CONCURRENT_COMMANDS}
         */
        public Builder maxConcurrentCommands(int max) {
            this.maxConcurrentCommands = Checks.range(Rule.INPUT, "provider '" + friendlyName + "'",
                    "maxConcurrentCommands", max, 1, MAX_CONCURRENT_COMMANDS);
            return this;
        }

        /**
         * Asks the inventory supplier once for the server id and resolves the driver.
         *
         * @throws InvalidConfigurationException (R1) for a blank friendly name; (INPUT) when no driver or both kinds
         *     of driver were given, or no {@link HostDriverProvider} has the name given (the message names the
         *     drivers found), or that provider refuses its settings; (INPUT) when both a vault URI and a link were
         *     given, or no {@link VaultLinkProvider} serves the URI's scheme (the message names the module to add)
         */
        public Provider build() {
            Checks.text(Rule.R1, "provider", "friendlyName", friendlyName);
            String subject = "provider '" + friendlyName + "'";
            if (driver != null && driverName != null) {
                throw InvalidConfigurationException.of(Rule.INPUT, subject, "hostDriver", driverName,
                        "hostDriver must be given once: a HostDriver or a driver name ('" + driverName
                                + "'), not both");
            }
            if (driver == null && driverName == null) {
                throw InvalidConfigurationException.of(Rule.INPUT, subject, "hostDriver", null,
                        "hostDriver (missing) must be given: a HostDriver or the name of a HostDriverProvider");
            }
            Site site = requireNonNull(inventory.get(), "the inventory supplier returned null");
            if (vaultUri != null && vaultLink != null) {
                throw InvalidConfigurationException.of(Rule.INPUT, subject, "vault", vaultUri,
                        "vault must be given once: a URI (" + vaultUri + ") or a VaultLink, not both");
            }
            VaultLink link = vaultLink != null ? vaultLink : vaultUri == null ? null
                    : SchemePlugins.forUri(VaultLinkProvider.class, VaultLinkProvider::scheme, vaultUri, subject)
                            .connect(vaultUri);
            HostDriver resolved = driver != null ? driver : discover(subject, driverName, driverSettings);
            return new Provider(this, site.id(), resolved, link);
        }

        private static HostDriver discover(String subject, String name, Map<String, String> settings) {
            return ServiceDiscovery.first(HostDriverProvider.class, p -> p.name().equals(name),
                            "driver '" + name + "'")
                    .orElseThrow(() -> {
                        List<String> found = ServiceDiscovery.all(HostDriverProvider.class, p -> true).stream()
                                .map(HostDriverProvider::name).sorted().toList();
                        return InvalidConfigurationException.of(Rule.INPUT, subject, "hostDriver", name,
                                "hostDriver ('" + name + "') was not found: HostDriverProviders on the class path: "
                                        + (found.isEmpty() ? "none" : String.join(", ", found))
                                        + " (the 'hyperv' and 'simulated' drivers come with "
                                        + "dev.secondsite:secondsite-hyperv-driver)");
                    })
                    .create(settings);
        }
    }
}
