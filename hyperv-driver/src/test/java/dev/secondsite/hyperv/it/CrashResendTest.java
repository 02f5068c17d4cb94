package dev.secondsite.hyperv.it;

import static dev.secondsite.hyperv.it.TwoSites.ADAPTER;
import static dev.secondsite.hyperv.it.TwoSites.APP;
import static dev.secondsite.hyperv.it.TwoSites.APP_ID;
import static dev.secondsite.hyperv.it.TwoSites.DB;
import static dev.secondsite.hyperv.it.TwoSites.DB2;
import static dev.secondsite.hyperv.it.TwoSites.DB2_ID;
import static dev.secondsite.hyperv.it.TwoSites.DB_ID;
import static dev.secondsite.hyperv.it.TwoSites.HV01;
import static dev.secondsite.hyperv.it.TwoSites.HV02;
import static dev.secondsite.hyperv.it.TwoSites.HV11;
import static dev.secondsite.hyperv.it.TwoSites.HV12;
import static dev.secondsite.hyperv.it.TwoSites.SETTINGS;
import static dev.secondsite.hyperv.it.TwoSites.VMM_A;
import static dev.secondsite.hyperv.it.TwoSites.VMM_B;
import static dev.secondsite.hyperv.it.TwoSites.WEB;
import static dev.secondsite.hyperv.it.TwoSites.WEB_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.HostCommand.InitialReplicationMethod;
import dev.secondsite.core.spi.RecoveryPointChoice;
import dev.secondsite.core.spi.TestNetwork;
import dev.secondsite.hyperv.sim.SimulatedFabric;
import dev.secondsite.hyperv.sim.model.SideEffect;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * J3: a crash between a command's effect and its recorded result. Each changing command runs once through a driver;
 * its result is then "lost" and the same request (same idempotency key) is re-sent through a new driver (no memory
 * of the first run): the fabric changes nothing more, and the answer is the first one.
 */
class CrashResendTest {
    /** With db02 (primary on hv01) restored on hv12: the existing replica of C10. */
    private final TwoSites sites = new TwoSites(SimulatedFabric.builder(),
            List.of(TwoSites.restoredCopy(DB2_ID, DB2, HV12)));
    private final Set<String> covered = new LinkedHashSet<>();

    /** Runs {@code command} on {@code host}, then re-sends it after a crash; returns the first result. */
    private CommandResult crashAndResend(String server, String host, HostCommand command, String variant) {
        CommandRequest request = TwoSites.request(host, command);
        CommandResult first = sites.driver(server).execute(request);
        assertTrue(first.succeeded(), () -> variant + ": " + first.message());
        List<SideEffect> after = sites.fabric.sideEffects();
        assertFalse(after.isEmpty());
        CommandResult again = sites.driver(server).execute(request);
        assertEquals(first, again, variant + ": the re-send answers what the first run did");
        assertEquals(after, sites.fabric.sideEffects(), variant + ": nothing done twice");
        covered.add(variant);
        return first;
    }

    private String point(String vmId, boolean appConsistent, int index) {
        List<String> ids = new ArrayList<>();
        sites.model().recoveryPoints(vmId).stream()
                .filter(p -> p.type().name().equals("AppConsistentReplica") == appConsistent)
                .forEach(p -> ids.add(p.id()));
        return ids.get(index);
    }

    @Test
    @DisplayName("J3 every changing command and variant, re-sent with its key to a new driver after a crash, changes "
            + "nothing twice and answers as the first run")
    void everyChangingCommand() {
        // network now, test failovers, a planned failover, reverse replication, disable deleting the replica
        crashAndResend(VMM_B, HV11, new HostCommand.ConfigureReplicaServer(SETTINGS), "ConfigureReplicaServer");
        crashAndResend(VMM_A, HV01, new HostCommand.ConfigureReplicaServer(SETTINGS), "ConfigureReplicaServer");
        crashAndResend(VMM_B, HV12, new HostCommand.ConfigureReplicaServer(SETTINGS), "ConfigureReplicaServer");
        crashAndResend(VMM_A, HV02, new HostCommand.ConfigureReplicaServer(SETTINGS), "ConfigureReplicaServer");
        crashAndResend(VMM_A, HV01, new HostCommand.EnableReplication(WEB_ID, WEB, HV11, SETTINGS),
                "EnableReplication");
        crashAndResend(VMM_A, HV01, new HostCommand.StartInitialReplication(WEB_ID, WEB,
                new InitialReplicationMethod.OverNetworkNow(), null), "StartInitialReplication-Now");
        sites.advance(Duration.ofHours(3));
        crashAndResend(VMM_B, HV11, new HostCommand.TestFailover(WEB_ID, WEB, RecoveryPointChoice.latest(),
                TestNetwork.isolated("Iso")), "TestFailover-Latest");
        crashAndResend(VMM_B, HV11, new HostCommand.StartVm(WEB_ID, WEB, true), "StartVm-Test");
        crashAndResend(VMM_B, HV11, new HostCommand.ConnectNetworkAdapter(WEB_ID, WEB, ADAPTER, "Iso2", true),
                "ConnectNetworkAdapter-Test");
        crashAndResend(VMM_B, HV11, new HostCommand.CleanupTestFailover(WEB_ID, WEB), "CleanupTestFailover");
        crashAndResend(VMM_B, HV11, new HostCommand.TestFailover(WEB_ID, WEB,
                RecoveryPointChoice.latestAppConsistent(), TestNetwork.existing("TestNet")),
                "TestFailover-LatestAppConsistent");
        crashAndResend(VMM_B, HV11, new HostCommand.CleanupTestFailover(WEB_ID, WEB), "CleanupTestFailover");
        crashAndResend(VMM_B, HV11, new HostCommand.TestFailover(WEB_ID, WEB,
                RecoveryPointChoice.of(point(WEB_ID, false, 0)), TestNetwork.none()), "TestFailover-RecoverySnapshot");
        crashAndResend(VMM_B, HV11, new HostCommand.CleanupTestFailover(WEB_ID, WEB), "CleanupTestFailover");
        crashAndResend(VMM_A, HV01, new HostCommand.StopVm(WEB_ID, WEB, false), "StopVm-Shutdown");
        crashAndResend(VMM_A, HV01, new HostCommand.PrepareFailover(WEB_ID, WEB), "PrepareFailover");
        crashAndResend(VMM_B, HV11, new HostCommand.Failover(WEB_ID, WEB, RecoveryPointChoice.latest()),
                "Failover-Latest");
        crashAndResend(VMM_B, HV11, new HostCommand.ConnectNetworkAdapter(WEB_ID, WEB, ADAPTER, "CorpDR", false),
                "ConnectNetworkAdapter");
        crashAndResend(VMM_B, HV11, new HostCommand.ConnectNetworkAdapter(WEB_ID, WEB, ADAPTER, null, false),
                "ConnectNetworkAdapter-Disconnect");
        crashAndResend(VMM_B, HV11, new HostCommand.CompleteFailover(WEB_ID, WEB), "CompleteFailover");
        crashAndResend(VMM_B, HV11, new HostCommand.ReverseReplication(WEB_ID, WEB, HV01, SETTINGS),
                "ReverseReplication");
        crashAndResend(VMM_B, HV11, new HostCommand.StartVm(WEB_ID, WEB, false), "StartVm");
        crashAndResend(VMM_B, HV11, new HostCommand.DisableReplication(WEB_ID, WEB, true),
                "DisableReplication-DeleteReplica");
        assertTrue(sites.model().vm(HV01, WEB).isEmpty(), "the replica (old primary) was deleted once");

        // scheduled, cancel of a prepared and of a failed-over VM, app-consistent and chosen points, turn off, keep
        crashAndResend(VMM_A, HV01, new HostCommand.EnableReplication(APP_ID, APP, HV11, SETTINGS),
                "EnableReplication");
        crashAndResend(VMM_A, HV01, new HostCommand.StartInitialReplication(APP_ID, APP,
                new InitialReplicationMethod.OverNetworkScheduled(LocalTime.of(12, 0)),
                sites.clock.instant().plus(Duration.ofHours(1))), "StartInitialReplication-Scheduled");
        sites.advance(Duration.ofHours(5));
        assertEquals("Replicating", sites.state(HV01, APP));
        crashAndResend(VMM_A, HV01, new HostCommand.StopVm(APP_ID, APP, true), "StopVm-TurnOff");
        crashAndResend(VMM_A, HV01, new HostCommand.PrepareFailover(APP_ID, APP), "PrepareFailover");
        crashAndResend(VMM_A, HV01, new HostCommand.CancelFailover(APP_ID, APP), "CancelFailover");
        assertEquals("Replicating", sites.state(HV01, APP));
        crashAndResend(VMM_B, HV11, new HostCommand.Failover(APP_ID, APP, RecoveryPointChoice.latestAppConsistent()),
                "Failover-LatestAppConsistent");
        crashAndResend(VMM_B, HV11, new HostCommand.CancelFailover(APP_ID, APP), "CancelFailover");
        crashAndResend(VMM_B, HV11, new HostCommand.Failover(APP_ID, APP,
                RecoveryPointChoice.of(point(APP_ID, false, 0))), "Failover-RecoverySnapshot");
        crashAndResend(VMM_B, HV11, new HostCommand.CompleteFailover(APP_ID, APP), "CompleteFailover");
        crashAndResend(VMM_A, HV01, new HostCommand.DisableReplication(APP_ID, APP, false), "DisableReplication");

        // offline export and import
        crashAndResend(VMM_A, HV02, new HostCommand.EnableReplication(DB_ID, DB, HV12, SETTINGS),
                "EnableReplication");
        crashAndResend(VMM_A, HV02, new HostCommand.StartInitialReplication(DB_ID, DB,
                new InitialReplicationMethod.Offline("\\\\media01\\export", "\\\\media11\\import"), null),
                "StartInitialReplication-Offline");
        crashAndResend(VMM_B, HV12, new HostCommand.ImportInitialReplication(DB_ID, DB,
                "\\\\media11\\import\\" + DB + "_" + DB_ID), "ImportInitialReplication");
        assertEquals("Replicating", sites.state(HV12, DB));

        // an existing replica: taken with -AsReplica, enabled on the primary, started with -UseBackup
        crashAndResend(VMM_B, HV12, new HostCommand.EnableExistingReplica(DB2_ID, DB2, HV01),
                "EnableExistingReplica");
        crashAndResend(VMM_A, HV01, new HostCommand.EnableReplication(DB2_ID, DB2, HV12, SETTINGS),
                "EnableReplication");
        crashAndResend(VMM_A, HV01, new HostCommand.StartInitialReplication(DB2_ID, DB2,
                new InitialReplicationMethod.UsingExistingReplica(), null), "StartInitialReplication-UseBackup");
        assertEquals("Replicating", sites.state(HV12, DB2));

        assertEquals(Set.of("ConfigureReplicaServer", "EnableReplication", "StartInitialReplication-Now",
                "StartInitialReplication-Scheduled", "StartInitialReplication-Offline", "ImportInitialReplication",
                "EnableExistingReplica", "StartInitialReplication-UseBackup",
                "PrepareFailover", "Failover-Latest", "Failover-LatestAppConsistent", "Failover-RecoverySnapshot",
                "TestFailover-Latest", "TestFailover-LatestAppConsistent", "TestFailover-RecoverySnapshot",
                "CleanupTestFailover", "CancelFailover", "CompleteFailover", "ReverseReplication", "StartVm",
                "StartVm-Test", "StopVm-Shutdown", "StopVm-TurnOff", "DisableReplication",
                "DisableReplication-DeleteReplica", "ConnectNetworkAdapter", "ConnectNetworkAdapter-Test",
                "ConnectNetworkAdapter-Disconnect"), covered, "every changing command variant");
    }
}
