package dev.secondsite.hyperv.it;

import static dev.secondsite.hyperv.it.TwoSites.HV01;
import static dev.secondsite.hyperv.it.TwoSites.VMM_A;
import static dev.secondsite.hyperv.it.TwoSites.WEB;
import static dev.secondsite.hyperv.it.TwoSites.WEB_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.protection.ProtectionState;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.vault.PlannedFailoverOptions;
import dev.secondsite.hyperv.sim.model.FaultKind;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Injected host faults: transient ones are retried by the engine until the job succeeds, permanent ones fail it. */
class FaultsThroughEngineTest {
    private DrOnFabric dr;

    @AfterEach
    void close() {
        if (dr != null) {
            dr.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = FaultKind.class, names = {"WINRM_UNREACHABLE", "VM_LOCKED"})
    @DisplayName("J1 a transient fault (next 2 commands on the host) is TRANSIENT_FAILURE from the driver and retried "
            + "by the engine: the planned failover succeeds, nothing done twice")
    void transientFaultRetried(FaultKind kind) {
        dr = new DrOnFabric().pairAndMap().protect(WEB_ID);
        dr.sites.advance(Duration.ofHours(1));

        dr.fabric.faults().failNext(HV01, 1, kind);
        CommandResult direct = dr.sites.driver(VMM_A).execute(TwoSites.request(HV01,
                new HostCommand.GetReplicationStatus(WEB_ID, WEB)));
        assertEquals(CommandResult.Outcome.TRANSIENT_FAILURE, direct.outcome(), direct.message());

        dr.fabric.faults().failNext(HV01, 2, kind);
        dr.succeed(dr.vault.protectedVms().plannedFailover(WEB_ID, PlannedFailoverOptions.defaults()));
        assertEquals(ProtectionState.FAILED_OVER, dr.vm(WEB_ID).state());
        assertEquals(1, dr.count(HV01, "Stop-VM", WEB));
        assertEquals(1, dr.fabric.sideEffectsFor(WEB).stream().filter(e -> e.cmdlet().equals("Start-VMFailover")
                && "true".equalsIgnoreCase(e.parameters().get("Prepare"))).count());
    }

    @ParameterizedTest
    @EnumSource(value = FaultKind.class, names = {"ACCESS_DENIED", "HOST_ERROR"})
    @DisplayName("J1 a permanent fault fails the task with the cmdlet's own message; nothing changed on the host")
    void permanentFaultFailsTheTask(FaultKind kind) {
        dr = new DrOnFabric().pairAndMap();
        dr.fabric.faults().failNext(HV01, 1, kind);
        Job job = dr.finish(dr.vault.protectedVms().enable(DrOnFabric.GOLD, List.of(WEB_ID)), "n/a");
        assertEquals(JobState.FAILED, job.state());
        String expected = kind == FaultKind.ACCESS_DENIED ? "Access is denied"
                : "failed the operation 'Get-VM' for 'web01'. (injected permanent fault)";
        assertTrue(job.errors().toString().contains(expected), job.errors()::toString);
        assertEquals(0, dr.count(HV01, "Enable-VMReplication", WEB));
        assertEquals("Disabled", dr.sites.state(HV01, WEB));
    }
}
