package dev.secondsite.core.protection;

import static dev.secondsite.core.protection.ProtectionFixtures.GOLD;
import static dev.secondsite.core.protection.ProtectionFixtures.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.secondsite.core.Rule;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProtectedVmTest {

    @Test
    @DisplayName("F7 the kind of the last failover is kept from its start until reverse replication finishes")
    void lastFailover() {
        ProtectedVm vm = ProtectedVm.unprotected("vm-1", "web-01", GOLD).apply(ProtectionOperation.ONBOARD);
        assertNull(vm.lastFailover());
        vm = vm.apply(ProtectionOperation.UNPLANNED_FAILOVER);
        assertEquals(ProtectionOperation.UNPLANNED_FAILOVER, vm.lastFailover());
        vm = vm.apply(ProtectionOperation.COMPLETE_FAILOVER).apply(ProtectionOperation.COMMIT)
                .apply(ProtectionOperation.REVERSE_REPLICATE);
        assertEquals(ProtectionOperation.UNPLANNED_FAILOVER, vm.lastFailover());
        assertNull(vm.apply(ProtectionOperation.FINISH_REVERSE_REPLICATION).lastFailover());
        assertEquals("vmm-a", vm.primaryServerId());
    }

    @Test
    @DisplayName("F7 a decoded VM whose last failover does not fit its state is refused")
    void invariants() {
        assertRefused(Rule.INPUT, () -> new ProtectedVm("vm-1", "web-01", GOLD, ProtectionState.FAILED_OVER,
                ActiveLocation.RECOVERY, null));
        assertRefused(Rule.INPUT, () -> new ProtectedVm("vm-1", "web-01", GOLD, ProtectionState.PROTECTED,
                ActiveLocation.PRIMARY, ProtectionOperation.PLANNED_FAILOVER));
        assertRefused(Rule.INPUT, () -> new ProtectedVm("vm-1", "web-01", GOLD,
                ProtectionState.PLANNED_FAILOVER_RUNNING, ActiveLocation.PRIMARY,
                ProtectionOperation.UNPLANNED_FAILOVER));
        assertRefused(Rule.INPUT, () -> new ProtectedVm("vm-1", "web-01", GOLD, ProtectionState.COMMITTED,
                ActiveLocation.RECOVERY, ProtectionOperation.COMMIT));
        assertRefused(Rule.INPUT, () -> new ProtectedVm(" ", "web-01", GOLD, ProtectionState.PROTECTED,
                ActiveLocation.PRIMARY, null));
        new ProtectedVm("vm-1", "web-01", GOLD, ProtectionState.COMMITTED, ActiveLocation.RECOVERY,
                ProtectionOperation.PLANNED_FAILOVER);
    }
}
