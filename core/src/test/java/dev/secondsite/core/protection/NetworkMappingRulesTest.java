package dev.secondsite.core.protection;

import static dev.secondsite.core.protection.ProtectionFixtures.BRONZE;
import static dev.secondsite.core.protection.ProtectionFixtures.COPPER;
import static dev.secondsite.core.protection.ProtectionFixtures.DB;
import static dev.secondsite.core.protection.ProtectionFixtures.GOLD;
import static dev.secondsite.core.protection.ProtectionFixtures.LAB;
import static dev.secondsite.core.protection.ProtectionFixtures.PRIMARY;
import static dev.secondsite.core.protection.ProtectionFixtures.RECOVERY;
import static dev.secondsite.core.protection.ProtectionFixtures.WEB;
import static dev.secondsite.core.protection.ProtectionFixtures.assertRefused;
import static dev.secondsite.core.protection.ProtectionFixtures.citing;
import static dev.secondsite.core.protection.ProtectionFixtures.corpToCorpDr;
import static dev.secondsite.core.protection.ProtectionFixtures.edit;
import static dev.secondsite.core.protection.ProtectionFixtures.paired;
import static dev.secondsite.core.protection.ProtectionFixtures.primarySite;
import static dev.secondsite.core.protection.ProtectionFixtures.protectedVms;
import static dev.secondsite.core.protection.ProtectionFixtures.recoverySite;
import static dev.secondsite.core.protection.ProtectionFixtures.run;
import static dev.secondsite.core.protection.ProtectionFixtures.sites;
import static dev.secondsite.core.protection.ProtectionOperation.COMMIT;
import static dev.secondsite.core.protection.ProtectionOperation.COMPLETE_FAILOVER;
import static dev.secondsite.core.protection.ProtectionOperation.FINISH_REVERSE_REPLICATION;
import static dev.secondsite.core.protection.ProtectionOperation.PLANNED_FAILOVER;
import static dev.secondsite.core.protection.ProtectionOperation.REVERSE_REPLICATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.Finding;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.ValidationReport;
import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.VmNetwork;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Network mappings (section 4) on a {@link ProtectionConfiguration}. */
class NetworkMappingRulesTest {
    private final Map<String, Site> sites = sites();

    @Test
    @DisplayName("N1 a VM network of the primary server maps to a VM network of the target server")
    void map() {
        MappingChange change = paired().mapNetwork(corpToCorpDr(), sites);
        assertEquals(List.of(corpToCorpDr()), change.configuration().networkMappings());
        assertEquals(Optional.of(corpToCorpDr()), change.configuration().networkMapping(PRIMARY, "Corp"));
        assertEquals(ValidationReport.empty(), change.report());
    }

    @Test
    @DisplayName("N1 both networks must exist on their servers")
    void networksExist() {
        InvalidConfigurationException e = assertRefused(Rule.N1, () -> paired().mapNetwork(
                new NetworkMapping(PRIMARY, "Nowhere", RECOVERY, "Corp-DR"), sites));
        assertEquals("sourceNetwork", citing(e, Rule.N1).get(0).field());
        e = assertRefused(Rule.N1, () -> paired().mapNetwork(
                new NetworkMapping(PRIMARY, "Corp", RECOVERY, "Corp"), sites));
        assertEquals("targetNetwork", citing(e, Rule.N1).get(0).field());
        assertRefused(Rule.N1, () -> paired().mapNetwork(
                new NetworkMapping(PRIMARY, "Corp", "vmm-x", "Corp-DR"), sites));
    }

    @Test
    @DisplayName("N1 a source network maps to at most one target network; mapping it again the same way is a no-op")
    void oneTargetPerSource() {
        ProtectionConfiguration c = paired().mapNetwork(corpToCorpDr(), sites).configuration();
        Site twoTargets = recoverySite().toBuilder().vmNetwork(new VmNetwork("Corp-DR2", "LN-DR")).build();
        InvalidConfigurationException e = assertRefused(Rule.N1, () -> c.mapNetwork(
                new NetworkMapping(PRIMARY, "Corp", RECOVERY, "Corp-DR2"), sites(primarySite(), twoTargets)));
        assertTrue(e.getMessage().contains("remap it instead"), e.getMessage());
        assertSame(c, c.mapNetwork(corpToCorpDr(), sites).configuration());
    }

    @Test
    @DisplayName("N2 the target network must be linked to a logical network associated with a paired target cloud")
    void linkedToTargetCloud() {
        // Isolated is on LN-Iso, which neither Silver nor Copper is associated with
        InvalidConfigurationException e = assertRefused(Rule.N2, () -> paired().mapNetwork(
                new NetworkMapping(PRIMARY, "Corp", RECOVERY, "Isolated"), sites));
        assertTrue(e.getMessage().contains("LN-Iso"), e.getMessage());
        // no pairing from vmm-b to vmm-a: nothing to map for
        assertRefused(Rule.N2, () -> paired().mapNetwork(
                new NetworkMapping(RECOVERY, "Corp-DR", PRIMARY, "Corp"), sites));
        assertRefused(Rule.N2, () -> ProtectionConfiguration.empty().mapNetwork(corpToCorpDr(), sites));
    }

    @Test
    @DisplayName("N2 a warning names each target cloud served by the source network that cannot use the target")
    void notAvailableToEveryCloud() {
        Site copperIsolated = edit(recoverySite()).cloud("Copper", c -> new Cloud(c.name(), c.capabilityProfiles(),
                c.hostGroups(), Set.of("LN-Iso"))).build();
        Map<String, Site> s = sites(primarySite(), copperIsolated);
        ProtectionConfiguration c = paired().pair(new CloudPairing(BRONZE, COPPER, ReplicationSettings.defaults()), s)
                .configuration();
        MappingChange change = c.mapNetwork(corpToCorpDr(), s);
        List<Finding> n2 = citing(change.report(), Rule.N2);
        assertEquals(1, n2.size(), change.report()::toString);
        assertTrue(n2.get(0).message().contains("target cloud vmm-b/Copper"), n2.get(0).message());
        assertFalse(change.report().hasErrors());
    }

    @Test
    @DisplayName("N3 a protected VM on an unmapped network is reported as failing over disconnected")
    void disconnected() {
        ProtectionConfiguration c = ProtectionFixtures.protectAndFinalize(paired(), GOLD, WEB, sites);
        ValidationReport report = c.disconnectedVms(GOLD, sites);
        List<Finding> n3 = citing(report, Rule.N3);
        assertEquals(1, n3.size());
        assertEquals("VM web-01 (vm-web)", n3.get(0).subject());
        assertEquals("Corp", n3.get(0).value());
        assertFalse(report.hasErrors());
        ProtectionConfiguration mappedToo = c.mapNetwork(corpToCorpDr(), sites).configuration();
        assertEquals(ValidationReport.empty(), mappedToo.disconnectedVms(List.of(WEB), sites));
        assertTrue(mappedToo.disconnectedVms(List.of("vm-unknown"), sites).hasErrors());
    }

    @Test
    @DisplayName("N3 protecting a VM on an unmapped network warns that it would fail over disconnected")
    void protectWarns() {
        ConfigurationChange change = ProtectionFixtures.mapped().protect(GOLD, LAB, ProtectionOrigin.VAULT, sites);
        List<Finding> n3 = citing(change.report(), Rule.N3);
        assertEquals(1, n3.size());
        assertTrue(n3.get(0).message().contains("vmNetwork (Lab) of adapter nic0 has no mapping to server vmm-b"),
                n3.get(0).message());
    }

    @Test
    @DisplayName("N3 after reverse replication the check is a failback's: the mapping is used the other way")
    void failbackDirection() {
        ProtectionConfiguration c = run(protectedVms(), WEB, PLANNED_FAILOVER, COMPLETE_FAILOVER, COMMIT,
                REVERSE_REPLICATE, FINISH_REVERSE_REPLICATION);
        Site replicaRuns = recoverySite().toBuilder()
                .vm(ProtectionFixtures.vm(WEB, "web-01", "hv-b1", "Corp-DR", "DR-Storage")).build();
        assertEquals(ValidationReport.empty(), c.disconnectedVms(List.of(WEB), sites(primarySite(), replicaRuns)));
        assertEquals(Optional.of("Corp"), c.targetNetworkFor(RECOVERY, "Corp-DR", PRIMARY));
        Site onIsolated = recoverySite().toBuilder()
                .vm(ProtectionFixtures.vm(WEB, "web-01", "hv-b1", "Isolated", "DR-Storage")).build();
        assertTrue(c.disconnectedVms(List.of(WEB), sites(primarySite(), onIsolated)).cites(Rule.N3));
    }

    @Test
    @DisplayName("N4 changing a mapping names the protected VMs whose replicas are reconnected to the new network")
    void remap() {
        Site twoTargets = recoverySite().toBuilder().vmNetwork(new VmNetwork("Corp-DR2", "LN-DR")).build();
        Map<String, Site> s = sites(primarySite(), twoTargets);
        ProtectionConfiguration c = ProtectionFixtures.protectAndFinalize(protectedVms(), GOLD, LAB, s);
        MappingChange change = c.remapNetwork(new NetworkMapping(PRIMARY, "Corp", RECOVERY, "Corp-DR2"), s);
        assertEquals(List.of(WEB, DB), change.affectedVmIds());
        assertEquals(Optional.of("Corp-DR2"), change.configuration().targetNetworkFor(PRIMARY, "Corp", RECOVERY));
        assertEquals(Optional.of("Corp-DR"), c.targetNetworkFor(PRIMARY, "Corp", RECOVERY));
        assertRefused(Rule.INPUT, () -> c.remapNetwork(new NetworkMapping(PRIMARY, "Lab", RECOVERY, "Corp-DR"), s));
    }

    @Test
    @DisplayName("N4 removing a mapping names the affected VMs and reports them disconnected from now on")
    void unmap() {
        ProtectionConfiguration c = protectedVms();
        MappingChange change = c.unmapNetwork(PRIMARY, "Corp", sites);
        assertEquals(List.of(WEB, DB), change.affectedVmIds());
        assertTrue(change.configuration().networkMappings().isEmpty());
        assertEquals(2, citing(change.report(), Rule.N3).size());
        assertEquals(Optional.empty(), change.configuration().targetNetworkFor(PRIMARY, "Corp", RECOVERY));
        assertRefused(Rule.INPUT, () -> change.configuration().unmapNetwork(PRIMARY, "Corp", sites));
    }
}
