package dev.secondsite.core.spi;

import dev.secondsite.core.registration.VaultEndpoint;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The provider's side of the link to its vault: carries registration and inventory sync to the vault (the
 * {@link VaultEndpoint} calls) and delivers the vault's {@link CommandRequest}s to the provider once it
 * {@link #connect connects}. The provider always connects out (T2). Made by a {@link VaultLinkProvider} found by URI
 * scheme ({@code local:} in core, {@code https:} in {@code dev.secondsite:secondsite-transport-https}), or wired
 * explicitly with {@code Provider.builder(...).vaultLink(...)}.
 *
 * <p>Implementations must be thread-safe.
 */
public interface VaultLink extends VaultEndpoint {
    /**
     * Starts taking the vault's requests for {@code serverId}: each runs {@code handler} on {@code executor}.
     *
     * @param executor where requests run; must not run them on the delivering thread
     * @param handler carries out one request
     * @return the connection, to {@link Connection#disconnect() disconnect} with
     * @throws IllegalStateException when the link is closed or a provider of {@code serverId} is connected already
     */
    Connection connect(String serverId, Executor executor, Function<CommandRequest, CommandResult> handler);

    /** One provider's connection for commands. Thread-safe. */
    interface Connection {
        /** Whether requests still reach the provider: not disconnected and the link still open. */
        boolean isConnected();

        /**
         * Stops taking requests; those the vault still waits for complete there with
         * {@link SiteUnreachableException}. Disconnecting twice does nothing more.
         */
        void disconnect();
    }
}
