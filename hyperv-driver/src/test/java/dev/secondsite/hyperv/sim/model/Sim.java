package dev.secondsite.hyperv.sim.model;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.HostGroup;
import dev.secondsite.core.inventory.LogicalNetwork;
import dev.secondsite.core.inventory.PowerState;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.StorageClassification;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.inventory.VmNetwork;
import dev.secondsite.core.inventory.WindowsServerVersion;
import dev.secondsite.hyperv.sim.lang.Cmdlet;
import dev.secondsite.hyperv.sim.lang.CmdletException;
import dev.secondsite.hyperv.sim.lang.PsEnum;
import dev.secondsite.hyperv.sim.lang.PsObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A two-site model for cmdlet tests: VMM server vmm-a.contoso.local (hosts hv1-a, hv2-a; VMs web-01 running and
 * db-01 off on hv1-a, old-01 on the Windows Server 2012 host hv2-a, network Corp) and vmm-b.contoso.local (hosts hv1-b, hv2-b, network CorpDR, switch Isolated on
 * hv1-b), on a settable clock. Not thread-safe beyond what the model is.
 */
final class Sim {
    static final String VMM_A = "vmm-a.contoso.local";
    static final String VMM_B = "vmm-b.contoso.local";
    static final String HV1A = "hv1-a.contoso.local";
    static final String HV2A = "hv2-a.contoso.local";
    static final String HV1B = "hv1-b.contoso.local";
    static final String WEB = "web-01";
    static final String WEB_ID = "6f1d3f7e-0000-4000-8000-000000000001";
    static final Instant START = Instant.parse("2026-01-05T08:00:00Z");

    final SettableClock clock = new SettableClock(START);
    final Faults faults = new Faults();
    final HyperVModel model;
    final Map<String, Cmdlet> cmdlets;

    Sim() {
        this(Duration.ZERO, 0);
    }

    Sim(Duration initialReplicationDuration, int polls, Vm... extraRecoveryVms) {
        model = new HyperVModel(clock, faults, initialReplicationDuration, polls);
        model.addSite(primary());
        Site.Builder recovery = site("b", VMM_B, "CorpDR");
        for (Vm vm : extraRecoveryVms) {
            recovery.vm(vm);
        }
        model.addSite(recovery.build());
        model.addSwitch(HV1B, "Isolated");
        cmdlets = ModelCmdlets.all(model).stream().collect(Collectors.toMap(c -> c.name().toLowerCase(),
                Function.identity()));
    }

    static Site primary() {
        return site("a", VMM_A, "Corp")
                .vm(Vm.builder(WEB_ID, WEB).host(HV1A).nic("Corp").disk("D:\\VMs\\web-01.vhdx", "Fast-a").build())
                .vm(Vm.builder("6f1d3f7e-0000-4000-8000-000000000002", "db-01").host(HV1A)
                        .powerState(PowerState.OFF).nic("Corp").build())
                .vm(Vm.builder("6f1d3f7e-0000-4000-8000-000000000003", "old-01").host(HV2A).nic("Corp").build())
                .build();
    }

    static Site.Builder site(String tag, String name, String network) {
        String h1 = "hv1-" + tag + ".contoso.local";
        String h2 = "hv2-" + tag + ".contoso.local";
        return Site.builder("site-" + tag, name)
                .hostGroup(HostGroup.of("HG-" + tag)).hostGroup(new HostGroup("HG-" + tag + "-child", "HG-" + tag))
                .host(Host.of(h1, WindowsServerVersion.WS2022, "HG-" + tag))
                .host(new Host(h2, WindowsServerVersion.WS2012, "HG-" + tag + "-child", true, null))
                .logicalNetwork(new LogicalNetwork("LN-" + tag)).vmNetwork(new VmNetwork(network, "LN-" + tag))
                .storageClassification(new StorageClassification("Fast-" + tag, Set.of(h1, h2)))
                .cloud(Cloud.hyperV("Gold-" + tag, List.of("HG-" + tag), List.of("LN-" + tag)));
    }

    List<Object> run(String host, String cmdlet, Object... args) throws CmdletException {
        return TestCall.run(cmdlets.get(cmdlet.toLowerCase()), host, args);
    }

    CmdletException refused(String host, String cmdlet, Object... args) {
        return assertThrows(CmdletException.class, () -> run(host, cmdlet, args));
    }

    /** Both hosts of site b accept Kerberos on 8083. */
    void replicaServers() throws CmdletException {
        for (String host : List.of(HV1B, "hv2-b.contoso.local", HV1A, HV2A)) {
            run(host, "Set-VMReplicationServer", "ReplicationEnabled", true, "AllowedAuthenticationType", "Kerberos",
                    "ReplicationAllowedFromAnyServer", true, "KerberosAuthenticationPort", 8083);
        }
    }

    /** web-01 enabled from hv1-a to hv1-b with {@code extra} settings, Kerberos on 8083. */
    void enable(Object... extra) throws CmdletException {
        Object[] base = {"VMName", WEB, "ReplicaServerName", HV1B, "ReplicaServerPort", 8083,
                "AuthenticationType", "Kerberos"};
        Object[] all = new Object[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        run(HV1A, "Enable-VMReplication", all);
    }

    /** web-01 replicating to hv1-b (initial replication over the network, now). */
    void replicating(Object... extra) throws CmdletException {
        replicaServers();
        enable(extra);
        run(HV1A, "Start-VMInitialReplication", "VMName", WEB);
    }

    PsObject replication(String host, String vm) throws CmdletException {
        return (PsObject) run(host, "Get-VMReplication", "VMName", vm).get(0);
    }

    String state(String host, String vm) throws CmdletException {
        return ((PsEnum) replication(host, vm).get("ReplicationState")).name();
    }

    HyperVModel.VmCopy vm(String host, String name) {
        return model.vm(host, name).orElseThrow(() -> new AssertionError("no VM " + name + " on " + host));
    }

    List<PsObject> snapshots(String host, String vm, String type) throws CmdletException {
        return run(host, "Get-VMSnapshot", "VMName", vm, "SnapshotType", type).stream().map(PsObject.class::cast)
                .toList();
    }
}
