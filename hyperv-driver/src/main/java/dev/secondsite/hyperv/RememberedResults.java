package dev.secondsite.hyperv;

import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * The first successful result of each idempotency key, for re-sends within one process (J3); the oldest are
 * forgotten beyond the capacity (a re-send after that, like one after a crash, is answered by the host's state).
 * Failures are not remembered: they changed nothing the re-send would not check again.
 *
 * <p>Thread-safe (one lock; each call is a map operation).
 */
final class RememberedResults {
    private record Entry(CommandRequest request, CommandResult result) {
    }

    private final Map<String, Entry> entries;

    RememberedResults(int capacity) {
        this.entries = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * The result remembered for the request's key, a permanent failure when the key came with another request (an
     * engine bug), or null when the key is new.
     */
    synchronized @Nullable CommandResult lookup(CommandRequest request) {
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

    synchronized void remember(CommandRequest request, CommandResult result) {
        entries.putIfAbsent(request.idempotencyKey(), new Entry(request, result));
    }

    synchronized int size() {
        return entries.size();
    }
}
