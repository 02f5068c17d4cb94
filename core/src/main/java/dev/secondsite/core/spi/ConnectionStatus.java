package dev.secondsite.core.spi;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import javax.annotation.Nullable;

/**
 * How a site's provider is connected to the vault's {@link Transport}: connected or not, and when it last showed it
 * was alive (a heartbeat, a poll or a result), as the transport saw it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param state connected or disconnected
 * @param lastHeartbeat when the provider was last heard from, or null when the transport does not know (never
 *     heard from since the transport started, or a transport without heartbeats)
 */
public record ConnectionStatus(State state, @Nullable Instant lastHeartbeat) {
    /** Whether the provider is reachable now. */
    public enum State {
        CONNECTED,
        DISCONNECTED
    }

    public ConnectionStatus {
        requireNonNull(state, "state");
    }

    public boolean isConnected() {
        return state == State.CONNECTED;
    }

    public Optional<Instant> lastHeartbeatValue() {
        return Optional.ofNullable(lastHeartbeat);
    }
}
