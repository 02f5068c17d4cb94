package dev.secondsite.core.vault;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A vault registration key (K1): issued by one vault, valid for {@link #VALIDITY} from its generation, and the only
 * way to register a server. The {@link #encoded() encoded form} is what an administrator copies to the provider
 * (the "key file"); it carries a signature over its content, so any change to it is detected.
 *
 * <p>The encoded form is a credential: {@link #toString()} shows the key id and validity, never the encoded form.
 * Immutable and thread-safe.
 *
 * @param keyId an id for the key, safe to log
 * @param vaultId the vault that issued it
 * @param issuedAt when it was generated
 * @param encoded the whole key as text, signature included
 */
public record RegistrationKey(String keyId, String vaultId, Instant issuedAt, Secret encoded) {
    /** K1: a key is valid for 5 days from its generation. */
    public static final Duration VALIDITY = Duration.ofDays(5);

    public RegistrationKey {
        requireNonNull(keyId, "keyId");
        requireNonNull(vaultId, "vaultId");
        requireNonNull(issuedAt, "issuedAt");
        requireNonNull(encoded, "encoded");
    }

    /**
     * The issue time the key {@code encoded} states, read without checking its signature (only its vault can, when
     * a server registers with it): for a transport that derives something stable from a key, such as a certificate's
     * validity. Empty when the text is not a registration key's. Never trust it for access: the vault decides that.
     */
    public static Optional<Instant> statedIssueTime(Secret encoded) {
        return KeySigner.statedIssueTime(requireNonNull(encoded, "encoded"));
    }

    /** The first instant at which the key is no longer accepted. */
    public Instant expiresAt() {
        return issuedAt.plus(VALIDITY);
    }

    /** True while the key is valid at {@code now}. */
    public boolean isValidAt(Instant now) {
        return now.isBefore(expiresAt());
    }

    @Override
    public String toString() {
        return "RegistrationKey[" + keyId + " of vault " + vaultId + ", issued " + issuedAt + ", expires "
                + expiresAt() + "]";
    }
}
