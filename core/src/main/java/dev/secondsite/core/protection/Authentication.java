package dev.secondsite.core.protection;

import java.util.Locale;
import java.util.Optional;

/**
 * How the primary and recovery Hyper-V hosts authenticate replication traffic (C8), with the listening port a
 * VMM-to-VMM deployment opens by default.
 *
 * <p>Thread-safe (an enum).
 */
public enum Authentication {
    /** HTTPS with certificates that are set up automatically; the default. */
    CERTIFICATE(8084, "Certificate"),
    /** HTTP with Kerberos tickets; needs a working Kerberos environment. */
    KERBEROS(8083, "Kerberos");

    private final int defaultPort;
    private final String hyperVName;

    Authentication(int defaultPort, String hyperVName) {
        this.defaultPort = defaultPort;
        this.hyperVName = hyperVName;
    }

    /** The port used when none is given: 8084 for certificates, 8083 for Kerberos. */
    public int defaultPort() {
        return defaultPort;
    }

    /** The name Hyper-V uses ({@code AuthenticationType}): {@code "Certificate"} or {@code "Kerberos"}. */
    public String hyperVName() {
        return hyperVName;
    }

    /** The authentication Hyper-V calls {@code name} (case-insensitive), or empty for an unknown name. */
    public static Optional<Authentication> fromHyperVName(String name) {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        for (Authentication a : values()) {
            if (a.hyperVName.toLowerCase(Locale.ROOT).equals(lower)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
