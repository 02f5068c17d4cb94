package dev.secondsite.core.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.NotFoundException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.Secret;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.job.EngineOptions;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobQuery;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.provider.RegistrationOptions;
import dev.secondsite.core.spi.StateStoreException;
import dev.secondsite.core.spi.StateStoreLockedException;
import dev.secondsite.core.testing.FakeHostDriver;
import dev.secondsite.core.testing.TestSites;
import dev.secondsite.core.transport.local.LocalTransport;
import dev.secondsite.core.vault.PlannedFailoverOptions;
import dev.secondsite.core.registration.ProxySettings;
import dev.secondsite.core.vault.RegistrationKey;
import dev.secondsite.core.vault.JobHandle;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultOptions;
import dev.secondsite.core.vault.VaultConfiguration;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableVaultTest {
    private static final AtomicInteger HUBS = new AtomicInteger();
    private static final EngineOptions FAST = EngineOptions.builder().parallelism(4)
            .backoff(Duration.ofMillis(1), Duration.ofMillis(4)).build();

    @TempDir
    Path dir;

    private final URI hub = URI.create("local:durable-" + HUBS.incrementAndGet());
    private final Site primary = TestSites.primary();
    private final Site recovery = TestSites.recovery();
    private final FakeHostDriver hosts = FakeHostDriver.forSites(primary, recovery);
    private final Provider siteA = Provider.builder("vmm-a", () -> primary).hostDriver(hosts).vault(hub).build();
    private final Provider siteB = Provider.builder("vmm-b", () -> recovery).hostDriver(hosts).vault(hub).build();

    @AfterEach
    void tearDown() {
        siteA.close();
        siteB.close();
    }

    private Vault create() {
        return Vault.create(VaultOptions.builder("Durable DR", "westeurope").storage(dir).transport(hub).engineOptions(FAST).build());
    }

    private Vault reopen() {
        return Vault.open(dir, VaultOptions.builder().transport(hub).engineOptions(FAST).build());
    }

    private static Job settle(Vault vault, JobHandle jobId) throws Exception {
        Job job = jobId.awaitSettled(java.time.Duration.ofSeconds(60)).job();
        assertEquals(JobState.SUCCEEDED, job.state(), job + " " + job.errors());
        return job;
    }

    /** Registers both sites, pairs Gold, maps Corp, protects the three VMs, saves a two-group plan. */
    private void setUp(Vault vault) throws Exception {
        RegistrationKey key = vault.servers().generateRegistrationKey();
        siteA.register(key.encoded(), RegistrationOptions.defaults().withProxy(ProxySettings
                .builder("proxy.contoso.local", 3128).user("svc").password(Secret.of("Pa55-w0rd!")).build()));
        siteB.register(key.encoded(), RegistrationOptions.defaults());
        siteA.connect();
        siteB.connect();
        CloudRef gold = new CloudRef("vmm-a", "Gold");
        settle(vault, vault.pairings().pair(CloudPairing.of(gold, "vmm-b", "GoldB", ReplicationSettings.defaults())));
        settle(vault, vault.mappings().mapNetwork(new NetworkMapping("vmm-a", "Corp", "vmm-b", "CorpB")));
        settle(vault, vault.protectedVms().enable(gold, List.of("vm-1", "vm-2")));
        vault.plans().save(RecoveryPlan.builder("Web", "vmm-a", "vmm-b", vault.plans().planContext()).addVm("vm-1").addGroup()
                .addVm(2, "vm-2").build());
    }

    @Test
    @DisplayName("J3 J4 compacted jobs survive reopening as their summaries, the jobs kept whole as their events")
    void compactedJobsSurviveReopen() throws Exception {
        EngineOptions keepOne = EngineOptions.builder().parallelism(4).backoff(Duration.ofMillis(1), Duration.ofMillis(4))
                .retention(new dev.secondsite.core.job.JobRetention(Duration.ofDays(30), 1)).build();
        VaultConfiguration before;
        List<Job> jobsBefore;
        try (Vault vault = Vault.create(VaultOptions.builder("Durable DR", "westeurope").storage(dir).transport(hub)
                .engineOptions(keepOne).build())) {
            setUp(vault);
            settle(vault, vault.plans().plannedFailover("Web", PlannedFailoverOptions.defaults()));
            before = vault.configuration();
            jobsBefore = vault.jobs().list(JobQuery.all());
        }
        assertEquals(1, jobsBefore.stream().filter(j -> !j.tasks().isEmpty()).count(), "one job kept whole");
        assertEquals(4, jobsBefore.size(), "three compacted jobs are still listed");
        for (int i = 0; i < 2; i++) { // the second opening reads the snapshot the first one wrote
            try (Vault vault = Vault.open(dir, VaultOptions.builder().transport(hub).engineOptions(keepOne).build())) {
                assertEquals(before, vault.configuration());
                assertEquals(jobsBefore, vault.jobs().list(JobQuery.all()));
            }
        }
    }

    @Test
    @DisplayName("J3 a vault reopened from its directory has the same configuration, secrets and jobs")
    void reopenRestoresEverything() throws Exception {
        VaultConfiguration before;
        List<Job> jobsBefore;
        String keyText;
        try (Vault vault = create()) {
            setUp(vault);
            settle(vault, vault.plans().plannedFailover("Web", PlannedFailoverOptions.defaults()));
            before = vault.configuration();
            jobsBefore = vault.jobs().list(JobQuery.all());
            keyText = vault.servers().generateRegistrationKey().encoded().reveal();
        }
        try (Vault vault = reopen()) {
            assertEquals(before, vault.configuration());
            assertEquals(jobsBefore, vault.jobs().list(JobQuery.all()));
            assertEquals("Pa55-w0rd!", vault.servers().list().get(0).proxySettings().orElseThrow().password().orElseThrow()
                    .reveal(), "the proxy password survives in the vault's own store");
            // the signing secret survived: a key issued before the restart still registers
            Site third = TestSites.site("vmm-c", "vmm-c.contoso.local", "c").build();
            Provider siteC = Provider.builder("vmm-c", () -> third).hostDriver(hosts).vault(hub).build();
            siteC.register(Secret.of(keyText), RegistrationOptions.defaults());
            siteC.close();
            assertEquals(3, vault.servers().list().size());
        }
        try (Vault vault = reopen()) {
            assertEquals(3, vault.servers().list().size(), "a registration after a reopen is journaled too");
        }
    }

    @Test
    @DisplayName("J3 a job interrupted by a crash goes on after the reopen; finished commands are not sent again")
    void resumesInterruptedJob() throws Exception {
        CrashableStore store = CrashableStore.open(dir);
        Vault first = Vault.create(VaultOptions.builder("Durable DR", "westeurope").store(store).transport(hub).engineOptions(FAST)
                .build());
        setUp(first);
        FakeHostDriver.Hold held = hosts.hold(FakeHostDriver.isCommand(
                dev.secondsite.core.spi.HostCommand.StartVm.class));
        JobHandle jobId = first.plans().plannedFailover("Web", PlannedFailoverOptions.defaults());
        assertTrue(held.awaitHeld(1), "the job reached the boot of group 1");
        int historyAtCrash = hosts.history().size();
        store.crash();                     // from here on nothing the old process does is durable
        first.close();
        held.release();
        store.closeUnderlying();
        try (Vault vault = reopen()) {
            Job job = settle(vault, vault.jobs().handle(jobId.id()));
            assertEquals(JobState.SUCCEEDED, job.state());
            List<String> keys = hosts.history().stream().map(e -> e.request().idempotencyKey()).toList();
            assertEquals(keys.size(), keys.stream().distinct().count(),
                    "no command ran twice: " + hosts.history().subList(historyAtCrash, keys.size()));
            assertTrue(vault.configuration().protection().protectedVm("vm-2").orElseThrow().state().name()
                    .equals("FAILED_OVER"));
        }
    }

    @Test
    @DisplayName("J3 closing a durable vault while a job runs records no failure, sends nothing more and prints "
            + "nothing; the next open finishes the job with every command run once")
    void closeKeepsRunningJob() throws Exception {
        Vault first = Vault.create(VaultOptions.builder("Durable DR", "westeurope").storage(dir).transport(hub)
                .engineOptions(EngineOptions.builder().parallelism(4).backoff(Duration.ofMillis(1), Duration.ofMillis(4))
                        .closeTimeout(Duration.ofMillis(200)).build()).build());
        setUp(first);
        FakeHostDriver.Hold held = hosts.hold(FakeHostDriver.isCommand(
                dev.secondsite.core.spi.HostCommand.StartVm.class));
        JobHandle failover = first.plans().plannedFailover("Web", PlannedFailoverOptions.defaults());
        assertTrue(held.awaitHeld(1), "the job reached the boot of group 1");
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = System.out;
        java.io.PrintStream err = System.err;
        System.setOut(new java.io.PrintStream(printed, true));
        System.setErr(new java.io.PrintStream(printed, true));
        int sentAtClose;
        try {
            first.close();                 // the held command is still in flight: close waits 200 ms, then returns
            sentAtClose = hosts.history().size();
            held.release();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertEquals("", printed.toString(), "nothing prints");
        try (Vault vault = reopen()) {
            Job resumed = vault.jobs().get(failover.id());
            assertFalse(resumed.state().isFinal(), "the job was journaled as running, not failed: " + resumed);
            Job job = settle(vault, vault.jobs().handle(failover.id()));
            assertTrue(job.errors().isEmpty(), job.errors()::toString);
            assertTrue(hosts.history().size() > sentAtClose, "the reopened vault finished the job");
            List<String> keys = hosts.history().stream().map(e -> e.request().idempotencyKey()).toList();
            assertEquals(keys.size(), keys.stream().distinct().count(), "no command ran twice");
            assertEquals("FAILED_OVER", vault.configuration().protection().protectedVm("vm-2").orElseThrow().state()
                    .name());
        }
    }

    @Test
    @DisplayName("J3 when the journal refuses a job's event, callers waiting on the job get the journal's own "
            + "exception instead of waiting forever")
    void journalFailureReachesWaiters() throws Exception {
        CrashableStore store = CrashableStore.open(dir);
        Vault vault = Vault.create(VaultOptions.builder("Durable DR", "westeurope").store(store).transport(hub)
                .engineOptions(FAST).build());
        try {
            setUp(vault);
            FakeHostDriver.Hold held = hosts.hold(FakeHostDriver.isCommand(
                    dev.secondsite.core.spi.HostCommand.StartVm.class));
            JobHandle failover = vault.plans().plannedFailover("Web", PlannedFailoverOptions.defaults());
            assertTrue(held.awaitHeld(1), "the job reached the boot of group 1");
            store.crash();
            held.release();            // the answer's event cannot be journaled: the job stops where it is

            StateStoreException completion = assertThrows(StateStoreException.class,
                    () -> failover.awaitCompletion(Duration.ofSeconds(30)));
            assertTrue(completion.getMessage().contains("the test crashed this store"), completion.getMessage());
            assertThrows(StateStoreException.class, () -> failover.awaitSettled(Duration.ofSeconds(30)));
        } finally {
            vault.close();
            store.closeUnderlying();
        }
    }

    @Test
    @DisplayName("J3 a second opener of the same directory is refused while the vault is open")
    void lockRefusesSecondOpener() throws Exception {
        try (Vault vault = create()) {
            assertThrows(StateStoreLockedException.class, this::reopen);
            assertEquals("Durable DR", vault.info().name());
        }
        try (Vault vault = reopen()) {
            assertEquals("Durable DR", vault.info().name());
        }
    }

    @Test
    @DisplayName("J3 NOT_FOUND V1 opening an empty directory, or a vault under another name, or creating one where a vault is, is refused")
    void openChecks() {
        NotFoundException empty = assertThrows(NotFoundException.class, this::reopen);
        assertEquals("vault", empty.kind());
        assertTrue(empty.getMessage().startsWith(Rule.NOT_FOUND.name()), empty.getMessage());
        try (Vault vault = create()) {
            assertFalse(vault.info().id().isEmpty());
        }
        InvalidConfigurationException other = assertThrows(InvalidConfigurationException.class,
                () -> Vault.open(dir, VaultOptions.builder("Another", "westeurope").build()));
        assertEquals(Rule.V1, other.rule());
        InvalidConfigurationException again = assertThrows(InvalidConfigurationException.class, this::create);
        assertEquals(Rule.J3, again.rule());
    }
}
