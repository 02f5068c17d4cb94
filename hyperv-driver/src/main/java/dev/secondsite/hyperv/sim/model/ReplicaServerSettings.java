package dev.secondsite.hyperv.sim.model;

import static java.util.Objects.requireNonNull;

import dev.secondsite.hyperv.sim.model.HyperVEnums.AllowedAuthenticationType;
import javax.annotation.Nullable;

/**
 * A host's Hyper-V Replica server settings (Get-/Set-VMReplicationServer).
 *
 * <p>Immutable and thread-safe.
 *
 * @param replicationEnabled whether the host accepts replication as a replica server
 * @param allowedAuthenticationType what it accepts
 * @param replicationAllowedFromAnyServer whether any primary server may replicate to it
 * @param kerberosAuthenticationPort its HTTP (Kerberos) listener port, 1..65535
 * @param certificateAuthenticationPort its HTTPS (certificate) listener port, 1..65535
 * @param certificateThumbprint the certificate of its HTTPS listener, or null
 * @param defaultStorageLocation where replica VMs are stored
 */
public record ReplicaServerSettings(boolean replicationEnabled, AllowedAuthenticationType allowedAuthenticationType,
                                    boolean replicationAllowedFromAnyServer, int kerberosAuthenticationPort,
                                    int certificateAuthenticationPort, @Nullable String certificateThumbprint,
                                    String defaultStorageLocation) {
    /** Hyper-V's defaults on a fresh host: not a replica server, Kerberos on 80, certificate on 443. */
    public static final ReplicaServerSettings DEFAULT = new ReplicaServerSettings(false,
            AllowedAuthenticationType.Kerberos, false, 80, 443, null,
            "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V");

    public ReplicaServerSettings {
        requireNonNull(allowedAuthenticationType, "allowedAuthenticationType");
        requireNonNull(defaultStorageLocation, "defaultStorageLocation");
        checkPort("kerberosAuthenticationPort", kerberosAuthenticationPort);
        checkPort("certificateAuthenticationPort", certificateAuthenticationPort);
    }

    /** Enabled, accepting {@code type} from any server on {@code port} (the other port at its default). */
    public static ReplicaServerSettings enabled(AllowedAuthenticationType type, int port,
                                                @Nullable String certificateThumbprint) {
        boolean kerberos = type == AllowedAuthenticationType.Kerberos;
        return new ReplicaServerSettings(true, type, true, kerberos ? port : 80, kerberos ? 443 : port,
                certificateThumbprint, DEFAULT.defaultStorageLocation());
    }

    private static void checkPort(String field, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(field + " (" + port + ") must be within 1..65535");
        }
    }
}
