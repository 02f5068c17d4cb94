package dev.secondsite.transport.https;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.Rule;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.registration.ProxySettings;
import dev.secondsite.core.registration.RegistrationRefusedException;
import dev.secondsite.core.registration.RegistrationResult;
import dev.secondsite.core.registration.ServerRegistration;
import dev.secondsite.core.registration.SyncReport;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.VaultLink;
import dev.secondsite.transport.https.VaultCertificates.KeyManagerMaterial;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.annotation.Nullable;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's side of the {@code https:} transport, on the JDK {@link HttpClient} (TLS 1.3 and 1.2 only). It
 * registers with a key, a friendly name and a PKCS#10 request for a key pair it makes and keeps in memory; the vault
 * answers with a client certificate and its CA, which from then on is the only trust anchor besides the ones the
 * link was built with, and every later call presents that certificate (mutual TLS, R6). After
 * {@link #connect connecting} it long-polls the vault for commands, runs each on the provider's executor, posts the
 * results (batched), and sends a heartbeat; after an error or a vault restart it polls again with exponential
 * backoff and jitter. A command whose idempotency key it has seen is not run again: its first result is posted again
 * (J3), unless that was a transient failure, which is forgotten once posted so that the engine's retry runs. A proxy (R1) goes to the client's {@link ProxySelector}: every call, registration included, goes through a
 * {@code CONNECT} tunnel it opens (T2). With a proxy user, the Basic credentials go on that {@code CONNECT} through a
 * relay on loopback that this link runs (the JDK's {@link java.net.Authenticator} would not send Basic on a tunnel
 * unless {@code jdk.http.auth.tunneling.disabledSchemes} were changed for the whole JVM, which a library must not
 * do behind its user's back); the relay tunnels to this vault's host and port only. The proxy is checked with
 * {@link HttpProxyConnectivityCheck} before registering.
 *
 * <p>Build with {@link #builder(URI)}. Thread-safe.
 */
public final class HttpsVaultLink implements VaultLink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpsVaultLink.class);
    /** How many idempotency keys the link remembers the results of. */
    static final int REMEMBERED_RESULTS = 100_000;

    private final URI base;
    private final List<X509Certificate> anchors;
    private final @Nullable ProxySettings proxy;
    private final Duration pollWait;
    private final Duration heartbeatEvery;
    private final Duration maxBackoff;
    private final @Nullable Path identityFile;
    private volatile @Nullable Credentials credentials;
    private volatile @Nullable Poller poller;
    private volatile boolean closed;
    private @Nullable Tunnel tunnel;
    /** J3: results by idempotency key, the first one kept; a running command maps to an incomplete future. */
    private final Map<String, CompletableFuture<CommandResult>> results = new LinkedHashMap<>(1024, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<CommandResult>> eldest) {
            return size() > REMEMBERED_RESULTS && eldest.getValue().isDone();
        }
    };

    private HttpsVaultLink(Builder b) {
        this.base = b.uri.getPath() == null || b.uri.getPath().isEmpty() ? b.uri.resolve("/") : b.uri;
        this.anchors = List.copyOf(b.anchors);
        this.proxy = b.proxy;
        this.pollWait = b.pollWait;
        this.heartbeatEvery = b.heartbeatEvery;
        this.maxBackoff = b.maxBackoff;
        this.identityFile = b.identityFile;
        if (identityFile != null) {
            ProviderIdentity.load(identityFile).ifPresent(stored -> {
                this.credentials = credentials(stored, proxy);
                LOG.info("Provider identity read from {}; client certificate sha256 {}", identityFile,
                        VaultCertificates.fingerprint(stored.key().chain()[0]));
            });
        }
    }

    private Credentials credentials(ProviderIdentity.Stored stored, @Nullable ProxySettings p) {
        List<X509Certificate> pinned = new ArrayList<>(anchors);
        pinned.add(stored.ca());
        return new Credentials(stored.key(), client(stored.key(), pinned, p));
    }

    /** Starts building a link to the vault at {@code uri} ({@code https://host:port/}). */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /** The client certificate the vault issued, once registered. */
    public Optional<X509Certificate> clientCertificate() {
        Credentials c = credentials;
        return c == null ? Optional.empty() : Optional.of(c.key.chain()[0]);
    }

    /**
     * Registers over HTTPS: checks the proxy first (R1), makes a key pair and its PKCS#10 request, sends them with
     * the key and the inventory, and keeps the client certificate the vault answers with.
     *
     * @throws RegistrationRefusedException as the vault refused it (K1, R1, R2, P1), or (R1, PROXY_UNREACHABLE)
     *     when the proxy does not answer; nothing is registered
     * @throws VaultCallException when the vault cannot be reached or refuses the request itself
     */
    @Override
    public RegistrationResult register(ServerRegistration request, Site inventory) {
        ProxySettings p = request.proxy().orElse(proxy);
        if (p != null) {
            Optional<String> failure = new HttpProxyConnectivityCheck(base.getHost(), port(base), Duration.ofSeconds(5))
                    .check(p);
            if (failure.isPresent()) {
                throw new RegistrationRefusedException(Rule.R1, RegistrationRefusedException.Reason.PROXY_UNREACHABLE,
                        "proxyAddress (" + p.address() + ":" + p.port() + ") cannot be used: " + failure.get());
            }
        }
        KeyPair pair;
        try {
            pair = VaultCertificates.newKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a key pair: " + e.getMessage(), e);
        }
        byte[] csr = VaultCertificates.csr(pair, request.friendlyName());
        Wire.RegisterRequest body = new Wire.RegisterRequest(Wire.VERSION, request.friendlyName(),
                request.registrationKey().reveal(), request.proxy().map(Wire.ProxyForm::of).orElse(null),
                request.encryption().orElse(null), request.cloudSync(), Base64.getEncoder().encodeToString(csr),
                Wire.SiteForm.of(inventory));
        HttpClient bootstrap = client(null, anchors, p);
        Wire.RegisterResponse answer = call(bootstrap, post("v1/register", body), Wire.RegisterResponse.class);
        X509Certificate client = VaultCertificates.certificate(Base64.getDecoder().decode(answer.clientCertificate()));
        X509Certificate ca = VaultCertificates.certificate(Base64.getDecoder().decode(answer.caCertificate()));
        ProviderIdentity.Stored stored = new ProviderIdentity.Stored(new KeyManagerMaterial(pair.getPrivate(),
                new X509Certificate[] {client, ca}), ca);
        if (identityFile != null) {
            ProviderIdentity.save(identityFile, stored); // before use: a restart finds what the vault now holds
        }
        this.credentials = credentials(stored, p);
        LOG.info("Registered '{}' with {}; client certificate sha256 {}", request.friendlyName(), base,
                VaultCertificates.fingerprint(client));
        return answer.result();
    }

    /**
     * @throws VaultCallException when the vault refuses the call (R6: 401/403) or the sync (422)
     * @throws IllegalStateException when this link has not registered
     * @throws ProviderIdentityException when it has not registered and keeps its identity in a file (named)
     */
    @Override
    public SyncReport sync(String serverId, Site inventory) {
        return call(credentials().client, post("v1/sync", new Wire.SyncRequest(Wire.VERSION,
                Wire.SiteForm.of(inventory))), Wire.SyncResponse.class).report();
    }

    @Override
    public synchronized Connection connect(String serverId, Executor executor,
                                           Function<CommandRequest, CommandResult> handler) {
        requireNonNull(serverId, "serverId");
        requireNonNull(executor, "executor");
        requireNonNull(handler, "handler");
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        if (poller != null && poller.isConnected()) {
            throw new IllegalStateException("a provider of server " + serverId + " is already connected to " + base);
        }
        Poller p = new Poller(serverId, executor, handler, credentials());
        poller = p;
        p.start();
        return p;
    }

    /** Disconnects and stops the link's threads. */
    @Override
    public synchronized void close() {
        closed = true;
        if (poller != null) {
            poller.disconnect();
        }
        if (tunnel != null) {
            tunnel.relay.close();
        }
    }

    @Override
    public String toString() {
        return "HttpsVaultLink[" + base + "]";
    }

    private Credentials credentials() {
        Credentials c = credentials;
        if (c == null && identityFile != null) {
            throw new ProviderIdentityException(identityFile, "missing: this provider has not registered yet; "
                    + "register the server first, so that the vault issues its client certificate (R6)");
        }
        if (c == null) {
            throw new IllegalStateException(this + " has not registered: register the server first, so that the "
                    + "vault issues its client certificate (R6)");
        }
        return c;
    }

    private static int port(URI uri) {
        return uri.getPort() > 0 ? uri.getPort() : 443;
    }

    private HttpRequest.Builder post(String path, Object body) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Wire.write(body)));
    }

    private <T> T call(HttpClient client, HttpRequest.Builder request, Class<T> answer) {
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new VaultCallException(0, "UNREACHABLE", base + " cannot be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VaultCallException(0, "INTERRUPTED", "the call to " + base + " was interrupted");
        }
        return answer(response, answer);
    }

    private <T> T answer(HttpResponse<byte[]> response, Class<T> answer) {
        if (response.statusCode() == 200) {
            return Wire.read(response.body(), answer);
        }
        Wire.ErrorBody error;
        try {
            error = Wire.read(response.body(), Wire.ErrorBody.class);
        } catch (RuntimeException e) {
            throw new VaultCallException(response.statusCode(), "UNKNOWN", "the vault's answer is not a JSON error");
        }
        if ("REGISTRATION_REFUSED".equals(error.error()) && error.reason() != null && error.rule() != null) {
            throw new RegistrationRefusedException(Rule.valueOf(error.rule()),
                    RegistrationRefusedException.Reason.valueOf(error.reason()), vaultSaid(error.message()));
        }
        throw new VaultCallException(response.statusCode(), error.error(), error.message());
    }

    /** The vault's message without the "RULE: registration refused (REASON): " head it already carries. */
    private static String vaultSaid(String message) {
        int at = message.indexOf("): ");
        return at >= 0 ? message.substring(at + 3) : message;
    }

    private HttpClient client(@Nullable KeyManagerMaterial key, List<X509Certificate> trust,
                              @Nullable ProxySettings p) {
        try {
            TrustManager[] tm = Tls.trusting(trust);
            SSLContext context = Tls.context(Tls.keyManagers(key), tm);
            HttpClient.Builder b = HttpClient.newBuilder().sslContext(context).sslParameters(Tls.parameters(context))
                    .connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1);
            if (p != null) {
                // with a user, through the relay that sends Basic on the CONNECT itself (see ProxyTunnel for why
                // the JDK's Authenticator cannot); without one, straight to the proxy
                InetSocketAddress via = p.user().isPresent() ? tunnelTo(p).address()
                        : InetSocketAddress.createUnresolved(p.address(), p.port());
                b.proxy(ProxySelector.of(via));
            }
            return b.build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private synchronized ProxyTunnel tunnelTo(ProxySettings p) {
        if (tunnel != null && tunnel.proxy.equals(p)) {
            return tunnel.relay;
        }
        if (tunnel != null) {
            tunnel.relay.close();
        }
        try {
            tunnel = new Tunnel(p, ProxyTunnel.start(p, base.getHost(), port(base)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the proxy relay on loopback: " + e.getMessage(), e);
        }
        return tunnel.relay;
    }

    /** The relay in use and the proxy settings it serves. */
    private record Tunnel(ProxySettings proxy, ProxyTunnel relay) {
    }

    /** The key and the client that presents its certificate. The key is never shown. */
    private record Credentials(KeyManagerMaterial key, HttpClient client) {
        @Override
        public String toString() {
            return "Credentials[****]";
        }
    }

    /** One connection: the poll loop, the result poster and the heartbeat, each on its own daemon thread. */
    private final class Poller implements Connection {
        private final String serverId;
        private final Executor executor;
        private final Function<CommandRequest, CommandResult> handler;
        private final Credentials credentials;
        private final CountDownLatch stopped = new CountDownLatch(1);
        private final LinkedBlockingQueue<Wire.ResultForm> outbox = new LinkedBlockingQueue<>();
        private final List<Thread> threads = new ArrayList<>();

        Poller(String serverId, Executor executor, Function<CommandRequest, CommandResult> handler,
               Credentials credentials) {
            this.serverId = serverId;
            this.executor = executor;
            this.handler = handler;
            this.credentials = credentials;
        }

        void start() {
            threads.add(thread("poll", this::pollLoop));
            threads.add(thread("results", this::postLoop));
            threads.add(thread("heartbeat", this::heartbeatLoop));
            threads.forEach(Thread::start);
        }

        private Thread thread(String what, Runnable body) {
            Thread t = new Thread(body, "secondsite-https-" + what + "-" + serverId);
            t.setDaemon(true);
            return t;
        }

        @Override
        public boolean isConnected() {
            return stopped.getCount() > 0 && !closed;
        }

        @Override
        public void disconnect() {
            stopped.countDown();
            threads.forEach(Thread::interrupt);
        }

        /** Waits {@code d}; returns false when disconnected meanwhile. */
        private boolean pause(Duration d) {
            try {
                return !stopped.await(d.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return false;
            }
        }

        private Duration backoff(int failures) {
            long cap = Math.min(maxBackoff.toMillis(), 100L << Math.min(failures, 16));
            return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1)); // jitter: half to all
        }

        private void pollLoop() {
            int failures = 0;
            HttpRequest poll = HttpRequest.newBuilder(base.resolve("v1/commands?waitMillis=" + pollWait.toMillis()))
                    .timeout(pollWait.plusSeconds(120)).GET().build();
            while (isConnected()) {
                try {
                    HttpResponse<byte[]> response = credentials.client.send(poll,
                            HttpResponse.BodyHandlers.ofByteArray());
                    Wire.CommandsResponse commands = answer(response, Wire.CommandsResponse.class);
                    if (failures > 0) {
                        LOG.info("Provider of server {} reconnected to {} after {} failed poll(s)", serverId, base,
                                failures);
                    }
                    failures = 0;
                    commands.commands().forEach(this::dispatch);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    failures++;
                    Duration wait = backoff(failures);
                    LOG.info("Poll of {} for server {} failed ({}); again in {} ms", base, serverId, e.toString(),
                            wait.toMillis());
                    if (!pause(wait)) {
                        return;
                    }
                }
            }
        }

        private void dispatch(CommandRequest request) {
            CompletableFuture<CommandResult> first;
            CompletableFuture<CommandResult> mine = new CompletableFuture<>();
            synchronized (results) {
                first = results.putIfAbsent(request.idempotencyKey(), mine);
            }
            if (first != null) {
                // J3: seen before; never run twice. Its first result goes out again once there is one.
                first.thenAccept(r -> outbox.add(new Wire.ResultForm(request.idempotencyKey(), r)));
                return;
            }
            mine.thenAccept(r -> outbox.add(new Wire.ResultForm(request.idempotencyKey(), r)));
            try {
                executor.execute(() -> {
                    CommandResult result;
                    try {
                        result = handler.apply(request);
                    } catch (RuntimeException e) {
                        result = CommandResult.transientFailure(request.command().describe() + " failed: " + e);
                    }
                    mine.complete(result);
                    if (result.outcome() == CommandResult.Outcome.TRANSIENT_FAILURE) {
                        // a transient failure changed nothing: the engine's retry comes with the same key and must
                        // run again, as the host driver's own memory of results forgets failures too
                        synchronized (results) {
                            results.remove(request.idempotencyKey(), mine);
                        }
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                synchronized (results) {
                    results.remove(request.idempotencyKey(), mine);
                }
            }
        }

        private void postLoop() {
            int failures = 0;
            while (isConnected()) {
                List<Wire.ResultForm> batch = new ArrayList<>();
                try {
                    Wire.ResultForm first = outbox.poll(1, TimeUnit.SECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    outbox.drainTo(batch, 255);
                    HttpResponse<byte[]> response = credentials.client.send(post("v1/results",
                            new Wire.ResultsRequest(Wire.VERSION, batch)).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    if (response.statusCode() != 200) {
                        answer(response, Map.class); // throws the vault's error
                    }
                    failures = 0;
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    outbox.addAll(batch); // posted again once the vault answers: it drops a result it has
                    failures++;
                    if (!pause(backoff(failures))) {
                        return;
                    }
                }
            }
        }

        private void heartbeatLoop() {
            while (pause(heartbeatEvery)) {
                try {
                    call(credentials.client, post("v1/heartbeat", new Wire.HeartbeatRequest(Wire.VERSION, "1.0")),
                            Map.class);
                } catch (RuntimeException e) {
                    LOG.debug("Heartbeat of server {} to {} failed: {}", serverId, base, e.toString());
                }
            }
        }

        @Override
        public String toString() {
            return "connection of server " + serverId + " to " + base;
        }
    }

    /** Builds an {@link HttpsVaultLink}. Not thread-safe. */
    public static final class Builder {
        private final URI uri;
        private final List<X509Certificate> anchors = new ArrayList<>();
        private @Nullable ProxySettings proxy;
        private Duration pollWait = Duration.ofSeconds(20);
        private Duration heartbeatEvery = Duration.ofSeconds(10);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private @Nullable Path identityFile;

        private Builder(URI uri) {
            this.uri = requireNonNull(uri, "uri");
        }

        /**
         * Trusts the vault's listener when its certificate chains to {@code anchor} (for a development vault: its
         * CA, {@link HttpsTransport#caCertificate()}). Without any anchor the JDK's default trust applies.
         */
        public Builder trust(X509Certificate anchor) {
            anchors.add(requireNonNull(anchor, "anchor"));
            return this;
        }

        /** The proxy to reach the vault through (R1); a registration's own proxy wins over it. */
        public Builder proxy(ProxySettings proxy) {
            this.proxy = requireNonNull(proxy, "proxy");
            return this;
        }

        /** How long between heartbeats; default 10 s. */
        public Builder heartbeatEvery(Duration every) {
            this.heartbeatEvery = requireNonNull(every, "every");
            return this;
        }

        /**
         * Where the provider keeps its identity, so that a restarted provider process reconnects without
         * registering again: after a registration the link writes its private key, the client certificate the vault
         * issued and the vault's CA to pin into this PKCS12 file (permissions 0600: the file's permissions protect
         * it, its store password is not a secret), and a link built on an existing file starts registered. Without
         * it the identity lives in memory only. A registration replaces the file.
         */
        public Builder identityFile(Path file) {
            this.identityFile = requireNonNull(file, "file");
            return this;
        }

        /** The longest wait between reconnection attempts; default 30 s. */
        public Builder maxBackoff(Duration max) {
            this.maxBackoff = requireNonNull(max, "max");
            return this;
        }

        /**
         * @throws dev.secondsite.core.InvalidConfigurationException (INPUT) when the URI is not
         *     {@code https://host[:port]/}
         * @throws ProviderIdentityException when the identity file exists but cannot be read as one
         */
        public HttpsVaultLink build() {
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw dev.secondsite.core.InvalidConfigurationException.of(Rule.INPUT, "https vault link", "uri", uri,
                        "uri (" + uri + ") must be https://host[:port]/");
            }
            return new HttpsVaultLink(this);
        }
    }
}
