package dev.secondsite.hyperv;

import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.HostCommand.AuthenticationType;
import dev.secondsite.core.spi.HostCommand.InitialReplicationMethod;
import dev.secondsite.core.spi.HostCommand.ReplicationParameters;
import dev.secondsite.core.spi.RecoveryPointChoice;
import dev.secondsite.core.spi.TestNetwork;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Sample data for the driver's tests: one request per command variant, and the host answers a read gets. */
final class Samples {
    static final String VM_ID = "3f2b9a41-7c1e-4d55-9e0a-2b6f8c1d4e70";
    static final String VM = "web-01";
    static final String PRIMARY = "hv01.contoso.com";
    static final String REPLICA = "hv11.fabrikam.com";
    static final String POINT = "8d1f7c52-0a3e-4b6f-a1d2-6e9c0b7a5f31";
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final ReplicationParameters SETTINGS = new ReplicationParameters(300, 4, 2, true,
            AuthenticationType.CERTIFICATE, 8084);

    private static final AtomicInteger KEYS = new AtomicInteger();

    private Samples() {
    }

    static CommandRequest request(String host, HostCommand command) {
        return new CommandRequest("job-1/task/" + KEYS.incrementAndGet(), "server-a", host, command);
    }

    /** One request per command variant, each on the host the engine would send it to. */
    static List<CommandRequest> everyVariant() {
        List<CommandRequest> r = new ArrayList<>();
        r.add(request(REPLICA, new HostCommand.ConfigureReplicaServer(SETTINGS)));
        r.add(request(PRIMARY, new HostCommand.EnableReplication(VM_ID, VM, REPLICA, SETTINGS)));
        r.add(request(PRIMARY, new HostCommand.StartInitialReplication(VM_ID, VM,
                new InitialReplicationMethod.OverNetworkNow(), null)));
        r.add(request(PRIMARY, new HostCommand.StartInitialReplication(VM_ID, VM,
                new InitialReplicationMethod.OverNetworkScheduled(LocalTime.of(2, 0)),
                Instant.parse("2030-01-01T02:00:00Z"))));
        r.add(request(PRIMARY, new HostCommand.StartInitialReplication(VM_ID, VM,
                new InitialReplicationMethod.Offline("\\\\media01\\export", "\\\\media11\\import"), null)));
        r.add(request(REPLICA, new HostCommand.ImportInitialReplication(VM_ID, VM,
                "\\\\media11\\import\\" + VM + "_" + VM_ID)));
        r.add(request(PRIMARY, new HostCommand.PrepareFailover(VM_ID, VM)));
        r.add(request(REPLICA, new HostCommand.Failover(VM_ID, VM, RecoveryPointChoice.latest())));
        r.add(request(REPLICA, new HostCommand.Failover(VM_ID, VM, RecoveryPointChoice.latestAppConsistent())));
        r.add(request(REPLICA, new HostCommand.Failover(VM_ID, VM, RecoveryPointChoice.of(POINT))));
        r.add(request(REPLICA, new HostCommand.TestFailover(VM_ID, VM, RecoveryPointChoice.latest(),
                TestNetwork.isolated("dr-test"))));
        r.add(request(REPLICA, new HostCommand.TestFailover(VM_ID, VM, RecoveryPointChoice.latestAppConsistent(),
                TestNetwork.existing("corp-test"))));
        r.add(request(REPLICA, new HostCommand.TestFailover(VM_ID, VM, RecoveryPointChoice.of(POINT),
                TestNetwork.none())));
        r.add(request(REPLICA, new HostCommand.CleanupTestFailover(VM_ID, VM)));
        r.add(request(REPLICA, new HostCommand.CancelFailover(VM_ID, VM)));
        r.add(request(REPLICA, new HostCommand.CompleteFailover(VM_ID, VM)));
        r.add(request(REPLICA, new HostCommand.ReverseReplication(VM_ID, VM, PRIMARY, SETTINGS)));
        r.add(request(REPLICA, new HostCommand.StartVm(VM_ID, VM, true)));
        r.add(request(PRIMARY, new HostCommand.StopVm(VM_ID, VM, false)));
        r.add(request(REPLICA, new HostCommand.StopVm(VM_ID, VM, true)));
        r.add(request(PRIMARY, new HostCommand.DisableReplication(VM_ID, VM, false)));
        r.add(request(PRIMARY, new HostCommand.DisableReplication(VM_ID, VM, true)));
        r.add(request(PRIMARY, new HostCommand.GetReplicationStatus(VM_ID, VM)));
        r.add(request(REPLICA, new HostCommand.ListRecoveryPoints(VM_ID, VM)));
        r.add(request(REPLICA, new HostCommand.ConnectNetworkAdapter(VM_ID, VM, "Network Adapter", "corp-dr",
                false)));
        r.add(request(REPLICA, new HostCommand.ConnectNetworkAdapter(VM_ID, VM, "Network Adapter", null, true)));
        r.add(request(REPLICA, new HostCommand.EnableExistingReplica(VM_ID, VM, PRIMARY)));
        r.add(request(PRIMARY, new HostCommand.StartInitialReplication(VM_ID, VM,
                new InitialReplicationMethod.UsingExistingReplica(), null)));
        return r;
    }

    /** What a well-behaved host answers each script (PowerShell 7 forms). */
    static PowerShellResult answer(FakePowerShell.Call call) {
        return switch (call.script().name()) {
            case "DisableReplication-ReadPartner" -> FakePowerShell.ok("{\"VMName\":\"" + VM
                    + "\",\"State\":\"Replicating\",\"PartnerServerName\":\"" + REPLICA + "\"}");
            case "GetReplicationStatus" -> FakePowerShell.ok("[{\"VMName\":\"" + VM + "\",\"State\":\"Replicating\","
                    + "\"Health\":\"Normal\",\"LastReplicationTime\":\"2029-12-31T23:55:00.0000000Z\"}]");
            case "ListRecoveryPoints" -> FakePowerShell.ok("[{\"Id\":\"b\",\"Name\":\"web-01 - 2\","
                    + "\"SnapshotType\":\"AppConsistentReplica\",\"CreationTime\":\"2029-12-31T23:00:00.0000000Z\"},"
                    + "{\"Id\":\"a\",\"Name\":\"web-01 - 1\",\"SnapshotType\":\"Replica\","
                    + "\"CreationTime\":\"2029-12-31T22:00:00.0000000Z\"}]");
            default -> FakePowerShell.ok();
        };
    }
}
