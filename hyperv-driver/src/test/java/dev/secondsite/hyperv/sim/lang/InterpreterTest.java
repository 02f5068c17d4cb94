package dev.secondsite.hyperv.sim.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.hyperv.PowerShellResult;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Interpreter: the PowerShell semantics the driver's scripts rely on")
class InterpreterTest {
    private final TestCmdlets.Recording get = TestCmdlets.getVMReplication();
    private final TestCmdlets.Recording echo = TestCmdlets.echo();
    private final PowerShellInterpreter ps = PowerShellInterpreter.builder().cmdlet(get).cmdlet(echo)
            .clock(Clock.fixed(Instant.parse("2024-03-01T10:15:30.25Z"), ZoneOffset.UTC)).build();

    private String run(String script) {
        return TestCmdlets.out(TestCmdlets.run(ps, script));
    }

    @ParameterizedTest(name = "{0}  =>  {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "'a' -eq 'A'                                   | True",
            "'a' -ceq 'A' -or $true                        | ",
            "\"$(@(1, 2, 3, 2) -eq 2)\"                     | 2 2",
            "(@('x', 'y') -ne 'x').Count                   | 1",
            "5 -gt '10'                                    | False",
            "'b' -gt 'A'                                   | True",
            "'web-01' -like 'WEB-*'                        | True",
            "'web-01' -notlike 'db*'                       | True",
            "1 + 2                                         | 3",
            "'a' + 1                                       | a1",
            "(@(1) + @(2, 3)).Count                        | 3",
            "2147483647 + 1                                | 2147483648",
            "10 - 4                                        | 6",
            "-not $null                                    | True",
            "!@()                                          | True",
            "[bool]''                                      | False",
            "[bool]'false'                                 | True",
            "[bool]@(0)                                    | False",
            "[int]'42' + 1                                 | 43",
            "[string]@(1, 2)                               | 1 2",
            "@().Count                                     | 0",
            "@($null).Count                                | 1",
            "@(@(1, 2)).Count                              | 2",
            "$null.Count                                   | 0",
            "'abc'.Length                                  | 3",
            "\"n=$(1 + 1) `$x\"                              | n=2 $x",
    })
    @DisplayName("operators, truthiness, casts and @()")
    void expressions(String script, String expected) {
        if (expected == null) {
            // -ceq is outside the subset
            assertEquals(1, TestCmdlets.run(ps, script).exitCode());
            return;
        }
        assertEquals(expected.replace("\\r\\n", "\r\n"), run(script));
    }

    @Test
    @DisplayName("pipelines stream values: arrays are unrolled, $_ and $PSItem are the current item")
    void pipelines() {
        assertEquals("2\r\n4\r\n6", run("1, 2, 3 | ForEach-Object { $_ + $PSItem }"));
        assertEquals("b", run("@('a', 'b') | Where-Object { $_ -ne 'a' }"));
        assertEquals("3", run("@(1, 2, 3) | Sort-Object -Descending | Select-Object -First 1"));
    }

    @Test
    @DisplayName("member enumeration: .Name on a list gives every item's Name")
    void memberEnumeration() {
        assertEquals("vm-a vm-b", run("$r = Get-VMReplication; \"$($r.VMName)\""));
        assertEquals("Replicating", run("@(Get-VMReplication -VMName one).ReplicationState.ToString()"));
    }

    @Test
    @DisplayName("a script block has its own scope that reads the parent's; assignments stay inside")
    void scopes() {
        assertEquals("outer\r\n1\r\nouter", run("$x = 'outer'; $y = 1; & { $x; $x = 'inner'; $y }; $x"));
    }

    @Test
    @DisplayName("script block parameters: typed, defaults, switches, positional and splatted (array and hashtable)")
    void parameters() {
        String block = "$b = { param([string]$Name, [int]$Count = 2, [switch]$Loud, [string[]]$Tags) "
                + "\"$Name/$Count/$Loud/$($Tags.Count)\" }; ";
        assertEquals("a/2/False/0", run(block + "& $b 'a'"));
        assertEquals("a/5/True/2", run(block + "& $b -Loud -Name a -Count '5' -Tags x, y"));
        assertEquals("/7/False/1", run(block + "$p = @{ Count = 7; Tags = 'z' }; & $b @p"));
        assertEquals("q/3/False/0", run(block + "$l = @('q', 3); & $b @l"));
    }

    @Test
    @DisplayName("foreach, if/elseif/else, return and hashtable assignment")
    void statements() {
        assertEquals("small\r\nmid\r\nbig", run("foreach ($n in 1, 5, 9) { if ($n -lt 3) { 'small' } "
                + "elseif ($n -lt 7) { 'mid' } else { 'big' } }"));
        assertEquals("1", run("& { return 1; 2 }"));
        assertEquals("v w", run("$h = @{}; $h.k = 'v'; $h['j'] = 'w'; \"$($h.k) $($h['J'])\""));
        assertEquals("a=1 b=2", run("$o = [pscustomobject]@{ a = 1; b = 2 }; "
                + "\"$($o.PSObject.Properties | ForEach-Object { \"$($_.Name)=$($_.Value)\" })\""));
    }

    @Test
    @DisplayName("try/catch: $_ is the error record with Exception.Message, CategoryInfo.Category and FullyQualifiedErrorId")
    void tryCatch() {
        assertEquals("boom|OperationStopped|boom", run("try { throw 'boom' } catch { \"$($_.Exception.Message)|"
                + "$($_.CategoryInfo.Category)|$($_.FullyQualifiedErrorId)\" }"));
        assertEquals("m|InvalidData|W,Microsoft.PowerShell.Commands.WriteErrorException|after",
                run("try { Write-Error -Message m -Category InvalidData -ErrorId W -ErrorAction Stop; 'not here' } "
                + "catch { \"$($_.Exception.Message)|$($_.CategoryInfo.Category.ToString())|"
                + "$($_.FullyQualifiedErrorId)|after\" }"));
    }

    @Test
    @DisplayName("a non-terminating error continues under Continue; $ErrorActionPreference = 'Stop' makes it terminating")
    void errorActionPreference() {
        PowerShellResult cont = TestCmdlets.run(ps, "Write-Error -Message first; 'after'");
        assertEquals("after\r\n", cont.stdout());
        assertTrue(cont.stderr().startsWith("Write-Error : first\r\n"), cont.stderr());
        assertEquals(0, cont.exitCode());

        PowerShellResult stop = TestCmdlets.run(ps, "$ErrorActionPreference = 'Stop'; Write-Error -Message first; 'after'");
        assertEquals("", stop.stdout());
        assertEquals(1, stop.exitCode());
        assertTrue(stop.stderr().contains("FullyQualifiedErrorId : Microsoft.PowerShell.Commands.WriteErrorException"),
                stop.stderr());

        PowerShellResult silent = TestCmdlets.run(ps, "Write-Error -Message x -ErrorAction SilentlyContinue; 'ok'");
        assertEquals("ok\r\n", silent.stdout());
        assertEquals("", silent.stderr());
    }

    @Test
    @DisplayName("an uncaught throw: written to stderr as PowerShell formats it, with the position; exit 1")
    void uncaught() {
        PowerShellResult r = TestCmdlets.run(ps, "'before'\nthrow 'it failed'\n'after'");
        assertEquals(1, r.exitCode());
        assertEquals("before\r\n", r.stdout());
        assertEquals("it failed\r\nAt line:2 char:1\r\n+ throw 'it failed'\r\n+ ~~~~~~~~~~~~~~~~~\r\n"
                + "    + CategoryInfo          : OperationStopped: (:) [], RuntimeException\r\n"
                + "    + FullyQualifiedErrorId : it failed\r\n \r\n", r.stderr());
    }

    @Test
    @DisplayName("exit codes: exit n ends the process with n, from inside a script block too")
    void exitCodes() {
        PowerShellResult r = TestCmdlets.run(ps, "'a'; & { exit 3 }; 'b'");
        assertEquals(3, r.exitCode());
        assertEquals("a\r\n", r.stdout());
        assertEquals(0, TestCmdlets.run(ps, "'x'").exitCode());
    }

    @Test
    @DisplayName("runtime errors are PowerShell's: a method on $null")
    void methodOnNull() {
        PowerShellResult r = TestCmdlets.run(ps, "$ErrorActionPreference = 'Stop'\n$x.ToString()");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().startsWith("You cannot call a method on a null-valued expression.\r\nAt line:2 char:3"),
                r.stderr());
    }

    @Test
    @DisplayName("Get-Date reads the injected clock; ToString('o') is ISO 8601 round trip, ToUniversalTime keeps the instant")
    void dates() {
        assertEquals("2024-03-01T10:15:30.2500000Z", run("(Get-Date).ToUniversalTime().ToString('o')"));
        assertEquals("03/01/2024 10:15:30", run("[string](Get-Date)"));
        assertEquals("True", run("[datetime]'2024-03-01T11:15:30.25+01:00' -eq (Get-Date)"));
    }

    @Test
    @DisplayName("[Console]::In.ReadToEnd() reads the standard input")
    void stdin() {
        assertEquals("hello", TestCmdlets.out(TestCmdlets.run(ps, "[Console]::In.ReadToEnd()", "hello")));
    }

    @Test
    @DisplayName("Select-Object with property names and calculated properties; Sort-Object by property")
    void selectAndSort() {
        assertEquals("{\"N\":\"vm-a\",\"State\":\"Replicating\"}", run("Get-VMReplication | Sort-Object -Property VMName "
                + "| Select-Object -First 1 -Property @{ Name = 'N'; Expression = { $_.VMName } }, "
                + "@{ Name = 'State'; Expression = { $_.ReplicationState.ToString() } } | ConvertTo-Json -Compress"));
        assertEquals("vm-b vm-a", run("\"$(Get-VMReplication | Sort-Object -Property VMName -Descending | "
                + "Select-Object -Property VMName | ForEach-Object { $_.VMName })\""));
    }

    @Test
    @DisplayName("New-Object PSCredential and ConvertTo-SecureString keep the password out of string forms")
    void credential() {
        String out = run("$s = ConvertTo-SecureString -String 'hunter2' -AsPlainText -Force; "
                + "$c = New-Object -TypeName System.Management.Automation.PSCredential -ArgumentList 'u', $s; "
                + "\"$s|$c|$($c.UserName)|$($c.Password)\"; $c | ConvertTo-Json -Compress");
        assertEquals("System.Security.SecureString|System.Management.Automation.PSCredential|u|"
                + "System.Security.SecureString\r\n{\"UserName\":\"u\",\"Password\":{\"Length\":7}}", out);
        assertTrue(!out.contains("hunter2"));
        PowerShellResult noForce = TestCmdlets.run(ps, "ConvertTo-SecureString -String 'x' -AsPlainText");
        assertTrue(noForce.stderr().contains("The system cannot protect plain text input."), noForce.stderr());
    }
}
