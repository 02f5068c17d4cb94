package dev.secondsite.core.vault;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.spi.RecoveryPointChoice;

/**
 * The input of a change of recovery point before commit (F4): the point to fail over to instead.
 *
 * <p>Immutable and thread-safe.
 *
 * @param recoveryPoint the point the VM runs from afterwards
 */
public record ChangeRecoveryPointOptions(RecoveryPointChoice recoveryPoint) {
    public ChangeRecoveryPointOptions {
        requireNonNull(recoveryPoint, "recoveryPoint");
    }

    public static ChangeRecoveryPointOptions to(RecoveryPointChoice recoveryPoint) {
        return new ChangeRecoveryPointOptions(recoveryPoint);
    }
}
