package dev.secondsite.transport.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.protection.ProtectionState;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.provider.RegistrationOptions;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.testing.CapturingLogs;
import dev.secondsite.core.testing.FakeHostDriver;
import dev.secondsite.core.vault.JobHandle;
import dev.secondsite.core.vault.JobId;
import dev.secondsite.core.vault.PlannedFailoverOptions;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultOptions;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13: a provider given every vault instance's address follows the active one. */
class HttpsFollowActiveTest {
    @TempDir
    Path dir;

    private static HttpsVaultLink link(HttpsWorld world, List<URI> instances) {
        return HttpsVaultLink.builder(instances).trust(world.transport.caCertificate())
                .heartbeatEvery(Duration.ofMillis(500)).maxBackoff(Duration.ofMillis(500)).build();
    }

    private static CommandResult roundTrip(HttpsWorld world, String key) throws Exception {
        HttpsWorld.await(() -> world.transport.isConnected("vmm-a"), Duration.ofSeconds(20), "vmm-a connected");
        return world.transport.send(new CommandRequest(key, "vmm-a", "hv1-a.contoso.local",
                new HostCommand.GetReplicationStatus("vm-1", "web-01"))).get(30, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("issue 13 J3 links given [standby, active] register with the active instance, and after a takeover "
            + "follow the new active instance without registering again; the running plan failover completes "
            + "SUCCEEDED there and no host command runs twice")
    void followsTheActiveInstanceThroughATakeover() throws Exception {
        try (HttpsWorld world = HttpsWorld.withStandby(dir)) {
            URI first = world.transport.uri();
            URI second = world.standby.uri();
            world.setUpProtection(); // registers, syncs and runs the pairing and protection jobs' commands
            assertEquals(first, world.linkA.currentInstance(), "went to the active instance the standby named");
            assertEquals(first, world.linkB.currentInstance());
            world.siteA.sync();
            X509Certificate certificate = world.linkA.clientCertificate().orElseThrow();

            FakeHostDriver.Hold hold = world.hosts.hold(FakeHostDriver.isCommand(HostCommand.Failover.class));
            JobHandle running = world.vault.plans().plannedFailover("Web", PlannedFailoverOptions.defaults());
            assertTrue(hold.awaitHeld(1), "a failover command is under way on a host");
            String jobId = running.id().value();
            world.takeOver(); // the first instance stands by naming the second, the vault opens on the second
            hold.release();

            Job job = HttpsWorld.settle(world.vault.jobs().handle(new JobId(jobId)));
            assertEquals(JobState.SUCCEEDED, job.state());
            assertEquals(second, world.linkA.currentInstance());
            assertEquals(second, world.linkB.currentInstance());
            assertEquals(certificate, world.linkA.clientCertificate().orElseThrow(), "not registered again");
            assertEquals(List.of("vmm-a", "vmm-b"), world.vault.servers().list().stream().map(s -> s.serverId())
                    .sorted().toList());
            world.siteA.sync();
            assertTrue(world.vault.servers().connection("vmm-a").isConnected(), "vmm-a connected to the new active");
            assertEquals(ProtectionState.FAILED_OVER, world.vault.configuration().protection().protectedVm("vm-2")
                    .orElseThrow().state());
            HttpsFailoverTest.assertUniqueKeys(world.hosts);
            assertTrue(CapturingLogs.allText().contains("Provider of server vmm-a follows the active vault instance at "
                    + second + " (" + first + " answered NOT_ACTIVE)"), "the move is logged");
        }
    }

    @Test
    @DisplayName("issue 13 an instance that cannot be reached is skipped: the link registers, syncs and takes "
            + "commands at the next configured instance")
    void unreachableInstanceSkipped() throws Exception {
        try (HttpsWorld world = new HttpsWorld(dir)) {
            HttpsTransport gone = world.transport(0);
            URI goneUri = gone.uri();
            gone.close(); // nothing listens there any more: connection refused
            try (HttpsVaultLink link = link(world, List.of(goneUri, world.transport.uri()));
                 Provider provider = Provider.builder("vmm-a", () -> world.primary).hostDriver(world.hosts)
                         .vaultLink(link).build()) {
                provider.register(world.vault.servers().generateRegistrationKey().encoded(),
                        RegistrationOptions.defaults());
                assertEquals(world.transport.uri(), link.currentInstance());
                provider.sync();
                provider.connect();
                assertEquals(CommandResult.Outcome.SUCCEEDED, roundTrip(world, "skip-1").outcome());
                assertEquals(List.of("vmm-a"), world.vault.servers().list().stream().map(s -> s.serverId())
                        .toList());
                assertEquals("HttpsVaultLink[" + goneUri + ", " + world.transport.uri() + "]", link.toString());
            }
        }
    }

    @Test
    @DisplayName("issue 13 a NOT_ACTIVE naming an address that is not configured is not followed: the link tries "
            + "the next configured instance, and the vault at the named address never hears from it")
    void unconfiguredActiveNotFollowed() {
        try (HttpsWorld world = new HttpsWorld(dir);
             HttpsTransport elsewhere = world.transport(0);
             Vault elsewhereVault = Vault.create(VaultOptions.builder("Elsewhere", "westeurope")
                     .storage(dir.resolve("elsewhere")).transport(elsewhere).engineOptions(HttpsWorld.FAST).build());
             HttpsTransport standby = world.transport(0)) {
            // the standby names a live instance with the same CA, serving another vault, that the user did not list
            standby.standBy(Optional.of(elsewhere.uri()));
            try (HttpsVaultLink link = link(world, List.of(standby.uri(), world.transport.uri()));
                 Provider provider = Provider.builder("vmm-a", () -> world.primary).hostDriver(world.hosts)
                         .vaultLink(link).build()) {
                provider.register(world.vault.servers().generateRegistrationKey().encoded(),
                        RegistrationOptions.defaults());
                assertEquals(world.transport.uri(), link.currentInstance());
                assertEquals(List.of("vmm-a"), world.vault.servers().list().stream().map(s -> s.serverId())
                        .toList());
                assertTrue(elsewhereVault.servers().list().isEmpty(), "the unlisted address was never called");
                assertTrue(CapturingLogs.allText().contains("names " + elsewhere.uri() + " as the active vault "
                        + "instance, which is not one of the configured instances"), "the refusal to follow is logged");
            }
        }
    }

    @Test
    @DisplayName("issue 13 when no configured instance takes a registration in two rounds, VaultCallException "
            + "NO_ACTIVE_INSTANCE names every instance and what it answered; nothing is registered")
    void noInstanceTakesTheCall() {
        try (HttpsWorld world = new HttpsWorld(dir); HttpsTransport gone = world.transport(0)) {
            URI goneUri = gone.uri();
            gone.close();
            world.transport.standBy(Optional.empty());
            try (HttpsVaultLink link = link(world, List.of(world.transport.uri(), goneUri));
                 Provider provider = Provider.builder("vmm-a", () -> world.primary).hostDriver(world.hosts)
                         .vaultLink(link).build()) {
                VaultCallException e = assertThrows(VaultCallException.class, () -> provider.register(
                        world.vault.servers().generateRegistrationKey().encoded(), RegistrationOptions.defaults()));
                assertEquals("NO_ACTIVE_INSTANCE", e.error());
                assertTrue(e.getMessage().contains(world.transport.uri() + ": vault answered 503 NOT_ACTIVE"),
                        e.getMessage());
                assertTrue(e.getMessage().contains(goneUri + ": vault answered 0 UNREACHABLE"), e.getMessage());
                assertTrue(link.clientCertificate().isEmpty());
            }
            assertTrue(world.vault.servers().list().isEmpty(), "nothing registered");
        }
    }
}
