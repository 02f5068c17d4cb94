package dev.secondsite.hyperv.sim.lang;

import static java.util.Objects.requireNonNull;

import java.util.List;
import javax.annotation.Nullable;

/**
 * A PowerShell hashtable ({@code @{...}}, also {@code [ordered]@{...}}) with string keys looked up ignoring case,
 * kept in insertion order so that output is deterministic.
 *
 * <p>Not thread-safe.
 */
public final class PsHashtable {
    private final NameMap entries = new NameMap();

    public PsHashtable put(String key, @Nullable Object value) {
        entries.put(requireNonNull(key, "key"), value);
        return this;
    }

    public boolean containsKey(String key) {
        return entries.containsKey(key);
    }

    public @Nullable Object get(String key) {
        return entries.get(key);
    }

    public void remove(String key) {
        entries.remove(key);
    }

    /** The keys in insertion order, as first spelled. */
    public List<String> keys() {
        return List.copyOf(entries.names());
    }

    NameMap entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }
}
