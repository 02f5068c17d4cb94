package dev.secondsite.core.transport.local;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;
import dev.secondsite.core.internal.SchemePlugins;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.registration.RegistrationResult;
import dev.secondsite.core.registration.ServerRegistration;
import dev.secondsite.core.registration.SyncReport;
import dev.secondsite.core.registration.VaultEndpoint;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.SiteUnreachableException;
import dev.secondsite.core.spi.Transport;
import dev.secondsite.core.spi.VaultLink;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code local:} transport: joins a vault and its providers in one JVM. A provider {@link #attach attaches}
 * under its server id with its own executor; {@link #send} runs a request on the attached provider of
 * {@code request.serverId()}, always on that provider's executor and never on the caller's thread, so the bounded
 * parallelism of the engine and of each provider is real.
 *
 * <p>Every way a send can fail to bring back a result completes its future exceptionally with
 * {@link SiteUnreachableException}, which the engine treats as transient: no provider attached, the provider
 * detached while the command was under way, the provider is shutting down, the transport is closed. A command cut
 * off by a detach may still run to its end on the provider; its result is dropped, and the engine's re-send with the
 * same idempotency key is made a no-op by the driver (J3).
 *
 * <p>Providers reach the hub through its {@link #link() link}: registration and sync go to the vault the hub was
 * {@link #bind bound} to, commands come back over their {@link VaultLink.Connection}.
 *
 * <p>Hubs: {@code local:<name>} URIs name shared in-JVM hubs, like an in-memory database URL: {@link #forUri} gives
 * the vault and every provider asking for {@code local:drill} the same instance until it is closed; after that the
 * name gives a fresh hub. {@link #create()} makes a private hub no URI names.
 *
 * <p>Thread-safe.
 */
public final class LocalTransport implements Transport {
    /** The URI scheme of local hubs. */
    public static final String SCHEME = SchemePlugins.LOCAL;

    private static final Logger LOG = LoggerFactory.getLogger(LocalTransport.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final ConcurrentMap<String, LocalTransport> HUBS = new ConcurrentHashMap<>();

    private final @Nullable String name;
    private final Map<String, Attachment> attachments = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private volatile @Nullable VaultEndpoint vault;

    private LocalTransport(@Nullable String name) {
        this.name = name;
    }

    /** A private hub that no URI names; closing it affects no other hub. */
    public static LocalTransport create() {
        return new LocalTransport(null);
    }

    /**
     * The hub named by {@code uri} ({@code local:<name>}), created on first use; the same instance for every caller
     * until it is closed.
     *
     * @throws InvalidConfigurationException (INPUT) naming the URI when it is not {@code local:<name>} with a name
     *     of letters, digits, '.', '_' or '-'
     */
    public static LocalTransport forUri(URI uri) {
        String hubName = hubName(requireNonNull(uri, "uri"));
        while (true) {
            LocalTransport hub = HUBS.computeIfAbsent(hubName, LocalTransport::new);
            if (!hub.closed) {
                return hub;
            }
            // closed between its close() and its removal from HUBS: drop it and make a fresh one
            HUBS.remove(hubName, hub);
        }
    }

    private static String hubName(URI uri) {
        String ssp = uri.getSchemeSpecificPart();
        boolean valid = uri.getScheme() != null && uri.getScheme().toLowerCase(Locale.ROOT).equals(SCHEME)
                && uri.isOpaque() && uri.getFragment() == null && ssp != null && NAME.matcher(ssp).matches();
        if (!valid) {
            throw InvalidConfigurationException.of(Rule.INPUT, "local transport", "uri", uri, "uri (" + uri
                    + ") must be local:<name> with a name of letters, digits, '.', '_' or '-', e.g. local:drill");
        }
        return ssp;
    }

    /** The URI that names this hub, or empty for a private hub made with {@link #create()}. */
    public Optional<URI> uri() {
        return Optional.ofNullable(name).map(n -> URI.create(SCHEME + ":" + n));
    }

    /** The vault this hub serves from now on; a vault reopened on the hub replaces the one before. */
    @Override
    public void bind(VaultEndpoint vault) {
        this.vault = requireNonNull(vault, "vault");
        LOG.debug("{} serves vault {}", this, vault);
    }

    /**
     * The providers' side of this hub: registration and sync reach the vault the hub is bound to, and
     * {@link VaultLink#connect connect} {@link #attach attaches} the provider.
     */
    public VaultLink link() {
        return new Link();
    }

    /**
     * Attaches the provider of {@code serverId}: from now on requests for that server run {@code handler} on
     * {@code executor}. The provider connects to the hub, never the other way round (T2).
     *
     * @param serverId the server the provider serves
     * @param executor where requests run; must not run them within {@code execute} (on the sender's stack); it
     *     may run one after the task it is running when the sender is one of its own threads
     * @param handler carries out one request; an exception it throws completes that send's future exceptionally
     *     with the exception itself
     * @return the attachment, to {@link Attachment#disconnect() disconnect} with
     * @throws IllegalStateException when this transport is closed or a provider of {@code serverId} is attached
     * @throws InvalidConfigurationException (INPUT) when {@code serverId} is blank
     */
    public synchronized Attachment attach(String serverId, Executor executor,
                                          Function<CommandRequest, CommandResult> handler) {
        Checks.text("local transport attachment", "serverId", serverId);
        requireNonNull(executor, "executor");
        requireNonNull(handler, "handler");
        if (closed) {
            throw new IllegalStateException(this + " is closed; server " + serverId + " cannot attach");
        }
        if (attachments.containsKey(serverId)) {
            throw new IllegalStateException("a provider of server " + serverId + " is already attached to " + this
                    + "; detach it first");
        }
        Attachment attachment = new Attachment(serverId, executor, handler);
        attachments.put(serverId, attachment);
        LOG.info("Provider of server {} attached to {}", serverId, this);
        return attachment;
    }

    /**
     * Runs {@code request} on the attached provider of {@code request.serverId()}, asynchronously on the provider's
     * executor.
     *
     * @return completes with the provider's result, or exceptionally with {@link SiteUnreachableException} when no
     *     provider of that server is attached, it detaches or shuts down before answering, or this transport is
     *     closed
     */
    @Override
    public CompletableFuture<CommandResult> send(CommandRequest request) {
        requireNonNull(request, "request");
        if (closed) {
            return CompletableFuture.failedFuture(unreachable(request.serverId(), this + " is closed"));
        }
        Attachment attachment = attachments.get(request.serverId());
        if (attachment == null) {
            return CompletableFuture.failedFuture(unreachable(request.serverId(), "no provider is attached to "
                    + this));
        }
        return attachment.submit(request);
    }

    @Override
    public boolean isConnected(String serverId) {
        return !closed && attachments.containsKey(serverId);
    }

    /**
     * Detaches every provider, completes every pending send exceptionally with {@link SiteUnreachableException},
     * and frees the hub's name: {@link #forUri} gives a fresh hub for it afterwards. Later sends complete
     * exceptionally too. Closing twice does nothing more.
     */
    @Override
    public void close() {
        List<Attachment> detached;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            detached = new ArrayList<>(attachments.values());
        }
        detached.forEach(a -> a.detach(this + " was closed"));
        if (name != null) {
            HUBS.remove(name, this);
        }
        LOG.info("Closed {}", this);
    }

    @Override
    public String toString() {
        return name == null ? "local transport (private)" : "local transport '" + name + "'";
    }

    private final class Link implements VaultLink {
        /**
         * @throws IllegalStateException when no vault is bound to the hub, or the hub is closed
         */
        @Override
        public RegistrationResult register(ServerRegistration request, Site inventory) {
            return vault().register(request, inventory);
        }

        /**
         * @throws IllegalStateException when no vault is bound to the hub, or the hub is closed
         */
        @Override
        public SyncReport sync(String serverId, Site inventory) {
            return vault().sync(serverId, inventory);
        }

        @Override
        public Connection connect(String serverId, Executor executor,
                                  Function<CommandRequest, CommandResult> handler) {
            return attach(serverId, executor, handler);
        }

        private VaultEndpoint vault() {
            VaultEndpoint bound = vault;
            if (closed || bound == null) {
                throw new IllegalStateException(LocalTransport.this + (closed ? " is closed" : " serves no vault yet: "
                        + "build the vault with this hub as its transport first"));
            }
            return bound;
        }

        @Override
        public String toString() {
            return "link to " + LocalTransport.this;
        }
    }

    private static SiteUnreachableException unreachable(String serverId, String why) {
        return new SiteUnreachableException(serverId, why);
    }

    /**
     * One provider attached to a {@link LocalTransport}: what it runs requests with and the sends still waiting
     * for it.
     *
     * <p>Thread-safe.
     */
    public final class Attachment implements VaultLink.Connection {
        private final String serverId;
        private final Executor executor;
        private final Function<CommandRequest, CommandResult> handler;
        /**
         * Sends under way. A send adds itself and then reads {@link #detached}; a detach sets it and then reads the
         * set: either the send sees the detach or the detach sees the send, without a lock every send would take.
         */
        private final Set<CompletableFuture<CommandResult>> pending = ConcurrentHashMap.newKeySet();
        private volatile boolean detached;

        private Attachment(String serverId, Executor executor, Function<CommandRequest, CommandResult> handler) {
            this.serverId = serverId;
            this.executor = executor;
            this.handler = handler;
        }

        /** The server whose provider this is. */
        public String serverId() {
            return serverId;
        }

        /** Whether it is still attached: not detached and its transport not closed. */
        @Override
        public boolean isConnected() {
            return !detached;
        }

        /**
         * Detaches the provider: its server becomes unreachable, and every send still waiting for it completes
         * exceptionally with {@link SiteUnreachableException}. Detaching twice does nothing more.
         */
        @Override
        public void disconnect() {
            detach("its provider detached from " + LocalTransport.this);
        }

        private void detach(String why) {
            List<CompletableFuture<CommandResult>> cutOff;
            synchronized (this) {
                if (detached) {
                    return;
                }
                detached = true;
                cutOff = new ArrayList<>(pending);
                pending.removeAll(cutOff);
            }
            attachments.remove(serverId, this);
            // completed outside the lock: a caller's callbacks may run here and must not deadlock with a send
            cutOff.forEach(f -> f.completeExceptionally(unreachable(serverId, why
                    + " while a command was under way")));
            LOG.info("Provider of server {} detached from {}; {} pending command(s) cut off", serverId,
                    LocalTransport.this, cutOff.size());
        }

        private CompletableFuture<CommandResult> submit(CommandRequest request) {
            CompletableFuture<CommandResult> future = new CompletableFuture<>();
            pending.add(future);
            if (detached) {
                pending.remove(future);
                return CompletableFuture.failedFuture(unreachable(serverId, "its provider detached from "
                        + LocalTransport.this));
            }
            try {
                executor.execute(() -> run(request, future));
            } catch (RejectedExecutionException e) {
                pending.remove(future);
                future.completeExceptionally(unreachable(serverId, "its provider is shutting down"));
            }
            return future;
        }

        /**
         * Runs one send and forgets it here rather than in a callback on its future, which would cost a completion
         * stage per command: a send cut off or cancelled meanwhile is forgotten when its turn comes.
         */
        private void run(CommandRequest request, CompletableFuture<CommandResult> future) {
            if (future.isDone()) {
                pending.remove(future);
                return; // cut off by a detach or cancelled before it started: do not run it at all
            }
            CommandResult result;
            try {
                result = handler.apply(request);
            } catch (RuntimeException e) {
                pending.remove(future);
                future.completeExceptionally(e);
                return;
            } catch (Error e) {
                pending.remove(future);
                future.completeExceptionally(e);
                throw e;
            }
            pending.remove(future);
            future.complete(result);
        }

        @Override
        public String toString() {
            return "attachment of server " + serverId + " to " + LocalTransport.this;
        }
    }
}
