package dev.secondsite.hyperv.sim.lang;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Map<String, Object> values = new LinkedHashMap<>();

    /** @param typeName e.g. {@code "Microsoft.HyperV.PowerShell.VMReplication"} or {@code "System.Management.Automation.PSCustomObject"} */
    public PsObject(String typeName) {
        this.typeName = requireNonNull(typeName, "typeName");
    }

    public String typeName() {
        return typeName;
    }

    /** Sets (or adds, at the end) the property {@code name}; returns this object for chaining. */
    public PsObject put(String name, @Nullable Object value) {
        String key = name.toLowerCase(Locale.ROOT);
        names.putIfAbsent(key, name);
        values.put(key, value);
        return this;
    }

    /** Whether a property of that name (ignoring case) exists. */
    public boolean has(String name) {
        return values.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /** The value of property {@code name} (ignoring case), or null when absent. */
    public @Nullable Object get(String name) {
        return values.get(name.toLowerCase(Locale.ROOT));
    }

    /** The property names in their order, as first spelled. */
    public List<String> propertyNames() {
        return Collections.unmodifiableList(new ArrayList<>(names.values()));
    }

    @Override
    public String toString() {
        return typeName;
    }
}
