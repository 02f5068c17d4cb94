package dev.secondsite.core.durable;

import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.HostGroup;
import dev.secondsite.core.inventory.LogicalNetwork;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.StorageClassification;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.inventory.VmNetwork;
import dev.secondsite.core.inventory.WindowsServerVersion;
import dev.secondsite.core.job.EngineOptions;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobQuery;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.provider.RegistrationOptions;
import dev.secondsite.core.transport.local.LocalTransport;
import dev.secondsite.core.vault.PlannedFailoverOptions;
import dev.secondsite.core.vault.JobHandle;
import dev.secondsite.core.vault.JobId;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The process the kill test kills: sets a DR configuration up and runs a planned failover of a multi-group plan,
 * each step only if the durable vault does not already have it, so that it can be killed anywhere and started again.
 * Prints {@code OPENED} once the vault is open, {@code EFFECT n} after each host side effect was made durable, and
 * {@code DONE <jobId>} when the failover succeeded. Arguments: the work directory and the number of VMs.
 */
public final class KillTestChild {
    private static final int SNAPSHOT_EVERY = 25;

    static final String HUB = "local:kill-test";
    static final int GROUPS = 4;

    private KillTestChild() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int vmCount = Integer.parseInt(args[1]);
        Site primary = primary(vmCount);
        Site recovery = recovery();
        AtomicInteger effects = new AtomicInteger();
        LedgerDriver driver = new LedgerDriver(work.resolve("ledger.tsv"), e -> {
            System.out.println("EFFECT " + effects.incrementAndGet());
            System.out.flush();
        });
        URI hub = URI.create(HUB);
        Provider siteA = Provider.builder("vmm-a", () -> primary).hostDriver(driver).vault(hub).maxConcurrentCommands(32)
                .build();
        Provider siteB = Provider.builder("vmm-b", () -> recovery).hostDriver(driver).vault(hub).maxConcurrentCommands(32)
                .build();
        siteA.connect();
        siteB.connect();
        Path storage = work.resolve("vault");
        EngineOptions options = EngineOptions.builder().parallelism(16).perSiteParallelism(32)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(10)).build();
        // a snapshot every few records: kills land while snapshots are cut and written, not only between them
        Vault vault = Files.isDirectory(storage) && hasVault(storage)
                ? Vault.open(storage, VaultOptions.builder().transport(hub).engineOptions(options)
                        .snapshotEveryRecords(SNAPSHOT_EVERY).build())
                : Vault.create(VaultOptions.builder("Kill test", "westeurope").storage(storage).transport(hub).engineOptions(options)
                        .snapshotEveryRecords(SNAPSHOT_EVERY).build());
        System.out.println("OPENED");
        System.out.flush();

        for (Provider p : List.of(siteA, siteB)) {
            if (vault.configuration().server(p.serverId()).isEmpty()) {
                p.register(vault.servers().generateRegistrationKey().encoded(), RegistrationOptions.defaults());
            }
        }
        CloudRef gold = new CloudRef("vmm-a", "Gold");
        ensure(vault, JobKind.PAIR_CLOUDS, () -> vault.pairings().pair(CloudPairing.of(gold, "vmm-b", "GoldDR",
                ReplicationSettings.defaults())));
        ensure(vault, JobKind.MAP_NETWORK, () -> vault.mappings().mapNetwork(new NetworkMapping("vmm-a", "Corp", "vmm-b",
                "CorpDR")));
        List<String> vmIds = primary.vms().stream().map(Vm::id).sorted().toList();
        ensure(vault, JobKind.ENABLE_PROTECTION, () -> vault.protectedVms().enable(gold, vmIds));
        if (vault.plans().find("Tiers").isEmpty()) {
            RecoveryPlan.Builder plan = RecoveryPlan.builder("Tiers", "vmm-a", "vmm-b", vault.plans().planContext());
            for (int g = 2; g <= GROUPS; g++) {
                plan.addGroup();
            }
            for (int i = 0; i < vmIds.size(); i++) {
                plan.addVm(1 + i % GROUPS, vmIds.get(i));
            }
            // inside each group, every fifth VM waits for the VM added to its group just before it
            for (int i = GROUPS * 5; i < vmIds.size(); i += 5) {
                plan.addDependency(vmIds.get(i), vmIds.get(i - GROUPS));
            }
            vault.plans().save(plan.build());
        }
        JobHandle failover = ensure(vault, JobKind.PLANNED_FAILOVER,
                () -> vault.plans().plannedFailover("Tiers", PlannedFailoverOptions.defaults()));
        System.out.println("DONE " + failover.id());
        System.out.flush();
        vault.close();
        siteA.close();
        siteB.close();
        System.exit(0);
    }

    private static boolean hasVault(Path storage) throws java.io.IOException {
        try (var files = Files.list(storage)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("journal-")
                    || f.getFileName().toString().startsWith("snapshot"));
        }
    }

    /** Runs the job of {@code kind} unless the vault has one; waits for it; exits 2 if it did not succeed. */
    private static JobHandle ensure(Vault vault, JobKind kind, Supplier<JobHandle> create) throws Exception {
        Optional<Job> existing = vault.jobs().list(JobQuery.builder().kind(kind).build()).stream().findFirst();
        JobHandle id = existing.map(j -> vault.jobs().handle(JobId.of(j.id()))).orElseGet(create);
        Job job = id.awaitSettled(java.time.Duration.ofSeconds(60)).job();
        if (job.state() != JobState.SUCCEEDED) {
            System.out.println("JOB " + kind + " ended " + job.state() + ": " + job.errors());
            System.out.flush();
            System.exit(2);
        }
        return id;
    }

    public static Site primary(int vmCount) {
        Site.Builder b = Site.builder("vmm-a", "vmm-a.contoso.local").hostGroup(HostGroup.of("Prod"))
                .logicalNetwork(new LogicalNetwork("DC")).vmNetwork(new VmNetwork("Corp", "DC"))
                .cloud(Cloud.hyperV("Gold", List.of("Prod"), List.of("DC")));
        List<String> hosts = new ArrayList<>();
        for (int h = 1; h <= 4; h++) {
            String host = "hv0" + h + ".contoso.local";
            hosts.add(host);
            b.host(Host.of(host, WindowsServerVersion.WS2012_R2, "Prod"));
        }
        b.storageClassification(new StorageClassification("SSD", Set.copyOf(hosts)));
        for (int i = 0; i < vmCount; i++) {
            String id = String.format("vm-%03d", i);
            b.vm(Vm.builder(id, "web" + i).host(hosts.get(i % hosts.size())).nic("Corp")
                    .disk("C:\\VMs\\" + id + ".vhdx", "SSD").build());
        }
        return b.build();
    }

    public static Site recovery() {
        return Site.builder("vmm-b", "vmm-b.contoso.local").hostGroup(HostGroup.of("DR"))
                .host(Host.of("hv11.fabrikam.local", WindowsServerVersion.WS2012_R2, "DR"))
                .host(Host.of("hv12.fabrikam.local", WindowsServerVersion.WS2012_R2, "DR"))
                .logicalNetwork(new LogicalNetwork("DR-DC")).vmNetwork(new VmNetwork("CorpDR", "DR-DC"))
                .cloud(Cloud.hyperV("GoldDR", List.of("DR"), List.of("DR-DC")))
                .build();
    }
}
