package dev.secondsite.hyperv.sim.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.hyperv.PowerShellResult;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ConvertTo-Json and ConvertFrom-Json in the Windows PowerShell 5.1 and PowerShell 7 flavours")
class JsonTest {
    private static final String OBJECT = "[pscustomobject]@{ s = \"a\"\"b\\<&>'`n\"; n = 1; d = 1.5; b = $true; z = $null; "
            + "e = (Get-VMReplication -VMName x).ReplicationState; t = (Get-Date); l = @(1, 'x'); "
            + "h = [ordered]@{ k = 'v' } }";

    private static PowerShellInterpreter ps(JsonFlavor flavor) {
        return PowerShellInterpreter.builder().jsonFlavor(flavor).cmdlet(TestCmdlets.getVMReplication())
                .clock(Clock.fixed(Instant.parse("2024-03-01T10:15:30.25Z"), ZoneOffset.UTC)).build();
    }

    private static String run(JsonFlavor flavor, String script) {
        return TestCmdlets.out(TestCmdlets.run(ps(flavor), script));
    }

    @Test
    @DisplayName("5.1: enums as numbers, DateTime as \\/Date(ms)\\/, < > & ' escaped as \\u00XX")
    void windowsPowerShell() {
        assertEquals("{\"s\":\"a\\\"b\\\\\\u003c\\u0026\\u003e\\u0027\\n\",\"n\":1,\"d\":1.5,\"b\":true,\"z\":null,"
                + "\"e\":4,\"t\":\"\\/Date(1709288130250)\\/\",\"l\":[1,\"x\"],\"h\":{\"k\":\"v\"}}",
                run(JsonFlavor.WINDOWS_POWERSHELL_5_1, OBJECT + " | ConvertTo-Json -Compress"));
    }

    @Test
    @DisplayName("7: enums as numbers, DateTime as ISO 8601, only quotes, backslashes and controls escaped")
    void powerShell7() {
        assertEquals("{\"s\":\"a\\\"b\\\\<&>'\\n\",\"n\":1,\"d\":1.5,\"b\":true,\"z\":null,"
                + "\"e\":4,\"t\":\"2024-03-01T10:15:30.25Z\",\"l\":[1,\"x\"],\"h\":{\"k\":\"v\"}}",
                run(JsonFlavor.POWERSHELL_7, OBJECT + " | ConvertTo-Json -Compress"));
    }

    @Test
    @DisplayName("depth: objects deeper than -Depth (2 by default) become their string form")
    void depth() {
        String nested = "@{ a = @{ b = @{ c = 1 } } }";
        assertEquals("{\"a\":{\"b\":\"System.Collections.Hashtable\"}}",
                run(JsonFlavor.WINDOWS_POWERSHELL_5_1, nested + " | ConvertTo-Json -Compress"));
        assertEquals("{\"a\":{\"b\":{\"c\":1}}}",
                run(JsonFlavor.WINDOWS_POWERSHELL_5_1, nested + " | ConvertTo-Json -Compress -Depth 3"));
    }

    @Test
    @DisplayName("several pipeline values become one array; -InputObject of a list is an array")
    void arrays() {
        assertEquals("[1,2]", run(JsonFlavor.POWERSHELL_7, "1, 2 | ConvertTo-Json -Compress"));
        assertEquals("[]", run(JsonFlavor.POWERSHELL_7, "ConvertTo-Json -InputObject @() -Compress"));
    }

    @Test
    @DisplayName("without -Compress: indented (7: two spaces; 5.1: four spaces and two after the colon)")
    void indented() {
        assertEquals("{\r\n  \"a\": 1,\r\n  \"b\": [\r\n    2\r\n  ]\r\n}",
                run(JsonFlavor.POWERSHELL_7, "[pscustomobject]@{ a = 1; b = @(2) } | ConvertTo-Json"));
        assertEquals("{\r\n    \"a\":  1\r\n}",
                run(JsonFlavor.WINDOWS_POWERSHELL_5_1, "[pscustomobject]@{ a = 1 } | ConvertTo-Json"));
    }

    @Test
    @DisplayName("ConvertFrom-Json: objects as PsObject, arrays as lists; 5.1 keeps ISO strings, 7 reads them as dates")
    void fromJson() {
        String base = "$o = '{\"a\":[1,{\"b\":\"x\"}],\"t\":\"2024-03-01T10:15:30Z\"}' | ConvertFrom-Json; ";
        assertEquals("2 x", run(JsonFlavor.WINDOWS_POWERSHELL_5_1, base + "\"$($o.a.Count) $($o.a[1].b)\""));
        assertEquals("2024-03-01T10:15:30Z", run(JsonFlavor.WINDOWS_POWERSHELL_5_1, base + "$o.t"));
        assertEquals("03/01/2024 10:15:30", run(JsonFlavor.POWERSHELL_7, base + "[string]$o.t"));
        assertEquals("1970-01-01T00:00:00.0000000Z", run(JsonFlavor.WINDOWS_POWERSHELL_5_1,
                "('{\"m\":\"\\/Date(0)\\/\"}' | ConvertFrom-Json).m.ToString('o')"));
    }

    @Test
    @DisplayName("ConvertFrom-Json of an array: 5.1 writes it as one object, 7 enumerates it")
    void fromJsonArray() {
        String script = "'[1,2,3]' | ConvertFrom-Json | ForEach-Object { 'item' }";
        assertEquals("item", run(JsonFlavor.WINDOWS_POWERSHELL_5_1, script));
        assertEquals("item\r\nitem\r\nitem", run(JsonFlavor.POWERSHELL_7, script));
    }

    @Test
    @DisplayName("malformed JSON is a ConvertFrom-Json error with the flavour's message")
    void malformed() {
        PowerShellResult r = TestCmdlets.run(ps(JsonFlavor.WINDOWS_POWERSHELL_5_1),
                "try { '{\"a\": nope}' | ConvertFrom-Json -ErrorAction Stop } catch { $_.Exception.Message }");
        assertEquals("Invalid JSON primitive: nope.\r\n", r.stdout());
    }

    @Test
    @DisplayName("round trip: what ConvertTo-Json writes, ConvertFrom-Json reads back")
    void roundTrip() {
        for (JsonFlavor flavor : JsonFlavor.values()) {
            assertEquals("a\"b\\<&>'\n|1|True|x", run(flavor, "$j = " + OBJECT + " | ConvertTo-Json -Compress; "
                    + "$o = $j | ConvertFrom-Json; \"$($o.s)|$($o.n)|$($o.b)|$($o.l[1])\""), flavor.toString());
        }
    }
}
