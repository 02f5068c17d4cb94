package dev.secondsite.core.spi;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.internal.Checks;
import java.time.Instant;

/**
 * A recovery point kept on a replica (C5): Hyper-V's replica snapshot.
 *
 * @param id the point's id on the host
 * @param createdAt when it was taken
 * @param appConsistent whether it is an application-consistent (VSS) point
 */
public record RecoveryPoint(String id, Instant createdAt, boolean appConsistent) {
    public RecoveryPoint {
        Checks.text("recovery point", "id", id);
        requireNonNull(createdAt, "createdAt");
    }
}
