package dev.secondsite.hyperv.sim.lang;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.annotation.Nullable;

/**
 * Values by name, names compared ignoring case and kept in insertion order as first spelled: the storage of
 * {@link PsObject} and {@link PsHashtable}. Most hold a handful of names (a projected record, a splatting table), so
 * a lookup scans them with {@link String#regionMatches(boolean, int, String, int, int)} and allocates nothing; past
 * {@value #INDEXED} names an index by lower-cased name keeps lookups constant-time.
 *
 * <p>Not thread-safe.
 */
final class NameMap {
    private static final int INDEXED = 16;
    private static final int CACHED = 4096;
    private static final ConcurrentHashMap<String, String> LOWER = new ConcurrentHashMap<>();

    private final ArrayList<String> names;
    private final ArrayList<Object> values;
    private @Nullable Map<String, Integer> index;

    NameMap() {
        names = new ArrayList<>(8);
        values = new ArrayList<>(8);
    }

    /** A copy of {@code other} (its names are distinct already, so nothing is looked up). */
    NameMap(NameMap other) {
        names = new ArrayList<>(other.names);
        values = new ArrayList<>(other.values);
        index = other.index == null ? null : new HashMap<>(other.index);
    }

    /**
     * {@code name} in lower case (Locale.ROOT) for case-insensitive lookups. The names looked up this way (cmdlet,
     * parameter, variable and property names) are few and repeat on every run, so their lower-case forms are kept
     * (up to {@value #CACHED}) instead of being built again each time.
     */
    static String key(String name) {
        String key = LOWER.get(name);
        if (key == null) {
            key = name.toLowerCase(Locale.ROOT);
            if (LOWER.size() < CACHED) {
                LOWER.putIfAbsent(name, key);
            }
        }
        return key;
    }

    /** Sets the value of {@code name} (ignoring case), or adds it at the end spelled so. */
    void put(String name, @Nullable Object value) {
        int i = indexOf(name);
        if (i >= 0) {
            values.set(i, value);
            return;
        }
        names.add(name);
        values.add(value);
        if (index != null) {
            index.put(key(name), names.size() - 1);
        } else if (names.size() > INDEXED) {
            index = new HashMap<>();
            for (int j = 0; j < names.size(); j++) {
                index.put(key(names.get(j)), j);
            }
        }
    }

    boolean containsKey(String name) {
        return indexOf(name) >= 0;
    }

    @Nullable Object get(String name) {
        int i = indexOf(name);
        return i < 0 ? null : values.get(i);
    }

    void remove(String name) {
        int i = indexOf(name);
        if (i >= 0) {
            names.remove(i);
            values.remove(i);
            if (index != null) {
                index = null;
                if (names.size() > INDEXED) {
                    index = new HashMap<>();
                    for (int j = 0; j < names.size(); j++) {
                        index.put(key(names.get(j)), j);
                    }
                }
            }
        }
    }

    /** The names in insertion order, as first spelled (a read-only view). */
    List<String> names() {
        return Collections.unmodifiableList(names);
    }

    int size() {
        return names.size();
    }

    private int indexOf(String name) {
        if (index != null) {
            Integer i = index.get(key(name));
            return i == null ? -1 : i;
        }
        int length = name.length();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (n.length() == length && n.regionMatches(true, 0, name, 0, length)) {
                return i;
            }
        }
        return -1;
    }
}
