package dev.secondsite.core.job;

import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.SiteUnreachableException;
import dev.secondsite.core.spi.Transport;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A transport for engine unit tests: answers each request with {@code handler} on its own threads, records every
 * request it received, and measures how many were in flight at once.
 */
final class ScriptedTransport implements Transport {
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "scripted-transport");
        t.setDaemon(true);
        return t;
    });
    private volatile Function<CommandRequest, CommandResult> handler;
    final List<CommandRequest> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();

    ScriptedTransport(Function<CommandRequest, CommandResult> handler) {
        this.handler = handler;
    }

    static ScriptedTransport succeeding() {
        return new ScriptedTransport(r -> CommandResult.succeeded("ok"));
    }

    void handler(Function<CommandRequest, CommandResult> handler) {
        this.handler = handler;
    }

    List<String> keys() {
        return received.stream().map(CommandRequest::idempotencyKey).toList();
    }

    @Override
    public CompletableFuture<CommandResult> send(CommandRequest request) {
        received.add(request);
        if (request.serverId().equals("unreachable")) {
            return CompletableFuture.failedFuture(new SiteUnreachableException("unreachable", "no provider"));
        }
        return CompletableFuture.supplyAsync(() -> {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                return handler.apply(request);
            } finally {
                inFlight.decrementAndGet();
            }
        }, pool);
    }

    @Override
    public boolean isConnected(String serverId) {
        return !serverId.equals("unreachable");
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
