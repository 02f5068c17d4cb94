package dev.secondsite.core.protection;

import static dev.secondsite.core.protection.ProtectionFixtures.BRONZE;
import static dev.secondsite.core.protection.ProtectionFixtures.COPPER;
import static dev.secondsite.core.protection.ProtectionFixtures.DB;
import static dev.secondsite.core.protection.ProtectionFixtures.GOLD;
import static dev.secondsite.core.protection.ProtectionFixtures.SILVER;
import static dev.secondsite.core.protection.ProtectionFixtures.WEB;
import static dev.secondsite.core.protection.ProtectionFixtures.citing;
import static dev.secondsite.core.protection.ProtectionFixtures.edit;
import static dev.secondsite.core.protection.ProtectionFixtures.primarySite;
import static dev.secondsite.core.protection.ProtectionFixtures.protectedVms;
import static dev.secondsite.core.protection.ProtectionFixtures.recoverySite;
import static dev.secondsite.core.protection.ProtectionFixtures.run;
import static dev.secondsite.core.protection.ProtectionFixtures.sites;
import static dev.secondsite.core.protection.ProtectionFixtures.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.Finding;
import dev.secondsite.core.Rule;
import dev.secondsite.core.ValidationReport;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.WindowsServerVersion;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link ProtectionConfiguration#validate}: the whole configuration against a re-synced inventory. */
class ValidateTest {

    @Test
    @DisplayName("C1 a consistent configuration validates clean")
    void clean() {
        assertEquals(ValidationReport.empty(), protectedVms().validate(sites()));
    }

    @Test
    @DisplayName("C1 a cloud that vanished on re-sync is reported, and the vault finds the pairing that used it")
    void cloudVanished() {
        Site noSilver = edit(recoverySite()).removeClouds(c -> c.name().equals("Silver")).build();
        ProtectionConfiguration c = protectedVms();
        ValidationReport report = c.validate(sites(primarySite(), noSilver));
        List<Finding> c1 = citing(report, Rule.C1);
        assertEquals(1, c1.size(), report::toString);
        assertEquals("pairing vmm-a/Gold -> vmm-b/Silver", c1.get(0).subject());
        assertEquals(GOLD, c.pairingUsing(SILVER).orElseThrow().primary());
        assertTrue(citing(c.validate(sites(primarySite())), Rule.C1).size() >= 1, "server gone");
    }

    @Test
    @DisplayName("C5 a host downgraded to Windows Server 2012 breaks a pairing keeping 20 recovery points")
    void hostChanged() {
        ReplicationSettings twenty = ReplicationSettings.builder().additionalRecoveryPoints(20).build();
        ProtectionConfiguration c = ProtectionConfiguration.empty()
                .pair(ProtectionFixtures.goldToSilver(twenty), sites()).configuration();
        assertFalse(c.validate(sites()).hasErrors());
        Site older = edit(recoverySite()).host("hv-b2", version(WindowsServerVersion.WS2012)).build();
        assertTrue(c.validate(sites(primarySite(), older)).cites(Rule.C5));
    }

    @Test
    @DisplayName("E1 a protected VM that left the inventory or its cloud is reported")
    void vmMoved() {
        ProtectionConfiguration c = protectedVms();
        Site gone = edit(primarySite()).removeVm(WEB).build();
        List<Finding> e1 = citing(c.validate(sites(gone, recoverySite())), Rule.E1);
        assertEquals(1, e1.size());
        assertEquals("VM web-01 (vm-web)", e1.get(0).subject());
        Site moved = edit(primarySite()).vm(DB, v -> v.toBuilder().host("hv-a3").build()).build();
        assertEquals("hv-a3", citing(c.validate(sites(moved, recoverySite())), Rule.E1).get(0).value());
    }

    @Test
    @DisplayName("E1 after failover a VM is looked for on the recovery side")
    void afterFailover() {
        ProtectionConfiguration c = run(protectedVms(), WEB, ProtectionOperation.PLANNED_FAILOVER,
                ProtectionOperation.COMPLETE_FAILOVER);
        assertTrue(c.validate(sites()).cites(Rule.E1), "not yet synced on vmm-b");
        Site replicaRuns = recoverySite().toBuilder()
                .vm(ProtectionFixtures.vm(WEB, "web-01", "hv-b2", "Corp-DR", "DR-Storage")).build();
        assertEquals(ValidationReport.empty(), c.validate(sites(primarySite(), replicaRuns)));
    }

    @Test
    @DisplayName("N2 a mapping left without a pairing between its servers is reported as unused")
    void unusedMapping() {
        ProtectionConfiguration c = protectedVms().disableProtection(WEB).configuration().disableProtection(DB)
                .configuration().unpair(GOLD).configuration();
        ValidationReport report = c.validate(sites());
        assertTrue(citing(report, Rule.N2).stream().allMatch(f -> !f.isError()));
        assertEquals(1, citing(report, Rule.N2).size());
        assertEquals(1, citing(report, Rule.S1).size());
        assertFalse(report.hasErrors(), report::toString);
    }

    @Test
    @DisplayName("S1 a classification removed on re-sync breaks its storage mapping")
    void classificationGone() {
        Site noDrStorage = recoverySite();
        Site.Builder b = Site.builder(noDrStorage.id(), noDrStorage.name());
        noDrStorage.hostGroups().forEach(b::hostGroup);
        noDrStorage.logicalNetworks().forEach(b::logicalNetwork);
        noDrStorage.clouds().forEach(b::cloud);
        noDrStorage.hosts().forEach(b::host);
        noDrStorage.vmNetworks().forEach(b::vmNetwork);
        ValidationReport report = protectedVms().validate(sites(primarySite(), b.build()));
        assertEquals("targetClassification", citing(report, Rule.S1).get(0).field());
        assertTrue(report.hasErrors());
    }

    @Test
    @DisplayName("P5 a host with VMs in no cloud is reported once per primary server")
    void strayHostOncePerServer() {
        Site stray = ProtectionFixtures.primarySiteWithStrayHost();
        ProtectionConfiguration c = protectedVms()
                .pair(new CloudPairing(BRONZE, COPPER, ReplicationSettings.defaults()), sites()).configuration();
        assertEquals(1, citing(c.validate(sites(stray, recoverySite())), Rule.P5).size());
    }
}
