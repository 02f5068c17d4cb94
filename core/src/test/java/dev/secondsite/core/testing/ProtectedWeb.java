package dev.secondsite.core.testing;

import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.provider.RegistrationOptions;
import dev.secondsite.core.vault.JobHandle;
import dev.secondsite.core.vault.Vault;
import java.time.Duration;
import java.util.List;

/**
 * The protected two-VM setup many vault tests start from, on {@link TestSites#primary()} and
 * {@link TestSites#recovery()}: both servers registered and connected, Gold paired with GoldB, Corp mapped to CorpB,
 * vm-1 and vm-2 protected, and the plan "Web" (vm-1 in group 1, vm-2 in group 2).
 */
public final class ProtectedWeb {
    /** How long {@link #succeed} waits for a job. */
    public static final Duration WAIT = Duration.ofSeconds(60);

    private ProtectedWeb() {
    }

    /** Registers and connects {@code siteA} (vmm-a) and {@code siteB} (vmm-b) with {@code vault}, then protects Web. */
    public static void setUp(Vault vault, Provider siteA, Provider siteB) {
        var key = vault.servers().generateRegistrationKey().encoded();
        siteA.register(key, RegistrationOptions.defaults());
        siteB.register(key, RegistrationOptions.defaults());
        siteA.connect();
        siteB.connect();
        CloudRef gold = new CloudRef("vmm-a", "Gold");
        succeed(vault.pairings().pair(CloudPairing.of(gold, "vmm-b", "GoldB", ReplicationSettings.defaults())));
        succeed(vault.mappings().mapNetwork(new NetworkMapping("vmm-a", "Corp", "vmm-b", "CorpB")));
        succeed(vault.protectedVms().enable(gold, List.of("vm-1", "vm-2")));
        vault.plans().save(RecoveryPlan.builder("Web", "vmm-a", "vmm-b", vault.plans().planContext()).addVm("vm-1")
                .addGroup().addVm(2, "vm-2").build());
    }

    /**
     * Waits for the job to settle and returns it.
     *
     * @throws AssertionError when it did not SUCCEED
     */
    public static Job succeed(JobHandle handle) {
        Job job = handle.awaitSettled(WAIT).job();
        if (job.state() != JobState.SUCCEEDED) {
            throw new AssertionError("expected SUCCEEDED: " + job + " " + job.errors());
        }
        return job;
    }
}
