package dev.secondsite.hyperv.sim.model;

import static dev.secondsite.hyperv.sim.model.Sim.HV1A;
import static dev.secondsite.hyperv.sim.model.Sim.HV1B;
import static dev.secondsite.hyperv.sim.model.Sim.WEB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.hyperv.sim.lang.CmdletException;
import dev.secondsite.hyperv.sim.lang.CmdletException.ErrorCategory;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Every refusal: its category, its message, and that it changed nothing. */
class CmdletRefusalTest {
    private static void assertRefusal(CmdletException e, ErrorCategory category, String cmdletClass, String text) {
        assertEquals(category, e.category(), e.getMessage());
        assertTrue(e.errorId().endsWith(cmdletClass), e.errorId());
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }

    private static Sim enabled() throws CmdletException {
        Sim sim = new Sim();
        sim.replicaServers();
        return sim;
    }

    private static void refuseEnable(String text, Object... extra) throws CmdletException {
        Sim sim = enabled();
        int before = sim.model.sideEffects().size();
        Object[] base = {"VMName", WEB, "ReplicaServerName", HV1B, "ReplicaServerPort", 8083};
        Object[] all = new Object[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        CmdletException e = sim.refused(HV1A, "Enable-VMReplication", all);
        assertRefusal(e, ErrorCategory.InvalidArgument, "EnableVMReplication", text);
        assertEquals(before, sim.model.sideEffects().size());
        assertEquals("Disabled", sim.vm(HV1A, WEB).state().name(), "a refused call changes nothing");
        assertTrue(sim.model.vm(HV1B, WEB).isEmpty(), "no replica VM was created");
    }

    @Test
    @DisplayName("C4 ReplicationFrequencySec outside {30, 300, 900} is refused")
    void frequency() throws Exception {
        refuseEnable("must be 30, 300 or 900", "AuthenticationType", "Kerberos", "ReplicationFrequencySec", 60);
    }

    @Test
    @DisplayName("C4 a Windows Server 2012 host replicates every 300 seconds only")
    void frequencyOn2012() throws Exception {
        Sim sim = enabled();
        CmdletException e = sim.refused(Sim.HV2A, "Enable-VMReplication", "VMName", "old-01",
                "ReplicaServerName", HV1B, "ReplicaServerPort", 8083, "AuthenticationType", "Kerberos",
                "ReplicationFrequencySec", 30);
        assertRefusal(e, ErrorCategory.InvalidArgument, "EnableVMReplication", "Windows Server 2012");
        sim.run(Sim.HV2A, "Enable-VMReplication", "VMName", "old-01", "ReplicaServerName", HV1B,
                "ReplicaServerPort", 8083, "AuthenticationType", "Kerberos");
        assertEquals(300, sim.replication(Sim.HV2A, "old-01").get("ReplicationFrequencySec"));
    }

    @Test
    @DisplayName("C6 VSSSnapshotFrequencyHour needs RecoveryHistory > 0")
    void vssWithoutHistory() throws Exception {
        refuseEnable("only when RecoveryHistory is greater than 0", "AuthenticationType", "Kerberos",
                "VSSSnapshotFrequencyHour", 2);
    }

    @Test
    @DisplayName("C8 certificate authentication needs a thumbprint; Kerberos with a thumbprint is an error")
    void authenticationAndThumbprint() throws Exception {
        refuseEnable("requires a certificate", "AuthenticationType", "Certificate");
        refuseEnable("cannot be used with Kerberos", "AuthenticationType", "Kerberos", "CertificateThumbprint",
                "0123456789ABCDEF0123456789ABCDEF01234567");
    }

    @Test
    @DisplayName("ReplicaServerName must be a DNS name, not an IP address")
    void replicaServerIsDnsName() throws Exception {
        Sim sim = enabled();
        CmdletException e = sim.refused(HV1A, "Enable-VMReplication", "VMName", WEB, "ReplicaServerName",
                "10.0.0.7", "ReplicaServerPort", 8083, "AuthenticationType", "Kerberos");
        assertRefusal(e, ErrorCategory.InvalidArgument, "EnableVMReplication", "not an IP address");
    }

    @Test
    @DisplayName("C5/C9 declared ranges: RecoveryHistory 0..24, VSS hours 1..12, port 1..65535")
    void declaredRanges() throws Exception {
        Sim sim = enabled();
        for (Object[] bad : List.of(new Object[] {"RecoveryHistory", 25}, new Object[] {"VSSSnapshotFrequencyHour",
                13}, new Object[] {"ReplicaServerPort", 0})) {
            CmdletException e = sim.refused(HV1A, "Set-VMReplication", "VMName", WEB, bad[0], bad[1]);
            assertEquals(ErrorCategory.InvalidData, e.category());
            assertTrue(e.getMessage().contains("'" + bad[0] + "'"), e.getMessage());
        }
        CmdletException e = sim.refused(HV1A, "Enable-VMReplication", "VMName", WEB, "ReplicaServerName", HV1B,
                "ReplicaServerPort", 8083, "AuthenticationType", "Negotiate");
        assertEquals(ErrorCategory.InvalidData, e.category());
    }

    @Test
    @DisplayName("C8 the replica server must accept the authentication on that port")
    void replicaServerMustAccept() throws Exception {
        Sim sim = new Sim();
        CmdletException e = sim.refused(HV1A, "Enable-VMReplication", "VMName", WEB, "ReplicaServerName", HV1B,
                "ReplicaServerPort", 8083, "AuthenticationType", "Kerberos");
        assertRefusal(e, ErrorCategory.InvalidOperation, "EnableVMReplication", "not enabled");
    }

    @Test
    @DisplayName("a missing VM is ObjectNotFound")
    void missingVm() throws Exception {
        Sim sim = new Sim();
        for (String cmdlet : List.of("Get-VMReplication", "Start-VMFailover", "Stop-VMFailover", "Remove-VMReplication")) {
            CmdletException e = sim.refused(HV1A, cmdlet, "VMName", "nobody");
            assertRefusal(e, ErrorCategory.ObjectNotFound, cmdlet.replace("-", ""), "\"nobody\"");
        }
        CmdletException e = sim.refused(HV1B, "Start-VM", "Name", WEB);
        assertRefusal(e, ErrorCategory.ObjectNotFound, "StartVM", "unable to find a virtual machine");
    }

    @Test
    @DisplayName("F2 a planned failover needs the primary VM off")
    void prepareNeedsOff() throws Exception {
        Sim sim = new Sim();
        sim.replicating();
        CmdletException e = sim.refused(HV1A, "Start-VMFailover", "VMName", WEB, "Prepare", true);
        assertRefusal(e, ErrorCategory.InvalidOperation, "StartVMFailover", "turn it off");
        assertEquals("Replicating", sim.state(HV1A, WEB));
    }

    @Test
    @DisplayName("F8 one test failover per VM")
    void oneTestFailover() throws Exception {
        Sim sim = new Sim();
        sim.replicating();
        sim.run(HV1B, "Start-VMFailover", "VMName", WEB, "AsTest", true);
        CmdletException e = sim.refused(HV1B, "Start-VMFailover", "VMName", WEB, "AsTest", true);
        assertRefusal(e, ErrorCategory.InvalidOperation, "StartVMFailover", "only one test failover");
        assertEquals(1, sim.model.sideEffects().stream().filter(x -> x.cmdlet().equals("Start-VMFailover")).count());
    }

    @Test
    @DisplayName("F8 no test failover while the replica is resynchronizing")
    void noTestWhileResynchronizing() throws Exception {
        Sim sim = new Sim(Duration.ofHours(1), 0);
        sim.replicating();
        sim.clock.advance(Duration.ofHours(1));
        sim.model.startResynchronization(Sim.WEB_ID);
        CmdletException e = sim.refused(HV1B, "Start-VMFailover", "VMName", WEB, "AsTest", true);
        assertRefusal(e, ErrorCategory.InvalidOperation, "StartVMFailover", "Resynchronizing");
        assertTrue(sim.model.vm(HV1B, WEB + " - Test").isEmpty());
        sim.clock.advance(Duration.ofHours(1));
        sim.run(HV1B, "Start-VMFailover", "VMName", WEB, "AsTest", true);
    }

    @Test
    @DisplayName("F4 Complete-VMFailover only after a failover")
    void completeOnlyAfterFailover() throws Exception {
        Sim sim = new Sim();
        sim.replicating();
        CmdletException e = sim.refused(HV1B, "Complete-VMFailover", "VMName", WEB);
        assertRefusal(e, ErrorCategory.InvalidOperation, "CompleteVMFailover", "state Replicating");
    }

    @Test
    @DisplayName("F5 -Reverse only on the replica, and only after a failover")
    void reverseOnlyOnReplica() throws Exception {
        Sim sim = new Sim();
        sim.replicating();
        CmdletException onPrimary = sim.refused(HV1A, "Set-VMReplication", "VMName", WEB, "Reverse", true);
        assertRefusal(onPrimary, ErrorCategory.InvalidOperation, "SetVMReplication", "only on the Replica");
        CmdletException early = sim.refused(HV1B, "Set-VMReplication", "VMName", WEB, "Reverse", true);
        assertRefusal(early, ErrorCategory.InvalidOperation, "SetVMReplication", "only after a failover");
    }

    @Test
    @DisplayName("F3 an unplanned failover must be completed before it is reversed")
    void unplannedReverseNeedsComplete() throws Exception {
        Sim sim = new Sim();
        sim.replicating();
        sim.run(HV1B, "Start-VMFailover", "VMName", WEB);
        CmdletException e = sim.refused(HV1B, "Set-VMReplication", "VMName", WEB, "Reverse", true);
        assertRefusal(e, ErrorCategory.InvalidOperation, "SetVMReplication", "Complete-VMFailover");
    }

    @Test
    @DisplayName("C10 -InitialReplicationStartTime must be in the future and at most 7 days ahead")
    void scheduleWithinSevenDays() throws Exception {
        Sim sim = new Sim();
        sim.replicaServers();
        sim.enable();
        for (Duration ahead : List.of(Duration.ofDays(7).plusMinutes(1), Duration.ofMinutes(-1))) {
            CmdletException e = sim.refused(HV1A, "Start-VMInitialReplication", "VMName", WEB,
                    "InitialReplicationStartTime", OffsetDateTime.ofInstant(Sim.START.plus(ahead), ZoneOffset.UTC));
            assertRefusal(e, ErrorCategory.InvalidArgument, "StartVMInitialReplication", "no more than 7 days");
        }
        sim.run(HV1A, "Set-VMReplication", "VMName", WEB, "InitialReplicationStartTime",
                OffsetDateTime.ofInstant(Sim.START.plus(Duration.ofDays(7)), ZoneOffset.UTC));
        assertEquals("ReadyForInitialReplication", sim.state(HV1A, WEB));
    }

    @Test
    @DisplayName("O1 an offline import needs the exported <name>_<id> folder; a replica VM cannot start")
    void importPathAndReplicaStart() throws Exception {
        Sim sim = new Sim();
        sim.replicaServers();
        sim.enable();
        sim.run(HV1A, "Start-VMInitialReplication", "VMName", WEB, "DestinationPath", "E:\\Export");
        CmdletException e = sim.refused(HV1B, "Import-VMInitialReplication", "VMName", WEB, "Path", "F:\\Import\\x");
        assertRefusal(e, ErrorCategory.ObjectNotFound, "ImportVMInitialReplication", WEB + "_" + Sim.WEB_ID);
        CmdletException start = sim.refused(HV1B, "Start-VM", "Name", WEB);
        assertRefusal(start, ErrorCategory.InvalidOperation, "StartVM", "Replica virtual machine");
    }

    @Test
    @DisplayName("an ambiguous or unknown parameter set is refused before the cmdlet runs")
    void parameterSets() throws Exception {
        Sim sim = new Sim();
        sim.replicating();
        CmdletException e = sim.refused(HV1B, "Start-VMFailover", "VMName", WEB, "Prepare", true, "AsTest", true);
        assertEquals(ErrorCategory.InvalidArgument, e.category());
        assertEquals("Replicating", sim.state(HV1B, WEB));
    }
}
