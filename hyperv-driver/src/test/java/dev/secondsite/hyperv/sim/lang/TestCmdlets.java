package dev.secondsite.hyperv.sim.lang;

import dev.secondsite.hyperv.PowerShellInvocation;
import dev.secondsite.hyperv.PowerShellResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Test cmdlets that record what they were called with, and helpers to run scripts the way the driver does. */
final class TestCmdlets {
    private TestCmdlets() {
    }

    /** What one invocation received. */
    record Received(String cmdlet, String parameterSet, Map<String, Object> bound, String computerName,
                    Optional<Boolean> confirm, Optional<String> errorAction) {
    }

    interface Action {
        void run(CmdletCall call) throws CmdletException;
    }

    /** A cmdlet with the given sets that records its calls and then runs {@code action}. */
    static final class Recording implements Cmdlet {
        private final String name;
        private final List<ParameterSet> sets;
        private final Action action;
        final List<Received> calls = Collections.synchronizedList(new ArrayList<>());

        Recording(String name, List<ParameterSet> sets, Action action) {
            this.name = name;
            this.sets = sets;
            this.action = action;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<ParameterSet> parameterSets() {
            return sets;
        }

        @Override
        public void invoke(CmdletCall call) throws CmdletException {
            calls.add(new Received(name, call.parameterSet(), new LinkedHashMap<>(call.bound()), call.computerName(),
                    call.confirm(), call.errorAction()));
            action.run(call);
        }

        Received only() {
            if (calls.size() != 1) {
                throw new AssertionError(name + " was called " + calls.size() + " times: " + calls);
            }
            return calls.get(0);
        }
    }

    static ParameterSet set(String name, ParameterSpec... specs) {
        return new ParameterSet(name, List.of(specs));
    }

    static final PsEnum REPLICATING = new PsEnum("Microsoft.HyperV.PowerShell.VMReplicationState", "Replicating", 4);
    static final PsEnum NORMAL = new PsEnum("Microsoft.HyperV.PowerShell.VMReplicationHealthState", "Normal", 1);

    /** Enable-VMReplication as the docs' bootstrap calls it; fails for a VM named "missing". */
    static Recording enableVMReplication() {
        return new Recording("Enable-VMReplication", List.of(set("VMName",
                ParameterSpec.mandatory("VMName", PsType.STRING_ARRAY).at(0),
                ParameterSpec.mandatory("ReplicaServerName", PsType.STRING).at(1),
                ParameterSpec.mandatory("ReplicaServerPort", PsType.INT).at(2).range(1, 65535),
                ParameterSpec.mandatory("AuthenticationType", PsType.STRING).at(3).oneOf("Kerberos", "Certificate"),
                ParameterSpec.optional("ReplicationFrequencySec", PsType.INT).range(30, 900))),
                call -> {
                    @SuppressWarnings("unchecked") List<String> names = (List<String>) call.value("VMName");
                    if (names.contains("missing")) {
                        throw new CmdletException(CmdletException.ErrorCategory.ObjectNotFound,
                                "InvalidParameter,Microsoft.HyperV.PowerShell.Commands.EnableVMReplication",
                                "Hyper-V was unable to find a virtual machine with name \"missing\".");
                    }
                });
    }

    /** Get-VMReplication: one object per VMName, replicating and healthy. */
    static Recording getVMReplication() {
        return new Recording("Get-VMReplication", List.of(set("VMName",
                ParameterSpec.optional("VMName", PsType.STRING_ARRAY).at(0).pipeline())),
                call -> {
                    @SuppressWarnings("unchecked") List<String> names = (List<String>) call.value("VMName");
                    for (String n : names == null ? List.of("vm-a", "vm-b") : names) {
                        call.write(new PsObject("Microsoft.HyperV.PowerShell.VMReplication").put("VMName", n)
                                .put("ReplicationState", REPLICATING).put("ReplicationHealth", NORMAL)
                                .put("ComputerName", call.computerName()));
                    }
                });
    }

    /** Echo-Value -Value <string>: writes back exactly what it received. */
    static Recording echo() {
        return new Recording("Echo-Value", List.of(set("Default",
                ParameterSpec.mandatory("Value", PsType.STRING).at(0).pipeline())),
                call -> call.write(call.string("Value")));
    }

    static String resource(String name) {
        try (InputStream in = TestCmdlets.class.getResourceAsStream("/sim/lang/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String encode(String script) {
        return Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_16LE));
    }

    /** The command line the driver builds. */
    static PowerShellInvocation encoded(String script, String stdin) {
        return new PowerShellInvocation(List.of("-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
                "-OutputFormat", "Text", "-EncodedCommand", encode(script)), stdin, Duration.ofSeconds(30));
    }

    static PowerShellResult run(PowerShellInterpreter ps, String script) {
        return run(ps, script, "");
    }

    static PowerShellResult run(PowerShellInterpreter ps, String script, String stdin) {
        return ps.run(encoded(script, stdin), "vmm01.contoso.com");
    }

    /** The standard output without its final CRLF. */
    static String out(PowerShellResult r) {
        String s = r.stdout();
        if (r.exitCode() != 0 || !r.stderr().isEmpty()) {
            throw new AssertionError("exit " + r.exitCode() + ", stderr: " + r.stderr() + ", stdout: " + s);
        }
        return s.endsWith("\r\n") ? s.substring(0, s.length() - 2) : s;
    }
}
