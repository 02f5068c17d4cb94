package dev.secondsite.core;

import static java.util.Objects.requireNonNull;

/**
 * An id names nothing the vault holds: no such server, pairing, VM, plan or job. Kept apart from rule refusals
 * ({@link InvalidConfigurationException}) so that a caller can tell "that does not exist" from "that is not allowed";
 * its message starts with {@link Rule#NOT_FOUND}, names the kind and the id, and nothing changed.
 *
 * <p>Immutable and thread-safe.
 */
public class NotFoundException extends SecondsiteException {
    private static final long serialVersionUID = 1L;

    private final String kind;
    private final String id;

    /**
     * @param kind what was looked for, e.g. {@code "plan"}, {@code "job"}, {@code "protected VM"}
     * @param id the id that names nothing
     * @param known a short hint of what exists (may be empty)
     */
    public NotFoundException(String kind, String id, String known) {
        super(Rule.NOT_FOUND + ": " + requireNonNull(kind, "kind") + " ('" + requireNonNull(id, "id")
                + "') does not exist" + (known.isEmpty() ? "" : "; " + known));
        this.kind = kind;
        this.id = id;
    }

    public NotFoundException(String kind, String id) {
        this(kind, id, "");
    }

    /** What was looked for, e.g. {@code "plan"}. */
    public String kind() {
        return kind;
    }

    /** The id that names nothing. */
    public String id() {
        return id;
    }
}
