package dev.secondsite.samples.drill;

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
import dev.secondsite.hyperv.PowerShell;
import dev.secondsite.hyperv.sim.SimulatedFabric;
import dev.secondsite.hyperv.sim.model.HyperVEnums.AllowedAuthenticationType;
import dev.secondsite.hyperv.sim.model.ReplicaServerSettings;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * The drill's embedded default: both VMM servers and their Hyper-V hosts simulated in memory by the hyperv-driver
 * module's {@link SimulatedFabric}, which parses and runs the very PowerShell the driver sends to real hosts.
 *
 * <p>Primary VMM server {@value #PRIMARY_SERVER} (site {@value #PRIMARY_SITE}): cloud Gold on host group Production,
 * VM network Corp, storage classification Gold-SSD, the VMs in three tiers ({@code db-001...}, {@code app-001...},
 * {@code web-001...}, a third each, the web tier taking the remainder) spread over its hosts. Recovery VMM server
 * {@value #RECOVERY_SERVER} (site {@value #RECOVERY_SITE}): cloud GoldDR, CorpDR, DR-SSD, as many hosts. At least
 * three hosts per site, one more per 40 VMs (at most 32). Every host holds a certificate for certificate-based
 * replication (C8). The plan's script {@value #SCRIPT} is in both servers' libraries (a failback runs it on the
 * primary). VM ids and hosts come from a {@link Random} seeded with the drill's seed.
 *
 * <p>Thread-safe (the fabric is).
 */
public final class SimulatedHosts implements DrillHosts {
    public static final String PRIMARY_SITE = "vmm-a";
    public static final String PRIMARY_SERVER = "vmm-a.contoso.local";
    public static final String RECOVERY_SITE = "vmm-b";
    public static final String RECOVERY_SERVER = "vmm-b.contoso.local";
    public static final String SCRIPT = "C:\\DrScripts\\update-dns.ps1";
    private static final int VMS_PER_HOST = 40;
    private static final int MAX_HOSTS = 32;

    private final DrillOptions options;
    private final SimulatedFabric fabric;
    private final DrillTopology topology;
    private final int hostsPerSite;

    /** The fabric for {@code options}' VM count and seed; its fault rate starts once the sites are registered. */
    public SimulatedHosts(DrillOptions options) {
        this.options = options;
        this.hostsPerSite = Math.min(MAX_HOSTS, Math.max(3, (options.vms() + VMS_PER_HOST - 1) / VMS_PER_HOST));
        Random random = new Random(options.seed());
        List<String> primaryHosts = hosts("hv", "contoso.local");
        List<String> recoveryHosts = hosts("hv-dr", "fabrikam.local");
        int third = options.vms() / 3;
        List<Vm> db = tier("db", third, primaryHosts, random);
        List<Vm> app = tier("app", third, primaryHosts, random);
        List<Vm> web = tier("web", options.vms() - 2 * third, primaryHosts, random);

        SimulatedFabric.Builder builder = SimulatedFabric.builder()
                .site(primary(primaryHosts, db, app, web))
                .site(recovery(recoveryHosts));
        List<String> all = new ArrayList<>(primaryHosts);
        all.addAll(recoveryHosts);
        for (String host : all) {
            builder.replicaServer(host, new ReplicaServerSettings(false, AllowedAuthenticationType.Kerberos, false,
                    80, 443, thumbprint(host), ReplicaServerSettings.DEFAULT.defaultStorageLocation()));
        }
        String script = "param()\nWrite-Output \"DNS records now point at the site the plan failed over to\"\nexit 0\n";
        builder.script(PRIMARY_SERVER, SCRIPT, script).script(RECOVERY_SERVER, SCRIPT, script);
        this.fabric = builder.build();
        this.topology = new DrillTopology(
                new DrillTopology.Side(PRIMARY_SITE, PRIMARY_SERVER, "Gold", "Corp", "Gold-SSD"),
                new DrillTopology.Side(RECOVERY_SITE, RECOVERY_SERVER, "GoldDR", "CorpDR", "DR-SSD"),
                ids(db), ids(app), ids(web), SCRIPT);
    }

    /** The fabric, for tests and the benchmark to observe (side effects, script runs). */
    public SimulatedFabric fabric() {
        return fabric;
    }

    public int hostsPerSite() {
        return hostsPerSite;
    }

    @Override
    public DrillTopology topology() {
        return topology;
    }

    @Override
    public PowerShell powerShellOn(String vmmServer) {
        return fabric.on(vmmServer);
    }

    @Override
    public void sitesRegistered() {
        // after registration, so that only host commands (which the engine retries) meet the faults
        fabric.faults().faultRate(options.faultRate(), options.seed());
    }

    @Override
    public String describe() {
        return String.format("a simulated Hyper-V fabric: VMM servers %s and %s, %d hosts each, %d VMs "
                        + "(%d database, %d application, %d web), transient fault rate %.2f, seed %d",
                PRIMARY_SERVER, RECOVERY_SERVER, hostsPerSite, topology.allVms().size(),
                topology.databaseTier().size(), topology.applicationTier().size(), topology.webTier().size(),
                options.faultRate(), options.seed());
    }

    private List<String> hosts(String prefix, String domain) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= hostsPerSite; i++) {
            out.add(String.format("%s%02d.%s", prefix, i, domain));
        }
        return out;
    }

    private static List<Vm> tier(String prefix, int count, List<String> hosts, Random random) {
        List<Vm> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String name = String.format("%s-%03d", prefix, i);
            out.add(Vm.builder(new UUID(random.nextLong(), random.nextLong()).toString(), name)
                    .host(hosts.get(random.nextInt(hosts.size()))).powerState(PowerState.RUNNING).nic("Corp")
                    .disk("C:\\ClusterStorage\\Volume1\\" + name + "\\" + name + ".vhdx", "Gold-SSD").build());
        }
        return out;
    }

    private static List<String> ids(List<Vm> vms) {
        return vms.stream().map(Vm::id).toList();
    }

    private static Site primary(List<String> hosts, List<Vm> db, List<Vm> app, List<Vm> web) {
        Site.Builder b = Site.builder(PRIMARY_SITE, PRIMARY_SERVER).vmmVersion(VmmVersion.SC2022)
                .hostGroup(HostGroup.of("Production"))
                .logicalNetwork(new LogicalNetwork("Datacenter"))
                .vmNetwork(new VmNetwork("Corp", "Datacenter"))
                .storageClassification(new StorageClassification("Gold-SSD", Set.copyOf(hosts)))
                .cloud(Cloud.hyperV("Gold", List.of("Production"), List.of("Datacenter")));
        hosts.forEach(h -> b.host(Host.of(h, WindowsServerVersion.WS2022, "Production")));
        db.forEach(b::vm);
        app.forEach(b::vm);
        web.forEach(b::vm);
        return b.build();
    }

    private static Site recovery(List<String> hosts) {
        Site.Builder b = Site.builder(RECOVERY_SITE, RECOVERY_SERVER).vmmVersion(VmmVersion.SC2022)
                .hostGroup(HostGroup.of("Recovery"))
                .logicalNetwork(new LogicalNetwork("DR-Datacenter"))
                .vmNetwork(new VmNetwork("CorpDR", "DR-Datacenter"))
                .storageClassification(new StorageClassification("DR-SSD", Set.copyOf(hosts)))
                .cloud(Cloud.hyperV("GoldDR", List.of("Recovery"), List.of("DR-Datacenter")));
        hosts.forEach(h -> b.host(Host.of(h, WindowsServerVersion.WS2022, "Recovery")));
        return b.build();
    }

    /** A made-up SHA-1 thumbprint of the host's certificate: 40 hex digits, the same for the same host. */
    private static String thumbprint(String host) {
        return String.format("%040X", new BigInteger(1, host.getBytes(StandardCharsets.UTF_8))
                .mod(BigInteger.ONE.shiftLeft(160)));
    }
}
