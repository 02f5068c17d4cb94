package dev.secondsite.core.protection;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.ValidationReport;

/**
 * The outcome of an accepted change to a {@link ProtectionConfiguration}: the new configuration and the warnings
 * found on the way (a refused change throws instead). Immutable and thread-safe.
 *
 * @param configuration the configuration after the change
 * @param report the warnings (never an error)
 */
public record ConfigurationChange(ProtectionConfiguration configuration, ValidationReport report) {
    public ConfigurationChange {
        requireNonNull(configuration, "configuration");
        requireNonNull(report, "report");
    }
}
