package dev.secondsite.core;

import javax.annotation.Nullable;

/**
 * Root of every exception Secondsite throws on purpose. All are unchecked: a caller that wants to handle
 * Secondsite's failures in one place catches this type; subclasses carry the structured context of their
 * condition (the rule, the object, the state).
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class SecondsiteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SecondsiteException(String message) {
        super(message);
    }

    public SecondsiteException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
