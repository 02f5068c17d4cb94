package dev.secondsite.hyperv.sim.model;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import java.time.Instant;
import java.util.Map;

/**
 * One change the model made, as tests observe it to assert that an operation happened exactly once: which host,
 * which cmdlet, which VM, and the parameters that mattered (values as text).
 *
 * <p>Immutable and thread-safe.
 *
 * @param sequence 1 for the first change of the fabric, then 2, 3 ...
 * @param at the fabric's clock when the change was made
 * @param host the computer the cmdlet ran on
 * @param cmdlet the cmdlet's name, e.g. {@code "Start-VMFailover"}
 * @param vmName the VM the change was about ({@code ""} for a host-level change such as Set-VMReplicationServer)
 * @param parameters the key parameters in the order given, e.g. {@code {Prepare=True}}
 */
public record SideEffect(long sequence, Instant at, String host, String cmdlet, String vmName,
                         Map<String, String> parameters) {
    public SideEffect {
        requireNonNull(at, "at");
        requireNonNull(host, "host");
        requireNonNull(cmdlet, "cmdlet");
        requireNonNull(vmName, "vmName");
        parameters = ImmutableMap.copyOf(parameters);
    }
}
