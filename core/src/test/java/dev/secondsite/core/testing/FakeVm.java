package dev.secondsite.core.testing;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.inventory.NetworkAdapter;
import dev.secondsite.core.inventory.PowerState;
import dev.secondsite.core.spi.RecoveryPoint;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.annotation.Nullable;

/**
 * What a {@link FakeHostDriver} holds for one VM at one moment: a snapshot for assertions, not a live view.
 *
 * <p>The VM's copies: the {@link #primary()} (the VM users run, the source of replication), the {@link #replica()}
 * (the Hyper-V replica VM on the replica host; after a failover, the VM that now runs), the {@link #testVm()} of a
 * test failover ("&lt;name&gt; - Test" on the replica host) and, after replication was removed without deleting it
 * (C11), the {@link #keptReplica()}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the VM's id (the same on both sides, as in Hyper-V)
 * @param name the VM's name
 * @param state the replication state, named as Hyper-V's VMReplicationState (e.g. {@code "Replicating"})
 * @param primary the primary copy
 * @param replica the replica copy, or null when the VM is not replicated
 * @param testVm the test VM of a running test failover, or null
 * @param keptReplica the replica left behind by a DisableReplication that did not delete it, or null
 * @param recoveryPoints the replica's recovery points, oldest first
 * @param failoverPoint the point the replica failed over to, while the failover is not reversed, or null
 * @param committedPoint the point a CompleteFailover made final (F4), or null
 * @param lastReplicationTime when the replica last received changes, or null
 */
public record FakeVm(String id, String name, String state, Copy primary, @Nullable Copy replica,
                     @Nullable Copy testVm, @Nullable Copy keptReplica, List<RecoveryPoint> recoveryPoints,
                     @Nullable RecoveryPoint failoverPoint, @Nullable RecoveryPoint committedPoint,
                     @Nullable Instant lastReplicationTime) {
    public FakeVm {
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        requireNonNull(state, "state");
        requireNonNull(primary, "primary");
        recoveryPoints = List.copyOf(recoveryPoints);
    }

    /** Whether replication is enabled (any state but {@code "Disabled"}). */
    public boolean isReplicated() {
        return !state.equals("Disabled");
    }

    /** The copy of this VM (primary, replica or test VM, in that order) on {@code host}, if any. */
    public Optional<Copy> copyOn(String host) {
        return Stream.of(primary, replica, testVm).filter(c -> c != null && c.host().equals(host)).findFirst();
    }

    /**
     * One copy of a VM on a host.
     *
     * @param host the Hyper-V host it is on
     * @param power its power state
     * @param adapters its network adapters and what they are connected to (null: not connected)
     */
    public record Copy(String host, PowerState power, List<NetworkAdapter> adapters) {
        public Copy {
            requireNonNull(host, "host");
            requireNonNull(power, "power");
            adapters = List.copyOf(adapters);
        }

        /** The network {@code adapter} is connected to; empty when it is not connected. */
        public Optional<String> network(String adapter) {
            return adapters.stream().filter(a -> a.name().equals(adapter)).findFirst()
                    .map(NetworkAdapter::vmNetwork);
        }

        public boolean isRunning() {
            return power == PowerState.RUNNING;
        }
    }
}
