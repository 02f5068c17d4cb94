package dev.secondsite.core.protection;

/**
 * Where a request to protect a VM came from (E2): the vault (a user enabled protection there) or a provider (a
 * user enabled it in the VM's properties on the VMM side, and the provider reports it). Both end in the same state;
 * a provider's report of a VM the vault already protects changes nothing, because that is the echo of the vault's
 * own request.
 *
 * <p>Thread-safe (an enum).
 */
public enum ProtectionOrigin {
    VAULT,
    PROVIDER
}
