package dev.secondsite.hyperv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.inventory.CapabilityProfile;
import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.HostGroup;
import dev.secondsite.core.inventory.HyperVCluster;
import dev.secondsite.core.inventory.NetworkAdapter;
import dev.secondsite.core.inventory.ObservedReplication;
import dev.secondsite.core.inventory.PowerState;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.VirtualDisk;
import dev.secondsite.core.inventory.VmmVersion;
import dev.secondsite.core.inventory.WindowsServerVersion;
import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.CommandResult.Outcome;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.RecoveryPoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Recorded outputs of every read, as Windows PowerShell 5.1 (single objects unrolled, enums as numbers,
 * {@code "\/Date(ms)\/"}) and PowerShell 7 (arrays, ISO dates with offset) write them, under
 * {@code src/test/resources/outputs/}: both forms give the same values; malformed output is a permanent failure
 * naming the command, never an exception.
 */
class OutputParsingTest {
    private static final Path OUTPUTS = Path.of("src", "test", "resources", "outputs");

    private static PowerShellResult recorded(String file) {
        try {
            return FakePowerShell.raw(0, Files.readString(OUTPUTS.resolve(file), StandardCharsets.UTF_8), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CommandResult answeredWith(PowerShellResult answer, HostCommand command) {
        FakePowerShell ps = new FakePowerShell(call -> answer);
        CommandRequest request = Samples.request(Samples.PRIMARY, command);
        return HyperVDriver.builder().powerShell(ps).build().execute(request);
    }

    private static final HostCommand STATUS = new HostCommand.GetReplicationStatus(Samples.VM_ID, Samples.VM);
    private static final HostCommand POINTS = new HostCommand.ListRecoveryPoints(Samples.VM_ID, Samples.VM);

    @Test
    @DisplayName("Measure-VMReplication: 5.1 (numbers, /Date/) and 7 (names, ISO) give the same status by name")
    void status() {
        CommandOutput expected = new CommandOutput.ReplicationStatus("Replicating", "Warning",
                Instant.parse("2029-12-31T23:55:00Z"));
        assertEquals(expected, answeredWith(recorded("GetReplicationStatus-5.1.json"), STATUS).output());
        assertEquals(expected, answeredWith(recorded("GetReplicationStatus-7.json"), STATUS).output());
    }

    @Test
    @DisplayName("Get-VMSnapshot: 5.1 and 7 give the same points, oldest first; one point unrolled; none as null "
            + "or []")
    void points() {
        CommandOutput.RecoveryPoints expected = new CommandOutput.RecoveryPoints(List.of(
                new RecoveryPoint("7c4d1e2f-3a5b-4c6d-9e8f-0a1b2c3d4e5f", Instant.parse("2029-12-31T22:00:00Z"),
                        false),
                new RecoveryPoint("0b5e2c1a-9d3f-4e7b-8a6c-1f2d3e4a5b6c", Instant.parse("2029-12-31T23:00:00Z"),
                        true)));
        assertEquals(expected, answeredWith(recorded("ListRecoveryPoints-5.1.json"), POINTS).output());
        assertEquals(expected, answeredWith(recorded("ListRecoveryPoints-7.json"), POINTS).output());
        assertEquals(new CommandOutput.RecoveryPoints(List.of(expected.points().get(0))),
                answeredWith(recorded("ListRecoveryPoints-single-5.1.json"), POINTS).output());
        assertEquals(new CommandOutput.RecoveryPoints(List.of()),
                answeredWith(recorded("ListRecoveryPoints-none-5.1.json"), POINTS).output());
        assertEquals(new CommandOutput.RecoveryPoints(List.of()),
                answeredWith(recorded("ListRecoveryPoints-none-7.json"), POINTS).output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"DisableReplication-ReadPartner-5.1.json", "DisableReplication-ReadPartner-7.json"})
    @DisplayName("Get-VMReplication (the partner of a VM): 5.1's unrolled object and 7's array both lead to the "
            + "partner host")
    void partner(String file) {
        FakePowerShell ps = new FakePowerShell(call -> call.script() == Scripts.DISABLE_REPLICATION_READ_PARTNER
                ? recorded(file) : FakePowerShell.ok());
        CommandResult result = HyperVDriver.builder().powerShell(ps).build().execute(Samples.request(Samples.PRIMARY,
                new HostCommand.DisableReplication(Samples.VM_ID, Samples.VM, true)));
        assertTrue(result.succeeded(), result.message());
        assertEquals("hv11.fabrikam.com", ps.calls().get(1).computerName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ReadVmmSite-5.1.json", "ReadVmmSite-7.json"})
    @DisplayName("R5 the VMM reader builds the same site from 5.1 and 7 outputs, versions mapped")
    void site(String file) {
        Site site = new VmmSiteReader(new FakePowerShell(call -> recorded(file)), "server-a", "vmm01.contoso.com",
                Duration.ofMinutes(1)).get();
        assertEquals("vmm01.contoso.com", site.name());
        assertEquals(VmmVersion.SC2022, site.vmmVersion());
        assertEquals(new Cloud("Gold", Set.of(CapabilityProfile.HYPER_V), List.of("Production"), Set.of("Corp")),
                site.cloud("Gold").orElseThrow());
        assertEquals(new Cloud("Empty", Set.of(), List.of(), Set.of()), site.cloud("Empty").orElseThrow());
        assertTrue(site.hostGroups().contains(new HostGroup("Production", "All Hosts")));
        assertEquals(new Host("hv01.contoso.com", WindowsServerVersion.WS2022, "Production", true,
                "hvc01.contoso.com"), site.host("hv01.contoso.com").orElseThrow());
        assertEquals(new Host("hv02.contoso.com", WindowsServerVersion.WS2012_R2, "Production", true, null),
                site.host("hv02.contoso.com").orElseThrow());
        assertEquals(new HyperVCluster("hvc01.contoso.com", true, "hvc01-broker"),
                site.cluster("hvc01.contoso.com").orElseThrow());
        assertEquals("Corp", site.vmNetwork("corp-prod").orElseThrow().logicalNetwork());
        assertEquals(Set.of("hv01.contoso.com", "hv02.contoso.com"),
                site.storageClassification("Gold SSD").orElseThrow().hosts());
        var web = site.vm("3f2b9a41-7c1e-4d55-9e0a-2b6f8c1d4e70").orElseThrow();
        assertEquals(PowerState.RUNNING, web.powerState());
        assertEquals(List.of(new NetworkAdapter("Network Adapter", "corp-prod"),
                new NetworkAdapter("Backup Adapter", null)), web.networkAdapters());
        assertEquals(List.of(new VirtualDisk("C:\\VMs\\web-01\\web-01.vhdx", "Gold SSD")), web.disks());
        var db = site.vm("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d").orElseThrow();
        assertEquals(PowerState.OFF, db.powerState());
        assertEquals(List.of(), db.networkAdapters());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ReadVmmSite-5.1.json", "ReadVmmSite-7.json"})
    @DisplayName("E3 the VMM reader maps a primary relationship from Get-VMReplication (through Invoke-Command, "
            + "PSComputerName added) onto its VM as ObservedReplication; a replica's record and VMs without one get none")
    void observedReplication(String file) {
        Site site = new VmmSiteReader(new FakePowerShell(call -> recorded(file)), "server-a", "vmm01.contoso.com",
                Duration.ofMinutes(1)).get();
        assertEquals(new ObservedReplication("hv11.fabrikam.com", 300, 4, 2, true, "Certificate", 8084),
                site.vm("3f2b9a41-7c1e-4d55-9e0a-2b6f8c1d4e70").orElseThrow().observedReplication(),
                "host names compare ignoring case (HV01 vs hv01)");
        assertNull(site.vm("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d").orElseThrow().observedReplication());
        assertTrue(site.vm("0c0ffee0-1111-4222-8333-444455556666").isEmpty(),
                "a replica VMM does not manage is no VM of the site");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "not json", "{\"ok\":true,\"result\":[1]}", "{\"ok\":\"yes\"}",
        "{\"ok\":true,\"result\":[{\"State\":\"Replicating\"}]}", "{\"ok\":true,\"result\":[{\"State\":99,"
            + "\"Health\":1}]}", "{\"ok\":true,\"result\":{\"State\":4,\"Health\":1,\"LastReplicationTime\":"
            + "\"yesterday\"}}", "{\"ok\":true,\"result\":[]}", "{\"ok\":true,\"result\":\"Replicating\"}",
        "{\"ok\":true,\"result\":[{\"State\":4", "[{\"ok\":true}]", "{\"ok\":true,\"result\":[{\"State\":4,"
            + "\"Health\":1},{\"State\":4,\"Health\":1}]}"})
    @DisplayName("malformed output is a permanent failure naming the command, never an exception")
    void malformed(String stdout) {
        CommandResult result = answeredWith(FakePowerShell.raw(0, stdout, ""), STATUS);
        assertEquals(Outcome.PERMANENT_FAILURE, result.outcome(), result.message());
        assertTrue(result.message().startsWith("GetReplicationStatus web-01: "), result.message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"ok\":true,\"result\":[{\"Id\":\"a\",\"SnapshotType\":6}]}",
        "{\"ok\":true,\"result\":[{\"Id\":\"a\",\"SnapshotType\":4,\"CreationTime\":\"\\/Date(0)\\/\"}]}",
        "{\"ok\":true,\"result\":[{\"Id\":\"\",\"SnapshotType\":6,\"CreationTime\":\"\\/Date(0)\\/\"}]}",
        "{\"ok\":true,\"result\":[{\"Id\":\"a\",\"SnapshotType\":6,\"CreationTime\":\"\\/Date(x)\\/\"}]}"})
    @DisplayName("a recovery point without a date, of an unknown type or without an id is a permanent failure")
    void malformedPoints(String stdout) {
        CommandResult result = answeredWith(FakePowerShell.raw(0, stdout, ""), POINTS);
        assertEquals(Outcome.PERMANENT_FAILURE, result.outcome(), result.message());
        assertTrue(result.message().startsWith("ListRecoveryPoints web-01: "), result.message());
    }
}
