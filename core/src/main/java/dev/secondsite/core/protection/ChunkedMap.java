package dev.secondsite.core.protection;

import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * An immutable map whose updates copy one chunk of {@code size / CHUNKS} entries and an array of {@code CHUNKS}
 * references instead of the whole map. Protected VMs are added one at a time and there can be a hundred thousand;
 * copying an ImmutableMap on each would make enabling protection for a whole vault quadratic.
 *
 * <p>Immutable and thread-safe.
 */
final class ChunkedMap<K, V> {
    private static final int CHUNKS = 512;
    private static final ChunkedMap<Object, Object> EMPTY = new ChunkedMap<>(newChunks(), 0);

    // null stands for an empty chunk so that an empty map costs one array
    private final @Nullable ImmutableMap<K, V>[] chunks;
    private final int size;

    private ChunkedMap(@Nullable ImmutableMap<K, V>[] chunks, int size) {
        this.chunks = chunks;
        this.size = size;
    }

    @SuppressWarnings({"unchecked", "rawtypes"}) // arrays of a generic type cannot be created otherwise
    private static <K, V> ImmutableMap<K, V>[] newChunks() {
        return (ImmutableMap<K, V>[]) new ImmutableMap[CHUNKS];
    }

    @SuppressWarnings("unchecked")
    static <K, V> ChunkedMap<K, V> empty() {
        return (ChunkedMap<K, V>) EMPTY;
    }

    private static int chunkOf(Object key) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & (CHUNKS - 1);
    }

    int size() {
        return size;
    }

    @Nullable V get(Object key) {
        ImmutableMap<K, V> chunk = chunks[chunkOf(key)];
        return chunk == null ? null : chunk.get(key);
    }

    boolean containsKey(Object key) {
        return get(key) != null;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The keys, chunk by chunk (an order that depends only on the keys and the order they were added in). */
    List<K> keys() {
        List<K> out = new ArrayList<>(size);
        for (ImmutableMap<K, V> chunk : chunks) {
            if (chunk != null) {
                out.addAll(chunk.keySet());
            }
        }
        return out;
    }

    /** The values, in the order of {@link #keys()}. */
    List<V> values() {
        List<V> out = new ArrayList<>(size);
        for (ImmutableMap<K, V> chunk : chunks) {
            if (chunk != null) {
                out.addAll(chunk.values());
            }
        }
        return out;
    }

    /** This map with {@code key} mapped to {@code value}, in the key's old place when it was there. */
    ChunkedMap<K, V> with(K key, V value) {
        int i = chunkOf(key);
        ImmutableMap<K, V> old = chunks[i] == null ? ImmutableMap.of() : chunks[i];
        ImmutableMap.Builder<K, V> b = ImmutableMap.builderWithExpectedSize(old.size() + 1);
        boolean replaced = false;
        for (Map.Entry<K, V> e : old.entrySet()) {
            if (e.getKey().equals(key)) {
                b.put(key, value);
                replaced = true;
            } else {
                b.put(e);
            }
        }
        if (!replaced) {
            b.put(key, value);
        }
        return replace(i, b.buildOrThrow(), replaced ? size : size + 1);
    }

    /** This map without {@code key}; this map itself when the key is absent. */
    ChunkedMap<K, V> without(Object key) {
        int i = chunkOf(key);
        ImmutableMap<K, V> old = chunks[i];
        if (old == null || !old.containsKey(key)) {
            return this;
        }
        ImmutableMap.Builder<K, V> b = ImmutableMap.builderWithExpectedSize(old.size() - 1);
        old.forEach((k, v) -> {
            if (!k.equals(key)) {
                b.put(k, v);
            }
        });
        ImmutableMap<K, V> chunk = b.buildOrThrow();
        return replace(i, chunk.isEmpty() ? null : chunk, size - 1);
    }

    private ChunkedMap<K, V> replace(int i, @Nullable ImmutableMap<K, V> chunk, int newSize) {
        ImmutableMap<K, V>[] copy = Arrays.copyOf(chunks, CHUNKS);
        copy[i] = chunk;
        return new ChunkedMap<>(copy, newSize);
    }

    /** Equal when the same keys map to equal values, whatever the order they were added in. */
    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof ChunkedMap<?, ?> other) || other.size != size) {
            return false;
        }
        for (int i = 0; i < CHUNKS; i++) {
            if (!Objects.equals(orEmpty(chunks[i]), orEmpty(other.chunks[i]))) {
                return false;
            }
        }
        return true;
    }

    private static Map<?, ?> orEmpty(@Nullable Map<?, ?> chunk) {
        return chunk == null ? Map.of() : chunk;
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (ImmutableMap<K, V> chunk : chunks) {
            h += chunk == null ? 0 : chunk.hashCode();
        }
        return h;
    }

    @Override
    public String toString() {
        return "ChunkedMap[" + size + " entries]";
    }
}
