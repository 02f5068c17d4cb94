package dev.secondsite.core.vault;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.ValidationReport;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.plan.PlanContext;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.protection.ProtectionConfiguration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything a vault is configured with, as one immutable value: its identity, its registered servers, each
 * server's inventory as last reported, and (through the protection configuration) pairings, mappings and protected
 * VMs. This is what is exported as JSON and what a {@link Vault} swaps atomically on every change.
 *
 * <p>A server's reported inventory may hold clouds that are not synced yet (R4, one-by-one sync); {@link #sites()}
 * is the vault's view, with synced clouds only.
 *
 * <p>Immutable and thread-safe; value equality.
 */
public final class VaultConfiguration {
    private final VaultInfo info;
    private final ImmutableMap<String, RegisteredServer> servers;
    private final ImmutableMap<String, Site> reportedInventories;
    private final ImmutableMap<String, Site> sites;
    private final ProtectionConfiguration protection;
    private final ImmutableMap<String, RecoveryPlan> plans;
    /** K1: ids of registration keys revoked before their validity ended, in revocation order. */
    private final ImmutableSet<String> revokedKeys;

    private VaultConfiguration(VaultInfo info, Map<String, RegisteredServer> servers,
                               Map<String, Site> reportedInventories, ProtectionConfiguration protection,
                               Map<String, RecoveryPlan> plans, Set<String> revokedKeys) {
        this.revokedKeys = ImmutableSet.copyOf(revokedKeys);
        this.info = requireNonNull(info, "info");
        this.protection = requireNonNull(protection, "protection");
        this.plans = ImmutableMap.copyOf(plans);
        this.servers = ImmutableMap.copyOf(servers);
        this.reportedInventories = ImmutableMap.copyOf(reportedInventories);
        if (!servers.keySet().equals(reportedInventories.keySet())) {
            throw InvalidConfigurationException.of(Rule.R5, "vault " + info.name(), "inventories",
                    reportedInventories.keySet(), "inventories (" + reportedInventories.keySet()
                            + ") must be those of the registered servers (" + servers.keySet() + ")");
        }
        ImmutableMap.Builder<String, Site> view = ImmutableMap.builder();
        for (RegisteredServer server : this.servers.values()) {
            view.put(server.serverId(), syncedView(server, reportedInventories.get(server.serverId())));
        }
        this.sites = view.build();
    }

    /**
     * A configuration with servers, their reported inventories and their protection (pairings, mappings, protected
     * VMs). The protection is not re-validated against the inventories here: {@link #validate()} reports that.
     *
     * @throws InvalidConfigurationException (INPUT, R4, R5) when servers repeat, inventories do not match the
     *     servers, or synced clouds were not reported
     */
    public static VaultConfiguration of(VaultInfo info, Collection<RegisteredServer> servers,
                                        Map<String, Site> reportedInventories, ProtectionConfiguration protection,
                                        Collection<RecoveryPlan> plans) {
        Map<String, RegisteredServer> byId = new LinkedHashMap<>();
        for (RegisteredServer s : servers) {
            if (byId.put(s.serverId(), s) != null) {
                throw InvalidConfigurationException.of(Rule.INPUT, "vault " + info.name(), "servers.serverId",
                        s.serverId(), "servers.serverId ('" + s.serverId() + "') appears more than once");
            }
        }
        Map<String, RecoveryPlan> byName = new LinkedHashMap<>();
        for (RecoveryPlan plan : plans) {
            if (byName.put(plan.name(), plan) != null) {
                throw InvalidConfigurationException.of(Rule.RP1, "vault " + info.name(), "plans.name", plan.name(),
                        "plans.name ('" + plan.name() + "') appears more than once");
            }
        }
        return new VaultConfiguration(info, byId, reportedInventories, protection, byName, Set.of());
    }

    /** An empty configuration for a new vault. */
    public static VaultConfiguration empty(VaultInfo info) {
        return new VaultConfiguration(info, Map.of(), Map.of(), ProtectionConfiguration.empty(), Map.of(), Set.of());
    }

    private static Site syncedView(RegisteredServer server, Site reported) {
        if (!reported.id().equals(server.serverId())) {
            throw InvalidConfigurationException.of(Rule.R5, "server " + server.serverId(), "inventory.id",
                    reported.id(), "inventory.id ('" + reported.id() + "') must be the server's id ('"
                            + server.serverId() + "')");
        }
        for (String cloud : server.syncedClouds()) {
            if (reported.cloud(cloud).isEmpty()) {
                throw InvalidConfigurationException.of(Rule.R4, "server " + server.serverId(), "syncedClouds", cloud,
                        "syncedClouds ('" + cloud + "') names no cloud the server reported");
            }
        }
        if (server.syncedClouds().size() == reported.clouds().size()) {
            return reported;
        }
        return reported.toBuilder().retainClouds(c -> server.syncedClouds().contains(c.name())).build();
    }

    public VaultInfo info() {
        return info;
    }

    /** Registered servers in registration order. */
    public Collection<RegisteredServer> servers() {
        return servers.values();
    }

    public Optional<RegisteredServer> server(String serverId) {
        return Optional.ofNullable(servers.get(serverId));
    }

    /** Each server's inventory as it last reported it, synced clouds or not, by server id. */
    public Map<String, Site> reportedInventories() {
        return reportedInventories;
    }

    /** The vault's view of every server's inventory (synced clouds only), by server id. */
    public Map<String, Site> sites() {
        return sites;
    }

    /** Pairings, network and storage mappings, protected VMs. */
    public ProtectionConfiguration protection() {
        return protection;
    }

    /**
     * Checks the whole configuration against the synced inventory: every pairing, mapping and protected VM (the
     * rules of SPEC sections 1 and 3-6), in time linear in its size.
     */
    public ValidationReport validate() {
        return protection.validate(sites);
    }

    /** Recovery plans in the order they were first saved. */
    public Collection<RecoveryPlan> plans() {
        return plans.values();
    }

    public Optional<RecoveryPlan> plan(String name) {
        return Optional.ofNullable(plans.get(name));
    }

    /**
     * What recovery plans are checked against (RP1): a VM may join a plan of server S when this configuration
     * protects it with S as its primary server. Replication groups (RP2) are not part of the synced inventory, so
     * none is known here.
     */
    public PlanContext planContext() {
        return new PlanContext() {
            @Override
            public boolean isProtectedOn(String serverId, String vmId) {
                return protection.protectedVm(vmId).map(vm -> vm.primaryServerId().equals(serverId)).orElse(false);
            }

            @Override
            public Optional<List<String>> replicationGroup(String serverId, String groupName) {
                return Optional.empty();
            }
        };
    }

    VaultConfiguration withProtection(ProtectionConfiguration next) {
        return new VaultConfiguration(info, servers, reportedInventories, next, plans, revokedKeys);
    }

    VaultConfiguration withPlan(RecoveryPlan plan) {
        Map<String, RecoveryPlan> p = new LinkedHashMap<>(plans);
        p.put(plan.name(), plan);
        return new VaultConfiguration(info, servers, reportedInventories, protection, p, revokedKeys);
    }

    VaultConfiguration withoutPlan(String name) {
        Map<String, RecoveryPlan> p = new LinkedHashMap<>(plans);
        p.remove(name);
        return new VaultConfiguration(info, servers, reportedInventories, protection, p, revokedKeys);
    }

    /** K1: the ids of the registration keys the vault revoked, in revocation order. */
    public Set<String> revokedKeys() {
        return revokedKeys;
    }

    VaultConfiguration withRevokedKeys(Collection<String> keyIds) {
        Set<String> r = new LinkedHashSet<>(revokedKeys);
        r.addAll(keyIds);
        return new VaultConfiguration(info, servers, reportedInventories, protection, plans, r);
    }

    VaultConfiguration withServer(RegisteredServer server, Site reported) {
        Map<String, RegisteredServer> s = new LinkedHashMap<>(servers);
        s.put(server.serverId(), server);
        Map<String, Site> inv = new LinkedHashMap<>(reportedInventories);
        inv.put(server.serverId(), reported);
        return new VaultConfiguration(info, s, inv, protection, plans, revokedKeys);
    }

    VaultConfiguration withoutServer(String serverId) {
        Map<String, RegisteredServer> s = new LinkedHashMap<>(servers);
        s.remove(serverId);
        Map<String, Site> inv = new LinkedHashMap<>(reportedInventories);
        inv.remove(serverId);
        return new VaultConfiguration(info, s, inv, protection, plans, revokedKeys);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VaultConfiguration c && info.equals(c.info) && servers.equals(c.servers)
                && reportedInventories.equals(c.reportedInventories) && protection.equals(c.protection)
                && plans.equals(c.plans) && revokedKeys.equals(c.revokedKeys);
    }

    @Override
    public int hashCode() {
        return Objects.hash(info, servers, reportedInventories, protection, plans.keySet());
    }

    @Override
    public String toString() {
        return "VaultConfiguration[" + info.name() + ", " + servers.size() + " servers, "
                + protection.pairings().size() + " pairings, " + protection.protectedVms().size() + " protected VMs]";
    }
}
