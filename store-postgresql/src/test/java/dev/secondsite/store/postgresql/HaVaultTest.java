package dev.secondsite.store.postgresql;

import static dev.secondsite.store.postgresql.HaFixtures.WAIT;
import static dev.secondsite.store.postgresql.HaFixtures.awaitTurns;
import static dev.secondsite.store.postgresql.HaFixtures.storeOptions;
import static dev.secondsite.store.postgresql.HaFixtures.terminateLockSession;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.job.EngineOptions;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.registration.VaultEndpoint;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.StateStoreFencedException;
import dev.secondsite.core.spi.Transport;
import dev.secondsite.core.testing.FakeHostDriver;
import dev.secondsite.core.testing.ProtectedWeb;
import dev.secondsite.core.testing.TestSites;
import dev.secondsite.core.transport.local.LocalTransport;
import dev.secondsite.core.vault.JobHandle;
import dev.secondsite.core.vault.PlannedFailoverOptions;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultConfiguration;
import dev.secondsite.core.vault.VaultOptions;
import dev.secondsite.store.postgresql.HaVault.Role;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Leadership of vault instances sharing one PostgreSQL database: the race, fencing, takeover, roles. */
class HaVaultTest {
    private static final Logger LOG = LoggerFactory.getLogger(HaVaultTest.class);
    private static final EngineOptions FAST = EngineOptions.builder().parallelism(4).maxAttempts(400)
            .backoff(Duration.ofMillis(5), Duration.ofMillis(100)).build();
    private static final AtomicInteger HUBS = new AtomicInteger();

    private static VaultOptions instanceOptions(URI hub) {
        return VaultOptions.builder().transport(hub).engineOptions(FAST).snapshotEveryRecords(50).build();
    }

    private static URI hub(String name) {
        return URI.create("local:ha-" + name + "-" + HUBS.incrementAndGet());
    }

    /** Creates an empty vault in the store of {@code prefix}. */
    private static void createVault(String prefix) {
        try (PostgresStateStore store = PostgresStateStore.open(storeOptions(prefix));
             Vault vault = Vault.create(VaultOptions.builder("HA", "westeurope").store(store).build())) {
            assertTrue(vault.info().toString().contains("HA"));
        }
    }

    private static long query(String sql) {
        try (Connection c = TestDatabase.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e, e);
        }
    }

    /** Records the roles an instance goes through. */
    private static final class Roles implements HaVault.RoleListener {
        final List<Role> seen = new CopyOnWriteArrayList<>();

        @Override
        public void roleChanged(HaVault instance, Role role) {
            seen.add(role);
        }
    }

    @Test
    @DisplayName("J3 two instances started at once: exactly one becomes ACTIVE, the other stays STANDBY while "
            + "trying the lock, and takes over when the active one closes (50 races, each on a fresh store)")
    void exactlyOneActive() throws Exception {
        for (int race = 0; race < 50; race++) {
            String prefix = TestDatabase.freshPrefix();
            createVault(prefix);
            AtomicInteger activations = new AtomicInteger();
            CountDownLatch twoActivations = new CountDownLatch(2);
            HaVault.RoleListener count = (instance, role) -> {
                if (role == Role.ACTIVE) {
                    activations.incrementAndGet();
                    twoActivations.countDown();
                }
            };
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<HaVault>> starting = new ArrayList<>();
            for (String name : List.of("a", "b")) {
                starting.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return HaVault.builder(storeOptions(prefix), instanceOptions(hub(name)), name)
                            .checkPeriod(Duration.ofMillis(20)).listener(count).start();
                }));
            }
            go.countDown();
            HaVault a = starting.get(0).get(30, TimeUnit.SECONDS);
            HaVault b = starting.get(1).get(30, TimeUnit.SECONDS);
            try {
                CompletableFuture<HaVault> first = CompletableFuture.anyOf(awaitActive(a), awaitActive(b))
                        .thenApply(HaVault.class::cast);
                HaVault active = first.get(30, TimeUnit.SECONDS);
                HaVault standby = active == a ? b : a;
                long attempts = standby.standbyTurns();
                awaitTurns(standby, attempts + 3);
                assertEquals(1, activations.get(), "race " + race + ": one activation");
                assertEquals(Role.STANDBY, standby.role(), "race " + race);
                assertTrue(standby.vault().isEmpty());
                assertEquals(active.name(), standby.active().orElseThrow().name(), "the leader row names it");
                active.close();
                assertEquals(Role.STOPPED, active.role());
                assertTrue(standby.awaitRole(Role.ACTIVE, WAIT), "race " + race + ": the standby took over");
                assertTrue(twoActivations.await(30, TimeUnit.SECONDS));
                assertEquals(2, activations.get());
            } finally {
                a.close();
                b.close();
            }
        }
    }

    /** A private local hub that records what its vault instance tells it: standBy(address) and bind. */
    private static final class TellingTransport implements Transport {
        final LocalTransport hub = LocalTransport.create();
        final BlockingQueue<String> told = new LinkedBlockingQueue<>();
        final List<String> all = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        private void tell(String what) {
            all.add(what);
            told.add(what);
        }

        /** Waits (bounded) until {@code expected} is told, skipping what comes before it. */
        void await(String expected) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            String next;
            do {
                next = told.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                assertTrue(next != null, "told " + expected + "; told " + all);
            } while (!next.equals(expected));
        }

        @Override
        public void standBy(Optional<URI> active) {
            tell("standBy " + active.map(URI::toString).orElse("unknown"));
            hub.standBy(active);
        }

        @Override
        public void bind(VaultEndpoint vault) {
            tell("bind");
            hub.bind(vault);
        }

        @Override
        public CompletableFuture<CommandResult> send(CommandRequest request) {
            return hub.send(request);
        }

        @Override
        public boolean isConnected(String serverId) {
            return hub.isConnected(serverId);
        }

        @Override
        public void close() {
            closed = true;
            hub.close();
        }
    }

    @Test
    @DisplayName("T2 a standby tells its transport where the active instance serves (so providers are sent there); "
            + "the active one, when it stops acting, tells its transport first that it stands by; the new active "
            + "one binds its transport; a transport the caller gave is not closed with the instance")
    void standbyNamesActiveToItsTransport() throws Exception {
        String prefix = TestDatabase.freshPrefix();
        createVault(prefix);
        URI addressA = URI.create("https://vault-a.contoso.local:8443/");
        URI addressB = URI.create("https://vault-b.contoso.local:8443/");
        TellingTransport transportA = new TellingTransport();
        TellingTransport transportB = new TellingTransport();
        try (HaVault a = HaVault.builder(storeOptions(prefix), VaultOptions.builder().transport(transportA)
                .engineOptions(FAST).build(), "a").address(addressA).checkPeriod(Duration.ofMillis(20)).start()) {
            assertTrue(a.awaitRole(Role.ACTIVE, WAIT));
            transportA.await("bind");
            try (HaVault b = HaVault.builder(storeOptions(prefix), VaultOptions.builder().transport(transportB)
                    .engineOptions(FAST).build(), "b").address(addressB).checkPeriod(Duration.ofMillis(20))
                    .start()) {
                transportB.await("standBy " + addressA);
                assertEquals(List.of("standBy unknown", "standBy " + addressA), transportB.all,
                        "standing by from its start, then naming the active instance");

                a.close();
                transportA.await("standBy unknown");
                assertTrue(b.awaitRole(Role.ACTIVE, WAIT));
                transportB.await("bind");
                assertEquals(List.of("standBy unknown", "bind", "standBy unknown"), transportA.all);
                assertFalse(transportA.closed, "the caller's transport stays open");
            }
        } finally {
            transportA.close();
            transportB.close();
        }
    }

    @Test
    @DisplayName("J3 a standby reads the stored vault ahead (warm standby) as the active instance holds it, without "
            + "disturbing it: the epoch stays and the active instance goes on writing; warmStandby(false) reads "
            + "nothing ahead")
    void standbyReadsAhead() throws Exception {
        String prefix = TestDatabase.freshPrefix();
        createVault(prefix);
        try (HaVault a = HaVault.builder(storeOptions(prefix), instanceOptions(hub("a")), "a").start()) {
            assertTrue(a.awaitRole(Role.ACTIVE, WAIT));
            Vault active = a.vault().orElseThrow();
            String revoked = active.servers().generateRegistrationKey().keyId();
            active.servers().revokeRegistrationKey(revoked);
            long epoch = a.active().orElseThrow().epoch();
            try (HaVault b = HaVault.builder(storeOptions(prefix), instanceOptions(hub("b")), "b")
                    .checkPeriod(Duration.ofMillis(20)).start();
                 HaVault c = HaVault.builder(storeOptions(prefix), instanceOptions(hub("c")), "c")
                         .checkPeriod(Duration.ofMillis(20)).warmStandby(false).start()) {
                VaultConfiguration read = b.readAheadDone().get(30, TimeUnit.SECONDS);
                assertEquals(active.configuration(), read, "read as the active instance holds it");
                assertTrue(read.revokedKeys().contains(revoked), "the journal after the snapshot is read too");
                assertEquals(epoch, a.active().orElseThrow().epoch(), "the epoch stays");
                assertEquals(Role.ACTIVE, a.role());
                String again = active.servers().generateRegistrationKey().keyId();
                active.servers().revokeRegistrationKey(again); // journaled: the active instance still writes
                assertTrue(active.configuration().revokedKeys().contains(again));
                awaitTurns(c, c.standbyTurns() + 3);
                assertFalse(c.readAheadDone().isDone(), "c reads nothing ahead");
                assertEquals(Role.STANDBY, b.role());
            }
        }
    }

    @Test
    @DisplayName("T2 an instance given a transport URI makes its transport once, keeps it across its roles and closes "
            + "it when it is closed")
    void transportFromUriClosedWithInstance() throws Exception {
        String prefix = TestDatabase.freshPrefix();
        createVault(prefix);
        URI hub = hub("own");
        LocalTransport before;
        try (HaVault a = HaVault.builder(storeOptions(prefix), instanceOptions(hub), "a").start()) {
            assertTrue(a.awaitRole(Role.ACTIVE, WAIT));
            before = LocalTransport.forUri(hub);
            assertSame(before, LocalTransport.forUri(hub), "the hub is open while the instance runs");
        }
        assertNotSame(before, LocalTransport.forUri(hub), "closed with the instance: the name gives a fresh hub");
    }

    private static CompletableFuture<HaVault> awaitActive(HaVault instance) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return instance.awaitRole(Role.ACTIVE, WAIT) ? instance : null;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }).thenCompose(i -> i != null ? CompletableFuture.completedFuture(i) : new CompletableFuture<>());
    }

    /** A vault with two registered sites, a pairing, a mapping, two protected VMs and the plan "Web". */
    private static void setUp(String prefix, FakeHostDriver hosts, Site primary, Site recovery) {
        URI hub = hub("setup");
        try (PostgresStateStore store = PostgresStateStore.open(storeOptions(prefix));
             Vault vault = Vault.create(VaultOptions.builder("HA", "westeurope").store(store).transport(hub)
                     .engineOptions(FAST).build());
             Provider siteA = Provider.builder("vmm-a", () -> primary).hostDriver(hosts).vault(hub).build();
             Provider siteB = Provider.builder("vmm-b", () -> recovery).hostDriver(hosts).vault(hub).build()) {
            ProtectedWeb.setUp(vault, siteA, siteB);
        }
    }

    /** Providers of both sites attached to the hub of the instance that is active now. */
    private static List<Provider> serve(URI hub, FakeHostDriver hosts, Site primary, Site recovery) {
        Provider siteA = Provider.builder("vmm-a", () -> primary).hostDriver(hosts).vault(hub).build();
        Provider siteB = Provider.builder("vmm-b", () -> recovery).hostDriver(hosts).vault(hub).build();
        siteA.connect();
        siteB.connect();
        return List.of(siteA, siteB);
    }

    @Test
    @DisplayName("J3 fencing: the active instance's lock session is terminated while its failover waits on a host "
            + "command; the standby takes over and finishes the job; the old active's next write is refused with "
            + "StateStoreFencedException and it stops acting; no record of the old epoch after the takeover, every "
            + "host side effect once")
    void fencedOldActiveStops() throws Exception {
        String prefix = TestDatabase.freshPrefix();
        Site primary = TestSites.primary();
        Site recovery = TestSites.recovery();
        FakeHostDriver hosts = FakeHostDriver.forSites(primary, recovery);
        setUp(prefix, hosts, primary, recovery);
        URI hubA = hub("a");
        URI hubB = hub("b");
        Roles rolesA = new Roles();
        Roles rolesB = new Roles();
        List<Provider> providers = new ArrayList<>();
        // A checks its lock connection rarely: like a paused process it does not notice the loss by itself
        try (HaVault a = HaVault.builder(storeOptions(prefix), instanceOptions(hubA), "a")
                .address(URI.create("https://vault-a.contoso.local:8443")).checkPeriod(Duration.ofMinutes(1))
                .listener(rolesA).start()) {
            assertTrue(a.awaitRole(Role.ACTIVE, WAIT));
            providers.addAll(serve(hubA, hosts, primary, recovery));
            FakeHostDriver.Hold hold = hosts.hold(FakeHostDriver.isCommand(HostCommand.Failover.class)
                    .and(FakeHostDriver.isForVm("vm-1")));
            JobHandle failoverOnA = a.vault().orElseThrow().plans().plannedFailover("Web",
                    PlannedFailoverOptions.defaults());
            assertTrue(hold.awaitHeld(1), "A's failover sent Failover of vm-1");
            long epochA = a.active().orElseThrow().epoch();
            assertEquals("a", a.active().orElseThrow().name());
            assertEquals(URI.create("https://vault-a.contoso.local:8443"), a.active().orElseThrow().address()
                    .orElseThrow());

            try (HaVault b = HaVault.builder(storeOptions(prefix), instanceOptions(hubB), "b")
                    .checkPeriod(Duration.ofMillis(50)).listener(rolesB).start()) {
                awaitTurns(b, b.standbyTurns() + 2);
                assertEquals(Role.STANDBY, b.role());
                terminateLockSession(prefix);
                assertTrue(b.awaitRole(Role.ACTIVE, WAIT), "B took over");
                long epochB = b.active().orElseThrow().epoch();
                assertTrue(epochB > epochA);
                // A's providers stay attached to A's hub: its held command's result goes back to A
                providers.addAll(serve(hubB, hosts, primary, recovery));
                // A's held command now returns to A, whose engine journals its result with the old epoch
                hold.release();
                ExecutionException refused = assertThrows(ExecutionException.class, () -> CompletableFuture
                        .supplyAsync(() -> failoverOnA.awaitSettled(WAIT)).get(60, TimeUnit.SECONDS));
                assertInstanceOf(StateStoreFencedException.class, refused.getCause(), refused.toString());
                assertTrue(a.awaitRole(Role.STANDBY, WAIT), "A stopped acting");
                assertTrue(a.vault().isEmpty());

                Job done = ProtectedWeb.succeed(b.vault().orElseThrow().jobs().handle(failoverOnA.id()));
                assertEquals(JobState.SUCCEEDED, done.state());
                assertEquals(0, query("SELECT count(*) FROM " + prefix + "records WHERE epoch = " + epochA
                        + " AND seq > (SELECT min(seq) FROM " + prefix + "records WHERE epoch = " + epochB + ")"),
                        "no record of A's epoch after B's first");
                assertEquals(List.of(Role.ACTIVE), rolesB.seen);
                assertEquals(List.of(Role.ACTIVE, Role.STANDBY), rolesA.seen);
                assertEquals(Role.STANDBY, a.role(), "A stands by while B leads");
                assertEquals("b", a.active().orElseThrow().name());
            }
        } finally {
            providers.forEach(Provider::close);
        }
        assertEffectsOnce(hosts);
    }

    /** Every changing command of the failover happened once per VM (status reads may repeat). */
    private static void assertEffectsOnce(FakeHostDriver hosts) {
        for (String vm : List.of("vm-1", "vm-2")) {
            Map<String, Long> counts = hosts.commandNamesFor(vm).stream()
                    .filter(n -> !n.equals("GetReplicationStatus"))
                    .collect(Collectors.groupingBy(n -> n, Collectors.counting()));
            assertTrue(counts.values().stream().allMatch(n -> n == 1), vm + ": " + counts);
            assertEquals(1, counts.getOrDefault("Failover", 0L), vm + ": " + counts);
            assertEquals(1, counts.getOrDefault("StartVm", 0L), vm + ": " + counts);
        }
    }

    @Test
    @DisplayName("J3 every database session of the active instance terminated while it runs a failover: it stops "
            + "acting, the standby takes over and finishes the job, every host side effect once")
    void allSessionsTerminated() throws Exception {
        String prefix = TestDatabase.freshPrefix();
        Site primary = TestSites.primary();
        Site recovery = TestSites.recovery();
        FakeHostDriver hosts = FakeHostDriver.forSites(primary, recovery);
        setUp(prefix, hosts, primary, recovery);
        URI hubA = hub("a");
        URI hubB = hub("b");
        List<Provider> providers = new ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<String> firstName = new java.util.concurrent.atomic
                .AtomicReference<>("");
        CountDownLatch stopped = new CountDownLatch(1);
        HaVault.RoleListener stopWatch = (instance, role) -> {
            if (instance.name().equals(firstName.get()) && role == Role.STANDBY) {
                stopped.countDown();
            }
        };
        try (HaVault a = HaVault.builder(storeOptions(prefix), instanceOptions(hubA), "a-" + prefix)
                .checkPeriod(Duration.ofMillis(50)).listener(stopWatch).start();
             HaVault b = HaVault.builder(storeOptions(prefix), instanceOptions(hubB), "b-" + prefix)
                     .checkPeriod(Duration.ofMillis(50)).listener(stopWatch).start()) {
            HaVault first = CompletableFuture.anyOf(awaitActive(a), awaitActive(b)).thenApply(HaVault.class::cast)
                    .get(30, TimeUnit.SECONDS);
            URI firstHub = first == a ? hubA : hubB;
            providers.addAll(serve(firstHub, hosts, primary, recovery));
            FakeHostDriver.Hold hold = hosts.hold(FakeHostDriver.isCommand(HostCommand.StartVm.class));
            JobHandle failover = first.vault().orElseThrow().plans().plannedFailover("Web",
                    PlannedFailoverOptions.defaults());
            assertTrue(hold.awaitHeld(1));
            firstName.set(first.name());
            long start = System.nanoTime();
            long terminated = query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                    + "application_name = 'secondsite-vault " + first.name() + "'");
            assertTrue(terminated >= 2, "the lock and the store's sessions: " + terminated);
            assertTrue(stopped.await(5, TimeUnit.SECONDS), "the old active stopped acting within a bounded time");
            LOG.info("stopped acting {} ms after its sessions were terminated",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            // then one of the two leads again: the other, or the old active that won the lock back
            HaVault next = CompletableFuture.anyOf(awaitActive(a), awaitActive(b)).thenApply(HaVault.class::cast)
                    .get(30, TimeUnit.SECONDS);
            providers.addAll(serve(next == a ? hubA : hubB, hosts, primary, recovery));
            hold.release();
            ProtectedWeb.succeed(next.vault().orElseThrow().jobs().handle(failover.id()));
            assertEquals(1, java.util.stream.Stream.of(a, b).filter(i -> i.role() == Role.ACTIVE).count(),
                    "one instance leads");
        } finally {
            providers.forEach(Provider::close);
        }
        assertEffectsOnce(hosts);
    }

    @Test
    @DisplayName("J3 an instance on an unreachable database fails to start with StoreUnreachableException; nothing "
            + "is created")
    void unreachable() {
        PostgresStoreOptions options = PostgresStoreOptions.builder("jdbc:postgresql://127.0.0.1:1/none?user=x")
                .tablePrefix("never_").build();
        StoreUnreachableException e = assertThrows(StoreUnreachableException.class, () -> HaVault.builder(options,
                instanceOptions(hub("x")), "x").start());
        assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
        assertEquals(0, query("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'never_%'"));
    }

    @Test
    @DisplayName("J3 an instance whose store holds no vault stops (STOPPED, the NotFoundException as its cause) and "
            + "lets the leadership go")
    void noVaultStops() throws Exception {
        String prefix = TestDatabase.freshPrefix();
        Roles roles = new Roles();
        try (HaVault a = HaVault.builder(storeOptions(prefix), instanceOptions(hub("a")), "a").listener(roles)
                .start()) {
            assertTrue(a.awaitRole(Role.STOPPED, WAIT));
            assertInstanceOf(dev.secondsite.core.NotFoundException.class, a.stopCause().orElseThrow());
            assertFalse(roles.seen.contains(Role.ACTIVE));
            assertEquals(0, query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND "
                    + "((classid::bigint << 32) | objid::bigint) = " + new Schema(prefix).leaderLockKey()));
        }
        assertEquals(Collections.singletonList(Role.STOPPED), roles.seen);
    }
}
