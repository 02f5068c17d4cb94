package dev.secondsite.core.job;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;
import dev.secondsite.core.protection.ProtectionState;
import java.util.HashMap;
import java.util.List;
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
 * @param vmStates each VM of the job with its state at creation ({@link ProtectionState#UNPROTECTED} for a VM the
 *     vault did not protect), each VM once; a list rather than a map so that its journal form holds VM ids as values
 * @param planFingerprint a digest of the plan's whole content when the job was created, or null for a job that runs
 *     no plan; equal plans have equal fingerprints
 */
public record JobPreconditions(List<VmState> vmStates, @Nullable String planFingerprint) {
    /**
     * One VM's state when the job was created.
     *
     * @param vmId the VM
     * @param state its state then
     */
    public record VmState(String vmId, ProtectionState state) {
        /** @throws InvalidConfigurationException (J6) when the id is blank or the state missing */
        public VmState {
            Checks.text(Rule.J6, "job preconditions", "vmId", vmId);
            Checks.present(Rule.J6, "job preconditions", "state", state);
        }
    }

    /**
     * @throws InvalidConfigurationException (J6) when a VM appears twice or the fingerprint is blank
     */
    public JobPreconditions {
        vmStates = ImmutableList.copyOf(vmStates);
        Map<String, ProtectionState> seen = new HashMap<>();
        for (VmState vm : vmStates) {
            if (seen.put(vm.vmId(), vm.state()) != null) {
                throw InvalidConfigurationException.of(Rule.J6, "job preconditions", "vmStates.vmId", vm.vmId(),
                        "vmStates.vmId ('" + vm.vmId() + "') appears more than once");
            }
        }
        if (planFingerprint != null) {
            Checks.text(Rule.J6, "job preconditions", "planFingerprint", planFingerprint);
        }
    }

    /** Preconditions from each VM's state (in the map's order) and the plan's fingerprint (or null). */
    public static JobPreconditions of(Map<String, ProtectionState> states, @Nullable String planFingerprint) {
        requireNonNull(states, "states");
        return new JobPreconditions(states.entrySet().stream().map(e -> new VmState(e.getKey(), e.getValue()))
                .toList(), planFingerprint);
    }

    /** Each VM's state at creation, by VM id. */
    public Map<String, ProtectionState> stateByVm() {
        ImmutableMap.Builder<String, ProtectionState> out = ImmutableMap.builderWithExpectedSize(vmStates.size());
        vmStates.forEach(vm -> out.put(vm.vmId(), vm.state()));
        return out.build();
    }
}
