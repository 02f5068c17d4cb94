package dev.secondsite.hyperv.sim.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.hyperv.PowerShellResult;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The bootstrap of docs/powershell-subset.md section 1")
class BootstrapTest {
    private static final String BOOTSTRAP = TestCmdlets.resource("bootstrap.ps1");
    private static final String LOCAL_IN = "{\"ArgumentList\":[\"web-01\",\"replica01.contoso.com\",8084,\"Kerberos\"]}";

    private final TestCmdlets.Recording enable = TestCmdlets.enableVMReplication();
    private final TestCmdlets.Recording get = TestCmdlets.getVMReplication();
    private final List<String> opened = new java.util.ArrayList<>();

    private PowerShellInterpreter interpreter() {
        return PowerShellInterpreter.builder().cmdlet(enable).cmdlet(get)
                .remoteSessions((computer, credential, ssl, port) -> {
                    opened.add(computer + ":" + port + ":" + ssl + ":"
                            + (credential == null ? "-" : credential.get("UserName") + "/"
                            + ((PsSecureString) credential.get("Password")).reveal()));
                    if (computer.startsWith("unknown")) {
                        throw new CmdletException(CmdletException.ErrorCategory.OpenError, "PSSessionStateBroken",
                                "Connecting to remote server " + computer + " failed with the following error "
                                        + "message : WinRM cannot complete the operation.");
                    }
                }).build();
    }

    @Test
    @DisplayName("runs the command locally: the cmdlet gets the arguments as data and the envelope carries the result")
    void local() {
        PowerShellResult r = TestCmdlets.run(interpreter(), BOOTSTRAP, LOCAL_IN);

        assertEquals("{\"ok\":true,\"result\":[{\"VMName\":\"web-01\",\"State\":\"Replicating\",\"Health\":\"Normal\"}]}",
                TestCmdlets.out(r));
        TestCmdlets.Received call = enable.only();
        assertEquals(List.of("web-01"), call.bound().get("VMName"));
        assertEquals("replica01.contoso.com", call.bound().get("ReplicaServerName"));
        assertEquals(8084, call.bound().get("ReplicaServerPort"));
        assertEquals("Kerberos", call.bound().get("AuthenticationType"));
        assertEquals("vmm01.contoso.com", call.computerName());
        assertEquals(Optional.of(false), call.confirm());
        assertEquals(Optional.of("Stop"), call.errorAction());
        assertTrue(opened.isEmpty());
    }

    @Test
    @DisplayName("runs the command through Invoke-Command on the named host, with SSL on 5986 and the credential")
    void remote() {
        String in = "{\"ArgumentList\":[\"web-01\",\"replica01.contoso.com\",8084,\"Kerberos\"],"
                + "\"ComputerName\":\"hv01.contoso.com\",\"UseSSL\":true,"
                + "\"Credential\":{\"UserName\":\"CONTOSO\\\\svc\",\"Password\":\"p'a\\\"ss\"}}";
        PowerShellResult r = TestCmdlets.run(interpreter(), BOOTSTRAP, in);

        assertEquals("{\"ok\":true,\"result\":[{\"VMName\":\"web-01\",\"State\":\"Replicating\",\"Health\":\"Normal\"}]}",
                TestCmdlets.out(r));
        assertEquals(List.of("hv01.contoso.com:5986:true:CONTOSO\\svc/p'a\"ss"), opened);
        assertEquals("hv01.contoso.com", enable.only().computerName());
        assertEquals("hv01.contoso.com", get.only().computerName());
    }

    @Test
    @DisplayName("a computer RemoteSessions refuses: envelope ok=false with the OpenError, exit 1")
    void unknownComputer() {
        String in = "{\"ArgumentList\":[\"web-01\",\"r\",8084,\"Kerberos\"],\"ComputerName\":\"unknown.contoso.com\"}";
        PowerShellResult r = TestCmdlets.run(interpreter(), BOOTSTRAP, in);

        assertEquals(1, r.exitCode());
        assertEquals("", r.stderr());
        assertEquals("{\"ok\":false,\"message\":\"Connecting to remote server unknown.contoso.com failed with the "
                + "following error message : WinRM cannot complete the operation.\",\"category\":\"OpenError\","
                + "\"errorId\":\"PSSessionStateBroken\"}\r\n", r.stdout());
        assertTrue(enable.calls.isEmpty());
    }

    @Test
    @DisplayName("a cmdlet error under -ErrorAction Stop, locally and remotely: envelope ok=false with the cmdlet's message, category and id")
    void cmdletError() {
        for (String computer : List.of("null", "\"hv01\"")) {
            String in = "{\"ArgumentList\":[\"missing\",\"r\",8084,\"Kerberos\"],\"ComputerName\":" + computer + "}";
            PowerShellResult r = TestCmdlets.run(interpreter(), BOOTSTRAP, in);

            assertEquals(1, r.exitCode(), computer);
            assertEquals("{\"ok\":false,\"message\":\"Hyper-V was unable to find a virtual machine with name "
                    + "\\\"missing\\\".\",\"category\":\"ObjectNotFound\",\"errorId\":\"InvalidParameter,"
                    + "Microsoft.HyperV.PowerShell.Commands.EnableVMReplication\"}\r\n", r.stdout(), computer);
            assertTrue(get.calls.isEmpty(), "the script stopped at the failed cmdlet");
        }
    }

    @Test
    @DisplayName("a value out of the cmdlet's range is refused by the binder before the cmdlet runs")
    void outOfRange() {
        String in = "{\"ArgumentList\":[\"web-01\",\"r\",99999,\"Kerberos\"]}";
        PowerShellResult r = TestCmdlets.run(interpreter(), BOOTSTRAP, in);

        assertEquals(1, r.exitCode());
        assertTrue(r.stdout().contains("\"errorId\":\"ParameterArgumentValidationError,Enable-VMReplication\""),
                r.stdout());
        assertTrue(r.stdout().contains("The 99999 argument is greater than the maximum allowed range of 65535."),
                r.stdout());
        assertFalse(r.stdout().contains("\"ok\":true"));
        assertTrue(enable.calls.isEmpty());
    }
}
