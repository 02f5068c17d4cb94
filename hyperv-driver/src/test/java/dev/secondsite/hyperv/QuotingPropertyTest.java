package dev.secondsite.hyperv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Any string (quotes of every kind, U+2018..U+201B, {@code $(...)}, backticks, newlines, semicolons, NUL, lone
 * surrogates, very long) is carried exactly: as a single-quoted literal and as a value on standard input.
 */
class QuotingPropertyTest {
    private static final List<String> HOSTILE = List.of("'", "\u2018", "\u2019", "\u201A", "\u201B", "\"", "\u201C",
            "$(Remove-VM -Name x)", "`", "`'", "\n", "\r\n", ";", "\u0000", "\ud800", "}", "{", "#", "<#", "$in",
            "' + '", "''", "\\", "\\\"");

    /** Strings made of hostile pieces and arbitrary characters, up to a few thousand characters. */
    private static Gen<String> hostileStrings() {
        Gen<String> piece = Generate.pick(HOSTILE).mix(SourceDSL.strings().allPossible().ofLengthBetween(0, 5), 50);
        return SourceDSL.lists().of(piece).ofSizeBetween(0, 40).map(parts -> String.join("", parts))
                .mix(SourceDSL.strings().allPossible().ofLengthBetween(2000, 8000), 5);
    }

    /** PowerShell's reading of a single-quoted literal: any single quote ends it unless doubled. */
    private static String readSingleQuoted(String literal) {
        if (literal.length() < 2 || !PsLiteral.isSingleQuote(literal.charAt(0))) {
            throw new AssertionError("not a literal: " + literal);
        }
        StringBuilder value = new StringBuilder();
        int i = 1;
        while (true) {
            if (i >= literal.length()) {
                throw new AssertionError("unterminated literal");
            }
            char c = literal.charAt(i);
            if (PsLiteral.isSingleQuote(c)) {
                if (i + 1 < literal.length() && PsLiteral.isSingleQuote(literal.charAt(i + 1))) {
                    value.append(literal.charAt(i + 1));
                    i += 2;
                    continue;
                }
                if (i != literal.length() - 1) {
                    throw new AssertionError("the literal ends before its last character at " + i);
                }
                return value.toString();
            }
            value.append(c);
            i++;
        }
    }

    @Test
    @DisplayName("a single-quoted literal reads back as exactly the string, ending only at its last character")
    void literalRoundTrip() {
        qt().withExamples(200).forAll(hostileStrings())
                .check(s -> readSingleQuoted(PsLiteral.singleQuoted(s)).equals(s));
    }

    @Test
    @DisplayName("a value on standard input reads back (as ConvertFrom-Json would) as exactly the string, in its "
            + "place, and the stdin is pure ASCII")
    void stdinRoundTrip() {
        qt().withExamples(200).forAll(hostileStrings(), hostileStrings()).check((a, b) -> {
            String stdin = Stdin.of(List.of(a, 8084, true, b), "hv01", false, null);
            JsonNode args = parse(stdin).get("ArgumentList");
            return stdin.chars().allMatch(c -> c < 128) && args.size() == 4 && args.get(0).textValue().equals(a)
                    && args.get(1).intValue() == 8084 && args.get(3).textValue().equals(b);
        });
    }

    @Test
    @DisplayName("a literal of every quote character doubles each one")
    void doublesEveryQuote() {
        assertEquals("'''\u2018\u2018\u2019\u2019\u201A\u201A\u201B\u201B'",
                PsLiteral.singleQuoted("'\u2018\u2019\u201A\u201B"));
    }

    private static JsonNode parse(String json) {
        try {
            return FakePowerShell.JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
