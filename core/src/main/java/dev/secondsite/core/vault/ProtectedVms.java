package dev.secondsite.core.vault;

import dev.secondsite.core.NotFoundException;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.protection.ProtectedVm;
import java.util.List;

/**
 * The vault's protected VMs: enabling (E1), onboarding (E3) and disabling (E4) protection, and the failover of one
 * VM on its own (RP6) with what follows it (F1, F4, F5), one entry per operation. Every operation is a job; a VM
 * belongs to at most one running job at a time (J5).
 *
 * <p>Thread-safe.
 */
public final class ProtectedVms {
    private final Vault vault;

    ProtectedVms(Vault vault) {
        this.vault = vault;
    }

    /** The protected VMs, by VM id. */
    public List<ProtectedVm> list() {
        return List.copyOf(vault.configuration().protection().protectedVms());
    }

    /**
     * A protected VM.
     *
     * @throws NotFoundException when the vault does not protect a VM of that id
     */
    public ProtectedVm get(String vmId) {
        return vault.configuration().protection().protectedVm(vmId).orElseThrow(() ->
                new NotFoundException("protected VM", vmId));
    }

    /**
     * Protects VMs of a paired primary cloud (E1): for each, enable replication, initial replication (C10),
     * finalize.
     *
     * @throws dev.secondsite.core.InvalidConfigurationException naming every broken rule (E1, P5, P6, ...), (J5)
     *     when another running job holds one of the VMs; no job is created
     */
    public JobHandle enable(CloudRef primaryCloud, List<String> vmIds) {
        return vault.enableProtection(primaryCloud, vmIds);
    }

    /**
     * Takes over a VM that Hyper-V Replica already replicates (E3, C13).
     *
     * @throws dev.secondsite.core.InvalidConfigurationException (E3) when its settings do not match the pairing
     */
    public JobHandle onboard(CloudRef primaryCloud, String vmId) {
        return vault.onboard(primaryCloud, vmId);
    }

    /**
     * Removes a VM's replication, and its replica when the pairing says so (E4, C11).
     *
     * @throws NotFoundException when the VM is not protected
     * @throws dev.secondsite.core.IllegalTransitionException when its state does not allow it
     * @throws dev.secondsite.core.InvalidConfigurationException (J5) when another running job holds it
     */
    public JobHandle disable(String vmId) {
        return vault.disableProtection(vmId);
    }

    /**
     * F1 for one VM (RP6): a test failover into the options' network.
     *
     * @throws NotFoundException when the VM is not protected
     * @throws dev.secondsite.core.IllegalTransitionException when its state does not allow it (F8)
     * @throws dev.secondsite.core.InvalidConfigurationException (J5) when another running job holds it
     */
    public JobHandle testFailover(String vmId, TestFailoverOptions options) {
        return vault.testFailoverVm(vmId, options);
    }

    /**
     * F2 for one VM (RP6): shut down, prepare, fail over to the latest data, start.
     *
     * @throws NotFoundException when the VM is not protected
     * @throws dev.secondsite.core.IllegalTransitionException when its state does not allow it
     * @throws dev.secondsite.core.InvalidConfigurationException (F5) when it runs on the other side, (J5) when
     *     another running job holds it
     */
    public JobHandle plannedFailover(String vmId, PlannedFailoverOptions options) {
        return vault.plannedFailoverVm(vmId, options);
    }

    /**
     * F3 for one VM (RP6): fail over from the chosen point, optionally trying to shut the source down first.
     *
     * @throws NotFoundException when the VM is not protected
     * @throws dev.secondsite.core.IllegalTransitionException when its state does not allow it
     * @throws dev.secondsite.core.InvalidConfigurationException (F5) when it runs on the other side, (J5) when
     *     another running job holds it
     */
    public JobHandle unplannedFailover(String vmId, UnplannedFailoverOptions options) {
        return vault.unplannedFailoverVm(vmId, options);
    }

    /**
     * Brings back a VM whose planned or unplanned failover did not complete ({@code *_FAILOVER_RUNNING}): turns the
     * failed-over copy off and cancels the failover where the host has one (Stop-VMFailover), marks the VM
     * PROTECTED again and starts it where it ran before. Host steps that find nothing to undo are noted, not fatal.
     *
     * @throws NotFoundException when the VM is not protected
     * @throws dev.secondsite.core.IllegalTransitionException when no failover of it is running
     * @throws dev.secondsite.core.InvalidConfigurationException (J5) when another running job holds it
     */
    public JobHandle cancelFailover(String vmId) {
        return vault.cancelFailover(vmId);
    }

    /**
     * F1: deletes the test VM of the VM's test failover.
     *
     * @throws NotFoundException when the VM is not protected
     * @throws dev.secondsite.core.IllegalTransitionException when no test failover of it runs
     */
    public JobHandle cleanupTestFailover(String vmId) {
        return vault.afterFailoverOfVm(vmId, JobKind.CLEANUP_TEST_FAILOVER);
    }

    /**
     * F4: commits the VM's failover.
     *
     * @throws NotFoundException when the VM is not protected
     * @throws dev.secondsite.core.IllegalTransitionException when it has not failed over
     */
    public JobHandle commit(String vmId) {
        return vault.afterFailoverOfVm(vmId, JobKind.COMMIT);
    }

    /**
     * F4: before commit, fails the VM over to another recovery point.
     *
     * @throws NotFoundException when the VM is not protected
     * @throws dev.secondsite.core.IllegalTransitionException when it has not failed over or is committed
     */
    public JobHandle changeRecoveryPoint(String vmId, ChangeRecoveryPointOptions options) {
        return vault.changeRecoveryPoint(vmId, options);
    }

    /**
     * F5: reverse replication of the VM after its failover was committed. After an unplanned failover the old
     * primary is turned off first, as a step of this job: it becomes the replica and Hyper-V refuses a running one.
     *
     * @throws NotFoundException when the VM is not protected
     * @throws dev.secondsite.core.IllegalTransitionException when it is not committed
     */
    public JobHandle reverseReplication(String vmId) {
        return vault.afterFailoverOfVm(vmId, JobKind.REVERSE_REPLICATION);
    }
}
