package dev.secondsite.core.internal;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import javax.annotation.Nullable;

/**
 * The argument checks every builder and compact constructor in core shares, so that every refusal reads the same:
 * {@code "<rule>: <field> (<value>) must ..."}. Not for users; never imported outside core.
 */
public final class Checks {
    private Checks() {
    }

    /**
     * Returns {@code value} when it has text.
     *
     * @throws InvalidConfigurationException ({@code rule}) naming {@code field} when it is null or blank
     */
    public static String text(Rule rule, String subject, String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            throw InvalidConfigurationException.of(rule, subject, field, value,
                    field + " (" + (value == null ? "missing" : "'" + value + "'") + ") must not be blank");
        }
        return value;
    }

    /** {@link #text(Rule, String, String, String)} for the {@link Rule#INPUT} rule. */
    public static String text(String subject, String field, @Nullable String value) {
        return text(Rule.INPUT, subject, field, value);
    }

    /**
     * Returns {@code value} when it is present.
     *
     * @throws InvalidConfigurationException ({@code rule}) naming {@code field} when it is null
     */
    public static <T> T present(Rule rule, String subject, String field, @Nullable T value) {
        if (value == null) {
            throw InvalidConfigurationException.of(rule, subject, field, null, field + " (missing) must be given");
        }
        return value;
    }

    /**
     * Returns {@code value} when {@code min <= value <= max}.
     *
     * @throws InvalidConfigurationException ({@code rule}) naming field, value and range otherwise
     */
    public static int range(Rule rule, String subject, String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw InvalidConfigurationException.of(rule, subject, field, value,
                    field + " (" + value + ") must be between " + min + " and " + max);
        }
        return value;
    }

    /**
     * Checks that {@code key} gives distinct values over {@code items}.
     *
     * @throws InvalidConfigurationException ({@link Rule#INPUT}) naming the first repeated key
     */
    public static <T> void unique(String subject, String field, Collection<T> items, Function<T, String> key) {
        Set<String> seen = new HashSet<>();
        for (T item : items) {
            String k = key.apply(item);
            if (!seen.add(k)) {
                throw InvalidConfigurationException.of(Rule.INPUT, subject, field, k,
                        field + " ('" + k + "') appears more than once");
            }
        }
    }
}
