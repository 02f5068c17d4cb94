package dev.secondsite.hyperv.sim.lang;

import dev.secondsite.hyperv.sim.lang.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The tokenizer of the subset. PowerShell reads the same characters differently in expression mode ({@code -eq}
 * is an operator, {@code 5} a number) and in argument mode ({@code -Name} is a parameter, {@code Stop} a bare
 * word), so the parser asks for each token in the mode it is in, as PowerShell's own tokenizer does.
 *
 * <p>Not thread-safe: one per parse.
 */
final class Lexer {
    enum Mode { EXPRESSION, COMMAND }

    /** Parses a {@code $(...)} inside a double-quoted string, starting after its {@code (}. */
    interface Embedded {
        /** @return the sub-expression and the offset after its closing parenthesis */
        Object[] parseSubExpression(int start) throws ParseException;
    }

    static final Set<String> OPERATORS = Set.of("-eq", "-ne", "-gt", "-ge", "-lt", "-le", "-like", "-notlike",
            "-and", "-or", "-not");

    private final String src;
    private final Embedded embedded;
    private int pos;

    Lexer(String src, Embedded embedded) {
        this.src = src;
        this.embedded = embedded;
    }

    int position() {
        return pos;
    }

    void reset(int position) {
        pos = position;
    }

    String source() {
        return src;
    }

    static boolean isSingleQuote(char c) {
        return c == '\'' || (c >= '\u2018' && c <= '\u201B');
    }

    static boolean isDoubleQuote(char c) {
        return c == '"' || (c >= '\u201C' && c <= '\u201E');
    }

    static boolean isDash(char c) {
        return c == '-' || c == '\u2013' || c == '\u2014' || c == '\u2015';
    }

    private static boolean isNewline(char c) {
        return c == '\n' || c == '\r';
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\f' || c == '\u000B' || c == '\u00A0'
                || (c > 127 && Character.isSpaceChar(c) && c != '\u2028' && c != '\u2029');
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                || (c > 127 && Character.isLetterOrDigit(c));
    }

    private char at(int i) {
        return i < src.length() ? src.charAt(i) : '\0';
    }

    private boolean atEnd(int i) {
        return i >= src.length();
    }

    /** Skips spaces, comments and backtick line continuations; returns whether anything was skipped. */
    private boolean skipTrivia() throws ParseException {
        int begin = pos;
        while (!atEnd(pos)) {
            char c = src.charAt(pos);
            if (isSpace(c)) {
                pos++;
            } else if (c == '`' && isNewline(at(pos + 1))) {
                pos += (at(pos + 1) == '\r' && at(pos + 2) == '\n') ? 3 : 2;
            } else if (c == '#') {
                while (!atEnd(pos) && !isNewline(src.charAt(pos))) {
                    pos++;
                }
            } else if (c == '<' && at(pos + 1) == '#') {
                int close = src.indexOf("#>", pos + 2);
                if (close < 0) {
                    throw new ParseException("MissingEndOfComment",
                            "Missing the end of the block comment '#>'.", pos, src.length());
                }
                pos = close + 2;
            } else {
                break;
            }
        }
        return pos > begin;
    }

    private Token token(Kind kind, int start, Object value, boolean space) {
        return new Token(kind, src.substring(start, pos), value, start, pos, space, false);
    }

    private ParseException unexpected(int start, int end) {
        String text = src.substring(start, Math.min(Math.max(end, start + 1), src.length()));
        return new ParseException("UnexpectedToken",
                "Unexpected token '" + text + "' in expression or statement.", start, end);
    }

    /** Reads the next token in {@code mode}. */
    Token next(Mode mode) throws ParseException {
        boolean space = skipTrivia();
        int start = pos;
        if (atEnd(pos)) {
            return new Token(Kind.EOF, "", null, start, start, space, false);
        }
        char c = src.charAt(pos);
        if (isNewline(c)) {
            pos += (c == '\r' && at(pos + 1) == '\n') ? 2 : 1;
            return token(Kind.NEWLINE, start, null, space);
        }
        switch (c) {
            case '(': pos++; return token(Kind.LPAREN, start, null, space);
            case ')': pos++; return token(Kind.RPAREN, start, null, space);
            case '{': pos++; return token(Kind.LBRACE, start, null, space);
            case '}': pos++; return token(Kind.RBRACE, start, null, space);
            case ';': pos++; return token(Kind.SEMI, start, null, space);
            case ',': pos++; return token(Kind.COMMA, start, null, space);
            case '|':
                if (at(pos + 1) == '|') {
                    throw notInSubset("'||'", start, start + 2);
                }
                pos++;
                return token(Kind.PIPE, start, null, space);
            case '&':
                if (at(pos + 1) == '&') {
                    throw notInSubset("'&&'", start, start + 2);
                }
                pos++;
                return token(Kind.AMP, start, null, space);
            case '$': return variable(start, space);
            case '@': return at(start, space);
            default: break;
        }
        if (isSingleQuote(c)) {
            return singleQuoted(start, space);
        }
        if (isDoubleQuote(c)) {
            return doubleQuoted(start, space);
        }
        return mode == Mode.EXPRESSION ? expressionToken(c, start, space) : argumentToken(c, start, space);
    }

    static ParseException notInSubset(String what, int start, int end) {
        return new ParseException("NotInSubset", what + " is not in the simulator's PowerShell subset "
                + "(docs/powershell-subset.md).", start, end);
    }

    private Token variable(int start, boolean space) throws ParseException {
        char n = at(pos + 1);
        if (n == '(') {
            pos += 2;
            return token(Kind.DOLLAR_PAREN, start, null, space);
        }
        if (n == '{') {
            int close = src.indexOf('}', pos + 2);
            if (close < 0) {
                throw new ParseException("IncompleteDollarVariableReference",
                        "Missing '}' in a variable reference.", start, src.length());
            }
            String name = src.substring(pos + 2, close);
            if (name.isEmpty() || name.contains(":")) {
                throw notInSubset("The variable reference '${" + name + "}'", start, close + 1);
            }
            pos = close + 1;
            return token(Kind.VARIABLE, start, name, space);
        }
        int p = pos + 1;
        while (isNameChar(at(p))) {
            p++;
        }
        if (p == pos + 1) {
            if (n == '?' || n == '^' || n == '$') {
                throw notInSubset("The automatic variable '$" + n + "'", start, start + 2);
            }
            pos++;
            throw unexpected(start, start + 1);
        }
        if (at(p) == ':' && isNameChar(at(p + 1))) {
            throw notInSubset("The scoped or drive variable '" + src.substring(start, p + 1) + "...'", start, p + 1);
        }
        String name = src.substring(pos + 1, p);
        if (name.equalsIgnoreCase("args")) {
            throw notInSubset("The variable '$args'", start, p);
        }
        pos = p;
        return token(Kind.VARIABLE, start, name, space);
    }

    private Token at(int start, boolean space) throws ParseException {
        char n = at(pos + 1);
        if (n == '(') {
            pos += 2;
            return token(Kind.AT_PAREN, start, null, space);
        }
        if (n == '{') {
            pos += 2;
            return token(Kind.AT_BRACE, start, null, space);
        }
        if (isSingleQuote(n) || isDoubleQuote(n)) {
            throw notInSubset("A here-string", start, start + 2);
        }
        int p = pos + 1;
        while (isNameChar(at(p))) {
            p++;
        }
        if (p == pos + 1) {
            pos++;
            throw unexpected(start, start + 1);
        }
        String name = src.substring(pos + 1, p);
        pos = p;
        return token(Kind.SPLAT, start, name, space);
    }

    private Token singleQuoted(int start, boolean space) throws ParseException {
        StringBuilder sb = new StringBuilder();
        int p = pos + 1;
        int n = src.length();
        while (true) {
            if (p >= n) {
                throw new ParseException("TerminatorExpectedAtEndOfString",
                        "The string is missing the terminator: " + src.charAt(start) + ".", start, n);
            }
            char c = src.charAt(p);
            if (isSingleQuote(c)) {
                if (p + 1 < n && isSingleQuote(src.charAt(p + 1))) {
                    // PowerShell keeps the second quote of a doubled pair, whichever of the five it is
                    sb.append(src.charAt(p + 1));
                    p += 2;
                    continue;
                }
                p++;
                break;
            }
            sb.append(c);
            p++;
        }
        pos = p;
        return token(Kind.STRING, start, sb.toString(), space);
    }

    private Token doubleQuoted(int start, boolean space) throws ParseException {
        List<Object> parts = new ArrayList<>(2);
        StringBuilder sb = new StringBuilder();
        int p = pos + 1;
        int n = src.length();
        while (true) {
            if (p >= n) {
                throw new ParseException("TerminatorExpectedAtEndOfString",
                        "The string is missing the terminator: " + src.charAt(start) + ".", start, n);
            }
            char c = src.charAt(p);
            if (isDoubleQuote(c)) {
                if (p + 1 < n && isDoubleQuote(src.charAt(p + 1))) {
                    sb.append(src.charAt(p + 1));
                    p += 2;
                    continue;
                }
                p++;
                break;
            }
            if (c == '`') {
                if (p + 1 >= n) {
                    p++;
                    continue;
                }
                sb.append(escape(src.charAt(p + 1)));
                p += 2;
                continue;
            }
            if (c == '$') {
                char d = at(p + 1);
                if (d == '(') {
                    flush(sb, parts);
                    Object[] sub = embedded.parseSubExpression(p + 2);
                    parts.add(sub[0]);
                    p = (Integer) sub[1];
                    continue;
                }
                if (d == '{') {
                    int close = src.indexOf('}', p + 2);
                    if (close < 0) {
                        throw new ParseException("IncompleteDollarVariableReference",
                                "Missing '}' in a variable reference.", p, n);
                    }
                    flush(sb, parts);
                    parts.add(new Ast.Var(src.substring(p + 2, close)));
                    p = close + 1;
                    continue;
                }
                int q = p + 1;
                while (isNameChar(at(q))) {
                    q++;
                }
                if (q > p + 1) {
                    if (at(q) == ':') {
                        throw new ParseException("InvalidVariableReferenceWithDrive",
                                "Variable reference is not valid. ':' was not followed by a valid variable name "
                                        + "character. Consider using ${} to delimit the name.", p, q + 1);
                    }
                    flush(sb, parts);
                    String name = src.substring(p + 1, q);
                    if (name.equalsIgnoreCase("args")) {
                        throw notInSubset("The variable '$args'", p, q);
                    }
                    parts.add(new Ast.Var(name));
                    p = q;
                    continue;
                }
            }
            sb.append(c);
            p++;
        }
        pos = p;
        if (parts.isEmpty()) {
            return token(Kind.STRING, start, sb.toString(), space);
        }
        flush(sb, parts);
        return token(Kind.EXPANDABLE, start, List.copyOf(parts), space);
    }

    private static void flush(StringBuilder sb, List<Object> parts) {
        if (sb.length() > 0) {
            parts.add(sb.toString());
            sb.setLength(0);
        }
    }

    private static char escape(char c) {
        switch (c) {
            case '0': return '\0';
            case 'a': return '\u0007';
            case 'b': return '\b';
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'v': return '\u000B';
            default: return c;
        }
    }

    private Token expressionToken(char c, int start, boolean space) throws ParseException {
        switch (c) {
            case '[': pos++; return token(Kind.LBRACKET, start, null, space);
            case ']': pos++; return token(Kind.RBRACKET, start, null, space);
            case '!': pos++; return token(Kind.BANG, start, null, space);
            case '+':
                if (at(pos + 1) == '+' || at(pos + 1) == '=') {
                    throw notInSubset("The operator '+" + at(pos + 1) + "'", start, start + 2);
                }
                pos++;
                return token(Kind.PLUS, start, null, space);
            case '=':
                if (at(pos + 1) == '=') {
                    throw unexpected(start, start + 2);
                }
                pos++;
                return token(Kind.ASSIGN, start, null, space);
            case '.':
                if (Character.isDigit(at(pos + 1))) {
                    return number(start, space);
                }
                pos++;
                return token(Kind.DOT, start, null, space);
            case ':':
                if (at(pos + 1) == ':') {
                    pos += 2;
                    return token(Kind.COLONCOLON, start, null, space);
                }
                pos++;
                throw unexpected(start, start + 1);
            default: break;
        }
        if (isDash(c)) {
            int p = pos + 1;
            while (Character.isLetter(at(p))) {
                p++;
            }
            if (p == pos + 1) {
                if (at(p) == '-' || at(p) == '=') {
                    throw notInSubset("The operator '-" + at(p) + "'", start, start + 2);
                }
                pos++;
                return token(Kind.MINUS, start, null, space);
            }
            String op = "-" + src.substring(pos + 1, p).toLowerCase(Locale.ROOT);
            if (!OPERATORS.contains(op)) {
                throw new ParseException("UnexpectedToken", "Unexpected token '" + src.substring(start, p)
                        + "' in expression or statement.", start, p);
            }
            pos = p;
            return token(Kind.OPERATOR, start, op, space);
        }
        if (c >= '0' && c <= '9') {
            return number(start, space);
        }
        if (isNameChar(c)) {
            int p = pos;
            while (isNameChar(at(p)) || (p > pos && isDash(at(p)) && isNameChar(at(p + 1)))) {
                p++;
            }
            pos = p;
            return token(Kind.WORD, start, null, space);
        }
        pos++;
        throw unexpected(start, start + 1);
    }

    private Token number(int start, boolean space) throws ParseException {
        int p = pos;
        while (Character.isDigit(at(p))) {
            p++;
        }
        boolean decimal = false;
        if (at(p) == '.' && Character.isDigit(at(p + 1))) {
            decimal = true;
            p++;
            while (Character.isDigit(at(p))) {
                p++;
            }
        }
        if ((at(p) == 'e' || at(p) == 'E')
                && (Character.isDigit(at(p + 1)) || ((at(p + 1) == '+' || at(p + 1) == '-') && Character.isDigit(at(p + 2))))) {
            decimal = true;
            p += 2;
            while (Character.isDigit(at(p))) {
                p++;
            }
        }
        if (isNameChar(at(p)) || at(p) == '.' && Character.isLetter(at(p + 1)) && decimal) {
            int q = p;
            while (isNameChar(at(q))) {
                q++;
            }
            throw notInSubset("The number literal '" + src.substring(start, q) + "'", start, q);
        }
        String text = src.substring(start, p);
        pos = p;
        return token(Kind.NUMBER, start, parseNumber(text, decimal), space);
    }

    static Object parseNumber(String text, boolean decimal) {
        if (!decimal) {
            try {
                long v = Long.parseLong(text);
                if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                    return (int) v;
                }
                return v;
            } catch (NumberFormatException tooBig) {
                return Double.parseDouble(text);
            }
        }
        return Double.parseDouble(text);
    }

    /** A token in argument mode: parameters, bare words and numbers. */
    private Token argumentToken(char c, int start, boolean space) throws ParseException {
        if (isDash(c) && (Character.isLetter(at(pos + 1)) || at(pos + 1) == '_')) {
            int p = pos + 1;
            while (isNameChar(at(p)) || at(p) == '-') {
                p++;
            }
            String name = src.substring(pos + 1, p);
            boolean colon = at(p) == ':';
            pos = colon ? p + 1 : p;
            return new Token(Kind.PARAMETER, src.substring(start, pos), name, start, pos, space, colon);
        }
        int p = pos;
        while (!atEnd(p)) {
            char d = src.charAt(p);
            if (isSpace(d) || isNewline(d) || d == ';' || d == '|' || d == '(' || d == ')' || d == '{'
                    || d == '}' || d == ',' || d == '&') {
                break;
            }
            if (d == '$' || d == '`' || d == '@' || isSingleQuote(d) || isDoubleQuote(d)) {
                throw notInSubset("A bare word joined to '" + d + "' ('" + src.substring(start, p + 1) + "')",
                        start, p + 1);
            }
            p++;
        }
        if (p == pos) {
            pos++;
            throw unexpected(start, start + 1);
        }
        String text = src.substring(start, p);
        pos = p;
        Object number = argumentNumber(text);
        if (number != null) {
            return new Token(Kind.NUMBER, text, number, start, p, space, false);
        }
        return new Token(Kind.WORD, text, text, start, p, space, false);
    }

    private static Object argumentNumber(String text) {
        int i = isDash(text.charAt(0)) ? 1 : 0;
        if (i >= text.length()) {
            return null;
        }
        boolean dot = false;
        boolean digits = false;
        for (int k = i; k < text.length(); k++) {
            char d = text.charAt(k);
            if (d >= '0' && d <= '9') {
                digits = true;
            } else if (d == '.' && !dot) {
                dot = true;
            } else {
                return null;
            }
        }
        if (!digits || text.endsWith(".")) {
            return null;
        }
        String plain = i == 1 ? "-" + text.substring(1) : text;
        return parseNumber(plain, dot);
    }
}
