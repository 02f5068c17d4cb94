package dev.secondsite.core.job;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.internal.Checks;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.ProtectionOperation;
import dev.secondsite.core.protection.ProtectionOrigin;
import dev.secondsite.core.protection.StorageMapping;
import javax.annotation.Nullable;

/**
 * A change a job makes to the vault's configuration at one of its steps: save a pairing once its hosts are
 * configured (C12), save a mapping (N4), move a protected VM through its state machine. Jobs carry these as data so
 * that a job can be journaled and rebuilt from its events alone; {@link JobEffects} applies them.
 *
 * <p>Every implementation is an immutable record and thread-safe.
 */
public sealed interface ConfigChange {
    /** A short text for the job's task list. */
    String describe();

    record Pair(CloudPairing pairing) implements ConfigChange {
        public Pair {
            requireNonNull(pairing, "pairing");
        }

        @Override
        public String describe() {
            return "save pairing " + pairing.primary() + " -> " + pairing.target();
        }
    }

    record EditPairing(CloudPairing pairing) implements ConfigChange {
        public EditPairing {
            requireNonNull(pairing, "pairing");
        }

        @Override
        public String describe() {
            return "save settings of pairing " + pairing.primary();
        }
    }

    record Unpair(CloudRef primary) implements ConfigChange {
        public Unpair {
            requireNonNull(primary, "primary");
        }

        @Override
        public String describe() {
            return "remove pairing " + primary;
        }
    }

    record MapNetwork(NetworkMapping mapping) implements ConfigChange {
        public MapNetwork {
            requireNonNull(mapping, "mapping");
        }

        @Override
        public String describe() {
            return "save network mapping " + mapping;
        }
    }

    record UnmapNetwork(String serverId, String vmNetwork) implements ConfigChange {
        public UnmapNetwork {
            Checks.text("UnmapNetwork", "serverId", serverId);
            Checks.text("UnmapNetwork", "vmNetwork", vmNetwork);
        }

        @Override
        public String describe() {
            return "remove network mapping of " + serverId + "/" + vmNetwork;
        }
    }

    record MapStorage(StorageMapping mapping) implements ConfigChange {
        public MapStorage {
            requireNonNull(mapping, "mapping");
        }

        @Override
        public String describe() {
            return "save storage mapping " + mapping;
        }
    }

    record UnmapStorage(String serverId, String classification) implements ConfigChange {
        public UnmapStorage {
            Checks.text("UnmapStorage", "serverId", serverId);
            Checks.text("UnmapStorage", "classification", classification);
        }

        @Override
        public String describe() {
            return "remove storage mapping of " + serverId + "/" + classification;
        }
    }

    /** Records a VM as being protected (E1, E2), with the host chosen for its replica. */
    record Protect(CloudRef primaryCloud, String vmId, ProtectionOrigin origin, String replicaHost)
            implements ConfigChange {
        public Protect {
            requireNonNull(primaryCloud, "primaryCloud");
            Checks.text("Protect", "vmId", vmId);
            requireNonNull(origin, "origin");
            Checks.text("Protect", "replicaHost", replicaHost);
        }

        @Override
        public String describe() {
            return "record protection of " + vmId;
        }
    }

    /** Takes over an existing Hyper-V replica (E3). */
    record Onboard(CloudRef primaryCloud, String vmId) implements ConfigChange {
        public Onboard {
            requireNonNull(primaryCloud, "primaryCloud");
            Checks.text("Onboard", "vmId", vmId);
        }

        @Override
        public String describe() {
            return "take over replication of " + vmId;
        }
    }

    /** Removes a VM's protection (E4). */
    record Unprotect(String vmId) implements ConfigChange {
        public Unprotect {
            Checks.text("Unprotect", "vmId", vmId);
        }

        @Override
        public String describe() {
            return "remove protection of " + vmId;
        }
    }

    /** Moves a protected VM through its state machine (SPEC section 6). */
    record Transition(String vmId, ProtectionOperation operation, @Nullable String recoveryPoint)
            implements ConfigChange {
        public Transition {
            Checks.text("Transition", "vmId", vmId);
            requireNonNull(operation, "operation");
        }

        public Transition(String vmId, ProtectionOperation operation) {
            this(vmId, operation, null);
        }

        @Override
        public String describe() {
            return operation + " " + vmId;
        }
    }
}
