package dev.secondsite.core.inventory;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableListMultimap;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.ImmutableSetMultimap;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.annotation.Nullable;

/**
 * One VMM server (or VMM cluster role) and everything it manages: clouds, host groups, Hyper-V hosts and clusters,
 * VMs, logical and VM networks, storage classifications. This is the inventory a provider syncs to the vault (R5).
 *
 * <p>Build one with {@link #builder(String, String)}; {@code build()} checks that names are unique and that every
 * reference (a host's group, a VM's host, a NIC's network, a disk's classification, a cloud's groups and logical
 * networks) resolves, and throws {@link InvalidConfigurationException} ({@link Rule#INPUT}) naming the first one
 * that does not. Lookups by name are constant time.
 *
 * <p>Immutable and thread-safe.
 */
public final class Site {
    private final String id;
    private final String name;
    private final VmmVersion vmmVersion;
    private final @Nullable String clusterRoleName;
    private final String providerVersion;
    private final ImmutableList<ProviderNode> clusterNodes;
    private final ImmutableMap<String, Cloud> clouds;
    private final ImmutableMap<String, HostGroup> hostGroups;
    private final ImmutableMap<String, Host> hosts;
    private final ImmutableMap<String, HyperVCluster> clusters;
    private final ImmutableMap<String, LogicalNetwork> logicalNetworks;
    private final ImmutableMap<String, VmNetwork> vmNetworks;
    private final ImmutableMap<String, StorageClassification> storageClassifications;
    private final ImmutableMap<String, Vm> vms;
    // derived indexes
    private final ImmutableSetMultimap<String, String> hostsByCloud;
    private final ImmutableSetMultimap<String, String> cloudsByHost;
    private final ImmutableListMultimap<String, Vm> vmsByHost;

    private Site(Builder b) {
        String subject = "site " + b.id;
        this.id = Checks.text(subject, "id", b.id);
        this.name = Checks.text(subject, "name", b.name);
        this.vmmVersion = Checks.present(Rule.INPUT, subject, "vmmVersion", b.vmmVersion);
        this.clusterRoleName = b.clusterRoleName;
        this.providerVersion = Checks.text(subject, "providerVersion", b.providerVersion);
        this.clusterNodes = ImmutableList.copyOf(b.clusterNodes);
        Checks.unique(subject, "clusterNodes.name", clusterNodes, ProviderNode::name);
        this.clouds = index(subject, "clouds.name", b.clouds, Cloud::name);
        this.hostGroups = index(subject, "hostGroups.name", b.hostGroups, HostGroup::name);
        this.hosts = index(subject, "hosts.name", b.hosts, Host::name);
        this.clusters = index(subject, "clusters.name", b.clusters, HyperVCluster::name);
        this.logicalNetworks = index(subject, "logicalNetworks.name", b.logicalNetworks, LogicalNetwork::name);
        this.vmNetworks = index(subject, "vmNetworks.name", b.vmNetworks, VmNetwork::name);
        this.storageClassifications = index(subject, "storageClassifications.name", b.storageClassifications,
                StorageClassification::name);
        this.vms = index(subject, "vms.id", b.vms, Vm::id);
        checkReferences();
        this.hostsByCloud = indexHostsByCloud();
        this.cloudsByHost = hostsByCloud.inverse();
        this.vmsByHost = vms.values().stream().collect(ImmutableListMultimap.toImmutableListMultimap(Vm::host, v -> v));
    }

    private static <T> ImmutableMap<String, T> index(String subject, String field, List<T> items,
                                                     Function<T, String> key) {
        Checks.unique(subject, field, items, key);
        return items.stream().collect(ImmutableMap.toImmutableMap(key, v -> v));
    }

    private void checkReferences() {
        for (HostGroup g : hostGroups.values()) {
            requireKnown(hostGroups, "host group " + g.name(), "parent", g.parent());
            // a parent chain that loops would make "which clouds contain this host" undefined
            Set<String> seen = new HashSet<>();
            for (HostGroup at = g; at != null; at = at.parent() == null ? null : hostGroups.get(at.parent())) {
                if (!seen.add(at.name())) {
                    throw InvalidConfigurationException.of(Rule.INPUT, "site " + id, "hostGroups.parent", g.name(),
                            "hostGroups.parent ('" + g.name() + "') forms a cycle");
                }
            }
        }
        for (Cloud c : clouds.values()) {
            c.hostGroups().forEach(g -> requireKnown(hostGroups, "cloud " + c.name(), "hostGroups", g));
            c.logicalNetworks().forEach(n -> requireKnown(logicalNetworks, "cloud " + c.name(), "logicalNetworks", n));
        }
        for (Host h : hosts.values()) {
            requireKnown(hostGroups, "host " + h.name(), "hostGroup", h.hostGroup());
            requireKnown(clusters, "host " + h.name(), "cluster", h.cluster());
        }
        for (VmNetwork n : vmNetworks.values()) {
            requireKnown(logicalNetworks, "VM network " + n.name(), "logicalNetwork", n.logicalNetwork());
        }
        for (StorageClassification s : storageClassifications.values()) {
            s.hosts().forEach(h -> requireKnown(hosts, "storage classification " + s.name(), "hosts", h));
        }
        for (Vm vm : vms.values()) {
            String subject = "VM " + vm.name();
            requireKnown(hosts, subject, "host", vm.host());
            vm.networkAdapters().forEach(a -> requireKnown(vmNetworks, subject, "networkAdapters.vmNetwork",
                    a.vmNetwork()));
            vm.disks().forEach(d -> requireKnown(storageClassifications, subject, "disks.storageClassification",
                    d.storageClassification()));
        }
    }

    private void requireKnown(Map<String, ?> known, String subject, String field, @Nullable String ref) {
        if (ref != null && !known.containsKey(ref)) {
            throw InvalidConfigurationException.of(Rule.INPUT, subject, field, ref,
                    field + " ('" + ref + "') names nothing on server " + id);
        }
    }

    private ImmutableSetMultimap<String, String> indexHostsByCloud() {
        // a host is in every cloud that contains its host group or one of that group's ancestors
        ImmutableSetMultimap.Builder<String, String> groupsToClouds = ImmutableSetMultimap.builder();
        clouds.values().forEach(c -> c.hostGroups().forEach(g -> groupsToClouds.put(g, c.name())));
        ImmutableSetMultimap<String, String> cloudsOfGroup = groupsToClouds.build();
        ImmutableSetMultimap.Builder<String, String> result = ImmutableSetMultimap.builder();
        for (Host h : hosts.values()) {
            for (HostGroup g = hostGroups.get(h.hostGroup()); g != null;
                 g = g.parent() == null ? null : hostGroups.get(g.parent())) {
                for (String cloud : cloudsOfGroup.get(g.name())) {
                    result.put(cloud, h.name());
                }
            }
        }
        return result.build();
    }

    public static Builder builder(String id, String name) {
        return new Builder(id, name);
    }

    /** A builder holding this site's values, to make a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder(id, name).vmmVersion(vmmVersion).providerVersion(providerVersion)
                .clusterRoleName(clusterRoleName);
        b.clusterNodes.addAll(clusterNodes);
        b.clouds.addAll(clouds.values());
        b.hostGroups.addAll(hostGroups.values());
        b.hosts.addAll(hosts.values());
        b.clusters.addAll(clusters.values());
        b.logicalNetworks.addAll(logicalNetworks.values());
        b.vmNetworks.addAll(vmNetworks.values());
        b.storageClassifications.addAll(storageClassifications.values());
        b.vms.addAll(vms.values());
        return b;
    }

    /** The server's id, unique in a vault. */
    public String id() {
        return id;
    }

    /** The server's DNS name. */
    public String name() {
        return name;
    }

    /** The name this server registers under: the cluster role name when clustered (R2), else its name. */
    public String registrationName() {
        return clusterRoleName != null ? clusterRoleName : name;
    }

    public VmmVersion vmmVersion() {
        return vmmVersion;
    }

    public Optional<String> clusterRoleName() {
        return Optional.ofNullable(clusterRoleName);
    }

    public boolean isClustered() {
        return clusterRoleName != null;
    }

    /** The provider version of a stand-alone server (for a cluster, see {@link #clusterNodes()}). */
    public String providerVersion() {
        return providerVersion;
    }

    /** The nodes of a clustered VMM server; empty for a stand-alone server. */
    public List<ProviderNode> clusterNodes() {
        return clusterNodes;
    }

    public Collection<Cloud> clouds() {
        return clouds.values();
    }

    public Collection<HostGroup> hostGroups() {
        return hostGroups.values();
    }

    public Collection<Host> hosts() {
        return hosts.values();
    }

    public Collection<HyperVCluster> clusters() {
        return clusters.values();
    }

    public Collection<LogicalNetwork> logicalNetworks() {
        return logicalNetworks.values();
    }

    public Collection<VmNetwork> vmNetworks() {
        return vmNetworks.values();
    }

    public Collection<StorageClassification> storageClassifications() {
        return storageClassifications.values();
    }

    public Collection<Vm> vms() {
        return vms.values();
    }

    public Optional<Cloud> cloud(String name) {
        return Optional.ofNullable(clouds.get(name));
    }

    public Optional<Host> host(String name) {
        return Optional.ofNullable(hosts.get(name));
    }

    public Optional<HyperVCluster> cluster(String name) {
        return Optional.ofNullable(clusters.get(name));
    }

    public Optional<VmNetwork> vmNetwork(String name) {
        return Optional.ofNullable(vmNetworks.get(name));
    }

    public Optional<StorageClassification> storageClassification(String name) {
        return Optional.ofNullable(storageClassifications.get(name));
    }

    public Optional<Vm> vm(String id) {
        return Optional.ofNullable(vms.get(id));
    }

    /** Names of the hosts in {@code cloud} (through its host groups and their sub-groups). */
    public Set<String> hostsOf(String cloud) {
        return hostsByCloud.get(cloud);
    }

    /** Names of the clouds that contain {@code host} (P5: a host with VMs to protect is in at least one). */
    public Set<String> cloudsOf(String host) {
        return cloudsByHost.get(host);
    }

    /** The VMs on {@code host}. */
    public List<Vm> vmsOn(String host) {
        return vmsByHost.get(host);
    }

    /** The VMs on hosts of {@code cloud}. */
    public List<Vm> vmsOf(String cloud) {
        List<Vm> result = new ArrayList<>();
        for (String host : hostsOf(cloud)) {
            result.addAll(vmsOn(host));
        }
        return result;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Site s && id.equals(s.id) && name.equals(s.name) && vmmVersion == s.vmmVersion
                && Objects.equals(clusterRoleName, s.clusterRoleName) && providerVersion.equals(s.providerVersion)
                && clusterNodes.equals(s.clusterNodes) && clouds.equals(s.clouds) && hostGroups.equals(s.hostGroups)
                && hosts.equals(s.hosts) && clusters.equals(s.clusters) && logicalNetworks.equals(s.logicalNetworks)
                && vmNetworks.equals(s.vmNetworks) && storageClassifications.equals(s.storageClassifications)
                && vms.equals(s.vms);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, name, vmmVersion, clouds.keySet(), hosts.keySet(), vms.keySet());
    }

    @Override
    public String toString() {
        return "Site[" + id + " " + registrationName() + " " + vmmVersion + ", " + clouds.size() + " clouds, "
                + hosts.size() + " hosts, " + vms.size() + " VMs]";
    }

    /** Builds a {@link Site}. Not thread-safe. */
    public static final class Builder {
        private final String id;
        private final String name;
        private @Nullable VmmVersion vmmVersion = VmmVersion.SC2012_R2;
        private @Nullable String clusterRoleName;
        private String providerVersion = "1.0";
        private final List<ProviderNode> clusterNodes = new ArrayList<>();
        private final List<Cloud> clouds = new ArrayList<>();
        private final List<HostGroup> hostGroups = new ArrayList<>();
        private final List<Host> hosts = new ArrayList<>();
        private final List<HyperVCluster> clusters = new ArrayList<>();
        private final List<LogicalNetwork> logicalNetworks = new ArrayList<>();
        private final List<VmNetwork> vmNetworks = new ArrayList<>();
        private final List<StorageClassification> storageClassifications = new ArrayList<>();
        private final List<Vm> vms = new ArrayList<>();

        private Builder(String id, String name) {
            this.id = id;
            this.name = name;
        }

        public Builder vmmVersion(VmmVersion vmmVersion) {
            this.vmmVersion = requireNonNull(vmmVersion, "vmmVersion");
            return this;
        }

        /** Makes this a clustered VMM server registered under {@code roleName} (R2), or stand-alone for null. */
        public Builder clusterRoleName(@Nullable String roleName) {
            this.clusterRoleName = roleName;
            return this;
        }

        public Builder providerVersion(String providerVersion) {
            this.providerVersion = requireNonNull(providerVersion, "providerVersion");
            return this;
        }

        public Builder clusterNode(ProviderNode node) {
            clusterNodes.add(requireNonNull(node, "node"));
            return this;
        }

        public Builder cloud(Cloud cloud) {
            clouds.add(requireNonNull(cloud, "cloud"));
            return this;
        }

        /** Replaces the cloud of the same name, or adds it. */
        public Builder replaceCloud(Cloud cloud) {
            clouds.removeIf(c -> c.name().equals(cloud.name()));
            return cloud(cloud);
        }

        public Builder hostGroup(HostGroup group) {
            hostGroups.add(requireNonNull(group, "group"));
            return this;
        }

        public Builder host(Host host) {
            hosts.add(requireNonNull(host, "host"));
            return this;
        }

        public Builder cluster(HyperVCluster cluster) {
            clusters.add(requireNonNull(cluster, "cluster"));
            return this;
        }

        public Builder logicalNetwork(LogicalNetwork network) {
            logicalNetworks.add(requireNonNull(network, "network"));
            return this;
        }

        public Builder vmNetwork(VmNetwork network) {
            vmNetworks.add(requireNonNull(network, "network"));
            return this;
        }

        public Builder storageClassification(StorageClassification classification) {
            storageClassifications.add(requireNonNull(classification, "classification"));
            return this;
        }

        public Builder vm(Vm vm) {
            vms.add(requireNonNull(vm, "vm"));
            return this;
        }

        /** Replaces the VM with the same id, or adds it. */
        public Builder replaceVm(Vm vm) {
            vms.removeIf(v -> v.id().equals(vm.id()));
            return vm(vm);
        }

        /** Keeps only the clouds {@code keep} accepts (used for one-by-one cloud sync, R4). */
        public Builder retainClouds(java.util.function.Predicate<Cloud> keep) {
            clouds.removeIf(keep.negate());
            return this;
        }

        /**
         * @throws InvalidConfigurationException ({@link Rule#INPUT}) naming the first repeated name or the first
         *     reference that resolves to nothing
         */
        public Site build() {
            return new Site(this);
        }
    }
}
