package dev.secondsite.core;

import static java.util.Objects.requireNonNull;

import javax.annotation.Nullable;

/**
 * One result of a check: which rule, how severe, which object ({@code subject}, e.g. {@code "cloud vmm-a/Gold"}),
 * which field, the offending value, and a sentence that names field and value.
 *
 * <p>{@link #toString()} gives the form used in every message: {@code "C6: appConsistentFrequencyHours (4) must
 * be less than additionalRecoveryPoints (3)"}. The value is already rendered as text by whoever made the finding,
 * so that a secret can never slip in through a {@code toString()} of some object.
 *
 * @param rule the rule that was checked
 * @param severity error (blocks) or warning (reported)
 * @param subject the object the finding is about; never a secret
 * @param field the field or property of the subject
 * @param value the offending value as text, or null when there is none (a missing value)
 * @param message the sentence, naming field and value
 */
public record Finding(Rule rule, Severity severity, String subject, String field, @Nullable String value,
                      String message) {

    public Finding {
        requireNonNull(rule, "rule");
        requireNonNull(severity, "severity");
        requireNonNull(subject, "subject");
        requireNonNull(field, "field");
        requireNonNull(message, "message");
    }

    /** An error finding about {@code subject}. */
    public static Finding error(Rule rule, String subject, String field, @Nullable Object value, String message) {
        return new Finding(rule, Severity.ERROR, subject, field, value == null ? null : String.valueOf(value), message);
    }

    /** A warning finding about {@code subject}. */
    public static Finding warning(Rule rule, String subject, String field, @Nullable Object value, String message) {
        return new Finding(rule, Severity.WARNING, subject, field, value == null ? null : String.valueOf(value),
                message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        return rule + ": " + message + (subject.isEmpty() ? "" : " [" + subject + "]");
    }
}
