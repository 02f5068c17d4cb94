package dev.secondsite.transport.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.protection.ProtectionState;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.testing.ProtectedWeb;
import dev.secondsite.core.testing.TestSites;
import dev.secondsite.core.vault.PlannedFailoverOptions;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultOptions;
import dev.secondsite.hyperv.HyperVDriver;
import dev.secondsite.hyperv.VmmSiteReader;
import dev.secondsite.hyperv.sim.SimulatedFabric;
import dev.secondsite.hyperv.sim.model.HyperVEnums.AllowedAuthenticationType;
import dev.secondsite.hyperv.sim.model.ReplicaServerSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end case with the real driver: a vault on HTTPS and two providers over HTTPS, each driving the
 * simulated Hyper-V fabric through {@link HyperVDriver} (the same PowerShell scripts a real host gets) and syncing its
 * inventory through {@link VmmSiteReader}.
 */
class HttpsOnFabricTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("T1 T2 R6 a plan's planned failover over HTTPS with two providers driving the simulated Hyper-V fabric: every VM fails over once")
    void planFailoverOverHttpsOnFabric() {
        Site primary = TestSites.primary();
        Site recovery = TestSites.recovery();
        SimulatedFabric.Builder fb = SimulatedFabric.builder().site(primary).site(recovery);
        // C8: the hosts carry the certificates certificate authentication uses (a real provider deploys them)
        for (Site s : List.of(primary, recovery)) {
            s.hosts().forEach(h -> fb.replicaServer(h.name(), new ReplicaServerSettings(false,
                    AllowedAuthenticationType.Kerberos, false, 80, 443, thumbprint(h.name()),
                    ReplicaServerSettings.DEFAULT.defaultStorageLocation())));
        }
        SimulatedFabric fabric = fb.build();
        HttpsTransport transport = HttpsTransport.builder(new InetSocketAddress("127.0.0.1", 0))
                .caDirectory(dir.resolve("ca")).limits(HttpsWorld.QUICK).build();
        try (Vault vault = Vault.create(VaultOptions.builder("HTTPS fabric DR", "westeurope")
                     .storage(dir.resolve("vault")).transport(transport).engineOptions(HttpsWorld.FAST).build());
             HttpsVaultLink linkA = link(transport);
             HttpsVaultLink linkB = link(transport);
             Provider siteA = provider(fabric, primary, linkA);
             Provider siteB = provider(fabric, recovery, linkB)) {
            ProtectedWeb.setUp(vault, siteA, siteB);

            Job job = HttpsWorld.settle(vault.plans().plannedFailover("Web", PlannedFailoverOptions.defaults()));

            assertEquals(JobState.SUCCEEDED, job.state());
            for (String vmId : List.of("vm-1", "vm-2")) {
                var vm = vault.protectedVms().get(vmId);
                assertEquals(ProtectionState.FAILED_OVER, vm.state(), vmId);
                String name = vm.vmName();
                assertEquals(1, fabric.count(vm.replicaHost(), "Start-VMFailover", name),
                        () -> name + " failed over once on its replica host: " + fabric.sideEffectsFor(name));
                assertEquals(1, fabric.count(vm.replicaHost(), "Start-VM", name),
                        () -> name + " started once on the recovery site: " + fabric.sideEffectsFor(name));
            }
            assertTrue(vault.servers().connection("vmm-b").isConnected());
        } finally {
            transport.close();
        }
    }

    private static HttpsVaultLink link(HttpsTransport transport) {
        return HttpsVaultLink.builder(transport.uri()).trust(transport.caCertificate())
                .heartbeatEvery(Duration.ofMillis(500)).maxBackoff(Duration.ofMillis(500)).build();
    }

    private static Provider provider(SimulatedFabric fabric, Site site, HttpsVaultLink link) {
        return Provider.builder(site.id(), new VmmSiteReader(fabric.on(site.name()), site.id(), site.name(),
                        Duration.ofMinutes(1)))
                .hostDriver(HyperVDriver.builder().powerShell(fabric.on(site.name())).build())
                .vaultLink(link).build();
    }

    /** A 40-hex-digit thumbprint per host. */
    private static String thumbprint(String host) {
        return String.format("%040X", new java.math.BigInteger(1, host.getBytes(
                java.nio.charset.StandardCharsets.UTF_8)).mod(java.math.BigInteger.TEN.pow(40)));
    }
}
