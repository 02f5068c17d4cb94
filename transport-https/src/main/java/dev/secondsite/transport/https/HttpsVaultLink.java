package dev.secondsite.transport.https;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.InvalidConfigurationException;
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
import java.net.URISyntaxException;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
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
 * do behind its user's back); the relay tunnels to the vault's configured instances' hosts and ports only. The
 * proxy is checked with {@link HttpProxyConnectivityCheck} before registering.
 *
 * <p>A highly available vault runs several instances, one active: given every instance's address
 * ({@link #builder(List)}), the link calls one at a time ({@link #currentInstance()}, the first to begin with). An
 * instance that answers 503 {@code NOT_ACTIVE} names the active one, and the link goes there when that address is
 * one of the configured ones, else to the next in the list; an instance that cannot be reached (or serves no vault
 * yet) sends it to the next. Registration and sync try at most two rounds of the list, then fail naming what each
 * instance answered; the poll, results and heartbeat loops go on, with no backoff when they follow a named active
 * instance and with backoff once the whole list was tried. The client certificate works with every instance (they
 * share the vault's CA), so following the active instance never registers again.
 *
 * <p>Build with {@link #builder(URI)} or {@link #builder(List)}. Thread-safe.
 */
public final class HttpsVaultLink implements VaultLink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpsVaultLink.class);
    /** How many idempotency keys the link remembers the results of. */
    static final int REMEMBERED_RESULTS = 100_000;

    /** The vault's instances as configured, each as its base URI ({@code https://host:port/}). */
    private final List<URI> instances;
    /** The index in {@link #instances} of the one calls go to now. Written under the link's lock. */
    private volatile int current;
    private final List<X509Certificate> anchors;
    private final @Nullable ProxySettings proxy;
    private final Duration pollWait;
    private final Duration heartbeatEvery;
    private final Duration maxBackoff;
    private final @Nullable Path identityFile;
    private volatile @Nullable Credentials credentials;
    /** See {@link #keyPairFor}. Guarded by the link's lock. */
    private @Nullable PendingPair pending;
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
        this.instances = b.instances.stream().map(u -> u.getPath() == null || u.getPath().isEmpty() ? u.resolve("/")
                : u).toList();
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
        return new Builder(List.of(requireNonNull(uri, "uri")));
    }

    /**
     * Starts building a link to a vault that runs several instances, one active ({@code https://host:port/} each);
     * the link calls the first one first and follows the active one (see the class documentation).
     */
    public static Builder builder(List<URI> instances) {
        return new Builder(List.copyOf(instances));
    }

    /** The vault instance the link calls now: the active one, as far as the link knows. */
    public URI currentInstance() {
        return instances.get(current);
    }

    /** The client certificate the vault issued, once registered. */
    public Optional<X509Certificate> clientCertificate() {
        Credentials c = credentials;
        return c == null ? Optional.empty() : Optional.of(c.key.chain()[0]);
    }

    /**
     * Registers over HTTPS: checks the proxy first (R1), makes a key pair and its PKCS#10 request, sends them with
     * the key and the inventory, and keeps the client certificate the vault answers with. A registration sent again
     * under the same friendly name and key (say, after its answer was lost to a cut connection) goes with the same
     * key pair, and the vault answers it as it answered the first: the same server and certificate (K1, R6).
     *
     * @throws RegistrationRefusedException as the vault refused it (K1, R1, R2, P1), or (R1, PROXY_UNREACHABLE)
     *     when the proxy does not answer; nothing is registered
     * @throws VaultCallException when the vault cannot be reached or refuses the request itself; with several
     *     instances, when none took it in two rounds of the list ({@code NO_ACTIVE_INSTANCE}, naming each answer)
     */
    @Override
    public RegistrationResult register(ServerRegistration request, Site inventory) {
        ProxySettings p = request.proxy().orElse(proxy);
        if (p != null) {
            URI at = currentInstance();
            Optional<String> failure = new HttpProxyConnectivityCheck(at.getHost(), port(at), Duration.ofSeconds(5))
                    .check(p);
            if (failure.isPresent()) {
                throw new RegistrationRefusedException(Rule.R1, RegistrationRefusedException.Reason.PROXY_UNREACHABLE,
                        "proxyAddress (" + p.address() + ":" + p.port() + ") cannot be used: " + failure.get());
            }
        }
        KeyPair pair = keyPairFor(request);
        byte[] csr = VaultCertificates.csr(pair, request.friendlyName());
        Wire.RegisterRequest body = new Wire.RegisterRequest(Wire.VERSION, request.friendlyName(),
                request.registrationKey().reveal(), request.proxy().map(Wire.ProxyForm::of).orElse(null),
                request.encryption().orElse(null), request.cloudSync(), Base64.getEncoder().encodeToString(csr),
                Wire.inventory(inventory));
        HttpClient bootstrap = client(null, anchors, p);
        Wire.RegisterResponse answer = callAny(request.friendlyName(), bootstrap, at -> post(at, "v1/register", body),
                Wire.RegisterResponse.class);
        X509Certificate client = VaultCertificates.certificate(Base64.getDecoder().decode(answer.clientCertificate()));
        X509Certificate ca = VaultCertificates.certificate(Base64.getDecoder().decode(answer.caCertificate()));
        ProviderIdentity.Stored stored = new ProviderIdentity.Stored(new KeyManagerMaterial(pair.getPrivate(),
                new X509Certificate[] {client, ca}), ca);
        if (identityFile != null) {
            ProviderIdentity.save(identityFile, stored); // before use: a restart finds what the vault now holds
        }
        this.credentials = credentials(stored, p);
        LOG.info("Registered '{}' with {}; client certificate sha256 {}", request.friendlyName(), currentInstance(),
                VaultCertificates.fingerprint(client));
        return answer.result();
    }

    /**
     * The key pair a registration under {@code request}'s friendly name and key goes with: the one the last such
     * registration of this link went with, else a new one. A registration whose answer was lost (the connection cut
     * after the vault committed it) is so sent again for the same public key, and the vault answers it as it
     * answered the first, with the same certificate (K1, R6); another name or key gets a new pair.
     */
    private KeyPair keyPairFor(ServerRegistration request) {
        String keyDigest = sha256(request.registrationKey().reveal());
        synchronized (this) {
            PendingPair last = pending;
            if (last != null && last.friendlyName.equals(request.friendlyName()) && last.keyDigest.equals(keyDigest)) {
                return last.pair;
            }
            try {
                KeyPair pair = VaultCertificates.newKeyPair();
                pending = new PendingPair(request.friendlyName(), keyDigest, pair);
                return pair;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot make a key pair: " + e.getMessage(), e);
            }
        }
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(
                    text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java 17 runtime", e);
        }
    }

    /**
     * The key pair of the last registration this link sent, with its friendly name and its key's SHA-256 (the key's
     * text is not kept). The private key is never shown.
     */
    private static final class PendingPair {
        final String friendlyName;
        final String keyDigest;
        final KeyPair pair;

        PendingPair(String friendlyName, String keyDigest, KeyPair pair) {
            this.friendlyName = friendlyName;
            this.keyDigest = keyDigest;
            this.pair = pair;
        }

        @Override
        public String toString() {
            return "PendingPair[" + friendlyName + ", key ****]";
        }
    }

    /**
     * @throws VaultCallException when the vault refuses the call (R6: 401/403) or the sync (422), or cannot be
     *     reached; with several instances, when none took it in two rounds of the list
     * @throws IllegalStateException when this link has not registered
     * @throws ProviderIdentityException when it has not registered and keeps its identity in a file (named)
     */
    @Override
    public SyncReport sync(String serverId, Site inventory) {
        Wire.SyncRequest body = new Wire.SyncRequest(Wire.VERSION, Wire.inventory(inventory));
        return callAny(serverId, credentials().client, at -> post(at, "v1/sync", body), Wire.SyncResponse.class)
                .report();
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
            throw new IllegalStateException("a provider of server " + serverId + " is already connected to "
                    + currentInstance());
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
        return "HttpsVaultLink[" + instances.stream().map(URI::toString).collect(Collectors.joining(", ")) + "]";
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

    private static HttpRequest.Builder post(URI instance, String path, Object body) {
        return HttpRequest.newBuilder(instance.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Wire.write(body)));
    }

    /**
     * One call, to the current instance and on to the others as they answer (see the class documentation): at most
     * one attempt with a single instance, two rounds of the list with several, with no wait between attempts.
     */
    private <T> T callAny(String who, HttpClient client, Function<URI, HttpRequest.Builder> request,
                          Class<T> answer) {
        int attempts = instances.size() == 1 ? 1 : 2 * instances.size();
        Map<URI, String> answered = new LinkedHashMap<>();
        VaultCallException last = null;
        for (int i = 0; i < attempts; i++) {
            URI at = currentInstance();
            try {
                return callAt(at, client, request.apply(at), answer);
            } catch (VaultCallException e) {
                if (!movesOn(e)) {
                    throw e;
                }
                answered.put(at, e.getMessage());
                last = e;
                moveOn(who, at, e);
            }
        }
        if (instances.size() == 1) {
            throw requireNonNull(last);
        }
        throw new VaultCallException(requireNonNull(last).status(), "NO_ACTIVE_INSTANCE", "none of the vault's "
                + instances.size() + " instances took the call in 2 rounds: " + answered.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("; ")));
    }

    private <T> T callAt(URI at, HttpClient client, HttpRequest.Builder request, Class<T> answer) {
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unreachable(at, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VaultCallException(0, "INTERRUPTED", "the call to " + at + " was interrupted");
        }
        return answer(response, answer);
    }

    private static VaultCallException unreachable(URI at, IOException e) {
        return new VaultCallException(0, "UNREACHABLE", at + " cannot be reached: " + e);
    }

    /**
     * Whether a failed call goes on to another instance: this one stands by, cannot be reached, or serves no vault
     * yet (an instance still starting). Every other answer is the vault's own and stays with it.
     */
    private static boolean movesOn(VaultCallException e) {
        return "NOT_ACTIVE".equals(e.error()) || (e.status() == 0 && "UNREACHABLE".equals(e.error()))
                || (e.status() == 503 && "NO_VAULT".equals(e.error()));
    }

    /** Where a failed call sent the link: what the loops' backoff depends on. */
    private enum Move {
        /** To the active instance that the instance called named. */
        FOLLOWED,
        /** To the next instance in the list (or nowhere: one instance). */
        NEXT,
        /** Nowhere: another call moved the link on meanwhile; the next attempt goes where it went. */
        ELSEWHERE,
        /** Nowhere: the vault's own answer, not about which instance is active. */
        STAY
    }

    /** Moves the link on from {@code from} after its answer {@code why} ({@link #movesOn} is true). */
    private synchronized Move moveOn(String who, URI from, VaultCallException why) {
        int at = instances.indexOf(from);
        if (current != at) {
            return Move.ELSEWHERE;
        }
        Optional<URI> named = why.activeInstance();
        int to = named.map(this::configuredIndex).orElse(-1);
        if (to >= 0 && to != at) {
            current = to;
            LOG.info("Provider of server {} follows the active vault instance at {} ({} answered NOT_ACTIVE)", who,
                    instances.get(to), from);
            return Move.FOLLOWED;
        }
        if (named.isPresent() && to < 0) {
            // never followed: the configured list is what the user trusts to route this provider's calls (and its
            // proxy credentials) to; an address in an answer is not, whatever sent it
            LOG.warn("Provider of server {}: {} names {} as the active vault instance, which is not one of the "
                    + "configured instances; trying the next configured one", who, from, named.get());
        }
        if (instances.size() > 1) {
            current = (at + 1) % instances.size();
            LOG.info("Provider of server {} moves to vault instance {} ({} answered {})", who, currentInstance(), from,
                    why.error());
        }
        return Move.NEXT;
    }

    /** The index of the configured instance at the same scheme, host and port as {@code address}, or -1. */
    private int configuredIndex(URI address) {
        String key = instanceKey(address);
        for (int i = 0; i < instances.size(); i++) {
            if (instanceKey(instances.get(i)).equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /** Scheme, host and port, normalised: what makes two addresses the same instance. */
    static String instanceKey(URI address) {
        String scheme = address.getScheme() == null ? "" : address.getScheme().toLowerCase(Locale.ROOT);
        String host = address.getHost() == null ? "" : address.getHost().toLowerCase(Locale.ROOT);
        return scheme + "://" + host + ":" + port(address);
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
        if ("NOT_ACTIVE".equals(error.error())) {
            URI active = null;
            if (error.active() != null) {
                try {
                    active = new URI(error.active());
                } catch (URISyntaxException e) {
                    // not an address: nothing to follow; the link tries its next instance
                }
            }
            throw new VaultCallException(response.statusCode(), error.error(), error.message(), active);
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
            tunnel = new Tunnel(p, ProxyTunnel.start(p, instances.stream().map(u -> u.getHost() + ":" + port(u))
                    .collect(Collectors.toSet())));
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
            Attempts attempts = new Attempts();
            while (isConnected()) {
                URI at = currentInstance();
                try {
                    HttpRequest poll = HttpRequest.newBuilder(at.resolve("v1/commands?waitMillis="
                            + pollWait.toMillis())).timeout(pollWait.plusSeconds(120)).GET().build();
                    HttpResponse<byte[]> response = credentials.client.send(poll,
                            HttpResponse.BodyHandlers.ofByteArray());
                    Wire.CommandsResponse commands = answer(response, Wire.CommandsResponse.class);
                    if (attempts.failures > 0) {
                        LOG.info("Provider of server {} reconnected to {} after {} failed poll(s)", serverId, at,
                                attempts.failures);
                    }
                    attempts.succeeded();
                    commands.commands().forEach(this::dispatch);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    Duration wait = attempts.failed(at, e);
                    if (wait.isZero()) {
                        continue; // on to the instance the link moved to, at once
                    }
                    LOG.info("Poll of {} for server {} failed ({}); again in {} ms", at, serverId, e.toString(),
                            wait.toMillis());
                    if (!pause(wait)) {
                        return;
                    }
                }
            }
        }

        /**
         * One loop's failed attempts since its last success: whether it waits before the next (no wait when it
         * follows the active instance an instance named, none either while the list has instances not tried yet),
         * and how long (backoff with jitter). Confined to its loop's thread.
         */
        private final class Attempts {
            int failures;
            private int sinceWait;

            void succeeded() {
                failures = 0;
                sinceWait = 0;
            }

            /** Moves the link on as {@code e} says, and returns how long to wait before the next attempt. */
            Duration failed(URI at, Exception e) {
                VaultCallException why = e instanceof VaultCallException v ? v
                        : e instanceof IOException io ? unreachable(at, io) : null;
                Move move = why != null && movesOn(why) ? moveOn(serverId, at, why) : Move.STAY;
                failures++;
                sinceWait++;
                int n = instances.size();
                // bounded: two instances naming each other (a takeover under way) cannot make a loop spin
                boolean quick = switch (move) {
                    case FOLLOWED, ELSEWHERE -> sinceWait <= 2 * n;
                    case NEXT -> sinceWait < n;
                    case STAY -> false;
                };
                if (quick) {
                    return Duration.ZERO;
                }
                sinceWait = 0;
                return backoff(failures);
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
            Attempts attempts = new Attempts();
            while (isConnected()) {
                List<Wire.ResultForm> batch = new ArrayList<>();
                URI at = currentInstance();
                try {
                    Wire.ResultForm first = outbox.poll(1, TimeUnit.SECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    outbox.drainTo(batch, 255);
                    HttpResponse<byte[]> response = credentials.client.send(post(at, "v1/results",
                            new Wire.ResultsRequest(Wire.VERSION, batch)).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    if (response.statusCode() != 200) {
                        answer(response, Map.class); // throws the vault's error
                    }
                    attempts.succeeded();
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    outbox.addAll(batch); // posted again once the vault answers: it drops a result it has
                    Duration wait = attempts.failed(at, e);
                    if (!wait.isZero() && !pause(wait)) {
                        return;
                    }
                }
            }
        }

        private void heartbeatLoop() {
            while (pause(heartbeatEvery)) {
                try {
                    Wire.HeartbeatRequest beat = new Wire.HeartbeatRequest(Wire.VERSION, "1.0");
                    callAny(serverId, credentials.client, at -> post(at, "v1/heartbeat", beat), Map.class);
                } catch (RuntimeException e) {
                    LOG.debug("Heartbeat of server {} to {} failed: {}", serverId, currentInstance(), e.toString());
                }
            }
        }

        @Override
        public String toString() {
            return "connection of server " + serverId + " to " + currentInstance();
        }
    }

    /** Builds an {@link HttpsVaultLink}. Not thread-safe. */
    public static final class Builder {
        private final List<URI> instances;
        private final List<X509Certificate> anchors = new ArrayList<>();
        private @Nullable ProxySettings proxy;
        private Duration pollWait = Duration.ofSeconds(20);
        private Duration heartbeatEvery = Duration.ofSeconds(10);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private @Nullable Path identityFile;

        private Builder(List<URI> instances) {
            this.instances = instances;
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
         * @throws InvalidConfigurationException (INPUT) when a URI is not {@code https://host[:port]/}, when no
         *     instance is given, or when two name the same instance (scheme, host and port)
         * @throws ProviderIdentityException when the identity file exists but cannot be read as one
         */
        public HttpsVaultLink build() {
            if (instances.isEmpty()) {
                throw InvalidConfigurationException.of(Rule.INPUT, "https vault link", "instances", instances,
                        "instances ([]) must name at least one vault instance, https://host[:port]/");
            }
            Set<String> seen = new HashSet<>();
            for (URI uri : instances) {
                if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                    throw InvalidConfigurationException.of(Rule.INPUT, "https vault link", "uri", uri,
                            "uri (" + uri + ") must be https://host[:port]/");
                }
                if (!seen.add(instanceKey(uri))) {
                    throw InvalidConfigurationException.of(Rule.INPUT, "https vault link", "instances", uri,
                            "instances: " + uri + " is given twice (" + instances + ")");
                }
            }
            return new HttpsVaultLink(this);
        }
    }
}
