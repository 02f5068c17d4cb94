package dev.secondsite.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PlanContextTest {
    @Test
    @DisplayName("RP1 the in-memory context knows which VMs are protected on which server")
    void protectedVms() {
        PlanContext context = PlanContext.builder().protectedVms("vmm-a", "vm-1", "vm-2")
                .protectedVms("vmm-a", List.of("vm-3")).protectedVms("vmm-c", "vm-9").build();
        assertTrue(context.isProtectedOn("vmm-a", "vm-3"));
        assertFalse(context.isProtectedOn("vmm-a", "vm-9"));
        assertFalse(context.isProtectedOn("vmm-b", "vm-1"));
        assertTrue(PlanContext.of("s", List.of("x")).isProtectedOn("s", "x"));
    }

    @Test
    @DisplayName("RP2 the in-memory context lists a replication group's VMs in order")
    void replicationGroups() {
        PlanContext context = PlanContext.builder()
                .replicationGroup("vmm-a", "sql", List.of("vm-2", "vm-1")).build();
        assertEquals(Optional.of(List.of("vm-2", "vm-1")), context.replicationGroup("vmm-a", "sql"));
        assertEquals(Optional.empty(), context.replicationGroup("vmm-a", "web"));
        assertEquals(Optional.empty(), context.replicationGroup("vmm-b", "sql"));
    }
}
