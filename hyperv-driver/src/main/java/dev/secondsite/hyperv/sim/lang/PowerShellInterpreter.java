package dev.secondsite.hyperv.sim.lang;

import static java.util.Objects.requireNonNull;

import dev.secondsite.hyperv.PowerShellInvocation;
import dev.secondsite.hyperv.PowerShellResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs PowerShell invocations in memory: decodes the command line ({@code -EncodedCommand}), parses the script
 * (the subset of {@code docs/powershell-subset.md}), binds and runs cmdlets, and answers what a powershell.exe
 * process would have written and exited with. The Hyper-V and VMM model plugs its cmdlets in; the generic ones
 * ({@code ConvertTo-Json}, {@code ForEach-Object}, {@code Invoke-Command}, ...) are built in.
 *
 * <p>Thread-safe once built: each {@link #run} is an independent process with its own variables.
 */
public final class PowerShellInterpreter {
    private final List<Cmdlet> cmdlets;
    private final RemoteSessions remoteSessions;
    private final JsonFlavor flavor;

    private PowerShellInterpreter(Builder builder) {
        this.cmdlets = List.copyOf(builder.cmdlets);
        this.remoteSessions = requireNonNull(builder.remoteSessions, "remoteSessions");
        this.flavor = builder.flavor;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs one invocation as a process on {@code computerName} would.
     *
     * @param computerName the machine the process runs on (the simulated VMM server)
     */
    public PowerShellResult run(PowerShellInvocation invocation, String computerName) {
        throw new UnsupportedOperationException("the interpreter is being written (branch hv-lang)");
    }

    /** Collects the interpreter's parts. Not thread-safe. */
    public static final class Builder {
        private final List<Cmdlet> cmdlets = new ArrayList<>();
        private RemoteSessions remoteSessions = (computer, credential, ssl, port) -> {
        };
        private JsonFlavor flavor = JsonFlavor.WINDOWS_POWERSHELL_5_1;

        private Builder() {
        }

        /** Adds a cmdlet; a second one of the same name replaces the first. */
        public Builder cmdlet(Cmdlet cmdlet) {
            cmdlets.add(requireNonNull(cmdlet, "cmdlet"));
            return this;
        }

        public Builder remoteSessions(RemoteSessions sessions) {
            this.remoteSessions = requireNonNull(sessions, "sessions");
            return this;
        }

        public Builder jsonFlavor(JsonFlavor jsonFlavor) {
            this.flavor = requireNonNull(jsonFlavor, "jsonFlavor");
            return this;
        }

        public PowerShellInterpreter build() {
            return new PowerShellInterpreter(this);
        }
    }
}
