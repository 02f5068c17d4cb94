package dev.secondsite.hyperv;

import dev.secondsite.core.SecondsiteException;
import javax.annotation.Nullable;

/**
 * The VMM site reader could not build a site: VMM's answer holds a value the core's inventory cannot express (a
 * product or OS version it does not know, a VM state, a capability profile), names the field and value; or the
 * read itself failed ({@link #isTransient()} when a retry may succeed: WinRM, timeout, busy server).
 *
 * <p>Immutable and thread-safe.
 */
public class VmmInventoryException extends SecondsiteException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final transient @Nullable Object value;
    private final boolean transientFailure;

    public VmmInventoryException(String field, @Nullable Object value, String message, boolean transientFailure) {
        super(message);
        this.field = field;
        this.value = value;
        this.transientFailure = transientFailure;
    }

    /** The VMM property that could not be mapped (e.g. {@code ProductVersion}), or {@code output} for the run. */
    public String field() {
        return field;
    }

    public @Nullable Object value() {
        return value;
    }

    /** Whether reading again may succeed (the host or link, not the data). */
    public boolean isTransient() {
        return transientFailure;
    }
}
