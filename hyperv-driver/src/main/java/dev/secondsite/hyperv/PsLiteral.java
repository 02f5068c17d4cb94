package dev.secondsite.hyperv;

/**
 * PowerShell single-quoted string literals, for the rare value that cannot travel as data (docs/powershell-subset.md
 * section 1). Inside single quotes PowerShell expands nothing; a quote is written doubled, and the parser takes
 * U+2018..U+201B for single quotes too, so each of those is doubled as well. No script of the driver needs it today:
 * every value goes through standard input.
 *
 * <p>Thread-safe (stateless).
 */
final class PsLiteral {
    private PsLiteral() {
    }

    /** {@code value} as a single-quoted literal that PowerShell reads back as exactly {@code value}. */
    static String singleQuoted(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 8).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (isSingleQuote(c)) {
                sb.append(c);
            }
            sb.append(c);
        }
        return sb.append('\'').toString();
    }

    /** The characters PowerShell's tokenizer treats as a single quote. */
    static boolean isSingleQuote(char c) {
        return c == '\'' || (c >= '\u2018' && c <= '\u201B');
    }
}
