package dev.secondsite.core.plan;

import dev.secondsite.core.internal.Checks;

/**
 * VM {@code vm} starts only after VM {@code after} has started (RP3). {@code after} is in the same boot group as
 * {@code vm} or in an earlier one (where it is satisfied by the group order already); a plan refuses one on a later
 * group, and refuses cycles.
 *
 * <p>Immutable and thread-safe.
 *
 * @param vm the VM that waits
 * @param after the VM it waits for
 */
public record Dependency(String vm, String after) {
    /** @throws dev.secondsite.core.InvalidConfigurationException (INPUT) when an id is blank */
    public Dependency {
        Checks.text("dependency", "vm", vm);
        Checks.text("dependency", "after", after);
    }

    /**
     * {@code "<vm> after <after>"}: also the {@link dev.secondsite.core.Finding#value() value} of every finding about
     * this dependency, so that a caller can tell which one it was.
     */
    @Override
    public String toString() {
        return vm + " after " + after;
    }
}
