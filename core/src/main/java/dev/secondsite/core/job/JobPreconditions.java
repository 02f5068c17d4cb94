package dev.secondsite.core.job;

import com.google.common.collect.ImmutableMap;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;
import dev.secondsite.core.protection.ProtectionState;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * What a job found when it was created (J6): the protection state of each of its VMs and a fingerprint of the
 * recovery plan it runs. Part of its {@link JobSpec}, so it is journaled with the job's {@link JobEvent.Created} and
 * known after every reopen: a restart compares it, advanced by the job's own applied configuration changes, with the
 * vault as it is then, and refuses a job whose VMs or plan another operation changed.
 *
 * <p>Immutable and thread-safe.
 *
 * @param vmStates each VM of the job and its state at creation ({@link ProtectionState#UNPROTECTED} for a VM the vault
 *     did not protect)
 * @param planFingerprint a digest of the plan's whole content when the job was created, or null for a job that runs
 *     no plan; equal plans have equal fingerprints
 */
public record JobPreconditions(Map<String, ProtectionState> vmStates, @Nullable String planFingerprint) {
    /**
     * @throws dev.secondsite.core.InvalidConfigurationException (J6) when a VM id or the fingerprint is blank, or a
     *     state is missing
     */
    public JobPreconditions {
        vmStates.forEach((vm, state) -> {
            Checks.text(Rule.J6, "job preconditions", "vmStates.vmId", vm);
            Checks.present(Rule.J6, "job preconditions", "vmStates." + vm, state);
        });
        vmStates = ImmutableMap.copyOf(vmStates);
        if (planFingerprint != null) {
            Checks.text(Rule.J6, "job preconditions", "planFingerprint", planFingerprint);
        }
    }
}
