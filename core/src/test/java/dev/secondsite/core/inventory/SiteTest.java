package dev.secondsite.core.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.testing.TestSites;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SiteTest {
    @Test
    @DisplayName("hosts belong to the clouds that hold their host group or an ancestor group")
    void hostsOfCloudFollowGroupNesting() {
        Site site = Site.builder("s", "s.local")
                .hostGroup(HostGroup.of("All")).hostGroup(new HostGroup("Rack1", "All"))
                .host(Host.of("h1", WindowsServerVersion.WS2012_R2, "Rack1"))
                .host(Host.of("h2", WindowsServerVersion.WS2012_R2, "All"))
                .cloud(Cloud.hyperV("Everything", List.of("All"), List.of()))
                .cloud(Cloud.hyperV("RackOnly", List.of("Rack1"), List.of()))
                .build();
        assertEquals(Set.of("h1", "h2"), site.hostsOf("Everything"));
        assertEquals(Set.of("h1"), site.hostsOf("RackOnly"));
        assertEquals(Set.of("Everything", "RackOnly"), site.cloudsOf("h1"));
        assertTrue(site.hostsOf("Nope").isEmpty());
    }

    @Test
    @DisplayName("INPUT a reference to nothing is refused naming the field and the value")
    void danglingReferenceRefused() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> TestSites.primary().toBuilder()
                        .vm(Vm.builder("vm-9", "db").host("hv1-a.contoso.local").nic("Nowhere").build()).build());
        assertEquals(Rule.INPUT, e.rule());
        assertEquals("INPUT: networkAdapters.vmNetwork ('Nowhere') names nothing on server vmm-a [VM db]",
                e.getMessage());
    }

    @Test
    @DisplayName("INPUT names are unique per kind; a host group cycle is refused")
    void uniqueNamesAndNoCycles() {
        InvalidConfigurationException dup = assertThrows(InvalidConfigurationException.class,
                () -> TestSites.primary().toBuilder().cloud(Cloud.hyperV("Gold", List.of(), List.of())).build());
        assertTrue(dup.getMessage().contains("clouds.name ('Gold') appears more than once"), dup.getMessage());
        InvalidConfigurationException cycle = assertThrows(InvalidConfigurationException.class,
                () -> Site.builder("s", "s").hostGroup(new HostGroup("A", "B")).hostGroup(new HostGroup("B", "A"))
                        .build());
        assertTrue(cycle.getMessage().contains("cycle"), cycle.getMessage());
    }

    @Test
    @DisplayName("VMs are found by id, by host and by cloud")
    void vmLookups() {
        Site site = TestSites.primary();
        assertEquals("web-01", site.vm("vm-1").orElseThrow().name());
        assertEquals(2, site.vmsOn("hv1-a.contoso.local").size());
        assertEquals(List.of("vm-3"), site.vmsOf("Silver").stream().map(Vm::id).toList());
        assertEquals(site, site.toBuilder().build(), "toBuilder().build() is an equal site");
    }

    @Test
    @DisplayName("P6 a static-IP cluster without a replica broker reports it missing")
    void replicaBrokerMissing() {
        assertTrue(new HyperVCluster("c1", true, null).replicaBrokerMissing());
        assertTrue(!new HyperVCluster("c1", true, "broker1").replicaBrokerMissing());
        assertTrue(!new HyperVCluster("c1", false, null).replicaBrokerMissing());
    }
}
