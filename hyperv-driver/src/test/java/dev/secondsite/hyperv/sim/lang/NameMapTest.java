package dev.secondsite.hyperv.sim.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The case-insensitive, ordered storage of PsObject and PsHashtable, below and above its indexing threshold. */
class NameMapTest {
    @ParameterizedTest
    @ValueSource(ints = {3, 16, 17, 40})
    @DisplayName("names compare ignoring case, keep their first spelling and order; a re-put replaces the value")
    void ignoringCaseInOrder(int count) {
        NameMap map = new NameMap();
        List<String> spelled = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            spelled.add("Name" + i);
            map.put("Name" + i, i);
        }
        map.put("NAME1", "again");
        assertEquals(spelled, map.names());
        assertEquals(count, map.size());
        assertEquals("again", map.get("name1"));
        assertEquals(count - 1, map.get("nAmE" + (count - 1)));
        assertTrue(map.containsKey("NAME0"));
        assertFalse(map.containsKey("Name" + count));
        assertNull(map.get("Nam"));
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 17, 30})
    @DisplayName("remove drops a name whatever its case; the rest keep their order and stay found")
    void remove(int count) {
        NameMap map = new NameMap();
        for (int i = 0; i < count; i++) {
            map.put("Key" + i, i);
        }
        map.remove("KEY1");
        assertFalse(map.containsKey("key1"));
        assertEquals(count - 1, map.size());
        assertEquals("Key2", map.names().get(1));
        assertEquals(2, map.get("key2"));
        assertEquals(count - 1, map.get("KEY" + (count - 1)));
    }

    @Test
    @DisplayName("a copy holds the same names and values and changes apart from its original; null values are kept")
    void copy() {
        NameMap map = new NameMap();
        map.put("VMName", "web01");
        map.put("Health", null);
        NameMap copy = new NameMap(map);
        copy.put("vmname", "web02");
        assertEquals("web01", map.get("VMNAME"));
        assertEquals("web02", copy.get("VMName"));
        assertTrue(copy.containsKey("health"));
        assertNull(copy.get("health"));
        assertEquals(List.of("VMName", "Health"), copy.names());
    }

    @Test
    @DisplayName("key lower-cases with Locale.ROOT (the dotted I stays i), the same string each time")
    void key() {
        assertEquals("invoke-command", NameMap.key("Invoke-Command"));
        assertEquals("id", NameMap.key("ID"));
        assertEquals(NameMap.key("ErrorAction"), NameMap.key("ErrorAction"));
    }
}
