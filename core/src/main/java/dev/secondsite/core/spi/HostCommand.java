package dev.secondsite.core.spi;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.internal.Checks;
import dev.secondsite.core.Rule;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import javax.annotation.Nullable;

/**
 * One operation on a Hyper-V host, as the vault's engine asks a site's provider to carry it out. Each maps to a
 * short sequence of Hyper-V Replica cmdlets (see {@code reference/hyperv-replica.md}); the host it runs on is in the
 * {@link CommandRequest}. VMs are named by id (stable across sites) and by name (what the cmdlets take).
 *
 * <p>Every implementation is an immutable record and thread-safe.
 */
public sealed interface HostCommand {

    /** A short text for logs and task names, e.g. {@code "StartVm web-01"}; never holds a secret. */
    String describe();

    /** The VM the command is about, or null for host-level commands. */
    default @Nullable String vmId() {
        return null;
    }

    /** Makes a host a replica server for the pairing (C8, C9, C12: Set-VMReplicationServer + firewall rule). */
    record ConfigureReplicaServer(ReplicationParameters settings) implements HostCommand {
        public ConfigureReplicaServer {
            requireNonNull(settings, "settings");
        }

        @Override
        public String describe() {
            return "ConfigureReplicaServer " + settings.authentication() + ":" + settings.port();
        }
    }

    /** Enables Hyper-V Replica on the primary VM towards {@code replicaServer} (E1, Enable-VMReplication). */
    record EnableReplication(String vmId, String vmName, String replicaServer, ReplicationParameters settings)
            implements HostCommand {
        public EnableReplication {
            Checks.text("EnableReplication", "vmId", vmId);
            Checks.text("EnableReplication", "vmName", vmName);
            Checks.text("EnableReplication", "replicaServer", replicaServer);
            requireNonNull(settings, "settings");
        }

        @Override
        public String describe() {
            return "EnableReplication " + vmName + " -> " + replicaServer;
        }
    }

    /**
     * Makes an existing copy of a VM on the replica host its replica, waiting for {@code primaryServer}
     * ({@code Enable-VMReplication -AsReplica -AllowedPrimaryServer}, C10): the first step of an initial replication
     * {@link InitialReplicationMethod.UsingExistingReplica using an existing replica}, run before the primary's
     * {@link EnableReplication}.
     */
    record EnableExistingReplica(String vmId, String vmName, String primaryServer) implements HostCommand {
        public EnableExistingReplica {
            Checks.text("EnableExistingReplica", "vmId", vmId);
            Checks.text("EnableExistingReplica", "vmName", vmName);
            Checks.text("EnableExistingReplica", "primaryServer", primaryServer);
        }

        @Override
        public String describe() {
            return "EnableExistingReplica " + vmName + " <- " + primaryServer;
        }
    }

    /**
     * Starts initial replication (C10): now, at {@code startAt}, exported to the offline path, or from the existing
     * replica (-UseBackup).
     *
     * @param startAt the instant a scheduled replication starts, null to start now or for offline
     */
    record StartInitialReplication(String vmId, String vmName, InitialReplicationMethod method, @Nullable Instant startAt)
            implements HostCommand {
        public StartInitialReplication {
            Checks.text("StartInitialReplication", "vmId", vmId);
            Checks.text("StartInitialReplication", "vmName", vmName);
            requireNonNull(method, "method");
        }

        @Override
        public String describe() {
            return "StartInitialReplication " + vmName;
        }
    }

    /** Imports offline initial replication on the replica (Import-VMInitialReplication). */
    record ImportInitialReplication(String vmId, String vmName, String path) implements HostCommand {
        public ImportInitialReplication {
            Checks.text("ImportInitialReplication", "vmId", vmId);
            Checks.text("ImportInitialReplication", "vmName", vmName);
            Checks.text("ImportInitialReplication", "path", path);
        }

        @Override
        public String describe() {
            return "ImportInitialReplication " + vmName;
        }
    }

    /** Prepares a planned failover on the primary: sends the last changes (Start-VMFailover -Prepare, F2). */
    record PrepareFailover(String vmId, String vmName) implements HostCommand {
        public PrepareFailover {
            Checks.text("PrepareFailover", "vmId", vmId);
            Checks.text("PrepareFailover", "vmName", vmName);
        }

        @Override
        public String describe() {
            return "PrepareFailover " + vmName;
        }
    }

    /** Fails the replica over to a recovery point (Start-VMFailover [-VMRecoverySnapshot], F2, F3, F4). */
    record Failover(String vmId, String vmName, RecoveryPointChoice recoveryPoint) implements HostCommand {
        public Failover {
            Checks.text("Failover", "vmId", vmId);
            Checks.text("Failover", "vmName", vmName);
            requireNonNull(recoveryPoint, "recoveryPoint");
        }

        @Override
        public String describe() {
            return "Failover " + vmName + " to " + recoveryPoint;
        }
    }

    /** Creates and connects the test VM of a test failover (Start-VMFailover -AsTest, F1). */
    record TestFailover(String vmId, String vmName, RecoveryPointChoice recoveryPoint, TestNetwork network)
            implements HostCommand {
        public TestFailover {
            Checks.text("TestFailover", "vmId", vmId);
            Checks.text("TestFailover", "vmName", vmName);
            requireNonNull(recoveryPoint, "recoveryPoint");
            requireNonNull(network, "network");
        }

        @Override
        public String describe() {
            return "TestFailover " + vmName + " on " + network;
        }
    }

    /** Deletes the test VM of a test failover (Stop-VMFailover, F1). */
    record CleanupTestFailover(String vmId, String vmName) implements HostCommand {
        public CleanupTestFailover {
            Checks.text("CleanupTestFailover", "vmId", vmId);
            Checks.text("CleanupTestFailover", "vmName", vmName);
        }

        @Override
        public String describe() {
            return "CleanupTestFailover " + vmName;
        }
    }

    /** Undoes a failover that has not been committed (Stop-VMFailover). */
    record CancelFailover(String vmId, String vmName) implements HostCommand {
        public CancelFailover {
            Checks.text("CancelFailover", "vmId", vmId);
            Checks.text("CancelFailover", "vmName", vmName);
        }

        @Override
        public String describe() {
            return "CancelFailover " + vmName;
        }
    }

    /** Commits the failover: the chosen point becomes final, the others are deleted (Complete-VMFailover, F4). */
    record CompleteFailover(String vmId, String vmName) implements HostCommand {
        public CompleteFailover {
            Checks.text("CompleteFailover", "vmId", vmId);
            Checks.text("CompleteFailover", "vmName", vmName);
        }

        @Override
        public String describe() {
            return "CompleteFailover " + vmName;
        }
    }

    /** Reverses replication: the failed-over VM replicates back to {@code newReplicaServer} (Set-VMReplication -Reverse, F5). */
    record ReverseReplication(String vmId, String vmName, String newReplicaServer, ReplicationParameters settings)
            implements HostCommand {
        public ReverseReplication {
            Checks.text("ReverseReplication", "vmId", vmId);
            Checks.text("ReverseReplication", "vmName", vmName);
            Checks.text("ReverseReplication", "newReplicaServer", newReplicaServer);
            requireNonNull(settings, "settings");
        }

        @Override
        public String describe() {
            return "ReverseReplication " + vmName + " -> " + newReplicaServer;
        }
    }

    /** Starts a VM (Start-VM); {@code testVm} starts the test VM of a test failover instead. */
    record StartVm(String vmId, String vmName, boolean testVm) implements HostCommand {
        public StartVm {
            Checks.text("StartVm", "vmId", vmId);
            Checks.text("StartVm", "vmName", vmName);
        }

        @Override
        public String describe() {
            return "StartVm " + vmName + (testVm ? " (test)" : "");
        }
    }

    /** Shuts a VM down (Stop-VM); {@code turnOff} pulls the plug instead of a guest shutdown. */
    record StopVm(String vmId, String vmName, boolean turnOff) implements HostCommand {
        public StopVm {
            Checks.text("StopVm", "vmId", vmId);
            Checks.text("StopVm", "vmName", vmName);
        }

        @Override
        public String describe() {
            return "StopVm " + vmName;
        }
    }

    /** Removes replication, and the replica VM when {@code deleteReplica} (Remove-VMReplication, E4, C11). */
    record DisableReplication(String vmId, String vmName, boolean deleteReplica) implements HostCommand {
        public DisableReplication {
            Checks.text("DisableReplication", "vmId", vmId);
            Checks.text("DisableReplication", "vmName", vmName);
        }

        @Override
        public String describe() {
            return "DisableReplication " + vmName + (deleteReplica ? " (delete replica)" : "");
        }
    }

    /** Reads the VM's replication state and health (Get-VMReplication / Measure-VMReplication). */
    record GetReplicationStatus(String vmId, String vmName) implements HostCommand {
        public GetReplicationStatus {
            Checks.text("GetReplicationStatus", "vmId", vmId);
            Checks.text("GetReplicationStatus", "vmName", vmName);
        }

        @Override
        public String describe() {
            return "GetReplicationStatus " + vmName;
        }
    }

    /** Lists the replica's recovery points (Get-VMSnapshot -SnapshotType Replica...). */
    record ListRecoveryPoints(String vmId, String vmName) implements HostCommand {
        public ListRecoveryPoints {
            Checks.text("ListRecoveryPoints", "vmId", vmId);
            Checks.text("ListRecoveryPoints", "vmName", vmName);
        }

        @Override
        public String describe() {
            return "ListRecoveryPoints " + vmName;
        }
    }

    /** Connects a VM's adapter to a network (Connect-VMNetworkAdapter, N4); null network disconnects it (N3). */
    record ConnectNetworkAdapter(String vmId, String vmName, String adapter, @Nullable String network, boolean testVm)
            implements HostCommand {
        public ConnectNetworkAdapter {
            Checks.text("ConnectNetworkAdapter", "vmId", vmId);
            Checks.text("ConnectNetworkAdapter", "vmName", vmName);
            Checks.text("ConnectNetworkAdapter", "adapter", adapter);
        }

        @Override
        public String describe() {
            return "ConnectNetworkAdapter " + vmName + "/" + adapter + " -> " + (network == null ? "(none)" : network);
        }
    }

    /**
     * Runs a recovery plan's script on the site's VMM server (RP8). Providers hand it to their {@link ScriptRunner}.
     *
     * @param path the script's path (in the VMM library share)
     * @param timeout how long it may run
     */
    record RunScript(String path, Duration timeout) implements HostCommand {
        public RunScript {
            Checks.text("RunScript", "path", path);
            requireNonNull(timeout, "timeout");
        }

        @Override
        public String describe() {
            return "RunScript " + path;
        }
    }

    /** How the Hyper-V hosts authenticate replication traffic ({@code -AuthenticationType}). */
    enum AuthenticationType {
        CERTIFICATE("Certificate"),
        KERBEROS("Kerberos");

        private final String hyperVName;

        AuthenticationType(String hyperVName) {
            this.hyperVName = hyperVName;
        }

        /** The name the cmdlets take: {@code "Certificate"} or {@code "Kerberos"}. */
        public String hyperVName() {
            return hyperVName;
        }
    }

    /**
     * The Hyper-V Replica parameters a command sets on a VM or replica server, as the cmdlets take them. The vault
     * maps its pairing's validated replication settings (C4-C9) to these; the host checks them again.
     *
     * @param copyFrequencySeconds {@code -ReplicationFrequencySec}: 30, 300 or 900
     * @param additionalRecoveryPoints {@code -RecoveryHistory}, 0..24
     * @param appConsistentFrequencyHours {@code -VSSSnapshotFrequencyHour}, 0 = off
     * @param compression {@code -CompressionEnabled}
     * @param authentication {@code -AuthenticationType}
     * @param port {@code -ReplicaServerPort}, 1..65535
     */
    record ReplicationParameters(int copyFrequencySeconds, int additionalRecoveryPoints,
                                 int appConsistentFrequencyHours, boolean compression,
                                 AuthenticationType authentication, int port) {
        public ReplicationParameters {
            Checks.range(Rule.C4, "replication parameters", "copyFrequencySeconds", copyFrequencySeconds, 1,
                    Integer.MAX_VALUE);
            Checks.range(Rule.C5, "replication parameters", "additionalRecoveryPoints", additionalRecoveryPoints, 0,
                    Integer.MAX_VALUE);
            Checks.range(Rule.C6, "replication parameters", "appConsistentFrequencyHours",
                    appConsistentFrequencyHours, 0, Integer.MAX_VALUE);
            requireNonNull(authentication, "authentication");
            Checks.range(Rule.C9, "replication parameters", "port", port, 1, 65535);
        }
    }

    /**
     * How a VM's first copy reaches its replica ({@code Start-VMInitialReplication}, C10).
     *
     * <p>Every implementation is an immutable record and thread-safe.
     */
    sealed interface InitialReplicationMethod {
        /** Over the network, now. */
        record OverNetworkNow() implements InitialReplicationMethod {
        }

        /** Over the network at a time of day; the command's {@code startAt} is the instant it was turned into. */
        record OverNetworkScheduled(LocalTime startTime) implements InitialReplicationMethod {
            public OverNetworkScheduled {
                requireNonNull(startTime, "startTime");
            }
        }

        /** Exported to {@code exportPath} on the primary host, later imported from {@code importPath} (O1). */
        record Offline(String exportPath, String importPath) implements InitialReplicationMethod {
            public Offline {
                Checks.text("offline initial replication", "exportPath", exportPath);
                Checks.text("offline initial replication", "importPath", importPath);
            }
        }

        /**
         * From the copy on the replica host that {@link EnableExistingReplica} made the replica: only the
         * differences are sent ({@code Start-VMInitialReplication -UseBackup}).
         */
        record UsingExistingReplica() implements InitialReplicationMethod {
        }
    }
}
