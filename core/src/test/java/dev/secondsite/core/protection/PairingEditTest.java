package dev.secondsite.core.protection;

import static dev.secondsite.core.protection.ProtectionFixtures.BRONZE;
import static dev.secondsite.core.protection.ProtectionFixtures.COPPER;
import static dev.secondsite.core.protection.ProtectionFixtures.DB;
import static dev.secondsite.core.protection.ProtectionFixtures.GOLD;
import static dev.secondsite.core.protection.ProtectionFixtures.SILVER;
import static dev.secondsite.core.protection.ProtectionFixtures.WEB;
import static dev.secondsite.core.protection.ProtectionFixtures.assertRefused;
import static dev.secondsite.core.protection.ProtectionFixtures.citing;
import static dev.secondsite.core.protection.ProtectionFixtures.edit;
import static dev.secondsite.core.protection.ProtectionFixtures.paired;
import static dev.secondsite.core.protection.ProtectionFixtures.primarySite;
import static dev.secondsite.core.protection.ProtectionFixtures.protectedVms;
import static dev.secondsite.core.protection.ProtectionFixtures.recoverySite;
import static dev.secondsite.core.protection.ProtectionFixtures.sites;
import static dev.secondsite.core.protection.ProtectionFixtures.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.WindowsServerVersion;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Editing and removing pairings. */
class PairingEditTest {
    private final Map<String, Site> sites = sites();

    @Test
    @DisplayName("C12 the settings of a pairing can be edited later")
    void editSettings() {
        ReplicationSettings kerberos = ReplicationSettings.builder().authentication(Authentication.KERBEROS).build();
        ConfigurationChange change = paired().editPairing(new CloudPairing(GOLD, SILVER, kerberos), sites);
        assertEquals(kerberos, change.configuration().pairing(GOLD).orElseThrow().settings());
    }

    @Test
    @DisplayName("C12 edited settings are checked again against the hosts (C5 on a Windows Server 2012 host)")
    void editRevalidates() {
        Site older = edit(recoverySite()).host("hv-b1", version(WindowsServerVersion.WS2012)).build();
        Map<String, Site> s = sites(primarySite(), older);
        ProtectionConfiguration c = paired();
        ReplicationSettings twenty = ReplicationSettings.builder().additionalRecoveryPoints(20).build();
        assertRefused(Rule.C5, () -> c.editPairing(new CloudPairing(GOLD, SILVER, twenty), s));
        assertEquals(ReplicationSettings.defaults(), c.pairing(GOLD).orElseThrow().settings());
    }

    @Test
    @DisplayName("C12 the target server or the target cloud cannot be edited: remove the pairing and pair again")
    void targetCannotChange() {
        ProtectionConfiguration c = paired();
        InvalidConfigurationException e = assertRefused(Rule.C12, () -> c.editPairing(
                new CloudPairing(GOLD, COPPER, ReplicationSettings.defaults()), sites));
        assertEquals("targetCloud", citing(e, Rule.C12).get(0).field());
        assertTrue(e.getMessage().contains("cannot be changed from Silver"), e.getMessage());
        e = assertRefused(Rule.C12, () -> c.editPairing(
                new CloudPairing(GOLD, BRONZE, ReplicationSettings.defaults()), sites));
        assertEquals("targetServerId", citing(e, Rule.C12).get(0).field());
        assertRefused(Rule.INPUT, () -> c.editPairing(
                new CloudPairing(BRONZE, COPPER, ReplicationSettings.defaults()), sites));
    }

    @Test
    @DisplayName("E4 a pairing cannot be removed while it has protected VMs, which are named")
    void unpairWithProtectedVms() {
        ProtectionConfiguration c = protectedVms();
        InvalidConfigurationException e = assertRefused(Rule.E4, () -> c.unpair(GOLD));
        assertTrue(e.getMessage().contains("VM db-01 (vm-db), VM web-01 (vm-web)"), "named, by VM id: "
                + e.getMessage());
        ProtectionConfiguration none = c.disableProtection(WEB).configuration().disableProtection(DB)
                .configuration();
        assertTrue(none.unpair(GOLD).configuration().pairings().isEmpty());
    }

    @Test
    @DisplayName("C3 removing a pairing frees both its clouds for other pairings")
    void unpairFreesClouds() {
        ProtectionConfiguration c = paired().unpair(GOLD).configuration();
        assertTrue(c.pairingUsing(SILVER).isEmpty());
        c.pair(new CloudPairing(BRONZE, SILVER, ReplicationSettings.defaults()), sites);
        c.pair(new CloudPairing(new CloudRef("vmm-b", "Silver"), GOLD, ReplicationSettings.defaults()),
                sites(primarySite(), recoverySite()));
        assertRefused(Rule.INPUT, () -> c.unpair(GOLD));
        assertEquals(List.of(), c.pairings());
    }
}
