package dev.secondsite.core.json;

import dev.secondsite.core.InvalidDocumentException;

/**
 * The limits every public document reader of this package enforces before it reads anything (rule
 * {@link dev.secondsite.core.Rule#DOCUMENT}): a document past one of them is refused with
 * {@link InvalidDocumentException} naming the limit, never with another exception. They are far above what a real
 * vault's documents need (a configuration of tens of thousands of VMs is a few MB, nested about a dozen levels) and
 * low enough that a hostile document cannot exhaust the stack or the heap.
 *
 * <p>Thread-safe (constants only).
 */
public final class DocumentLimits {
    /** The deepest nesting of arrays and objects a document may have. */
    public static final int MAX_NESTING_DEPTH = 64;
    /** The longest string (value or field name) a document may hold, in characters. */
    public static final int MAX_STRING_CHARS = 64 * 1024;
    /** The longest document, in characters of its text. */
    public static final int MAX_DOCUMENT_CHARS = 64 * 1024 * 1024;

    private DocumentLimits() {
    }

    /** The limits in words, for messages. */
    static String describe() {
        return "nesting depth at most " + MAX_NESTING_DEPTH + ", strings at most " + MAX_STRING_CHARS
                + " characters, documents at most " + MAX_DOCUMENT_CHARS + " characters";
    }
}
