package dev.secondsite.hyperv.sim.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.hyperv.PowerShellInvocation;
import dev.secondsite.hyperv.PowerShellResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Command line: decoded as powershell.exe would, the rest refused")
class CommandLineTest {
    private final PowerShellInterpreter ps = PowerShellInterpreter.builder().build();

    private PowerShellResult run(String... args) {
        return ps.run(new PowerShellInvocation(List.of(args), "", Duration.ofSeconds(5)), "vmm01");
    }

    @Test
    @DisplayName("-EncodedCommand is base64 of UTF-16LE, including characters outside ASCII")
    void encoded() {
        String script = "'h\u00e9llo \u2018\u2018w\u2019\u2019 \ud83d\ude00'";
        PowerShellResult r = run("-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-OutputFormat",
                "Text", "-EncodedCommand", TestCmdlets.encode(script));
        assertEquals("h\u00e9llo \u2018w\u2019 \ud83d\ude00\r\n", r.stdout());
        assertEquals(0, r.exitCode());
    }

    @Test
    @DisplayName("-Command takes the rest of the line as the script; parameter names ignore case")
    void command() {
        assertEquals("3\r\n", run("-noprofile", "-COMMAND", "1", "+", "2").stdout());
    }

    @Test
    @DisplayName("refused: unknown or abbreviated parameters, bad base64, missing values, bad policy, XML output, no script")
    void refusals() {
        List<String[]> bad = List.of(new String[] {"-Foo", "-Command", "1"}, new String[] {"-enc", "AAAA"},
                new String[] {"-EncodedCommand", "not base64!"}, new String[] {"-EncodedCommand"},
                new String[] {"-ExecutionPolicy", "Whatever", "-Command", "1"},
                new String[] {"-OutputFormat", "XML", "-Command", "1"}, new String[] {"-NoProfile"},
                new String[] {"-EncodedCommand", "MQA=", "-Command", "1"}, new String[] {"script.ps1"});
        for (String[] args : bad) {
            PowerShellResult r = run(args);
            assertEquals(CommandLine.USAGE_EXIT_CODE, r.exitCode(), String.join(" ", args));
            assertEquals("", r.stdout());
            assertTrue(!r.stderr().isBlank(), String.join(" ", args));
        }
        assertTrue(run("-EncodedCommand", "not base64!").stderr().startsWith("Cannot process the command because "
                + "the value specified with -EncodedCommand is not properly encoded."));
        assertTrue(run("-Foo").stderr().startsWith("-Foo : The term '-Foo' is not recognized"));
    }
}
