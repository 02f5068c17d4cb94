package dev.secondsite.core.protection;

import static dev.secondsite.core.protection.ProtectionFixtures.GOLD;
import static dev.secondsite.core.protection.ProtectionFixtures.SILVER;
import static dev.secondsite.core.protection.ProtectionFixtures.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.Rule;
import dev.secondsite.core.inventory.CloudRef;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CloudPairingTest {

    @Test
    @DisplayName("C2 a pairing names the primary cloud, the target server and the target cloud")
    void names() {
        CloudPairing p = CloudPairing.of(GOLD, "vmm-b", "Silver", ReplicationSettings.defaults());
        assertEquals(GOLD, p.primary());
        assertEquals("vmm-b", p.targetServerId());
        assertEquals(SILVER, p.target());
        assertFalse(p.isSingleServer());
        assertEquals("pairing vmm-a/Gold -> vmm-b/Silver", p.subject());
        assertRefused(Rule.C2, () -> CloudPairing.of(GOLD, " ", "Silver", ReplicationSettings.defaults()));
        assertRefused(Rule.C2, () -> CloudPairing.of(GOLD, "vmm-b", null, ReplicationSettings.defaults()));
        assertRefused(Rule.C2, () -> new CloudPairing(null, SILVER, ReplicationSettings.defaults()));
        assertRefused(Rule.C2, () -> new CloudPairing(GOLD, SILVER, null));
    }

    @Test
    @DisplayName("C3 a cloud cannot be paired with itself")
    void notItself() {
        assertRefused(Rule.C3, () -> CloudPairing.of(GOLD, GOLD.serverId(), GOLD.cloud(),
                ReplicationSettings.defaults()));
        CloudPairing single = new CloudPairing(GOLD, new CloudRef("vmm-a", "Bronze"), ReplicationSettings.defaults());
        assertTrue(single.isSingleServer());
    }

    @Test
    @DisplayName("C12 only the settings of a pairing can be replaced")
    void withSettings() {
        CloudPairing p = new CloudPairing(GOLD, SILVER, ReplicationSettings.defaults());
        ReplicationSettings other = ReplicationSettings.builder().compression(false).build();
        CloudPairing edited = p.withSettings(other);
        assertEquals(other, edited.settings());
        assertEquals(p.primary(), edited.primary());
        assertEquals(p.target(), edited.target());
    }
}
