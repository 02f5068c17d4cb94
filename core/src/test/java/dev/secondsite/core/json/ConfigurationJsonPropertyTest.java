package dev.secondsite.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.secondsite.core.SecondsiteException;
import dev.secondsite.core.Secret;
import dev.secondsite.core.inventory.CapabilityProfile;
import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.HostGroup;
import dev.secondsite.core.inventory.HyperVCluster;
import dev.secondsite.core.inventory.LogicalNetwork;
import dev.secondsite.core.inventory.ObservedReplication;
import dev.secondsite.core.inventory.PowerState;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.StorageClassification;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.inventory.VmNetwork;
import dev.secondsite.core.inventory.VmmVersion;
import dev.secondsite.core.inventory.WindowsServerVersion;
import dev.secondsite.core.plan.PlanAction;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.plan.ScriptSide;
import dev.secondsite.core.plan.Slot;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.CopyFrequency;
import dev.secondsite.core.protection.InitialReplication;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.ProtectedVm;
import dev.secondsite.core.protection.ProtectionConfiguration;
import dev.secondsite.core.protection.ProtectionOperation;
import dev.secondsite.core.protection.ProtectionOrigin;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.protection.StorageMapping;
import dev.secondsite.core.registration.CloudSync;
import dev.secondsite.core.registration.ProxySettings;
import dev.secondsite.core.vault.RegisteredServer;
import dev.secondsite.core.vault.VaultConfiguration;
import dev.secondsite.core.vault.VaultInfo;
import dev.secondsite.core.vault.VaultState;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Property: for random vault configurations (random inventories, registrations, pairings, mappings, protected VMs in
 * random states, plans), export -> import -> export gives the same document, and the imported configuration equals
 * the original without its secrets.
 */
class ConfigurationJsonPropertyTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private static final String SECRET = "S3cret-Proxy-Pw";

    @Test
    @DisplayName("export -> import -> export is identity, and import gives the configuration without its secrets")
    void roundTrip() {
        qt().withExamples(150).forAll(longs().all()).checkAssert(seed -> {
            VaultConfiguration config = randomConfiguration(new Random(seed));
            String json = ConfigurationJson.export(config);
            assertFalse(json.contains(SECRET), "a proxy password was exported");
            VaultConfiguration back = ConfigurationJson.importDocument(json);
            assertEquals(json, ConfigurationJson.export(back));
            assertEquals(withoutSecrets(config), back);
        });
    }

    @Test
    @DisplayName("the generator reaches pairings, mappings, protected VMs in several states, plans and proxies")
    void generatorCoverage() {
        int pairings = 0;
        int networks = 0;
        int storage = 0;
        int plans = 0;
        int proxies = 0;
        Set<String> states = new java.util.HashSet<>();
        for (long seed = 0; seed < 150; seed++) {
            VaultConfiguration c = randomConfiguration(new Random(seed));
            pairings += c.protection().pairings().size();
            networks += c.protection().networkMappings().size();
            storage += c.protection().storageMappings().size();
            plans += c.plans().size();
            proxies += (int) c.servers().stream().filter(s -> s.proxy() != null).count();
            c.protection().protectedVms().forEach(v -> states.add(v.state().name()));
        }
        String seen = pairings + " pairings, " + networks + " network and " + storage + " storage mappings, " + plans
                + " plans, " + proxies + " proxies, states " + states;
        assertTrue(pairings > 50 && networks > 20 && storage > 20 && plans > 10 && proxies > 20 && states.size() >= 6,
                seen);
    }

    private static VaultConfiguration withoutSecrets(VaultConfiguration c) {
        List<RegisteredServer> servers = new ArrayList<>();
        for (RegisteredServer s : c.servers()) {
            servers.add(new RegisteredServer(s.serverId(), s.friendlyName(), s.vmmVersion(), s.providerVersion(),
                    s.registeredAt(), s.keyId(), s.proxy() == null ? null : s.proxy().withoutPassword(), s.cloudSync(),
                    s.syncedClouds(), s.lastSyncAt()));
        }
        return VaultConfiguration.of(c.info(), servers, c.reportedInventories(), c.protection(), c.plans());
    }

    static VaultConfiguration randomConfiguration(Random r) {
        VaultInfo info = new VaultInfo("vault-" + r.nextInt(1000), "DR " + r.nextInt(10), "region" + r.nextInt(3),
                VaultState.ACTIVE, T0);
        int serverCount = 1 + r.nextInt(3);
        List<RegisteredServer> servers = new ArrayList<>();
        Map<String, Site> inventories = new LinkedHashMap<>();
        for (int s = 0; s < serverCount; s++) {
            Site site = randomSite(r, "vmm-" + s);
            inventories.put(site.id(), site);
            Set<String> clouds = new LinkedHashSet<>();
            CloudSync sync = r.nextInt(3) == 0 ? CloudSync.ONE_BY_ONE : CloudSync.ALL;
            for (Cloud c : site.clouds()) {
                if (sync == CloudSync.ALL || r.nextBoolean()) {
                    clouds.add(c.name());
                }
            }
            ProxySettings proxy = null;
            if (r.nextInt(3) == 0) {
                ProxySettings.Builder p = ProxySettings.builder("proxy" + s + ".contoso.local", 1 + r.nextInt(65535));
                if (r.nextBoolean()) {
                    p.user("svc" + s).password(Secret.of(SECRET));
                }
                proxy = p.build();
            }
            servers.add(new RegisteredServer(site.id(), site.registrationName(), site.vmmVersion(),
                    site.providerVersion(), T0.plusSeconds(s), "key" + s, proxy, sync, clouds, T0.plusSeconds(60 + s)));
        }
        VaultConfiguration bare = VaultConfiguration.of(info, servers, inventories, ProtectionConfiguration.empty(),
                List.of());
        Map<String, Site> sites = bare.sites();
        ProtectionConfiguration p = ProtectionConfiguration.empty();
        List<CloudRef> allClouds = new ArrayList<>();
        sites.values().forEach(site -> site.clouds().forEach(c -> allClouds.add(new CloudRef(site.id(), c.name()))));
        for (int i = 0; i < 20 && !allClouds.isEmpty(); i++) {
            p = attempt(p, r, q -> {
                CloudRef a = allClouds.get(r.nextInt(allClouds.size()));
                CloudRef b = allClouds.get(r.nextInt(allClouds.size()));
                return q.pair(new CloudPairing(a, b, randomSettings(r)), sites).configuration();
            });
            p = attempt(p, r, q -> {
                Site a = pick(r, sites);
                Site b = pick(r, sites);
                VmNetwork na = pickFrom(r, a.vmNetworks());
                VmNetwork nb = pickFrom(r, b.vmNetworks());
                return q.mapNetwork(new NetworkMapping(a.id(), na.name(), b.id(), nb.name()), sites).configuration();
            });
            p = attempt(p, r, q -> {
                Site a = pick(r, sites);
                Site b = pick(r, sites);
                StorageClassification sa = pickFrom(r, a.storageClassifications());
                StorageClassification sb = pickFrom(r, b.storageClassifications());
                return q.mapStorage(new StorageMapping(a.id(), sa.name(), b.id(), sb.name()), sites).configuration();
            });
            p = attempt(p, r, q -> {
                CloudPairing pairing = q.pairings().get(r.nextInt(q.pairings().size()));
                Site site = sites.get(pairing.primaryServerId());
                Vm vm = pickFrom(r, site.vmsOf(pairing.primary().cloud()));
                return q.protect(pairing.primary(), vm.id(), ProtectionOrigin.VAULT, sites).configuration();
            });
            for (int step = 0; step < 3; step++) {
                p = attempt(p, r, q -> {
                    List<ProtectedVm> vms = new ArrayList<>(q.protectedVms());
                    ProtectedVm vm = vms.get(r.nextInt(vms.size()));
                    List<ProtectionOperation> ops = vm.allowedOperations().stream()
                            .filter(op -> op != ProtectionOperation.DISABLE).sorted().toList();
                    return q.transition(vm.vmId(), ops.get(r.nextInt(ops.size()))).configuration();
                });
            }
        }
        VaultConfiguration withProtection = VaultConfiguration.of(info, servers, inventories, p, List.of());
        List<RecoveryPlan> plans = new ArrayList<>();
        for (Site site : sites.values()) {
            List<String> protectedHere = p.protectedVms().stream().filter(v -> v.primaryServerId().equals(site.id()))
                    .map(ProtectedVm::vmId).toList();
            if (protectedHere.isEmpty()) {
                continue;
            }
            RecoveryPlan.Builder b = RecoveryPlan.builder("plan-" + site.id(), site.id(), pick(r, sites).id(),
                    withProtection.planContext()).addGroup();
            for (String vm : protectedHere) {
                b.addVm(1 + r.nextInt(2), vm);
            }
            b.addAction(Slot.afterGroup(1), PlanAction.manual("check " + site.id(), "look at it"));
            if (r.nextBoolean()) {
                b.addAction(Slot.beforeFailover(), PlanAction.script("dns " + site.id(), "\\\\lib\\dns.ps1",
                        ScriptSide.RECOVERY));
            }
            plans.add(b.build());
        }
        return VaultConfiguration.of(info, servers, inventories, p, plans);
    }

    private interface Change {
        ProtectionConfiguration apply(ProtectionConfiguration p);
    }

    /** Applies a random change when the rules allow it; a refused or impossible change leaves {@code p} as it was. */
    private static ProtectionConfiguration attempt(ProtectionConfiguration p, Random r, Change change) {
        try {
            return change.apply(p);
        } catch (SecondsiteException | IndexOutOfBoundsException | IllegalArgumentException e) {
            return p;
        }
    }

    private static ReplicationSettings randomSettings(Random r) {
        int points = r.nextInt(25);
        ReplicationSettings.Builder b = ReplicationSettings.builder()
                .copyFrequency(CopyFrequency.values()[r.nextInt(3)]).additionalRecoveryPoints(points)
                .appConsistentFrequencyHours(points == 0 ? 0 : r.nextInt(Math.min(points, 13)))
                .compression(r.nextBoolean()).deleteReplicaOnDisable(r.nextBoolean());
        switch (r.nextInt(4)) {
            case 2 -> b.initialReplication(InitialReplication.usingExistingReplica());
            case 0 -> b.initialReplication(InitialReplication.overNetworkAt(LocalTime.of(r.nextInt(24), 30)));
            case 1 -> b.initialReplication(InitialReplication.offline("\\\\nas1\\export", "\\\\nas2\\import"));
            default -> b.initialReplication(InitialReplication.overNetworkNow());
        }
        return b.build();
    }

    private static Site randomSite(Random r, String id) {
        Site.Builder b = Site.builder(id, id + ".contoso.local")
                .vmmVersion(VmmVersion.values()[1 + r.nextInt(VmmVersion.values().length - 1)])
                .providerVersion("5." + r.nextInt(3));
        if (r.nextInt(4) == 0) {
            b.clusterRoleName(id + "-ha");
        }
        int groups = 1 + r.nextInt(3);
        for (int g = 0; g < groups; g++) {
            b.hostGroup(g == 0 ? HostGroup.of("HG0") : new HostGroup("HG" + g, "HG" + r.nextInt(g)));
        }
        boolean cluster = r.nextBoolean();
        if (cluster) {
            b.cluster(new HyperVCluster("cl-" + id, r.nextBoolean(), r.nextBoolean() ? "broker-" + id : null));
        }
        List<String> hosts = new ArrayList<>();
        int hostCount = 1 + r.nextInt(4);
        for (int h = 0; h < hostCount; h++) {
            String name = "hv" + h + "." + id;
            hosts.add(name);
            WindowsServerVersion[] versions = WindowsServerVersion.values();
            b.host(new Host(name, versions[r.nextInt(versions.length)], "HG" + r.nextInt(groups), r.nextInt(8) != 0,
                    cluster && r.nextBoolean() ? "cl-" + id : null));
        }
        int logical = 1 + r.nextInt(2);
        for (int l = 0; l < logical; l++) {
            b.logicalNetwork(new LogicalNetwork("LN" + l));
        }
        int networks = 1 + r.nextInt(3);
        for (int n = 0; n < networks; n++) {
            b.vmNetwork(new VmNetwork("Net" + n + "-" + id, "LN" + r.nextInt(logical)));
        }
        int classes = 1 + r.nextInt(2);
        for (int c = 0; c < classes; c++) {
            Set<String> usable = new LinkedHashSet<>();
            hosts.stream().filter(h -> r.nextInt(5) != 0).forEach(usable::add);
            b.storageClassification(new StorageClassification("SC" + c, usable));
        }
        int clouds = 1 + r.nextInt(3);
        for (int c = 0; c < clouds; c++) {
            Set<CapabilityProfile> profiles = r.nextInt(5) == 0 ? Set.of(CapabilityProfile.ESX_SERVER)
                    : Set.of(CapabilityProfile.HYPER_V);
            b.cloud(new Cloud("Cloud" + c, profiles, r.nextInt(6) == 0 ? List.of() : List.of("HG" + r.nextInt(groups)),
                    Set.of("LN" + r.nextInt(logical))));
        }
        int vms = r.nextInt(7);
        for (int v = 0; v < vms; v++) {
            Vm.Builder vm = Vm.builder(id + "-vm" + v, "vm" + v).host(hosts.get(r.nextInt(hostCount)))
                    .powerState(PowerState.values()[r.nextInt(PowerState.values().length)])
                    .nic("Net" + r.nextInt(networks) + "-" + id).disk("D:\\vm" + v + ".vhdx", "SC" + r.nextInt(classes));
            if (r.nextInt(4) == 0) {
                vm.observedReplication(new ObservedReplication("hv0.other", 300, r.nextInt(5), 0, r.nextBoolean(),
                        r.nextBoolean() ? "Kerberos" : "Certificate", 8083));
            }
            b.vm(vm.build());
        }
        return b.build();
    }

    private static Site pick(Random r, Map<String, Site> sites) {
        List<Site> all = new ArrayList<>(sites.values());
        return all.get(r.nextInt(all.size()));
    }

    private static <T> T pickFrom(Random r, java.util.Collection<T> items) {
        List<T> all = new ArrayList<>(items);
        return all.get(r.nextInt(all.size()));
    }
}
