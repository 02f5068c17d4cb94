package dev.secondsite.hyperv.it;

import static dev.secondsite.hyperv.it.TwoSites.A;
import static dev.secondsite.hyperv.it.TwoSites.B;
import static dev.secondsite.hyperv.it.TwoSites.VMM_A;
import static dev.secondsite.hyperv.it.TwoSites.VMM_B;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.secondsite.core.Secret;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.job.EngineOptions;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.CopyFrequency;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.ProtectedVm;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.protection.StorageMapping;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.provider.RegistrationOptions;
import dev.secondsite.core.vault.JobHandle;
import dev.secondsite.core.vault.JobTimeoutException;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultOptions;
import dev.secondsite.hyperv.HyperVDriver;
import dev.secondsite.hyperv.PowerShellScriptRunner;
import dev.secondsite.hyperv.VmmSiteReader;
import dev.secondsite.hyperv.sim.SimulatedFabric;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The core engine over the simulated fabric: a vault (on the fabric's clock) and the providers of VMM servers
 * {@value TwoSites#VMM_A} and {@value TwoSites#VMM_B} on a {@code local:} hub of their own, each provider with a
 * {@link HyperVDriver} and a {@link PowerShellScriptRunner} over {@code fabric.on(itsServer)} and a
 * {@link VmmSiteReader} over the same as its site supplier, registered and connected.
 *
 * <p>Not thread-safe; one per test, closed after it.
 */
final class DrOnFabric implements AutoCloseable {
    static final CloudRef GOLD = new CloudRef(A, "Gold");
    static final Duration WAIT = Duration.ofSeconds(60);
    /** Quick retries, so that a transient fault costs milliseconds. */
    static final EngineOptions FAST = EngineOptions.builder().parallelism(4).maxAttempts(6)
            .backoff(Duration.ofMillis(1), Duration.ofMillis(8)).build();
    private static final AtomicInteger HUBS = new AtomicInteger();

    final TwoSites sites;
    final SimulatedFabric fabric;
    final ReplicationSettings settings;
    final Vault vault;
    final Provider siteA;
    final Provider siteB;

    DrOnFabric() {
        this(defaultSettings().build(), SimulatedFabric.builder());
    }

    DrOnFabric(ReplicationSettings settings) {
        this(settings, SimulatedFabric.builder());
    }

    DrOnFabric(ReplicationSettings settings, SimulatedFabric.Builder fabricBuilder) {
        this(settings, fabricBuilder, FAST);
    }

    DrOnFabric(ReplicationSettings settings, SimulatedFabric.Builder fabricBuilder, EngineOptions engine) {
        this(settings, new TwoSites(fabricBuilder), engine);
    }

    /** On {@code sites} (e.g. with restored copies on the recovery site). */
    DrOnFabric(ReplicationSettings settings, TwoSites sites, EngineOptions engine) {
        this.sites = sites;
        this.fabric = sites.fabric;
        this.settings = settings;
        URI hub = URI.create("local:hv-integ-" + HUBS.incrementAndGet());
        this.vault = Vault.create(VaultOptions.builder("Fabric DR", "westeurope").clock(sites.clock).transport(hub)
                .engineOptions(engine).build());
        this.siteA = provider(hub, A, VMM_A);
        this.siteB = provider(hub, B, VMM_B);
        Secret key = vault.servers().generateRegistrationKey().encoded();
        siteA.register(key, RegistrationOptions.defaults());
        siteB.register(key, RegistrationOptions.defaults());
        siteA.connect();
        siteB.connect();
    }

    /** 5 minutes, 4 extra points, app-consistent every 2 hours, certificate on 8084 (the defaults otherwise). */
    static ReplicationSettings.Builder defaultSettings() {
        return ReplicationSettings.builder().copyFrequency(CopyFrequency.FIVE_MINUTES).additionalRecoveryPoints(4)
                .appConsistentFrequencyHours(2);
    }

    private Provider provider(URI hub, String siteId, String server) {
        return Provider.builder(server, new VmmSiteReader(fabric.on(server), siteId, server, Duration.ofMinutes(1)))
                .hostDriver(sites.driver(server))
                .scriptRunner(new PowerShellScriptRunner(fabric.on(server)))
                .vault(hub).build();
    }

    /** Waits for the job to end, resuming each manual action it waits for with {@code comment}. */
    Job finish(JobHandle handle, String comment) {
        Job job = settle(handle);
        while (job.state() == JobState.WAITING_FOR_ACTION) {
            handle.resume(comment);
            job = settle(handle);
        }
        return job;
    }

    Job settle(JobHandle handle) {
        try {
            return handle.awaitSettled(WAIT).job();
        } catch (JobTimeoutException e) {
            throw new AssertionError("job " + handle.id() + " did not settle: " + handle.poll(), e);
        }
    }

    /** {@link #finish} and asserts the job SUCCEEDED. */
    Job succeed(JobHandle handle) {
        Job job = finish(handle, "done by the suite");
        assertEquals(JobState.SUCCEEDED, job.state(), () -> "job " + job.kind() + " errors " + job.errors()
                + " tasks " + job.tasks() + "\nfabric: " + fabric.sideEffects());
        return job;
    }

    /** Gold paired with GoldDR, Corp mapped to CorpDR, Gold-SSD to DR-SSD. */
    DrOnFabric pairAndMap() {
        succeed(vault.pairings().pair(CloudPairing.of(GOLD, B, "GoldDR", settings)));
        succeed(vault.mappings().mapNetwork(new NetworkMapping(A, "Corp", B, "CorpDR")));
        succeed(vault.mappings().mapStorage(new StorageMapping(A, "Gold-SSD", B, "DR-SSD")));
        return this;
    }

    DrOnFabric protect(String... vmIds) {
        succeed(vault.protectedVms().enable(GOLD, List.of(vmIds)));
        return this;
    }

    ProtectedVm vm(String vmId) {
        return vault.protectedVms().get(vmId);
    }

    /** The host of the recovery site that holds {@code vmId}'s replica. */
    String replicaHost(String vmId) {
        String host = vm(vmId).replicaHost();
        if (host == null) {
            throw new AssertionError("no replica host recorded for " + vmId);
        }
        return host;
    }

    /** How many times {@code cmdlet} changed {@code vmName} on {@code host}. */
    long count(String host, String cmdlet, String vmName) {
        return fabric.count(host, cmdlet, vmName);
    }

    @Override
    public void close() {
        siteA.close();
        siteB.close();
        vault.close();
    }
}
