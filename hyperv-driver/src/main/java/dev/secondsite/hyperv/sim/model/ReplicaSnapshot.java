package dev.secondsite.hyperv.sim.model;

import static java.util.Objects.requireNonNull;

import dev.secondsite.hyperv.sim.model.HyperVEnums.SnapshotType;
import java.time.Instant;

/**
 * One recovery point of a replica VM (a VMSnapshot of type Replica or AppConsistentReplica).
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the snapshot's id (a GUID, stable for the point's life)
 * @param vmId the VM's id
 * @param vmName the VM's name
 * @param type Replica (standard) or AppConsistentReplica
 * @param creationTime when the point was taken on the fabric's clock
 */
public record ReplicaSnapshot(String id, String vmId, String vmName, SnapshotType type, Instant creationTime) {
    public ReplicaSnapshot {
        requireNonNull(id, "id");
        requireNonNull(vmId, "vmId");
        requireNonNull(vmName, "vmName");
        requireNonNull(type, "type");
        requireNonNull(creationTime, "creationTime");
    }

    /** The name Hyper-V gives the point, e.g. {@code "web-01 - Standard Replica - (2024-03-01T10:00:00Z)"}. */
    public String name() {
        String kind = type == SnapshotType.AppConsistentReplica ? "Application-consistent Replica" : "Standard Replica";
        return vmName + " - " + kind + " - (" + creationTime + ")";
    }
}
