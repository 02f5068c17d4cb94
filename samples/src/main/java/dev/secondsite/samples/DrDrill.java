package dev.secondsite.samples;

import dev.secondsite.core.Secret;
import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.Host;
import dev.secondsite.core.inventory.HostGroup;
import dev.secondsite.core.inventory.LogicalNetwork;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.StorageClassification;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.inventory.VmNetwork;
import dev.secondsite.core.inventory.VmmVersion;
import dev.secondsite.core.inventory.WindowsServerVersion;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobQuery;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.TaskStatus;
import dev.secondsite.core.json.ConfigurationJson;
import dev.secondsite.core.json.JobJson;
import dev.secondsite.core.plan.FailoverDirection;
import dev.secondsite.core.plan.FailoverKind;
import dev.secondsite.core.plan.PlanAction;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.plan.ScriptSide;
import dev.secondsite.core.plan.Slot;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.CopyFrequency;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.protection.StorageMapping;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.provider.RegistrationOptions;
import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.ScriptRunner;
import dev.secondsite.core.spi.TestNetwork;
import dev.secondsite.core.transport.local.LocalTransport;
import dev.secondsite.core.vault.JobHandle;
import dev.secondsite.core.vault.PlannedFailoverOptions;
import dev.secondsite.core.vault.SettledJob;
import dev.secondsite.core.vault.TestFailoverOptions;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultOptions;
import dev.secondsite.hyperv.HyperVDriver;
import dev.secondsite.hyperv.PowerShell;
import dev.secondsite.hyperv.VmmSiteReader;
import dev.secondsite.hyperv.sim.SimulatedFabric;
import dev.secondsite.hyperv.sim.model.HyperVEnums.AllowedAuthenticationType;
import dev.secondsite.hyperv.sim.model.ReplicaServerSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The end-to-end DR drill on the embedded default: a vault (kept durably in a temporary directory) and two site
 * providers in one JVM, joined by the {@code local:} transport, each driving its hosts through the Hyper-V driver's
 * PowerShell scripts, which a simulated Hyper-V fabric (both VMM servers and their hosts) parses and runs. Each
 * provider syncs its site from its VMM server through the same VMM reader a real server is read with. It
 * registers both VMM servers, pairs a cloud, maps networks and storage, protects three VMs, restarts the vault from
 * its journal, builds a two-group recovery plan with a dependency, a
 * script and a manual action, then runs a test failover and its cleanup, a planned failover, commit, reverse
 * replication and a failback, printing every job and finally the configuration and the job history as JSON.
 */
public final class DrDrill {
    private static final URI HUB = URI.create("local:drill");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DNS_SCRIPT = "\\\\vmm-b\\library\\update-dns.ps1";

    private DrDrill() {
    }

    public static void main(String[] args) throws Exception {
        // one fabric for both sites: Hyper-V Replica links the hosts of both
        SimulatedFabric.Builder fabricBuilder = SimulatedFabric.builder().site(primarySite()).site(recoverySite());
        // C8: certificate-based replication (the default) needs a certificate on every host; the pairing job
        // makes each host a replica server with it
        for (String host : List.of("hv01.contoso.local", "hv02.contoso.local", "hv11.fabrikam.local",
                "hv12.fabrikam.local")) {
            fabricBuilder.replicaServer(host, new ReplicaServerSettings(false, AllowedAuthenticationType.Kerberos,
                    false, 80, 443, thumbprint(host), "D:\\Hyper-V\\Replica"));
        }
        SimulatedFabric fabric = fabricBuilder.build();
        List<String> scriptsRun = new CopyOnWriteArrayList<>();
        // RP8 scripts run on the VMM server; the fabric has no script library yet, so this stands in for the
        // driver's PowerShellScriptRunner until it has: it answers the drill's one script as a success
        ScriptRunner scripts = (path, timeout) -> {
            if (!path.equals(DNS_SCRIPT)) {
                return CommandResult.permanentFailure("the drill knows no script '" + path + "'");
            }
            scriptsRun.add(path);
            return CommandResult.succeeded("ran " + path, new CommandOutput.ScriptOutput(0, "DNS updated", ""));
        };

        // the vault keeps its state in a directory: every change and job event is journaled before it takes effect
        Path storage = Files.createTempDirectory("secondsite-drill");
        Vault first = Vault.create(VaultOptions.builder("Contoso DR", "westeurope").storage(storage).transport(HUB)
                .build());
        try (Provider siteA = provider(fabric, "vmm-a", "vmm-a.contoso.local", scripts);
             Provider siteB = provider(fabric, "vmm-b", "vmm-b.contoso.local", scripts)) {
            Vault vault = first;
            say("Vault '%s' in %s is %s, kept in %s", vault.info().name(), vault.info().region(),
                    vault.info().state(), storage);

            Secret key = vault.servers().generateRegistrationKey().encoded();
            siteA.register(key, RegistrationOptions.defaults());
            siteB.register(key, RegistrationOptions.defaults());
            siteA.connect();
            siteB.connect();
            vault.servers().list().forEach(s -> say("Registered %s (%s), %d clouds synced", s.friendlyName(),
                    s.vmmVersion(), s.syncedClouds().size()));

            CloudRef gold = new CloudRef("vmm-a", "Gold");
            ReplicationSettings settings = ReplicationSettings.builder().copyFrequency(CopyFrequency.FIVE_MINUTES)
                    .additionalRecoveryPoints(4).appConsistentFrequencyHours(2).build();
            JobHandle pairing = vault.pairings().pair(CloudPairing.of(gold, "vmm-b", "GoldDR", settings));
            pairing.awaitCompletion(WAIT);          // the job, or JobFailedException carrying it
            run("Pair Gold -> GoldDR", pairing);
            run("Map network Corp -> CorpDR", vault.mappings().mapNetwork(new NetworkMapping("vmm-a", "Corp",
                    "vmm-b", "CorpDR")));
            run("Map storage Gold-SSD -> DR-SSD", vault.mappings().mapStorage(new StorageMapping("vmm-a",
                    "Gold-SSD", "vmm-b", "DR-SSD")));
            say("Validation: %s", vault.configuration().validate());
            run("Protect web, app, db", vault.protectedVms().enable(gold, List.of("vm-web", "vm-app", "vm-db")));

            // a restart of the control plane: everything comes back from the journal (J3)
            vault.close();
            vault = Vault.open(storage, VaultOptions.builder().transport(HUB).build());
            say("Reopened the vault from its journal: %d servers, %d protected VMs, %d jobs",
                    vault.servers().list().size(), vault.configuration().protection().protectedVms().size(),
                    vault.jobs().list(JobQuery.all()).size());

            RecoveryPlan plan = RecoveryPlan.builder("Web tier", "vmm-a", "vmm-b", vault.plans().planContext())
                    .addVm("vm-db").addGroup().addVms(2, List.of("vm-app", "vm-web"))
                    .addDependency("vm-web", "vm-app")
                    .addAction(Slot.afterGroup(1), PlanAction.manual("Check the database",
                            "Log on to db01 and confirm the database is mounted"))
                    .addAction(Slot.afterGroup(2), PlanAction.script("Update DNS", DNS_SCRIPT, ScriptSide.RECOVERY)
                            .withKinds(FailoverKind.PLANNED, FailoverKind.UNPLANNED))
                    .build();
            vault.plans().save(plan);
            say("Plan '%s': %d VMs in %d groups", plan.name(), plan.vms().size(), plan.groupCount());

            JobHandle test = vault.plans().testFailover(plan.name(),
                    TestFailoverOptions.into(TestNetwork.isolated("drill-isolated")));
            resumeWhenWaiting(test, "database mounted -- drill operator");
            run("Test failover of the plan", test);
            run("Clean up the test failover", vault.plans().cleanupTestFailover(plan.name()));

            JobHandle planned = vault.plans().plannedFailover(plan.name(), PlannedFailoverOptions.defaults());
            resumeWhenWaiting(planned, "database mounted on the recovery site");
            run("Planned failover to vmm-b", planned);
            run("Commit", vault.plans().commit(plan.name()));
            run("Reverse replication", vault.plans().reverseReplication(plan.name()));

            JobHandle back = vault.plans().failback(plan.name());
            resumeWhenWaiting(back, "database mounted back home");
            run("Failback to vmm-a", back);
            run("Commit the failback", vault.plans().commit(plan.name()));
            run("Reverse replication again", vault.plans().reverseReplication(plan.name()));

            vault.configuration().protection().protectedVms().forEach(vm -> say("  %s: %s, running on %s",
                    vm.vmName(), vm.state(), vm.activeLocation()));
            say("Scripts run: %s", scriptsRun);
            say("%nConfiguration (secrets never exported):%n%s", ConfigurationJson.export(vault.configuration()));
            String jobs = JobJson.export(vault.jobs().list(JobQuery.all()));
            say("%nJob history: %d jobs, %d characters of JSON (J4)", vault.jobs().list(JobQuery.all()).size(),
                    jobs.length());
            boolean allSucceeded = vault.jobs().list(JobQuery.all()).stream()
                    .allMatch(j -> j.state() == JobState.SUCCEEDED);
            say("Drill %s", allSucceeded ? "PASSED: every job succeeded" : "FAILED");
            vault.close();
            if (!allSucceeded) {
                System.exit(1);
            }
        } finally {
            first.close();
            try (var files = Files.walk(storage)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /**
     * The provider of one VMM server of the fabric: its inventory read from that server by the VMM reader, its
     * commands carried out by the Hyper-V driver, both through PowerShell run on that server.
     */
    private static Provider provider(SimulatedFabric fabric, String siteId, String vmmServer, ScriptRunner scripts) {
        PowerShell onServer = fabric.on(vmmServer);
        return Provider.builder(vmmServer, new VmmSiteReader(onServer, siteId, vmmServer, Duration.ofMinutes(1)))
                .hostDriver(HyperVDriver.builder().powerShell(onServer).build()).vault(HUB).scriptRunner(scripts)
                .build();
    }

    /** A made-up SHA-1 thumbprint of the host's certificate: 40 hex digits, the same for the same host. */
    private static String thumbprint(String host) {
        return String.format("%040X", new java.math.BigInteger(1, host.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .mod(java.math.BigInteger.ONE.shiftLeft(160)));
    }

    /** Waits for a job to end (or to wait for its manual action) and prints it. */
    private static void run(String what, JobHandle handle) {
        Job job = handle.awaitSettled(WAIT).job();
        say("%-32s %-10s %3d%%  %d tasks%s", what, job.state(), job.progressPercent(), job.tasks().size(),
                job.warnings().isEmpty() ? "" : ", " + job.warnings().size() + " warnings");
        for (dev.secondsite.core.Finding warning : job.warnings()) {
            say("    warning: %s", warning);
        }
        for (dev.secondsite.core.Finding error : job.errors()) {
            say("    error: %s", error);
        }
        if (job.state() != JobState.SUCCEEDED) {
            for (TaskStatus t : job.tasks()) {
                say("    %-40s %s", t.name(), t.state());
            }
        }
    }

    /** Plays the operator of a manual action: waits until the job asks, then resumes it. */
    private static void resumeWhenWaiting(JobHandle handle, String comment) {
        SettledJob settled = handle.awaitSettled(WAIT);
        Job job = settled.job();
        if (settled.isWaitingForAction()) {
            say("  job waits for: %s", job.tasks().stream().filter(t -> t.state().name().startsWith("WAITING"))
                    .map(TaskStatus::name).findFirst().orElse("?"));
            handle.resume(comment);
        }
    }

    private static Site primarySite() {
        return Site.builder("vmm-a", "vmm-a.contoso.local").vmmVersion(VmmVersion.SC2012_R2)
                .hostGroup(HostGroup.of("Production"))
                .host(Host.of("hv01.contoso.local", WindowsServerVersion.WS2012_R2, "Production"))
                .host(Host.of("hv02.contoso.local", WindowsServerVersion.WS2012_R2, "Production"))
                .logicalNetwork(new LogicalNetwork("Datacenter"))
                .vmNetwork(new VmNetwork("Corp", "Datacenter"))
                .storageClassification(new StorageClassification("Gold-SSD",
                        Set.of("hv01.contoso.local", "hv02.contoso.local")))
                .cloud(Cloud.hyperV("Gold", List.of("Production"), List.of("Datacenter")))
                .vm(Vm.builder("vm-web", "web01").host("hv01.contoso.local").nic("Corp")
                        .disk("C:\\VMs\\web01.vhdx", "Gold-SSD").build())
                .vm(Vm.builder("vm-app", "app01").host("hv01.contoso.local").nic("Corp")
                        .disk("C:\\VMs\\app01.vhdx", "Gold-SSD").build())
                .vm(Vm.builder("vm-db", "db01").host("hv02.contoso.local").nic("Corp")
                        .disk("C:\\VMs\\db01.vhdx", "Gold-SSD").build())
                .build();
    }

    private static Site recoverySite() {
        return Site.builder("vmm-b", "vmm-b.contoso.local").vmmVersion(VmmVersion.SC2012_R2)
                .hostGroup(HostGroup.of("Recovery"))
                .host(Host.of("hv11.fabrikam.local", WindowsServerVersion.WS2012_R2, "Recovery"))
                .host(Host.of("hv12.fabrikam.local", WindowsServerVersion.WS2012_R2, "Recovery"))
                .logicalNetwork(new LogicalNetwork("DR-Datacenter"))
                .vmNetwork(new VmNetwork("CorpDR", "DR-Datacenter"))
                .storageClassification(new StorageClassification("DR-SSD",
                        Set.of("hv11.fabrikam.local", "hv12.fabrikam.local")))
                .cloud(Cloud.hyperV("GoldDR", List.of("Recovery"), List.of("DR-Datacenter")))
                .build();
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(format, args));
    }

}
