package dev.secondsite.hyperv;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.HostCommand.InitialReplicationMethod;
import dev.secondsite.core.spi.HostCommand.ReplicationParameters;
import dev.secondsite.core.spi.HostDriver;
import dev.secondsite.core.spi.RecoveryPoint;
import dev.secondsite.core.spi.RecoveryPointChoice;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import javax.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link HostDriver} that carries out each {@link HostCommand} with the Hyper-V Replica cmdlets on the host of its
 * request, through a {@link PowerShell} runner: a local {@code powershell.exe} on the VMM server that reaches the
 * host with {@code Invoke-Command} (WinRM), or the simulated fabric. Build one with {@link #builder()}; the
 * {@code hyperv} {@link HyperVDriverProvider} builds one from a provider's settings.
 *
 * <p>Scripts are constants (see {@code docs/powershell-subset.md}); the request's values travel as data on
 * standard input. Each changing script reads the host's state first and does nothing when the effect is there
 * already, so a command re-sent with the same idempotency key after a crash changes nothing twice (J3); re-sends
 * within this process are answered from the first result, kept for the last {@code rememberedResults} keys.
 *
 * <p>Never throws from {@link #execute}: a host's refusal, a WinRM or timeout problem, output it cannot read or a
 * parameter outside a cmdlet's documented range all become a transient or permanent {@link CommandResult} carrying
 * the cmdlet's own message. Credentials are resolved per call from their reference and written only to the
 * process's standard input; they are never logged nor shown by {@link #toString()}.
 *
 * <p>Thread-safe: the provider calls it from several threads at once.
 */
public final class HyperVDriver implements HostDriver {
    private static final Logger LOG = LoggerFactory.getLogger(HyperVDriver.class);

    /** VMReplicationState by number (reference/hyperv-replica.md). */
    static final List<String> REPLICATION_STATES = List.of("Disabled", "ReadyForInitialReplication",
            "InitialReplicationInProgress", "WaitingForInitialReplication", "Replicating", "PreparedForFailover",
            "FailedOverWaitingCompletion", "FailedOver", "Suspended", "Error", "WaitingForStartResynchronize",
            "Resynchronizing", "ResynchronizeSuspended", "RecoveryInProgress", "FailbackInProgress",
            "FailbackComplete", "WaitingForUpdateCompletion", "UpdateError", "WaitingForRepurposeCompletion",
            "PreparedForSyncReplication", "PreparedForGroupReverseReplication", "FiredrillInProgress");

    /** VMReplicationHealthState by number. */
    static final List<String> HEALTH_STATES = List.of("NotApplicable", "Normal", "Warning", "Critical");

    /** SnapshotType by number (3 and 4 unused). */
    static final List<String> SNAPSHOT_TYPES = Arrays.asList("Standard", "Recovery", "Planned", null, null, "Missing",
            "Replica", "AppConsistentReplica", "SyncedReplica");

    /** -InitialReplicationStartTime is at most 7 days ahead. */
    static final Duration MAX_SCHEDULE = Duration.ofDays(7);

    private final PowerShell powerShell;
    private final Duration timeout;
    private final String timeoutText;
    private final boolean useSsl;
    private final @Nullable String credentialReference;
    private final CredentialSource credentials;
    private final Clock clock;
    private final RememberedResults remembered;

    private HyperVDriver(Builder b) {
        this.powerShell = b.powerShell;
        this.timeout = b.timeout;
        this.timeoutText = b.timeout.toString();
        this.useSsl = b.useSsl;
        this.credentialReference = b.credentialReference;
        this.credentials = b.credentials;
        this.clock = b.clock;
        this.remembered = new RememberedResults(b.rememberedResults);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CommandResult execute(CommandRequest request) {
        try {
            CommandResult first = remembered.lookup(request);
            if (first != null) {
                return first;
            }
            CommandResult result = carryOut(request);
            if (result.succeeded()) {
                remembered.remember(request, result);
            }
            LOG.debug("{}: {}", request, result.outcome());
            return result;
        } catch (InvalidConfigurationException e) {
            return CommandResult.permanentFailure(request.command().describe() + ": refused parameter: "
                    + e.getMessage());
        } catch (Replies.MalformedOutputException e) {
            return Replies.malformed(request.command().describe(), e.getMessage());
        } catch (RuntimeException e) {
            // the contract: failures are results; an unexpected one (a runner's bug) is worth a retry
            LOG.warn("{}: unexpected failure", request, e);
            return CommandResult.transientFailure(request.command().describe() + ": " + e);
        }
    }

    private CommandResult carryOut(CommandRequest request) {
        HostCommand c = request.command();
        String host = request.host();
        if (c instanceof HostCommand.ConfigureReplicaServer cmd) {
            ReplicationParameters s = cmd.settings();
            return change(request, Scripts.CONFIGURE_REPLICA_SERVER, "Set-VMReplicationServer " + host
                    + ": replication enabled (" + s.authentication().hyperVName() + " on port " + s.port() + ")",
                    s.authentication().hyperVName(), s.port());
        } else if (c instanceof HostCommand.EnableReplication cmd) {
            checkReplicaServerName(cmd.replicaServer());
            return change(request, Scripts.ENABLE_REPLICATION, "Enable-VMReplication " + cmd.vmName()
                    + ": replicating to " + cmd.replicaServer(), settings(cmd.vmName(), cmd.replicaServer(),
                    cmd.settings()));
        } else if (c instanceof HostCommand.EnableExistingReplica cmd) {
            return change(request, Scripts.ENABLE_EXISTING_REPLICA, "Enable-VMReplication -AsReplica " + cmd.vmName()
                    + ": the copy on " + host + " is the replica, waiting for " + cmd.primaryServer(), cmd.vmName(),
                    cmd.primaryServer());
        } else if (c instanceof HostCommand.StartInitialReplication cmd) {
            return startInitialReplication(request, cmd);
        } else if (c instanceof HostCommand.ImportInitialReplication cmd) {
            return change(request, Scripts.IMPORT_INITIAL_REPLICATION, "Import-VMInitialReplication " + cmd.vmName()
                    + ": imported from " + cmd.path(), cmd.vmName(), cmd.path());
        } else if (c instanceof HostCommand.PrepareFailover cmd) {
            return change(request, Scripts.PREPARE_FAILOVER, "Start-VMFailover -Prepare " + cmd.vmName()
                    + ": last changes sent", cmd.vmName());
        } else if (c instanceof HostCommand.Failover cmd) {
            return failover(request, cmd);
        } else if (c instanceof HostCommand.TestFailover cmd) {
            return testFailover(request, cmd);
        } else if (c instanceof HostCommand.CleanupTestFailover cmd) {
            return change(request, Scripts.CLEANUP_TEST_FAILOVER, "Stop-VMFailover " + cmd.vmName() + ": test VM '"
                    + testVmName(cmd.vmName()) + "' deleted", cmd.vmName());
        } else if (c instanceof HostCommand.CancelFailover cmd) {
            return change(request, Scripts.CANCEL_FAILOVER, "Stop-VMFailover " + cmd.vmName()
                    + ": failover cancelled", cmd.vmName());
        } else if (c instanceof HostCommand.CompleteFailover cmd) {
            return change(request, Scripts.COMPLETE_FAILOVER, "Complete-VMFailover " + cmd.vmName()
                    + ": recovery point committed", cmd.vmName());
        } else if (c instanceof HostCommand.ReverseReplication cmd) {
            checkReplicaServerName(cmd.newReplicaServer());
            return change(request, Scripts.REVERSE_REPLICATION, "Set-VMReplication -Reverse " + cmd.vmName()
                    + ": now replicating to " + cmd.newReplicaServer(), settings(cmd.vmName(),
                    cmd.newReplicaServer(), cmd.settings()));
        } else if (c instanceof HostCommand.StartVm cmd) {
            String name = cmd.testVm() ? testVmName(cmd.vmName()) : cmd.vmName();
            return change(request, Scripts.START_VM, "Start-VM " + name + ": running on " + host, name);
        } else if (c instanceof HostCommand.StopVm cmd) {
            return change(request, cmd.turnOff() ? Scripts.STOP_VM_TURN_OFF : Scripts.STOP_VM_SHUTDOWN, "Stop-VM "
                    + cmd.vmName() + ": " + (cmd.turnOff() ? "turned off" : "shut down") + " on " + host,
                    cmd.vmName());
        } else if (c instanceof HostCommand.DisableReplication cmd) {
            return disable(request, cmd);
        } else if (c instanceof HostCommand.GetReplicationStatus cmd) {
            return replicationStatus(request, cmd);
        } else if (c instanceof HostCommand.ListRecoveryPoints cmd) {
            return recoveryPoints(request, cmd);
        } else if (c instanceof HostCommand.ConnectNetworkAdapter cmd) {
            String name = cmd.testVm() ? testVmName(cmd.vmName()) : cmd.vmName();
            return cmd.network() == null
                    ? change(request, Scripts.CONNECT_NETWORK_ADAPTER_DISCONNECT, "Disconnect-VMNetworkAdapter "
                            + name + "/" + cmd.adapter() + ": not connected", name, cmd.adapter())
                    : change(request, Scripts.CONNECT_NETWORK_ADAPTER, "Connect-VMNetworkAdapter " + name + "/"
                            + cmd.adapter() + ": connected to " + cmd.network(), name, cmd.adapter(), cmd.network());
        } else if (c instanceof HostCommand.RunScript) {
            return CommandResult.permanentFailure(c.describe() + ": RP8 scripts run on the provider's ScriptRunner "
                    + "(PowerShellScriptRunner), not on a host driver");
        }
        return CommandResult.permanentFailure(c.describe() + ": the hyperv driver does not know this command");
    }

    private CommandResult startInitialReplication(CommandRequest request, HostCommand.StartInitialReplication cmd) {
        InitialReplicationMethod method = cmd.method();
        String name = cmd.vmName();
        if (method instanceof InitialReplicationMethod.Offline offline) {
            return change(request, Scripts.START_INITIAL_REPLICATION_OFFLINE, "Start-VMInitialReplication " + name
                    + ": exported to " + offline.exportPath(), name, offline.exportPath());
        }
        if (method instanceof InitialReplicationMethod.UsingExistingReplica) {
            return change(request, Scripts.START_INITIAL_REPLICATION_USE_BACKUP, "Start-VMInitialReplication "
                    + name + ": started from the existing replica", name);
        }
        Instant startAt = cmd.startAt();
        if (method instanceof InitialReplicationMethod.OverNetworkScheduled && startAt == null) {
            throw refused(Rule.C10, "startAt", null, "startAt (missing) must be given for a scheduled initial "
                    + "replication (-InitialReplicationStartTime)");
        }
        if (startAt == null) {
            return change(request, Scripts.START_INITIAL_REPLICATION_NOW, "Start-VMInitialReplication " + name
                    + ": started", name);
        }
        // the lower bound (in the future) is the host's to check: a re-send after the start must still be answered
        Instant latest = clock.instant().plus(MAX_SCHEDULE);
        if (startAt.isAfter(latest)) {
            throw refused(Rule.C10, "startAt", startAt, "startAt (" + startAt + ") must be at most 7 days ahead ("
                    + latest + ") for -InitialReplicationStartTime");
        }
        return change(request, Scripts.START_INITIAL_REPLICATION_SCHEDULED, "Start-VMInitialReplication " + name
                + ": scheduled at " + startAt, name, startAt.toString());
    }

    private CommandResult failover(CommandRequest request, HostCommand.Failover cmd) {
        String name = cmd.vmName();
        String message = "Start-VMFailover " + name + ": failed over to " + cmd.recoveryPoint();
        RecoveryPointChoice point = cmd.recoveryPoint();
        if (point instanceof RecoveryPointChoice.Chosen chosen) {
            return change(request, Scripts.FAILOVER_RECOVERY_SNAPSHOT, message, name, chosen.id());
        }
        return change(request, point instanceof RecoveryPointChoice.LatestAppConsistent
                ? Scripts.FAILOVER_LATEST_APP_CONSISTENT : Scripts.FAILOVER_LATEST, message, name);
    }

    private CommandResult testFailover(CommandRequest request, HostCommand.TestFailover cmd) {
        String name = cmd.vmName();
        String network = cmd.network().networkName();
        String message = "Start-VMFailover -AsTest " + name + ": test VM '" + testVmName(name) + "' created from "
                + cmd.recoveryPoint() + " on " + cmd.network();
        RecoveryPointChoice point = cmd.recoveryPoint();
        if (point instanceof RecoveryPointChoice.Chosen chosen) {
            return change(request, Scripts.TEST_FAILOVER_RECOVERY_SNAPSHOT, message, name, network, chosen.id());
        }
        return change(request, point instanceof RecoveryPointChoice.LatestAppConsistent
                ? Scripts.TEST_FAILOVER_LATEST_APP_CONSISTENT : Scripts.TEST_FAILOVER_LATEST, message, name, network);
    }

    /**
     * E4, C11: replication removed on the VM's active host; with {@code deleteReplica} the other copy is deleted
     * first on its own host (reached from the VMM server, not from the first host), so a re-send after a crash
     * still learns where it is from the relationship not yet removed.
     */
    private CommandResult disable(CommandRequest request, HostCommand.DisableReplication cmd) {
        String name = cmd.vmName();
        String what = request.command().describe();
        String message = "Remove-VMReplication " + name + ": " + (cmd.deleteReplica() ? "replica deleted"
                : "replica kept");
        if (cmd.deleteReplica()) {
            Replies.Reply partner = run(what, Scripts.DISABLE_REPLICATION_READ_PARTNER, request.host(), name);
            if (!partner.ok()) {
                return partner.failure();
            }
            JsonNode item = single(partner);
            if ("Disabled".equals(Replies.string(item, "State"))) {
                return CommandResult.succeeded(message);
            }
            String partnerHost = Replies.optionalString(item, "PartnerServerName");
            if (partnerHost != null && !partnerHost.isBlank()) {
                Replies.Reply deleted = run(what, Scripts.DISABLE_REPLICATION_DELETE_REPLICA, partnerHost, name);
                if (!deleted.ok()) {
                    return deleted.failure();
                }
            }
        }
        return change(request, Scripts.DISABLE_REPLICATION, message, name);
    }

    private CommandResult replicationStatus(CommandRequest request, HostCommand.GetReplicationStatus cmd) {
        Replies.Reply reply = run(request.command().describe(), Scripts.GET_REPLICATION_STATUS, request.host(),
                cmd.vmName());
        if (!reply.ok()) {
            return reply.failure();
        }
        CommandOutput.ReplicationStatus status = replicationStatus(single(reply));
        return CommandResult.succeeded("Measure-VMReplication " + cmd.vmName() + ": " + status.state(), status);
    }

    /** A GetReplicationStatus item: Hyper-V's names, kept as they are (the engine compares them by name). */
    static CommandOutput.ReplicationStatus replicationStatus(JsonNode item) {
        return new CommandOutput.ReplicationStatus(Replies.enumName(item, "State", REPLICATION_STATES),
                Replies.enumName(item, "Health", HEALTH_STATES), Replies.optionalInstant(item, "LastReplicationTime"));
    }

    private CommandResult recoveryPoints(CommandRequest request, HostCommand.ListRecoveryPoints cmd) {
        Replies.Reply reply = run(request.command().describe(), Scripts.LIST_RECOVERY_POINTS, request.host(),
                cmd.vmName());
        if (!reply.ok()) {
            return reply.failure();
        }
        List<RecoveryPoint> points = recoveryPoints(reply.items());
        return CommandResult.succeeded("Get-VMSnapshot " + cmd.vmName() + ": " + points.size()
                + " recovery point(s)", new CommandOutput.RecoveryPoints(points));
    }

    /**
     * ListRecoveryPoints items, oldest first, each point once: the script asks for both snapshot types, and a host
     * may list an application-consistent point under {@code -SnapshotType Replica} too (the simulated fabric does).
     */
    static List<RecoveryPoint> recoveryPoints(List<JsonNode> items) {
        List<RecoveryPoint> points = new ArrayList<>(items.size());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (JsonNode item : items) {
            String type = Replies.enumName(item, "SnapshotType", SNAPSHOT_TYPES);
            if (!seen.add(Replies.string(item, "Id"))) {
                continue;
            }
            points.add(new RecoveryPoint(Replies.string(item, "Id"), Replies.requiredInstant(item, "CreationTime"),
                    type.equals("AppConsistentReplica")));
        }
        points.sort(Comparator.comparing(RecoveryPoint::createdAt));
        return points;
    }

    // ---- running ----

    /** Runs a changing script and answers {@code message}: the same whether it changed the host or found it done. */
    private CommandResult change(CommandRequest request, Scripts.Script script, String message, Object... arguments) {
        Replies.Reply reply = run(request.command().describe(), script, request.host(), arguments);
        if (!reply.ok()) {
            return reply.failure();
        }
        if (LOG.isDebugEnabled() && !reply.items().isEmpty() && !reply.items().get(0).path("Changed").asBoolean(true)) {
            LOG.debug("{}: already done on the host, nothing changed", request);
        }
        return CommandResult.succeeded(message);
    }

    /** One PowerShell run of {@code script} on {@code host} with {@code arguments} as its ArgumentList. */
    private Replies.Reply run(String what, Scripts.Script script, @Nullable String host, Object... arguments) {
        HostCredential credential = null;
        if (credentialReference != null && host != null) {
            Optional<HostCredential> resolved = credentials.resolve(credentialReference);
            if (resolved.isEmpty()) {
                return Replies.Reply.failed(CommandResult.permanentFailure(what + ": credential reference '"
                        + credentialReference + "' resolves to no credential (" + credentials + ")"));
            }
            credential = resolved.get();
        }
        String stdin = Stdin.of(Arrays.asList(arguments), host, useSsl, credential);
        PowerShellResult result;
        try {
            result = powerShell.run(new PowerShellInvocation(script.arguments(), stdin, timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Replies.Reply.failed(CommandResult.transientFailure(what + ": interrupted while PowerShell ran"));
        } catch (java.io.UncheckedIOException e) {
            return Replies.Reply.failed(CommandResult.permanentFailure(what + ": PowerShell could not be started: "
                    + e.getCause().getMessage()));
        }
        return Replies.read(what, result, timeoutText);
    }

    private static JsonNode single(Replies.Reply reply) {
        if (reply.items().size() != 1) {
            throw new Replies.MalformedOutputException("expected one result object, got " + reply.items().size());
        }
        return reply.items().get(0);
    }

    // ---- values ----

    /** Hyper-V names the test VM of a test failover "&lt;name&gt; - Test" (F1). */
    static String testVmName(String vmName) {
        return vmName + " - Test";
    }

    /**
     * The ArgumentList of Enable-VMReplication / Set-VMReplication -Reverse, each value inside the cmdlet's
     * documented range (reference/hyperv-replica.md).
     */
    private static Object[] settings(String vmName, String replicaServer, ReplicationParameters s) {
        int frequency = s.copyFrequencySeconds();
        if (frequency != 30 && frequency != 300 && frequency != 900) {
            throw refused(Rule.C4, "copyFrequencySeconds", frequency, "copyFrequencySeconds (" + frequency
                    + ") must be 30, 300 or 900 for -ReplicationFrequencySec");
        }
        if (s.additionalRecoveryPoints() > 24) {
            throw refused(Rule.C5, "additionalRecoveryPoints", s.additionalRecoveryPoints(),
                    "additionalRecoveryPoints (" + s.additionalRecoveryPoints() + ") must be between 0 and 24 for "
                            + "-RecoveryHistory");
        }
        int vss = s.appConsistentFrequencyHours();
        if (vss > 12 || (vss > 0 && s.additionalRecoveryPoints() == 0)) {
            throw refused(Rule.C6, "appConsistentFrequencyHours", vss, "appConsistentFrequencyHours (" + vss
                    + ") must be 0, or 1..12 with additional recovery points, for -VSSSnapshotFrequencyHour");
        }
        return new Object[] {vmName, replicaServer, s.port(), s.authentication().hyperVName(), frequency,
            s.additionalRecoveryPoints(), vss, s.compression()};
    }

    /** -ReplicaServerName takes a DNS name, never an IP address. */
    private static void checkReplicaServerName(String server) {
        // digits and dots only (IPv4), or any colon (IPv6); a DNS name has a letter and no colon
        boolean address = true;
        for (int i = 0; i < server.length(); i++) {
            char c = server.charAt(i);
            if (c == ':') {
                address = true;
                break;
            }
            if (c != '.' && (c < '0' || c > '9')) {
                address = false;
            }
        }
        if (address) {
            throw refused(Rule.INPUT, "replicaServer", server, "replicaServer (" + server + ") must be a DNS name, "
                    + "not an IP address, for -ReplicaServerName");
        }
    }

    private static InvalidConfigurationException refused(Rule rule, String field, @Nullable Object value,
                                                         String message) {
        return InvalidConfigurationException.of(rule, "hyperv command", field, value, message);
    }

    @Override
    public String toString() {
        return "HyperVDriver[timeout=" + timeout + ", useSsl=" + useSsl + ", credential="
                + (credentialReference == null ? "(caller's identity)" : "ref:" + credentialReference) + "]";
    }

    /**
     * Collects a driver's settings; {@link #build()} checks them. Not thread-safe.
     */
    public static final class Builder {
        private @Nullable PowerShell powerShell;
        private @Nullable Duration timeout = Duration.ofMinutes(10);
        private boolean useSsl;
        private @Nullable String credentialReference;
        private @Nullable CredentialSource credentials = new EnvironmentCredentialSource();
        private @Nullable Clock clock = Clock.systemUTC();
        private int rememberedResults = 10_000;

        private Builder() {
        }

        /** What runs the scripts: a {@link ProcessPowerShell}, or the simulated fabric. Required. */
        public Builder powerShell(PowerShell powerShell) {
            this.powerShell = powerShell;
            return this;
        }

        /** How long one PowerShell run may take before it is killed (a transient failure); 10 minutes by default. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** WinRM over HTTPS (port 5986) instead of HTTP (5985); off by default. */
        public Builder useSsl(boolean useSsl) {
            this.useSsl = useSsl;
            return this;
        }

        /** The credential reference remote commands run as, or null (the default) for the caller's identity. */
        public Builder credential(@Nullable String reference) {
            this.credentialReference = reference;
            return this;
        }

        /** Where credential references are resolved; environment variables by default. */
        public Builder credentialSource(CredentialSource credentials) {
            this.credentials = credentials;
            return this;
        }

        /** The clock scheduled initial replications are checked against; the system clock by default. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** How many idempotency keys' first results are kept for re-sends in this process; 10,000 by default. */
        public Builder rememberedResults(int rememberedResults) {
            this.rememberedResults = rememberedResults;
            return this;
        }

        /**
         * @throws InvalidConfigurationException (INPUT) naming the setting when the runner, timeout, credential
         *     source or clock is missing, the timeout is not positive, the credential reference is blank or the
         *     remembered results are fewer than 1
         */
        public HyperVDriver build() {
            present("powerShell", powerShell);
            present("timeout", timeout);
            present("credentialSource", credentials);
            present("clock", clock);
            if (timeout.isNegative() || timeout.isZero()) {
                throw setting("timeout", timeout, "timeout (" + timeout + ") must be positive");
            }
            if (credentialReference != null && credentialReference.isBlank()) {
                throw setting("credential", credentialReference, "credential ('" + credentialReference
                        + "') must not be blank: give a reference or none");
            }
            if (rememberedResults < 1) {
                throw setting("rememberedResults", rememberedResults, "rememberedResults (" + rememberedResults
                        + ") must be at least 1");
            }
            return new HyperVDriver(this);
        }

        private static void present(String field, @Nullable Object value) {
            if (value == null) {
                throw setting(field, null, field + " (missing) must be given");
            }
        }

        static InvalidConfigurationException setting(String field, @Nullable Object value, String message) {
            return InvalidConfigurationException.of(Rule.INPUT, "hyperv driver", field, value, message);
        }
    }

    /** The runner's bound, for tests. */
    int rememberedCount() {
        return remembered.size();
    }

    /** Never null after build; for the provider's tests. */
    Duration timeout() {
        return requireNonNull(timeout);
    }

    boolean useSsl() {
        return useSsl;
    }

    @Nullable String credentialReference() {
        return credentialReference;
    }
}
