package dev.secondsite.hyperv.sim.lang;

/**
 * Which PowerShell's {@code ConvertTo-Json} the simulated process emulates.
 *
 * <p>Thread-safe (an enum).
 */
public enum JsonFlavor {
    /** Windows PowerShell 5.1: enums as numbers, DateTime as {@code "\/Date(ms)\/"}, default depth 2. */
    WINDOWS_POWERSHELL_5_1,
    /** PowerShell 7: enums as numbers (unless -EnumsAsStrings), DateTime as ISO 8601 with offset. */
    POWERSHELL_7
}
