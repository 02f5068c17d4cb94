package dev.secondsite.core.transport.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.SiteUnreachableException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LocalTransportTest {
    private static final String SERVER = "vmm-b";

    private final ExecutorService providerThreads = Executors.newFixedThreadPool(2,
            r -> new Thread(r, "test-provider"));
    private final LocalTransport hub = LocalTransport.create();

    @AfterEach
    void tearDown() {
        hub.close();
        providerThreads.shutdownNow();
    }

    private static CommandRequest request(String key) {
        return new CommandRequest(key, SERVER, "hv1-b.contoso.local", new HostCommand.StartVm("vm-1", "web-01",
                false));
    }

    private static Throwable failure(CompletableFuture<CommandResult> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
        return e.getCause();
    }

    /** A handler that signals when it started and waits for {@code release} before answering. */
    private static Function<CommandRequest, CommandResult> blocking(CountDownLatch started, CountDownLatch release) {
        return r -> {
            started.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CommandResult.succeeded("late " + r.idempotencyKey());
        };
    }

    @Test
    @DisplayName("T2 a send reaches the attached provider and completes with its result, on the provider's thread")
    void deliversOnProviderThread() throws Exception {
        AtomicReference<String> thread = new AtomicReference<>();
        hub.attach(SERVER, providerThreads, r -> {
            thread.set(Thread.currentThread().getName());
            return CommandResult.succeeded("started " + r.command().vmId());
        });

        CommandResult result = hub.send(request("k1")).get(10, TimeUnit.SECONDS);

        assertEquals(CommandResult.succeeded("started vm-1"), result);
        assertEquals("test-provider", thread.get());
        assertNotEquals(Thread.currentThread().getName(), thread.get());
        assertTrue(hub.isConnected(SERVER));
        assertFalse(hub.isConnected("vmm-a"));
    }

    @Test
    @DisplayName("J3 a send to a site without an attached provider completes with SiteUnreachableException")
    void unreachableWithoutProvider() {
        Throwable cause = failure(hub.send(request("k1")));

        SiteUnreachableException unreachable = assertInstanceOf(SiteUnreachableException.class, cause);
        assertEquals(SERVER, unreachable.serverId());
        assertTrue(unreachable.getMessage().contains("no provider is attached"), unreachable.getMessage());
    }

    @Test
    @DisplayName("J3 detaching mid-command completes the pending send with SiteUnreachableException; queued ones never run")
    void detachCutsOffPendingSends() throws Exception {
        ExecutorService single = Executors.newSingleThreadExecutor();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        Function<CommandRequest, CommandResult> handler = blocking(started, release);
        LocalTransport.Attachment attachment = hub.attach(SERVER, single, r -> {
            runs.incrementAndGet();
            return handler.apply(r);
        });
        CompletableFuture<CommandResult> running = hub.send(request("k1"));
        CompletableFuture<CommandResult> queued = hub.send(request("k2"));
        assertTrue(started.await(10, TimeUnit.SECONDS));

        attachment.disconnect();

        assertInstanceOf(SiteUnreachableException.class, failure(running));
        assertInstanceOf(SiteUnreachableException.class, failure(queued));
        assertFalse(hub.isConnected(SERVER));
        assertFalse(attachment.isConnected());
        assertInstanceOf(SiteUnreachableException.class, failure(hub.send(request("k3"))));
        release.countDown();
        single.shutdown();
        assertTrue(single.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(1, runs.get(), "a send cut off before it started must not run");
        assertTrue(running.isCompletedExceptionally(), "the late result must not replace the failure");
    }

    @Test
    @DisplayName("J3 closing completes pending and later sends exceptionally and refuses new providers")
    void closeFailsPendingAndLaterSends() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        hub.attach(SERVER, providerThreads, blocking(started, release));
        CompletableFuture<CommandResult> pending = hub.send(request("k1"));
        assertTrue(started.await(10, TimeUnit.SECONDS));

        hub.close();
        hub.close();

        assertInstanceOf(SiteUnreachableException.class, failure(pending));
        Throwable later = failure(hub.send(request("k2")));
        assertTrue(later.getMessage().contains("closed"), later.getMessage());
        assertFalse(hub.isConnected(SERVER));
        assertThrows(IllegalStateException.class, () -> hub.attach(SERVER, providerThreads,
                r -> CommandResult.succeeded("x")));
        release.countDown();
    }

    @Test
    @DisplayName("T2 one provider per server: a second attach of the same server is refused until the first detaches")
    void oneProviderPerServer() {
        LocalTransport.Attachment first = hub.attach(SERVER, providerThreads, r -> CommandResult.succeeded("1"));

        assertThrows(IllegalStateException.class, () -> hub.attach(SERVER, providerThreads,
                r -> CommandResult.succeeded("2")));
        first.disconnect();
        first.disconnect();
        hub.attach(SERVER, providerThreads, r -> CommandResult.succeeded("2"));
        assertTrue(hub.isConnected(SERVER));
    }

    @Test
    @DisplayName("J3 a handler that throws completes the send with its exception; a refusing executor means unreachable")
    void handlerAndExecutorFailures() {
        hub.attach(SERVER, providerThreads, r -> {
            throw new IllegalStateException("driver exploded");
        });
        Throwable thrown = failure(hub.send(request("k1")));
        assertEquals("driver exploded", thrown.getMessage());

        LocalTransport other = LocalTransport.create();
        ExecutorService stopped = Executors.newSingleThreadExecutor();
        stopped.shutdown();
        other.attach(SERVER, stopped, r -> CommandResult.succeeded("never"));
        Throwable rejected = failure(other.send(request("k2")));
        assertInstanceOf(SiteUnreachableException.class, rejected);
        assertTrue(rejected.getMessage().contains("shutting down"), rejected.getMessage());
        other.close();
    }

    @Test
    @DisplayName("T2 local:<name> names one hub shared by every caller until it is closed; private hubs are apart")
    void namedHubs() {
        LocalTransport drill = LocalTransport.forUri(URI.create("local:drill-" + System.nanoTime()));
        URI uri = drill.uri().orElseThrow();

        assertSame(drill, LocalTransport.forUri(uri));
        assertSame(drill, new LocalTransportProvider().create(uri));
        assertNotSame(drill, LocalTransport.forUri(URI.create(uri + "-other")));
        drill.close();
        LocalTransport fresh = LocalTransport.forUri(uri);
        assertNotSame(drill, fresh);
        fresh.close();
        assertTrue(hub.uri().isEmpty());
        assertNotSame(LocalTransport.create(), LocalTransport.create());
    }

    @Test
    @DisplayName("INPUT a URI that is not local:<name> is refused naming it")
    void invalidUris() {
        for (String bad : new String[] {"local://drill", "https:drill", "local:dr ill", "local:drill#x",
                "local:-x", "drill"}) {
            URI uri = URI.create(bad.replace(" ", "%20"));
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> LocalTransport.forUri(uri), bad);
            assertEquals(Rule.INPUT, e.rule());
            assertTrue(e.getMessage().contains(uri.toString()), e.getMessage());
        }
    }
}
