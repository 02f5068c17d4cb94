package dev.secondsite.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SlotTest {
    @Test
    @DisplayName("RP4 slots sit before and after the shutdown step, the failover step and each group")
    void slots() {
        assertEquals("before shutdown", Slot.beforeShutdown().toString());
        assertEquals("after failover", Slot.afterFailover().toString());
        assertEquals("before group 3", Slot.beforeGroup(3).toString());
        assertEquals(new Slot(StageKind.BOOT, 2, Slot.Position.AFTER), Slot.afterGroup(2));
    }

    @Test
    @DisplayName("RP4 a group slot needs a group number from 1; a step slot has none")
    void groupNumbers() {
        assertEquals(Rule.INPUT, assertThrows(InvalidConfigurationException.class, () -> Slot.beforeGroup(0)).rule());
        assertEquals(Rule.INPUT, assertThrows(InvalidConfigurationException.class,
                () -> new Slot(StageKind.FAILOVER, 1, Slot.Position.BEFORE)).rule());
    }
}
