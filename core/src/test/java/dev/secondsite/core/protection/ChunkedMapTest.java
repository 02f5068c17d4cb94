package dev.secondsite.core.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
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
}
