package dev.secondsite.core.protection;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;
import dev.secondsite.core.inventory.WindowsServerVersion;
import javax.annotation.Nullable;

/**
 * The replication settings of a cloud pairing (SPEC C4 to C11). Build one with {@link #builder()}; the canonical
 * constructor checks every rule too, so a value read from a document is as valid as a built one.
 *
 * <p>Rules checked here, without the inventory: C4 (the frequency is one of three values), C5 (0..24 additional
 * recovery points), C6 (0 or 1..12 hours, and strictly fewer than the recovery points), C8, C9 (port 1..65535),
 * C10, O1 (offline paths). Rules that depend on the hosts (C4's effective frequency, C5's limit of 15 on Windows
 * Server 2012) are checked by {@link ProtectionConfiguration#pair}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param copyFrequency how often changes are copied (C4)
 * @param additionalRecoveryPoints hourly recovery points kept besides the latest, 0..24 (C5)
 * @param appConsistentFrequencyHours hours between app-consistent (VSS) snapshots, 0 = off (C6)
 * @param compression whether replication traffic is compressed (C7)
 * @param authentication how the hosts authenticate (C8)
 * @param port the replication listening port on the primary and recovery hosts (C9)
 * @param initialReplication how the first copy is made (C10)
 * @param deleteReplicaOnDisable whether disabling protection deletes the replica VM (C11)
 */
public record ReplicationSettings(CopyFrequency copyFrequency, int additionalRecoveryPoints,
                                  int appConsistentFrequencyHours, boolean compression, Authentication authentication,
                                  int port, InitialReplication initialReplication, boolean deleteReplicaOnDisable) {

    /** The subject every finding about settings names. */
    static final String SUBJECT = "replication settings";
    /** C5: the most additional recovery points any host keeps (Windows Server 2012 R2 and later). */
    public static final int MAX_RECOVERY_POINTS = 24;
    /** C5: the most additional recovery points a Windows Server 2012 host keeps. */
    public static final int MAX_RECOVERY_POINTS_WS2012 = 15;
    /** C6: the longest interval between app-consistent snapshots, in hours. */
    public static final int MAX_APP_CONSISTENT_FREQUENCY_HOURS = 12;

    /**
     * @throws InvalidConfigurationException naming the rule (C4, C5, C6, C8, C9, C10) of the first bad value
     */
    public ReplicationSettings {
        Checks.present(Rule.C4, SUBJECT, "copyFrequency", copyFrequency);
        checkRecoveryPoints(additionalRecoveryPoints);
        checkAppConsistentFrequency(appConsistentFrequencyHours);
        Checks.present(Rule.C8, SUBJECT, "authentication", authentication);
        checkPort(port);
        Checks.present(Rule.C10, SUBJECT, "initialReplication", initialReplication);
        if (appConsistentFrequencyHours > 0 && appConsistentFrequencyHours >= additionalRecoveryPoints) {
            throw InvalidConfigurationException.of(Rule.C6, SUBJECT, "appConsistentFrequencyHours",
                    appConsistentFrequencyHours, "appConsistentFrequencyHours (" + appConsistentFrequencyHours
                            + ") must be less than additionalRecoveryPoints (" + additionalRecoveryPoints + ")");
        }
    }

    /** The defaults: 5 minutes, no additional points, VSS off, compression on, certificate on 8084, now, keep. */
    public static ReplicationSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these values. The port is carried over only when it differs from the authentication's
     * default, so that switching the authentication of a pairing that used the default port moves it to the new
     * default instead of keeping the other method's port.
     */
    public Builder toBuilder() {
        Builder b = builder().copyFrequency(copyFrequency).additionalRecoveryPoints(additionalRecoveryPoints)
                .appConsistentFrequencyHours(appConsistentFrequencyHours).compression(compression)
                .authentication(authentication).initialReplication(initialReplication)
                .deleteReplicaOnDisable(deleteReplicaOnDisable);
        return port == authentication.defaultPort() ? b : b.port(port);
    }

    /** The copy frequency a host of {@code version} really uses (C4: 5 minutes before Windows Server 2012 R2). */
    public CopyFrequency effectiveCopyFrequency(WindowsServerVersion version) {
        return copyFrequency.effectiveOn(version);
    }

    /** C5: how many additional recovery points a host of {@code version} can keep. */
    public static int maxRecoveryPointsOn(WindowsServerVersion version) {
        return version.isAtLeast(WindowsServerVersion.WS2012_R2) ? MAX_RECOVERY_POINTS : MAX_RECOVERY_POINTS_WS2012;
    }

    private static void checkRecoveryPoints(int points) {
        Checks.range(Rule.C5, SUBJECT, "additionalRecoveryPoints", points, 0, MAX_RECOVERY_POINTS);
    }

    private static void checkAppConsistentFrequency(int hours) {
        Checks.range(Rule.C6, SUBJECT, "appConsistentFrequencyHours", hours, 0, MAX_APP_CONSISTENT_FREQUENCY_HOURS);
    }

    private static void checkPort(int port) {
        Checks.range(Rule.C9, SUBJECT, "port", port, 1, 65535);
    }

    /**
     * Builds {@link ReplicationSettings}. Each setter checks its own argument and throws
     * {@link InvalidConfigurationException} naming the rule; {@link #build()} checks the rules that tie fields
     * together (C6). Not thread-safe.
     */
    public static final class Builder {
        private CopyFrequency copyFrequency = CopyFrequency.FIVE_MINUTES;
        private int additionalRecoveryPoints;
        private int appConsistentFrequencyHours;
        private boolean compression = true;
        private Authentication authentication = Authentication.CERTIFICATE;
        private @Nullable Integer port;
        private InitialReplication initialReplication = InitialReplication.overNetworkNow();
        private boolean deleteReplicaOnDisable;

        private Builder() {
        }

        /** C4; default {@link CopyFrequency#FIVE_MINUTES}. */
        public Builder copyFrequency(CopyFrequency copyFrequency) {
            this.copyFrequency = Checks.present(Rule.C4, SUBJECT, "copyFrequency", copyFrequency);
            return this;
        }

        /**
         * C5; default 0 (only the latest point is kept).
         *
         * @throws InvalidConfigurationException (C5) unless {@code 0 <= points <= 24}
         */
        public Builder additionalRecoveryPoints(int points) {
            checkRecoveryPoints(points);
            this.additionalRecoveryPoints = points;
            return this;
        }

        /**
         * C6; default 0 (off).
         *
         * @throws InvalidConfigurationException (C6) unless {@code 0 <= hours <= 12}
         */
        public Builder appConsistentFrequencyHours(int hours) {
            checkAppConsistentFrequency(hours);
            this.appConsistentFrequencyHours = hours;
            return this;
        }

        /** C7; default on. */
        public Builder compression(boolean compression) {
            this.compression = compression;
            return this;
        }

        /** C8; default {@link Authentication#CERTIFICATE}. Also moves the port to its default unless one was set. */
        public Builder authentication(Authentication authentication) {
            this.authentication = Checks.present(Rule.C8, SUBJECT, "authentication", authentication);
            return this;
        }

        /**
         * C9; default: the authentication's default port.
         *
         * @throws InvalidConfigurationException (C9) unless {@code 1 <= port <= 65535}
         */
        public Builder port(int port) {
            checkPort(port);
            this.port = port;
            return this;
        }

        /** C10; default {@link InitialReplication#overNetworkNow()}. */
        public Builder initialReplication(InitialReplication initialReplication) {
            this.initialReplication = Checks.present(Rule.C10, SUBJECT, "initialReplication", initialReplication);
            return this;
        }

        /** C11; default false (the replica is kept). */
        public Builder deleteReplicaOnDisable(boolean deleteReplicaOnDisable) {
            this.deleteReplicaOnDisable = deleteReplicaOnDisable;
            return this;
        }

        /**
         * @throws InvalidConfigurationException (C6) when app-consistent snapshots are on and not less frequent than
         *     the number of additional recovery points
         */
        public ReplicationSettings build() {
            return new ReplicationSettings(copyFrequency, additionalRecoveryPoints, appConsistentFrequencyHours,
                    compression, authentication, port != null ? port : authentication.defaultPort(),
                    initialReplication, deleteReplicaOnDisable);
        }
    }
}
