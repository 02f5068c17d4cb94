package dev.secondsite.hyperv.it;

import static dev.secondsite.hyperv.it.TwoSites.A;
import static dev.secondsite.hyperv.it.TwoSites.B;
import static dev.secondsite.hyperv.it.TwoSites.VMM_A;
import static dev.secondsite.hyperv.it.TwoSites.VMM_B;
import static dev.secondsite.hyperv.it.TwoSites.WEB_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.inventory.CapabilityProfile;
import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.HostGroup;
import dev.secondsite.core.inventory.HyperVCluster;
import dev.secondsite.core.inventory.LogicalNetwork;
import dev.secondsite.core.inventory.NetworkAdapter;
import dev.secondsite.core.inventory.ObservedReplication;
import dev.secondsite.core.inventory.PowerState;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.StorageClassification;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.inventory.VmNetwork;
import dev.secondsite.core.inventory.VmmVersion;
import dev.secondsite.core.inventory.WindowsServerVersion;
import dev.secondsite.hyperv.VmmSiteReader;
import dev.secondsite.hyperv.sim.SimulatedFabric;
import dev.secondsite.hyperv.sim.lang.JsonFlavor;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** R4 R5: the VMM reader over the simulated fabric reads the very Site the fabric holds. */
class VmmReaderOnFabricTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    private static Site read(SimulatedFabric fabric, String siteId, String server) {
        return new VmmSiteReader(fabric.on(server), siteId, server, TIMEOUT).get();
    }

    /** A site with the shapes the reader maps: nested host groups, a cluster, an ESX cloud, VMs off and unconnected. */
    static Site handBuilt() {
        String h1 = "hv1.lab.local";
        String h2 = "hv2.lab.local";
        String h3 = "hv3.lab.local";
        return Site.builder("lab", "vmm.lab.local").vmmVersion(VmmVersion.SC2012_R2)
                .hostGroup(HostGroup.of("All Hosts")).hostGroup(new HostGroup("Prod", "All Hosts"))
                .hostGroup(new HostGroup("Prod-Cluster", "Prod"))
                .cluster(new HyperVCluster("clu1.lab.local", true, "broker1.lab.local"))
                .host(new Host(h1, WindowsServerVersion.WS2012_R2, "Prod-Cluster", true, "clu1.lab.local"))
                .host(new Host(h2, WindowsServerVersion.WS2012_R2, "Prod-Cluster", true, "clu1.lab.local"))
                .host(Host.of(h3, WindowsServerVersion.WS2016, "Prod"))
                .logicalNetwork(new LogicalNetwork("Datacenter")).logicalNetwork(new LogicalNetwork("Lab"))
                .vmNetwork(new VmNetwork("Corp", "Datacenter")).vmNetwork(new VmNetwork("Test", "Lab"))
                .storageClassification(new StorageClassification("Gold", Set.of(h1, h2)))
                .storageClassification(new StorageClassification("Bronze", Set.of(h3)))
                .cloud(Cloud.hyperV("Production", List.of("Prod", "Prod-Cluster"), List.of("Datacenter", "Lab")))
                .cloud(new Cloud("Mixed", Set.of(CapabilityProfile.HYPER_V, CapabilityProfile.values()[
                        CapabilityProfile.values().length - 1]), List.of("Prod"), Set.of("Lab")))
                .vm(Vm.builder("11111111-0000-4000-8000-000000000001", "sql01").host(h1).nic("Corp").nic("Test")
                        .disk("C:\\ClusterStorage\\Volume1\\sql01\\os.vhdx", "Gold")
                        .disk("C:\\ClusterStorage\\Volume1\\sql01\\data.vhdx", "Gold").build())
                .vm(Vm.builder("11111111-0000-4000-8000-000000000002", "build 02 ('quoted')").host(h3)
                        .powerState(PowerState.OFF).networkAdapter(new NetworkAdapter("Legacy", null)).build())
                .build();
    }

    @ParameterizedTest
    @EnumSource(JsonFlavor.class)
    @DisplayName("R4 R5 a hand-built site read through VmmSiteReader over the fabric is the fabric's own Site")
    void handBuiltSite(JsonFlavor flavor) {
        Site site = handBuilt();
        SimulatedFabric fabric = SimulatedFabric.builder().jsonFlavor(flavor).site(site).build();
        Site read = read(fabric, "lab", "vmm.lab.local");
        assertEquals(fabric.site("vmm.lab.local"), read);
        assertEquals(Set.copyOf(site.vms()), Set.copyOf(read.vms()));
        assertEquals(site.clouds(), read.clouds());
    }

    @Test
    @DisplayName("R4 R5 a generated pair of sites (seeded, 200 VMs) reads back as the fabric's Sites")
    void generatedSites() {
        SimulatedFabric fabric = SimulatedFabric.builder().generate(1, 4, 200, 42).build();
        for (String server : fabric.serverNames()) {
            Site expected = fabric.site(server);
            assertEquals(expected, read(fabric, expected.id(), server), server);
        }
        assertEquals(200, fabric.site("vmm0-a.sim.local").vms().size());
    }

    @Test
    @DisplayName("R5 E3 after protection the reader sees the replica VM in the recovery site and every VM of the primary "
            + "as the fabric does, web01 with its observed replication read from Get-VMReplication on its host")
    void afterProtection() {
        try (DrOnFabric dr = new DrOnFabric()) {
            dr.pairAndMap().protect(WEB_ID);
            Site recovery = read(dr.fabric, B, VMM_B);
            assertEquals(dr.fabric.site(VMM_B), recovery);
            assertTrue(recovery.vm(WEB_ID).isPresent(), "the replica is a VM of the recovery site");
            assertNull(recovery.vm(WEB_ID).orElseThrow().observedReplication(), "a replica is no primary");

            Site primary = read(dr.fabric, A, VMM_A);
            assertEquals(dr.fabric.site(VMM_A), primary);
            ObservedReplication observed = primary.vm(WEB_ID).orElseThrow().observedReplication();
            assertEquals(new ObservedReplication(dr.replicaHost(WEB_ID), 300, 4, 2, true, "Certificate", 8084),
                    observed);
            assertEquals(1, primary.vms().stream().filter(vm -> vm.observedReplication() != null).count());
        }
    }
}
