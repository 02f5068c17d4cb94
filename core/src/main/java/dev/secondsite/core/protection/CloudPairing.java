package dev.secondsite.core.protection;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;
import dev.secondsite.core.inventory.CloudRef;

/**
 * A primary cloud protected to a target (recovery) cloud with replication settings: the "cloud protection
 * settings" of SPEC section 3. The target may be on the same VMM server (single-server protection) or another.
 *
 * <p>This value checks only what needs no inventory (C2: all three parts named; C3: the primary is not its own
 * target). {@link ProtectionConfiguration#pair} checks the rest against the vault's inventory.
 *
 * <p>Immutable and thread-safe.
 *
 * @param primary the protected cloud
 * @param target the recovery cloud; its server is the target VMM server (C2)
 * @param settings the replication settings
 */
public record CloudPairing(CloudRef primary, CloudRef target, ReplicationSettings settings) {

    /**
     * @throws InvalidConfigurationException (C2) when a part is missing, (C3) when primary and target are the same
     *     cloud
     */
    public CloudPairing {
        Checks.present(Rule.C2, "pairing", "primary", primary);
        Checks.present(Rule.C2, "pairing " + primary, "target", target);
        Checks.present(Rule.C2, "pairing " + primary, "settings", settings);
        if (primary.equals(target)) {
            throw InvalidConfigurationException.of(Rule.C3, "pairing " + primary, "target", target,
                    "target (" + target + ") must be another cloud than the primary cloud");
        }
    }

    /**
     * The pairing of {@code primary} to cloud {@code targetCloud} of server {@code targetServerId} (C2).
     *
     * @throws InvalidConfigurationException (C2, C3) as the canonical constructor
     */
    public static CloudPairing of(CloudRef primary, String targetServerId, String targetCloud,
                                  ReplicationSettings settings) {
        Checks.text(Rule.C2, "pairing " + primary, "targetServerId", targetServerId);
        Checks.text(Rule.C2, "pairing " + primary, "targetCloud", targetCloud);
        return new CloudPairing(primary, new CloudRef(targetServerId, targetCloud), settings);
    }

    /** The target VMM server's id. */
    public String targetServerId() {
        return target.serverId();
    }

    /** The primary VMM server's id. */
    public String primaryServerId() {
        return primary.serverId();
    }

    /** True when both clouds are on one VMM server. */
    public boolean isSingleServer() {
        return primary.serverId().equals(target.serverId());
    }

    /** This pairing with other settings (C12: the clouds cannot change). */
    public CloudPairing withSettings(ReplicationSettings newSettings) {
        return new CloudPairing(primary, target, newSettings);
    }

    /** The O2..O4 checklist for offline initial replication; empty for replication over the network. */
    public OfflineChecklist offlineChecklist() {
        return OfflineChecklist.of(this);
    }

    /** {@code "pairing vmm-a/Gold -> vmm-b/Silver"}, the subject of findings about this pairing. */
    public String subject() {
        return "pairing " + primary + " -> " + target;
    }
}
