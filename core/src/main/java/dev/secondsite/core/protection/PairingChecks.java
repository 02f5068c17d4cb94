package dev.secondsite.core.protection;

import dev.secondsite.core.Finding;
import dev.secondsite.core.Rule;
import dev.secondsite.core.inventory.CapabilityProfile;
import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.HyperVCluster;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.VmmVersion;
import dev.secondsite.core.inventory.WindowsServerVersion;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * The checks of one pairing against the inventory (P1 to P6, C1, C4, C5, O1). C3 needs the other pairings and is
 * {@link ProtectionConfiguration}'s. The cost is proportional to the hosts of the pairing's two clouds.
 */
final class PairingChecks {
    private PairingChecks() {
    }

    /** A host together with its server, so that messages can name both. */
    private record HostAt(Site site, Host host) {
        String name() {
            return site.id() + "/" + host.name();
        }
    }

    static void check(CloudPairing pairing, Map<String, Site> sites, List<Finding> out) {
        String subject = pairing.subject();
        Site primarySite = registered(sites, pairing.primaryServerId(), subject, "primary.serverId", out);
        Site targetSite = pairing.isSingleServer() ? primarySite
                : registered(sites, pairing.targetServerId(), subject, "targetServerId", out);
        checkVmmVersion(primarySite, out);
        if (!pairing.isSingleServer()) {
            checkVmmVersion(targetSite, out);
        }
        checkCloudCounts(pairing, primarySite, targetSite, out);
        Cloud primaryCloud = synced(primarySite, pairing.primary(), subject, "primary", out);
        Cloud targetCloud = synced(targetSite, pairing.target(), subject, "target", out);
        if (primaryCloud != null) {
            checkHyperVProfile(pairing.primary(), primaryCloud, out);
            if (primaryCloud.hostGroups().isEmpty()) {
                out.add(Finding.error(Rule.P4, "cloud " + pairing.primary(), "hostGroups", "[]",
                        "hostGroups ([]) must hold at least one host group in a primary cloud"));
            }
        }
        if (targetCloud != null) {
            checkHyperVProfile(pairing.target(), targetCloud, out);
        }
        List<HostAt> hosts = new ArrayList<>();
        collectHosts(primarySite, pairing.primary(), primaryCloud, hosts, out);
        collectHosts(targetSite, pairing.target(), targetCloud, hosts, out);
        if (pairing.isSingleServer()) {
            // two clouds of one server may share host groups; a shared host is checked and named once
            Set<String> seen = new HashSet<>();
            hosts.removeIf(at -> !seen.add(at.host().name()));
        }
        checkHosts(hosts, out);
        checkClusters(hosts, out);
        checkFrequency(pairing, hosts, out);
        checkRecoveryPoints(pairing, hosts, out);
        checkOfflinePaths(pairing, hosts, out);
    }

    /**
     * P5, second half: a host with VMs that is in no cloud cannot have them protected. Reported as a warning per
     * such host of {@code site}; the cost is proportional to the site's hosts, so callers run it once per server.
     */
    static void hostsOutsideClouds(Site site, List<Finding> out) {
        for (Host h : site.hosts()) {
            int vms = site.vmsOn(h.name()).size();
            if (vms > 0 && site.cloudsOf(h.name()).isEmpty()) {
                out.add(Finding.warning(Rule.P5, "host " + site.id() + "/" + h.name(), "clouds", "[]",
                        "clouds ([]) of host " + h.name() + " should not be empty: its " + vms
                                + " VM(s) cannot be protected until the host is in a VMM cloud"));
            }
        }
    }

    /** P5 for the host a VM to protect runs on, and P6 for its cluster. */
    static void checkVmHost(Site site, Host host, List<Finding> out) {
        checkHosts(List.of(new HostAt(site, host)), out);
        cluster(site, host).filter(HyperVCluster::replicaBrokerMissing).ifPresent(c ->
                out.add(Finding.error(Rule.P6, "cluster " + site.id() + "/" + c.name(), "replicaBroker", null,
                        "replicaBroker (missing) must be configured by hand on static-IP cluster " + c.name()
                                + " before VMs on host " + host.name() + " can be protected")));
    }

    static @Nullable Site registered(Map<String, Site> sites, String serverId, String subject, String field,
                                     List<Finding> out) {
        Site site = sites.get(serverId);
        if (site == null) {
            out.add(Finding.error(Rule.C1, subject, field, serverId,
                    field + " (" + serverId + ") must be a registered VMM server with synced clouds"));
        }
        return site;
    }

    private static void checkVmmVersion(@Nullable Site site, List<Finding> out) {
        if (site != null && !site.vmmVersion().isAtLeast(VmmVersion.SC2012_SP1)) {
            out.add(Finding.error(Rule.P1, "server " + site.id(), "vmmVersion", site.vmmVersion(),
                    "vmmVersion (" + site.vmmVersion() + ") must be SC2012_SP1 or later"));
        }
    }

    private static void checkCloudCounts(CloudPairing pairing, @Nullable Site primarySite, @Nullable Site targetSite,
                                         List<Finding> out) {
        if (pairing.isSingleServer()) {
            if (primarySite != null && primarySite.clouds().size() < 2) {
                out.add(Finding.error(Rule.P2, "server " + primarySite.id(), "clouds", primarySite.clouds().size(),
                        "clouds (" + primarySite.clouds().size() + ") must be at least 2 to protect with a single "
                                + "VMM server: one primary and one recovery cloud"));
            }
            return;
        }
        for (Site site : new Site[] {primarySite, targetSite}) {
            if (site != null && site.clouds().isEmpty()) {
                out.add(Finding.error(Rule.P2, "server " + site.id(), "clouds", 0,
                        "clouds (0) must be at least 1 on each of two VMM servers"));
            }
        }
    }

    private static @Nullable Cloud synced(@Nullable Site site, CloudRef ref, String subject, String field,
                                          List<Finding> out) {
        if (site == null) {
            return null;
        }
        Cloud cloud = site.cloud(ref.cloud()).orElse(null);
        if (cloud == null) {
            out.add(Finding.error(Rule.C1, subject, field, ref,
                    field + " (" + ref + ") must be a cloud synced from server " + site.id()));
        }
        return cloud;
    }

    private static void checkHyperVProfile(CloudRef ref, Cloud cloud, List<Finding> out) {
        if (!cloud.capabilityProfiles().contains(CapabilityProfile.HYPER_V)) {
            out.add(Finding.error(Rule.P3, "cloud " + ref, "capabilityProfiles", cloud.capabilityProfiles(),
                    "capabilityProfiles (" + cloud.capabilityProfiles() + ") must include HYPER_V"));
        }
    }

    private static void collectHosts(@Nullable Site site, CloudRef ref, @Nullable Cloud cloud, List<HostAt> hosts,
                                     List<Finding> out) {
        if (site == null || cloud == null) {
            return;
        }
        Set<String> names = site.hostsOf(cloud.name());
        if (names.isEmpty() && !cloud.hostGroups().isEmpty()) {
            out.add(Finding.error(Rule.P5, "cloud " + ref, "hosts", "[]",
                    "hosts ([]) must hold at least one Hyper-V host of cloud " + ref));
        }
        for (String name : names) {
            site.host(name).ifPresent(h -> hosts.add(new HostAt(site, h)));
        }
    }

    private static void checkHosts(Iterable<HostAt> hosts, List<Finding> out) {
        for (HostAt at : hosts) {
            Host h = at.host();
            if (!h.windowsServerVersion().isAtLeast(WindowsServerVersion.WS2012)) {
                out.add(Finding.error(Rule.P5, "host " + at.name(), "windowsServerVersion",
                        h.windowsServerVersion(), "windowsServerVersion (" + h.windowsServerVersion()
                                + ") must be WS2012 or later"));
            }
            if (!h.hyperVRole()) {
                out.add(Finding.error(Rule.P5, "host " + at.name(), "hyperVRole", false,
                        "hyperVRole (false) must be installed"));
            }
        }
    }

    /**
     * P6 at pairing time is a warning: the broker is configured by hand outside VMM and may well be set up between
     * pairing and protection, and a pairing over such a cluster is not wrong in itself. Enabling protection of a VM
     * on the cluster is what cannot work without it, so {@link #checkVmHost} makes that an error.
     */
    private static void checkClusters(Iterable<HostAt> hosts, List<Finding> out) {
        Set<String> reported = new HashSet<>();
        for (HostAt at : hosts) {
            if (at.host().cluster() == null) {
                continue;
            }
            cluster(at.site(), at.host()).filter(HyperVCluster::replicaBrokerMissing)
                    .filter(c -> reported.add(at.site().id() + "/" + c.name()))
                    .ifPresent(c -> out.add(Finding.warning(Rule.P6, "cluster " + at.site().id() + "/" + c.name(),
                            "replicaBroker", null, "replicaBroker (missing) must be configured by hand on static-IP "
                                    + "cluster " + c.name() + " before its VMs can be protected")));
        }
    }

    private static Optional<HyperVCluster> cluster(Site site, Host host) {
        return host.cluster() == null ? Optional.empty() : site.cluster(host.cluster());
    }

    private static void checkFrequency(CloudPairing pairing, Iterable<HostAt> hosts, List<Finding> out) {
        CopyFrequency frequency = pairing.settings().copyFrequency();
        if (frequency == CopyFrequency.FIVE_MINUTES) {
            return;
        }
        List<String> older = olderThan2012R2(hosts);
        if (!older.isEmpty()) {
            out.add(Finding.warning(Rule.C4, pairing.subject(), "copyFrequency", frequency.seconds(),
                    "copyFrequency (" + frequency.seconds() + ") applies only to Windows Server 2012 R2 hosts: "
                            + String.join(", ", older) + " copy every "
                            + CopyFrequency.FIVE_MINUTES.seconds() + " seconds (" + CopyFrequency.FIVE_MINUTES
                            + ")"));
        }
    }

    private static void checkRecoveryPoints(CloudPairing pairing, Iterable<HostAt> hosts, List<Finding> out) {
        int points = pairing.settings().additionalRecoveryPoints();
        if (points <= ReplicationSettings.MAX_RECOVERY_POINTS_WS2012) {
            return;
        }
        List<String> older = olderThan2012R2(hosts);
        if (!older.isEmpty()) {
            out.add(Finding.error(Rule.C5, pairing.subject(), "additionalRecoveryPoints", points,
                    "additionalRecoveryPoints (" + points + ") must be at most "
                            + ReplicationSettings.MAX_RECOVERY_POINTS_WS2012 + " with Windows Server 2012 hosts: "
                            + String.join(", ", older)));
        }
    }

    private static List<String> olderThan2012R2(Iterable<HostAt> hosts) {
        List<String> older = new ArrayList<>();
        for (HostAt at : hosts) {
            if (!at.host().windowsServerVersion().isAtLeast(WindowsServerVersion.WS2012_R2)) {
                older.add(at.name());
            }
        }
        return older;
    }

    private static void checkOfflinePaths(CloudPairing pairing, Iterable<HostAt> hosts, List<Finding> out) {
        if (!(pairing.settings().initialReplication() instanceof InitialReplication.Offline offline)) {
            return;
        }
        checkOfflinePath(pairing, "exportPath", offline.exportPath(), hosts, out);
        checkOfflinePath(pairing, "importPath", offline.importPath(), hosts, out);
    }

    private static void checkOfflinePath(CloudPairing pairing, String field, String path, Iterable<HostAt> hosts,
                                         List<Finding> out) {
        String machine = WindowsPaths.uncHost(path).orElse(null);
        if (machine == null) {
            return;
        }
        List<String> same = new ArrayList<>();
        for (HostAt at : hosts) {
            if (WindowsPaths.sameMachine(machine, at.host().name())) {
                same.add(at.name());
            }
        }
        if (!same.isEmpty()) {
            String name = "initialReplication." + field;
            out.add(Finding.error(Rule.O1, pairing.subject(), name, path, name + " (" + path + ") must not be on a "
                    + "Hyper-V host that takes part in the replication (loopback is not supported): "
                    + String.join(", ", same)));
        }
    }
}
