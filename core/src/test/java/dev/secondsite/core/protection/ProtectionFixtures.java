package dev.secondsite.core.protection;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.Finding;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.ValidationReport;
import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.HostGroup;
import dev.secondsite.core.inventory.HyperVCluster;
import dev.secondsite.core.inventory.LogicalNetwork;
import dev.secondsite.core.inventory.ObservedReplication;
import dev.secondsite.core.inventory.ProviderNode;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.StorageClassification;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.inventory.VmNetwork;
import dev.secondsite.core.inventory.VmmVersion;
import dev.secondsite.core.inventory.WindowsServerVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.function.Executable;

/**
 * Two VMM sites to protect between, with names every protection test (and later the vault's and the engine's)
 * can rely on, plus helpers to change one detail of a site and to assert refusals by rule.
 *
 * <pre>
 * vmm-a (primary)                                  vmm-b (recovery)
 *   cloud Gold   = HG-Gold   {hv-a1, hv-a2}, LN-Corp   cloud Silver = HG-Silver {hv-b1, hv-b2}, LN-DR
 *   cloud Bronze = HG-Bronze {hv-a3},        LN-Corp   cloud Copper = HG-Copper {hv-b3},        LN-DR
 *   VM networks Corp (LN-Corp), Lab (LN-Lab)           VM networks Corp-DR (LN-DR), Isolated (LN-Iso)
 *   storage Gold-Storage {hv-a1, hv-a2},               storage DR-Storage {hv-b1, hv-b2},
 *           Bronze-Storage {hv-a3}                             Copper-Storage {hv-b3}
 *   VMs vm-web (web-01, hv-a1, Corp), vm-db (db-01, hv-a2, Corp),
 *       vm-lab (lab-01, hv-a1, Lab), vm-bronze (bronze-01, hv-a3, Corp)
 * </pre>
 * Every host runs Windows Server 2012 R2 with the Hyper-V role; both servers run SC2012 R2.
 *
 * <p>Not thread-safe where it hands out builders; the values it returns are immutable.
 */
public final class ProtectionFixtures {
    public static final String PRIMARY = "vmm-a";
    public static final String RECOVERY = "vmm-b";
    public static final CloudRef GOLD = new CloudRef(PRIMARY, "Gold");
    public static final CloudRef BRONZE = new CloudRef(PRIMARY, "Bronze");
    public static final CloudRef SILVER = new CloudRef(RECOVERY, "Silver");
    public static final CloudRef COPPER = new CloudRef(RECOVERY, "Copper");
    public static final String WEB = "vm-web";
    public static final String DB = "vm-db";
    public static final String LAB = "vm-lab";
    public static final String BRONZE_VM = "vm-bronze";

    private ProtectionFixtures() {
    }

    // ------------------------------------------------------------------------------------------ sites

    /** The primary site, vmm-a. */
    public static Site primarySite() {
        return Site.builder(PRIMARY, "vmm-a.contoso.local")
                .hostGroup(HostGroup.of("HG-Gold")).hostGroup(HostGroup.of("HG-Bronze"))
                .logicalNetwork(new LogicalNetwork("LN-Corp")).logicalNetwork(new LogicalNetwork("LN-Lab"))
                .cloud(Cloud.hyperV("Gold", List.of("HG-Gold"), List.of("LN-Corp")))
                .cloud(Cloud.hyperV("Bronze", List.of("HG-Bronze"), List.of("LN-Corp")))
                .host(Host.of("hv-a1", WindowsServerVersion.WS2012_R2, "HG-Gold"))
                .host(Host.of("hv-a2", WindowsServerVersion.WS2012_R2, "HG-Gold"))
                .host(Host.of("hv-a3", WindowsServerVersion.WS2012_R2, "HG-Bronze"))
                .vmNetwork(new VmNetwork("Corp", "LN-Corp")).vmNetwork(new VmNetwork("Lab", "LN-Lab"))
                .storageClassification(new StorageClassification("Gold-Storage", Set.of("hv-a1", "hv-a2")))
                .storageClassification(new StorageClassification("Bronze-Storage", Set.of("hv-a3")))
                .vm(vm(WEB, "web-01", "hv-a1", "Corp", "Gold-Storage"))
                .vm(vm(DB, "db-01", "hv-a2", "Corp", "Gold-Storage"))
                .vm(vm(LAB, "lab-01", "hv-a1", "Lab", "Gold-Storage"))
                .vm(vm(BRONZE_VM, "bronze-01", "hv-a3", "Corp", "Bronze-Storage"))
                .build();
    }

    /** The recovery site, vmm-b. */
    public static Site recoverySite() {
        return Site.builder(RECOVERY, "vmm-b.contoso.local")
                .hostGroup(HostGroup.of("HG-Silver")).hostGroup(HostGroup.of("HG-Copper"))
                .logicalNetwork(new LogicalNetwork("LN-DR")).logicalNetwork(new LogicalNetwork("LN-Iso"))
                .cloud(Cloud.hyperV("Silver", List.of("HG-Silver"), List.of("LN-DR")))
                .cloud(Cloud.hyperV("Copper", List.of("HG-Copper"), List.of("LN-DR")))
                .host(Host.of("hv-b1", WindowsServerVersion.WS2012_R2, "HG-Silver"))
                .host(Host.of("hv-b2", WindowsServerVersion.WS2012_R2, "HG-Silver"))
                .host(Host.of("hv-b3", WindowsServerVersion.WS2012_R2, "HG-Copper"))
                .vmNetwork(new VmNetwork("Corp-DR", "LN-DR")).vmNetwork(new VmNetwork("Isolated", "LN-Iso"))
                .storageClassification(new StorageClassification("DR-Storage", Set.of("hv-b1", "hv-b2")))
                .storageClassification(new StorageClassification("Copper-Storage", Set.of("hv-b3")))
                .build();
    }

    /** Both sites, keyed by id. */
    public static Map<String, Site> sites() {
        return sites(primarySite(), recoverySite());
    }

    /** {@code sites} keyed by id, in the order given. */
    public static Map<String, Site> sites(Site... sites) {
        Map<String, Site> byId = new LinkedHashMap<>();
        for (Site s : sites) {
            byId.put(s.id(), s);
        }
        return byId;
    }

    /** {@code sites} with {@code site} replacing the site of the same id (or added). */
    public static Map<String, Site> replacing(Map<String, Site> sites, Site site) {
        Map<String, Site> copy = new LinkedHashMap<>(sites);
        copy.put(site.id(), site);
        return copy;
    }

    /** The primary site plus host hv-stray, with VM vm-stray, in a host group no cloud contains (P5). */
    public static Site primarySiteWithStrayHost() {
        return primarySite().toBuilder().hostGroup(HostGroup.of("HG-Stray"))
                .host(Host.of("hv-stray", WindowsServerVersion.WS2012_R2, "HG-Stray"))
                .vm(vm("vm-stray", "stray-01", "hv-stray", "Corp", "Gold-Storage")).build();
    }

    /** A VM with one adapter on {@code network} and one disk on {@code classification}. */
    public static Vm vm(String id, String name, String host, String network, String classification) {
        return Vm.builder(id, name).host(host).nic(network).disk("C:\\VMs\\" + name + ".vhdx", classification)
                .build();
    }

    /** Hyper-V Replica settings of a VM replicated to {@code replicaHost} exactly as {@code settings} say. */
    public static ObservedReplication observed(String replicaHost, ReplicationSettings settings) {
        return new ObservedReplication(replicaHost, settings.copyFrequency().seconds(),
                settings.additionalRecoveryPoints(), settings.appConsistentFrequencyHours(), settings.compression(),
                settings.authentication().hyperVName(), settings.port());
    }

    /** A copy of {@code site} to change one detail of; Site's own builder can only add. */
    public static SiteEdit edit(Site site) {
        return new SiteEdit(site);
    }

    /** Changes a copy of a site. Not thread-safe. */
    public static final class SiteEdit {
        private final Site site;
        private VmmVersion vmmVersion;
        private final List<Cloud> clouds;
        private final List<Host> hosts;
        private final List<HyperVCluster> clusters;
        private final List<Vm> vms;

        private SiteEdit(Site site) {
            this.site = site;
            this.vmmVersion = site.vmmVersion();
            this.clouds = new ArrayList<>(site.clouds());
            this.hosts = new ArrayList<>(site.hosts());
            this.clusters = new ArrayList<>(site.clusters());
            this.vms = new ArrayList<>(site.vms());
        }

        public SiteEdit vmmVersion(VmmVersion version) {
            this.vmmVersion = version;
            return this;
        }

        /** Replaces every host by {@code change} of it. */
        public SiteEdit hosts(UnaryOperator<Host> change) {
            hosts.replaceAll(change);
            return this;
        }

        /** Replaces host {@code name} by {@code change} of it. */
        public SiteEdit host(String name, UnaryOperator<Host> change) {
            return hosts(h -> h.name().equals(name) ? change.apply(h) : h);
        }

        public SiteEdit addHost(Host host) {
            hosts.add(host);
            return this;
        }

        public SiteEdit cloud(String name, UnaryOperator<Cloud> change) {
            clouds.replaceAll(c -> c.name().equals(name) ? change.apply(c) : c);
            return this;
        }

        public SiteEdit removeClouds(Predicate<Cloud> remove) {
            clouds.removeIf(remove);
            return this;
        }

        public SiteEdit addCluster(HyperVCluster cluster) {
            clusters.add(cluster);
            return this;
        }

        public SiteEdit vm(String id, UnaryOperator<Vm> change) {
            vms.replaceAll(v -> v.id().equals(id) ? change.apply(v) : v);
            return this;
        }

        public SiteEdit addVm(Vm vm) {
            vms.add(vm);
            return this;
        }

        public SiteEdit removeVm(String id) {
            vms.removeIf(v -> v.id().equals(id));
            return this;
        }

        public Site build() {
            Site.Builder b = Site.builder(site.id(), site.name()).vmmVersion(vmmVersion)
                    .providerVersion(site.providerVersion()).clusterRoleName(site.clusterRoleName().orElse(null));
            site.clusterNodes().forEach((ProviderNode n) -> b.clusterNode(n));
            site.hostGroups().forEach(b::hostGroup);
            site.logicalNetworks().forEach(b::logicalNetwork);
            site.vmNetworks().forEach(b::vmNetwork);
            site.storageClassifications().forEach(b::storageClassification);
            clouds.forEach(b::cloud);
            hosts.forEach(b::host);
            clusters.forEach(b::cluster);
            vms.forEach(b::vm);
            return b.build();
        }
    }

    /** {@code host} with another Windows Server version. */
    public static UnaryOperator<Host> version(WindowsServerVersion version) {
        return h -> new Host(h.name(), version, h.hostGroup(), h.hyperVRole(), h.cluster());
    }

    /** {@code host} as a node of cluster {@code cluster}. */
    public static UnaryOperator<Host> inCluster(String cluster) {
        return h -> new Host(h.name(), h.windowsServerVersion(), h.hostGroup(), h.hyperVRole(), cluster);
    }

    // ------------------------------------------------------------------------------------------ configurations

    /** Gold -> Silver with default settings. */
    public static CloudPairing goldToSilver() {
        return new CloudPairing(GOLD, SILVER, ReplicationSettings.defaults());
    }

    /** Gold -> Silver with {@code settings}. */
    public static CloudPairing goldToSilver(ReplicationSettings settings) {
        return new CloudPairing(GOLD, SILVER, settings);
    }

    /** Gold paired to Silver. */
    public static ProtectionConfiguration paired() {
        return ProtectionConfiguration.empty().pair(goldToSilver(), sites()).configuration();
    }

    /** {@link #paired()} with Corp mapped to Corp-DR and Gold-Storage to DR-Storage. */
    public static ProtectionConfiguration mapped() {
        Map<String, Site> sites = sites();
        ProtectionConfiguration c = paired().mapNetwork(corpToCorpDr(), sites).configuration();
        return c.mapStorage(new StorageMapping(PRIMARY, "Gold-Storage", RECOVERY, "DR-Storage"), sites)
                .configuration();
    }

    public static NetworkMapping corpToCorpDr() {
        return new NetworkMapping(PRIMARY, "Corp", RECOVERY, "Corp-DR");
    }

    /** {@link #mapped()} with web-01 and db-01 protected and ready for failover. */
    public static ProtectionConfiguration protectedVms() {
        ProtectionConfiguration c = mapped();
        for (String id : List.of(WEB, DB)) {
            c = protectAndFinalize(c, GOLD, id, sites());
        }
        return c;
    }

    /** {@code c} with VM {@code vmId} of {@code cloud} protected, replicated and finalized. */
    public static ProtectionConfiguration protectAndFinalize(ProtectionConfiguration c, CloudRef cloud, String vmId,
                                                             Map<String, Site> sites) {
        c = c.protect(cloud, vmId, ProtectionOrigin.VAULT, sites).configuration();
        c = c.transition(vmId, ProtectionOperation.START_INITIAL_REPLICATION).configuration();
        return c.transition(vmId, ProtectionOperation.FINALIZE).configuration();
    }

    /** {@code c} after applying {@code operations} to VM {@code vmId} in order. */
    public static ProtectionConfiguration run(ProtectionConfiguration c, String vmId,
                                              ProtectionOperation... operations) {
        for (ProtectionOperation op : operations) {
            c = c.transition(vmId, op).configuration();
        }
        return c;
    }

    // ------------------------------------------------------------------------------------------ scaled inventories

    /**
     * A site for property tests and benchmarks: {@code clouds} Hyper-V clouds {@code C0..}, each over its own host
     * group {@code HG<i>} with {@code hostsPerCloud} WS2012 R2 hosts {@code <id>-h<i>-<j>}, each host carrying
     * {@code vmsPerHost} VMs {@code <id>-vm<i>-<j>-<k>} on VM network {@code N<k % networks>}, and per cloud a storage
     * classification {@code S<i>} on its hosts. Every cloud is associated with logical network {@code LN}, which
     * every VM network is linked to.
     */
    public static Site scaledSite(String id, int clouds, int hostsPerCloud, int vmsPerHost, int networks) {
        Site.Builder b = Site.builder(id, id + ".contoso.local").logicalNetwork(new LogicalNetwork("LN"));
        for (int n = 0; n < networks; n++) {
            b.vmNetwork(new VmNetwork("N" + n, "LN"));
        }
        for (int i = 0; i < clouds; i++) {
            b.hostGroup(HostGroup.of("HG" + i)).cloud(Cloud.hyperV("C" + i, List.of("HG" + i), List.of("LN")));
            List<String> hostNames = new ArrayList<>();
            for (int j = 0; j < hostsPerCloud; j++) {
                String host = id + "-h" + i + "-" + j;
                hostNames.add(host);
                b.host(Host.of(host, WindowsServerVersion.WS2012_R2, "HG" + i));
                for (int k = 0; k < vmsPerHost; k++) {
                    String vmId = id + "-vm" + i + "-" + j + "-" + k;
                    b.vm(vm(vmId, vmId, host, "N" + (k % Math.max(1, networks)), "S" + i));
                }
            }
            b.storageClassification(new StorageClassification("S" + i, Set.copyOf(hostNames)));
        }
        return b.build();
    }

    // ------------------------------------------------------------------------------------------ assertions

    /** Runs {@code change}, asserts it is refused citing {@code rule} among its errors, and returns the refusal. */
    public static InvalidConfigurationException assertRefused(Rule rule, Executable change) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, change);
        assertTrue(e.errors().stream().anyMatch(f -> f.rule() == rule),
                () -> "expected an error citing " + rule + ", got " + e.findings());
        return e;
    }

    /** The findings of {@code report} citing {@code rule}. */
    public static List<Finding> citing(ValidationReport report, Rule rule) {
        return report.findings().stream().filter(f -> f.rule() == rule).collect(Collectors.toList());
    }

    /** The error findings of {@code e} citing {@code rule}. */
    public static List<Finding> citing(InvalidConfigurationException e, Rule rule) {
        return e.errors().stream().filter(f -> f.rule() == rule).collect(Collectors.toList());
    }
}
