package dev.secondsite.core.testing;

import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.HostGroup;
import dev.secondsite.core.inventory.LogicalNetwork;
import dev.secondsite.core.inventory.ProviderNode;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.StorageClassification;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.inventory.VmNetwork;
import dev.secondsite.core.inventory.VmmVersion;
import dev.secondsite.core.inventory.WindowsServerVersion;
import java.util.List;
import java.util.Set;

/** Small inventories for vault and JSON tests: a primary site and a recovery site. */
public final class TestSites {
    private TestSites() {
    }

    /** Server "vmm-a": clouds Gold and Silver, two 2012 R2 hosts, three VMs on network Corp, storage Fast. */
    public static Site primary() {
        return site("vmm-a", "vmm-a.contoso.local", "a").build();
    }

    /** Server "vmm-b": clouds GoldDR and SilverDR, two 2012 R2 hosts, network CorpDR, storage FastDR. */
    public static Site recovery() {
        return site("vmm-b", "vmm-b.contoso.local", "b").build();
    }

    /** A clustered VMM server whose nodes run {@code versions}. */
    public static Site clustered(String role, String... versions) {
        Site.Builder b = site("vmm-c", "vmm-c1.contoso.local", "c").clusterRoleName(role);
        for (int i = 0; i < versions.length; i++) {
            b.clusterNode(new ProviderNode("node" + i, versions[i]));
        }
        return b.build();
    }

    /** A two-cloud site builder whose names end with {@code suffix} ("a": primary style, else recovery style). */
    public static Site.Builder site(String id, String name, String suffix) {
        boolean primary = suffix.equals("a");
        String gold = primary ? "Gold" : "Gold" + suffix.toUpperCase();
        String silver = primary ? "Silver" : "Silver" + suffix.toUpperCase();
        String net = primary ? "Corp" : "Corp" + suffix.toUpperCase();
        String logical = "LN-" + suffix;
        String storage = primary ? "Fast" : "Fast" + suffix.toUpperCase();
        String h1 = "hv1-" + suffix + ".contoso.local";
        String h2 = "hv2-" + suffix + ".contoso.local";
        Site.Builder b = Site.builder(id, name).vmmVersion(VmmVersion.SC2012_R2)
                .hostGroup(HostGroup.of("HG1-" + suffix)).hostGroup(HostGroup.of("HG2-" + suffix))
                .host(Host.of(h1, WindowsServerVersion.WS2012_R2, "HG1-" + suffix))
                .host(Host.of(h2, WindowsServerVersion.WS2012_R2, "HG2-" + suffix))
                .logicalNetwork(new LogicalNetwork(logical))
                .vmNetwork(new VmNetwork(net, logical))
                .storageClassification(new StorageClassification(storage, Set.of(h1, h2)))
                .cloud(Cloud.hyperV(gold, List.of("HG1-" + suffix), List.of(logical)))
                .cloud(Cloud.hyperV(silver, List.of("HG2-" + suffix), List.of(logical)));
        if (primary) {
            for (int i = 1; i <= 3; i++) {
                b.vm(Vm.builder("vm-" + i, "web-0" + i).host(i == 3 ? h2 : h1).nic(net)
                        .disk("D:\\VMs\\web-0" + i + ".vhdx", storage).build());
            }
        }
        return b;
    }
}
