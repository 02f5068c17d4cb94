package dev.secondsite.core.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
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
        assertEquals(new HashSet<>(model.values()), new HashSet<>(map.values()));
        assertEquals(model.size(), map.values().size());
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
        assertTrue(a.without("x").without("y").isEmpty());
        assertFalse(a.containsKey("z"));
        assertNull(a.get("z"));
        assertEquals(List.of(1), List.copyOf(a.with("x", 1).without("y").values()));
    }
}
