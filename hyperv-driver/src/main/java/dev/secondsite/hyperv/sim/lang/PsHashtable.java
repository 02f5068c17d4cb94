package dev.secondsite.hyperv.sim.lang;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * A PowerShell hashtable ({@code @{...}}, also {@code [ordered]@{...}}) with string keys looked up ignoring case,
 * kept in insertion order so that output is deterministic.
 *
 * <p>Not thread-safe.
 */
public final class PsHashtable {
    private final Map<String, String> keys = new LinkedHashMap<>();
    private final Map<String, Object> values = new LinkedHashMap<>();

    public PsHashtable put(String key, @Nullable Object value) {
        String k = key.toLowerCase(Locale.ROOT);
        keys.putIfAbsent(k, key);
        values.put(k, value);
        return this;
    }

    public boolean containsKey(String key) {
        return values.containsKey(key.toLowerCase(Locale.ROOT));
    }

    public @Nullable Object get(String key) {
        return values.get(key.toLowerCase(Locale.ROOT));
    }

    public void remove(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        keys.remove(k);
        values.remove(k);
    }

    /** The keys in insertion order, as first spelled. */
    public List<String> keys() {
        return Collections.unmodifiableList(new ArrayList<>(keys.values()));
    }

    public int size() {
        return values.size();
    }
}
