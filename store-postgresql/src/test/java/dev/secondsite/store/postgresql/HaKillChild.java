package dev.secondsite.store.postgresql;

import dev.secondsite.core.durable.KillTestChild;
import dev.secondsite.core.durable.LedgerDriver;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.Vm;
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
import dev.secondsite.core.vault.JobHandle;
import dev.secondsite.core.vault.JobId;
import dev.secondsite.core.vault.PlannedFailoverOptions;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A vault instance process for {@link HaKillTakeoverTest}: an {@link HaVault} on the test's database that, once
 * ACTIVE, attaches both sites' providers (with core's durable {@link LedgerDriver}, read afresh at takeover) and
 * drives the DR set-up and a planned failover of a 4-group plan, each step only if the vault does not have it yet.
 * Once ACTIVE it waits for a line on stdin before it works. Prints {@code STANDBY}, {@code ACTIVE}, {@code EFFECT n} after each durable host side effect and {@code DONE}.
 * Arguments: JDBC URL, table prefix, work directory, number of VMs, instance name.
 */
public final class HaKillChild {
    private HaKillChild() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String prefix = args[1];
        Path work = Path.of(args[2]);
        int vmCount = Integer.parseInt(args[3]);
        String name = args[4];
        URI hub = URI.create("local:ha-kill-" + name);
        EngineOptions engine = EngineOptions.builder().parallelism(16).perSiteParallelism(32)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(20)).maxAttempts(1000).build();
        CountDownLatch active = new CountDownLatch(1);
        HaVault instance = HaVault.builder(PostgresStoreOptions.builder(url).tablePrefix(prefix).build(),
                VaultOptions.builder().transport(hub).engineOptions(engine).snapshotEveryRecords(200).build(), name)
                .checkPeriod(Duration.ofMillis(50))
                .listener((i, role) -> {
                    if (role == HaVault.Role.ACTIVE) {
                        active.countDown();
                    }
                }).start();
        // a standby announces itself once it has read the vault ahead (warm), as one that has been waiting for a
        // while has; the first instance leads at once and reads nothing ahead
        CompletableFuture<Object> ready = CompletableFuture.anyOf(instance.readAheadDone().handle((read, failed) -> read),
                CompletableFuture.runAsync(() -> {
                    try {
                        active.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
        ready.get(60, TimeUnit.SECONDS);
        System.out.println("STANDBY");
        System.out.flush();
        active.await();
        Vault vault = instance.vault().orElseThrow();
        HaVault.Takeover took = instance.lastTakeover().orElseThrow();
        System.out.println("TAKEOVER " + took.storeOpen().toMillis() + " " + took.vaultOpen().toMillis() + " "
                + took.snapshotBytes() + " " + took.snapshotRead().toMillis() + " " + took.records() + " "
                + took.replay().toMillis());
        System.out.println("ACTIVE");
        System.out.flush();
        // the test starts the next standby first, so that its kill points count this instance's own work
        new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))
                .readLine();

        Site primary = KillTestChild.primary(vmCount);
        Site recovery = KillTestChild.recovery();
        AtomicInteger effects = new AtomicInteger();
        LedgerDriver driver = new LedgerDriver(work.resolve("ledger.tsv"), e -> {
            System.out.println("EFFECT " + effects.incrementAndGet());
            System.out.flush();
        });
        Provider siteA = Provider.builder("vmm-a", () -> primary).hostDriver(driver).vault(hub)
                .maxConcurrentCommands(32).build();
        Provider siteB = Provider.builder("vmm-b", () -> recovery).hostDriver(driver).vault(hub)
                .maxConcurrentCommands(32).build();
        for (Provider p : List.of(siteA, siteB)) {
            if (vault.configuration().server(p.serverId()).isEmpty()) {
                p.register(vault.servers().generateRegistrationKey().encoded(), RegistrationOptions.defaults());
            }
            p.connect();
        }
        CloudRef gold = new CloudRef("vmm-a", "Gold");
        ensure(vault, JobKind.PAIR_CLOUDS, () -> vault.pairings().pair(CloudPairing.of(gold, "vmm-b", "GoldDR",
                ReplicationSettings.defaults())));
        ensure(vault, JobKind.MAP_NETWORK, () -> vault.mappings().mapNetwork(new NetworkMapping("vmm-a", "Corp",
                "vmm-b", "CorpDR")));
        List<String> vmIds = primary.vms().stream().map(Vm::id).sorted().toList();
        ensure(vault, JobKind.ENABLE_PROTECTION, () -> vault.protectedVms().enable(gold, vmIds));
        if (vault.plans().find("Tiers").isEmpty()) {
            RecoveryPlan.Builder plan = RecoveryPlan.builder("Tiers", "vmm-a", "vmm-b", vault.plans().planContext());
            for (int g = 2; g <= 4; g++) {
                plan.addGroup();
            }
            for (int i = 0; i < vmIds.size(); i++) {
                plan.addVm(1 + i % 4, vmIds.get(i));
            }
            vault.plans().save(plan.build());
        }
        ensure(vault, JobKind.PLANNED_FAILOVER, () -> vault.plans().plannedFailover("Tiers",
                PlannedFailoverOptions.defaults()));
        System.out.println("DONE");
        System.out.flush();
        instance.close();
        siteA.close();
        siteB.close();
        System.exit(0);
    }

    private static void ensure(Vault vault, JobKind kind, Supplier<JobHandle> create) {
        Optional<Job> existing = vault.jobs().list(JobQuery.builder().kind(kind).build()).stream().findFirst();
        JobHandle handle = existing.map(j -> vault.jobs().handle(JobId.of(j.id()))).orElseGet(create);
        Job job = handle.awaitSettled(Duration.ofSeconds(120)).job();
        if (job.state() != JobState.SUCCEEDED) {
            System.out.println("JOB " + kind + " ended " + job.state() + ": " + job.errors());
            System.out.flush();
            System.exit(2);
        }
    }
}
