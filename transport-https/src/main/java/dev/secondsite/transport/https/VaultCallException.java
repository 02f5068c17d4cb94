package dev.secondsite.transport.https;

import dev.secondsite.core.SecondsiteException;
import java.net.URI;
import java.util.Optional;
import javax.annotation.Nullable;

/**
 * The vault answered a provider's call with an error (a JSON error body), or could not be reached: no client
 * certificate (401), a certificate it did not issue or of a server it no longer lists (403, R6), a malformed or
 * oversized request (400, 413), a refused sync (422), a vault instance that stands by (503 {@code NOT_ACTIVE}, naming
 * the active instance when it knows it).
 *
 * <p>Immutable and thread-safe.
 */
public class VaultCallException extends SecondsiteException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;
    private final @Nullable URI activeInstance;

    public VaultCallException(int status, String error, String message) {
        this(status, error, message, null);
    }

    /** An answer of a vault instance that stands by, naming the active instance when it knows it. */
    VaultCallException(int status, String error, String message, @Nullable URI activeInstance) {
        super("vault answered " + status + " " + error + ": " + message);
        this.status = status;
        this.error = error;
        this.activeInstance = activeInstance;
    }

    /** The HTTP status, or 0 when the vault could not be reached. */
    public int status() {
        return status;
    }

    /** The error code of the JSON body, e.g. {@code "UNKNOWN_CERTIFICATE"}. */
    public String error() {
        return error;
    }

    /**
     * The active instance a vault instance that stands by named ({@code NOT_ACTIVE}), as it said it: the link
     * follows it only when it is one of its configured instances.
     */
    public Optional<URI> activeInstance() {
        return Optional.ofNullable(activeInstance);
    }
}
