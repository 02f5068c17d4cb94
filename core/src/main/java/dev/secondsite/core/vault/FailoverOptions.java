package dev.secondsite.core.vault;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.plan.FailoverDirection;
import dev.secondsite.core.spi.RecoveryPointChoice;
import dev.secondsite.core.spi.TestNetwork;

/**
 * The optional inputs of a failover (SPEC section 8): its direction, the recovery point (F3), whether an unplanned
 * failover first tries to shut the source VMs down (F3, RP7), and the network of a test failover (F1). Build with
 * {@link #builder()}; {@link #defaults()} is primary to recovery, latest point, no shutdown, no test network.
 *
 * <p>Immutable and thread-safe.
 *
 * @param direction which way the VMs fail over
 * @param recoveryPoint which point an unplanned or test failover starts from; a planned failover always uses the
 *     latest, with no data loss (F2)
 * @param shutdownSource for an unplanned failover: try to shut the source VMs down first
 * @param testNetwork where a test failover connects its test VMs
 */
public record FailoverOptions(FailoverDirection direction, RecoveryPointChoice recoveryPoint, boolean shutdownSource,
                              TestNetwork testNetwork) {
    public FailoverOptions {
        requireNonNull(direction, "direction");
        requireNonNull(recoveryPoint, "recoveryPoint");
        requireNonNull(testNetwork, "testNetwork");
    }

    public static FailoverOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link FailoverOptions}. Not thread-safe. */
    public static final class Builder {
        private FailoverDirection direction = FailoverDirection.PRIMARY_TO_RECOVERY;
        private RecoveryPointChoice recoveryPoint = RecoveryPointChoice.latest();
        private boolean shutdownSource;
        private TestNetwork testNetwork = TestNetwork.none();

        private Builder() {
        }

        public Builder direction(FailoverDirection direction) {
            this.direction = requireNonNull(direction, "direction");
            return this;
        }

        public Builder recoveryPoint(RecoveryPointChoice recoveryPoint) {
            this.recoveryPoint = requireNonNull(recoveryPoint, "recoveryPoint");
            return this;
        }

        public Builder shutdownSource(boolean shutdownSource) {
            this.shutdownSource = shutdownSource;
            return this;
        }

        public Builder testNetwork(TestNetwork testNetwork) {
            this.testNetwork = requireNonNull(testNetwork, "testNetwork");
            return this;
        }

        public FailoverOptions build() {
            return new FailoverOptions(direction, recoveryPoint, shutdownSource, testNetwork);
        }
    }
}
