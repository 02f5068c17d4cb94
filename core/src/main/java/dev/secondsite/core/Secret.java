package dev.secondsite.core;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/**
 * A value that must never be shown: a proxy password, a registration key's secret part. {@link #toString()} is
 * always {@code "****"}; only {@link #reveal()} gives the value, and only code that hands it to the party that
 * needs it (an HTTP proxy, a signature check) calls it. Exported documents never contain a Secret.
 *
 * <p>Immutable and thread-safe. Equality compares the values in constant time.
 */
public final class Secret {
    private static final String MASK = "****";

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** @throws NullPointerException when {@code value} is null */
    public static Secret of(String value) {
        return new Secret(requireNonNull(value, "value"));
    }

    /** The secret value itself. Never log it. */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                s.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        // a constant: a hash of the value would leak information about it
        return 0x5ec7e7;
    }

    @Override
    public String toString() {
        return MASK;
    }
}
