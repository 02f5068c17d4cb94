package dev.secondsite.hyperv.sim.lang;

/**
 * The types a cmdlet parameter is declared with, and so what the interpreter converts a bound value to (as
 * PowerShell's parameter binder would; a value that does not convert is a binding error naming the parameter):
 * STRING {@link String}; STRING_ARRAY {@code List<String>} (a single value becomes a one-element list); INT
 * {@link Integer}; LONG {@link Long}; BOOL {@link Boolean} (only $true/$false/numbers, as for a [bool] parameter);
 * SWITCH {@link Boolean} (true when present, or {@code -Name:$false}); DATETIME {@link java.time.OffsetDateTime}
 * (from a DateTime value or a string PowerShell would parse); OBJECT the value as it is (e.g. a {@link PsObject}
 * from {@code Get-VMSnapshot}); OBJECT_ARRAY {@code List<Object>}; SCRIPT_BLOCK a script block; HASHTABLE
 * {@link PsHashtable}; CREDENTIAL a {@link PsObject} of type {@code System.Management.Automation.PSCredential}.
 *
 * <p>Thread-safe (an enum).
 */
public enum PsType {
    STRING,
    STRING_ARRAY,
    INT,
    LONG,
    BOOL,
    SWITCH,
    DATETIME,
    OBJECT,
    OBJECT_ARRAY,
    SCRIPT_BLOCK,
    HASHTABLE,
    CREDENTIAL
}
