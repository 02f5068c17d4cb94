package dev.secondsite.hyperv.sim.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.hyperv.PowerShellResult;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Binder: the Cmdlet contract, refused with PowerShell's messages before the cmdlet runs")
class BinderTest {
    private final TestCmdlets.Recording enable = TestCmdlets.enableVMReplication();
    private final TestCmdlets.Recording get = TestCmdlets.getVMReplication();
    private final TestCmdlets.Recording failover = new TestCmdlets.Recording("Start-VMFailover", List.of(
            TestCmdlets.set("Prepare", ParameterSpec.mandatory("VMName", PsType.STRING).at(0),
                    ParameterSpec.switchParameter("Prepare")),
            TestCmdlets.set("AsTest", ParameterSpec.mandatory("VMName", PsType.STRING).at(0),
                    ParameterSpec.switchParameter("AsTest")),
            TestCmdlets.set("Snapshot", ParameterSpec.mandatory("VMRecoverySnapshot", PsType.OBJECT))),
            call -> { });
    private final PowerShellInterpreter ps = PowerShellInterpreter.builder().cmdlet(enable).cmdlet(get)
            .cmdlet(failover).build();

    /** Runs {@code command} in a try block and answers "errorId|message". */
    private String refusal(String command) {
        PowerShellResult r = TestCmdlets.run(ps, "try { " + command + " } catch { "
                + "\"$($_.FullyQualifiedErrorId)|$($_.Exception.Message)\" }");
        return TestCmdlets.out(r);
    }

    @Test
    @DisplayName("named, positional and switch binding; values converted to the declared types")
    void binds() {
        TestCmdlets.out(TestCmdlets.run(ps, "Enable-VMReplication web 'r01' '8084' -AuthenticationType kerberos "
                + "-ReplicationFrequencySec 300"));
        TestCmdlets.Received call = enable.only();
        assertEquals(List.of("web"), call.bound().get("VMName"));
        assertEquals("r01", call.bound().get("ReplicaServerName"));
        assertEquals(8084, call.bound().get("ReplicaServerPort"));
        assertEquals(300, call.bound().get("ReplicationFrequencySec"));
        assertEquals(Optional.empty(), call.confirm());
    }

    @Test
    @DisplayName("an abbreviated or aliased parameter name is refused")
    void abbreviation() {
        assertEquals("NamedParameterNotFound,Enable-VMReplication|A parameter cannot be found that matches "
                + "parameter name 'VMNam'.", refusal("Enable-VMReplication -VMNam a -ReplicaServerName r "
                + "-ReplicaServerPort 1 -AuthenticationType Kerberos"));
        assertEquals("NamedParameterNotFound,Get-VMReplication|A parameter cannot be found that matches parameter "
                + "name 'Name'.", refusal("Get-VMReplication -Name a"));
        assertTrue(enable.calls.isEmpty());
    }

    @Test
    @DisplayName("a value that does not convert names the parameter and the value")
    void transformation() {
        assertEquals("ParameterArgumentTransformationError,Enable-VMReplication|Cannot process argument "
                + "transformation on parameter 'ReplicaServerPort'. Cannot convert value \"eighty\" to type "
                + "\"System.Int32\". Error: \"Input string was not in a correct format.\"",
                refusal("Enable-VMReplication a r eighty Kerberos"));
        assertEquals("ParameterArgumentTransformationError,Start-VMFailover|Cannot process argument "
                + "transformation on parameter 'Prepare'. Cannot convert value \"System.String\" to type "
                + "\"System.Boolean\". Boolean parameters accept only Boolean values and numbers, such as $True, "
                + "$False, 1 or 0.", refusal("Start-VMFailover a -Prepare:'yes'"));
    }

    @Test
    @DisplayName("[ValidateRange] above and below, and [ValidateSet]")
    void validation() {
        assertEquals("ParameterArgumentValidationError,Enable-VMReplication|Cannot validate argument on parameter "
                + "'ReplicaServerPort'. The 65536 argument is greater than the maximum allowed range of 65535. Supply "
                + "an argument that is less than or equal to 65535 and then try the command again.",
                refusal("Enable-VMReplication a r 65536 Kerberos"));
        assertEquals("ParameterArgumentValidationError,Enable-VMReplication|Cannot validate argument on parameter "
                + "'ReplicationFrequencySec'. The 29 argument is less than the minimum allowed range of 30. Supply "
                + "an argument that is greater than or equal to 30 and then try the command again.",
                refusal("Enable-VMReplication a r 80 Kerberos -ReplicationFrequencySec 29"));
        assertEquals("ParameterArgumentValidationError,Enable-VMReplication|Cannot validate argument on parameter "
                + "'AuthenticationType'. The argument \"Basic\" does not belong to the set \"Kerberos,Certificate\" "
                + "specified by the ValidateSet attribute. Supply an argument that is in the set and then try the "
                + "command again.", refusal("Enable-VMReplication a r 80 Basic"));
        assertTrue(enable.calls.isEmpty());
    }

    @Test
    @DisplayName("a missing mandatory parameter in a non-interactive host")
    void missingMandatory() {
        assertEquals("MissingMandatoryParameter,Enable-VMReplication|Cannot process command because of one or more "
                + "missing mandatory parameters: ReplicaServerPort AuthenticationType.",
                refusal("Enable-VMReplication -VMName a -ReplicaServerName r"));
    }

    @Test
    @DisplayName("parameter sets: the one that fits is chosen; two that fit, or none, cannot be resolved")
    void parameterSets() {
        TestCmdlets.out(TestCmdlets.run(ps, "Start-VMFailover -VMName a -AsTest"));
        assertEquals("AsTest", failover.only().parameterSet());
        String ambiguous = "AmbiguousParameterSet,Start-VMFailover|Parameter set cannot be resolved using the "
                + "specified named parameters.";
        assertEquals(ambiguous, refusal("Start-VMFailover -VMName a"));
        assertEquals(ambiguous, refusal("Start-VMFailover -VMName a -Prepare -AsTest"));
    }

    @Test
    @DisplayName("switches: present is true, -Switch:$false is false")
    void switches() {
        TestCmdlets.out(TestCmdlets.run(ps, "Start-VMFailover a -Prepare:$false"));
        assertEquals(false, failover.only().bound().get("Prepare"));
        assertEquals("Prepare", failover.only().parameterSet());
    }

    @Test
    @DisplayName("an unknown cmdlet is not recognized")
    void unknownCmdlet() {
        assertEquals("CommandNotFoundException|The term 'Get-Nothing' is not recognized as the name of a cmdlet, "
                + "function, script file, or operable program. Check the spelling of the name, or if a path was "
                + "included, verify that the path is correct and try again.", refusal("Get-Nothing -VMName a"));
    }

    @Test
    @DisplayName("common parameters -ErrorAction and -Confirm on every cmdlet, recorded in the call")
    void commonParameters() {
        TestCmdlets.out(TestCmdlets.run(ps, "Get-VMReplication -ErrorAction silentlycontinue -Confirm:$false | Out-Null"));
        assertEquals(Optional.of(false), get.only().confirm());
        assertEquals(Optional.of("SilentlyContinue"), get.only().errorAction());
        assertTrue(refusal("Get-VMReplication -ErrorAction Sometimes").startsWith(
                "ParameterArgumentTransformationError,Get-VMReplication|Cannot bind parameter 'ErrorAction'."));
    }

    @Test
    @DisplayName("pipeline binding: each value binds to the parameter that takes pipeline input")
    void pipelineBinding() {
        assertEquals("a\r\nb", TestCmdlets.out(TestCmdlets.run(ps,
                "'a', 'b' | Get-VMReplication | ForEach-Object { $_.VMName }")));
        assertEquals(2, get.calls.size());
        assertEquals(List.of("b"), get.calls.get(1).bound().get("VMName"));
        assertTrue(refusal("$ErrorActionPreference = 'Stop'; 'a' | Start-VMFailover -VMName a -AsTest")
                .startsWith("InputObjectNotBound,Start-VMFailover|The input object cannot be bound"));
    }

    @Test
    @DisplayName("a positional argument no parameter takes, a parameter given twice, a parameter without its value")
    void otherRefusals() {
        assertEquals("PositionalParameterNotFound,Get-VMReplication|A positional parameter cannot be found that "
                + "accepts argument 'b'.", refusal("Get-VMReplication a b"));
        assertTrue(refusal("Get-VMReplication -VMName a -VMName b")
                .startsWith("ParameterAlreadyBound,Get-VMReplication|Cannot bind parameter because parameter 'VMName'"));
        assertEquals("MissingArgument,Get-VMReplication|Missing an argument for parameter 'VMName'. Specify a "
                + "parameter of type 'System.String[]' and try again.", refusal("Get-VMReplication -VMName"));
    }
}
