package dev.secondsite.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class VmSlotsTest {
    @Test
    @DisplayName("RP2 the builder's VM index finds each VM's group through growth, removals and re-adds")
    void findsThroughChurn() {
        VmSlots slots = new VmSlots(2);
        RecoveryPlan.GroupDraft one = new RecoveryPlan.GroupDraft();
        RecoveryPlan.GroupDraft two = new RecoveryPlan.GroupDraft();
        for (int i = 0; i < 1000; i++) {
            slots.add("vm-" + i, i % 2 == 0 ? one : two);
        }
        for (int i = 0; i < 1000; i += 3) {
            slots.remove(slots.find("vm-" + i));
        }
        for (int i = 0; i < 1000; i += 6) {
            slots.add("vm-" + i, two);
        }
        int present = 0;
        for (int i = 0; i < 1000; i++) {
            int slot = slots.find("vm-" + i);
            if (i % 3 == 0 && i % 6 != 0) {
                assertEquals(-1, slot, "vm-" + i);
                continue;
            }
            present++;
            assertEquals("vm-" + i, slots.id(slot));
            assertSame(i % 2 == 0 && i % 6 != 0 ? one : two, slots.group(slot), "vm-" + i);
        }
        assertEquals(present, slots.size());
        assertEquals(-1, slots.find("vm-1000"));
        slots.remove(slots.find("vm-1"));
        assertNull(slots.group(1));
    }
}
