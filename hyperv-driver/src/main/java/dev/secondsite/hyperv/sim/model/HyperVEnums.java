package dev.secondsite.hyperv.sim.model;

import dev.secondsite.hyperv.sim.lang.PsEnum;

/**
 * The Hyper-V enums the model uses, with the names and numbers of the PowerShell layer
 * ({@code reference/hyperv-replica.md}); each converts to the {@link PsEnum} the cmdlets return.
 *
 * <p>Thread-safe (enums only).
 */
public final class HyperVEnums {
    private HyperVEnums() {
    }

    /** Microsoft.HyperV.PowerShell.VMReplicationState (the values the model reaches). */
    public enum ReplicationState {
        Disabled(0), ReadyForInitialReplication(1), InitialReplicationInProgress(2), WaitingForInitialReplication(3),
        Replicating(4), PreparedForFailover(5), FailedOverWaitingCompletion(6), FailedOver(7), Suspended(8),
        Error(9), WaitingForStartResynchronize(10), Resynchronizing(11), ResynchronizeSuspended(12);

        private final int value;

        ReplicationState(int value) {
            this.value = value;
        }

        public PsEnum psEnum() {
            return new PsEnum("Microsoft.HyperV.PowerShell.VMReplicationState", name(), value);
        }
    }

    /** Microsoft.HyperV.PowerShell.VMReplicationMode. */
    public enum ReplicationMode {
        None(0), Primary(1), Replica(2), TestReplica(3), ExtendedReplica(4);

        private final int value;

        ReplicationMode(int value) {
            this.value = value;
        }

        public PsEnum psEnum() {
            return new PsEnum("Microsoft.HyperV.PowerShell.VMReplicationMode", name(), value);
        }
    }

    /** Microsoft.HyperV.PowerShell.VMReplicationHealthState. */
    public enum ReplicationHealth {
        NotApplicable(0), Normal(1), Warning(2), Critical(3);

        private final int value;

        ReplicationHealth(int value) {
            this.value = value;
        }

        public PsEnum psEnum() {
            return new PsEnum("Microsoft.HyperV.PowerShell.VMReplicationHealthState", name(), value);
        }
    }

    /** Microsoft.HyperV.PowerShell.ReplicationAuthenticationType. */
    public enum AuthenticationType {
        Kerberos(1), Certificate(2);

        private final int value;

        AuthenticationType(int value) {
            this.value = value;
        }

        public PsEnum psEnum() {
            return new PsEnum("Microsoft.HyperV.PowerShell.ReplicationAuthenticationType", name(), value);
        }

        /** The value named {@code name}, ignoring case, or null. */
        static @javax.annotation.Nullable AuthenticationType parse(String name) {
            for (AuthenticationType t : values()) {
                if (t.name().equalsIgnoreCase(name)) {
                    return t;
                }
            }
            return null;
        }
    }

    /** Microsoft.HyperV.PowerShell.RecoveryAuthenticationType: what a replica server accepts. */
    public enum AllowedAuthenticationType {
        Kerberos(1), Certificate(2), CertificateAndKerberos(3);

        private final int value;

        AllowedAuthenticationType(int value) {
            this.value = value;
        }

        public PsEnum psEnum() {
            return new PsEnum("Microsoft.HyperV.PowerShell.RecoveryAuthenticationType", name(), value);
        }

        boolean accepts(AuthenticationType type) {
            return this == CertificateAndKerberos || name().equals(type.name());
        }
    }

    /** Microsoft.HyperV.PowerShell.SnapshotType. */
    public enum SnapshotType {
        Standard(0), Recovery(1), Planned(2), Missing(5), Replica(6), AppConsistentReplica(7), SyncedReplica(8);

        private final int value;

        SnapshotType(int value) {
            this.value = value;
        }

        public PsEnum psEnum() {
            return new PsEnum("Microsoft.HyperV.PowerShell.SnapshotType", name(), value);
        }
    }

    /** Microsoft.HyperV.PowerShell.VMState (the power states the model reaches). */
    public enum VmState {
        Running(2), Off(3), Stopping(4), Saved(6), Paused(9), Starting(10);

        private final int value;

        VmState(int value) {
            this.value = value;
        }

        public PsEnum psEnum() {
            return new PsEnum("Microsoft.HyperV.PowerShell.VMState", name(), value);
        }
    }
}
