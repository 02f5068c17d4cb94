package dev.secondsite.core;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The outcome of validating something: its errors and warnings, in the order they were found.
 *
 * <p>Immutable and thread-safe.
 */
public final class ValidationReport {
    private static final ValidationReport EMPTY = new ValidationReport(ImmutableList.of());

    private final ImmutableList<Finding> findings;

    private ValidationReport(ImmutableList<Finding> findings) {
        this.findings = findings;
    }

    public static ValidationReport empty() {
        return EMPTY;
    }

    public static ValidationReport of(Collection<Finding> findings) {
        return findings.isEmpty() ? EMPTY : new ValidationReport(ImmutableList.copyOf(findings));
    }

    /** Every finding, errors and warnings, in the order found. */
    public List<Finding> findings() {
        return findings;
    }

    public List<Finding> errors() {
        return findings.stream().filter(Finding::isError).collect(ImmutableList.toImmutableList());
    }

    public List<Finding> warnings() {
        return findings.stream().filter(f -> !f.isError()).collect(ImmutableList.toImmutableList());
    }

    public boolean hasErrors() {
        return findings.stream().anyMatch(Finding::isError);
    }

    /** True when some finding cites {@code rule}. */
    public boolean cites(Rule rule) {
        return findings.stream().anyMatch(f -> f.rule() == rule);
    }

    /** This report followed by {@code other}'s findings. */
    public ValidationReport and(ValidationReport other) {
        requireNonNull(other, "other");
        if (other.findings.isEmpty()) {
            return this;
        }
        if (findings.isEmpty()) {
            return other;
        }
        return new ValidationReport(ImmutableList.<Finding>builder().addAll(findings).addAll(other.findings).build());
    }

    /**
     * Returns this report when it has no errors.
     *
     * @throws InvalidConfigurationException carrying every error (and the warnings) when there is at least one error
     */
    public ValidationReport throwIfErrors() {
        if (hasErrors()) {
            throw new InvalidConfigurationException(findings);
        }
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValidationReport r && r.findings.equals(findings);
    }

    @Override
    public int hashCode() {
        return findings.hashCode();
    }

    /** One finding per line, errors and warnings alike; "no findings" when empty. */
    @Override
    public String toString() {
        if (findings.isEmpty()) {
            return "no findings";
        }
        return findings.stream().map(f -> f.severity() + " " + f).collect(Collectors.joining("\n"));
    }
}
