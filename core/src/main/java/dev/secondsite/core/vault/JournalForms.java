package dev.secondsite.core.vault;

import dev.secondsite.core.Secret;
import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.HostGroup;
import dev.secondsite.core.inventory.HyperVCluster;
import dev.secondsite.core.inventory.LogicalNetwork;
import dev.secondsite.core.inventory.ProviderNode;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.StorageClassification;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.inventory.VmNetwork;
import dev.secondsite.core.inventory.VmmVersion;
import dev.secondsite.core.plan.PlanAction;
import dev.secondsite.core.plan.PlanContext;
import dev.secondsite.core.plan.RecoveryGroup;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.plan.Slot;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.ProtectedVm;
import dev.secondsite.core.protection.ProtectionConfiguration;
import dev.secondsite.core.protection.StorageMapping;
import dev.secondsite.core.registration.ProxySettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.annotation.Nullable;

/**
 * The journal forms ({@link JournalCodec}) of the values that are not records: each a record of what the value is
 * built from, converted both ways. Stateless; every form is immutable and thread-safe.
 */
final class JournalForms {
    /** Plans are checked when saved (RP1); replay takes them as they were, whatever became of their VMs since. */
    private static final PlanContext AS_SAVED = new PlanContext() {
        @Override
        public boolean isProtectedOn(String serverId, String vmId) {
            return true;
        }

        @Override
        public Optional<List<String>> replicationGroup(String serverId, String groupName) {
            return Optional.empty();
        }
    };

    private JournalForms() {
    }

    record SiteForm(String id, String name, VmmVersion vmmVersion, @Nullable String clusterRoleName,
                    String providerVersion, List<ProviderNode> clusterNodes, List<Cloud> clouds,
                    List<HostGroup> hostGroups, List<Host> hosts, List<HyperVCluster> clusters,
                    List<LogicalNetwork> logicalNetworks, List<VmNetwork> vmNetworks,
                    List<StorageClassification> storageClassifications, List<Vm> vms) {
        static SiteForm of(Site s) {
            return new SiteForm(s.id(), s.name(), s.vmmVersion(), s.clusterRoleName().orElse(null),
                    s.providerVersion(), s.clusterNodes(), List.copyOf(s.clouds()), List.copyOf(s.hostGroups()),
                    List.copyOf(s.hosts()), List.copyOf(s.clusters()), List.copyOf(s.logicalNetworks()),
                    List.copyOf(s.vmNetworks()), List.copyOf(s.storageClassifications()), List.copyOf(s.vms()));
        }

        Site site() {
            Site.Builder b = Site.builder(id, name).vmmVersion(vmmVersion).clusterRoleName(clusterRoleName)
                    .providerVersion(providerVersion);
            clusterNodes.forEach(b::clusterNode);
            clouds.forEach(b::cloud);
            hostGroups.forEach(b::hostGroup);
            hosts.forEach(b::host);
            clusters.forEach(b::cluster);
            logicalNetworks.forEach(b::logicalNetwork);
            vmNetworks.forEach(b::vmNetwork);
            storageClassifications.forEach(b::storageClassification);
            vms.forEach(b::vm);
            return b.build();
        }
    }

    record PlanForm(String name, String sourceServer, String targetServer, List<PlanAction> beforeShutdown,
                    List<PlanAction> afterShutdown, List<PlanAction> beforeFailover, List<PlanAction> afterFailover,
                    List<RecoveryGroup> groups) {
        static PlanForm of(RecoveryPlan p) {
            return new PlanForm(p.name(), p.sourceServer(), p.targetServer(), p.actions(Slot.beforeShutdown()),
                    p.actions(Slot.afterShutdown()), p.actions(Slot.beforeFailover()), p.actions(Slot.afterFailover()),
                    p.groups());
        }

        RecoveryPlan plan() {
            RecoveryPlan.Builder b = RecoveryPlan.builder(name, sourceServer, targetServer, AS_SAVED);
            beforeShutdown.forEach(a -> b.addAction(Slot.beforeShutdown(), a));
            afterShutdown.forEach(a -> b.addAction(Slot.afterShutdown(), a));
            beforeFailover.forEach(a -> b.addAction(Slot.beforeFailover(), a));
            afterFailover.forEach(a -> b.addAction(Slot.afterFailover(), a));
            for (int g = 1; g <= groups.size(); g++) {
                if (g > 1) {
                    b.addGroup();
                }
                RecoveryGroup group = groups.get(g - 1);
                b.addVms(g, group.vms());
                for (PlanAction a : group.before()) {
                    b.addAction(Slot.beforeGroup(g), a);
                }
                for (PlanAction a : group.after()) {
                    b.addAction(Slot.afterGroup(g), a);
                }
            }
            // dependencies last: they may wait for VMs of any group
            groups.forEach(group -> group.dependencies().forEach(d -> b.addDependency(d.vm(), d.after())));
            return b.build();
        }
    }

    /** A proxy with its password: the vault needs it after a restart. Never shown by {@link #toString()}. */
    record ProxyForm(String address, int port, @Nullable String user, @Nullable String password) {
        static ProxyForm of(ProxySettings p) {
            return new ProxyForm(p.address(), p.port(), p.user().orElse(null),
                    p.password().map(Secret::reveal).orElse(null));
        }

        ProxySettings proxy() {
            ProxySettings.Builder b = ProxySettings.builder(address, port);
            if (user != null) {
                b.user(user);
            }
            if (password != null) {
                b.password(Secret.of(password));
            }
            return b.build();
        }

        @Override
        public String toString() {
            return "ProxyForm[" + address + ":" + port + ", user " + user + ", password ****]";
        }
    }

    record ServerForm(RegisteredServer server, Site inventory) {
    }

    record ConfigurationForm(VaultInfo info, List<ServerForm> servers, List<CloudPairing> pairings,
                             List<NetworkMapping> networkMappings, List<StorageMapping> storageMappings,
                             List<ProtectedVm> protectedVms, List<RecoveryPlan> plans,
                             @Nullable List<String> revokedKeys) {
        static ConfigurationForm of(VaultConfiguration c) {
            ProtectionConfiguration p = c.protection();
            return new ConfigurationForm(c.info(), c.servers().stream()
                    .map(s -> new ServerForm(s, c.reportedInventories().get(s.serverId()))).toList(), p.pairings(),
                    p.networkMappings(), p.storageMappings(), List.copyOf(p.protectedVms()), List.copyOf(c.plans()),
                    // left out while empty, so a vault that never revoked a key writes what earlier versions wrote
                    c.revokedKeys().isEmpty() ? null : List.copyOf(c.revokedKeys()));
        }

        VaultConfiguration configuration() {
            Map<String, Site> inventories = new LinkedHashMap<>();
            servers.forEach(s -> inventories.put(s.server().serverId(), s.inventory()));
            return VaultConfiguration.of(info, servers.stream().map(ServerForm::server).toList(), inventories,
                    ProtectionConfiguration.of(pairings, networkMappings, storageMappings, protectedVms), plans)
                    .withRevokedKeys(revokedKeys == null ? List.of() : revokedKeys);
        }
    }
}
