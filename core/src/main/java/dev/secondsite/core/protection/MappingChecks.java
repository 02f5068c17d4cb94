package dev.secondsite.core.protection;

import dev.secondsite.core.Finding;
import dev.secondsite.core.Rule;
import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.StorageClassification;
import dev.secondsite.core.inventory.VmNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import javax.annotation.Nullable;

/**
 * The checks of one network mapping (N1, N2) or storage mapping (S1) against the inventory and the pairings between
 * its two servers. The cost is proportional to those pairings (and, for storage, their hosts), never to all of them.
 */
final class MappingChecks {
    private MappingChecks() {
    }

    /**
     * N1 and N2 for {@code mapping}.
     *
     * @param between the pairings from the mapping's source server to its target server
     * @param creating true when the mapping is being made: having no pairing between the servers is then an error;
     *     when re-validating a mapping whose pairings were removed since, it is a warning (the mapping is unused)
     */
    static void network(NetworkMapping mapping, List<CloudPairing> between, Map<String, Site> sites,
                        boolean creating, List<Finding> out) {
        String subject = mapping.subject();
        VmNetwork source = find(sites, mapping.sourceServerId(), mapping.sourceNetwork(), "sourceNetwork", Rule.N1,
                subject, Site::vmNetwork, out);
        VmNetwork target = find(sites, mapping.targetServerId(), mapping.targetNetwork(), "targetNetwork", Rule.N1,
                subject, Site::vmNetwork, out);
        if (target == null) {
            return;
        }
        if (between.isEmpty()) {
            noPairing(Rule.N2, mapping.sourceServerId(), mapping.targetServerId(), subject, creating, out);
            return;
        }
        Site targetSite = sites.get(mapping.targetServerId());
        String logical = target.logicalNetwork();
        List<String> targetClouds = new ArrayList<>();
        boolean linked = false;
        for (CloudPairing p : between) {
            targetClouds.add(p.target().cloud());
            linked |= associated(targetSite, p.target().cloud(), logical);
        }
        if (!linked) {
            out.add(Finding.error(Rule.N2, subject, "targetNetwork", mapping.targetNetwork(), "targetNetwork ("
                    + mapping.targetNetwork() + ") must be linked to a logical network associated with a target "
                    + "cloud of a pairing from " + mapping.sourceServerId() + ", but its logical network " + logical
                    + " is associated with none of " + targetClouds));
            return;
        }
        if (source == null) {
            return;
        }
        Site sourceSite = sites.get(mapping.sourceServerId());
        for (CloudPairing p : between) {
            // the clouds this source network serves are the primary clouds associated with its logical network
            if (associated(sourceSite, p.primary().cloud(), source.logicalNetwork())
                    && !associated(targetSite, p.target().cloud(), logical)) {
                out.add(Finding.warning(Rule.N2, subject, "targetNetwork", mapping.targetNetwork(),
                        "targetNetwork (" + mapping.targetNetwork() + ") is not available to target cloud "
                                + p.target() + " of " + p.subject() + ", which the source network serves: "
                                + "associate logical network " + logical + " with that cloud"));
            }
        }
    }

    /**
     * S1 for {@code mapping}: both classifications exist, and each is available to a host of a primary (resp.
     * target) cloud of the pairings between the two servers.
     */
    static void storage(StorageMapping mapping, List<CloudPairing> between, Map<String, Site> sites,
                        boolean creating, List<Finding> out) {
        String subject = mapping.subject();
        StorageClassification source = find(sites, mapping.sourceServerId(), mapping.sourceClassification(),
                "sourceClassification", Rule.S1, subject, Site::storageClassification, out);
        StorageClassification target = find(sites, mapping.targetServerId(), mapping.targetClassification(),
                "targetClassification", Rule.S1, subject, Site::storageClassification, out);
        if (source == null || target == null) {
            return;
        }
        if (between.isEmpty()) {
            noPairing(Rule.S1, mapping.sourceServerId(), mapping.targetServerId(), subject, creating, out);
            return;
        }
        Site sourceSite = sites.get(mapping.sourceServerId());
        Site targetSite = sites.get(mapping.targetServerId());
        boolean onPrimaryHosts = false;
        boolean onTargetHosts = false;
        for (CloudPairing p : between) {
            onPrimaryHosts |= intersects(source.hosts(), sourceSite.hostsOf(p.primary().cloud()));
            onTargetHosts |= intersects(target.hosts(), targetSite.hostsOf(p.target().cloud()));
        }
        if (!onPrimaryHosts) {
            out.add(Finding.error(Rule.S1, subject, "sourceClassification", mapping.sourceClassification(),
                    "sourceClassification (" + mapping.sourceClassification() + ") must be available to a host of "
                            + "a primary cloud paired from " + mapping.sourceServerId() + " to "
                            + mapping.targetServerId()));
        }
        if (!onTargetHosts) {
            out.add(Finding.error(Rule.S1, subject, "targetClassification", mapping.targetClassification(),
                    "targetClassification (" + mapping.targetClassification() + ") must be available to a host of "
                            + "a target cloud paired from " + mapping.sourceServerId() + " to "
                            + mapping.targetServerId()));
        }
    }

    private static void noPairing(Rule rule, String sourceServerId, String targetServerId, String subject,
                                  boolean creating, List<Finding> out) {
        String message = "targetServerId (" + targetServerId + ") must be the target of a pairing from server "
                + sourceServerId;
        out.add(creating ? Finding.error(rule, subject, "targetServerId", targetServerId, message)
                : Finding.warning(rule, subject, "targetServerId", targetServerId, message
                        + "; the mapping is unused until there is one"));
    }

    private static <T> @Nullable T find(Map<String, Site> sites, String serverId, String name, String field,
                                        Rule rule, String subject, BiFunction<Site, String, Optional<T>> lookup,
                                        List<Finding> out) {
        Site site = sites.get(serverId);
        T found = site == null ? null : lookup.apply(site, name).orElse(null);
        if (found == null) {
            out.add(Finding.error(rule, subject, field, name, field + " (" + name + ") must exist on server "
                    + serverId + (site == null ? ", which is not registered" : "")));
        }
        return found;
    }

    private static boolean associated(@Nullable Site site, String cloud, String logicalNetwork) {
        return site != null && site.cloud(cloud).map(Cloud::logicalNetworks)
                .filter(networks -> networks.contains(logicalNetwork)).isPresent();
    }

    private static boolean intersects(Set<String> a, Set<String> b) {
        Set<String> small = a.size() <= b.size() ? a : b;
        Set<String> large = small == a ? b : a;
        for (String s : small) {
            if (large.contains(s)) {
                return true;
            }
        }
        return false;
    }
}
