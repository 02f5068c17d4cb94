package dev.secondsite.hyperv.sim.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secondsite.hyperv.PowerShellResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

@DisplayName("No injection: any string reaches the cmdlet exactly, as a quoted literal or as data")
class InjectionPropertyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The pieces that break naive quoting, mixed with arbitrary BMP characters (no lone surrogates). */
    private static final List<String> FRAGMENTS = List.of("'", "''", "\u2018", "\u2019", "\u201A", "\u201B",
            "\"", "\u201C", "\u201D", "\u201E", "$(", ")", "$(Mark-Evaluated)", "${x}", "$x", "`", "`n", "\n", "\r\n",
            ";", "|", "&", "#", "<#", "#>", "\0", "{", "}", "@(", " ", "-Value", "exit 3", "\t");

    private static Gen<String> nastyStrings() {
        Gen<String> piece = integers().between(0, FRAGMENTS.size() + 2).zip(integers().between(0x20, 0xD7FF),
                (i, c) -> i < FRAGMENTS.size() ? FRAGMENTS.get(i) : String.valueOf((char) (int) c));
        Gen<String> shortOnes = lists().of(piece).ofSizeBetween(0, 40).map(l -> String.join("", l));
        Gen<String> longOnes = lists().of(piece).ofSizeBetween(2000, 6000).map(l -> String.join("", l));
        return shortOnes.mix(longOnes, 10);
    }

    private final TestCmdlets.Recording setName = new TestCmdlets.Recording("Set-Name", List.of(TestCmdlets.set(
            "Default", ParameterSpec.optional("Value", PsType.STRING).at(0))), call -> { });
    private final TestCmdlets.Recording mark = new TestCmdlets.Recording("Mark-Evaluated", List.of(TestCmdlets.set(
            "Default")), call -> { });
    private final PowerShellInterpreter ps = PowerShellInterpreter.builder().cmdlet(setName).cmdlet(mark).build();

    static String singleQuoted(String value) {
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            sb.append(c);
            if (Lexer.isSingleQuote(c)) {
                sb.append(c);
            }
        }
        return sb.append('\'').toString();
    }

    private String received(PowerShellResult r) {
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(1, setName.calls.size());
        String value = (String) setName.calls.get(0).bound().get("Value");
        setName.calls.clear();
        assertTrue(mark.calls.isEmpty(), "nothing in the value was evaluated");
        return value;
    }

    @Test
    @DisplayName("as a single-quoted literal with ' and U+2018..U+201B doubled")
    void literal() {
        qt().withExamples(300).forAll(nastyStrings()).checkAssert(value -> assertEquals(value,
                received(TestCmdlets.run(ps, "$ErrorActionPreference = 'Stop'\nSet-Name -Value "
                        + singleQuoted(value) + " -ErrorAction Stop\n"))));
    }

    private static final String DATA_SCRIPT = "$ErrorActionPreference = 'Stop'\n"
            + "$in = [Console]::In.ReadToEnd() | ConvertFrom-Json\n"
            + "$command = { param([string]$Name) Set-Name -Value $Name -ErrorAction Stop }\n"
            + "$argumentList = @($in.ArgumentList)\n"
            + "$result = @(& $command @argumentList)\n";

    private static String stdin(String value) {
        try {
            return JSON.writeValueAsString(Map.of("ArgumentList", List.of(value)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @DisplayName("as a value of the stdin JSON's ArgumentList")
    void data() {
        qt().withExamples(300).forAll(nastyStrings()).checkAssert(value -> assertEquals(value,
                received(TestCmdlets.run(ps, DATA_SCRIPT, stdin(value)))));
    }

    @Test
    @DisplayName("a double-quoted string with $(...) passed as data is not evaluated")
    void subExpressionInDataNotEvaluated() {
        qt().withExamples(200).forAll(nastyStrings(), nastyStrings()).checkAssert((before, after) -> {
            String value = "\"" + before + "$(Mark-Evaluated; Set-Name -Value pwned)" + after + "\"";
            assertEquals(value, received(TestCmdlets.run(ps, DATA_SCRIPT, stdin(value))));
        });
    }
}
