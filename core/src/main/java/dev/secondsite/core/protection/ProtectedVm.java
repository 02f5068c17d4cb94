package dev.secondsite.core.protection;

import static dev.secondsite.core.protection.ProtectionState.COMMITTED;
import static dev.secondsite.core.protection.ProtectionState.FAILED_OVER;
import static dev.secondsite.core.protection.ProtectionState.PLANNED_FAILOVER_RUNNING;
import static dev.secondsite.core.protection.ProtectionState.REVERSE_REPLICATING;
import static dev.secondsite.core.protection.ProtectionState.UNPLANNED_FAILOVER_RUNNING;

import dev.secondsite.core.IllegalTransitionException;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;
import dev.secondsite.core.inventory.CloudRef;
import java.util.EnumSet;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * A VM under protection and where it is in the state machine of {@link ProtectionStateMachine}.
 *
 * <p>Besides its state it remembers which side runs it ({@link #activeLocation()}) and, from the start of a failover
 * until reverse replication finished, which kind of failover that was ({@link #lastFailover()}): F7 needs it, since
 * after an unplanned failover the VM is not protected until reverse replication, after a planned one it is.
 *
 * <p>Immutable and thread-safe; {@link #apply(ProtectionOperation)} returns a new value.
 *
 * @param vmId the VM's id (Hyper-V's VMId, the same on both sides)
 * @param vmName the VM's name, for messages
 * @param pairing the primary cloud of the VM's pairing
 * @param state the VM's state
 * @param activeLocation which side of the pairing runs the VM and replicates it
 * @param replicaHost the host of the pairing's target cloud that holds the VM's replica; null until placed
 * @param lastFailover {@link ProtectionOperation#PLANNED_FAILOVER} or {@link ProtectionOperation#UNPLANNED_FAILOVER}
 *     from the start of a failover until {@code FINISH_REVERSE_REPLICATION}, {@code CANCEL_FAILOVER} or
 *     {@code DISABLE}; null otherwise
 */
public record ProtectedVm(String vmId, String vmName, CloudRef pairing, ProtectionState state,
                          ActiveLocation activeLocation, @Nullable ProtectionOperation lastFailover,
                          @Nullable String replicaHost) {

    private static final Set<ProtectionState> AFTER_FAILOVER_START =
            EnumSet.of(PLANNED_FAILOVER_RUNNING, UNPLANNED_FAILOVER_RUNNING, FAILED_OVER, COMMITTED,
                    REVERSE_REPLICATING);

    /**
     * @throws InvalidConfigurationException (INPUT) when a part is missing, or {@code lastFailover} does not fit the
     *     state (a document that was edited by hand)
     */
    public ProtectedVm {
        Checks.text("protected VM", "vmId", vmId);
        Checks.text("protected VM " + vmId, "vmName", vmName);
        Checks.present(Rule.INPUT, "protected VM " + vmId, "pairing", pairing);
        Checks.present(Rule.INPUT, "protected VM " + vmId, "state", state);
        Checks.present(Rule.INPUT, "protected VM " + vmId, "activeLocation", activeLocation);
        boolean fits = lastFailover == null
                ? !AFTER_FAILOVER_START.contains(state)
                : lastFailover.startsFailover() && AFTER_FAILOVER_START.contains(state)
                        && (state != PLANNED_FAILOVER_RUNNING || lastFailover == ProtectionOperation.PLANNED_FAILOVER)
                        && (state != UNPLANNED_FAILOVER_RUNNING
                                || lastFailover == ProtectionOperation.UNPLANNED_FAILOVER);
        if (!fits) {
            throw InvalidConfigurationException.of(Rule.INPUT, "protected VM " + vmId, "lastFailover", lastFailover,
                    "lastFailover (" + lastFailover + ") does not fit state " + state);
        }
        if (replicaHost != null) {
            Checks.text("protected VM " + vmId, "replicaHost", replicaHost);
        }
    }

    /** A protected VM whose replica host is not known (yet). */
    public ProtectedVm(String vmId, String vmName, CloudRef pairing, ProtectionState state,
                       ActiveLocation activeLocation, @Nullable ProtectionOperation lastFailover) {
        this(vmId, vmName, pairing, state, activeLocation, lastFailover, null);
    }

    /** This VM with its replica on {@code host} of the pairing's target cloud. */
    public ProtectedVm withReplicaHost(String host) {
        return new ProtectedVm(vmId, vmName, pairing, state, activeLocation, lastFailover, host);
    }

    /** A VM not yet protected, running on the primary side of the pairing of {@code pairing}. */
    public static ProtectedVm unprotected(String vmId, String vmName, CloudRef pairing) {
        return new ProtectedVm(vmId, vmName, pairing, ProtectionState.UNPROTECTED, ActiveLocation.PRIMARY, null);
    }

    /**
     * The VM after {@code operation}.
     *
     * @throws IllegalTransitionException naming this VM, its state and the operation when the operation is not
     *     allowed in this state
     */
    public ProtectedVm apply(ProtectionOperation operation) {
        ProtectionState to = ProtectionStateMachine.next(state, operation)
                .orElseThrow(() -> new IllegalTransitionException(subject(), state.name(), operation.name()));
        ActiveLocation location = operation == ProtectionOperation.COMPLETE_FAILOVER
                ? activeLocation.other() : activeLocation;
        ProtectionOperation failover = switch (operation) {
            case PLANNED_FAILOVER, UNPLANNED_FAILOVER -> operation;
            case CANCEL_FAILOVER, FINISH_REVERSE_REPLICATION, DISABLE -> null;
            default -> lastFailover;
        };
        return new ProtectedVm(vmId, vmName, pairing, to, location, failover, replicaHost);
    }

    /** The operations allowed now. */
    public Set<ProtectionOperation> allowedOperations() {
        return state.allowedOperations();
    }

    /** True when {@code operation} is allowed now. */
    public boolean allows(ProtectionOperation operation) {
        return ProtectionStateMachine.next(state, operation).isPresent();
    }

    /**
     * True while a replica exists that a failover could use or is using (F7). Not yet while protection is being
     * enabled; after an unplanned failover not until reverse replication finished; after a planned failover,
     * throughout, since a planned failover reverses replication with no data lost.
     */
    public boolean isProtected() {
        return switch (state) {
            case UNPROTECTED, ENABLING, INITIAL_REPLICATION -> false;
            case PROTECTED, TEST_FAILOVER_RUNNING, PLANNED_FAILOVER_RUNNING, UNPLANNED_FAILOVER_RUNNING -> true;
            case FAILED_OVER, COMMITTED, REVERSE_REPLICATING -> lastFailover == ProtectionOperation.PLANNED_FAILOVER;
        };
    }

    /** The primary server of the VM's pairing. */
    public String primaryServerId() {
        return pairing.serverId();
    }

    /** {@code "VM web-01 (4f3c...)"}, the subject of findings and refusals about this VM. */
    public String subject() {
        return "VM " + vmName + " (" + vmId + ")";
    }
}
