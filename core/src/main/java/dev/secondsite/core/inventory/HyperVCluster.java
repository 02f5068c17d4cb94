package dev.secondsite.core.inventory;

import dev.secondsite.core.internal.Checks;
import javax.annotation.Nullable;

/**
 * A Hyper-V failover cluster. A cluster with a static IP address needs its Hyper-V Replica Broker configured by
 * hand (P6); until then {@link #replicaBroker()} is null and checks report it as "replica broker missing".
 *
 * @param name unique on its server
 * @param staticIp whether the cluster uses a static IP address
 * @param replicaBroker the replica broker's client access point name, or null when none is configured
 */
public record HyperVCluster(String name, boolean staticIp, @Nullable String replicaBroker) {
    public HyperVCluster {
        Checks.text("cluster", "name", name);
    }

    /** P6: true when the cluster needs a replica broker that is not there. */
    public boolean replicaBrokerMissing() {
        return staticIp && (replicaBroker == null || replicaBroker.isBlank());
    }
}
