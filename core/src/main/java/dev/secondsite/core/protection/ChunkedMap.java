package dev.secondsite.core.protection;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.annotation.Nullable;

/**
 * An immutable map whose updates copy one chunk of about {@code size / CHUNKS} entries and two short arrays of
 * references instead of the whole map. Protected VMs are added one at a time and there can be a hundred thousand;
 * copying a whole map on each would make enabling protection for a whole vault quadratic, and every configuration
 * step of a failover replaces one VM, so the copy is what a failover of many VMs mostly costs the vault.
 *
 * <p>A chunk is two arrays in the order its keys were added (a replaced key keeps its place) with the keys' hashes:
 * a lookup compares a few ints, and an update copies a few dozen references, where a hashed map per chunk was rebuilt
 * entry by entry. The chunks hang off {@value #GROUPS} groups of {@value #PER_GROUP}, so an update copies 16 and 32
 * references rather than 512.
 *
 * <p>Immutable and thread-safe.
 */
final class ChunkedMap<K, V> {
    private static final int CHUNKS = 512;
    private static final int PER_GROUP = 32;
    private static final int GROUPS = CHUNKS / PER_GROUP;
    private static final ChunkedMap<Object, Object> EMPTY = new ChunkedMap<>(new Chunk[GROUPS][], 0);

    // null stands for an empty group or chunk so that an empty map costs one short array
    private final @Nullable Chunk[][] groups;
    private final int size;

    private ChunkedMap(@Nullable Chunk[][] groups, int size) {
        this.groups = groups;
        this.size = size;
    }

    @SuppressWarnings("unchecked")
    static <K, V> ChunkedMap<K, V> empty() {
        return (ChunkedMap<K, V>) EMPTY;
    }

    private static int chunkOf(int hash) {
        return (hash ^ (hash >>> 16)) & (CHUNKS - 1);
    }

    private @Nullable Chunk chunk(int i) {
        Chunk[] group = groups[i / PER_GROUP];
        return group == null ? null : group[i % PER_GROUP];
    }

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked") // only values of type V are ever stored
    @Nullable V get(Object key) {
        int hash = key.hashCode();
        Chunk chunk = chunk(chunkOf(hash));
        if (chunk == null) {
            return null;
        }
        int at = chunk.find(key, hash);
        return at < 0 ? null : (V) chunk.values[at];
    }

    boolean containsKey(Object key) {
        return get(key) != null;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The keys, chunk by chunk (an order that depends only on the keys and the order they were added in). */
    @SuppressWarnings("unchecked") // only keys of type K are ever stored
    List<K> keys() {
        List<K> out = new ArrayList<>(size);
        for (int i = 0; i < CHUNKS; i++) {
            Chunk chunk = chunk(i);
            if (chunk != null) {
                for (Object key : chunk.keys) {
                    out.add((K) key);
                }
            }
        }
        return out;
    }

    /** The values, in the order of {@link #keys()}. */
    @SuppressWarnings("unchecked") // only values of type V are ever stored
    List<V> values() {
        List<V> out = new ArrayList<>(size);
        for (int i = 0; i < CHUNKS; i++) {
            Chunk chunk = chunk(i);
            if (chunk != null) {
                for (Object value : chunk.values) {
                    out.add((V) value);
                }
            }
        }
        return out;
    }

    /** This map with {@code key} mapped to {@code value}, in the key's old place when it was there. */
    ChunkedMap<K, V> with(K key, V value) {
        requireNonNull(key, "key");
        requireNonNull(value, "value");
        int hash = key.hashCode();
        int i = chunkOf(hash);
        Chunk old = chunk(i);
        int at = old == null ? -1 : old.find(key, hash);
        if (at >= 0) {
            Object[] values = old.values.clone();
            values[at] = value;
            return replace(i, new Chunk(old.keys, values, old.hashes), size);
        }
        int n = old == null ? 0 : old.keys.length;
        Object[] keys = old == null ? new Object[1] : Arrays.copyOf(old.keys, n + 1);
        Object[] values = old == null ? new Object[1] : Arrays.copyOf(old.values, n + 1);
        int[] hashes = old == null ? new int[1] : Arrays.copyOf(old.hashes, n + 1);
        keys[n] = key;
        values[n] = value;
        hashes[n] = hash;
        return replace(i, new Chunk(keys, values, hashes), size + 1);
    }

    /** This map without {@code key}; this map itself when the key is absent. */
    ChunkedMap<K, V> without(Object key) {
        int hash = key.hashCode();
        int i = chunkOf(hash);
        Chunk old = chunk(i);
        int at = old == null ? -1 : old.find(key, hash);
        if (at < 0) {
            return this;
        }
        int n = old.keys.length - 1;
        if (n == 0) {
            return replace(i, null, size - 1);
        }
        return replace(i, new Chunk(cut(old.keys, at), cut(old.values, at), cut(old.hashes, at)), size - 1);
    }

    private static Object[] cut(Object[] a, int at) {
        Object[] out = new Object[a.length - 1];
        System.arraycopy(a, 0, out, 0, at);
        System.arraycopy(a, at + 1, out, at, out.length - at);
        return out;
    }

    private static int[] cut(int[] a, int at) {
        int[] out = new int[a.length - 1];
        System.arraycopy(a, 0, out, 0, at);
        System.arraycopy(a, at + 1, out, at, out.length - at);
        return out;
    }

    private ChunkedMap<K, V> replace(int i, @Nullable Chunk chunk, int newSize) {
        Chunk[][] copy = groups.clone();
        Chunk[] group = copy[i / PER_GROUP];
        group = group == null ? new Chunk[PER_GROUP] : group.clone();
        group[i % PER_GROUP] = chunk;
        copy[i / PER_GROUP] = group;
        return new ChunkedMap<>(copy, newSize);
    }

    /** Equal when the same keys map to equal values, whatever the order they were added in. */
    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof ChunkedMap<?, ?> other) || other.size != size) {
            return false;
        }
        for (int i = 0; i < CHUNKS; i++) {
            if (!Chunk.sameEntries(chunk(i), other.chunk(i))) {
                return false;
            }
        }
        return true;
    }

    /** The sum of the entries' {@code key.hashCode() ^ value.hashCode()}, as for a {@link java.util.Map}. */
    @Override
    public int hashCode() {
        int h = 0;
        for (int i = 0; i < CHUNKS; i++) {
            Chunk chunk = chunk(i);
            if (chunk != null) {
                for (int j = 0; j < chunk.keys.length; j++) {
                    h += chunk.hashes[j] ^ chunk.values[j].hashCode();
                }
            }
        }
        return h;
    }

    @Override
    public String toString() {
        return "ChunkedMap[" + size + " entries]";
    }

    /** The entries of one chunk, never none; its arrays are never changed once it is made. */
    private static final class Chunk {
        final Object[] keys;
        final Object[] values;
        final int[] hashes;

        Chunk(Object[] keys, Object[] values, int[] hashes) {
            this.keys = keys;
            this.values = values;
            this.hashes = hashes;
        }

        /** Where {@code key} (of hash {@code hash}) is, or -1. */
        int find(Object key, int hash) {
            for (int j = 0; j < keys.length; j++) {
                if (hashes[j] == hash && keys[j].equals(key)) {
                    return j;
                }
            }
            return -1;
        }

        /** Whether {@code a} and {@code b} (null: no entries) map the same keys to equal values, in any order. */
        static boolean sameEntries(@Nullable Chunk a, @Nullable Chunk b) {
            if (a == null || b == null) {
                return a == b;
            }
            if (a.keys.length != b.keys.length) {
                return false;
            }
            for (int j = 0; j < a.keys.length; j++) {
                int at = b.find(a.keys[j], a.hashes[j]);
                if (at < 0 || !a.values[j].equals(b.values[at])) {
                    return false;
                }
            }
            return true;
        }
    }
}
