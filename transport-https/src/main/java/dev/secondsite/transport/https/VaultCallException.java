package dev.secondsite.transport.https;

import dev.secondsite.core.SecondsiteException;

/**
 * The vault answered a provider's call with an error (a JSON error body), or could not be reached: no client
 * certificate (401), a certificate it did not issue or of a server it no longer lists (403, R6), a malformed or
 * oversized request (400, 413), a refused sync (422).
 *
 * <p>Immutable and thread-safe.
 */
public class VaultCallException extends SecondsiteException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;

    public VaultCallException(int status, String error, String message) {
        super("vault answered " + status + " " + error + ": " + message);
        this.status = status;
        this.error = error;
    }

    /** The HTTP status, or 0 when the vault could not be reached. */
    public int status() {
        return status;
    }

    /** The error code of the JSON body, e.g. {@code "UNKNOWN_CERTIFICATE"}. */
    public String error() {
        return error;
    }
}
