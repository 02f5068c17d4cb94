package dev.secondsite.hyperv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Secret;
import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.CommandResult.Outcome;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.HostCommand.AuthenticationType;
import dev.secondsite.core.spi.HostCommand.InitialReplicationMethod;
import dev.secondsite.core.spi.HostCommand.ReplicationParameters;
import dev.secondsite.core.spi.RecoveryPoint;
import dev.secondsite.core.spi.RecoveryPointChoice;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The driver against a scripted PowerShell: what it runs where, how it maps answers, refusals and failures. */
class HyperVDriverTest {
    private final FakePowerShell ps = new FakePowerShell(Samples::answer);
    private final HyperVDriver driver = HyperVDriver.builder().powerShell(ps).clock(Samples.CLOCK).build();

    private static CommandRequest on(String host, HostCommand command) {
        return Samples.request(host, command);
    }

    @Nested
    @DisplayName("what runs where")
    class Routing {
        @Test
        @DisplayName("each command runs its variant's script on the request's host with its values in param order")
        void scriptsAndValues() {
            for (CommandRequest request : Samples.everyVariant()) {
                assertTrue(driver.execute(request).succeeded(), request.toString());
            }
            List<FakePowerShell.Call> calls = ps.calls();
            assertEquals(List.of("ConfigureReplicaServer", "EnableReplication", "StartInitialReplication-Now",
                    "StartInitialReplication-Scheduled", "StartInitialReplication-Offline", "ImportInitialReplication",
                    "PrepareFailover", "Failover-Latest", "Failover-LatestAppConsistent", "Failover-RecoverySnapshot",
                    "TestFailover-Latest", "TestFailover-LatestAppConsistent", "TestFailover-RecoverySnapshot",
                    "CleanupTestFailover", "CancelFailover", "CompleteFailover", "ReverseReplication", "StartVm",
                    "StopVm-Shutdown", "StopVm-TurnOff", "DisableReplication", "DisableReplication-ReadPartner",
                    "DisableReplication-DeleteReplica", "DisableReplication", "GetReplicationStatus",
                    "ListRecoveryPoints", "ConnectNetworkAdapter", "ConnectNetworkAdapter-Disconnect",
                    "EnableExistingReplica", "StartInitialReplication-UseBackup"), ps.scriptNames());
            for (FakePowerShell.Call call : calls) {
                assertEquals(call.script().parameters().size(), call.argumentList().size(), call.script().name());
            }
            assertEquals(List.of(Samples.VM, Samples.REPLICA, 8084, "Certificate", 300, 4, 2, true),
                    calls.get(1).argumentList());
            assertEquals(Samples.PRIMARY, calls.get(1).computerName());
            assertEquals(List.of(Samples.VM, "2030-01-01T02:00:00Z"), calls.get(3).argumentList());
            assertEquals(List.of(Samples.VM, "\\\\media01\\export"), calls.get(4).argumentList());
            assertEquals(List.of(Samples.VM, Samples.POINT), calls.get(9).argumentList());
            assertEquals(List.of(Samples.VM, "dr-test"), calls.get(10).argumentList());
            assertEquals(List.of(Samples.VM, "corp-test"), calls.get(11).argumentList());
            assertEquals(java.util.Arrays.asList(Samples.VM, null, Samples.POINT), calls.get(12).argumentList());
            assertEquals(List.of(Samples.VM + " - Test"), calls.get(17).argumentList(), "F1: the test VM starts");
            assertEquals(List.of(Samples.VM, Samples.PRIMARY, 8084, "Certificate", 300, 4, 2, true),
                    calls.get(16).argumentList());
            assertEquals(List.of(Samples.VM + " - Test", "Network Adapter"), calls.get(27).argumentList());
            assertEquals(List.of(Samples.VM, Samples.PRIMARY), calls.get(28).argumentList(),
                    "C10: the replica host accepts the copy from the VM's primary host only");
            assertEquals(Samples.REPLICA, calls.get(28).computerName());
            assertEquals(List.of(Samples.VM), calls.get(29).argumentList());
        }

        @Test
        @DisplayName("C11 deleting the replica: the partner is read on the VM's host, the replica removed on the "
                + "partner's host, then replication on the VM's host")
        void deleteReplicaOnPartner() {
            CommandResult result = driver.execute(on(Samples.PRIMARY,
                    new HostCommand.DisableReplication(Samples.VM_ID, Samples.VM, true)));
            assertTrue(result.succeeded(), result.message());
            List<FakePowerShell.Call> calls = ps.calls();
            assertEquals(List.of("DisableReplication-ReadPartner", "DisableReplication-DeleteReplica",
                    "DisableReplication"), ps.scriptNames());
            assertEquals(List.of(Samples.PRIMARY, Samples.REPLICA, Samples.PRIMARY),
                    calls.stream().map(FakePowerShell.Call::computerName).toList());
        }

        @Test
        @DisplayName("E4 a re-send that finds replication already removed does nothing more and succeeds")
        void deleteReplicaAlreadyDone() {
            ps.answer(call -> FakePowerShell.ok("{\"VMName\":\"web-01\",\"State\":\"Disabled\","
                    + "\"PartnerServerName\":null}"));
            CommandResult result = driver.execute(on(Samples.PRIMARY,
                    new HostCommand.DisableReplication(Samples.VM_ID, Samples.VM, true)));
            assertTrue(result.succeeded(), result.message());
            assertEquals(List.of("DisableReplication-ReadPartner"), ps.scriptNames());
        }

        @Test
        @DisplayName("RP8 a RunScript sent to the driver is refused: scripts belong to the ScriptRunner")
        void runScriptNotHere() {
            CommandResult result = driver.execute(on("vmm01", new HostCommand.RunScript("x.ps1",
                    Duration.ofSeconds(5))));
            assertEquals(Outcome.PERMANENT_FAILURE, result.outcome());
            assertTrue(result.message().contains("ScriptRunner"), result.message());
            assertEquals(List.of(), ps.calls());
        }
    }

    @Nested
    @DisplayName("result mapping")
    class Mapping {
        @Test
        @DisplayName("GetReplicationStatus maps Hyper-V's state and health by name, with the last replication time")
        void status() {
            CommandResult result = driver.execute(on(Samples.PRIMARY,
                    new HostCommand.GetReplicationStatus(Samples.VM_ID, Samples.VM)));
            CommandOutput.ReplicationStatus status = assertInstanceOf(CommandOutput.ReplicationStatus.class,
                    result.output());
            assertEquals(new CommandOutput.ReplicationStatus("Replicating", "Normal",
                    Instant.parse("2029-12-31T23:55:00Z")), status);
        }

        @Test
        @DisplayName("ListRecoveryPoints gives the points oldest first, app-consistent ones marked")
        void points() {
            CommandResult result = driver.execute(on(Samples.REPLICA,
                    new HostCommand.ListRecoveryPoints(Samples.VM_ID, Samples.VM)));
            assertEquals(new CommandOutput.RecoveryPoints(List.of(
                    new RecoveryPoint("a", Instant.parse("2029-12-31T22:00:00Z"), false),
                    new RecoveryPoint("b", Instant.parse("2029-12-31T23:00:00Z"), true))), result.output());
        }

        @Test
        @DisplayName("a VM with replication off reads as Disabled / NotApplicable with no time")
        void disabled() {
            ps.answer(call -> FakePowerShell.ok("{\"VMName\":\"web-01\",\"State\":\"Disabled\","
                    + "\"Health\":\"NotApplicable\",\"LastReplicationTime\":null}"));
            CommandResult result = driver.execute(on(Samples.PRIMARY,
                    new HostCommand.GetReplicationStatus(Samples.VM_ID, Samples.VM)));
            assertEquals(new CommandOutput.ReplicationStatus("Disabled", "NotApplicable", null), result.output());
        }

        @Test
        @DisplayName("changing commands succeed with a message naming the cmdlet and the VM, and no output")
        void changeMessages() {
            CommandResult result = driver.execute(on(Samples.PRIMARY,
                    new HostCommand.EnableReplication(Samples.VM_ID, Samples.VM, Samples.REPLICA, Samples.SETTINGS)));
            assertEquals(CommandResult.succeeded("Enable-VMReplication web-01: replicating to " + Samples.REPLICA),
                    result);
            assertNull(result.output());
        }
    }

    @Nested
    @DisplayName("J3 idempotency")
    class Idempotency {
        @Test
        @DisplayName("J3 a re-send with the same key is answered from the first result without running again")
        void resendInProcess() {
            CommandRequest request = on(Samples.PRIMARY, new HostCommand.StartVm(Samples.VM_ID, Samples.VM, false));
            CommandResult first = driver.execute(request);
            CommandResult again = driver.execute(request);
            assertEquals(first, again);
            assertEquals(1, ps.calls().size());
        }

        @Test
        @DisplayName("J3 the same key with another command is a permanent failure and runs nothing")
        void sameKeyOtherCommand() {
            CommandRequest request = on(Samples.PRIMARY, new HostCommand.StartVm(Samples.VM_ID, Samples.VM, false));
            driver.execute(request);
            CommandResult other = driver.execute(new CommandRequest(request.idempotencyKey(), "server-a",
                    Samples.PRIMARY, new HostCommand.StopVm(Samples.VM_ID, Samples.VM, false)));
            assertEquals(Outcome.PERMANENT_FAILURE, other.outcome());
            assertTrue(other.message().contains(request.idempotencyKey()), other.message());
            assertEquals(1, ps.calls().size());
        }

        @Test
        @DisplayName("J3 a failure is not remembered: the re-send runs again and may succeed")
        void failureNotRemembered() {
            ps.answer(call -> FakePowerShell.failed("ResourceBusy", "Busy", "the host is busy"));
            CommandRequest request = on(Samples.PRIMARY, new HostCommand.StartVm(Samples.VM_ID, Samples.VM, false));
            assertEquals(Outcome.TRANSIENT_FAILURE, driver.execute(request).outcome());
            ps.answer(call -> FakePowerShell.ok());
            assertTrue(driver.execute(request).succeeded());
            assertEquals(2, ps.calls().size());
        }

        @Test
        @DisplayName("J3 after a crash (a new driver) the host finds the effect there and the answer is the first "
                + "run's")
        void resendAfterCrash() {
            CommandRequest request = on(Samples.REPLICA, new HostCommand.Failover(Samples.VM_ID, Samples.VM,
                    RecoveryPointChoice.latest()));
            ps.answer(call -> FakePowerShell.ok("{\"Changed\":true,\"State\":\"FailedOverWaitingCompletion\"}"));
            CommandResult first = driver.execute(request);
            FakePowerShell restarted = new FakePowerShell(call ->
                    FakePowerShell.ok("{\"Changed\":false,\"State\":\"FailedOverWaitingCompletion\"}"));
            CommandResult again = HyperVDriver.builder().powerShell(restarted).build().execute(request);
            assertEquals(first, again);
            assertEquals(1, restarted.calls().size(), "the host was asked, and its script checked the state");
        }

        @Test
        @DisplayName("the remembered results are bounded: the oldest keys are forgotten")
        void bounded() {
            HyperVDriver small = HyperVDriver.builder().powerShell(ps).rememberedResults(3).build();
            for (int i = 0; i < 10; i++) {
                small.execute(on(Samples.PRIMARY, new HostCommand.StartVm(Samples.VM_ID, Samples.VM, false)));
            }
            assertEquals(3, small.rememberedCount());
        }
    }

    @Nested
    @DisplayName("refused parameters (documented ranges)")
    class Ranges {
        @ParameterizedTest(name = "{0}")
        @CsvSource({
            "C4 frequency 60 is not 30/300/900, 60, 4, 0, C4",
            "C5 recovery history 25 is over 24, 300, 25, 0, C5",
            "C6 VSS 13 hours is over 12, 300, 24, 13, C6",
            "C6 VSS without recovery points, 300, 0, 1, C6"})
        @DisplayName("settings outside the cmdlet's range are a permanent failure naming the rule; nothing runs")
        void outOfRange(String name, int frequency, int history, int vss, String rule) {
            ReplicationParameters settings = new ReplicationParameters(frequency, history, vss, false,
                    AuthenticationType.KERBEROS, 8083);
            CommandResult result = driver.execute(on(Samples.PRIMARY,
                    new HostCommand.EnableReplication(Samples.VM_ID, Samples.VM, Samples.REPLICA, settings)));
            assertEquals(Outcome.PERMANENT_FAILURE, result.outcome());
            assertTrue(result.message().contains(rule + ":"), result.message());
            assertEquals(List.of(), ps.calls());
        }

        @ParameterizedTest
        @CsvSource({"10.0.0.11", "fe80::1"})
        @DisplayName("-ReplicaServerName takes a DNS name: an IP address is refused")
        void ipAddress(String address) {
            CommandResult result = driver.execute(on(Samples.PRIMARY,
                    new HostCommand.EnableReplication(Samples.VM_ID, Samples.VM, address, Samples.SETTINGS)));
            assertEquals(Outcome.PERMANENT_FAILURE, result.outcome());
            assertTrue(result.message().contains("replicaServer (" + address + ")"), result.message());
            assertEquals(List.of(), ps.calls());
        }

        @Test
        @DisplayName("C10 a scheduled start more than 7 days ahead, or none at all, is refused")
        void schedule() {
            HostCommand.InitialReplicationMethod at = new InitialReplicationMethod.OverNetworkScheduled(
                    LocalTime.of(2, 0));
            CommandResult late = driver.execute(on(Samples.PRIMARY, new HostCommand.StartInitialReplication(
                    Samples.VM_ID, Samples.VM, at, Samples.NOW.plus(Duration.ofDays(8)))));
            CommandResult none = driver.execute(on(Samples.PRIMARY, new HostCommand.StartInitialReplication(
                    Samples.VM_ID, Samples.VM, at, null)));
            assertEquals(Outcome.PERMANENT_FAILURE, late.outcome());
            assertTrue(late.message().contains("C10: startAt"), late.message());
            assertEquals(Outcome.PERMANENT_FAILURE, none.outcome());
            assertTrue(none.message().contains("startAt (missing)"), none.message());
            assertEquals(List.of(), ps.calls());
        }
    }

    @Nested
    @DisplayName("failures")
    class Failures {
        private CommandResult startVmAnswered(PowerShellResult answer) {
            ps.answer(call -> answer);
            return driver.execute(on(Samples.PRIMARY, new HostCommand.StartVm(Samples.VM_ID, Samples.VM, false)));
        }

        @ParameterizedTest(name = "{0} / {1}")
        @CsvSource(delimiter = '|', value = {
            "OpenError|PSSessionOpenFailed|Connecting to remote server hv01 failed with the following error message : WinRM cannot complete the operation.",
            "OperationTimeout|Timeout|The operation timed out.",
            "ResourceBusy|VMBusy|The virtual machine is busy.",
            "ResourceUnavailable|Unavailable|The host is not available.",
            "InvalidOperation|InvalidState,Microsoft.HyperV.PowerShell.Commands.StartVM|The operation cannot be performed because the object is locked by another operation.",
            "NotSpecified|OperationFailed|Another operation is in progress on the virtual machine."})
        @DisplayName("WinRM, timeouts, a busy host and a VM locked or in another operation are transient, with the "
                + "cmdlet's message")
        void transientFailures(String category, String errorId, String message) {
            CommandResult result = startVmAnswered(FakePowerShell.failed(category, errorId, message));
            assertEquals(Outcome.TRANSIENT_FAILURE, result.outcome());
            assertTrue(result.message().contains(message), result.message());
        }

        @ParameterizedTest(name = "{0} / {1}")
        @CsvSource(delimiter = '|', value = {
            "InvalidOperation|InvalidState,Microsoft.HyperV.PowerShell.Commands.StartVMFailover|The operation cannot be performed while the virtual machine is in its current state.",
            "ObjectNotFound|InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM|Hyper-V was unable to find a virtual machine with name 'web-01'.",
            "InvalidArgument|ParameterArgumentValidationError|Cannot validate argument on parameter 'ReplicationFrequencySec'.",
            "OperationStopped|already enabled|Hyper-V Replica is already enabled for virtual machine 'web-01' with other settings"})
        @DisplayName("a wrong state, a missing VM or a refused parameter is permanent, with the cmdlet's message")
        void permanentFailures(String category, String errorId, String message) {
            CommandResult result = startVmAnswered(FakePowerShell.failed(category, errorId, message));
            assertEquals(Outcome.PERMANENT_FAILURE, result.outcome());
            assertTrue(result.message().startsWith("StartVm web-01: " + message), result.message());
        }

        @Test
        @DisplayName("a process killed at its timeout is a transient failure")
        void processTimeout() {
            CommandResult result = startVmAnswered(FakePowerShell.timedOut());
            assertEquals(Outcome.TRANSIENT_FAILURE, result.outcome());
            assertTrue(result.message().contains("did not finish within"), result.message());
        }

        @Test
        @DisplayName("PowerShell failing before the script ran (a parse error) is permanent and carries stderr")
        void parseError() {
            CommandResult result = startVmAnswered(FakePowerShell.raw(2, "",
                    "At line:1 char:5 Unexpected token '}' in expression or statement."));
            assertEquals(Outcome.PERMANENT_FAILURE, result.outcome());
            assertTrue(result.message().contains("Unexpected token"), result.message());
        }

        @Test
        @DisplayName("a runner that throws never makes the driver throw: an unstartable PowerShell is permanent, "
                + "anything else transient")
        void runnerThrows() {
            ps.answer(call -> {
                throw new java.io.UncheckedIOException(new java.io.IOException("powershell.exe not found"));
            });
            CommandResult unstartable = driver.execute(on(Samples.PRIMARY,
                    new HostCommand.StartVm(Samples.VM_ID, Samples.VM, false)));
            assertEquals(Outcome.PERMANENT_FAILURE, unstartable.outcome());
            assertTrue(unstartable.message().contains("powershell.exe not found"), unstartable.message());
            ps.answer(call -> {
                throw new IllegalStateException("runner bug");
            });
            CommandResult bug = driver.execute(on(Samples.PRIMARY,
                    new HostCommand.StartVm(Samples.VM_ID, Samples.VM, false)));
            assertEquals(Outcome.TRANSIENT_FAILURE, bug.outcome());
        }
    }

    @Nested
    @DisplayName("credentials")
    class Credentials {
        private static final String PASSWORD = "Pa$$w0rd-'\"`$(whoami)";

        private final CredentialSource source = reference -> reference.equals("hyperv-hosts")
                ? Optional.of(new HostCredential("CONTOSO\\svc-dr", Secret.of(PASSWORD))) : Optional.empty();

        @Test
        @DisplayName("R1 the password travels on stdin only: never in arguments, logs, or toString")
        void onStdinOnly() {
            HyperVDriver withCredential = HyperVDriver.builder().powerShell(ps).credential("hyperv-hosts")
                    .credentialSource(source).useSsl(true).build();
            int logsBefore = CapturingLogs.count();
            for (CommandRequest request : Samples.everyVariant()) {
                withCredential.execute(request);
            }
            assertTrue(CapturingLogs.count() > logsBefore, "the driver logged its runs");
            for (FakePowerShell.Call call : ps.calls()) {
                assertEquals("CONTOSO\\svc-dr", call.stdin().get("Credential").get("UserName").textValue());
                assertEquals(PASSWORD, call.stdin().get("Credential").get("Password").textValue());
                assertTrue(call.stdin().get("UseSSL").booleanValue());
                assertFalse(String.join(" ", call.invocation().arguments()).contains(PASSWORD));
                assertFalse(call.invocation().toString().contains(PASSWORD));
            }
            assertFalse(CapturingLogs.allText().contains(PASSWORD));
            assertFalse(withCredential.toString().contains(PASSWORD));
            assertFalse(source.resolve("hyperv-hosts").orElseThrow().toString().contains(PASSWORD));
        }

        @Test
        @DisplayName("a reference that resolves to nothing is a permanent failure naming it; nothing runs")
        void unresolved() {
            HyperVDriver withCredential = HyperVDriver.builder().powerShell(ps).credential("nobody")
                    .credentialSource(source).build();
            CommandResult result = withCredential.execute(on(Samples.PRIMARY,
                    new HostCommand.StartVm(Samples.VM_ID, Samples.VM, false)));
            assertEquals(Outcome.PERMANENT_FAILURE, result.outcome());
            assertTrue(result.message().contains("'nobody'"), result.message());
            assertEquals(List.of(), ps.calls());
        }

        @Test
        @DisplayName("the environment source reads SECONDSITE_CREDENTIAL_<REF>_USERNAME and _PASSWORD at call time")
        void environment() {
            Map<String, String> env = new java.util.HashMap<>(Map.of(
                    "SECONDSITE_CREDENTIAL_HYPERV_HOSTS_USERNAME", "CONTOSO\\svc-dr",
                    "SECONDSITE_CREDENTIAL_HYPERV_HOSTS_PASSWORD", "first"));
            EnvironmentCredentialSource envSource = new EnvironmentCredentialSource(env::get);
            assertEquals(Secret.of("first"), envSource.resolve("hyperv-hosts").orElseThrow().password());
            env.put("SECONDSITE_CREDENTIAL_HYPERV_HOSTS_PASSWORD", "rotated");
            assertEquals(Secret.of("rotated"), envSource.resolve("hyperv-hosts").orElseThrow().password());
            assertEquals(Optional.empty(), envSource.resolve("other"));
        }
    }

    @Test
    @DisplayName("the builder refuses a missing runner, a non-positive timeout and a blank credential reference, "
            + "naming the setting")
    void builderChecks() {
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> HyperVDriver.builder().build())
                .getMessage().contains("powerShell (missing)"));
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> HyperVDriver.builder().powerShell(ps)
                .timeout(Duration.ZERO).build()).getMessage().contains("timeout (PT0S)"));
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> HyperVDriver.builder().powerShell(ps)
                .credential(" ").build()).getMessage().contains("credential"));
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> HyperVDriver.builder().powerShell(ps)
                .rememberedResults(0).build()).getMessage().contains("rememberedResults (0)"));
    }
}
