package dev.secondsite.hyperv.sim.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.hyperv.sim.lang.Lexer.Mode;
import dev.secondsite.hyperv.sim.lang.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Lexer: the tokens of the subset")
class LexerTest {
    private static List<Token> tokens(String text, Mode mode) throws ParseException {
        Lexer lexer = Parser.lexer(text);
        List<Token> out = new ArrayList<>();
        for (Token t = lexer.next(mode); !t.is(Kind.EOF); t = lexer.next(mode)) {
            out.add(t);
        }
        return out;
    }

    private static Token one(String text, Mode mode) throws ParseException {
        List<Token> all = tokens(text, mode);
        assertEquals(1, all.size(), () -> "tokens of " + text + ": " + all);
        return all.get(0);
    }

    private static Object stringValue(String text) throws ParseException {
        Token t = one(text, Mode.EXPRESSION);
        assertEquals(Kind.STRING, t.kind(), text);
        return t.value();
    }

    @Test
    @DisplayName("single-quoted strings are verbatim: $, backtick and double quotes stay as written")
    void singleQuotedVerbatim() throws ParseException {
        assertEquals("a $b `n \"c\" $(d)", stringValue("'a $b `n \"c\" $(d)'"));
        assertEquals("", stringValue("''"));
    }

    @ParameterizedTest(name = "quote U+{0}")
    @ValueSource(strings = {"0027", "2018", "2019", "201A", "201B"})
    @DisplayName("each of the five single quote characters opens and closes a string, and doubling it gives one")
    void singleQuoteCharacters(String hex) throws ParseException {
        char q = (char) Integer.parseInt(hex, 16);
        assertEquals("it" + q + "s", stringValue(q + "it" + q + q + "s" + q));
        assertEquals(String.valueOf(q), stringValue("'" + q + q + "'"));
    }

    @Test
    @DisplayName("any single quote closes a string opened by another; a doubled mixed pair keeps the second")
    void mixedSingleQuotes() throws ParseException {
        assertEquals("a", stringValue("\u2018a'"));
        assertEquals("a\u2019b", stringValue("'a'\u2019b'"));
    }

    @Test
    @DisplayName("double-quoted strings: backtick escapes and doubled quotes")
    void doubleQuotedEscapes() throws ParseException {
        assertEquals("a\nb\rc\td\0e\"f`g$h'", stringValue("\"a`nb`rc`td`0e`\"f``g`$h'\""));
        assertEquals("say \"hi\"", stringValue("\"say \"\"hi\"\"\""));
        assertEquals("x", stringValue("\u201Cx\u201D"));
    }

    @Test
    @DisplayName("double-quoted strings expand $name, ${name} and $(...), and keep text between")
    void expandable() throws ParseException {
        Token t = one("\"vm $Name is ${other} and $($x.Count) items $\"", Mode.EXPRESSION);
        assertEquals(Kind.EXPANDABLE, t.kind());
        List<?> parts = (List<?>) t.value();
        assertEquals("vm ", parts.get(0));
        assertEquals(new Ast.Var("Name"), parts.get(1));
        assertEquals(" is ", parts.get(2));
        assertEquals(new Ast.Var("other"), parts.get(3));
        assertEquals(" and ", parts.get(4));
        assertInstanceOf(Ast.SubExpression.class, parts.get(5));
        assertEquals(" items $", parts.get(6));
    }

    @Test
    @DisplayName("a $(...) in a double-quoted string ends at its own closing parenthesis, even with ) inside strings")
    void subExpressionWithParenInside() throws ParseException {
        Token t = one("\"a$(')' + \")\")b\"", Mode.EXPRESSION);
        List<?> parts = (List<?>) t.value();
        assertEquals(3, parts.size());
        assertEquals("b", parts.get(2));
    }

    @Test
    @DisplayName("an unterminated string is a parse error naming the terminator")
    void unterminated() {
        ParseException e = assertThrows(ParseException.class, () -> tokens("'abc", Mode.EXPRESSION));
        assertEquals("The string is missing the terminator: '.", e.getMessage());
        assertEquals("TerminatorExpectedAtEndOfString", e.errorId());
        ParseException d = assertThrows(ParseException.class, () -> tokens("\"abc", Mode.EXPRESSION));
        assertEquals("The string is missing the terminator: \".", d.getMessage());
    }

    @Test
    @DisplayName("line and block comments are skipped; a # inside a string is text")
    void comments() throws ParseException {
        List<Token> t = tokens("$a # comment\n<# block\n still #> $b '#c'", Mode.EXPRESSION);
        assertEquals(List.of(Kind.VARIABLE, Kind.NEWLINE, Kind.VARIABLE, Kind.STRING),
                t.stream().map(Token::kind).toList());
        assertEquals("#c", t.get(3).value());
    }

    @Test
    @DisplayName("a backtick at the end of a line continues it; newlines and semicolons are separators")
    void continuation() throws ParseException {
        List<Token> t = tokens("Get-VM -Name `\r\n  a; b\nc", Mode.COMMAND);
        assertEquals(List.of(Kind.WORD, Kind.PARAMETER, Kind.WORD, Kind.SEMI, Kind.WORD, Kind.NEWLINE, Kind.WORD),
                t.stream().map(Token::kind).toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"42, 42", "2147483648, 2147483648", "1.5, 1.5", "0, 0"})
    @DisplayName("numbers: Int32, widening to Int64, decimals as Double")
    void numbers(String text, String expected) throws ParseException {
        Object v = one(text, Mode.EXPRESSION).value();
        assertEquals(expected, String.valueOf(v));
        if (text.equals("42")) {
            assertInstanceOf(Integer.class, v);
        } else if (text.startsWith("2147")) {
            assertInstanceOf(Long.class, v);
        } else if (text.equals("1.5")) {
            assertInstanceOf(Double.class, v);
        }
    }

    @Test
    @DisplayName("argument mode: parameters (with colon form), bare words, numbers, splats and variables")
    void argumentMode() throws ParseException {
        List<Token> t = tokens("-Confirm:$false -Name web-01 6 @remote $x -Depth", Mode.COMMAND);
        assertEquals(List.of(Kind.PARAMETER, Kind.VARIABLE, Kind.PARAMETER, Kind.WORD, Kind.NUMBER, Kind.SPLAT,
                Kind.VARIABLE, Kind.PARAMETER), t.stream().map(Token::kind).toList());
        assertTrue(t.get(0).colon());
        assertEquals("Confirm", t.get(0).value());
        assertEquals("web-01", t.get(3).value());
        assertEquals(6, t.get(4).value());
    }

    @Test
    @DisplayName("expression mode: operators, case-insensitive; an unknown -operator is refused")
    void operators() throws ParseException {
        List<Token> t = tokens("$a -EQ 1 -and !$b", Mode.EXPRESSION);
        assertEquals("-eq", t.get(1).value());
        assertEquals("-and", t.get(3).value());
        assertEquals(Kind.BANG, t.get(4).kind());
        ParseException e = assertThrows(ParseException.class, () -> tokens("$a -match 'x'", Mode.EXPRESSION));
        assertEquals("Unexpected token '-match' in expression or statement.", e.getMessage());
    }
}
