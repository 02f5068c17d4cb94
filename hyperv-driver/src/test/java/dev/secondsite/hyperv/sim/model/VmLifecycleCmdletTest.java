package dev.secondsite.hyperv.sim.model;

import static dev.secondsite.hyperv.sim.model.Sim.HV1A;
import static dev.secondsite.hyperv.sim.model.Sim.HV1B;
import static dev.secondsite.hyperv.sim.model.Sim.WEB;
import static dev.secondsite.hyperv.sim.model.Sim.WEB_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.inventory.PowerState;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.hyperv.sim.lang.PsEnum;
import dev.secondsite.hyperv.sim.lang.PsObject;
import dev.secondsite.hyperv.sim.model.HyperVEnums.ReplicationMode;
import dev.secondsite.hyperv.sim.model.HyperVEnums.ReplicationState;
import dev.secondsite.hyperv.sim.model.HyperVEnums.VmState;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The life of one VM at the cmdlet level, on both sides of the replication. */
class VmLifecycleCmdletTest {
    @Test
    @DisplayName("E1 enable on the primary creates the replica VM; initial replication now completes after the polls")
    void enableAndInitialReplicationNow() throws Exception {
        Sim sim = new Sim(Duration.ZERO, 2);
        sim.replicaServers();
        sim.enable("ReplicationFrequencySec", 30, "RecoveryHistory", 4);
        assertEquals("ReadyForInitialReplication", sim.state(HV1A, WEB));
        assertEquals("WaitingForInitialReplication", sim.state(HV1B, WEB));
        assertEquals(ReplicationMode.Replica, sim.vm(HV1B, WEB).mode());
        assertEquals(VmState.Off, sim.vm(HV1B, WEB).power());

        sim.run(HV1A, "Start-VMInitialReplication", "VMName", WEB);
        assertEquals("InitialReplicationInProgress", sim.state(HV1A, WEB));
        assertEquals("InitialReplicationInProgress", sim.state(HV1A, WEB));
        assertEquals("Replicating", sim.state(HV1A, WEB));
        PsObject replica = sim.replication(HV1B, WEB);
        assertEquals("Replicating", replica.get("ReplicationState").toString());
        assertEquals("Replica", replica.get("ReplicationMode").toString());
        assertEquals(HV1A, replica.get("PrimaryServerName"));
        assertEquals(30, replica.get("ReplicationFrequencySec"));
        assertEquals(OffsetDateTime.of(2026, 1, 5, 8, 0, 0, 0, ZoneOffset.UTC), replica.get("LastReplicationTime"));
        assertEquals(List.of("Enable-VMReplication", "Start-VMInitialReplication"),
                sim.model.sideEffects().stream().filter(e -> e.vmName().equals(WEB)).map(SideEffect::cmdlet).toList());
    }

    @Test
    @DisplayName("C10 initial replication at a scheduled time starts when the clock reaches it")
    void scheduledInitialReplication() throws Exception {
        Sim sim = new Sim();
        sim.replicaServers();
        sim.enable();
        sim.run(HV1A, "Start-VMInitialReplication", "VMName", WEB, "InitialReplicationStartTime",
                OffsetDateTime.ofInstant(Sim.START.plus(Duration.ofHours(2)), ZoneOffset.UTC));
        assertEquals("ReadyForInitialReplication", sim.state(HV1A, WEB));
        sim.clock.advance(Duration.ofMinutes(119));
        assertEquals("ReadyForInitialReplication", sim.state(HV1A, WEB));
        sim.clock.advance(Duration.ofMinutes(1));
        assertEquals("Replicating", sim.state(HV1A, WEB));
    }

    @Test
    @DisplayName("C10 offline initial replication: export on the primary, import of <name>_<id> on the replica")
    void offlineExportAndImport() throws Exception {
        Sim sim = new Sim();
        sim.replicaServers();
        sim.enable();
        sim.run(HV1A, "Start-VMInitialReplication", "VMName", WEB, "DestinationPath", "E:\\Export");
        assertEquals("InitialReplicationInProgress", sim.state(HV1A, WEB));
        sim.clock.advance(Duration.ofDays(2));
        assertEquals("WaitingForInitialReplication", sim.state(HV1B, WEB));
        sim.run(HV1B, "Import-VMInitialReplication", "VMName", WEB, "Path", "F:\\Import\\" + WEB + "_" + WEB_ID);
        assertEquals("Replicating", sim.state(HV1A, WEB));
        assertEquals("Replicating", sim.state(HV1B, WEB));
    }

    @Test
    @DisplayName("E3 an existing replica: -AsReplica on the replica host, enable on the primary, -UseBackup")
    void existingReplicaWithUseBackup() throws Exception {
        Vm restored = Vm.builder(WEB_ID, WEB).host(HV1B).powerState(PowerState.OFF).nic("CorpDR").build();
        Sim sim = new Sim(Duration.ZERO, 0, restored);
        sim.replicaServers();
        sim.run(HV1B, "Enable-VMReplication", "VMName", WEB, "AsReplica", true);
        assertEquals("WaitingForInitialReplication", sim.state(HV1B, WEB));
        sim.enable();
        sim.run(HV1A, "Start-VMInitialReplication", "VMName", WEB, "UseBackup", true);
        assertEquals("Replicating", sim.state(HV1A, WEB));
        assertEquals("CorpDR", sim.vm(HV1B, WEB).adapters().get("nic0"), "the restored replica VM was reused");
    }

    @Test
    @DisplayName("F1 test failover creates '<name> - Test' on the replica host; Stop-VMFailover deletes it")
    void testFailoverAndCleanup() throws Exception {
        Sim sim = new Sim();
        sim.replicating();
        sim.run(HV1B, "Start-VMFailover", "VMName", WEB, "AsTest", true, "Confirm", false);
        HyperVModel.VmCopy test = sim.vm(HV1B, WEB + " - Test");
        assertEquals(ReplicationMode.TestReplica, test.mode());
        assertNotEquals(WEB_ID, test.id());
        sim.run(HV1B, "Connect-VMNetworkAdapter", "VMName", WEB + " - Test", "SwitchName", "TestNet-1");
        sim.run(HV1B, "Start-VM", "Name", WEB + " - Test");
        assertEquals(VmState.Running, sim.vm(HV1B, WEB + " - Test").power());
        assertEquals("TestNet-1", sim.vm(HV1B, WEB + " - Test").adapters().get("nic0"));
        assertEquals("Replicating", sim.state(HV1B, WEB), "F1 replication goes on during the test");

        sim.run(HV1B, "Stop-VMFailover", "VMName", WEB);
        assertTrue(sim.model.vm(HV1B, WEB + " - Test").isEmpty());
        assertEquals(List.of(WEB), sim.run(HV1B, "Get-VM").stream()
                .map(o -> ((PsObject) o).get("Name")).toList());
    }

    @Test
    @DisplayName("F2/F5 planned failover: stop, prepare, fail over, reverse, start; the old primary is the replica")
    void plannedFailoverAndReverse() throws Exception {
        Sim sim = new Sim();
        sim.replicating();
        sim.run(HV1A, "Stop-VM", "Name", WEB, "Force", true);
        sim.run(HV1A, "Start-VMFailover", "VMName", WEB, "Prepare", true, "Confirm", false);
        assertEquals("PreparedForFailover", sim.state(HV1A, WEB));
        sim.run(HV1B, "Start-VMFailover", "VMName", WEB, "Confirm", false);
        assertEquals("FailedOverWaitingCompletion", sim.state(HV1B, WEB));
        sim.run(HV1B, "Set-VMReplication", "VMName", WEB, "Reverse", true);
        sim.run(HV1B, "Start-VM", "Name", WEB);

        PsObject reversed = sim.replication(HV1B, WEB);
        assertEquals("Primary", reversed.get("ReplicationMode").toString());
        assertEquals("Replicating", reversed.get("ReplicationState").toString());
        assertEquals(HV1A, reversed.get("ReplicaServerName"));
        assertEquals("Replica", sim.replication(HV1A, WEB).get("ReplicationMode").toString());
        assertEquals(VmState.Running, sim.vm(HV1B, WEB).power());
        assertEquals(VmState.Off, sim.vm(HV1A, WEB).power());
    }

    @Test
    @DisplayName("F3/F4 unplanned failover to a chosen point, change of point, Complete-VMFailover keeps only it")
    void unplannedFailoverToChosenPoint() throws Exception {
        Sim sim = new Sim();
        sim.replicating("RecoveryHistory", 4);
        sim.clock.advance(Duration.ofHours(3).plusMinutes(7));
        List<PsObject> points = sim.snapshots(HV1B, WEB, "Replica");
        assertEquals(4, points.size(), "three hourly points and the latest");
        PsObject first = points.get(0);
        PsObject second = points.get(1);

        sim.run(HV1B, "Start-VMFailover", "VMRecoverySnapshot", first, "Confirm", false);
        assertEquals("FailedOverWaitingCompletion", sim.state(HV1B, WEB));
        sim.run(HV1B, "Stop-VMFailover", "VMName", WEB);
        assertEquals("Replicating", sim.state(HV1B, WEB));
        sim.run(HV1B, "Start-VMFailover", "VMRecoverySnapshot", second, "Confirm", false);
        sim.run(HV1B, "Complete-VMFailover", "VMName", WEB, "Confirm", false);

        assertEquals("FailedOver", sim.state(HV1B, WEB));
        List<PsObject> left = sim.snapshots(HV1B, WEB, "Replica");
        assertEquals(List.of(second.get("Id")), left.stream().map(p -> p.get("Id")).toList());
        sim.run(HV1B, "Start-VM", "Name", WEB);
        assertEquals(VmState.Running, sim.vm(HV1B, WEB).power());

        sim.run(HV1A, "Stop-VM", "Name", WEB, "TurnOff", true);
        sim.run(HV1B, "Set-VMReplication", "VMName", WEB, "Reverse", true);
        assertEquals("ReadyForInitialReplication", sim.state(HV1B, WEB),
                "F7 after an unplanned failover the reversed VM needs an initial replication");
    }

    @Test
    @DisplayName("C11 Remove-VMReplication on both sides keeps the replica; Remove-VM then deletes it")
    void removeReplicationWithAndWithoutRemoveVm() throws Exception {
        Sim sim = new Sim();
        sim.replicating();
        sim.run(HV1A, "Remove-VMReplication", "VMName", WEB, "Confirm", false);
        sim.run(HV1B, "Remove-VMReplication", "VMName", WEB, "Confirm", false);
        assertEquals(ReplicationMode.None, sim.vm(HV1A, WEB).mode());
        assertEquals(ReplicationMode.None, sim.vm(HV1B, WEB).mode(), "kept replica is a stand-alone VM");
        assertNull(sim.vm(HV1A, WEB).replication());

        sim.run(HV1B, "Remove-VM", "Name", WEB, "Force", true, "Confirm", false);
        assertTrue(sim.model.vm(HV1B, WEB).isEmpty());
        assertTrue(sim.model.vm(HV1A, WEB).isPresent(), "the primary VM stays");
        assertEquals(1, sim.model.sideEffects().stream().filter(e -> e.cmdlet().equals("Remove-VM")).count());
    }

    @Test
    @DisplayName("Suspend-/Resume-VMReplication and Resume -Resynchronize")
    void suspendResume() throws Exception {
        Sim sim = new Sim();
        sim.replicating();
        sim.run(HV1A, "Suspend-VMReplication", "VMName", WEB);
        assertEquals("Suspended", sim.state(HV1A, WEB));
        sim.run(HV1A, "Resume-VMReplication", "VMName", WEB);
        assertEquals("Replicating", sim.state(HV1A, WEB));
        sim.run(HV1A, "Suspend-VMReplication", "VMName", WEB);
        sim.run(HV1A, "Resume-VMReplication", "VMName", WEB, "Resynchronize", true);
        assertEquals("Replicating", sim.state(HV1A, WEB), "with no copy time the resynchronization ends at once");
    }

    @Test
    @DisplayName("Get-VM, Get-VMReplicationServer and Set-VMReplicationServer return the documented properties")
    void readObjects() throws Exception {
        Sim sim = new Sim();
        sim.replicaServers();
        PsObject server = (PsObject) sim.run(HV1B, "Get-VMReplicationServer").get(0);
        assertEquals(List.of("ComputerName", "ReplicationEnabled", "AllowedAuthenticationType",
                "ReplicationAllowedFromAnyServer", "KerberosAuthenticationPort", "CertificateAuthenticationPort",
                "CertificateThumbprint", "DefaultStorageLocation"), server.propertyNames());
        assertEquals(8083, server.get("KerberosAuthenticationPort"));
        assertEquals(new PsEnum("Microsoft.HyperV.PowerShell.RecoveryAuthenticationType", "Kerberos", 1),
                server.get("AllowedAuthenticationType"));
        PsObject vm = (PsObject) sim.run(HV1A, "Get-VM", "Name", WEB).get(0);
        assertEquals(List.of("Name", "Id", "State", "ComputerName", "ReplicationState", "ReplicationMode"),
                vm.propertyNames());
        assertEquals(2, ((PsEnum) vm.get("State")).value(), "Running");
        sim.enable();
        PsObject replication = sim.replication(HV1A, WEB);
        assertEquals(List.of("VMName", "VMId", "ReplicationState", "ReplicationHealth", "ReplicationMode",
                "ReplicationRelationshipType", "PrimaryServerName", "ReplicaServerName", "CurrentReplicaServerName",
                "ReplicaServerPort", "AuthenticationType", "ReplicationFrequencySec", "LastReplicationTime",
                "RecoveryHistory", "VSSSnapshotFrequencyHour", "CompressionEnabled", "CertificateThumbprint",
                "ComputerName"), replication.propertyNames());
        PsObject health = (PsObject) sim.run(HV1A, "Measure-VMReplication", "VMName", WEB).get(0);
        assertEquals("Warning", health.get("ReplicationHealth").toString());
        assertFalse(health.propertyNames().isEmpty());
        assertEquals(ReplicationState.ReadyForInitialReplication, sim.vm(HV1A, WEB).state());
    }
}
