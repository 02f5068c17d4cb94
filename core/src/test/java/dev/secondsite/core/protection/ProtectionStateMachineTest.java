package dev.secondsite.core.protection;

import static dev.secondsite.core.protection.ProtectionOperation.CANCEL_FAILOVER;
import static dev.secondsite.core.protection.ProtectionOperation.CHANGE_RECOVERY_POINT;
import static dev.secondsite.core.protection.ProtectionOperation.CLEANUP_TEST_FAILOVER;
import static dev.secondsite.core.protection.ProtectionOperation.COMMIT;
import static dev.secondsite.core.protection.ProtectionOperation.COMPLETE_FAILOVER;
import static dev.secondsite.core.protection.ProtectionOperation.DISABLE;
import static dev.secondsite.core.protection.ProtectionOperation.ENABLE;
import static dev.secondsite.core.protection.ProtectionOperation.FINALIZE;
import static dev.secondsite.core.protection.ProtectionOperation.FINISH_REVERSE_REPLICATION;
import static dev.secondsite.core.protection.ProtectionOperation.ONBOARD;
import static dev.secondsite.core.protection.ProtectionOperation.PLANNED_FAILOVER;
import static dev.secondsite.core.protection.ProtectionOperation.REVERSE_REPLICATE;
import static dev.secondsite.core.protection.ProtectionOperation.START_INITIAL_REPLICATION;
import static dev.secondsite.core.protection.ProtectionOperation.TEST_FAILOVER;
import static dev.secondsite.core.protection.ProtectionOperation.UNPLANNED_FAILOVER;
import static dev.secondsite.core.protection.ProtectionState.COMMITTED;
import static dev.secondsite.core.protection.ProtectionState.ENABLING;
import static dev.secondsite.core.protection.ProtectionState.FAILED_OVER;
import static dev.secondsite.core.protection.ProtectionState.INITIAL_REPLICATION;
import static dev.secondsite.core.protection.ProtectionState.PLANNED_FAILOVER_RUNNING;
import static dev.secondsite.core.protection.ProtectionState.PROTECTED;
import static dev.secondsite.core.protection.ProtectionState.REVERSE_REPLICATING;
import static dev.secondsite.core.protection.ProtectionState.TEST_FAILOVER_RUNNING;
import static dev.secondsite.core.protection.ProtectionState.UNPLANNED_FAILOVER_RUNNING;
import static dev.secondsite.core.protection.ProtectionState.UNPROTECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.IllegalTransitionException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.inventory.CloudRef;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProtectionStateMachineTest {
    private static final CloudRef GOLD = ProtectionFixtures.GOLD;

    /** SPEC section 6 written out again, independently of the table under test. */
    private static final Map<ProtectionState, Map<ProtectionOperation, ProtectionState>> EXPECTED = expected();

    private static Map<ProtectionState, Map<ProtectionOperation, ProtectionState>> expected() {
        Map<ProtectionState, Map<ProtectionOperation, ProtectionState>> m = new EnumMap<>(ProtectionState.class);
        for (ProtectionState s : ProtectionState.values()) {
            m.put(s, new EnumMap<>(ProtectionOperation.class));
        }
        m.get(UNPROTECTED).put(ENABLE, ENABLING);
        m.get(UNPROTECTED).put(ONBOARD, PROTECTED);
        m.get(ENABLING).put(START_INITIAL_REPLICATION, INITIAL_REPLICATION);
        m.get(ENABLING).put(DISABLE, UNPROTECTED);
        m.get(INITIAL_REPLICATION).put(FINALIZE, PROTECTED);
        m.get(INITIAL_REPLICATION).put(DISABLE, UNPROTECTED);
        m.get(PROTECTED).put(TEST_FAILOVER, TEST_FAILOVER_RUNNING);
        m.get(PROTECTED).put(PLANNED_FAILOVER, PLANNED_FAILOVER_RUNNING);
        m.get(PROTECTED).put(UNPLANNED_FAILOVER, UNPLANNED_FAILOVER_RUNNING);
        m.get(PROTECTED).put(DISABLE, UNPROTECTED);
        m.get(TEST_FAILOVER_RUNNING).put(CLEANUP_TEST_FAILOVER, PROTECTED);
        m.get(PLANNED_FAILOVER_RUNNING).put(COMPLETE_FAILOVER, FAILED_OVER);
        m.get(PLANNED_FAILOVER_RUNNING).put(CANCEL_FAILOVER, PROTECTED);
        m.get(UNPLANNED_FAILOVER_RUNNING).put(COMPLETE_FAILOVER, FAILED_OVER);
        m.get(UNPLANNED_FAILOVER_RUNNING).put(CANCEL_FAILOVER, PROTECTED);
        m.get(FAILED_OVER).put(CHANGE_RECOVERY_POINT, FAILED_OVER);
        m.get(FAILED_OVER).put(COMMIT, COMMITTED);
        m.get(COMMITTED).put(REVERSE_REPLICATE, REVERSE_REPLICATING);
        m.get(COMMITTED).put(DISABLE, UNPROTECTED);
        m.get(REVERSE_REPLICATING).put(FINISH_REVERSE_REPLICATION, PROTECTED);
        m.get(REVERSE_REPLICATING).put(DISABLE, UNPROTECTED);
        return m;
    }

    /** A VM in {@code state}, reached through the machine itself (so that its other fields fit the state). */
    private static ProtectedVm vmIn(ProtectionState state) {
        ProtectedVm vm = ProtectedVm.unprotected("vm-1", "web-01", GOLD);
        List<ProtectionOperation> path = switch (state) {
            case UNPROTECTED -> List.of();
            case ENABLING -> List.of(ENABLE);
            case INITIAL_REPLICATION -> List.of(ENABLE, START_INITIAL_REPLICATION);
            case PROTECTED -> List.of(ONBOARD);
            case TEST_FAILOVER_RUNNING -> List.of(ONBOARD, TEST_FAILOVER);
            case PLANNED_FAILOVER_RUNNING -> List.of(ONBOARD, PLANNED_FAILOVER);
            case UNPLANNED_FAILOVER_RUNNING -> List.of(ONBOARD, UNPLANNED_FAILOVER);
            case FAILED_OVER -> List.of(ONBOARD, PLANNED_FAILOVER, COMPLETE_FAILOVER);
            case COMMITTED -> List.of(ONBOARD, PLANNED_FAILOVER, COMPLETE_FAILOVER, COMMIT);
            case REVERSE_REPLICATING -> List.of(ONBOARD, PLANNED_FAILOVER, COMPLETE_FAILOVER, COMMIT,
                    REVERSE_REPLICATE);
        };
        for (ProtectionOperation op : path) {
            vm = vm.apply(op);
        }
        assertEquals(state, vm.state());
        return vm;
    }

    @Test
    @DisplayName("E1 STATE every state and operation pair follows SPEC section 6; anything else is refused with rule "
            + "STATE naming VM, state and operation")
    void everyPair() {
        int allowed = 0;
        for (ProtectionState state : ProtectionState.values()) {
            ProtectedVm vm = vmIn(state);
            for (ProtectionOperation op : ProtectionOperation.values()) {
                ProtectionState expected = EXPECTED.get(state).get(op);
                if (expected != null) {
                    allowed++;
                    assertEquals(expected, vm.apply(op).state(), state + " " + op);
                    assertTrue(vm.allows(op));
                } else {
                    IllegalTransitionException e = assertThrows(IllegalTransitionException.class,
                            () -> vm.apply(op), state + " " + op);
                    assertEquals("VM web-01 (vm-1)", e.subject());
                    assertEquals(state.name(), e.state());
                    assertEquals(op.name(), e.operation());
                    assertEquals("STATE: VM web-01 (vm-1): cannot " + op + " in state " + state, e.getMessage());
                    assertEquals(Rule.STATE, e.rule());
                    assertFalse(vm.allows(op));
                }
            }
            assertEquals(EXPECTED.get(state).keySet(), state.allowedOperations(), state.name());
            assertEquals(EXPECTED.get(state).keySet(), vm.allowedOperations(), state.name());
        }
        assertEquals(allowed, ProtectionStateMachine.transitions().size());
    }

    @Test
    @DisplayName("E1 a VM is ready for failover only after enable, initial replication and finalize")
    void readyAfterFinalize() {
        ProtectedVm vm = ProtectedVm.unprotected("vm-1", "web-01", GOLD).apply(ENABLE);
        assertFalse(vm.isProtected());
        assertThrows(IllegalTransitionException.class, () -> vmIn(ENABLING).apply(PLANNED_FAILOVER));
        vm = vm.apply(START_INITIAL_REPLICATION);
        assertFalse(vm.isProtected());
        assertThrows(IllegalTransitionException.class, () -> vmIn(INITIAL_REPLICATION).apply(TEST_FAILOVER));
        vm = vm.apply(FINALIZE);
        assertTrue(vm.isProtected());
        assertTrue(vm.allows(UNPLANNED_FAILOVER));
    }

    @Test
    @DisplayName("F5 failover, commit and reverse replication swap the sites; failback is a planned failover back")
    void failback() {
        ProtectedVm vm = vmIn(PROTECTED);
        assertEquals(ActiveLocation.PRIMARY, vm.activeLocation());
        for (ProtectionOperation op : List.of(UNPLANNED_FAILOVER, COMPLETE_FAILOVER, COMMIT, REVERSE_REPLICATE,
                FINISH_REVERSE_REPLICATION)) {
            vm = vm.apply(op);
        }
        assertEquals(PROTECTED, vm.state());
        assertEquals(ActiveLocation.RECOVERY, vm.activeLocation());
        assertTrue(vm.isProtected());
        // failback: a planned failover from the recovery side, then the same cycle
        for (ProtectionOperation op : List.of(PLANNED_FAILOVER, COMPLETE_FAILOVER, COMMIT, REVERSE_REPLICATE,
                FINISH_REVERSE_REPLICATION)) {
            vm = vm.apply(op);
        }
        assertEquals(PROTECTED, vm.state());
        assertEquals(ActiveLocation.PRIMARY, vm.activeLocation());
        assertEquals(vmIn(PROTECTED), vm);
    }

    @Test
    @DisplayName("F7 after an unplanned failover the VM is unprotected until reverse replication; planned stays")
    void protectedAfterFailover() {
        List<ProtectionOperation> rest = List.of(COMPLETE_FAILOVER, CHANGE_RECOVERY_POINT, COMMIT, REVERSE_REPLICATE);
        ProtectedVm unplanned = vmIn(PROTECTED).apply(UNPLANNED_FAILOVER);
        assertTrue(unplanned.isProtected(), "still protected while the failover runs");
        ProtectedVm planned = vmIn(PROTECTED).apply(PLANNED_FAILOVER);
        for (ProtectionOperation op : rest) {
            unplanned = unplanned.apply(op);
            planned = planned.apply(op);
            assertFalse(unplanned.isProtected(), op.name());
            assertTrue(planned.isProtected(), op.name());
        }
        assertTrue(unplanned.apply(FINISH_REVERSE_REPLICATION).isProtected());
    }

    @Test
    @DisplayName("F4 the recovery point can be changed after failover until commit, not after")
    void changeRecoveryPoint() {
        ProtectedVm failedOver = vmIn(PROTECTED).apply(UNPLANNED_FAILOVER).apply(COMPLETE_FAILOVER);
        ProtectedVm changed = failedOver.apply(CHANGE_RECOVERY_POINT).apply(CHANGE_RECOVERY_POINT);
        assertEquals(failedOver, changed);
        ProtectedVm committed = changed.apply(COMMIT);
        assertThrows(IllegalTransitionException.class, () -> committed.apply(CHANGE_RECOVERY_POINT));
    }

    @Test
    @DisplayName("F8 one test failover per VM at a time; cleanup returns to PROTECTED")
    void oneTestFailover() {
        ProtectedVm testing = vmIn(PROTECTED).apply(TEST_FAILOVER);
        IllegalTransitionException e = assertThrows(IllegalTransitionException.class,
                () -> testing.apply(TEST_FAILOVER));
        assertEquals("TEST_FAILOVER_RUNNING", e.state());
        assertThrows(IllegalTransitionException.class, () -> testing.apply(PLANNED_FAILOVER));
        assertThrows(IllegalTransitionException.class, () -> testing.apply(DISABLE));
        assertEquals(vmIn(PROTECTED), testing.apply(CLEANUP_TEST_FAILOVER));
    }

    @Test
    @DisplayName("a failover whose step failed is cancelled back to PROTECTED on the same side")
    void cancelFailover() {
        for (ProtectionOperation start : List.of(PLANNED_FAILOVER, UNPLANNED_FAILOVER)) {
            ProtectedVm cancelled = vmIn(PROTECTED).apply(start).apply(CANCEL_FAILOVER);
            assertEquals(vmIn(PROTECTED), cancelled);
        }
        ProtectedVm atRecovery = vmIn(REVERSE_REPLICATING).apply(FINISH_REVERSE_REPLICATION);
        ProtectedVm back = atRecovery.apply(PLANNED_FAILOVER).apply(CANCEL_FAILOVER);
        assertEquals(ActiveLocation.RECOVERY, back.activeLocation());
    }

    @Test
    @DisplayName("E4 protection can be disabled except while a failover runs or before commit")
    void disable() {
        Set<ProtectionState> disabling = EnumSet.noneOf(ProtectionState.class);
        for (ProtectionState s : ProtectionState.values()) {
            if (vmIn(s).allows(DISABLE)) {
                disabling.add(s);
                assertEquals(UNPROTECTED, vmIn(s).apply(DISABLE).state());
            }
        }
        assertEquals(EnumSet.of(ENABLING, INITIAL_REPLICATION, PROTECTED, COMMITTED, REVERSE_REPLICATING), disabling);
    }

    @Test
    @DisplayName("E1 the table lists every transition once and reaches every state")
    void tableShape() {
        List<String> keys = new ArrayList<>();
        Set<ProtectionState> reached = EnumSet.of(UNPROTECTED);
        for (ProtectionStateMachine.Transition t : ProtectionStateMachine.transitions()) {
            keys.add(t.from() + "/" + t.operation());
            reached.add(t.to());
        }
        assertEquals(keys.size(), Set.copyOf(keys).size());
        assertEquals(EnumSet.allOf(ProtectionState.class), reached);
    }
}
