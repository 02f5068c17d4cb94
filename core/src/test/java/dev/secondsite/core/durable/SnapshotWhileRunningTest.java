package dev.secondsite.core.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.job.EngineOptions;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobQuery;
import dev.secondsite.core.job.JobRetention;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.protection.StorageMapping;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.StateStore;
import dev.secondsite.core.spi.StateStoreRecord;
import dev.secondsite.core.spi.StateStoreSnapshot;
import dev.secondsite.core.store.JournalOptions;
import dev.secondsite.core.store.JournalStore;
import dev.secondsite.core.testing.FakeHostDriver;
import dev.secondsite.core.testing.ProtectedWeb;
import dev.secondsite.core.testing.TestSites;
import dev.secondsite.core.vault.JobHandle;
import dev.secondsite.core.vault.PlannedFailoverOptions;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultConfiguration;
import dev.secondsite.core.vault.VaultOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * J3 J4: snapshots cut while jobs run (VaultOptions.snapshotEveryRecords) stand for exactly the records before their
 * cut: a vault reopened from them is the vault that was closed, a crashed job resumes with every command once, and
 * the storage of a vault that runs many jobs stays bounded.
 */
class SnapshotWhileRunningTest {
    private static final AtomicInteger HUBS = new AtomicInteger();
    private static final CloudRef GOLD = new CloudRef("vmm-a", "Gold");
    private static final CloudRef SILVER = new CloudRef("vmm-a", "Silver");
    private static final StorageMapping FAST = new StorageMapping("vmm-a", "Fast", "vmm-b", "FastB");

    @TempDir
    Path root;

    /** Two sites behind providers on a hub of their own, answered by one fake host driver. */
    private static final class World implements AutoCloseable {
        final URI hub = URI.create("local:snapshots-" + HUBS.incrementAndGet());
        final Site primary = TestSites.primary();
        final Site recovery = TestSites.recovery();
        final FakeHostDriver hosts = FakeHostDriver.forSites(primary, recovery);
        final Provider siteA = Provider.builder("vmm-a", () -> primary).hostDriver(hosts).vault(hub).build();
        final Provider siteB = Provider.builder("vmm-b", () -> recovery).hostDriver(hosts).vault(hub).build();

        VaultOptions.Builder options(EngineOptions engine, int snapshotEvery) {
            return VaultOptions.builder().transport(hub).engineOptions(engine).snapshotEveryRecords(snapshotEvery);
        }

        VaultOptions.Builder createOptions(EngineOptions engine, int snapshotEvery) {
            return VaultOptions.builder("Snapshots", "westeurope").transport(hub).engineOptions(engine)
                    .snapshotEveryRecords(snapshotEvery);
        }

        /** Registers both sites, pairs Gold, maps Corp, protects vm-1 and vm-2, saves a two-group plan. */
        void setUp(Vault vault) {
            ProtectedWeb.setUp(vault, siteA, siteB);
        }

        @Override
        public void close() {
            siteA.close();
            siteB.close();
        }
    }

    private static EngineOptions engine(int keepFinished) {
        return EngineOptions.builder().parallelism(4).backoff(Duration.ofMillis(1), Duration.ofMillis(4))
                .retention(new JobRetention(Duration.ofDays(30), keepFinished)).build();
    }

    private static Job succeed(JobHandle handle) {
        return ProtectedWeb.succeed(handle);
    }

    private static long wholeJobs(List<Job> jobs) {
        return jobs.stream().filter(j -> !j.tasks().isEmpty()).count();
    }

    private static Optional<StateStoreSnapshot> snapshotIn(Path dir) {
        try (JournalStore store = JournalStore.open(dir)) {
            return store.latestSnapshot();
        }
    }

    @Test
    @DisplayName("J3 J4 snapshots cut every 5 records while jobs run side by side, with 3 finished jobs kept whole: "
            + "reopening gives an equal configuration, equal retained jobs and equal summaries")
    void reopenFromRunningSnapshots() {
        Path dir = root.resolve("vault");
        EngineOptions keepThree = engine(3);
        VaultConfiguration before;
        List<Job> jobsBefore;
        try (World world = new World()) {
            try (JournalStore store = JournalStore.open(dir);
                 Vault vault = Vault.create(world.createOptions(keepThree, 5).store(store).build())) {
                world.setUp(vault);
                succeed(vault.pairings().pair(CloudPairing.of(SILVER, "vmm-b", "SilverB",
                        ReplicationSettings.defaults())));
                for (int i = 0; i < 12; i++) {
                    // two jobs at once: the cuts fall between the events of both
                    JobHandle enable = vault.protectedVms().enable(SILVER, List.of("vm-3"));
                    JobHandle map = vault.mappings().mapStorage(FAST);
                    succeed(enable);
                    succeed(map);
                    JobHandle disable = vault.protectedVms().disable("vm-3");
                    JobHandle unmap = vault.mappings().unmapStorage("vmm-a", "Fast");
                    succeed(disable);
                    succeed(unmap);
                }
                succeed(vault.mappings().mapStorage(FAST));
                before = vault.configuration();
                jobsBefore = vault.jobs().list(JobQuery.all());
                assertTrue(store.latestSnapshot().isPresent(), "the vault wrote snapshots while it ran");
            }
            assertEquals(3, wholeJobs(jobsBefore), "three finished jobs kept whole");
            assertEquals(53, jobsBefore.size(), "every other job is listed as its summary");
            for (int i = 0; i < 2; i++) { // the second opening reads the snapshot the first one wrote
                try (Vault vault = Vault.open(dir, world.options(keepThree, 5).build())) {
                    assertEquals(before, vault.configuration());
                    assertEquals(jobsBefore, vault.jobs().list(JobQuery.all()));
                }
            }
        }
    }

    @Test
    @DisplayName("J3 snapshots cut at random points (every 1 to 6 records) while a plan failover runs, then a "
            + "crash: the reopened vault resumes the job, which finishes with every command run once")
    void crashAfterRunningSnapshots() throws InterruptedException {
        Random random = new Random(2026L);
        for (int round = 0; round < 4; round++) {
            int every = 1 + random.nextInt(6);
            Path dir = root.resolve("crash-" + round);
            try (World world = new World()) {
                CrashableStore store = CrashableStore.open(dir);
                Vault first = Vault.create(world.createOptions(engine(1_000), every).store(store).build());
                world.setUp(first);
                FakeHostDriver.Hold held = world.hosts.hold(FakeHostDriver.isCommand(HostCommand.StartVm.class));
                JobHandle failover = first.plans().plannedFailover("Web", PlannedFailoverOptions.defaults());
                assertTrue(held.awaitHeld(1), "the job reached the boot of group 1");
                store.crash();                     // from here on nothing the old process does is durable
                first.close();
                held.release();
                store.closeUnderlying();
                assertTrue(snapshotIn(dir).isPresent(), "snapshots were cut before the crash (every " + every + ")");
                Job done;
                try (Vault vault = Vault.open(dir, world.options(engine(1_000), every).build())) {
                    done = succeed(vault.jobs().handle(failover.id()));
                    assertEquals("FAILED_OVER", vault.configuration().protection().protectedVm("vm-2").orElseThrow()
                            .state().name());
                }
                List<String> keys = world.hosts.history().stream().map(e -> e.request().idempotencyKey()).toList();
                assertEquals(keys.size(), keys.stream().distinct().count(), "no command ran twice (every " + every
                        + "): " + world.hosts.history());
                try (Vault vault = Vault.open(dir, world.options(engine(1_000), every).build())) {
                    assertEquals(done, vault.jobs().get(failover.id()), "the finished job reads back as it ended");
                }
            }
        }
    }

    @Test
    @DisplayName("J3 J4 a vault running 400 short jobs, 20 finished jobs kept whole, a snapshot every 50 records: "
            + "the jobs held whole and the journal files stay bounded by the snapshot's size, and the snapshot of whole jobs and summaries is "
            + "far smaller than the journal it stands for")
    void storageStaysBounded() throws IOException {
        Path dir = root.resolve("bounded");
        int every = 50;
        int jobs = 400;
        int segmentBytes = 16 << 10;
        EngineOptions keepTwenty = engine(20);
        List<Job> jobsBefore;
        long maxWhole = 0;
        CountingStore counting;
        long written;
        long held;
        long snapshot;
        long segments;
        try (World world = new World();
             JournalStore store = JournalStore.open(dir, JournalOptions.defaults().withSegmentBytes(segmentBytes))) {
            try (Vault vault = Vault.create(world.createOptions(keepTwenty, every).store(counting = new CountingStore(
                    store)).build())) {
                world.setUp(vault);
                for (int i = 0; i < jobs / 2; i++) {
                    succeed(vault.mappings().mapStorage(FAST));
                    succeed(vault.mappings().unmapStorage("vmm-a", "Fast"));
                    if (i % 20 == 0) {
                        maxWhole = Math.max(maxWhole, wholeJobs(vault.jobs().list(JobQuery.all())));
                    }
                }
                jobsBefore = vault.jobs().list(JobQuery.all());
                // measured while the vault runs: its close writes one more snapshot
                written = store.lastSequence();
                StateStoreSnapshot last = store.latestSnapshot().orElseThrow();
                held = written - last.uptoSequence();
                snapshot = last.state().length;
                segments = size(dir, "journal-");
            }
        }
        assertTrue(maxWhole <= 21, "at most the 20 kept and one running are whole, was " + maxWhole);
        assertEquals(20, wholeJobs(jobsBefore));
        assertTrue(written > 6L * jobs, "the jobs journaled " + written + " records");
        assertTrue(held * 3 < written, "the journal holds " + held + " records after its snapshot, not " + written);
        // after a snapshot the journal holds 50 records or a snapshot's size, and at most two segments hold more
        assertTrue(segments <= 2 * snapshot + 3 * segmentBytes, "the journal files take " + segments + " bytes, at most "
                + "twice the snapshot (" + snapshot + ") and three segments of " + segmentBytes);
        long unbounded = counting.bytes.get(); // the journal without snapshots: every record written
        assertTrue(snapshot * 3 < unbounded, "the snapshot (20 whole jobs, " + (jobsBefore.size() - 20)
                + " summaries) takes " + snapshot + " bytes; the journal it stands for about " + unbounded);
        try (World world = new World();
             Vault vault = Vault.open(dir, world.options(keepTwenty, every).build())) {
            assertEquals(jobsBefore, vault.jobs().list(JobQuery.all()));
        }
    }

    private static long size(Path dir, String prefix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Counts the payload bytes of every record appended, as the journal would hold them without snapshots. */
    private static final class CountingStore implements StateStore {
        final AtomicLong bytes = new AtomicLong();
        private final StateStore delegate;

        CountingStore(StateStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public long append(String type, byte[] payload) {
            bytes.addAndGet(type.length() + payload.length);
            return delegate.append(type, payload);
        }

        @Override
        public CompletableFuture<Long> appendOrdered(String type, byte[] payload) {
            bytes.addAndGet(type.length() + payload.length);
            return delegate.appendOrdered(type, payload);
        }

        @Override
        public void replay(long fromSequence, Consumer<? super StateStoreRecord> consumer) {
            delegate.replay(fromSequence, consumer);
        }

        @Override
        public void writeSnapshot(long uptoSequence, byte[] state) {
            delegate.writeSnapshot(uptoSequence, state);
        }

        @Override
        public Optional<StateStoreSnapshot> latestSnapshot() {
            return delegate.latestSnapshot();
        }

        @Override
        public long lastSequence() {
            return delegate.lastSequence();
        }

        @Override
        public void close() {
            // the test closes the delegate
        }
    }
}
