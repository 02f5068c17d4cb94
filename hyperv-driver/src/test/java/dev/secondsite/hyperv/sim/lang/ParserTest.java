package dev.secondsite.hyperv.sim.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.hyperv.PowerShellResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Parser: PowerShell's messages with positions, and nothing outside the subset")
class ParserTest {
    private static ParseException error(String script) {
        return assertThrows(ParseException.class, () -> Parser.parse(script));
    }

    @Test
    @DisplayName("the docs' bootstrap parses")
    void bootstrapParses() throws ParseException {
        Ast.ScriptBlockBody body = Parser.parse(TestCmdlets.resource("bootstrap.ps1"));
        assertEquals(5, body.statements().size());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "if ($x) { 'a'                | MissingEndCurlyBrace              | Missing closing '}' in statement block or type definition. | 1 | 9",
            "$x = ('a'                    | MissingEndParenthesisInExpression | Missing closing ')' in expression.                          | 1 | 6",
            "$a -eq                       | ExpectedValueExpression           | You must provide a value expression following the '-eq' operator. | 1 | 7",
            "~'a' | 'b'~                  | ExpressionsMustBeFirstInPipeline  | Expressions are only allowed as the first element of a pipeline. | 1 | 7",
            "try { 1 }                    | MissingCatchOrFinally             | The Try statement is missing its Catch or Finally block.  | 1 | 1",
            "$x = [Foo]::Bar              | TypeNotFound                      | Unable to find type [Foo].                                 | 1 | 7",
            "foreach ($x of $y) { }       | MissingInInForeach                | Missing 'in' after variable in foreach loop.               | 1 | 13",
            "'a' 'b'                      | UnexpectedToken                   | Unexpected token ''b'' in expression or statement.         | 1 | 5",
            "@{ a 1 }                     | MissingEqualsInHashLiteral        | Missing '=' operator after key in hash literal.           | 1 | 6",
    })
    @DisplayName("malformed scripts: PowerShell's message, error id, line and column")
    void malformed(String script, String id, String message, int line, int column) {
        ParseException e = error(script.strip());
        assertEquals(id, e.errorId());
        assertEquals(message, e.getMessage());
        Ast.Source source = new Ast.Source(script.strip());
        assertEquals(line, source.line(e.start()));
        assertEquals(column, source.column(e.start()));
    }

    @Test
    @DisplayName("positions count lines: an error on line 3 reports line 3")
    void multiline() {
        ParseException e = error("$a = 1\n$b = 2\n$c = $a -gt");
        assertEquals(3, new Ast.Source("$a = 1\n$b = 2\n$c = $a -gt").line(e.start()));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"while ($true) { }", "function f { }", "$x = 1 -f 2", "for ($i = 0; $i; ) { }",
            "$x = @\"\nhere\n\"@", "$env:PATH", "$args", "$x++", "$x += 1", "a && b", "switch ($x) { }",
            "try { } catch { } finally { }", "try { } catch [System.Exception] { }", "[int]", "$x = 0x10",
            "$x = 1kb", "Get-VM -Name a`b", "& { 1 } | Out-Null; $x::y", "[Parameter(Mandatory)]$x",
            "break", "$?"})
    @DisplayName("constructs outside the subset are parse errors, never ignored")
    void outsideSubset(String script) {
        ParseException e = error(script);
        assertTrue(!e.getMessage().isBlank());
    }

    @Test
    @DisplayName("a parse error: exit 1, PowerShell's ParserError text on stderr, nothing on stdout")
    void parseErrorResult() {
        PowerShellResult r = TestCmdlets.run(PowerShellInterpreter.builder().build(), "$x = 1\nif ($x) {\n  'a'\n");
        assertEquals(1, r.exitCode());
        assertEquals("", r.stdout());
        assertEquals("At line:2 char:9\r\n"
                + "+ if ($x) {\r\n"
                + "+         ~\r\n"
                + "Missing closing '}' in statement block or type definition.\r\n"
                + "    + CategoryInfo          : ParserError: (:) [], ParentContainsErrorRecordException\r\n"
                + "    + FullyQualifiedErrorId : MissingEndCurlyBrace\r\n \r\n", r.stderr());
    }

    @Test
    @DisplayName("statements across newlines, semicolons, continuation and comments parse as PowerShell reads them")
    void layout() throws ParseException {
        Ast.ScriptBlockBody body = Parser.parse("# c\n$a = 1; $b = 2 <# x #>\nGet-Date `\n  | Out-Null\n\n"
                + "if ($a) { 1 }\nelseif ($b) { 2 }\nelse { 3 }");
        assertEquals(4, body.statements().size());
        assertTrue(body.statements().get(3) instanceof Ast.If);
        assertEquals(2, ((Ast.If) body.statements().get(3)).conditions().size());
    }
}
