package dev.secondsite.core.protection;

import static dev.secondsite.core.protection.ProtectionFixtures.BRONZE;
import static dev.secondsite.core.protection.ProtectionFixtures.COPPER;
import static dev.secondsite.core.protection.ProtectionFixtures.GOLD;
import static dev.secondsite.core.protection.ProtectionFixtures.PRIMARY;
import static dev.secondsite.core.protection.ProtectionFixtures.RECOVERY;
import static dev.secondsite.core.protection.ProtectionFixtures.SILVER;
import static dev.secondsite.core.protection.ProtectionFixtures.assertRefused;
import static dev.secondsite.core.protection.ProtectionFixtures.citing;
import static dev.secondsite.core.protection.ProtectionFixtures.edit;
import static dev.secondsite.core.protection.ProtectionFixtures.goldToSilver;
import static dev.secondsite.core.protection.ProtectionFixtures.inCluster;
import static dev.secondsite.core.protection.ProtectionFixtures.primarySite;
import static dev.secondsite.core.protection.ProtectionFixtures.recoverySite;
import static dev.secondsite.core.protection.ProtectionFixtures.sites;
import static dev.secondsite.core.protection.ProtectionFixtures.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.Finding;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.ValidationReport;
import dev.secondsite.core.inventory.CapabilityProfile;
import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.HostGroup;
import dev.secondsite.core.inventory.HyperVCluster;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.VmmVersion;
import dev.secondsite.core.inventory.WindowsServerVersion;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link ProtectionConfiguration#pair}: the prerequisites of section 1 and the pairing rules of section 3. */
class PairingRulesTest {
    private final ProtectionConfiguration empty = ProtectionConfiguration.empty();

    private static ReplicationSettings.Builder settings() {
        return ReplicationSettings.builder();
    }

    @Test
    @DisplayName("C2 a valid pairing is accepted without findings and can be looked up")
    void accepted() {
        ConfigurationChange change = empty.pair(goldToSilver(), sites());
        assertEquals(ValidationReport.empty(), change.report());
        assertEquals(List.of(goldToSilver()), change.configuration().pairings());
        assertEquals(goldToSilver(), change.configuration().pairing(GOLD).orElseThrow());
    }

    @Test
    @DisplayName("P1 both VMM servers must run System Center 2012 SP1 or later")
    void vmmVersion() {
        Site oldPrimary = edit(primarySite()).vmmVersion(VmmVersion.SC2012).build();
        InvalidConfigurationException e = assertRefused(Rule.P1,
                () -> empty.pair(goldToSilver(), sites(oldPrimary, recoverySite())));
        assertEquals("server vmm-a", citing(e, Rule.P1).get(0).subject());
        Site oldTarget = edit(recoverySite()).vmmVersion(VmmVersion.SC2012).build();
        assertRefused(Rule.P1, () -> empty.pair(goldToSilver(), sites(primarySite(), oldTarget)));
        Site sp1 = edit(recoverySite()).vmmVersion(VmmVersion.SC2012_SP1).build();
        empty.pair(goldToSilver(), sites(primarySite(), sp1));
    }

    @Test
    @DisplayName("P2 protection with a single VMM server pairs two of its clouds")
    void singleServer() {
        ConfigurationChange change = empty.pair(new CloudPairing(GOLD, BRONZE, ReplicationSettings.defaults()),
                sites());
        assertTrue(change.configuration().pairing(GOLD).orElseThrow().isSingleServer());
    }

    @Test
    @DisplayName("P2 a single VMM server with only one cloud cannot protect")
    void singleServerOneCloud() {
        Site oneCloud = edit(primarySite()).removeClouds(c -> c.name().equals("Bronze")).build();
        InvalidConfigurationException e = assertRefused(Rule.P2, () -> empty.pair(
                new CloudPairing(GOLD, BRONZE, ReplicationSettings.defaults()), sites(oneCloud)));
        assertEquals("1", citing(e, Rule.P2).get(0).value());
    }

    @Test
    @DisplayName("P2 with two VMM servers each needs at least one cloud")
    void twoServersNeedClouds() {
        Site noClouds = edit(recoverySite()).removeClouds(c -> true).build();
        InvalidConfigurationException e = assertRefused(Rule.P2,
                () -> empty.pair(goldToSilver(), sites(primarySite(), noClouds)));
        assertEquals("server vmm-b", citing(e, Rule.P2).get(0).subject());
    }

    @Test
    @DisplayName("P3 both clouds need the Hyper-V capability profile")
    void capabilityProfile() {
        Site esx = edit(recoverySite()).cloud("Silver", c -> new Cloud(c.name(), Set.of(CapabilityProfile.ESX_SERVER),
                c.hostGroups(), c.logicalNetworks())).build();
        InvalidConfigurationException e = assertRefused(Rule.P3,
                () -> empty.pair(goldToSilver(), sites(primarySite(), esx)));
        assertEquals("cloud vmm-b/Silver", citing(e, Rule.P3).get(0).subject());
        Site esxPrimary = edit(primarySite()).cloud("Gold", c -> new Cloud(c.name(), Set.of(),
                c.hostGroups(), c.logicalNetworks())).build();
        assertRefused(Rule.P3, () -> empty.pair(goldToSilver(), sites(esxPrimary, recoverySite())));
    }

    @Test
    @DisplayName("P4 a primary cloud must contain at least one host group")
    void hostGroup() {
        Site noGroups = edit(primarySite()).cloud("Gold", c -> new Cloud(c.name(), c.capabilityProfiles(), List.of(),
                c.logicalNetworks())).build();
        assertRefused(Rule.P4, () -> empty.pair(goldToSilver(), sites(noGroups, recoverySite())));
    }

    @Test
    @DisplayName("P5 hosts of the primary and target clouds run Windows Server 2012 or later with the Hyper-V role")
    void hostPrerequisites() {
        Site old = edit(primarySite()).host("hv-a2", version(WindowsServerVersion.WS2008_R2)).build();
        InvalidConfigurationException e = assertRefused(Rule.P5,
                () -> empty.pair(goldToSilver(), sites(old, recoverySite())));
        Finding f = citing(e, Rule.P5).get(0);
        assertEquals("host vmm-a/hv-a2", f.subject());
        assertEquals("WS2008_R2", f.value());
        Site noRole = edit(recoverySite()).host("hv-b2",
                h -> new Host(h.name(), h.windowsServerVersion(), h.hostGroup(), false, null)).build();
        e = assertRefused(Rule.P5, () -> empty.pair(goldToSilver(), sites(primarySite(), noRole)));
        assertEquals("hyperVRole", citing(e, Rule.P5).get(0).field());
    }

    @Test
    @DisplayName("P5 a target cloud without any Hyper-V host is refused")
    void cloudWithoutHosts() {
        Site empty = edit(recoverySite()).removeClouds(c -> c.name().equals("Silver")).build();
        Site withEmptyCloud = empty.toBuilder().hostGroup(HostGroup.of("HG-Empty"))
                .cloud(Cloud.hyperV("Silver", List.of("HG-Empty"), List.of("LN-DR"))).build();
        assertRefused(Rule.P5, () -> this.empty.pair(goldToSilver(), sites(primarySite(), withEmptyCloud)));
    }

    @Test
    @DisplayName("P5 a host of the primary server with VMs but in no cloud is reported")
    void hostOutsideClouds() {
        Site stray = ProtectionFixtures.primarySiteWithStrayHost();
        ValidationReport report = empty.pair(goldToSilver(), sites(stray, recoverySite())).report();
        List<Finding> p5 = citing(report, Rule.P5);
        assertEquals(1, p5.size(), report::toString);
        assertEquals("host vmm-a/hv-stray", p5.get(0).subject());
        assertFalse(report.hasErrors());
    }

    @Test
    @DisplayName("P6 a static-IP cluster without replica broker is reported as a warning at pairing time")
    void replicaBroker() {
        Site clustered = edit(recoverySite()).addCluster(new HyperVCluster("CL-B", true, null))
                .host("hv-b1", inCluster("CL-B")).host("hv-b2", inCluster("CL-B")).build();
        ConfigurationChange change = empty.pair(goldToSilver(), sites(primarySite(), clustered));
        List<Finding> p6 = citing(change.report(), Rule.P6);
        assertEquals(1, p6.size(), "one finding per cluster, not per node");
        assertEquals("cluster vmm-b/CL-B", p6.get(0).subject());
        assertTrue(p6.get(0).message().contains("replicaBroker (missing)"));
        assertFalse(change.report().hasErrors());
        Site brokered = edit(recoverySite()).addCluster(new HyperVCluster("CL-B", true, "broker-b"))
                .host("hv-b1", inCluster("CL-B")).build();
        assertFalse(empty.pair(goldToSilver(), sites(primarySite(), brokered)).report().cites(Rule.P6));
    }

    @Test
    @DisplayName("C1 only synced clouds of registered servers can be paired")
    void synced() {
        InvalidConfigurationException e = assertRefused(Rule.C1, () -> empty.pair(
                new CloudPairing(GOLD, new CloudRef(RECOVERY, "Platinum"), ReplicationSettings.defaults()),
                sites()));
        assertEquals("target", citing(e, Rule.C1).get(0).field());
        e = assertRefused(Rule.C1, () -> empty.pair(goldToSilver(), sites(primarySite())));
        assertEquals("vmm-b", citing(e, Rule.C1).get(0).value());
    }

    @Test
    @DisplayName("C3 a cloud belongs to at most one pairing, as primary or as target, never both")
    void oneCloudOnePairing() {
        ProtectionConfiguration paired = empty.pair(goldToSilver(), sites()).configuration();
        // Silver as a primary
        InvalidConfigurationException e = assertRefused(Rule.C3, () -> paired.pair(
                new CloudPairing(SILVER, COPPER, ReplicationSettings.defaults()), sites()));
        assertTrue(e.getMessage().contains("is the target cloud of pairing vmm-a/Gold -> vmm-b/Silver"),
                e.getMessage());
        // Gold as a target, Gold again as a primary, Silver again as a target
        assertRefused(Rule.C3, () -> paired.pair(new CloudPairing(BRONZE, GOLD, ReplicationSettings.defaults()),
                sites()));
        assertRefused(Rule.C3, () -> paired.pair(new CloudPairing(GOLD, COPPER, ReplicationSettings.defaults()),
                sites()));
        assertRefused(Rule.C3, () -> paired.pair(new CloudPairing(BRONZE, SILVER, ReplicationSettings.defaults()),
                sites()));
        // two other clouds are fine
        paired.pair(new CloudPairing(BRONZE, COPPER, ReplicationSettings.defaults()), sites());
    }

    @Test
    @DisplayName("C4 hosts older than 2012 R2 are named with their effective 5-minute frequency")
    void effectiveFrequencyWarning() {
        Site older = edit(recoverySite()).host("hv-b2", version(WindowsServerVersion.WS2012)).build();
        ReplicationSettings fast = settings().copyFrequency(CopyFrequency.THIRTY_SECONDS).build();
        ConfigurationChange change = empty.pair(goldToSilver(fast), sites(primarySite(), older));
        List<Finding> c4 = citing(change.report(), Rule.C4);
        assertEquals(1, c4.size());
        assertTrue(c4.get(0).message().contains("vmm-b/hv-b2"), c4.get(0).message());
        assertTrue(c4.get(0).message().contains("300 seconds (5 min)"), c4.get(0).message());
        assertFalse(c4.get(0).message().contains("hv-b1"));
        // at 5 minutes the setting is what every host does: nothing to report
        assertFalse(empty.pair(goldToSilver(), sites(primarySite(), older)).report().cites(Rule.C4));
    }

    @Test
    @DisplayName("C5 more than 15 recovery points are refused when a host of either cloud runs Windows Server 2012")
    void recoveryPointsOnWs2012() {
        Site older = edit(primarySite()).host("hv-a1", version(WindowsServerVersion.WS2012)).build();
        ReplicationSettings sixteen = settings().additionalRecoveryPoints(16).build();
        InvalidConfigurationException e = assertRefused(Rule.C5,
                () -> empty.pair(goldToSilver(sixteen), sites(older, recoverySite())));
        assertTrue(e.getMessage().contains("vmm-a/hv-a1"), e.getMessage());
        empty.pair(goldToSilver(settings().additionalRecoveryPoints(15).build()), sites(older, recoverySite()));
        empty.pair(goldToSilver(settings().additionalRecoveryPoints(24).build()), sites());
    }

    @Test
    @DisplayName("O1 an offline path on a Hyper-V host of either cloud is refused (loopback)")
    void offlinePathOnReplicatingHost() {
        ReplicationSettings onTargetHost = settings()
                .initialReplication(InitialReplication.offline("\\\\files\\export", "\\\\HV-B1.contoso.local\\import"))
                .build();
        InvalidConfigurationException e = assertRefused(Rule.O1,
                () -> empty.pair(goldToSilver(onTargetHost), sites()));
        assertEquals("initialReplication.importPath", citing(e, Rule.O1).get(0).field());
        assertTrue(e.getMessage().contains("vmm-b/hv-b1"));
        ReplicationSettings onPrimaryHost = settings()
                .initialReplication(InitialReplication.offline("\\\\hv-a2\\export", "E:\\import")).build();
        assertRefused(Rule.O1, () -> empty.pair(goldToSilver(onPrimaryHost), sites()));
    }

    @Test
    @DisplayName("O1 offline paths on other machines, or on hosts outside the pairing, are accepted")
    void offlinePathElsewhere() {
        ReplicationSettings elsewhere = settings()
                .initialReplication(InitialReplication.offline("\\\\files\\export", "D:\\import")).build();
        assertFalse(empty.pair(goldToSilver(elsewhere), sites()).report().hasErrors());
        // hv-a3 is in Bronze, not in Gold or Silver
        ReplicationSettings otherHost = settings()
                .initialReplication(InitialReplication.offline("\\\\hv-a3\\export", "D:\\import")).build();
        empty.pair(goldToSilver(otherHost), sites());
    }

    @Test
    @DisplayName("C1 every error is reported at once and a refused pairing changes nothing")
    void allErrorsAtOnce() {
        Site bad = edit(primarySite()).vmmVersion(VmmVersion.SC2012)
                .host("hv-a1", version(WindowsServerVersion.WS2008_R2)).build();
        ProtectionConfiguration before = empty;
        InvalidConfigurationException e = assertRefused(Rule.P1, () -> before.pair(
                new CloudPairing(GOLD, new CloudRef(RECOVERY, "Nowhere"), ReplicationSettings.defaults()),
                Map.of(PRIMARY, bad, RECOVERY, recoverySite())));
        Set<Rule> rules = Set.copyOf(e.errors().stream().map(Finding::rule).toList());
        assertEquals(Set.of(Rule.P1, Rule.P5, Rule.C1), rules);
        assertSame(ProtectionConfiguration.empty(), before);
        assertTrue(before.pairings().isEmpty());
    }
}
