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

import com.google.common.collect.ImmutableList;
import com.google.common.collect.Maps;
import com.google.common.collect.Sets;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The protected-VM state machine of SPEC section 6, as one table: {@link #TABLE} is the only place that allows a
 * transition. Anything not in it is refused ({@link ProtectedVm#apply} throws
 * {@link dev.secondsite.core.IllegalTransitionException} with rule {@code STATE}, naming the VM, its state and the
 * operation).
 *
 * <pre>
 * UNPROTECTED -ENABLE-> ENABLING -START_INITIAL_REPLICATION-> INITIAL_REPLICATION -FINALIZE-> PROTECTED
 * UNPROTECTED -ONBOARD-> PROTECTED                                   (E3: the existing replica is reused)
 * PROTECTED -TEST_FAILOVER-> TEST_FAILOVER_RUNNING -CLEANUP_TEST_FAILOVER-> PROTECTED     (F1, F8)
 * PROTECTED -PLANNED_FAILOVER-> PLANNED_FAILOVER_RUNNING -COMPLETE_FAILOVER-> FAILED_OVER
 * PROTECTED -UNPLANNED_FAILOVER-> UNPLANNED_FAILOVER_RUNNING -COMPLETE_FAILOVER-> FAILED_OVER
 * FAILED_OVER -CHANGE_RECOVERY_POINT-> FAILED_OVER -COMMIT-> COMMITTED                   (F4)
 * COMMITTED -REVERSE_REPLICATE-> REVERSE_REPLICATING -FINISH_REVERSE_REPLICATION-> PROTECTED  (F5)
 * </pre>
 *
 * <p>How the sites swap: {@code COMPLETE_FAILOVER} switches the VM's {@link ActiveLocation}; the rest of the cycle
 * keeps it, so {@code FINISH_REVERSE_REPLICATION} lands in {@code PROTECTED} with the VM running and replicating on
 * the other side. A failback is then simply the same cycle again (a planned failover, commit, reverse replication),
 * which ends in {@code PROTECTED} at {@link ActiveLocation#PRIMARY}. Whether the VM counts as protected on the way
 * (F7: not after an unplanned failover until reverse replication finished) is {@link ProtectedVm#isProtected()}.
 *
 * <p>The way back when a step fails. A job whose step failed leaves the VM in the state of that step and restarts
 * the step (J2); when the user gives up instead:
 * <ul>
 *   <li>{@code ENABLING}, {@code INITIAL_REPLICATION}: {@code DISABLE} removes what was set up.</li>
 *   <li>{@code TEST_FAILOVER_RUNNING}: {@code CLEANUP_TEST_FAILOVER} deletes the test VM whatever it reached.</li>
 *   <li>{@code PLANNED_FAILOVER_RUNNING}, {@code UNPLANNED_FAILOVER_RUNNING}: {@code CANCEL_FAILOVER} undoes the
 *       failover (Hyper-V's Stop-VMFailover) and returns to {@code PROTECTED} on the same side.</li>
 *   <li>{@code FAILED_OVER}: {@code CHANGE_RECOVERY_POINT} tries another point; there is no way back to the old
 *       side except a planned failover after commit and reverse replication.</li>
 *   <li>{@code COMMITTED}, {@code REVERSE_REPLICATING}: restart reverse replication, or {@code DISABLE}. Hyper-V
 *       allows Remove-VMReplication after Complete-VMFailover: the failed-over VM goes on running where it is, and
 *       the copy on the other side is kept or deleted per C11.</li>
 * </ul>
 * {@code DISABLE} is refused while a failover or test failover runs (cancel or clean up first) and in
 * {@code FAILED_OVER} (commit first): removing replication there would leave Hyper-V with a half-done failover.
 *
 * <p>Thread-safe: stateless, the table is immutable.
 */
public final class ProtectionStateMachine {

    /** One allowed move: {@code operation} in state {@code from} leads to state {@code to}. Immutable. */
    public record Transition(ProtectionState from, ProtectionOperation operation, ProtectionState to) {
    }

    /** The table. Read it top to bottom as the life of a VM. */
    private static final List<Transition> TABLE = ImmutableList.of(
            t(UNPROTECTED, ENABLE, ENABLING),
            t(UNPROTECTED, ONBOARD, PROTECTED),
            t(ENABLING, START_INITIAL_REPLICATION, INITIAL_REPLICATION),
            t(ENABLING, DISABLE, UNPROTECTED),
            t(INITIAL_REPLICATION, FINALIZE, PROTECTED),
            t(INITIAL_REPLICATION, DISABLE, UNPROTECTED),
            t(PROTECTED, TEST_FAILOVER, TEST_FAILOVER_RUNNING),
            t(PROTECTED, PLANNED_FAILOVER, PLANNED_FAILOVER_RUNNING),
            t(PROTECTED, UNPLANNED_FAILOVER, UNPLANNED_FAILOVER_RUNNING),
            t(PROTECTED, DISABLE, UNPROTECTED),
            t(TEST_FAILOVER_RUNNING, CLEANUP_TEST_FAILOVER, PROTECTED),
            t(PLANNED_FAILOVER_RUNNING, COMPLETE_FAILOVER, FAILED_OVER),
            t(PLANNED_FAILOVER_RUNNING, CANCEL_FAILOVER, PROTECTED),
            t(UNPLANNED_FAILOVER_RUNNING, COMPLETE_FAILOVER, FAILED_OVER),
            t(UNPLANNED_FAILOVER_RUNNING, CANCEL_FAILOVER, PROTECTED),
            t(FAILED_OVER, CHANGE_RECOVERY_POINT, FAILED_OVER),
            t(FAILED_OVER, COMMIT, COMMITTED),
            t(COMMITTED, REVERSE_REPLICATE, REVERSE_REPLICATING),
            t(COMMITTED, DISABLE, UNPROTECTED),
            t(REVERSE_REPLICATING, FINISH_REVERSE_REPLICATION, PROTECTED),
            t(REVERSE_REPLICATING, DISABLE, UNPROTECTED));

    private static final Map<ProtectionState, Map<ProtectionOperation, ProtectionState>> NEXT = index();

    private ProtectionStateMachine() {
    }

    private static Transition t(ProtectionState from, ProtectionOperation operation, ProtectionState to) {
        return new Transition(from, operation, to);
    }

    private static Map<ProtectionState, Map<ProtectionOperation, ProtectionState>> index() {
        Map<ProtectionState, Map<ProtectionOperation, ProtectionState>> next = new EnumMap<>(ProtectionState.class);
        for (ProtectionState s : ProtectionState.values()) {
            next.put(s, new EnumMap<>(ProtectionOperation.class));
        }
        for (Transition t : TABLE) {
            if (next.get(t.from()).put(t.operation(), t.to()) != null) {
                throw new AssertionError("two transitions for " + t.from() + " " + t.operation());
            }
        }
        next.replaceAll((s, m) -> Maps.immutableEnumMap(m));
        return Maps.immutableEnumMap(next);
    }

    /** Every allowed transition, in table order. */
    public static List<Transition> transitions() {
        return TABLE;
    }

    /** The state {@code operation} leads to from {@code state}, or empty when it is not allowed there. */
    public static Optional<ProtectionState> next(ProtectionState state, ProtectionOperation operation) {
        return Optional.ofNullable(NEXT.get(state).get(operation));
    }

    /** The operations allowed in {@code state}. */
    public static Set<ProtectionOperation> allowedOperations(ProtectionState state) {
        Set<ProtectionOperation> ops = NEXT.get(state).keySet();
        return ops.isEmpty() ? Set.of() : Sets.immutableEnumSet(EnumSet.copyOf(ops));
    }
}
