package dev.secondsite.transport.https;

import dev.secondsite.core.SecondsiteException;
import java.nio.file.Path;

/**
 * The provider's identity file ({@link HttpsVaultLink.Builder#identityFile}) cannot be used: it is missing where a
 * registered identity is needed, cannot be read, is not the PKCS12 store this link writes, or lacks its key, client
 * certificate or pinned CA. The message names the file; it never holds the key.
 *
 * <p>Immutable and thread-safe.
 */
public class ProviderIdentityException extends SecondsiteException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public ProviderIdentityException(Path file, String message, Throwable cause) {
        super("identity file " + file + ": " + message, cause);
        this.file = file;
    }

    public ProviderIdentityException(Path file, String message) {
        super("identity file " + file + ": " + message);
        this.file = file;
    }

    /** The identity file concerned. */
    public Path file() {
        return file;
    }
}
