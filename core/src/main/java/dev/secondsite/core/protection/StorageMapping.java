package dev.secondsite.core.protection;

import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;

/**
 * A storage classification of a primary VMM server mapped to one of a target server (S2): replica data of disks on
 * the source classification is placed on storage of the target classification. Without a mapping it goes to the
 * target host's default location. The two need not be the same storage type (S1).
 *
 * <p>Immutable and thread-safe.
 *
 * @param sourceServerId the primary server's id
 * @param sourceClassification the classification on the primary server
 * @param targetServerId the target server's id
 * @param targetClassification the classification on the target server
 */
public record StorageMapping(String sourceServerId, String sourceClassification, String targetServerId,
                             String targetClassification) {

    /** @throws dev.secondsite.core.InvalidConfigurationException (S2) when a part is blank */
    public StorageMapping {
        Checks.text(Rule.S2, "storage mapping", "sourceServerId", sourceServerId);
        Checks.text(Rule.S2, "storage mapping", "sourceClassification", sourceClassification);
        Checks.text(Rule.S2, "storage mapping", "targetServerId", targetServerId);
        Checks.text(Rule.S2, "storage mapping", "targetClassification", targetClassification);
    }

    /** {@code "storage mapping vmm-a/Gold-Storage -> vmm-b/DR-Storage"}. */
    public String subject() {
        return "storage mapping " + sourceServerId + "/" + sourceClassification + " -> " + targetServerId + "/"
                + targetClassification;
    }
}
