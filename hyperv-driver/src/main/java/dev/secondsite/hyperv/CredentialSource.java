package dev.secondsite.hyperv;

import java.util.Optional;

/**
 * Resolves a credential reference (a name kept in the driver's settings) to the user and password a remote command
 * runs as, at the moment the command runs, so the settings never hold a password and a rotated one is picked up.
 *
 * <p>Implementations must be thread-safe and must never log what they resolve.
 */
public interface CredentialSource {
    /**
     * @param reference the name the settings give, e.g. {@code "hyperv-hosts"}
     * @return the credential, or empty when the reference names none
     */
    Optional<HostCredential> resolve(String reference);
}
