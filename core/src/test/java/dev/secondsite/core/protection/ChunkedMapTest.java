package dev.secondsite.core.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ChunkedMapTest {

    @Test
    @DisplayName("the protected-VM index behaves as a map under random puts and removes, leaving old versions as they were")
    void behavesAsMap() {
        Random random = new Random(42);
        ChunkedMap<String, Integer> map = ChunkedMap.empty();
        Map<String, Integer> model = new HashMap<>();
        for (int i = 0; i < 5_000; i++) {
            String key = "vm-" + random.nextInt(2_000);
            ChunkedMap<String, Integer> before = map;
            int sizeBefore = before.size();
            if (random.nextInt(3) == 0) {
                map = map.without(key);
                model.remove(key);
            } else {
                map = map.with(key, i);
                model.put(key, i);
            }
            assertEquals(sizeBefore, before.size());
            assertEquals(model.size(), map.size());
            assertEquals(model.get(key), map.get(key));
        }
        for (int k = 0; k < 2_000; k++) {
            assertEquals(model.get("vm-" + k), map.get("vm-" + k));
        }
    }

    @Test
    @DisplayName("equality ignores insertion order; removing an absent key returns the same map")
    void equality() {
        ChunkedMap<String, Integer> a = ChunkedMap.<String, Integer>empty().with("x", 1).with("y", 2);
        ChunkedMap<String, Integer> b = ChunkedMap.<String, Integer>empty().with("y", 2).with("x", 1);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, b.with("x", 3));
        assertSame(a, a.without("z"));
        assertEquals(ChunkedMap.empty(), a.without("x").without("y"));
        assertEquals(0, a.without("x").without("y").size());
        assertFalse(a.containsKey("z"));
        assertNull(a.get("z"));
        assertEquals(1, a.without("y").size());
    }

    @Test
    @DisplayName("keys and values come in a stable order: a replaced key keeps its place, a removal keeps the others'")
    void order() {
        ChunkedMap<String, Integer> map = ChunkedMap.empty();
        for (int i = 0; i < 3_000; i++) {
            map = map.with("vm-" + i, i);
        }
        List<String> keys = map.keys();
        assertEquals(3_000, keys.size());
        ChunkedMap<String, Integer> replaced = map.with("vm-1234", -1);
        assertEquals(keys, replaced.keys());
        assertEquals(-1, replaced.values().get(keys.indexOf("vm-1234")));
        for (int j = 0; j < keys.size(); j++) {
            assertEquals(map.get(keys.get(j)), map.values().get(j));
        }
        List<String> rest = new java.util.ArrayList<>(keys);
        rest.remove("vm-77");
        assertEquals(rest, map.without("vm-77").keys());
    }

    @Test
    @DisplayName("keys with the same hash are told apart; the hash code is a map's (sum of key ^ value hashes)")
    void collisions() {
        assertEquals("Aa".hashCode(), "BB".hashCode());
        ChunkedMap<String, Integer> both = ChunkedMap.<String, Integer>empty().with("Aa", 1).with("BB", 2);
        assertEquals(1, both.get("Aa"));
        assertEquals(2, both.get("BB"));
        assertEquals(2, both.without("Aa").get("BB"));
        assertNull(both.without("Aa").get("Aa"));
        assertEquals(1, both.without("BB").size());
        assertNotEquals(ChunkedMap.<String, Integer>empty().with("Aa", 1),
                ChunkedMap.<String, Integer>empty().with("BB", 1));
        assertNotEquals(both, both.with("BB", 3));
        assertEquals(Map.of("Aa", 1, "BB", 2).hashCode(), both.hashCode());
        assertEquals(both, ChunkedMap.<String, Integer>empty().with("BB", 2).with("Aa", 1));
        // same size, keys in different chunks
        assertNotEquals(ChunkedMap.<String, Integer>empty().with("x", 1), ChunkedMap.<String, Integer>empty().with("y", 1));
    }
}
