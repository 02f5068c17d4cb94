package dev.secondsite.transport.https;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.provider.RegistrationOptions;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.testing.TestSites;
import dev.secondsite.core.vault.RegistrationKey;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultOptions;
import dev.secondsite.transport.https.VaultCertificates.KeyManagerMaterial;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * Command round trips between a vault and {@value #PROVIDERS} providers over HTTPS on loopback, against a bare JDK
 * {@link HttpClient} -> {@link HttpsServer} echo, in the same run.
 *
 * <p>Transport: one {@link Vault} on an {@link HttpsTransport}; {@value #PROVIDERS} {@link Provider}s, each over its own
 * {@link HttpsVaultLink}, registered with one key and connected; each provider's host driver answers at once. A round
 * trip is one {@link HttpsTransport#send} of a {@link HostCommand.StartVm} until its future completes with the
 * provider's result: the command waits in the server's queue, a long poll takes it, the provider runs it, and the
 * result comes back in a POST. The load is closed: {@code concurrency} commands under way per provider, the next sent
 * as one completes.
 *
 * <p>Echo: an {@link HttpsServer} whose handler answers each POST with its body, and {@value #PROVIDERS}
 * {@link HttpClient}s, each with its own client certificate; the same TLS as the transport (TLS 1.3, EC P-256 keys
 * signed by a CA of {@link VaultCertificates}, client certificates wanted, HTTP/1.1, the same kind of server
 * executor), the same payload size (the JSON of one command request each way) and the same concurrency per client.
 * One round trip is one POST answered.
 *
 * <p>Printed per measured run and as medians: round trips per second, p50 and p99 latency, and the ratios (goal:
 * throughput >= 0.7x the echo's, p99 <= 2x the echo's). Memory: heap used after a full GC with the vault and its
 * transport up, then with the {@value #PROVIDERS} providers registered and connected, the difference / {@value
 * #PROVIDERS}, measured before any round trip. The providers run in this JVM, so that figure holds both sides of each
 * connection: an upper bound of the vault's share.
 *
 * <p>Logging goes to SLF4J's no-operation provider (the test classpath's capturing logger would measure itself).
 *
 * <p>Not a test; run:
 * <pre>
 * mvn -B -q -o -pl core,transport-https test-compile exec:java -Dsecondsite.https.skipExec=false \
 *     -Dexec.classpathScope=test -Dexec.mainClass=dev.secondsite.transport.https.HttpsBenchmark \
 *     [-Dexec.args="runs warmups seconds concurrency"]
 * </pre>
 * (core comes along for its test classes; {@code secondsite.https.skipExec} runs exec:java in this module only.)
 */
public final class HttpsBenchmark {
    static final int PROVIDERS = 50;
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private HttpsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int warmups = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        CommandRequest sample = command(0, "vmm-0");
        int payload = Wire.write(sample).length;
        say("%d providers on loopback, %d command(s) under way per provider (%d in all), %d s per run, payload %d "
                + "bytes, %d cores, %s", PROVIDERS, concurrency, PROVIDERS * concurrency, seconds, payload,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
        Path dir = Files.createTempDirectory("https-bench");
        List<Result> transport = new ArrayList<>();
        List<Result> echo = new ArrayList<>();
        try (EchoWorld echoes = new EchoWorld(payload); TransportWorld world = new TransportWorld(dir, concurrency)) {
            for (int i = 0; i < warmups + runs; i++) {
                boolean warm = i < warmups;
                Result e = echoes.run(seconds, concurrency);
                Result t = world.run(seconds, concurrency);
                say("%s echo      %s", warm ? "warm-up" : "run " + (i - warmups + 1) + "  ", e);
                say("%s transport %s  (%.2fx throughput, p99 %.2fx)", warm ? "warm-up" : "run " + (i - warmups + 1)
                        + "  ", t, t.perSecond / e.perSecond, t.p99Us / e.p99Us);
                if (!warm) {
                    echo.add(e);
                    transport.add(t);
                }
            }
            Result e = median(echo);
            Result t = median(transport);
            say("median of %d: echo %s", runs, e);
            say("median of %d: transport %s", runs, t);
            say("throughput ratio %.2fx (goal >= 0.7x), p50 ratio %.2fx, p99 ratio %.2fx (goal <= 2x)",
                    t.perSecond / e.perSecond, t.p50Us / e.p50Us, t.p99Us / e.p99Us);
            say("memory per connected provider: %,d bytes of heap (both sides of its connections: the providers run "
                    + "in this JVM)", world.bytesPerConnection);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static CommandRequest command(long n, String serverId) {
        return new CommandRequest("bench-" + n, serverId, "hv1-" + serverId + ".contoso.local",
                new HostCommand.StartVm("vm-" + n, "web-" + n, false));
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200); // not synchronisation: lets reference processing and the finalizer thread run
        }
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    // ------------------------------------------------------------------------------------------------ the load

    /** Round trip latencies of one measured window, and how many completed in it. */
    record Result(double perSecond, double p50Us, double p99Us, long completed) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,9.0f round trips/s  p50 %,8.0f us  p99 %,8.0f us  (%,d)", perSecond,
                    p50Us, p99Us, completed);
        }
    }

    private static Result median(List<Result> rs) {
        double[] per = rs.stream().mapToDouble(Result::perSecond).sorted().toArray();
        double[] p50 = rs.stream().mapToDouble(Result::p50Us).sorted().toArray();
        double[] p99 = rs.stream().mapToDouble(Result::p99Us).sorted().toArray();
        return new Result(per[per.length / 2], p50[p50.length / 2], p99[p99.length / 2],
                rs.stream().mapToLong(Result::completed).sum() / rs.size());
    }

    /**
     * A closed load: one loop per slot, each starting a round trip when its last one ended, for {@code seconds};
     * round trips that end within the window count.
     */
    static Result drive(List<Supplier<CompletableFuture<?>>> slots, int seconds) throws InterruptedException {
        long[] latencies = new long[8 << 20];
        AtomicInteger recorded = new AtomicInteger();
        long start = System.nanoTime();
        long windowStart = start + TimeUnit.SECONDS.toNanos(1); // the first second settles the connections
        long windowEnd = windowStart + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(slots.size());
        AtomicLong failures = new AtomicLong();
        for (Supplier<CompletableFuture<?>> roundTrip : slots) {
            new Object() {
                void next() {
                    long sent = System.nanoTime();
                    if (sent >= windowEnd) {
                        done.countDown();
                        return;
                    }
                    roundTrip.get().whenComplete((r, e) -> {
                        long now = System.nanoTime();
                        if (e != null) {
                            failures.incrementAndGet();
                        } else if (sent >= windowStart && now <= windowEnd) {
                            int at = recorded.getAndIncrement();
                            if (at < latencies.length) {
                                latencies[at] = now - sent;
                            }
                        }
                        next();
                    });
                }
            }.next();
        }
        if (!done.await(seconds + 60L, TimeUnit.SECONDS)) {
            throw new IllegalStateException("round trips still under way 60 s after the window");
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " round trip(s) failed");
        }
        int n = Math.min(recorded.get(), latencies.length);
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        return new Result(n / (double) seconds, sorted[n / 2] / 1e3, sorted[(int) (n * 0.99)] / 1e3, n);
    }

    // ------------------------------------------------------------------------------------------------ transport

    /** The vault on its HTTPS transport and {@value #PROVIDERS} connected providers whose driver answers at once. */
    private static final class TransportWorld implements AutoCloseable {
        final HttpsTransport transport;
        final Vault vault;
        final List<HttpsVaultLink> links = new ArrayList<>();
        final List<Provider> providers = new ArrayList<>();
        final long heapBefore;
        final long bytesPerConnection;
        final AtomicLong sequence = new AtomicLong();

        TransportWorld(Path dir, int concurrency) throws InterruptedException {
            transport = HttpsTransport.builder(new InetSocketAddress("127.0.0.1", 0)).caDirectory(dir.resolve("ca"))
                    .build();
            vault = Vault.create(VaultOptions.builder("bench", "westeurope").storage(dir.resolve("vault"))
                    .transport(transport).build());
            RegistrationKey key = vault.servers().generateRegistrationKey();
            heapBefore = heapAfterGc();
            for (int i = 0; i < PROVIDERS; i++) {
                var site = TestSites.site("vmm-" + i, "vmm-" + i + ".contoso.local", "p" + i).build();
                HttpsVaultLink link = HttpsVaultLink.builder(transport.uri()).trust(transport.caCertificate()).build();
                Provider p = Provider.builder("vmm-" + i, () -> site).vaultLink(link)
                        .hostDriver(request -> CommandResult.succeeded("started"))
                        .maxConcurrentCommands(Math.max(concurrency, 1)).build();
                p.register(key.encoded(), RegistrationOptions.defaults());
                p.connect();
                links.add(link);
                providers.add(p);
            }
            for (int i = 0; i < PROVIDERS; i++) {
                String id = "vmm-" + i;
                long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!transport.isConnected(id)) {
                    if (System.nanoTime() > wait) {
                        throw new IllegalStateException(id + " did not connect");
                    }
                    Thread.sleep(10); // a start-up wait for the first polls, outside any measurement
                }
            }
            bytesPerConnection = (heapAfterGc() - heapBefore) / PROVIDERS;
        }

        Result run(int seconds, int concurrency) throws InterruptedException {
            List<Supplier<CompletableFuture<?>>> perProvider = new ArrayList<>();
            for (int i = 0; i < PROVIDERS; i++) {
                String id = "vmm-" + i;
                perProvider.add(() -> transport.send(command(sequence.incrementAndGet(), id)));
            }
            // slot k serves provider k % PROVIDERS: concurrency slots per provider
            List<Supplier<CompletableFuture<?>>> slots = new ArrayList<>();
            for (int k = 0; k < PROVIDERS * concurrency; k++) {
                slots.add(perProvider.get(k % PROVIDERS));
            }
            return drive(slots, seconds);
        }

        @Override
        public void close() {
            providers.forEach(Provider::close);
            links.forEach(HttpsVaultLink::close);
            vault.close();
            transport.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ echo

    /** An HTTPS echo server and {@value #PROVIDERS} clients with their own client certificates, the same TLS. */
    private static final class EchoWorld implements AutoCloseable {
        final HttpsServer server;
        final ThreadPoolExecutor serverThreads;
        final List<HttpClient> clients = new ArrayList<>();
        final byte[] body;
        final URI uri;

        EchoWorld(int payload) throws Exception {
            body = new byte[payload];
            Arrays.fill(body, (byte) 'x');
            VaultCertificates ca = VaultCertificates.generate("echo");
            SSLContext serverContext = Tls.context(Tls.keyManagers(ca.serverCertificate(List.of("127.0.0.1",
                    "localhost"))), new TrustManager[] {Tls.clientCertificatesCheckedLater(ca.caCertificate())});
            serverThreads = new ThreadPoolExecutor(4, 2048, 60, TimeUnit.SECONDS, new SynchronousQueue<>());
            server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
            server.setHttpsConfigurator(new HttpsConfigurator(serverContext) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters p = Tls.parameters(serverContext);
                    p.setWantClientAuth(true);
                    params.setSSLParameters(p);
                }
            });
            server.setExecutor(serverThreads);
            server.createContext("/", exchange -> {
                byte[] in;
                try (InputStream s = exchange.getRequestBody()) {
                    in = s.readAllBytes();
                }
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, in.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(in);
                }
            });
            server.start();
            uri = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/echo");
            for (int i = 0; i < PROVIDERS; i++) {
                KeyPair pair = VaultCertificates.newKeyPair();
                X509Certificate cert = ca.signClient(VaultCertificates.csr(pair, "echo-" + i), "echo-" + i, "echo-" + i,
                        "no key");
                SSLContext context = Tls.context(Tls.keyManagers(new KeyManagerMaterial(pair.getPrivate(),
                        new X509Certificate[] {cert, ca.caCertificate()})), Tls.trusting(List.of(ca.caCertificate())));
                clients.add(HttpClient.newBuilder().sslContext(context).sslParameters(Tls.parameters(context))
                        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build());
            }
        }

        Result run(int seconds, int concurrency) throws InterruptedException {
            List<Supplier<CompletableFuture<?>>> slots = new ArrayList<>();
            for (int k = 0; k < PROVIDERS * concurrency; k++) {
                HttpClient client = clients.get(k % PROVIDERS);
                slots.add(() -> client.sendAsync(HttpRequest.newBuilder(uri)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
                            if (r.statusCode() != 200 || r.body().length != body.length) {
                                throw new IllegalStateException("echo answered " + r.statusCode());
                            }
                            return r;
                        }));
            }
            return drive(slots, seconds);
        }

        @Override
        public void close() throws IOException {
            server.stop(0);
            serverThreads.shutdownNow();
        }
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
