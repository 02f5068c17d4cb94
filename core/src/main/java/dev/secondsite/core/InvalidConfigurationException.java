package dev.secondsite.core;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Something was built or changed against a rule of {@code SPEC.md}. The message starts with the first error's
 * rule id, field and value ({@code "C6: appConsistentFrequencyHours (4) must be less than
 * additionalRecoveryPoints (3)"}); {@link #findings()} has every error (and warnings found alongside).
 * Whatever was being built or changed was left as it was.
 *
 * <p>Immutable and thread-safe.
 */
public class InvalidConfigurationException extends SecondsiteException {
    private static final long serialVersionUID = 1L;

    private final transient ImmutableList<Finding> findings;

    public InvalidConfigurationException(Finding finding) {
        this(List.of(finding));
    }

    /**
     * @param findings the findings; at least one must be an error
     * @throws IllegalArgumentException when none of {@code findings} is an error
     */
    public InvalidConfigurationException(Collection<Finding> findings) {
        super(message(findings));
        this.findings = ImmutableList.copyOf(findings);
    }

    /** Shorthand for an exception with one error finding. */
    public static InvalidConfigurationException of(Rule rule, String subject, String field, Object value,
                                                   String message) {
        return new InvalidConfigurationException(Finding.error(rule, subject, field, value, message));
    }

    private static String message(Collection<Finding> findings) {
        requireNonNull(findings, "findings");
        List<Finding> errors = findings.stream().filter(Finding::isError).toList();
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("an InvalidConfigurationException needs at least one error finding");
        }
        if (errors.size() == 1) {
            return errors.get(0).toString();
        }
        return errors.get(0) + " (and " + (errors.size() - 1) + " more: "
                + errors.stream().skip(1).map(Finding::toString).collect(Collectors.joining("; ")) + ")";
    }

    /** The first error's rule. */
    public Rule rule() {
        return errors().get(0).rule();
    }

    /** Every finding, errors first as found. */
    public List<Finding> findings() {
        return findings;
    }

    public List<Finding> errors() {
        return findings.stream().filter(Finding::isError).collect(ImmutableList.toImmutableList());
    }
}
