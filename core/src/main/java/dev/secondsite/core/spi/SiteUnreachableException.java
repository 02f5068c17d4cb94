package dev.secondsite.core.spi;

import dev.secondsite.core.SecondsiteException;

/**
 * No provider of a site is connected to the vault's transport, or the link broke while a command was under way.
 * Transient: the engine retries the command with the same idempotency key.
 *
 * <p>Immutable and thread-safe.
 */
public class SiteUnreachableException extends SecondsiteException {
    private static final long serialVersionUID = 1L;

    private final String serverId;

    public SiteUnreachableException(String serverId, String message) {
        super("site " + serverId + " unreachable: " + message);
        this.serverId = serverId;
    }

    public String serverId() {
        return serverId;
    }
}
