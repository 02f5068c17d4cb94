package dev.secondsite.core.protection;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of disabling protection of a VM (E4): the configuration without the VM, the VM as it ends
 * ({@link ProtectionState#UNPROTECTED}, on the side that runs it), and whether the job deletes the replica too (C11,
 * the pairing's {@link ReplicationSettings#deleteReplicaOnDisable()}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param configuration the configuration after the change
 * @param vm the VM, now unprotected
 * @param deleteReplica true when the replica VM is to be deleted as well
 */
public record DisableResult(ProtectionConfiguration configuration, ProtectedVm vm, boolean deleteReplica) {
    public DisableResult {
        requireNonNull(configuration, "configuration");
        requireNonNull(vm, "vm");
    }
}
