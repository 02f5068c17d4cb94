package dev.secondsite.core.testing;

import static dev.secondsite.core.testing.FakeReplicaFixture.A1;
import static dev.secondsite.core.testing.FakeReplicaFixture.A2;
import static dev.secondsite.core.testing.FakeReplicaFixture.B1;
import static dev.secondsite.core.testing.FakeReplicaFixture.B2;
import static dev.secondsite.core.testing.FakeReplicaFixture.NAME;
import static dev.secondsite.core.testing.FakeReplicaFixture.SETTINGS;
import static dev.secondsite.core.testing.FakeReplicaFixture.VM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.vault.HostCommandMapping;
import dev.secondsite.core.inventory.PowerState;
import dev.secondsite.core.protection.Authentication;
import dev.secondsite.core.protection.InitialReplication;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.RecoveryPointChoice;
import dev.secondsite.core.spi.TestNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Preconditions, idempotency, history, faults and thread-safety of {@link FakeHostDriver}. */
class FakeHostDriverTest {
    private final FakeReplicaFixture f = new FakeReplicaFixture();

    private static HostCommand failover() {
        return new HostCommand.Failover(VM, NAME, RecoveryPointChoice.latest());
    }

    private static HostCommand status() {
        return new HostCommand.GetReplicationStatus(VM, NAME);
    }

    private static void assertMentions(CommandResult result, String text) {
        assertTrue(result.message().contains(text), "'" + text + "' not in: " + result.message());
    }

    @Test
    @DisplayName("E1 forSites seeds every VM of the inventory unreplicated, with its power state and networks")
    void forSitesSeedsInventory() {
        FakeHostDriver fake = FakeHostDriver.forSites(TestSites.primary(), TestSites.recovery());

        assertEquals(List.of("vm-1", "vm-2", "vm-3"), fake.vms().stream().map(FakeVm::id).toList());
        assertEquals(java.util.Set.of(A1, A2, B1, B2), fake.hosts());
        FakeVm web3 = fake.vm("vm-3");
        assertEquals("Disabled", web3.state());
        assertEquals(A2, web3.primary().host());
        assertEquals(PowerState.RUNNING, web3.primary().power());
        assertEquals("Corp", web3.primary().network("nic0").orElseThrow());
        assertNull(web3.replica());
        assertThrows(IllegalArgumentException.class, () -> fake.vm("vm-404"));
    }

    @Test
    @DisplayName("C12 E1 enabling towards a host that is not a replica server is refused and changes nothing")
    void enableNeedsReplicaServer() {
        CommandResult result = f.refused(A1, new HostCommand.EnableReplication(VM, NAME, B1, HostCommandMapping.parameters(SETTINGS)));

        assertMentions(result, "not configured as a Hyper-V Replica server");
        assertEquals("Disabled", f.vm().state());
    }

    @Test
    @DisplayName("C8 C9 enabling with another authentication or port than the replica server accepts is refused")
    void enableNeedsMatchingAuthentication() {
        f.ok(B1, new HostCommand.ConfigureReplicaServer(HostCommandMapping.parameters(SETTINGS)));
        ReplicationSettings kerberos = SETTINGS.toBuilder().authentication(Authentication.KERBEROS).build();
        ReplicationSettings otherPort = SETTINGS.toBuilder().port(9000).build();

        assertMentions(f.refused(A1, new HostCommand.EnableReplication(VM, NAME, B1, HostCommandMapping.parameters(kerberos))), "Kerberos");
        assertMentions(f.refused(A1, new HostCommand.EnableReplication(VM, NAME, B1, HostCommandMapping.parameters(otherPort))), "port 9000");
        f.refused(A1, new HostCommand.EnableReplication(VM, NAME, A1, HostCommandMapping.parameters(SETTINGS)));
        f.ok(A1, new HostCommand.EnableReplication(VM, NAME, B1, HostCommandMapping.parameters(SETTINGS)));
        assertMentions(f.refused(A1, new HostCommand.EnableReplication(VM, NAME, B1, HostCommandMapping.parameters(SETTINGS))), "already enabled");
    }

    @Test
    @DisplayName("E1 initial replication before replication is enabled, or twice, is refused")
    void initialReplicationOrder() {
        HostCommand start = new HostCommand.StartInitialReplication(VM, NAME, HostCommandMapping.method(InitialReplication.overNetworkNow()),
                null);
        assertMentions(f.refused(A1, start), "must be in state ReadyForInitialReplication");
        f.protect();
        f.refused(A1, start);
    }

    @Test
    @DisplayName("F2 PrepareFailover needs the primary VM off and Replicating")
    void prepareNeedsOffAndReplicating() {
        HostCommand prepare = new HostCommand.PrepareFailover(VM, NAME);
        f.ok(A1, new HostCommand.StopVm(VM, NAME, false));
        assertMentions(f.refused(A1, prepare), "must be in state Replicating");
        f.ok(A1, new HostCommand.StartVm(VM, NAME, false));
        f.protect();
        assertMentions(f.refused(A1, prepare), "must be turned off");
        f.fake.startResynchronization(VM);
        f.ok(A1, new HostCommand.StopVm(VM, NAME, true));
        f.refused(A1, prepare);
        f.fake.finishResynchronization(VM);

        f.ok(A1, prepare);

        assertEquals("PreparedForFailover", f.vm().state());
        assertMentions(f.refused(A1, new HostCommand.StartVm(VM, NAME, false)), "prepared for failover");
        f.ok(A1, new HostCommand.CancelFailover(VM, NAME));
        assertEquals("Replicating", f.vm().state());
    }

    @Test
    @DisplayName("F3 Failover runs on the replica host only, of a replicated VM, and not during a test failover")
    void failoverPreconditions() {
        assertMentions(f.refused(B1, failover()), "unable to find a virtual machine");
        f.ok(B1, new HostCommand.ConfigureReplicaServer(HostCommandMapping.parameters(SETTINGS)));
        f.ok(A1, new HostCommand.EnableReplication(VM, NAME, B1, HostCommandMapping.parameters(SETTINGS)));
        assertMentions(f.refused(B1, failover()), "cannot fail over in state ReadyForInitialReplication");
        f.ok(A1, new HostCommand.StartInitialReplication(VM, NAME, HostCommandMapping.method(InitialReplication.overNetworkNow()), null));
        assertMentions(f.refused(A1, failover()), "is not a replica");
        assertMentions(f.refused(B2, failover()), "unable to find a virtual machine");
        f.ok(B1, new HostCommand.TestFailover(VM, NAME, RecoveryPointChoice.latest(), TestNetwork.none()));
        assertMentions(f.refused(B1, failover()), "test failover");
        f.ok(B1, new HostCommand.CleanupTestFailover(VM, NAME));

        f.ok(B1, failover());
        assertMentions(f.refused(B1, failover()), "FailedOverWaitingCompletion");
    }

    @Test
    @DisplayName("F3 a chosen recovery point that does not exist, or a missing app-consistent point, is refused")
    void recoveryPointChoices() {
        FakeReplicaFixture noVss = new FakeReplicaFixture(b -> b.replicating(VM, B1, ReplicationSettings.defaults()));
        assertMentions(noVss.refused(B1, new HostCommand.Failover(VM, NAME, RecoveryPointChoice.of("rp-x"))),
                "'rp-x' of 'web-01' was not found");
        assertMentions(noVss.refused(B1, new HostCommand.Failover(VM, NAME,
                RecoveryPointChoice.latestAppConsistent())), "no application-consistent recovery point");
        noVss.ok(B1, new HostCommand.Failover(VM, NAME, RecoveryPointChoice.of("vm-1/rp1")));
    }

    @Test
    @DisplayName("F4 CompleteFailover needs FailedOverWaitingCompletion; F5 an unplanned failover is completed before reverse")
    void completeAndReverseOrder() {
        f.protect();
        HostCommand complete = new HostCommand.CompleteFailover(VM, NAME);
        HostCommand reverse = new HostCommand.ReverseReplication(VM, NAME, A1, HostCommandMapping.parameters(SETTINGS));
        f.ok(A1, new HostCommand.ConfigureReplicaServer(HostCommandMapping.parameters(SETTINGS)));
        assertMentions(f.refused(B1, complete), "must be in state FailedOverWaitingCompletion");
        assertMentions(f.refused(B1, reverse), "only after a failover");
        f.ok(B1, failover());
        assertMentions(f.refused(B1, reverse), "complete it first");
        f.ok(B1, complete);
        assertMentions(f.refused(B1, reverse), "must be turned off");
        f.ok(A1, new HostCommand.StopVm(VM, NAME, false));

        f.ok(B1, reverse);

        assertEquals("ReadyForInitialReplication", f.vm().state());
    }

    @Test
    @DisplayName("F1 F3 a replica VM starts only once failed over; Stop-VMFailover needs the failed-over VM off")
    void replicaStartsOnlyWhenFailedOver() {
        f.protect();
        assertMentions(f.refused(B1, new HostCommand.StartVm(VM, NAME, false)), "is a replica virtual machine");
        assertMentions(f.refused(B1, new HostCommand.StartVm(VM, NAME, true)), "web-01 - Test");
        assertMentions(f.refused(B1, new HostCommand.CleanupTestFailover(VM, NAME)), "no test failover");
        assertMentions(f.refused(B1, new HostCommand.CancelFailover(VM, NAME)), "no failover");
        f.ok(B1, failover());
        f.ok(B1, new HostCommand.StartVm(VM, NAME, false));
        assertMentions(f.refused(B1, new HostCommand.CancelFailover(VM, NAME)), "turn off");
        f.ok(B1, new HostCommand.StopVm(VM, NAME, true));
        f.ok(B1, new HostCommand.CancelFailover(VM, NAME));
        assertEquals("Replicating", f.vm().state());
    }

    @Test
    @DisplayName("E4 replication is not removed during a failover or a test failover")
    void disableRefusals() {
        f.protect();
        f.ok(B1, new HostCommand.TestFailover(VM, NAME, RecoveryPointChoice.latest(), TestNetwork.none()));
        assertMentions(f.refused(A1, new HostCommand.DisableReplication(VM, NAME, true)), "test failover");
        f.ok(B1, new HostCommand.CleanupTestFailover(VM, NAME));
        f.ok(B1, failover());
        assertMentions(f.refused(B1, new HostCommand.DisableReplication(VM, NAME, true)), "cancel the failover");
    }

    @Test
    @DisplayName("INPUT a VM is found by id and name on the host that holds it; scripts are not host commands")
    void lookupAndScripts() {
        f.refused(A1, new HostCommand.StopVm(VM, "web-99", false));
        f.refused(A2, new HostCommand.StopVm(VM, NAME, false));
        assertMentions(f.run(A1, new HostCommand.StopVm("vm-404", NAME, false)), "unable to find");
        assertMentions(f.refused(A1, new HostCommand.RunScript("\\\\lib\\x.ps1", Duration.ofMinutes(1))),
                "ScriptRunner");
        assertMentions(f.ok(A1, new HostCommand.StartVm(VM, NAME, false)), "already running");
    }

    @Test
    @DisplayName("T2 a host that is down fails transiently; an unknown host or another server's host fails permanently")
    void hostsDownUnknownOrForeign() {
        f.fake.hostDown(A1);
        assertEquals(PowerState.OFF, f.vm().primary().power(), "a host going down takes its VMs down");
        assertEquals(CommandResult.Outcome.TRANSIENT_FAILURE, f.run(A1, status()).outcome());
        f.fake.hostUp(A1);
        f.ok(A1, status());

        CommandResult unknown = f.fake.execute(new CommandRequest("k-u", "vmm-a", "hv9.contoso.local", status()));
        CommandResult foreign = f.fake.execute(new CommandRequest("k-f", "vmm-b", A1, status()));

        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, unknown.outcome());
        assertMentions(unknown, "hv9.contoso.local");
        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, foreign.outcome());
        assertMentions(foreign, "belongs to server vmm-a");
        assertThrows(IllegalArgumentException.class, () -> f.fake.hostDown("hv9.contoso.local"));
    }

    @Test
    @DisplayName("J3 the same key twice: one history entry, the first result, and no second change")
    void idempotentByKey() {
        f.protect();
        f.clock.advance(Duration.ofMinutes(5));
        CommandRequest failoverOnce = f.requests.on(B1, failover());
        CommandResult first = f.fake.execute(failoverOnce);
        int entries = f.fake.history().size();
        FakeVm after = f.vm();

        CommandResult again = f.fake.execute(failoverOnce);

        assertSame(first, again);
        assertEquals(entries, f.fake.history().size());
        assertEquals(after, f.vm());
        assertEquals(1, f.fake.replays());
        assertEquals(1, f.fake.commandNamesFor(VM).stream().filter("Failover"::equals).count());
    }

    @Test
    @DisplayName("J3 a key reused for another command is refused; a failed command is not remembered and runs again")
    void keyReuseAndFailedKeys() {
        f.protect();
        CommandRequest stop = f.requests.withKey("k-1", A1, new HostCommand.StopVm(VM, NAME, false));
        assertTrue(f.fake.execute(stop).succeeded());
        CommandResult reused = f.fake.execute(f.requests.withKey("k-1", A1, new HostCommand.StartVm(VM, NAME,
                false)));
        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, reused.outcome());
        assertMentions(reused, "k-1");
        assertEquals(PowerState.OFF, f.vm().primary().power());

        CommandRequest complete = f.requests.withKey("k-2", B1, new HostCommand.CompleteFailover(VM, NAME));
        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, f.fake.execute(complete).outcome());
        f.ok(B1, failover());

        assertTrue(f.fake.execute(complete).succeeded(), "a failure changed nothing, so the same key runs again");
        assertEquals("FailedOver", f.vm().state());
    }

    @Test
    @DisplayName("J3 transient faults hit the first N attempts of each matching command; permanent faults every one")
    void injectedFaults() {
        f.fake.failTransiently(FakeHostDriver.isCommand(HostCommand.StopVm.class).and(FakeHostDriver.isForVm(VM)), 2)
                .failPermanently(FakeHostDriver.isOnHost(A2), "Access is denied");
        CommandRequest stop = f.requests.on(A1, new HostCommand.StopVm(VM, NAME, false));

        List<CommandResult.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            outcomes.add(f.fake.execute(stop).outcome());
        }
        CommandResult denied = f.run(A2, new HostCommand.StopVm("vm-3", "web-03", false));

        assertEquals(List.of(CommandResult.Outcome.TRANSIENT_FAILURE, CommandResult.Outcome.TRANSIENT_FAILURE,
                CommandResult.Outcome.SUCCEEDED), outcomes);
        assertEquals(3, f.fake.historyFor(VM).size(), "every attempt is in the history");
        assertEquals(CommandResult.permanentFailure("Access is denied"), denied);
        assertEquals(PowerState.RUNNING, f.fake.vm("vm-3").primary().power());
        f.fake.clearFaults();
        f.ok(A2, new HostCommand.StopVm("vm-3", "web-03", false));
    }

    @Test
    @DisplayName("J3 random transient faults with a seed are reproducible")
    void seededFaultsAreReproducible() {
        assertEquals(randomOutcomes(42), randomOutcomes(42));
        assertNotEquals(randomOutcomes(42), randomOutcomes(7));
        assertTrue(randomOutcomes(42).contains(CommandResult.Outcome.TRANSIENT_FAILURE));
        assertTrue(randomOutcomes(42).contains(CommandResult.Outcome.SUCCEEDED));
    }

    private List<CommandResult.Outcome> randomOutcomes(long seed) {
        FakeReplicaFixture fixture = new FakeReplicaFixture();
        fixture.fake.failRandomly(0.5, seed);
        List<CommandResult.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            outcomes.add(fixture.run(A1, status()).outcome());
        }
        return outcomes;
    }

    @Test
    @DisplayName("J3 the latency function is asked for every command that reaches the host, never for a replay")
    void latencyPerCommand() {
        List<String> asked = new CopyOnWriteArrayList<>();
        FakeReplicaFixture timed = new FakeReplicaFixture(b -> b.latency(r -> {
            asked.add(r.idempotencyKey());
            return Duration.ZERO;
        }));
        CommandRequest status = timed.requests.on(A1, status());

        timed.fake.execute(status);
        timed.fake.execute(status);
        timed.run(A1, status());

        assertEquals(List.of("key-1", "key-2"), asked);
    }

    @Test
    @DisplayName("RP3 a command held in flight does not block commands of other VMs")
    void heldCommandDoesNotBlockOthers() throws Exception {
        FakeHostDriver.Hold hold = f.fake.hold(FakeHostDriver.isForVm(VM));
        CompletableFuture<CommandResult> slow = CompletableFuture.supplyAsync(() -> f.run(A1, status()));
        assertTrue(hold.awaitHeld(1));

        CommandResult other = f.run(A1, new HostCommand.GetReplicationStatus("vm-2", "web-02"));

        assertTrue(other.succeeded());
        assertFalse(slow.isDone());
        hold.release();
        assertTrue(slow.get(10, TimeUnit.SECONDS).succeeded());
        assertEquals(List.of("vm-2", VM), f.fake.history().stream().map(e -> e.command().vmId()).toList());
    }

    @Test
    @DisplayName("RP3 commands from many threads are each applied once, in one history")
    void concurrentCommands() throws Exception {
        FakeHostDriver.Builder builder = FakeHostDriver.builder().clock(f.clock).sites(f.primary, f.recovery)
                .replicaServer(B1, Authentication.CERTIFICATE, 8084);
        for (int i = 0; i < 40; i++) {
            builder.vm(dev.secondsite.core.inventory.Vm.builder("x-" + i, "app-" + i).host(A1).nic("Corp").build());
        }
        FakeHostDriver fake = builder.build();
        ReplicationSettings settings = ReplicationSettings.defaults();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<CommandResult>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                CommandRequest enable = f.requests.on(A1, new HostCommand.EnableReplication("x-" + i, "app-" + i, B1,
                        HostCommandMapping.parameters(settings)));
                results.add(CompletableFuture.supplyAsync(() -> fake.execute(enable), pool));
                results.add(CompletableFuture.supplyAsync(() -> fake.execute(enable), pool));
            }
            for (CompletableFuture<CommandResult> r : results) {
                assertTrue(r.get(10, TimeUnit.SECONDS).succeeded());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(40, fake.history().size());
        assertEquals(40, fake.replays());
        assertTrue(fake.vms().stream().filter(v -> v.id().startsWith("x-"))
                .allMatch(v -> v.state().equals("ReadyForInitialReplication")));
    }
}
