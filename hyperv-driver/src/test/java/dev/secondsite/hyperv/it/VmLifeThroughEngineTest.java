package dev.secondsite.hyperv.it;

import static dev.secondsite.hyperv.it.TwoSites.HV01;
import static dev.secondsite.hyperv.it.TwoSites.WEB;
import static dev.secondsite.hyperv.it.TwoSites.WEB_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.secondsite.core.protection.ProtectionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The whole life of a VM through the core engine against two simulated sites (E1..E4, F1..F7). */
class VmLifeThroughEngineTest {
    private DrOnFabric dr;

    @AfterEach
    void close() {
        if (dr != null) {
            dr.close();
        }
    }

    @Test
    @DisplayName("E1 C10 enable with initial replication over the network now: PROTECTED, replicating to the replica host")
    void enableNow() {
        dr = new DrOnFabric().pairAndMap().protect(WEB_ID);
        assertEquals(ProtectionState.PROTECTED, dr.vm(WEB_ID).state());
        String replica = dr.replicaHost(WEB_ID);
        assertEquals(1, dr.count(HV01, "Enable-VMReplication", WEB));
        assertEquals(1, dr.count(HV01, "Start-VMInitialReplication", WEB));
        assertEquals("Replicating", dr.sites.state(HV01, WEB));
        assertEquals("Replicating", dr.sites.state(replica, WEB));
    }
}
