package dev.secondsite.hyperv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.HostGroup;
import dev.secondsite.core.inventory.LogicalNetwork;
import dev.secondsite.core.inventory.PowerState;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.inventory.VmNetwork;
import dev.secondsite.core.inventory.WindowsServerVersion;
import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.HostCommand.AuthenticationType;
import dev.secondsite.core.spi.HostCommand.InitialReplicationMethod;
import dev.secondsite.core.spi.HostCommand.ReplicationParameters;
import dev.secondsite.hyperv.sim.SimulatedFabric;
import dev.secondsite.hyperv.sim.model.SettableClock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * C10 initial replication from an existing replica, the driver's scripts run on the simulated fabric: the replica
 * host takes its restored copy with -AsReplica, the primary enables replication and starts it with -UseBackup.
 */
class ExistingReplicaOnFabricTest {
    private static final String VMM_A = "vmm-a.contoso.local";
    private static final String VMM_B = "vmm-b.contoso.local";
    private static final String HV_A = "hv1-a.contoso.local";
    private static final String HV_B = "hv1-b.contoso.local";
    private static final String VM = "web-01";
    private static final String VM_ID = "6f1d3f7e-0000-4000-8000-000000000001";
    private static final ReplicationParameters SETTINGS = new ReplicationParameters(300, 2, 0, true,
            AuthenticationType.KERBEROS, 8083);
    private static final HostCommand.StartInitialReplication USE_BACKUP = new HostCommand.StartInitialReplication(
            VM_ID, VM, new InitialReplicationMethod.UsingExistingReplica(), null);

    private final AtomicInteger keys = new AtomicInteger();

    private static Site site(String tag, String server, String network, Vm vm) {
        String host = "hv1-" + tag + ".contoso.local";
        return Site.builder("site-" + tag, server).hostGroup(HostGroup.of("HG-" + tag))
                .host(Host.of(host, WindowsServerVersion.WS2022, "HG-" + tag))
                .logicalNetwork(new LogicalNetwork("LN-" + tag)).vmNetwork(new VmNetwork(network, "LN-" + tag))
                .cloud(Cloud.hyperV("Gold-" + tag, List.of("HG-" + tag), List.of("LN-" + tag))).vm(vm).build();
    }

    /** web-01 running on hv1-a; with {@code restored}, a copy of it (same id, off) restored on hv1-b. */
    private static SimulatedFabric fabric(boolean restored) {
        Site a = site("a", VMM_A, "Corp", Vm.builder(VM_ID, VM).host(HV_A).nic("Corp").build());
        Site.Builder b = Site.builder("site-b", VMM_B).hostGroup(HostGroup.of("HG-b"))
                .host(Host.of(HV_B, WindowsServerVersion.WS2022, "HG-b"))
                .logicalNetwork(new LogicalNetwork("LN-b")).vmNetwork(new VmNetwork("CorpDR", "LN-b"))
                .cloud(Cloud.hyperV("Gold-b", List.of("HG-b"), List.of("LN-b")));
        if (restored) {
            b.vm(Vm.builder(VM_ID, VM).host(HV_B).powerState(PowerState.OFF).nic("CorpDR").build());
        }
        return SimulatedFabric.builder().site(a).site(b.build())
                .clock(new SettableClock(Instant.parse("2026-01-05T08:00:00Z"))).build();
    }

    private CommandResult run(SimulatedFabric fabric, String server, String host, HostCommand command) {
        HyperVDriver driver = HyperVDriver.builder().powerShell(fabric.on(server)).build();
        return driver.execute(new CommandRequest("job/enable/" + keys.incrementAndGet(), server, host, command));
    }

    private CommandResult ok(SimulatedFabric fabric, String server, String host, HostCommand command) {
        CommandResult result = run(fabric, server, host, command);
        assertTrue(result.succeeded(), command.describe() + ": " + result.message());
        return result;
    }

    @Test
    @DisplayName("C10 existing replica: -AsReplica on the replica host, enable on the primary, -UseBackup: the "
            + "restored copy replicates, and re-sends change nothing twice")
    void existingReplica() {
        SimulatedFabric fabric = fabric(true);
        ok(fabric, VMM_B, HV_B, new HostCommand.ConfigureReplicaServer(SETTINGS));
        HostCommand.EnableExistingReplica asReplica = new HostCommand.EnableExistingReplica(VM_ID, VM, HV_A);
        ok(fabric, VMM_B, HV_B, asReplica);
        ok(fabric, VMM_A, HV_A, new HostCommand.EnableReplication(VM_ID, VM, HV_B, SETTINGS));
        ok(fabric, VMM_A, HV_A, USE_BACKUP);

        // J3: re-sent after a crash (new driver, so nothing remembered): the host's state answers
        ok(fabric, VMM_B, HV_B, asReplica);
        ok(fabric, VMM_A, HV_A, USE_BACKUP);
        assertEquals(1, fabric.count(HV_B, "Enable-VMReplication", VM));
        assertEquals(1, fabric.count(HV_A, "Start-VMInitialReplication", VM));

        CommandResult status = ok(fabric, VMM_A, HV_A, new HostCommand.GetReplicationStatus(VM_ID, VM));
        assertEquals("Replicating", ((CommandOutput.ReplicationStatus) status.output()).state());
        assertEquals("CorpDR", fabric.model().vm(HV_B, VM).orElseThrow().adapters().get("nic0"),
                "the restored copy is the replica, not a new one");
    }

    @Test
    @DisplayName("C10 -UseBackup without a copy taken with -AsReplica is a permanent failure naming -AsReplica")
    void useBackupWithoutExistingReplica() {
        SimulatedFabric fabric = fabric(false);
        ok(fabric, VMM_B, HV_B, new HostCommand.ConfigureReplicaServer(SETTINGS));
        ok(fabric, VMM_A, HV_A, new HostCommand.EnableReplication(VM_ID, VM, HV_B, SETTINGS));

        CommandResult refused = run(fabric, VMM_A, HV_A, USE_BACKUP);

        assertFalse(refused.succeeded());
        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, refused.outcome());
        assertTrue(refused.message().contains("-AsReplica"), refused.message());
        assertEquals(0, fabric.count(HV_A, "Start-VMInitialReplication", VM));
    }
}
