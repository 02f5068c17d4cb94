package dev.secondsite.core.testing;

import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.HostGroup;
import dev.secondsite.core.inventory.LogicalNetwork;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.StorageClassification;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.inventory.VmNetwork;
import dev.secondsite.core.inventory.VmmVersion;
import dev.secondsite.core.inventory.WindowsServerVersion;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The two sites the benchmarks run against: a primary VMM server "vmm-a" (cloud Gold, network Corp, storage Fast)
 * with {@code vms} VMs spread over its hosts, and an empty recovery server "vmm-b" (GoldDR, CorpDR, FastDR).
 */
public final class BenchSites {
    private BenchSites() {
    }

    /** The id of the {@code i}-th VM, sortable ("vm-00042"). */
    public static String vmId(int i) {
        return String.format(Locale.ROOT, "vm-%05d", i);
    }

    public static Site primary(int vms, int hostsPerSite) {
        Site.Builder b = site("vmm-a", "a", "Gold", "Corp", "Fast", hostsPerSite);
        for (int i = 0; i < vms; i++) {
            String id = vmId(i);
            b.vm(Vm.builder(id, "web-" + i).host(host("a", i % hostsPerSite)).nic("Corp")
                    .disk("D:\\VMs\\" + id + ".vhdx", "Fast").build());
        }
        return b.build();
    }

    public static Site recovery(int hostsPerSite) {
        return site("vmm-b", "b", "GoldDR", "CorpDR", "FastDR", hostsPerSite).build();
    }

    private static String host(String suffix, int i) {
        return "hv" + i + "-" + suffix + ".bench.local";
    }

    private static Site.Builder site(String id, String suffix, String cloud, String network, String storage,
                                     int hostsPerSite) {
        String group = "HG-" + suffix;
        String logical = "LN-" + suffix;
        Site.Builder b = Site.builder(id, id + ".bench.local").vmmVersion(VmmVersion.SC2012_R2)
                .hostGroup(HostGroup.of(group)).logicalNetwork(new LogicalNetwork(logical))
                .vmNetwork(new VmNetwork(network, logical)).cloud(Cloud.hyperV(cloud, List.of(group),
                        List.of(logical)));
        String[] hosts = new String[hostsPerSite];
        for (int i = 0; i < hostsPerSite; i++) {
            hosts[i] = host(suffix, i);
            b.host(Host.of(hosts[i], WindowsServerVersion.WS2012_R2, group));
        }
        return b.storageClassification(new StorageClassification(storage, Set.copyOf(Arrays.asList(hosts))));
    }
}
