package dev.secondsite.samples.console;

/** Console text helpers: names come from users and may hold control characters (an ESC would drive the terminal). */
final class Text {
    private Text() {
    }

    /** {@code text} with every control character (C0, DEL, C1) replaced by '?'. */
    static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
                if (out == null) {
                    out = new StringBuilder(text.substring(0, i));
                }
                out.append('?');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /** {@code text} cut to {@code max} characters, ending in "..." when cut. */
    static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, Math.max(0, max - 3)) + "...";
    }
}
