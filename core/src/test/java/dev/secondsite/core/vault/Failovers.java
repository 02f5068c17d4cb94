package dev.secondsite.core.vault;

import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.plan.FailoverDirection;
import dev.secondsite.core.plan.FailoverKind;
import dev.secondsite.core.spi.RecoveryPointChoice;
import dev.secondsite.core.spi.TestNetwork;

/**
 * For suites that run the same scenario for several failover kinds: collects the inputs of any kind and starts the
 * single-VM failover of one kind through its own typed entry ({@link ProtectedVms}), with that kind's options record.
 */
final class Failovers {
    private Failovers() {
    }

    /** The inputs of a failover of any kind; each kind's options record takes the fields it has. */
    record Spec(FailoverDirection direction, RecoveryPointChoice recoveryPoint, boolean shutdownSource,
                TestNetwork testNetwork) {
    }

    static Builder options() {
        return new Builder();
    }

    static final class Builder {
        private FailoverDirection direction = FailoverDirection.PRIMARY_TO_RECOVERY;
        private RecoveryPointChoice recoveryPoint = RecoveryPointChoice.latest();
        private boolean shutdownSource;
        private TestNetwork testNetwork = TestNetwork.none();

        Builder direction(FailoverDirection direction) {
            this.direction = direction;
            return this;
        }

        Builder recoveryPoint(RecoveryPointChoice recoveryPoint) {
            this.recoveryPoint = recoveryPoint;
            return this;
        }

        Builder shutdownSource(boolean shutdownSource) {
            this.shutdownSource = shutdownSource;
            return this;
        }

        Builder testNetwork(TestNetwork testNetwork) {
            this.testNetwork = testNetwork;
            return this;
        }

        Spec build() {
            return new Spec(direction, recoveryPoint, shutdownSource, testNetwork);
        }
    }

    static JobHandle start(Vault vault, String vmId, FailoverKind kind, Spec s) {
        ProtectedVms vms = vault.protectedVms();
        return switch (kind) {
            case TEST -> vms.testFailover(vmId, new TestFailoverOptions(s.direction(), s.recoveryPoint(),
                    s.testNetwork()));
            case PLANNED -> vms.plannedFailover(vmId, new PlannedFailoverOptions(s.direction()));
            case UNPLANNED -> vms.unplannedFailover(vmId, new UnplannedFailoverOptions(s.direction(),
                    s.recoveryPoint(), s.shutdownSource()));
        };
    }

    static JobHandle after(Vault vault, String vmId, JobKind kind) {
        ProtectedVms vms = vault.protectedVms();
        return switch (kind) {
            case CLEANUP_TEST_FAILOVER -> vms.cleanupTestFailover(vmId);
            case COMMIT -> vms.commit(vmId);
            case REVERSE_REPLICATION -> vms.reverseReplication(vmId);
            case CANCEL_FAILOVER -> vms.cancelFailover(vmId);
            default -> throw new IllegalArgumentException(kind + " is not an after-failover job of one VM");
        };
    }
}
