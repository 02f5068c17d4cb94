package dev.secondsite.core.inventory;

import dev.secondsite.core.internal.Checks;

/**
 * Hyper-V Replica settings a provider found already configured on a VM (Get-VMReplication), used when onboarding
 * the VM (E3). Values are as Hyper-V reports them.
 *
 * @param replicaHost the host holding the replica VM
 * @param replicationFrequencySec 30, 300 or 900
 * @param recoveryHistory the additional recovery points kept on the replica
 * @param vssSnapshotFrequencyHour app-consistent snapshot frequency in hours, 0 when off
 * @param compressionEnabled whether transfer is compressed
 * @param authenticationType {@code "Kerberos"} or {@code "Certificate"}
 * @param replicaServerPort the replica server's listening port
 */
public record ObservedReplication(String replicaHost, int replicationFrequencySec, int recoveryHistory,
                                  int vssSnapshotFrequencyHour, boolean compressionEnabled, String authenticationType,
                                  int replicaServerPort) {
    public ObservedReplication {
        Checks.text("observed replication", "replicaHost", replicaHost);
        Checks.text("observed replication", "authenticationType", authenticationType);
    }
}
