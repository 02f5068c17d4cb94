package dev.secondsite.hyperv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.inventory.VmmVersion;
import dev.secondsite.core.inventory.WindowsServerVersion;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The VMM site reader's mappings and refusals. */
class VmmSiteReaderTest {
    @ParameterizedTest
    @CsvSource({"3.0.6005.0, SC2012", "3.1.6011.0, SC2012_SP1", "3.2.7510.0, SC2012_R2", "4.0.1662.0, SC2016",
        "10.19.1013.0, SC2019", "10.22.1287.0, SC2022", "10.25.1000.0, SC2025"})
    @DisplayName("P1 ProductVersion maps to its VMM release")
    void vmmVersions(String productVersion, VmmVersion expected) {
        assertEquals(expected, VmmSiteReader.vmmVersion(productVersion));
    }

    @ParameterizedTest
    @CsvSource({"6.1.7601, WS2008_R2", "6.2.9200, WS2012", "6.3.9600, WS2012_R2", "10.0.14393, WS2016",
        "10.0.17763, WS2019", "10.0.19041, WS2019", "10.0.20348, WS2022", "10.0.26100, WS2025"})
    @DisplayName("P5 a host's OS version maps to its Windows Server release (a build between two as the older)")
    void osVersions(String version, WindowsServerVersion expected) {
        assertEquals(expected, VmmSiteReader.windowsServerVersion("hv01", version));
    }

    @Test
    @DisplayName("unmappable values are refused with a typed error naming the field and value")
    void unmappable() {
        VmmInventoryException version = assertThrows(VmmInventoryException.class,
                () -> VmmSiteReader.vmmVersion("5.0.1"));
        assertEquals("ProductVersion", version.field());
        assertTrue(version.getMessage().contains("ProductVersion (5.0.1)"), version.getMessage());
        VmmInventoryException os = assertThrows(VmmInventoryException.class,
                () -> VmmSiteReader.windowsServerVersion("hv01", "10.0.10240"));
        assertEquals("OperatingSystem.Version", os.field());
        VmmInventoryException state = assertThrows(VmmInventoryException.class,
                () -> VmmSiteReader.powerState("web-01", "UnderCreation"));
        assertEquals("VirtualMachineState", state.field());
        assertEquals("UnderCreation", state.value());
        VmmInventoryException profile = assertThrows(VmmInventoryException.class,
                () -> VmmSiteReader.capabilityProfile("Gold", "Custom"));
        assertEquals("CapabilityProfiles", profile.field());
        assertFalse(profile.isTransient());
    }

    @Test
    @DisplayName("a WinRM failure of the read is a transient VmmInventoryException carrying VMM's message")
    void transientRead() {
        FakePowerShell ps = new FakePowerShell(call -> FakePowerShell.failed("ConnectionError", "CannotConnect",
                "Unable to connect to the VMM management server vmm01."));
        VmmInventoryException e = assertThrows(VmmInventoryException.class,
                () -> new VmmSiteReader(ps, "server-a", "vmm01", Duration.ofMinutes(1)).get());
        assertTrue(e.isTransient());
        assertTrue(e.getMessage().contains("Unable to connect to the VMM management server vmm01."));
        assertEquals(java.util.List.of("vmm01"), ps.calls().get(0).argumentList());
        assertEquals(null, ps.calls().get(0).computerName(), "the read runs on the VMM server itself");
    }

    @Test
    @DisplayName("E3 a Get-VMReplication record with a non-numeric frequency is a permanent VmmInventoryException "
            + "naming the field, not a crash")
    void malformedReplication() {
        FakePowerShell ps = new FakePowerShell(call -> FakePowerShell.ok("[{\"Kind\":\"Server\",\"Name\":\"vmm01\","
                + "\"ProductVersion\":\"10.22.1287.0\"},{\"Kind\":\"Replication\",\"VMName\":\"web-01\","
                + "\"VMId\":\"3f2b9a41-7c1e-4d55-9e0a-2b6f8c1d4e70\",\"ComputerName\":\"hv01\","
                + "\"ReplicationMode\":\"Primary\",\"ReplicaServerName\":\"hv11\",\"ReplicaServerPort\":8084,"
                + "\"AuthenticationType\":\"Certificate\",\"ReplicationFrequencySec\":\"five minutes\","
                + "\"RecoveryHistory\":4,\"VSSSnapshotFrequencyHour\":0,\"CompressionEnabled\":true}]"));
        VmmInventoryException e = assertThrows(VmmInventoryException.class,
                () -> new VmmSiteReader(ps, "server-a", "vmm01", Duration.ofMinutes(1)).get());
        assertFalse(e.isTransient());
        assertTrue(e.getMessage().contains("malformed output") && e.getMessage().contains("ReplicationFrequencySec"),
                e.getMessage());
    }

    @Test
    @DisplayName("output without a server record is a permanent VmmInventoryException, not a crash")
    void malformed() {
        FakePowerShell ps = new FakePowerShell(call -> FakePowerShell.ok("[{\"Kind\":\"Cloud\",\"Name\":\"x\"}]"));
        VmmInventoryException e = assertThrows(VmmInventoryException.class,
                () -> new VmmSiteReader(ps, "server-a", "vmm01", Duration.ofMinutes(1)).get());
        assertFalse(e.isTransient());
        assertTrue(e.getMessage().contains("malformed output"), e.getMessage());
    }
}
