package dev.secondsite.core.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secondsite.core.inventory.CapabilityProfile;
import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.HostGroup;
import dev.secondsite.core.inventory.HyperVCluster;
import dev.secondsite.core.inventory.LogicalNetwork;
import dev.secondsite.core.inventory.NetworkAdapter;
import dev.secondsite.core.inventory.ObservedReplication;
import dev.secondsite.core.inventory.PowerState;
import dev.secondsite.core.inventory.ProviderNode;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.StorageClassification;
import dev.secondsite.core.inventory.VirtualDisk;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.inventory.VmNetwork;
import dev.secondsite.core.inventory.VmmVersion;
import dev.secondsite.core.inventory.WindowsServerVersion;
import java.util.Collection;
import java.util.LinkedHashSet;
import javax.annotation.Nullable;

/** Reads and writes a {@link Site} (a server's inventory) as a JSON object of the configuration document. */
final class SiteJson {
    private SiteJson() {
    }

    static ObjectNode write(Site site) {
        ObjectNode o = JsonIn.MAPPER.createObjectNode();
        o.put("id", site.id()).put("name", site.name()).put("vmmVersion", site.vmmVersion().name());
        site.clusterRoleName().ifPresent(r -> o.put("clusterRoleName", r));
        o.put("providerVersion", site.providerVersion());
        ArrayNode nodes = o.putArray("clusterNodes");
        site.clusterNodes().forEach(n -> nodes.addObject().put("name", n.name())
                .put("providerVersion", n.providerVersion()));
        ArrayNode groups = o.putArray("hostGroups");
        site.hostGroups().forEach(g -> putOpt(groups.addObject().put("name", g.name()), "parent", g.parent()));
        ArrayNode clusters = o.putArray("clusters");
        site.clusters().forEach(c -> putOpt(clusters.addObject().put("name", c.name()).put("staticIp", c.staticIp()),
                "replicaBroker", c.replicaBroker()));
        ArrayNode hosts = o.putArray("hosts");
        site.hosts().forEach(h -> putOpt(hosts.addObject().put("name", h.name())
                .put("windowsServerVersion", h.windowsServerVersion().name()).put("hostGroup", h.hostGroup())
                .put("hyperVRole", h.hyperVRole()), "cluster", h.cluster()));
        ArrayNode logical = o.putArray("logicalNetworks");
        site.logicalNetworks().forEach(n -> logical.add(n.name()));
        ArrayNode vmNetworks = o.putArray("vmNetworks");
        site.vmNetworks().forEach(n -> vmNetworks.addObject().put("name", n.name())
                .put("logicalNetwork", n.logicalNetwork()));
        ArrayNode storage = o.putArray("storageClassifications");
        site.storageClassifications().forEach(s -> strings(storage.addObject().put("name", s.name()), "hosts",
                s.hosts()));
        ArrayNode clouds = o.putArray("clouds");
        for (Cloud c : site.clouds()) {
            ObjectNode co = clouds.addObject().put("name", c.name());
            strings(co, "capabilityProfiles", c.capabilityProfiles().stream().map(Enum::name).toList());
            strings(co, "hostGroups", c.hostGroups());
            strings(co, "logicalNetworks", c.logicalNetworks());
        }
        ArrayNode vms = o.putArray("vms");
        site.vms().forEach(vm -> vms.add(writeVm(vm)));
        return o;
    }

    private static ObjectNode writeVm(Vm vm) {
        ObjectNode o = JsonIn.MAPPER.createObjectNode().put("id", vm.id()).put("name", vm.name())
                .put("host", vm.host()).put("powerState", vm.powerState().name());
        ArrayNode nics = o.putArray("networkAdapters");
        vm.networkAdapters().forEach(a -> putOpt(nics.addObject().put("name", a.name()), "vmNetwork", a.vmNetwork()));
        ArrayNode disks = o.putArray("disks");
        vm.disks().forEach(d -> disks.addObject().put("path", d.path())
                .put("storageClassification", d.storageClassification()));
        ObservedReplication r = vm.observedReplication();
        if (r != null) {
            o.putObject("observedReplication").put("replicaHost", r.replicaHost())
                    .put("replicationFrequencySec", r.replicationFrequencySec())
                    .put("recoveryHistory", r.recoveryHistory())
                    .put("vssSnapshotFrequencyHour", r.vssSnapshotFrequencyHour())
                    .put("compressionEnabled", r.compressionEnabled())
                    .put("authenticationType", r.authenticationType())
                    .put("replicaServerPort", r.replicaServerPort());
        }
        return o;
    }

    static Site read(JsonIn in) {
        Site.Builder b = in.build(() -> Site.builder(in.text("id"), in.text("name")));
        b.vmmVersion(in.enumValue("vmmVersion", VmmVersion.class));
        String role = in.optText("clusterRoleName");
        b.clusterRoleName(role);
        b.providerVersion(in.text("providerVersion"));
        in.list("clusterNodes", n -> n.build(() -> new ProviderNode(n.text("name"), n.text("providerVersion"))))
                .forEach(b::clusterNode);
        in.list("hostGroups", g -> g.build(() -> new HostGroup(g.text("name"), g.optText("parent"))))
                .forEach(b::hostGroup);
        in.list("clusters", c -> c.build(() -> new HyperVCluster(c.text("name"), c.bool("staticIp"),
                c.optText("replicaBroker")))).forEach(b::cluster);
        in.list("hosts", h -> h.build(() -> new Host(h.text("name"),
                h.enumValue("windowsServerVersion", WindowsServerVersion.class), h.text("hostGroup"),
                h.bool("hyperVRole"), h.optText("cluster")))).forEach(b::host);
        in.texts("logicalNetworks").forEach(n -> b.logicalNetwork(in.build(() -> new LogicalNetwork(n))));
        in.list("vmNetworks", n -> n.build(() -> new VmNetwork(n.text("name"), n.text("logicalNetwork"))))
                .forEach(b::vmNetwork);
        in.list("storageClassifications", s -> s.build(() -> new StorageClassification(s.text("name"),
                new LinkedHashSet<>(s.texts("hosts"))))).forEach(b::storageClassification);
        in.list("clouds", c -> c.build(() -> new Cloud(c.text("name"),
                new LinkedHashSet<>(c.enums("capabilityProfiles", CapabilityProfile.class)), c.texts("hostGroups"),
                new LinkedHashSet<>(c.texts("logicalNetworks"))))).forEach(b::cloud);
        in.list("vms", SiteJson::readVm).forEach(b::vm);
        return in.build(b::build);
    }

    private static Vm readVm(JsonIn in) {
        Vm.Builder b = Vm.builder(in.text("id"), in.text("name")).host(in.text("host"))
                .powerState(in.enumValue("powerState", PowerState.class));
        in.list("networkAdapters", a -> a.build(() -> new NetworkAdapter(a.text("name"), a.optText("vmNetwork"))))
                .forEach(b::networkAdapter);
        in.list("disks", d -> d.build(() -> new VirtualDisk(d.text("path"), d.text("storageClassification"))))
                .forEach(d -> b.disk(d.path(), d.storageClassification()));
        JsonIn r = in.optObject("observedReplication");
        if (r != null) {
            b.observedReplication(r.build(() -> new ObservedReplication(r.text("replicaHost"),
                    r.integer("replicationFrequencySec"), r.integer("recoveryHistory"),
                    r.integer("vssSnapshotFrequencyHour"), r.bool("compressionEnabled"),
                    r.text("authenticationType"), r.integer("replicaServerPort"))));
            r.end();
        }
        return in.build(b::build);
    }

    static void putOpt(ObjectNode o, String field, @Nullable String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    static void strings(ObjectNode o, String field, Collection<String> values) {
        ArrayNode a = o.putArray(field);
        values.forEach(a::add);
    }
}
