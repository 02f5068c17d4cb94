package dev.secondsite.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.vault.HostCommandMapping;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.protection.InitialReplication;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The two sites of {@link TestSites} in a {@link FakeHostDriver} on a {@link MutableClock}, with helpers that run a
 * command and assert how it ended. VM {@code vm-1} ("web-01") runs on {@link #A1} and is protected to {@link #B1}.
 */
final class FakeReplicaFixture {
    static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    static final String A1 = "hv1-a.contoso.local";
    static final String A2 = "hv2-a.contoso.local";
    static final String B1 = "hv1-b.contoso.local";
    static final String B2 = "hv2-b.contoso.local";
    static final String VM = "vm-1";
    static final String NAME = "web-01";
    /** 4 additional hourly points, app-consistent every 2 hours, certificate on 8084. */
    static final ReplicationSettings SETTINGS = ReplicationSettings.builder().additionalRecoveryPoints(4)
            .appConsistentFrequencyHours(2).build();

    final MutableClock clock = new MutableClock(T0);
    final Site primary = TestSites.primary();
    final Site recovery = TestSites.recovery();
    final FakeRequests requests = FakeRequests.forSites(primary, recovery);
    final FakeHostDriver fake;

    FakeReplicaFixture() {
        this(b -> { });
    }

    FakeReplicaFixture(Consumer<FakeHostDriver.Builder> customize) {
        FakeHostDriver.Builder builder = FakeHostDriver.builder().clock(clock).sites(primary, recovery);
        customize.accept(builder);
        fake = builder.build();
    }

    CommandResult run(String host, HostCommand command) {
        return fake.execute(requests.on(host, command));
    }

    CommandResult ok(String host, HostCommand command) {
        CommandResult result = run(host, command);
        assertTrue(result.succeeded(), command.describe() + " on " + host + ": " + result.message());
        return result;
    }

    /** Runs a command that must be refused permanently, and checks that the refusal changed nothing. */
    CommandResult refused(String host, HostCommand command) {
        FakeVm before = command.vmId() == null ? null : fake.vm(command.vmId());
        CommandResult result = run(host, command);
        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, result.outcome(), result.message());
        if (before != null) {
            assertEquals(before, fake.vm(command.vmId()), "a refused " + command.describe() + " changed the VM");
        }
        return result;
    }

    /** C12, E1: configure B1 as replica server, enable replication of vm-1 to it, replicate over the network now. */
    void protect() {
        ok(B1, new HostCommand.ConfigureReplicaServer(HostCommandMapping.parameters(SETTINGS)));
        ok(A1, new HostCommand.EnableReplication(VM, NAME, B1, HostCommandMapping.parameters(SETTINGS)));
        ok(A1, new HostCommand.StartInitialReplication(VM, NAME, HostCommandMapping.method(InitialReplication.overNetworkNow()), null));
    }

    FakeVm vm() {
        return fake.vm(VM);
    }
}
