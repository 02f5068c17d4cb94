package dev.secondsite.samples.drill;

import dev.secondsite.core.vault.Vault;

/**
 * Where a drill lets a caller in (the drill itself records its jobs, shows their progress and writes its report; an
 * observer adds its own listeners or checks). Both methods run on the drill's thread; an exception from one ends the
 * drill with it.
 *
 * <p>Implementations need not be thread-safe beyond what the listeners they add to the vault must be.
 */
public interface DrillObserver {
    /** An observer that does nothing. */
    static DrillObserver none() {
        return new DrillObserver() {
        };
    }

    /**
     * The vault was created, or opened again after the drill's restart (a new {@link Vault} object: listeners added
     * to the one before are gone), before any job of it runs: add job listeners (e.g. a timeline recorder) here.
     */
    default void vaultOpened(Vault vault) {
    }

    /**
     * The drill ended with every job SUCCEEDED and every VM checked; {@code result.vault()} is still open. Called
     * before the drill writes its report.
     */
    default void finished(DrillResult result) {
    }
}
