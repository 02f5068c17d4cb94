package dev.secondsite.hyperv.it;

import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.HostGroup;
import dev.secondsite.core.inventory.LogicalNetwork;
import dev.secondsite.core.inventory.PowerState;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.StorageClassification;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.inventory.VmNetwork;
import dev.secondsite.core.inventory.VmmVersion;
import dev.secondsite.core.inventory.WindowsServerVersion;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.HostCommand.AuthenticationType;
import dev.secondsite.core.spi.HostCommand.ReplicationParameters;
import dev.secondsite.hyperv.HyperVDriver;
import dev.secondsite.hyperv.sim.SimulatedFabric;
import dev.secondsite.hyperv.sim.model.HyperVEnums.AllowedAuthenticationType;
import dev.secondsite.hyperv.sim.model.HyperVModel;
import dev.secondsite.hyperv.sim.model.ReplicaServerSettings;
import dev.secondsite.hyperv.sim.model.SettableClock;
import dev.secondsite.hyperv.sim.model.SideEffect;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two simulated VMM sites for the end-to-end tests, on a settable clock.
 *
 * <p>Primary VMM server {@value #VMM_A} (site id {@value #A}): cloud Gold (host group Production: {@value #HV01},
 * {@value #HV02}), network Corp, classification Gold-SSD, VMs web01, app01, db02 (on hv01) and db01, web02, app02
 * (on hv02), running, each with one adapter "nic0" on Corp. Recovery VMM server {@value #VMM_B} (site id {@value #B}): cloud
 * GoldDR (host group Recovery: {@value #HV11}, {@value #HV12}), networks CorpDR and TestNet, classification DR-SSD.
 *
 * <p>Not thread-safe beyond what the fabric is; one per test.
 */
final class TwoSites {
    static final String A = "vmm-a";
    static final String B = "vmm-b";
    static final String VMM_A = "vmm-a.contoso.local";
    static final String VMM_B = "vmm-b.contoso.local";
    static final String HV01 = "hv01.contoso.local";
    static final String HV02 = "hv02.contoso.local";
    static final String HV11 = "hv11.fabrikam.local";
    static final String HV12 = "hv12.fabrikam.local";
    static final String WEB = "web01";
    static final String WEB_ID = "0b5c6a7e-1111-4000-8000-000000000001";
    static final String APP = "app01";
    static final String APP_ID = "0b5c6a7e-1111-4000-8000-000000000002";
    static final String DB = "db01";
    static final String DB_ID = "0b5c6a7e-1111-4000-8000-000000000003";
    static final String WEB2 = "web02";
    static final String WEB2_ID = "0b5c6a7e-1111-4000-8000-000000000004";
    static final String APP2 = "app02";
    static final String APP2_ID = "0b5c6a7e-1111-4000-8000-000000000005";
    static final String DB2 = "db02";
    static final String DB2_ID = "0b5c6a7e-1111-4000-8000-000000000006";
    /** The adapter Vm.Builder#nic names, as VMM reports it. */
    static final String ADAPTER = "nic0";
    static final Instant START = Instant.parse("2030-03-04T08:00:00Z");
    /** Certificate on 8084, 5 minutes, 4 extra points, app-consistent every 2 hours, compressed. */
    static final ReplicationParameters SETTINGS = new ReplicationParameters(300, 4, 2, true,
            AuthenticationType.CERTIFICATE, 8084);

    private static final AtomicInteger KEYS = new AtomicInteger();

    final SettableClock clock = new SettableClock(START);
    final SimulatedFabric fabric;

    TwoSites() {
        this(SimulatedFabric.builder());
    }

    /** With {@code builder}'s further settings (latency, initial replication duration...). */
    TwoSites(SimulatedFabric.Builder builder) {
        this(builder, List.of());
    }

    /**
     * With {@code builder}'s further settings and, on the recovery site, {@code restored}: copies of primary VMs
     * (same id and name) restored from a backup, the existing replicas of C10's "using an existing replica".
     */
    TwoSites(SimulatedFabric.Builder builder, List<Vm> restored) {
        Site.Builder recovery = recoveryBuilder();
        restored.forEach(recovery::vm);
        builder.clock(clock).site(primary()).site(recovery.build());
        // C8: certificates are set up on every host before pairing (a real provider deploys them); Hyper-V reads a
        // host's own thumbprint from Get-VMReplicationServer, so each host starts with one and replication off
        for (String host : List.of(HV01, HV02, HV11, HV12)) {
            builder.replicaServer(host, new ReplicaServerSettings(false, AllowedAuthenticationType.Kerberos, false,
                    80, 443, thumbprint(host), ReplicaServerSettings.DEFAULT.defaultStorageLocation()));
        }
        fabric = builder.build();
    }

    /** A 40-hex-digit thumbprint per host. */
    static String thumbprint(String host) {
        return String.format("%040X", new java.math.BigInteger(1, host.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .mod(java.math.BigInteger.TEN.pow(40)));
    }

    static Site primary() {
        return Site.builder(A, VMM_A).vmmVersion(VmmVersion.SC2022)
                .hostGroup(HostGroup.of("Production"))
                .host(Host.of(HV01, WindowsServerVersion.WS2022, "Production"))
                .host(Host.of(HV02, WindowsServerVersion.WS2022, "Production"))
                .logicalNetwork(new LogicalNetwork("Datacenter"))
                .vmNetwork(new VmNetwork("Corp", "Datacenter"))
                .storageClassification(new StorageClassification("Gold-SSD", Set.of(HV01, HV02)))
                .cloud(Cloud.hyperV("Gold", List.of("Production"), List.of("Datacenter")))
                .vm(vm(WEB_ID, WEB, HV01))
                .vm(vm(APP_ID, APP, HV01))
                .vm(vm(DB_ID, DB, HV02))
                .vm(vm(WEB2_ID, WEB2, HV02))
                .vm(vm(APP2_ID, APP2, HV02))
                .vm(vm(DB2_ID, DB2, HV01))
                .build();
    }

    static Vm vm(String id, String name, String host) {
        return Vm.builder(id, name).host(host).powerState(PowerState.RUNNING).nic("Corp")
                .disk("C:\\ClusterStorage\\Volume1\\" + name + "\\" + name + ".vhdx", "Gold-SSD").build();
    }

    static Site recovery() {
        return recoveryBuilder().build();
    }

    /** A copy of {@code vmName} ({@code vmId}) restored on {@code host} of the recovery site: off, on CorpDR. */
    static Vm restoredCopy(String vmId, String vmName, String host) {
        return Vm.builder(vmId, vmName).host(host).powerState(PowerState.OFF).nic("CorpDR").build();
    }

    private static Site.Builder recoveryBuilder() {
        return Site.builder(B, VMM_B).vmmVersion(VmmVersion.SC2022)
                .hostGroup(HostGroup.of("Recovery"))
                .host(Host.of(HV11, WindowsServerVersion.WS2022, "Recovery"))
                .host(Host.of(HV12, WindowsServerVersion.WS2022, "Recovery"))
                .logicalNetwork(new LogicalNetwork("DR-Datacenter"))
                .vmNetwork(new VmNetwork("CorpDR", "DR-Datacenter"))
                .vmNetwork(new VmNetwork("TestNet", "DR-Datacenter"))
                .storageClassification(new StorageClassification("DR-SSD", Set.of(HV11, HV12)))
                .cloud(Cloud.hyperV("GoldDR", List.of("Recovery"), List.of("DR-Datacenter")));
    }

    /** A new driver over the fabric as VMM server {@code server}'s provider runs it (no memory of earlier runs). */
    HyperVDriver driver(String server) {
        return HyperVDriver.builder().powerShell(fabric.on(server)).clock(clock).build();
    }

    static CommandRequest request(String host, HostCommand command) {
        return new CommandRequest("it-" + KEYS.incrementAndGet(), A, host, command);
    }

    HyperVModel model() {
        return fabric.model();
    }

    /** The replication state Get-VMReplication reports for {@code vm} on {@code host}. */
    String state(String host, String vm) {
        return model().vm(host, vm).orElseThrow(() -> new AssertionError("no VM " + vm + " on " + host)).state()
                .name();
    }

    List<SideEffect> effects() {
        return fabric.sideEffects();
    }

    static String describe(CommandResult r) {
        return r.outcome() + ": " + r.message();
    }

    void advance(Duration d) {
        clock.advance(d);
    }
}
