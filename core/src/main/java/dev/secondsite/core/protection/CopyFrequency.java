package dev.secondsite.core.protection;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.inventory.WindowsServerVersion;

/**
 * How often changes are copied from the primary to the replica (C4). Hyper-V knows exactly these three values
 * (its {@code ReplicationFrequencySec}); hosts older than Windows Server 2012 R2 always copy every 5 minutes.
 *
 * <p>Thread-safe (an enum).
 */
public enum CopyFrequency {
    THIRTY_SECONDS(30),
    FIVE_MINUTES(300),
    FIFTEEN_MINUTES(900);

    private final int seconds;

    CopyFrequency(int seconds) {
        this.seconds = seconds;
    }

    /** The interval in seconds, as Hyper-V's {@code ReplicationFrequencySec} takes it. */
    public int seconds() {
        return seconds;
    }

    /**
     * The frequency a host of {@code version} actually uses with this setting: this one on Windows Server 2012 R2
     * and later, {@link #FIVE_MINUTES} on older hosts (C4).
     */
    public CopyFrequency effectiveOn(WindowsServerVersion version) {
        return version.isAtLeast(WindowsServerVersion.WS2012_R2) ? this : FIVE_MINUTES;
    }

    /**
     * The frequency of {@code seconds}.
     *
     * @throws InvalidConfigurationException (C4) when {@code seconds} is not 30, 300 or 900
     */
    public static CopyFrequency ofSeconds(int seconds) {
        for (CopyFrequency f : values()) {
            if (f.seconds == seconds) {
                return f;
            }
        }
        throw InvalidConfigurationException.of(Rule.C4, ReplicationSettings.SUBJECT, "copyFrequency", seconds,
                "copyFrequency (" + seconds + ") must be 30, 300 or 900 seconds");
    }

    /** {@code "30 s"}, {@code "5 min"}, {@code "15 min"}. */
    @Override
    public String toString() {
        return seconds < 60 ? seconds + " s" : seconds / 60 + " min";
    }
}
