package dev.secondsite.transport.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.protection.ProtectionState;
import dev.secondsite.core.spi.ConnectionStatus;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.testing.FakeHostDriver;
import dev.secondsite.core.vault.JobHandle;
import dev.secondsite.core.vault.PlannedFailoverOptions;
import java.nio.file.Path;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpsFailoverTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("T1 T2 R6 a plan's planned failover runs over HTTPS on loopback with two providers, primary and recovery")
    void planFailoverOverHttps() {
        try (HttpsWorld world = new HttpsWorld(dir)) {
            world.setUpProtection();
            ConnectionStatus a = world.vault.servers().connection("vmm-a");
            assertTrue(a.isConnected(), a.toString());
            assertTrue(a.lastHeartbeatValue().isPresent(), "the vault shows when it last heard from vmm-a");
            Job job = HttpsWorld.settle(world.vault.plans().plannedFailover("Web", PlannedFailoverOptions.defaults()));
            assertEquals(JobState.SUCCEEDED, job.state());
            assertEquals(ProtectionState.FAILED_OVER, world.vault.configuration().protection().protectedVm("vm-1")
                    .orElseThrow().state());
            assertTrue(world.hosts.commandNamesFor("vm-2").contains("Failover"), world.hosts.commandNamesFor("vm-2")
                    .toString());
            assertUniqueKeys(world.hosts);
        }
    }

    @Test
    @DisplayName("J3 T2 a vault restart while providers are connected: they reconnect, the running job completes, no host command runs twice")
    void vaultRestartWhileRunning() throws Exception {
        try (HttpsWorld world = new HttpsWorld(dir)) {
            world.setUpProtection();
            FakeHostDriver.Hold hold = world.hosts.hold(FakeHostDriver.isCommand(HostCommand.Failover.class));
            JobHandle running = world.vault.plans().plannedFailover("Web", PlannedFailoverOptions.defaults());
            assertTrue(hold.awaitHeld(1), "a failover command is under way on a host");
            String jobId = running.id().value();
            world.restartVault();
            hold.release();
            Job job = HttpsWorld.settle(world.vault.jobs().handle(new dev.secondsite.core.vault.JobId(jobId)));
            assertEquals(JobState.SUCCEEDED, job.state());
            assertTrue(world.siteA.isConnected() && world.siteB.isConnected());
            assertTrue(world.vault.servers().connection("vmm-a").isConnected(), "vmm-a reconnected");
            assertUniqueKeys(world.hosts);
            assertEquals(ProtectionState.FAILED_OVER, world.vault.configuration().protection().protectedVm("vm-2")
                    .orElseThrow().state());
        }
    }

    @Test
    @DisplayName("J1 J3 a command that fails transiently over HTTPS is retried with its key and runs again on the "
            + "host until it succeeds (only successes are remembered by key)")
    void transientFailureRetriedOverHttps() {
        try (HttpsWorld world = new HttpsWorld(dir)) {
            world.setUpProtection();
            world.hosts.failTransiently(FakeHostDriver.isCommand(HostCommand.Failover.class), 2);
            Job job = HttpsWorld.settle(world.vault.plans().plannedFailover("Web", PlannedFailoverOptions.defaults()));
            assertEquals(JobState.SUCCEEDED, job.state());
            long failovers = world.hosts.history().stream()
                    .filter(e -> e.request().command() instanceof HostCommand.Failover).count();
            assertEquals(6, failovers, "two VMs, each failover command run three times: "
                    + world.hosts.history());
            assertEquals(0, world.hosts.replays(), "no succeeded command reached the driver a second time");
        }
    }

    /** No command reached a host twice: every execution the driver saw has its own idempotency key. */
    static void assertUniqueKeys(FakeHostDriver hosts) {
        List<FakeHostDriver.Execution> history = hosts.history();
        Set<String> keys = new HashSet<>();
        for (FakeHostDriver.Execution e : history) {
            assertTrue(keys.add(e.request().idempotencyKey()), "ran twice: " + e.request());
        }
        assertFalse(history.isEmpty());
        assertEquals(0, hosts.replays(), "no command reached the driver a second time");
    }

}
