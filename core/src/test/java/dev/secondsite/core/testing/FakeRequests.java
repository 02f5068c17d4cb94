package dev.secondsite.core.testing;

import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.HostCommand;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes {@link CommandRequest}s with fresh idempotency keys ({@code "key-1"}, {@code "key-2"} ...) addressed to the
 * server whose site holds the host (or is that VMM server, for scripts), for tests that drive a {@link FakeHostDriver} or a provider without an engine.
 *
 * <p>Thread-safe.
 */
public final class FakeRequests {
    private final Map<String, String> serverOfHost = new HashMap<>();
    private final AtomicLong next = new AtomicLong();

    private FakeRequests(Site... sites) {
        for (Site site : sites) {
            serverOfHost.put(site.name(), site.id()); // scripts run on the VMM server itself
            for (Host host : site.hosts()) {
                serverOfHost.put(host.name(), site.id());
            }
        }
    }

    /** Requests for the hosts of {@code sites}. */
    public static FakeRequests forSites(Site... sites) {
        return new FakeRequests(sites);
    }

    /**
     * {@code command} on {@code host} with the next key.
     *
     * @throws IllegalArgumentException when no site given holds {@code host}
     */
    public CommandRequest on(String host, HostCommand command) {
        return withKey("key-" + next.incrementAndGet(), host, command);
    }

    /**
     * {@code command} on {@code host} with {@code key}, e.g. to re-send a command.
     *
     * @throws IllegalArgumentException when no site given holds {@code host}
     */
    public CommandRequest withKey(String key, String host, HostCommand command) {
        String serverId = serverOfHost.get(host);
        if (serverId == null) {
            throw new IllegalArgumentException("no site holds host " + host + "; hosts: " + serverOfHost.keySet());
        }
        return new CommandRequest(key, serverId, host, command);
    }
}
