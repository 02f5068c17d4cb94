package dev.secondsite.core.testing;

import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.HostCommand;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes {@link CommandRequest}s for one server with fresh idempotency keys ({@code "<prefix>-1"}, {@code "-2"} ...),
 * for tests that drive a {@link FakeHostDriver} or a provider directly, without an engine.
 *
 * <p>Thread-safe.
 */
public final class FakeRequests {
    private final String serverId;
    private final String prefix;
    private final AtomicLong next = new AtomicLong();

    /** Requests for {@code serverId} with keys {@code "key-1"}, {@code "key-2"} ... */
    public FakeRequests(String serverId) {
        this(serverId, "key");
    }

    public FakeRequests(String serverId, String keyPrefix) {
        this.serverId = serverId;
        this.prefix = keyPrefix;
    }

    /** {@code command} on {@code host} with the next key. */
    public CommandRequest on(String host, HostCommand command) {
        return new CommandRequest(prefix + "-" + next.incrementAndGet(), serverId, host, command);
    }

    /** {@code command} on {@code host} with {@code key}, e.g. to re-send a command. */
    public CommandRequest withKey(String key, String host, HostCommand command) {
        return new CommandRequest(key, serverId, host, command);
    }
}
