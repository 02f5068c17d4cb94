package dev.secondsite.core;

import static java.util.Objects.requireNonNull;

/**
 * An operation was asked of an object in a state that does not allow it, e.g. a commit of a VM that has not
 * failed over. Names the object, its current state and the operation; the object was left unchanged. The message
 * starts with {@link #rule()}: {@link Rule#STATE} for a state table's refusal unless the caller names a more
 * specific rule (e.g. {@link Rule#J2} for a job that cannot be resumed).
 *
 * <p>Immutable and thread-safe.
 */
public class IllegalTransitionException extends SecondsiteException {
    private static final long serialVersionUID = 1L;

    private final Rule rule;
    private final String subject;
    private final String state;
    private final String operation;

    /**
     * @param subject the object, e.g. {@code "VM web-01 (4f3c...)"}
     * @param state its current state's name
     * @param operation the operation refused
     */
    public IllegalTransitionException(String subject, String state, String operation) {
        this(Rule.STATE, subject, state, operation);
    }

    /**
     * @param rule the rule that refuses the operation
     * @param subject the object, e.g. {@code "job 4f3c..."}
     * @param state its current state's name
     * @param operation the operation refused
     */
    public IllegalTransitionException(Rule rule, String subject, String state, String operation) {
        super(requireNonNull(rule, "rule") + ": " + requireNonNull(subject, "subject") + ": cannot "
                + requireNonNull(operation, "operation") + " in state " + requireNonNull(state, "state"));
        this.rule = rule;
        this.subject = subject;
        this.state = state;
        this.operation = operation;
    }

    /** The rule that refuses the operation; the message starts with its id. */
    public Rule rule() {
        return rule;
    }

    public String subject() {
        return subject;
    }

    public String state() {
        return state;
    }

    public String operation() {
        return operation;
    }
}
