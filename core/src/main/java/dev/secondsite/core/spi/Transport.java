package dev.secondsite.core.spi;

import dev.secondsite.core.registration.VaultEndpoint;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The vault's side of the link to its providers: delivers {@link CommandRequest}s to the provider of a site and
 * brings back results. The provider connects out to the vault (T2); how is the transport's business ({@code local:}
 * in one JVM, {@code https:} with mutual TLS and long polling).
 *
 * <p>Implementations must be thread-safe.
 */
public interface Transport extends AutoCloseable {
    /**
     * Sends {@code request} to the provider of {@code request.serverId()}.
     *
     * <p>The engine handles the result on the thread that completes the future (it saves a thread hand-off per
     * command), so complete it from a worker of the transport's own, never from a network I/O thread or a thread
     * that must not block briefly on the job's lock.
     *
     * @return completes with the provider's result; completes exceptionally with
     *     {@link SiteUnreachableException} when no provider of that site is connected, which the engine treats as a
     *     transient failure
     */
    CompletableFuture<CommandResult> send(CommandRequest request);

    /**
     * Hands the transport the vault it serves, so that the registration and sync calls of providers reach it (R1,
     * R5). The vault calls it once it is built; a later call replaces the endpoint (a vault reopened on the same
     * transport). A transport that carries no provider calls, such as a test double, may ignore it.
     */
    default void bind(VaultEndpoint vault) {
    }

    /**
     * The vault this transport served is not active here: another instance of the same vault leads (a highly
     * available vault, several instances sharing one store), at {@code activeInstance} when it is known. Until the
     * next {@link #bind}, a transport that carries provider calls answers them "not active", naming that instance so
     * that providers go there, and every command still waiting for a provider completes with
     * {@link SiteUnreachableException}. Called again when the active instance changes. The default ignores it (a
     * transport with no remote providers).
     */
    default void standBy(Optional<URI> activeInstance) {
    }

    /** Whether a provider of {@code serverId} is connected now. */
    boolean isConnected(String serverId);

    /**
     * The connection state of the provider of {@code serverId} and when it was last heard from. The default knows
     * no heartbeats: {@link #isConnected} and no time.
     */
    default ConnectionStatus status(String serverId) {
        return new ConnectionStatus(isConnected(serverId) ? ConnectionStatus.State.CONNECTED
                : ConnectionStatus.State.DISCONNECTED, null);
    }

    /** Stops delivering; pending sends complete exceptionally. */
    @Override
    void close();
}
