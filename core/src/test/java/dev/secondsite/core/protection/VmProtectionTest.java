package dev.secondsite.core.protection;

import static dev.secondsite.core.protection.ProtectionFixtures.BRONZE;
import static dev.secondsite.core.protection.ProtectionFixtures.BRONZE_VM;
import static dev.secondsite.core.protection.ProtectionFixtures.DB;
import static dev.secondsite.core.protection.ProtectionFixtures.GOLD;
import static dev.secondsite.core.protection.ProtectionFixtures.LAB;
import static dev.secondsite.core.protection.ProtectionFixtures.SILVER;
import static dev.secondsite.core.protection.ProtectionFixtures.WEB;
import static dev.secondsite.core.protection.ProtectionFixtures.assertRefused;
import static dev.secondsite.core.protection.ProtectionFixtures.citing;
import static dev.secondsite.core.protection.ProtectionFixtures.edit;
import static dev.secondsite.core.protection.ProtectionFixtures.goldToSilver;
import static dev.secondsite.core.protection.ProtectionFixtures.inCluster;
import static dev.secondsite.core.protection.ProtectionFixtures.mapped;
import static dev.secondsite.core.protection.ProtectionFixtures.observed;
import static dev.secondsite.core.protection.ProtectionFixtures.primarySite;
import static dev.secondsite.core.protection.ProtectionFixtures.protectAndFinalize;
import static dev.secondsite.core.protection.ProtectionFixtures.protectedVms;
import static dev.secondsite.core.protection.ProtectionFixtures.recoverySite;
import static dev.secondsite.core.protection.ProtectionFixtures.run;
import static dev.secondsite.core.protection.ProtectionFixtures.sites;
import static dev.secondsite.core.protection.ProtectionFixtures.version;
import static dev.secondsite.core.protection.ProtectionOperation.COMMIT;
import static dev.secondsite.core.protection.ProtectionOperation.COMPLETE_FAILOVER;
import static dev.secondsite.core.protection.ProtectionOperation.PLANNED_FAILOVER;
import static dev.secondsite.core.protection.ProtectionOperation.UNPLANNED_FAILOVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.Finding;
import dev.secondsite.core.IllegalTransitionException;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.HyperVCluster;
import dev.secondsite.core.inventory.ObservedReplication;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.WindowsServerVersion;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Protecting, onboarding and disabling VMs (section 6) on a {@link ProtectionConfiguration}. */
class VmProtectionTest {
    private final Map<String, Site> sites = sites();

    @Test
    @DisplayName("E1 protection starts in ENABLING; after initial replication and finalize the VM is PROTECTED")
    void protect() {
        ConfigurationChange change = mapped().protect(GOLD, WEB, ProtectionOrigin.VAULT, sites);
        ProtectedVm vm = change.configuration().protectedVm(WEB).orElseThrow();
        assertEquals(ProtectionState.ENABLING, vm.state());
        assertEquals("web-01", vm.vmName());
        assertEquals(GOLD, vm.pairing());
        assertEquals("vmm-a", vm.primaryServerId());
        assertFalse(change.report().hasErrors());
        ProtectionConfiguration ready = protectAndFinalize(mapped(), GOLD, WEB, sites);
        assertEquals(ProtectionState.PROTECTED, ready.protectedVm(WEB).orElseThrow().state());
        assertEquals(List.of(ready.protectedVm(WEB).orElseThrow()), ready.protectedVmsOf(GOLD));
    }

    @Test
    @DisplayName("E1 only VMs of a paired primary cloud can be protected")
    void onlyPairedPrimaryClouds() {
        ProtectionConfiguration c = mapped();
        InvalidConfigurationException e = assertRefused(Rule.E1,
                () -> c.protect(BRONZE, BRONZE_VM, ProtectionOrigin.VAULT, sites));
        assertTrue(e.getMessage().contains("not paired"), e.getMessage());
        e = assertRefused(Rule.E1, () -> c.protect(SILVER, WEB, ProtectionOrigin.VAULT, sites));
        assertTrue(e.getMessage().contains("a target cloud"), e.getMessage());
        // bronze-01 runs on hv-a3, which is in Bronze, not Gold
        e = assertRefused(Rule.E1, () -> c.protect(GOLD, BRONZE_VM, ProtectionOrigin.VAULT, sites));
        assertEquals("hv-a3", citing(e, Rule.E1).get(0).value());
        assertRefused(Rule.INPUT, () -> c.protect(GOLD, "vm-none", ProtectionOrigin.VAULT, sites));
    }

    @Test
    @DisplayName("E1 a VM already protected is refused when the vault asks again")
    void alreadyProtected() {
        ProtectionConfiguration c = protectedVms();
        InvalidConfigurationException e = assertRefused(Rule.E1,
                () -> c.protect(GOLD, WEB, ProtectionOrigin.VAULT, sites));
        assertTrue(e.getMessage().contains("already protected (PROTECTED"), e.getMessage());
    }

    @Test
    @DisplayName("E2 protection from the vault and from the VM's properties (provider) end in the same state")
    void sameStateFromEitherOrigin() {
        ConfigurationChange fromVault = mapped().protect(GOLD, WEB, ProtectionOrigin.VAULT, sites);
        ConfigurationChange fromProvider = mapped().protect(GOLD, WEB, ProtectionOrigin.PROVIDER, sites);
        assertEquals(fromVault.configuration(), fromProvider.configuration());
        assertEquals(fromVault.report(), fromProvider.report());
    }

    @Test
    @DisplayName("E2 the provider's report of a VM the vault protects already changes nothing")
    void providerEcho() {
        ProtectionConfiguration c = mapped().protect(GOLD, WEB, ProtectionOrigin.VAULT, sites).configuration();
        ConfigurationChange echo = c.protect(GOLD, WEB, ProtectionOrigin.PROVIDER, sites);
        assertSame(c, echo.configuration());
        assertFalse(echo.report().hasErrors());
    }

    @Test
    @DisplayName("P5 a VM on a host older than Windows Server 2012 cannot be protected")
    void oldHost() {
        Site old = edit(primarySite()).host("hv-a1", version(WindowsServerVersion.WS2008_R2)).build();
        assertRefused(Rule.P5, () -> mapped().protect(GOLD, WEB, ProtectionOrigin.VAULT,
                sites(old, recoverySite())));
    }

    @Test
    @DisplayName("P6 a VM on a static-IP cluster without replica broker cannot be protected")
    void clusterWithoutBroker() {
        Site clustered = edit(primarySite()).addCluster(new HyperVCluster("CL-A", true, null))
                .host("hv-a1", inCluster("CL-A")).build();
        Map<String, Site> s = sites(clustered, recoverySite());
        InvalidConfigurationException e = assertRefused(Rule.P6,
                () -> mapped().protect(GOLD, WEB, ProtectionOrigin.VAULT, s));
        assertEquals("cluster vmm-a/CL-A", citing(e, Rule.P6).get(0).subject());
        // db-01 runs on hv-a2, which is no cluster node
        mapped().protect(GOLD, DB, ProtectionOrigin.VAULT, s);
    }

    @Test
    @DisplayName("E3 a VM replicated by Hyper-V Replica with matching settings is onboarded: PROTECTED, same replica")
    void onboard() {
        Site replicated = edit(primarySite())
                .vm(WEB, v -> v.toBuilder().observedReplication(observed("hv-b1", ReplicationSettings.defaults()))
                        .build()).build();
        Map<String, Site> s = sites(replicated, recoverySite());
        ConfigurationChange change = mapped().onboard(GOLD, WEB, s);
        assertEquals(ProtectionState.PROTECTED, change.configuration().protectedVm(WEB).orElseThrow().state());
        assertTrue(change.configuration().protectedVm(WEB).orElseThrow().isProtected());
        // enabling protection of such a VM takes it over too, whoever asks
        assertEquals(change.configuration(), mapped().protect(GOLD, WEB, ProtectionOrigin.PROVIDER, s)
                .configuration());
    }

    @Test
    @DisplayName("E3 onboarding refuses a mismatch and names every differing setting at once")
    void onboardMismatch() {
        ObservedReplication different = new ObservedReplication("hv-b1", 900, 0, 1, false, "Kerberos", 8083);
        Site replicated = edit(primarySite())
                .vm(WEB, v -> v.toBuilder().observedReplication(different).build()).build();
        InvalidConfigurationException e = assertRefused(Rule.E3,
                () -> mapped().onboard(GOLD, WEB, sites(replicated, recoverySite())));
        Set<String> fields = Set.copyOf(citing(e, Rule.E3).stream().map(Finding::field).toList());
        assertEquals(Set.of("observedReplication.replicationFrequencySec",
                "observedReplication.vssSnapshotFrequencyHour", "observedReplication.compressionEnabled",
                "observedReplication.authenticationType", "observedReplication.replicaServerPort"), fields);
        assertTrue(e.getMessage().contains("replicationFrequencySec (900) must match the pairing's copyFrequency"),
                e.getMessage());
    }

    @Test
    @DisplayName("E3 the replica host must be in the pairing's target cloud, and there must be a replica")
    void onboardReplicaHost() {
        Site toCopper = edit(primarySite())
                .vm(WEB, v -> v.toBuilder().observedReplication(observed("hv-b3", ReplicationSettings.defaults()))
                        .build()).build();
        InvalidConfigurationException e = assertRefused(Rule.E3,
                () -> mapped().onboard(GOLD, WEB, sites(toCopper, recoverySite())));
        assertEquals("observedReplication.replicaHost", citing(e, Rule.E3).get(0).field());
        assertRefused(Rule.E3, () -> mapped().onboard(GOLD, DB, sites));
    }

    @Test
    @DisplayName("E3 a VM on a Windows Server 2012 host matches by the effective 5-minute frequency")
    void onboardEffectiveFrequency() {
        ReplicationSettings fast = ReplicationSettings.builder().copyFrequency(CopyFrequency.THIRTY_SECONDS).build();
        ObservedReplication fiveMinutes = new ObservedReplication("hv-b1", 300, 0, 0, true, "Certificate", 8084);
        Site older = edit(primarySite()).host("hv-a1", version(WindowsServerVersion.WS2012))
                .vm(WEB, v -> v.toBuilder().observedReplication(fiveMinutes).build()).build();
        Map<String, Site> s = sites(older, recoverySite());
        ProtectionConfiguration c = ProtectionConfiguration.empty().pair(goldToSilver(fast), s).configuration();
        c.onboard(GOLD, WEB, s);
        Site newer = edit(older).host("hv-a1", version(WindowsServerVersion.WS2012_R2)).build();
        assertRefused(Rule.E3, () -> c.onboard(GOLD, WEB, sites(newer, recoverySite())));
    }

    @Test
    @DisplayName("C13 onboarding accepts more recovery points on the host than the pairing's, never fewer")
    void onboardRecoveryPoints() {
        ReplicationSettings four = ReplicationSettings.builder().additionalRecoveryPoints(4).build();
        ProtectionConfiguration c = ProtectionConfiguration.empty().pair(goldToSilver(four), sites).configuration();
        for (int history : new int[] {4, 10}) {
            ObservedReplication o = new ObservedReplication("hv-b1", 300, history, 0, true, "Certificate", 8084);
            Site s = edit(primarySite()).vm(WEB, v -> v.toBuilder().observedReplication(o).build()).build();
            c.onboard(GOLD, WEB, sites(s, recoverySite()));
        }
        ObservedReplication fewer = new ObservedReplication("hv-b1", 300, 3, 0, true, "Certificate", 8084);
        Site s = edit(primarySite()).vm(WEB, v -> v.toBuilder().observedReplication(fewer).build()).build();
        InvalidConfigurationException e = assertRefused(Rule.C13, () -> c.onboard(GOLD, WEB,
                sites(s, recoverySite())));
        assertEquals("3", citing(e, Rule.C13).get(0).value());
    }

    @Test
    @DisplayName("E4 disabling protection removes the VM; C11 the replica is kept unless the pairing says delete")
    void disable() {
        ProtectionConfiguration c = protectedVms();
        DisableResult kept = c.disableProtection(WEB);
        assertFalse(kept.deleteReplica());
        assertTrue(kept.configuration().protectedVm(WEB).isEmpty());
        assertEquals(ProtectionState.UNPROTECTED, kept.vm().state());
        assertEquals(List.of(DB), kept.configuration().protectedVmsOf(GOLD).stream().map(ProtectedVm::vmId)
                .toList());
        assertRefused(Rule.INPUT, () -> kept.configuration().disableProtection(WEB));
    }

    @Test
    @DisplayName("C11 delete replica on disable: the result tells the job to delete the replica VM")
    void deleteReplica() {
        ReplicationSettings delete = ReplicationSettings.builder().deleteReplicaOnDisable(true).build();
        ProtectionConfiguration c = ProtectionConfiguration.empty().pair(goldToSilver(delete), sites)
                .configuration();
        c = protectAndFinalize(c, GOLD, WEB, sites);
        assertTrue(c.disableProtection(WEB).deleteReplica());
    }

    @Test
    @DisplayName("E4 disabling is refused while a failover runs, and leaves the configuration as it was")
    void disableDuringFailover() {
        ProtectionConfiguration c = run(protectedVms(), WEB, PLANNED_FAILOVER);
        IllegalTransitionException e = assertThrows(IllegalTransitionException.class,
                () -> c.disableProtection(WEB));
        assertEquals("PLANNED_FAILOVER_RUNNING", e.state());
        assertEquals("DISABLE", e.operation());
        assertEquals(ProtectionState.PLANNED_FAILOVER_RUNNING, c.protectedVm(WEB).orElseThrow().state());
    }

    @Test
    @DisplayName("F7 completing an unplanned failover reports that the VM is unprotected until reverse replication")
    void unprotectedWarning() {
        ProtectionConfiguration c = run(protectedVms(), WEB, UNPLANNED_FAILOVER);
        ConfigurationChange done = c.transition(WEB, COMPLETE_FAILOVER);
        assertTrue(done.report().cites(Rule.F7));
        assertFalse(done.configuration().protectedVm(WEB).orElseThrow().isProtected());
        assertFalse(run(protectedVms(), WEB, PLANNED_FAILOVER).transition(WEB, COMPLETE_FAILOVER).report()
                .cites(Rule.F7));
    }

    @Test
    @DisplayName("E1 transition applies the state machine to one VM and names VM, state and operation on refusal")
    void transition() {
        ProtectionConfiguration c = run(protectedVms(), WEB, PLANNED_FAILOVER, COMPLETE_FAILOVER, COMMIT);
        assertEquals(ProtectionState.COMMITTED, c.protectedVm(WEB).orElseThrow().state());
        assertEquals(ActiveLocation.RECOVERY, c.protectedVm(WEB).orElseThrow().activeLocation());
        assertEquals(ProtectionState.PROTECTED, c.protectedVm(DB).orElseThrow().state());
        IllegalTransitionException e = assertThrows(IllegalTransitionException.class,
                () -> c.transition(WEB, PLANNED_FAILOVER));
        assertEquals("STATE: VM web-01 (vm-web): cannot PLANNED_FAILOVER in state COMMITTED", e.getMessage());
        assertRefused(Rule.INPUT, () -> c.transition(WEB, ProtectionOperation.DISABLE));
        assertRefused(Rule.INPUT, () -> c.transition(LAB, ProtectionOperation.TEST_FAILOVER));
        assertRefused(Rule.INPUT, () -> c.transition(WEB, ProtectionOperation.ENABLE));
    }

    @Test
    @DisplayName("E1 protecting a VM of one pairing leaves the VMs of another pairing alone")
    void twoPairings() {
        ProtectionConfiguration c = mapped().pair(new CloudPairing(BRONZE, new CloudRef("vmm-b", "Copper"),
                ReplicationSettings.defaults()), sites).configuration();
        c = c.protect(BRONZE, BRONZE_VM, ProtectionOrigin.VAULT, sites).configuration();
        c = c.protect(GOLD, WEB, ProtectionOrigin.VAULT, sites).configuration();
        assertEquals(1, c.protectedVmsOf(BRONZE).size());
        assertEquals(1, c.protectedVmsOf(GOLD).size());
        assertEquals(2, c.protectedVms().size());
    }
}
