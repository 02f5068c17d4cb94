package dev.secondsite.hyperv;

import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.annotation.Nullable;

/**
 * The first successful result of each idempotency key, for re-sends within one process (J3); the oldest are
 * forgotten beyond the capacity (a re-send after that, like one after a crash, is answered by the host's state).
 * Failures are not remembered: they changed nothing the re-send would not check again.
 *
 * <p>Thread-safe without a lock: every command of every provider thread passes here twice, and on a busy machine a
 * lock's holder descheduled mid-call made the others queue behind it (measured in the fabric benchmark: the most
 * contended monitor of the driver). Keys are forgotten in the order they were first remembered; under concurrent
 * inserts the count may pass the capacity by the number of threads inserting at that moment.
 */
final class RememberedResults {
    private record Entry(CommandRequest request, CommandResult result) {
    }

    private final int capacity;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();

    RememberedResults(int capacity) {
        this.capacity = capacity;
    }

    /**
     * The result remembered for the request's key, a permanent failure when the key came with another request (an
     * engine bug), or null when the key is new.
     */
    @Nullable CommandResult lookup(CommandRequest request) {
        Entry entry = entries.get(request.idempotencyKey());
        if (entry == null) {
            return null;
        }
        if (!entry.request.equals(request)) {
            return CommandResult.permanentFailure("J3: idempotency key " + request.idempotencyKey()
                    + " was used for " + entry.request + " and now for " + request);
        }
        return entry.result;
    }

    void remember(CommandRequest request, CommandResult result) {
        if (entries.putIfAbsent(request.idempotencyKey(), new Entry(request, result)) != null) {
            return;
        }
        order.add(request.idempotencyKey());
        if (size.incrementAndGet() > capacity) {
            String eldest = order.poll();
            if (eldest != null) {
                entries.remove(eldest);
                size.decrementAndGet();
            }
        }
    }

    int size() {
        return entries.size();
    }
}
