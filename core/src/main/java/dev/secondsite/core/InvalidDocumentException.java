package dev.secondsite.core;

import java.util.List;

/**
 * A JSON document could not be imported: it is malformed, of an unknown version, or what it describes breaks a rule.
 * {@link #path()} is the JSON Pointer of the offending node (e.g. {@code /servers/1/clouds/0/name}); the message
 * starts with the rule id and names the path. Nothing of the document was imported.
 *
 * <p>Immutable and thread-safe.
 */
public class InvalidDocumentException extends InvalidConfigurationException {
    private static final long serialVersionUID = 1L;

    private final String path;

    /**
     * @param path JSON Pointer of the offending node ("" for the whole document)
     * @param rule the rule broken ({@link Rule#DOCUMENT} for shape and version errors)
     * @param message what is wrong, naming field and value
     */
    public InvalidDocumentException(String path, Rule rule, String message) {
        super(List.of(Finding.error(rule, "document", path.isEmpty() ? "/" : path, null,
                "at " + (path.isEmpty() ? "/" : path) + ": " + message)));
        this.path = path;
    }

    /** The rule-breaking findings of an import, located at {@code path}. */
    public InvalidDocumentException(String path, InvalidConfigurationException cause) {
        super(cause.findings().stream()
                .map(f -> new Finding(f.rule(), f.severity(), f.subject(), f.field(), f.value(),
                        "at " + (path.isEmpty() ? "/" : path) + ": " + f.message()))
                .toList());
        this.path = path;
        initCause(cause);
    }

    private InvalidDocumentException(String path, List<Finding> findings, Throwable cause) {
        super(findings);
        this.path = path;
        initCause(cause);
    }

    /**
     * This error as seen from a document that embeds the one it was found in at {@code prefix} (e.g. a plan read
     * inside the configuration document at {@code /plans/2}).
     */
    public InvalidDocumentException relocated(String prefix) {
        String from = "at " + (path.isEmpty() ? "/" : path) + ": ";
        String newPath = prefix + path;
        String to = "at " + (newPath.isEmpty() ? "/" : newPath) + ": ";
        List<Finding> moved = findings().stream().map(f -> new Finding(f.rule(), f.severity(), f.subject(),
                f.field().equals(path.isEmpty() ? "/" : path) ? newPath : f.field(), f.value(),
                f.message().startsWith(from) ? to + f.message().substring(from.length()) : to + f.message()))
                .toList();
        return new InvalidDocumentException(newPath, moved, this);
    }

    /** The JSON Pointer of the offending node; empty for the document as a whole. */
    public String path() {
        return path;
    }
}
