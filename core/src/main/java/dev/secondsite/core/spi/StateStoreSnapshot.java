package dev.secondsite.core.spi;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import java.util.Arrays;

/**
 * A {@link StateStore}'s snapshot: serialised state that stands for every record up to {@code uptoSequence}.
 *
 * <p>Immutable and thread-safe: the state is copied in and out.
 *
 * @param uptoSequence the last record the state reflects (0 for a state before any record)
 * @param state the serialised state
 */
public record StateStoreSnapshot(long uptoSequence, byte[] state) {
    /**
     * @throws InvalidConfigurationException ({@code INPUT}) when uptoSequence is negative
     */
    public StateStoreSnapshot {
        if (uptoSequence < 0) {
            throw InvalidConfigurationException.of(Rule.INPUT, "snapshot", "uptoSequence", uptoSequence,
                    "uptoSequence (" + uptoSequence + ") must not be negative");
        }
        state = state.clone();
    }

    /** A copy of the serialised state. */
    @Override
    public byte[] state() {
        return state.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StateStoreSnapshot s && s.uptoSequence == uptoSequence && Arrays.equals(s.state, state);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(uptoSequence) + Arrays.hashCode(state);
    }

    /** Names the sequence and the size; never the state, which may hold anything. */
    @Override
    public String toString() {
        return "StateStoreSnapshot[uptoSequence=" + uptoSequence + ", state=" + state.length + " bytes]";
    }
}
