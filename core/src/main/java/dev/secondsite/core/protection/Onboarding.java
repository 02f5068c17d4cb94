package dev.secondsite.core.protection;

import dev.secondsite.core.Finding;
import dev.secondsite.core.Rule;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.ObservedReplication;
import dev.secondsite.core.inventory.Site;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * E3 and C13: whether Hyper-V Replica's existing replication of a VM can be taken over by a pairing. Every
 * difference is its own finding, so that the user sees all of them at once.
 */
final class Onboarding {
    private static final String OBSERVED = "observedReplication.";

    private Onboarding() {
    }

    static void check(CloudPairing pairing, Host vmHost, ObservedReplication observed, Map<String, Site> sites,
                      String subject, List<Finding> out) {
        Site target = sites.get(pairing.targetServerId());
        String replicaHost = observed.replicaHost();
        if (target == null || !target.cloudsOf(replicaHost).contains(pairing.target().cloud())) {
            out.add(Finding.error(Rule.E3, subject, OBSERVED + "replicaHost", replicaHost, OBSERVED + "replicaHost ("
                    + replicaHost + ") must be a host of target cloud " + pairing.target()));
        }
        ReplicationSettings s = pairing.settings();
        int frequency = s.effectiveCopyFrequency(vmHost.windowsServerVersion()).seconds();
        differs(frequency, observed.replicationFrequencySec(), "replicationFrequencySec",
                "the pairing's copyFrequency on host " + vmHost.name(), subject, out);
        if (observed.recoveryHistory() < s.additionalRecoveryPoints()) {
            out.add(Finding.error(Rule.C13, subject, OBSERVED + "recoveryHistory", observed.recoveryHistory(),
                    OBSERVED + "recoveryHistory (" + observed.recoveryHistory() + ") must not be fewer than the "
                            + "pairing's additionalRecoveryPoints (" + s.additionalRecoveryPoints() + ")"));
        }
        differs(s.appConsistentFrequencyHours(), observed.vssSnapshotFrequencyHour(), "vssSnapshotFrequencyHour",
                "the pairing's appConsistentFrequencyHours", subject, out);
        differs(s.compression(), observed.compressionEnabled(), "compressionEnabled", "the pairing's compression",
                subject, out);
        String authentication = Authentication.fromHyperVName(observed.authenticationType())
                .map(Authentication::hyperVName).orElse(observed.authenticationType());
        differs(s.authentication().hyperVName(), authentication, "authenticationType",
                "the pairing's authentication", subject, out);
        differs(s.port(), observed.replicaServerPort(), "replicaServerPort", "the pairing's port", subject, out);
    }

    private static void differs(Object expected, Object actual, String field, String what, String subject,
                                List<Finding> out) {
        if (!Objects.equals(expected, actual)) {
            out.add(Finding.error(Rule.E3, subject, OBSERVED + field, actual, OBSERVED + field + " (" + actual
                    + ") must match " + what + " (" + expected + ")"));
        }
    }
}
