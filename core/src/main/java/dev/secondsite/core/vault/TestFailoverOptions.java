package dev.secondsite.core.vault;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.plan.FailoverDirection;
import dev.secondsite.core.spi.RecoveryPointChoice;
import dev.secondsite.core.spi.TestNetwork;

/**
 * The inputs of a test failover (F1): which way, from which recovery point, into which network. A test failover
 * never shuts anything down, so there is no such field.
 *
 * <p>Immutable and thread-safe.
 *
 * @param direction which way the VMs fail over
 * @param recoveryPoint the point the test VMs start from
 * @param testNetwork where the test VMs connect (F1: an isolated network, or none)
 */
public record TestFailoverOptions(FailoverDirection direction, RecoveryPointChoice recoveryPoint,
                                  TestNetwork testNetwork) {
    public TestFailoverOptions {
        requireNonNull(direction, "direction");
        requireNonNull(recoveryPoint, "recoveryPoint");
        requireNonNull(testNetwork, "testNetwork");
    }

    /** Primary to recovery, from the latest point, into {@code network}. */
    public static TestFailoverOptions into(TestNetwork network) {
        return new TestFailoverOptions(FailoverDirection.PRIMARY_TO_RECOVERY, RecoveryPointChoice.latest(), network);
    }

    /** Primary to recovery, from the latest point, with no network. */
    public static TestFailoverOptions defaults() {
        return into(TestNetwork.none());
    }

    public TestFailoverOptions withDirection(FailoverDirection direction) {
        return new TestFailoverOptions(direction, recoveryPoint, testNetwork);
    }

    public TestFailoverOptions withRecoveryPoint(RecoveryPointChoice recoveryPoint) {
        return new TestFailoverOptions(direction, recoveryPoint, testNetwork);
    }
}
