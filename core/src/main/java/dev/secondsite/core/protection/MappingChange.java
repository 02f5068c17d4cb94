package dev.secondsite.core.protection;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.secondsite.core.ValidationReport;
import java.util.List;

/**
 * The outcome of creating, changing or removing a network mapping. The change is a job (N4) that reconnects the
 * replicas of the VMs it affects: {@link #affectedVmIds()} lists the protected VMs with a network adapter on the
 * mapping's source network, in a stable order.
 *
 * <p>Immutable and thread-safe.
 *
 * @param configuration the configuration after the change
 * @param report the warnings (never an error)
 * @param affectedVmIds ids of the protected VMs whose replicas connect differently now
 */
public record MappingChange(ProtectionConfiguration configuration, ValidationReport report,
                            List<String> affectedVmIds) {
    public MappingChange {
        requireNonNull(configuration, "configuration");
        requireNonNull(report, "report");
        affectedVmIds = ImmutableList.copyOf(affectedVmIds);
    }
}
