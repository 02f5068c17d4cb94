package dev.secondsite.samples.drill;

/**
 * Why the drill refused its input or could not finish: the message is the one line the command-line programs print
 * (it names the option, field or step and the value).
 *
 * <p>Immutable and thread-safe.
 */
public class DrillException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DrillException(String message) {
        super(message);
    }

    public DrillException(String message, Throwable cause) {
        super(message, cause);
    }
}
