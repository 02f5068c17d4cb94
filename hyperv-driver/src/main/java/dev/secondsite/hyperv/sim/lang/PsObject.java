package dev.secondsite.hyperv.sim.lang;

import static java.util.Objects.requireNonNull;

import java.util.List;
import javax.annotation.Nullable;

/**
 * An object with named properties, as cmdlets return them ({@code VMReplication}, {@code VMSnapshot}, {@code VM})
 * and as {@code [pscustomobject]@{...}} builds them: a type name and properties in their order, looked up ignoring
 * case. Values are interpreter values (see the package description).
 *
 * <p>Not thread-safe: a cmdlet builds a fresh one per call and scripts own what they hold.
 */
public final class PsObject {
    private final String typeName;
    private final NameMap properties;

    /** @param typeName e.g. {@code "Microsoft.HyperV.PowerShell.VMReplication"} or {@code "System.Management.Automation.PSCustomObject"} */
    public PsObject(String typeName) {
        this.typeName = requireNonNull(typeName, "typeName");
        this.properties = new NameMap();
    }

    /** {@code [pscustomobject]@{...}}: the table's entries as properties, in its order. */
    PsObject(String typeName, PsHashtable table) {
        this.typeName = requireNonNull(typeName, "typeName");
        this.properties = new NameMap(table.entries());
    }

    public String typeName() {
        return typeName;
    }

    /** Sets (or adds, at the end) the property {@code name}; returns this object for chaining. */
    public PsObject put(String name, @Nullable Object value) {
        properties.put(requireNonNull(name, "name"), value);
        return this;
    }

    /** Whether a property of that name (ignoring case) exists. */
    public boolean has(String name) {
        return properties.containsKey(name);
    }

    /** The value of property {@code name} (ignoring case), or null when absent. */
    public @Nullable Object get(String name) {
        return properties.get(name);
    }

    /** The property names in their order, as first spelled. */
    public List<String> propertyNames() {
        return List.copyOf(properties.names());
    }

    @Override
    public String toString() {
        return typeName;
    }
}
