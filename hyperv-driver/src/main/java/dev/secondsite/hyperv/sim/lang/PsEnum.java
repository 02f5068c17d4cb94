package dev.secondsite.hyperv.sim.lang;

/**
 * A .NET enum value as PowerShell holds it: its type, name and number. {@code .ToString()} and string conversion
 * give the name; Windows PowerShell 5.1's {@code ConvertTo-Json} writes the number (PowerShell 7 too, unless
 * {@code -EnumsAsStrings}); comparison with a string compares the name ignoring case.
 *
 * <p>Immutable and thread-safe.
 *
 * @param typeName e.g. {@code "Microsoft.HyperV.PowerShell.VMReplicationState"}
 * @param name e.g. {@code "Replicating"}
 * @param value e.g. 4
 */
public record PsEnum(String typeName, String name, int value) {
    @Override
    public String toString() {
        return name;
    }
}
