package dev.secondsite.hyperv.sim.lang;

import javax.annotation.Nullable;

/**
 * One token of a script, as {@link Lexer} reads it in the mode the parser asks for.
 *
 * @param kind what it is
 * @param text the source text it spans
 * @param value the literal's value: the string of a quoted string, the parts of an expandable string (Strings and
 *     parsed sub-expressions), the number of a number, the name of a variable, splat or parameter, the lower-case
 *     spelling of an operator; null otherwise
 * @param start offset of its first character in the script
 * @param end offset after its last character
 * @param spaceBefore whether whitespace (or a comment) precedes it, which decides member access and indexing
 * @param colon for a parameter token: written as {@code -Name:}
 */
record Token(Kind kind, String text, @Nullable Object value, int start, int end, boolean spaceBefore, boolean colon) {
    enum Kind {
        VARIABLE, SPLAT, STRING, EXPANDABLE, NUMBER, PARAMETER, OPERATOR, WORD,
        LPAREN, RPAREN, LBRACE, RBRACE, LBRACKET, RBRACKET, AT_PAREN, AT_BRACE, DOLLAR_PAREN,
        COMMA, SEMI, PIPE, NEWLINE, ASSIGN, DOT, COLONCOLON, AMP, BANG, PLUS, MINUS, EOF
    }

    boolean is(Kind k) {
        return kind == k;
    }

    /** A word token that spells {@code keyword}, ignoring case. */
    boolean isWord(String keyword) {
        return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
    }

    @Override
    public String toString() {
        return kind + "(" + text + ")";
    }
}
