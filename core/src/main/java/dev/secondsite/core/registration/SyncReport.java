package dev.secondsite.core.registration;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSet;
import dev.secondsite.core.ValidationReport;
import java.util.Set;

/**
 * What a sync of a server's inventory changed (R4, R5): clouds that appeared in and vanished from the vault's view,
 * the vanished clouds a pairing still uses, and what re-validating the configuration against the new inventory found.
 *
 * @param serverId the server synced
 * @param addedClouds clouds synced now that were not before
 * @param removedClouds clouds synced before that the server no longer reports
 * @param vanishedCloudsInUse the removed clouds that a pairing still uses (as primary or target)
 * @param findings the whole configuration re-validated against the new inventory
 */
public record SyncReport(String serverId, Set<String> addedClouds, Set<String> removedClouds,
                         Set<String> vanishedCloudsInUse, ValidationReport findings) {
    public SyncReport {
        requireNonNull(serverId, "serverId");
        addedClouds = ImmutableSet.copyOf(addedClouds);
        removedClouds = ImmutableSet.copyOf(removedClouds);
        vanishedCloudsInUse = ImmutableSet.copyOf(vanishedCloudsInUse);
        requireNonNull(findings, "findings");
    }
}
