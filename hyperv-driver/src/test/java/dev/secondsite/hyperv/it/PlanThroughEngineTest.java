package dev.secondsite.hyperv.it;

import static dev.secondsite.hyperv.it.TwoSites.APP;
import static dev.secondsite.hyperv.it.TwoSites.APP2;
import static dev.secondsite.hyperv.it.TwoSites.APP2_ID;
import static dev.secondsite.hyperv.it.TwoSites.APP_ID;
import static dev.secondsite.hyperv.it.TwoSites.DB;
import static dev.secondsite.hyperv.it.TwoSites.DB2;
import static dev.secondsite.hyperv.it.TwoSites.DB2_ID;
import static dev.secondsite.hyperv.it.TwoSites.DB_ID;
import static dev.secondsite.hyperv.it.TwoSites.VMM_B;
import static dev.secondsite.hyperv.it.TwoSites.WEB;
import static dev.secondsite.hyperv.it.TwoSites.WEB2;
import static dev.secondsite.hyperv.it.TwoSites.WEB2_ID;
import static dev.secondsite.hyperv.it.TwoSites.WEB_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.plan.FailoverKind;
import dev.secondsite.core.plan.PlanAction;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.plan.ScriptSide;
import dev.secondsite.core.plan.Slot;
import dev.secondsite.core.protection.ActiveLocation;
import dev.secondsite.core.protection.ProtectionState;
import dev.secondsite.core.spi.TestNetwork;
import dev.secondsite.core.vault.JobHandle;
import dev.secondsite.core.vault.PlannedFailoverOptions;
import dev.secondsite.core.vault.SettledJob;
import dev.secondsite.core.vault.TestFailoverOptions;
import dev.secondsite.hyperv.sim.SimulatedFabric;
import dev.secondsite.hyperv.sim.model.HyperVEnums.VmState;
import dev.secondsite.hyperv.sim.model.SideEffect;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A 3-group recovery plan through the core engine on two simulated sites: groups {db01, db02}, {app01, app02},
 * {web01, web02} (db02 after db01, app02 after app01), a recovery-side script after the failover step and after
 * group 3 (from the fabric's script library), and a manual action before group 2.
 */
class PlanThroughEngineTest {
    private static final String PLAN = "Three tier";
    private static final String FIX_IPS = "\\\\vmm-b\\library\\fix-ips.ps1";
    private static final String DNS = "\\\\vmm-b\\library\\update-dns.ps1";
    private static final List<List<String>> GROUPS = List.of(List.of(DB, DB2), List.of(APP, APP2),
            List.of(WEB, WEB2));
    private static final List<String> IDS = List.of(DB_ID, DB2_ID, APP_ID, APP2_ID, WEB_ID, WEB2_ID);

    private DrOnFabric dr;

    @AfterEach
    void close() {
        if (dr != null) {
            dr.close();
        }
    }

    private DrOnFabric world(String dnsScript) {
        dr = new DrOnFabric(DrOnFabric.defaultSettings().build(), SimulatedFabric.builder()
                .script(VMM_B, FIX_IPS, "Write-Output 'addresses fixed'\nexit 0\n")
                .script(VMM_B, DNS, dnsScript));
        dr.pairAndMap().protect(IDS.toArray(String[]::new));
        RecoveryPlan plan = RecoveryPlan.builder(PLAN, TwoSites.A, TwoSites.B, dr.vault.plans().planContext())
                .addVms(1, List.of(DB_ID, DB2_ID)).addGroup().addVms(2, List.of(APP_ID, APP2_ID)).addGroup()
                .addVms(3, List.of(WEB_ID, WEB2_ID))
                .addDependency(DB2_ID, DB_ID).addDependency(APP2_ID, APP_ID)
                .addAction(Slot.afterFailover(), PlanAction.script("Fix IPs", FIX_IPS, ScriptSide.RECOVERY))
                .addAction(Slot.beforeGroup(2), PlanAction.manual("Check DB", "Confirm the databases are mounted")
                        .withKinds(FailoverKind.PLANNED, FailoverKind.UNPLANNED))
                .addAction(Slot.afterGroup(3), PlanAction.script("Update DNS", DNS, ScriptSide.RECOVERY)
                        .withKinds(FailoverKind.PLANNED, FailoverKind.UNPLANNED))
                .build();
        dr.vault.plans().save(plan);
        dr.sites.advance(Duration.ofHours(1));
        return dr;
    }

    /** Sequence numbers of the successful Start-VM side effects on {@code vmName} (any host). */
    private long startedAt(String vmName) {
        List<SideEffect> starts = dr.fabric.sideEffectsFor(vmName).stream()
                .filter(e -> e.cmdlet().equals("Start-VM")).toList();
        assertEquals(1, starts.size(), () -> vmName + " started once: " + starts);
        return starts.get(0).sequence();
    }

    private long scriptRunIndex(String path) {
        List<SimulatedFabric.ScriptRun> runs = dr.fabric.scriptRuns();
        return runs.indexOf(new SimulatedFabric.ScriptRun(VMM_B, path));
    }

    @Test
    @DisplayName("RP3 RP4 RP7 planned failover of a 3-group plan: groups start in order, dependencies kept, scripts run "
            + "on the recovery VMM server, the manual action resumed; every VM failed over once")
    void plannedFailover() {
        world("Write-Output 'dns updated'\n");
        JobHandle planned = dr.vault.plans().plannedFailover(PLAN, PlannedFailoverOptions.defaults());
        SettledJob waiting = planned.awaitSettled(DrOnFabric.WAIT);
        assertTrue(waiting.isWaitingForAction(), () -> "RP4 the job waits for the manual action: " + waiting.job());
        for (String vm : List.of(APP, APP2, WEB, WEB2)) {
            assertTrue(dr.fabric.sideEffectsFor(vm).stream().noneMatch(e -> e.cmdlet().equals("Start-VM")),
                    () -> vm + " must not start before the manual action is resumed");
        }
        dr.succeed(planned);

        for (List<String> group : GROUPS) {
            for (String vm : group) {
                String replica = dr.fabric.sideEffectsFor(vm).stream().filter(e -> e.cmdlet().equals("Start-VM"))
                        .findFirst().orElseThrow().host();
                assertEquals(VmState.Running, dr.fabric.model().vm(replica, vm).orElseThrow().power());
                assertEquals(1, dr.fabric.sideEffectsFor(vm).stream().filter(e -> e.cmdlet()
                        .equals("Start-VMFailover") && "true".equalsIgnoreCase(e.parameters().get("Prepare")))
                        .count(), vm);
            }
        }
        assertTrue(Math.max(startedAt(DB), startedAt(DB2)) < Math.min(startedAt(APP), startedAt(APP2)),
                "RP3 group 2 starts after every VM of group 1");
        assertTrue(Math.max(startedAt(APP), startedAt(APP2)) < Math.min(startedAt(WEB), startedAt(WEB2)),
                "RP3 group 3 starts after every VM of group 2");
        assertTrue(startedAt(DB) < startedAt(DB2), "RP3 db02 depends on db01");
        assertTrue(startedAt(APP) < startedAt(APP2), "RP3 app02 depends on app01");
        assertTrue(scriptRunIndex(FIX_IPS) >= 0 && scriptRunIndex(FIX_IPS) < scriptRunIndex(DNS),
                () -> "RP4 both scripts ran on the recovery server, in order: " + dr.fabric.scriptRuns());
        assertEquals(2, dr.fabric.scriptRuns().size(), () -> dr.fabric.scriptRuns().toString());
        IDS.forEach(id -> assertEquals(ProtectionState.FAILED_OVER, dr.vm(id).state(), id));

        dr.succeed(dr.vault.plans().commit(PLAN));
        dr.succeed(dr.vault.plans().reverseReplication(PLAN));
        IDS.forEach(id -> assertEquals(ActiveLocation.RECOVERY, dr.vm(id).activeLocation(), id));
        dr.sites.advance(Duration.ofHours(1));
        dr.succeed(dr.vault.plans().failback(PLAN));
        dr.succeed(dr.vault.plans().commit(PLAN));
        dr.succeed(dr.vault.plans().reverseReplication(PLAN));
        IDS.forEach(id -> {
            assertEquals(ActiveLocation.PRIMARY, dr.vm(id).activeLocation(), id);
            assertEquals(ProtectionState.PROTECTED, dr.vm(id).state(), id);
        });
        for (List<String> group : GROUPS) {
            for (String vm : group) {
                String home = vm.equals(DB) || vm.equals(WEB2) || vm.equals(APP2) ? TwoSites.HV02 : TwoSites.HV01;
                assertEquals(VmState.Running, dr.fabric.model().vm(home, vm).orElseThrow().power(), vm + " home");
                assertEquals("Replicating", dr.sites.state(home, vm), vm);
            }
        }
    }

    @Test
    @DisplayName("F1 RP7 test failover of a 3-group plan and its cleanup: test VMs created, started and deleted")
    void testFailoverAndCleanup() {
        world("Write-Output 'dns updated'\n");
        dr.succeed(dr.vault.plans().testFailover(PLAN, TestFailoverOptions.into(TestNetwork.isolated("Plan-Test"))));
        for (String id : IDS) {
            assertEquals(ProtectionState.TEST_FAILOVER_RUNNING, dr.vm(id).state(), id);
            String vm = dr.vm(id).vmName();
            assertEquals(VmState.Running, dr.fabric.model().vm(dr.replicaHost(id), vm + " - Test").orElseThrow()
                    .power(), vm);
        }
        assertEquals(List.of(new SimulatedFabric.ScriptRun(VMM_B, FIX_IPS)), dr.fabric.scriptRuns(),
                "RP4 only the script for every kind runs in a test failover");
        dr.succeed(dr.vault.plans().cleanupTestFailover(PLAN));
        for (String id : IDS) {
            assertEquals(ProtectionState.PROTECTED, dr.vm(id).state(), id);
            assertTrue(dr.fabric.model().vm(dr.replicaHost(id), dr.vm(id).vmName() + " - Test").isEmpty());
        }
    }

    @Test
    @DisplayName("RP8 a failing plan script (exit 3) stops a planned failover at that task; restarted once it is "
            + "fixed, the job succeeds without failing any VM over twice")
    void failingScriptStopsPlannedFailover() {
        world("Write-Output 'dns server refused'\nexit 3\n");
        JobHandle planned = dr.vault.plans().plannedFailover(PLAN, PlannedFailoverOptions.defaults());
        Job failed = dr.finish(planned, "databases mounted");
        assertEquals(JobState.FAILED, failed.state());
        assertTrue(failed.errors().toString().contains("exited 3"), failed.errors()::toString);

        dr.fabric.addScript(VMM_B, DNS, "Write-Output 'dns updated'\n", Duration.ZERO);
        planned.restart();
        dr.succeed(planned);
        for (String id : IDS) {
            String vm = dr.vm(id).vmName();
            assertEquals(1, dr.fabric.sideEffectsFor(vm).stream().filter(e -> e.cmdlet().equals("Start-VMFailover")
                    && e.parameters().get("Prepare") == null).count(), vm + " failed over once");
        }
        assertEquals(3, dr.fabric.scriptRuns().size(), () -> dr.fabric.scriptRuns().toString());
    }
}
