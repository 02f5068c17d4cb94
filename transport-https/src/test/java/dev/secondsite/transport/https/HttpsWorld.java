package dev.secondsite.transport.https;


import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.job.EngineOptions;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.testing.FakeHostDriver;
import dev.secondsite.core.testing.ProtectedWeb;
import dev.secondsite.core.testing.TestSites;
import dev.secondsite.core.vault.JobHandle;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultOptions;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import javax.annotation.Nullable;

/**
 * A vault on an HTTPS transport on loopback (its CA kept in a directory) and the providers of two sites
 * ({@link TestSites#primary()}, {@link TestSites#recovery()}) over {@link HttpsVaultLink}s, one
 * {@link FakeHostDriver} for both sites' hosts. Optionally a second vault instance that stands by (its own transport
 * with the same CA), listed first in the links: {@link #takeOver()} makes it the active one. Not thread-safe; one per
 * test.
 */
final class HttpsWorld implements AutoCloseable {
    static final EngineOptions FAST = EngineOptions.builder().parallelism(4).maxAttempts(200)
            .backoff(Duration.ofMillis(5), Duration.ofMillis(200)).build();
    static final HttpsLimits QUICK = HttpsLimits.DEFAULTS.withPolling(Duration.ofSeconds(2), Duration.ofSeconds(4))
            .withMaxBodyBytes(1 << 20).withRequestTimeout(Duration.ofSeconds(6));

    final Path dir;
    final HttpsLimits limits;
    final Site primary = TestSites.primary();
    final Site recovery = TestSites.recovery();
    final FakeHostDriver hosts = FakeHostDriver.forSites(primary, recovery);
    HttpsTransport transport;
    /** The instance that stands by (naming {@link #transport}'s), or null in a world of one instance. */
    @Nullable HttpsTransport standby;
    Vault vault;
    final HttpsVaultLink linkA;
    final HttpsVaultLink linkB;
    final Provider siteA;
    final Provider siteB;

    HttpsWorld(Path dir) {
        this(dir, java.time.Clock.systemUTC());
    }

    HttpsWorld(Path dir, java.time.Clock clock) {
        this(dir, clock, QUICK);
    }

    /** A world whose transport has {@code limits}. */
    HttpsWorld(Path dir, java.time.Clock clock, HttpsLimits limits) {
        this(dir, clock, limits, false);
    }

    /** A world of two vault instances: the active one, and one that stands by, listed first in the links. */
    static HttpsWorld withStandby(Path dir) {
        return new HttpsWorld(dir, java.time.Clock.systemUTC(), QUICK, true);
    }

    private HttpsWorld(Path dir, java.time.Clock clock, HttpsLimits limits, boolean withStandby) {
        this.dir = dir;
        this.limits = limits;
        this.transport = transport(0);
        if (withStandby) {
            standby = transport(0);
            standby.standBy(Optional.of(transport.uri()));
        }
        this.vault = Vault.create(VaultOptions.builder("HTTPS DR", "westeurope").storage(dir.resolve("vault"))
                .transport(transport).engineOptions(FAST).clock(clock).build());
        this.linkA = link();
        this.linkB = link();
        this.siteA = Provider.builder("vmm-a", () -> primary).hostDriver(hosts).vaultLink(linkA).build();
        this.siteB = Provider.builder("vmm-b", () -> recovery).hostDriver(hosts).vaultLink(linkB).build();
    }

    HttpsTransport transport(int port) {
        return HttpsTransport.builder(new InetSocketAddress("127.0.0.1", port)).caDirectory(dir.resolve("ca"))
                .limits(limits).build();
    }

    HttpsVaultLink link() {
        List<URI> instances = standby == null ? List.of(transport.uri()) : List.of(standby.uri(), transport.uri());
        return HttpsVaultLink.builder(instances).trust(transport.caCertificate())
                .heartbeatEvery(Duration.ofMillis(500)).maxBackoff(Duration.ofMillis(500)).build();
    }

    /**
     * The standby instance takes over, as a highly available vault does: the active instance stands by naming it,
     * its vault closes, and the vault's state (shared through the store directory here) opens on the standby's
     * transport, which serves from then on. The old active stands by.
     */
    void takeOver() {
        HttpsTransport old = transport;
        HttpsTransport next = java.util.Objects.requireNonNull(standby, "a world with a standby instance");
        old.standBy(Optional.of(next.uri()));
        standby = old;
        transport = next;
        reopenVault();
    }

    /** Closes the vault and opens it again from its store on {@link #transport}, which it binds (serves again). */
    void reopenVault() {
        vault.close();
        vault = Vault.open(dir.resolve("vault"), VaultOptions.builder().transport(transport).engineOptions(FAST)
                .build());
    }

    /** Waits, within {@code timeout}, for {@code condition}; fails naming {@code what} when it does not come. */
    static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
    }

    /** Closes the vault and its transport, and opens them again on the same port, CA and store (J3). */
    void restartVault() {
        int port = transport.address().getPort();
        vault.close();
        transport.close();
        transport = transport(port);
        vault = Vault.open(dir.resolve("vault"), VaultOptions.builder().transport(transport).engineOptions(FAST)
                .build());
    }

    static Job settle(JobHandle handle) {
        return ProtectedWeb.succeed(handle);
    }

    /** Registers and connects both sites, pairs Gold, maps Corp, protects vm-1 and vm-2, saves a two-group plan. */
    void setUpProtection() {
        ProtectedWeb.setUp(vault, siteA, siteB);
    }

    @Override
    public void close() {
        siteA.close();
        siteB.close();
        linkA.close();
        linkB.close();
        vault.close();
        transport.close();
        if (standby != null) {
            standby.close();
        }
    }
}
