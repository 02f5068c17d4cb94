package dev.secondsite.hyperv.sim.model;

import static dev.secondsite.hyperv.sim.model.Sim.HV1A;
import static dev.secondsite.hyperv.sim.model.Sim.VMM_A;
import static dev.secondsite.hyperv.sim.model.Sim.WEB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.secondsite.core.inventory.PowerState;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.hyperv.sim.lang.CmdletException;
import dev.secondsite.hyperv.sim.lang.CmdletException.ErrorCategory;
import dev.secondsite.hyperv.sim.lang.PsObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The VMM reads run on a VMM server, and the core inventory the model exposes. */
class VmmCmdletTest {
    @Test
    @DisplayName("R5 Get-SCVMMServer, Get-SCCloud, Get-SCVMHost and Get-SCVMHostGroup describe the server's inventory")
    void serverCloudsHosts() throws Exception {
        Sim sim = new Sim();
        PsObject server = (PsObject) sim.run(VMM_A, "Get-SCVMMServer", "ComputerName", VMM_A).get(0);
        assertEquals("3.2.7510.0", server.get("ProductVersion"));
        assertEquals(false, server.get("IsHighlyAvailable"));
        PsObject cloud = (PsObject) sim.run(VMM_A, "Get-SCCloud", "VMMServer", server).get(0);
        assertEquals("Gold-a", cloud.get("Name"));
        assertEquals("Hyper-V", ((PsObject) ((List<?>) cloud.get("CapabilityProfiles")).get(0)).get("Name"));
        assertEquals("LN-a", ((PsObject) ((List<?>) cloud.get("LogicalNetworks")).get(0)).get("Name"));
        List<Object> hosts = sim.run(VMM_A, "Get-SCVMHost", "VMMServer", server);
        assertEquals(2, hosts.size());
        PsObject old = (PsObject) hosts.get(1);
        assertEquals("6.2.9200", ((PsObject) old.get("OperatingSystem")).get("Version"));
        PsObject child = (PsObject) sim.run(VMM_A, "Get-SCVMHostGroup", "Name", "HG-a-child").get(0);
        assertEquals("HG-a\\HG-a-child", child.get("Path"));
        assertEquals("HG-a", ((PsObject) child.get("ParentHostGroup")).get("Name"));
        CmdletException e = sim.refused(VMM_A, "Get-SCVMMServer", "ComputerName", "nowhere");
        assertEquals(ErrorCategory.ObjectNotFound, e.category());
    }

    @Test
    @DisplayName("R5 Get-SCVirtualMachine with its adapters and disks; the cloud is found through the host group")
    void virtualMachines() throws Exception {
        Sim sim = new Sim();
        List<Object> vms = sim.run(VMM_A, "Get-SCVirtualMachine", "All", true);
        assertEquals(List.of("db-01", "old-01", WEB), vms.stream().map(v -> ((PsObject) v).get("Name")).toList());
        PsObject web = (PsObject) vms.get(2);
        assertEquals(Sim.WEB_ID, web.get("ID"));
        assertEquals("Running", web.get("Status").toString());
        assertEquals("Gold-a", ((PsObject) web.get("Cloud")).get("Name"));
        assertEquals("Gold-a", ((PsObject) ((PsObject) vms.get(1)).get("Cloud")).get("Name"), "through HG-a-child");
        PsObject adapter = (PsObject) sim.run(VMM_A, "Get-SCVirtualNetworkAdapter", "VM", web).get(0);
        assertEquals("Corp", ((PsObject) adapter.get("VMNetwork")).get("Name"));
        PsObject disk = (PsObject) sim.run(VMM_A, "Get-SCVirtualDiskDrive", "VM", web).get(0);
        assertEquals("D:\\VMs\\web-01.vhdx", ((PsObject) disk.get("VirtualHardDisk")).get("Location"));
        assertEquals(3, sim.run(VMM_A, "Get-SCVirtualNetworkAdapter", "All", true).size());
        PsObject network = (PsObject) sim.run(VMM_A, "Get-SCVMNetwork").get(0);
        assertEquals("LN-a", ((PsObject) network.get("LogicalNetwork")).get("Name"));
        assertEquals(2, ((List<?>) ((PsObject) sim.run(VMM_A, "Get-SCStorageClassification").get(0))
                .get("VMHosts")).size());
        assertEquals("LN-a", ((PsObject) sim.run(VMM_A, "Get-SCLogicalNetwork").get(0)).get("Name"));
        assertEquals(3, sim.run(VMM_A, "Get-SCCapabilityProfile").size());
        assertEquals(0, sim.run(VMM_A, "Get-SCVMHostCluster").size());
    }

    @Test
    @DisplayName("R5 the exposed Site follows the model: power, adapters, replica VMs and observed replication")
    void siteFollowsTheModel() throws Exception {
        Sim sim = new Sim();
        sim.replicating();
        sim.run(HV1A, "Stop-VM", "Name", WEB);
        Site a = sim.model.site(VMM_A);
        assertEquals(PowerState.OFF, a.vm(Sim.WEB_ID).orElseThrow().powerState());
        assertEquals(Sim.HV1B, a.vm(Sim.WEB_ID).orElseThrow().existingReplication().orElseThrow().replicaHost());
        Site b = sim.model.site(Sim.VMM_B);
        assertEquals(Sim.HV1B, b.vm(Sim.WEB_ID).orElseThrow().host(), "the replica VM is in the recovery inventory");
        assertNull(b.vm(Sim.WEB_ID).orElseThrow().networkAdapters().get(0).vmNetwork());
        assertEquals("Fast-b", b.vm(Sim.WEB_ID).orElseThrow().disks().get(0).storageClassification(),
                "the replica's disks are on the replica site's storage");
        assertEquals(List.of("Gold-b"), b.clouds().stream().map(c -> c.name()).toList());
    }
}
