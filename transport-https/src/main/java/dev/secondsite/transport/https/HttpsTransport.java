package dev.secondsite.transport.https;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.SecondsiteException;
import dev.secondsite.core.Secret;
import dev.secondsite.core.registration.RegistrationRefusedException;
import dev.secondsite.core.registration.RegistrationResult;
import dev.secondsite.core.registration.ServerRegistration;
import dev.secondsite.core.registration.VaultEndpoint;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.ConnectionStatus;
import dev.secondsite.core.spi.SiteUnreachableException;
import dev.secondsite.core.spi.Transport;
import dev.secondsite.transport.https.Wire.ErrorBody;
import dev.secondsite.transport.https.Wire.MalformedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.annotation.Nullable;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vault's side of the {@code https:} transport: an embedded HTTPS server (the JDK's {@link HttpsServer}, TLS 1.3
 * and 1.2 only) that providers connect out to (T1, T2). It registers servers (key + friendly name + a PKCS#10
 * request, answered with a client certificate signed by the vault's CA, K1 R1), and afterwards knows every caller
 * by its client certificate, mapped to its registered server on every call (R6): a certificate not issued by this
 * vault's CA, or of a server the vault no longer lists, is refused at once. Commands for a server wait in its queue
 * until its provider's long poll takes them; each is handed out once, and a re-send with the same idempotency key
 * while it is under way joins the first send. Results complete the engine's futures on this transport's own worker
 * threads, never on an HTTP thread. See the package documentation for the protocol.
 *
 * <p>Queued commands live in memory: after a vault restart the job engine re-sends the commands that were in flight
 * from its journal with the same idempotency keys, and the provider answers a key it has seen with its first result.
 *
 * <p>Build with {@link #builder(InetSocketAddress)}; the listener starts at {@link Builder#build()}. Thread-safe.
 */
public final class HttpsTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(HttpsTransport.class);
    static final String SESSION_CREDENTIAL = "dev.secondsite.credential";

    private final HttpsServer server;
    private final VaultCertificates ca;
    private final HttpsLimits limits;
    private final Clock clock;
    private final ExecutorService httpThreads;
    private final ExecutorService completions;
    private final ScheduledExecutorService timers;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final InetSocketAddress address;
    private volatile @Nullable VaultEndpoint vault;
    /**
     * Set while this vault instance stands by (another instance of the same vault is active), until the next bind:
     * the active instance when known. Every call is then answered 503 NOT_ACTIVE naming it.
     */
    private volatile @Nullable StandBy standingBy;
    private volatile boolean closed;

    private HttpsTransport(Builder b) {
        this.limits = b.limits;
        this.clock = b.clock;
        this.ca = b.caDirectory != null ? VaultCertificates.openOrCreate(b.caDirectory, b.vaultName)
                : VaultCertificates.generate(b.vaultName);
        try {
            KeyManager[] keys = b.keyStore != null ? Tls.keyManagers(b.keyStore, b.keyStorePassword)
                    : Tls.keyManagers(ca.serverCertificate(b.serverNames.isEmpty()
                            ? List.of("localhost", "127.0.0.1", b.bind.getHostString()) : b.serverNames));
            SSLContext context = Tls.context(keys, new TrustManager[] {Tls.clientCertificatesCheckedLater(
                    ca.caCertificate())});
            this.httpThreads = new ThreadPoolExecutor(4, 2048, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                    threads("secondsite-https-call"));
            this.completions = Executors.newFixedThreadPool(2, threads("secondsite-https-result"));
            this.timers = Executors.newSingleThreadScheduledExecutor(threads("secondsite-https-timer"));
            this.server = HttpsServer.create(b.bind, 256);
            server.setHttpsConfigurator(new HttpsConfigurator(context) {
                @Override
                public void configure(HttpsParameters params) {
                    javax.net.ssl.SSLParameters p = Tls.parameters(context);
                    // wanted, not needed: registration comes before the provider has a certificate; every other
                    // call checks it itself and answers 401/403 with a JSON body that says why
                    p.setWantClientAuth(true);
                    params.setSSLParameters(p);
                }
            });
            server.setExecutor(this::headsWatched);
            server.createContext("/", this::handle);
            server.start();
            this.address = server.getAddress();
            timers.scheduleAtFixedRate(this::sweep, 1, 1, TimeUnit.SECONDS);
        } catch (GeneralSecurityException | IOException e) {
            throw InvalidConfigurationException.of(Rule.INPUT, "https transport", "bind", b.bind,
                    "bind (" + b.bind + ") cannot serve HTTPS: " + e.getMessage());
        }
        LOG.info("HTTPS transport listening on {} (CA {})", address, ca);
    }

    /** Starts building a transport that listens on {@code bind} (port 0 picks a free port). */
    public static Builder builder(InetSocketAddress bind) {
        return new Builder(bind);
    }

    /** The address the listener is bound to (with the port chosen when 0 was asked). */
    public InetSocketAddress address() {
        return address;
    }

    /** The URI providers reach this vault at, e.g. {@code https://127.0.0.1:8443/}. */
    public URI uri() {
        return URI.create("https://" + address.getHostString() + ":" + address.getPort() + "/");
    }

    /**
     * The vault's CA certificate: providers pin it (it signed their client certificates and, unless a keystore was
     * given, the listener's certificate). Public; it holds no secret.
     */
    public X509Certificate caCertificate() {
        return ca.caCertificate();
    }

    /** The SHA-256 of {@link #caCertificate()} in lower-case hex, for {@code https://host:port/?pin=<it>}. */
    public String caFingerprint() {
        return VaultCertificates.fingerprint(ca.caCertificate());
    }

    /** Serves {@code vault}; after {@link #standBy} this instance serves again (the vault became active here). */
    @Override
    public void bind(VaultEndpoint vault) {
        this.vault = requireNonNull(vault, "vault");
        if (standingBy != null) {
            standingBy = null;
            LOG.info("HTTPS transport on {} serves again: this vault instance is active", address);
        }
    }

    /**
     * This vault instance stands by: until the next {@link #bind}, every call (any path) is answered 503
     * {@code NOT_ACTIVE} naming {@code activeInstance} when known, long polls waiting now are answered so at once,
     * every command queued or waiting for its result completes with {@link SiteUnreachableException}, and
     * {@link #send} fails so. The listener keeps listening. Called again when the active instance changes. Nothing
     * happens on a closed transport.
     */
    @Override
    public void standBy(Optional<URI> activeInstance) {
        requireNonNull(activeInstance, "activeInstance");
        if (closed) {
            return;
        }
        StandBy now = new StandBy(activeInstance.orElse(null));
        standingBy = now;
        // set before the sessions are cut off: a poll or send that started earlier is cut off here, a later one
        // sees the flag (see Session.take and send)
        sessions.values().forEach(s -> s.standBy(now.message()));
        sessions.clear();
        LOG.info("HTTPS transport on {} stands by: {}", address, now.message());
    }

    @Override
    public CompletableFuture<CommandResult> send(CommandRequest request) {
        requireNonNull(request, "request");
        if (closed) {
            return CompletableFuture.failedFuture(new SiteUnreachableException(request.serverId(),
                    "the vault's HTTPS transport is closed"));
        }
        StandBy standBy = standingBy;
        if (standBy != null) {
            return CompletableFuture.failedFuture(new SiteUnreachableException(request.serverId(),
                    standBy.message()));
        }
        Session session = sessions.get(request.serverId());
        if (session == null || !session.connected(clock.instant())) {
            return CompletableFuture.failedFuture(new SiteUnreachableException(request.serverId(),
                    "its provider is not connected to " + uri()));
        }
        CompletableFuture<CommandResult> result = session.enqueue(request);
        standBy = standingBy;
        if (standBy != null) {
            // stood by while this was queued, maybe after the sessions were cut off: no command may stay behind
            session.cutOff(standBy.message());
        }
        return result;
    }

    @Override
    public boolean isConnected(String serverId) {
        Session s = sessions.get(serverId);
        return !closed && standingBy == null && s != null && s.connected(clock.instant());
    }

    @Override
    public ConnectionStatus status(String serverId) {
        Session s = sessions.get(serverId);
        return new ConnectionStatus(isConnected(serverId) ? ConnectionStatus.State.CONNECTED
                : ConnectionStatus.State.DISCONNECTED, s == null ? null : s.lastSeen);
    }

    /** Stops listening; every command still waiting for an answer completes with SiteUnreachableException. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        sessions.values().forEach(s -> s.cutOff("the vault's HTTPS transport closed"));
        sessions.clear();
        timers.shutdownNow();
        httpThreads.shutdownNow();
        completions.shutdown();
        LOG.info("HTTPS transport on {} closed", address);
    }

    @Override
    public String toString() {
        return "HttpsTransport[" + uri() + (standingBy != null ? ", standing by" : "") + "]";
    }

    /** This instance stands by; {@code active} is the active instance when known. */
    private record StandBy(@Nullable URI active) {
        String message() {
            return active == null ? "this vault instance stands by; no instance is active now"
                    : "this vault instance stands by; the active instance is " + active;
        }
    }

    /** Disconnects the providers not heard from within {@link HttpsLimits#disconnectAfter()}. */
    private void sweep() {
        Instant now = clock.instant();
        for (Session s : sessions.values()) {
            if (!s.connected(now) && s.hasPending()) {
                s.cutOff("its provider has not been heard from since " + s.lastSeen);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ dispatch

    /**
     * Runs one of the JDK server's exchanges with a watch on its head. The server reads a connection's TLS handshake,
     * request line and headers on this thread before it calls {@link #handle}, and by default bounds none of that in
     * time ({@code sun.net.httpserver.maxReqTime} is off, and is JVM-wide): a client that sends its headers slowly
     * (slowloris) would hold the thread for ever. So when the head has not arrived within
     * {@link HttpsLimits#requestTimeout()}, the thread is interrupted, which closes the connection's channel; the
     * body's own time is watched by {@link #handle}.
     */
    private void headsWatched(Runnable exchange) {
        httpThreads.execute(() -> {
            HeadWatch watch = new HeadWatch(Thread.currentThread());
            HEAD_WATCH.set(watch);
            ScheduledFuture<?> timer = timers.schedule(watch::expire, limits.requestTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
            try {
                exchange.run();
            } finally {
                timer.cancel(false);
                watch.done();
                HEAD_WATCH.remove();
                Thread.interrupted(); // an interrupt of this watch never reaches the pool's next task
            }
        });
    }

    private static final ThreadLocal<HeadWatch> HEAD_WATCH = new ThreadLocal<>();

    /** Whether one exchange's head arrived in time; the lock orders the interrupt before the exchange's end. */
    private static final class HeadWatch {
        private final Thread thread;
        private int state; // 0 waiting for the head, 1 head in (handler running), 2 expired, 3 done

        HeadWatch(Thread thread) {
            this.thread = thread;
        }

        synchronized void expire() {
            if (state == 0) {
                state = 2;
                thread.interrupt();
            }
        }

        /** @return false when the head came too late (the thread is interrupted; its channel closed) */
        synchronized boolean headIn() {
            if (state == 0) {
                state = 1;
            }
            return state == 1;
        }

        synchronized void done() {
            state = 3;
        }
    }

    private void handle(HttpExchange exchange) {
        HeadWatch head = HEAD_WATCH.get();
        if (head != null && !head.headIn()) {
            exchange.close();
            return;
        }
        Call call = new Call(exchange);
        ScheduledFuture<?> watchdog = null;
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            watchdog = timers.schedule(() -> call.timeOut("the request was not received within "
                    + limits.requestTimeout().toMillis() + " ms"), limits.requestTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
            StandBy standBy = standingBy;
            if (standBy != null) {
                call.notActive(standBy);
                return;
            }
            VaultEndpoint endpoint = vault;
            if (endpoint == null) {
                call.fail(503, "NO_VAULT", "the transport serves no vault yet");
                return;
            }
            switch (path) {
                case "/v1/register" -> {
                    if (requireMethod(call, method, "POST")) {
                        register(call, endpoint, watchdog);
                    }
                }
                case "/v1/sync", "/v1/commands", "/v1/results", "/v1/heartbeat" -> {
                    String expected = path.equals("/v1/commands") ? "GET" : "POST";
                    if (!requireMethod(call, method, expected)) {
                        return;
                    }
                    Optional<String> serverId = authenticate(call, endpoint);
                    if (serverId.isEmpty()) {
                        return;
                    }
                    Session session = sessions.computeIfAbsent(serverId.get(), Session::new);
                    if (session.calls.incrementAndGet() > limits.maxCallsPerClient()) {
                        session.calls.decrementAndGet();
                        call.fail(429, "TOO_MANY_CALLS", "server " + serverId.get() + " has "
                                + limits.maxCallsPerClient() + " calls under way already");
                        return;
                    }
                    try {
                        session.seen(clock.instant());
                        switch (path) {
                            case "/v1/sync" -> sync(call, endpoint, serverId.get(), watchdog);
                            case "/v1/commands" -> poll(call, session, watchdog);
                            case "/v1/results" -> results(call, session, watchdog);
                            default -> heartbeat(call, session, watchdog);
                        }
                    } finally {
                        session.calls.decrementAndGet();
                    }
                }
                default -> call.fail(path.startsWith("/v") && !path.startsWith("/v1/") ? 400 : 404,
                        path.startsWith("/v") && !path.startsWith("/v1/") ? "UNSUPPORTED_VERSION" : "NOT_FOUND",
                        "no endpoint " + path + (path.startsWith("/v1/") || !path.startsWith("/v") ? ""
                                : ": this vault speaks protocol version " + Wire.VERSION + " (/v1/...)"));
            }
        } catch (TooLargeException e) {
            call.fail(413, "BODY_TOO_LARGE", e.getMessage());
        } catch (MalformedException e) {
            call.fail(400, "MALFORMED", e.getMessage());
        } catch (VersionException e) {
            call.fail(400, "UNSUPPORTED_VERSION", e.getMessage());
        } catch (IOException e) {
            call.abandon(); // the client went away or the watchdog answered already
        } catch (RuntimeException e) {
            LOG.warn("HTTPS call {} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    e.toString());
            call.fail(500, "INTERNAL", e.getClass().getSimpleName());
        } finally {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            call.abandon();
        }
    }

    private static boolean requireMethod(Call call, String method, String expected) {
        if (!expected.equals(method)) {
            call.fail(405, "METHOD_NOT_ALLOWED", "use " + expected);
            return false;
        }
        return true;
    }

    /** R6: the registered server whose certificate the caller presented, or empty after answering 401/403. */
    private Optional<String> authenticate(Call call, VaultEndpoint endpoint) {
        SSLSession tls = ((HttpsExchange) call.exchange).getSSLSession();
        String credential = (String) tls.getValue(SESSION_CREDENTIAL);
        if (credential == null) {
            Certificate[] peer;
            try {
                peer = tls.getPeerCertificates();
            } catch (SSLPeerUnverifiedException e) {
                call.fail(401, "NO_CLIENT_CERTIFICATE", "R6: this call needs the client certificate the vault issued"
                        + " at registration");
                return Optional.empty();
            }
            if (peer.length == 0 || !(peer[0] instanceof X509Certificate cert) || !ca.issued(cert)) {
                call.fail(403, "FOREIGN_CERTIFICATE", "R6: the client certificate was not issued by this vault's CA"
                        + " (or has expired)");
                return Optional.empty();
            }
            credential = VaultCertificates.fingerprint(cert);
            tls.putValue(SESSION_CREDENTIAL, credential);
        }
        Optional<String> serverId = endpoint.serverFor(credential);
        if (serverId.isEmpty()) {
            call.fail(403, "UNKNOWN_CERTIFICATE", "R6: the client certificate belongs to no server registered with "
                    + "this vault (removed, or registered again since)");
        }
        return serverId;
    }

    private void register(Call call, VaultEndpoint endpoint, ScheduledFuture<?> watchdog) throws IOException {
        Wire.RegisterRequest req = Wire.read(call.body(limits.maxBodyBytes(), watchdog), Wire.RegisterRequest.class);
        checkVersion(req.version());
        byte[] csr;
        try {
            csr = Base64.getDecoder().decode(req.csr());
        } catch (IllegalArgumentException e) {
            throw new MalformedException("csr: not base64");
        }
        if (req.friendlyName() == null || req.registrationKey() == null) {
            throw new MalformedException((req.friendlyName() == null ? "friendlyName" : "registrationKey")
                    + ": missing");
        }
        var inventory = Wire.site(req.inventory());
        X509Certificate client;
        try {
            // the same request always gets the same certificate: a registration sent again after its answer was
            // lost presents the credential the vault holds, and the vault answers it as it answered the first
            client = ca.signClient(csr, inventory.id(), req.friendlyName(), req.registrationKey());
        } catch (IllegalArgumentException e) {
            throw new MalformedException(e.getMessage());
        }
        ServerRegistration.Builder registration = ServerRegistration.builder(req.friendlyName(),
                Secret.of(req.registrationKey())).cloudSync(req.cloudSync())
                .credential(VaultCertificates.fingerprint(client));
        if (req.proxy() != null) {
            registration.proxy(req.proxy().proxy());
        }
        if (req.encryption() != null) {
            registration.encryption(req.encryption());
        }
        RegistrationResult result;
        try {
            result = endpoint.register(registration.build(), inventory);
        } catch (RegistrationRefusedException e) {
            LOG.info("Registration of '{}' refused: {}", req.friendlyName(), e.reason());
            call.respond(403, new ErrorBody(Wire.VERSION, "REGISTRATION_REFUSED", e.getMessage(), e.reason().name(),
                    e.rule().name(), null));
            return;
        } catch (SecondsiteException e) {
            call.fail(422, e.getClass().getSimpleName(), e.getMessage());
            return;
        }
        try {
            call.respond(200, new Wire.RegisterResponse(Wire.VERSION, Wire.ServerForm.of(result.server()),
                    result.warnings().findings(), Base64.getEncoder().encodeToString(client.getEncoded()),
                    Base64.getEncoder().encodeToString(ca.caCertificate().getEncoded())));
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void sync(Call call, VaultEndpoint endpoint, String serverId, ScheduledFuture<?> watchdog)
            throws IOException {
        Wire.SyncRequest req = Wire.read(call.body(limits.maxBodyBytes(), watchdog), Wire.SyncRequest.class);
        checkVersion(req.version());
        try {
            call.respond(200, Wire.SyncResponse.of(endpoint.sync(serverId, Wire.site(req.inventory()))));
        } catch (SecondsiteException e) {
            call.fail(422, e.getClass().getSimpleName(), e.getMessage());
        }
    }

    private void poll(Call call, Session session, ScheduledFuture<?> watchdog) throws IOException {
        watchdog.cancel(false); // a poll has no body; it waits on purpose
        List<Pending> batch = session.take(limits.pollWait());
        StandBy standBy = standingBy;
        if (standBy != null) {
            // stood by while this poll waited: its commands were cut off, and the provider is sent on
            call.notActive(standBy);
            return;
        }
        List<CommandRequest> commands = new ArrayList<>(batch.size());
        batch.forEach(p -> commands.add(p.request));
        if (!call.respond(200, new Wire.CommandsResponse(Wire.VERSION, commands))) {
            session.requeue(batch); // never reached the provider: hand them to the next poll
        }
        session.seen(clock.instant());
    }

    private void results(Call call, Session session, ScheduledFuture<?> watchdog) throws IOException {
        Wire.ResultsRequest req = Wire.read(call.body(limits.maxBodyBytes(), watchdog), Wire.ResultsRequest.class);
        checkVersion(req.version());
        int accepted = 0;
        for (Wire.ResultForm r : req.results()) {
            if (session.complete(r.idempotencyKey(), r.result())) {
                accepted++;
            }
        }
        // a result posted twice, or for a command no longer waited for, is harmless: it is acknowledged and dropped
        call.respond(200, Map.of("version", Wire.VERSION, "accepted", accepted, "received", req.results().size()));
    }

    private void heartbeat(Call call, Session session, ScheduledFuture<?> watchdog) throws IOException {
        Wire.HeartbeatRequest req = Wire.read(call.body(limits.maxBodyBytes(), watchdog),
                Wire.HeartbeatRequest.class);
        checkVersion(req.version());
        call.respond(200, Map.of("version", Wire.VERSION, "serverId", session.serverId));
    }

    private static void checkVersion(int version) {
        if (version != Wire.VERSION) {
            throw new VersionException("version (" + version + ") is not spoken here: this vault speaks protocol "
                    + "version " + Wire.VERSION);
        }
    }

    private static final class VersionException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        VersionException(String message) {
            super(message);
        }
    }

    private static final class TooLargeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLargeException(String message) {
            super(message);
        }
    }

    /** One exchange, answered at most once: by its handler or by the watchdog of a slow request. */
    private static final class Call {
        final HttpExchange exchange;
        private final AtomicBoolean answered = new AtomicBoolean();

        Call(HttpExchange exchange) {
            this.exchange = exchange;
        }

        byte[] body(int max, ScheduledFuture<?> watchdog) throws IOException {
            String length = exchange.getRequestHeaders().getFirst("Content-Length");
            if (length != null) {
                long declared;
                try {
                    declared = Long.parseLong(length.trim());
                } catch (NumberFormatException e) {
                    throw new MalformedException("Content-Length (" + length + ") is not a number");
                }
                if (declared > max) {
                    throw new TooLargeException("the body (" + declared + " bytes) is larger than " + max + " bytes");
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try (InputStream in = exchange.getRequestBody()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (out.size() + n > max) {
                        throw new TooLargeException("the body is larger than " + max + " bytes");
                    }
                    out.write(buffer, 0, n);
                }
            }
            if (answered.get()) {
                throw new IOException("answered by the watchdog while the body was read");
            }
            watchdog.cancel(false);
            return out.toByteArray();
        }

        void fail(int status, String error, String message) {
            respond(status, new ErrorBody(Wire.VERSION, error, message, null, null, null));
        }

        void notActive(StandBy standBy) {
            respond(503, new ErrorBody(Wire.VERSION, "NOT_ACTIVE", standBy.message(), null, null,
                    standBy.active() == null ? null : standBy.active().toString()));
        }

        /** @return whether this call wrote the answer fully */
        boolean respond(int status, Object body) {
            if (!answered.compareAndSet(false, true)) {
                return false;
            }
            byte[] bytes = Wire.write(body);
            try {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                if (status >= 400) {
                    exchange.getResponseHeaders().set("Connection", "close");
                }
                exchange.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
                return true;
            } catch (IOException e) {
                return false;
            } finally {
                exchange.close();
            }
        }

        /**
         * Answers 408 while the handler still waits for the body: the answer is flushed but the exchange not closed
         * here, since closing it would drain the rest of the body from the slow client first; the handler's read
         * ends with the connection.
         */
        void timeOut(String message) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            byte[] bytes = Wire.write(new ErrorBody(Wire.VERSION, "REQUEST_TIMEOUT", message, null, null, null));
            try {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.getResponseHeaders().set("Connection", "close");
                exchange.sendResponseHeaders(408, bytes.length);
                OutputStream out = exchange.getResponseBody();
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                // the client is gone already
            }
        }

        void abandon() {
            if (answered.compareAndSet(false, true)) {
                exchange.close();
            }
        }
    }

    /** A command handed to the transport, waiting for its result. */
    private static final class Pending {
        /**
         * Put in a queue to wake a long poll that waits on it when the instance stands by; never handed out (its
         * future is done, so {@link Session#take} drops it) and never in {@code byKey}.
         */
        static final Pending WAKE = new Pending();

        final CommandRequest request;
        final CompletableFuture<CommandResult> future = new CompletableFuture<>();

        Pending(CommandRequest request) {
            this.request = request;
        }

        private Pending() {
            this.request = null; // WAKE only: never read, see above
            future.cancel(false);
        }
    }

    /** One registered server's provider as the transport knows it: its queue, its commands under way, when seen. */
    private final class Session {
        final String serverId;
        final AtomicInteger calls = new AtomicInteger();
        private final LinkedBlockingDeque<Pending> queue = new LinkedBlockingDeque<>();
        /** Every command not answered yet, queued or handed out, by idempotency key. */
        private final Map<String, Pending> byKey = new ConcurrentHashMap<>();
        volatile @Nullable Instant lastSeen;
        private final AtomicInteger polling = new AtomicInteger();

        Session(String serverId) {
            this.serverId = serverId;
        }

        void seen(Instant now) {
            lastSeen = now;
        }

        boolean connected(Instant now) {
            Instant seen = lastSeen;
            return polling.get() > 0 || (seen != null && seen.plus(limits.disconnectAfter()).isAfter(now));
        }

        boolean hasPending() {
            return !byKey.isEmpty();
        }

        CompletableFuture<CommandResult> enqueue(CommandRequest request) {
            Pending fresh = new Pending(request);
            Pending existing = byKey.putIfAbsent(request.idempotencyKey(), fresh);
            if (existing != null) {
                return existing.future; // the same command again while under way: delivered once, answered once
            }
            queue.addLast(fresh);
            return fresh.future;
        }

        List<Pending> take(java.time.Duration wait) {
            polling.incrementAndGet();
            List<Pending> batch = new ArrayList<>();
            try {
                long deadline = System.nanoTime() + wait.toNanos();
                // counted as polling before the flag is read: standBy either sees this poll and wakes it, or this
                // poll sees the flag and does not wait
                while (standingBy == null) {
                    Pending first = queue.pollFirst(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    if (first == null) {
                        break;
                    }
                    if (first != Pending.WAKE) {
                        batch.add(first);
                        queue.drainTo(batch, 255);
                        break;
                    }
                    // a wake left over from an earlier stand-by: this instance serves again, so wait on
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                polling.decrementAndGet();
            }
            batch.removeIf(p -> p == Pending.WAKE || p.future.isDone());
            return batch;
        }

        /** Cuts off every command, and wakes the long polls waiting now so that they answer NOT_ACTIVE at once. */
        void standBy(String why) {
            cutOff(why);
            for (int i = polling.get(); i > 0; i--) {
                queue.addLast(Pending.WAKE);
            }
        }

        void requeue(List<Pending> batch) {
            for (int i = batch.size() - 1; i >= 0; i--) {
                if (!batch.get(i).future.isDone()) {
                    queue.addFirst(batch.get(i));
                }
            }
        }

        boolean complete(String key, CommandResult result) {
            Pending p = byKey.remove(key);
            if (p == null) {
                return false;
            }
            // the engine handles the result on the completing thread: one of ours, never the HTTP thread
            completions.execute(() -> p.future.complete(result));
            return true;
        }

        void cutOff(String why) {
            List<Pending> cut = new ArrayList<>(byKey.values());
            cut.forEach(p -> byKey.remove(p.request.idempotencyKey(), p));
            queue.removeAll(cut);
            if (!cut.isEmpty()) {
                LOG.info("{} command(s) for server {} cut off: {}", cut.size(), serverId, why);
                completions.execute(() -> cut.forEach(p -> p.future.completeExceptionally(
                        new SiteUnreachableException(serverId, why))));
            }
        }
    }

    private static ThreadFactory threads(String prefix) {
        return new ThreadFactoryBuilder().setNameFormat(prefix + "-%d").setDaemon(true).build();
    }

    /** Builds an {@link HttpsTransport}. Not thread-safe. */
    public static final class Builder {
        private final InetSocketAddress bind;
        private @Nullable Path caDirectory;
        private @Nullable KeyStore keyStore;
        private @Nullable char[] keyStorePassword;
        private List<String> serverNames = List.of();
        private String vaultName = "vault";
        private HttpsLimits limits = HttpsLimits.DEFAULTS;
        private Clock clock = Clock.systemUTC();

        private Builder(InetSocketAddress bind) {
            this.bind = requireNonNull(bind, "bind");
        }

        /**
         * Where the vault keeps its CA ({@value VaultCertificates#FILE}, 0600), generated on first use. Without it
         * the CA lives in memory and the client certificates it signed die with the transport: fine for a test,
         * not for a vault that restarts. Usually the vault's own store directory.
         */
        public Builder caDirectory(Path dir) {
            this.caDirectory = requireNonNull(dir, "dir");
            return this;
        }

        /**
         * The listener's certificate from the user's keystore (its one key entry), instead of one the vault's CA
         * signs. The password is used once at build and not kept.
         */
        public Builder serverKeyStore(KeyStore keyStore, char[] password) {
            this.keyStore = requireNonNull(keyStore, "keyStore");
            this.keyStorePassword = requireNonNull(password, "password").clone();
            return this;
        }

        /** The DNS names and addresses the generated server certificate names (default: localhost, 127.0.0.1). */
        public Builder serverNames(List<String> names) {
            this.serverNames = List.copyOf(names);
            return this;
        }

        /** The vault's name, shown in its CA certificate's subject. */
        public Builder vaultName(String name) {
            this.vaultName = requireNonNull(name, "name");
            return this;
        }

        public Builder limits(HttpsLimits limits) {
            this.limits = requireNonNull(limits, "limits");
            return this;
        }

        /** The clock connection states and heartbeats are read on. */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Starts listening.
         *
         * @throws InvalidConfigurationException (INPUT) when the address cannot be bound or the keystore used
         * @throws IllegalStateException when the CA directory holds a file that is not the vault's CA
         */
        public HttpsTransport build() {
            try {
                return new HttpsTransport(this);
            } finally {
                if (keyStorePassword != null) {
                    java.util.Arrays.fill(keyStorePassword, '\0');
                }
            }
        }
    }
}
