package dev.secondsite.samples.drill;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * What the drill protects and fails over: the cloud, VM network and storage classification paired on each side,
 * the VMs of the primary cloud in three tiers (the plan's three groups, in this order), and the plan's script.
 *
 * @param primary the primary VMM server's side
 * @param recovery the recovery VMM server's side
 * @param databaseTier the VM ids of group 1 (the first depends on nothing, the others wait for the first)
 * @param applicationTier the VM ids of group 2
 * @param webTier the VM ids of group 3
 * @param scriptPath the plan's script action (RP8): a PowerShell script on the VMM servers, run after group 3
 */
public record DrillTopology(Side primary, Side recovery, List<String> databaseTier, List<String> applicationTier,
                            List<String> webTier, String scriptPath) {
    /**
     * @throws DrillException naming the field when a tier is empty or a VM is in two tiers
     */
    public DrillTopology {
        requireNonNull(primary, "primary");
        requireNonNull(recovery, "recovery");
        databaseTier = tier("databaseTier", databaseTier);
        applicationTier = tier("applicationTier", applicationTier);
        webTier = tier("webTier", webTier);
        requireNonNull(scriptPath, "scriptPath");
        List<String> all = new ArrayList<>(databaseTier);
        all.addAll(applicationTier);
        all.addAll(webTier);
        if (all.stream().distinct().count() != all.size()) {
            throw new DrillException("tiers: a VM id appears twice in " + all);
        }
    }

    private static List<String> tier(String field, List<String> vms) {
        if (vms == null || vms.isEmpty()) {
            throw new DrillException(field + " must name at least one VM");
        }
        return List.copyOf(vms);
    }

    /** Every VM of the three tiers, database first. */
    public List<String> allVms() {
        List<String> all = new ArrayList<>(databaseTier);
        all.addAll(applicationTier);
        all.addAll(webTier);
        return List.copyOf(all);
    }

    /**
     * One VMM server's side of the drill.
     *
     * @param siteId the site id its provider registers under (the vault's name for the site)
     * @param vmmServer the VMM server's computer name
     * @param cloud the cloud paired (primary) or paired to (recovery)
     * @param vmNetwork the VM network mapped
     * @param storageClassification the storage classification mapped
     */
    public record Side(String siteId, String vmmServer, String cloud, String vmNetwork, String storageClassification) {
        public Side {
            requireNonNull(siteId, "siteId");
            requireNonNull(vmmServer, "vmmServer");
            requireNonNull(cloud, "cloud");
            requireNonNull(vmNetwork, "vmNetwork");
            requireNonNull(storageClassification, "storageClassification");
        }
    }
}
