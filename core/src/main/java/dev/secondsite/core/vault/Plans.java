package dev.secondsite.core.vault;

import dev.secondsite.core.NotFoundException;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.plan.PlanContext;
import dev.secondsite.core.plan.RecoveryPlan;
import java.util.List;

/**
 * The vault's recovery plans (RP1-RP10) and their runs: failovers of every kind in the plan's execution order (RP3,
 * RP7), then cleanup, commit and reverse replication of the plan's VMs.
 *
 * <p>Thread-safe.
 */
public final class Plans {
    private final Vault vault;

    Plans(Vault vault) {
        this.vault = vault;
    }

    /**
     * Saves {@code plan}, replacing a plan of the same name. Its VMs must be protected VMs of its source server (RP1).
     *
     * @throws dev.secondsite.core.InvalidConfigurationException (RP1) naming a VM that is not protected on the
     *     plan's source server; nothing changes
     * @throws NotFoundException when the plan's servers are not registered
     */
    public void save(RecoveryPlan plan) {
        vault.savePlan(plan);
    }

    /** @throws NotFoundException when there is no such plan */
    public void remove(String name) {
        vault.removePlan(name);
    }

    /** @throws NotFoundException when there is no such plan */
    public RecoveryPlan get(String name) {
        return vault.plan(name).orElseThrow(() -> new NotFoundException("plan", name));
    }

    /** The plan of that name, or empty. */
    public java.util.Optional<RecoveryPlan> find(String name) {
        return vault.plan(name);
    }

    /** The plans, in the order they were first saved. */
    public List<RecoveryPlan> list() {
        return vault.planList();
    }

    /** What plans are built against: the VMs this vault protects (RP1). */
    public PlanContext planContext() {
        return vault.planContext();
    }

    /**
     * F1: a test failover of the plan into the options' network.
     *
     * @throws NotFoundException when there is no such plan or a VM is not protected
     * @throws dev.secondsite.core.IllegalTransitionException when a VM's state does not allow it (F8)
     * @throws dev.secondsite.core.InvalidConfigurationException (J5) when another running job holds one of its VMs
     */
    public JobHandle testFailover(String planName, TestFailoverOptions options) {
        return vault.testFailover(planName, options);
    }

    /**
     * F2: a planned failover of the plan, no data lost; a failback (F5) with
     * {@link PlannedFailoverOptions#failback()}.
     *
     * @throws NotFoundException when there is no such plan or a VM is not protected
     * @throws dev.secondsite.core.IllegalTransitionException when a VM's state does not allow it and no other run
     *     failed it over (RP9)
     * @throws dev.secondsite.core.InvalidConfigurationException (F5) when a VM runs on the other side, (J5) when
     *     another running job holds one of its VMs
     */
    public JobHandle plannedFailover(String planName, PlannedFailoverOptions options) {
        return vault.plannedFailover(planName, options);
    }

    /**
     * F3: an unplanned failover of the plan from the chosen recovery point.
     *
     * @throws NotFoundException when there is no such plan or a VM is not protected
     * @throws dev.secondsite.core.IllegalTransitionException when a VM's state does not allow it and no other run
     *     failed it over (RP9)
     * @throws dev.secondsite.core.InvalidConfigurationException (F5) when a VM runs on the other side, (J5) when
     *     another running job holds one of its VMs
     */
    public JobHandle unplannedFailover(String planName, UnplannedFailoverOptions options) {
        return vault.unplannedFailover(planName, options);
    }

    /**
     * F5: fails the plan back to the primary site: a planned failover recovery-to-primary. Commit and reverse
     * replication follow as their own jobs, as after any failover.
     *
     * @throws NotFoundException when there is no such plan
     */
    public JobHandle failback(String planName) {
        return plannedFailover(planName, PlannedFailoverOptions.failback());
    }

    /**
     * F1: deletes the test VMs of the plan's test failover.
     *
     * @throws NotFoundException when there is no such plan
     * @throws dev.secondsite.core.IllegalTransitionException when a VM is not under test
     */
    public JobHandle cleanupTestFailover(String planName) {
        return vault.afterFailover(planName, JobKind.CLEANUP_TEST_FAILOVER);
    }

    /**
     * F4: commits the failover of the plan's VMs.
     *
     * @throws NotFoundException when there is no such plan
     * @throws dev.secondsite.core.IllegalTransitionException when a VM has not failed over
     */
    public JobHandle commit(String planName) {
        return vault.afterFailover(planName, JobKind.COMMIT);
    }

    /**
     * F5: reverse replication of the plan's VMs (after an unplanned failover each old primary is turned off first).
     *
     * @throws NotFoundException when there is no such plan
     * @throws dev.secondsite.core.IllegalTransitionException when a VM is not committed
     */
    public JobHandle reverseReplication(String planName) {
        return vault.afterFailover(planName, JobKind.REVERSE_REPLICATION);
    }
}
