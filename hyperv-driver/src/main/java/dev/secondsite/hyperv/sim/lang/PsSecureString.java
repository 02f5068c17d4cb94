package dev.secondsite.hyperv.sim.lang;

import static java.util.Objects.requireNonNull;

/**
 * A {@code System.Security.SecureString} as {@code ConvertTo-SecureString -AsPlainText -Force} makes it, the
 * password of a {@code PSCredential} ({@code Password} property). Its text never appears in {@link #toString()},
 * in string conversion or in {@code ConvertTo-Json} output (which, as in PowerShell, shows only its Length).
 *
 * <p>Immutable and thread-safe.
 */
public final class PsSecureString {
    private final String plainText;

    public PsSecureString(String plainText) {
        this.plainText = requireNonNull(plainText, "plainText");
    }

    /** The secret itself, for the simulated fabric's credential check only; never log it. */
    public String reveal() {
        return plainText;
    }

    public int length() {
        return plainText.length();
    }

    @Override
    public String toString() {
        return "System.Security.SecureString";
    }
}
