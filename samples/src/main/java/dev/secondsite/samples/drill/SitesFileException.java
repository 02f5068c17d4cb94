package dev.secondsite.samples.drill;

/**
 * A sites file ({@link SitesFile}) refused: the message names the file's field (a dotted path such as
 * {@code primary.vmmServer}) and what is wrong with its value. Nothing is read from a refused file.
 *
 * <p>Immutable and thread-safe.
 */
public final class SitesFileException extends DrillException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public SitesFileException(String field, String problem) {
        super("sites file: " + field + " " + problem);
        this.field = field;
    }

    /** The refused field, e.g. {@code credentials.passwordVariable}. */
    public String field() {
        return field;
    }
}
