package dev.secondsite.hyperv.sim.model;

import static dev.secondsite.hyperv.sim.model.Sim.HV1A;
import static dev.secondsite.hyperv.sim.model.Sim.WEB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.hyperv.sim.lang.CmdletException;
import dev.secondsite.hyperv.sim.lang.CmdletException.ErrorCategory;
import dev.secondsite.hyperv.sim.model.HyperVEnums.VmState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Injected faults and latency. */
class FaultsTest {
    @Test
    @DisplayName("the next N cmdlets on a host fail transiently (VM locked, ResourceBusy) and change nothing")
    void nextNLocked() throws Exception {
        Sim sim = new Sim();
        sim.faults.failNext(HV1A, 2, FaultKind.VM_LOCKED);
        for (int i = 0; i < 2; i++) {
            CmdletException e = sim.refused(HV1A, "Stop-VM", "Name", WEB);
            assertEquals(ErrorCategory.ResourceBusy, e.category());
            assertTrue(e.getMessage().contains("locked"), e.getMessage());
            assertEquals(VmState.Running, sim.vm(HV1A, WEB).power());
        }
        sim.run(HV1A, "Stop-VM", "Name", WEB);
        assertEquals(VmState.Off, sim.vm(HV1A, WEB).power());
        assertEquals(1, sim.model.sideEffects().size());
        assertTrue(FaultKind.VM_LOCKED.isTransient());
    }

    @Test
    @DisplayName("a permanent fault fails every cmdlet on the host until cleared; other hosts are unaffected")
    void permanentUntilCleared() throws Exception {
        Sim sim = new Sim();
        sim.faults.failAlways(HV1A, FaultKind.HOST_ERROR);
        for (int i = 0; i < 3; i++) {
            assertEquals(ErrorCategory.InvalidOperation, sim.refused(HV1A, "Get-VM").category());
        }
        sim.run(Sim.HV1B, "Get-VM");
        sim.faults.clear(HV1A);
        assertEquals(2, sim.run(HV1A, "Get-VM").size(), "web-01 and db-01");
        assertFalse(FaultKind.HOST_ERROR.isTransient());
    }

    @Test
    @DisplayName("WinRM faults refuse the session (OpenError) and are counted per session, not per cmdlet")
    void sessionFaults() throws Exception {
        Faults faults = new Faults().failNext(HV1A, 1, FaultKind.WINRM_UNREACHABLE);
        CmdletException e = assertThrows(CmdletException.class, () -> faults.beforeSession(HV1A));
        assertEquals(ErrorCategory.OpenError, e.category());
        assertTrue(e.getMessage().startsWith("Connecting to remote server " + HV1A + " failed"), e.getMessage());
        faults.beforeSession(HV1A);
        faults.failAlways(HV1A, FaultKind.ACCESS_DENIED);
        faults.beforeCmdlet(HV1A, "Get-VM", "");
        assertTrue(assertThrows(CmdletException.class, () -> faults.beforeSession(HV1A)).getMessage()
                .contains("Access is denied"));
    }

    @Test
    @DisplayName("a fault rate with a seed: the same seed gives the same faults in the same order")
    void seededRate() throws Exception {
        List<Boolean> first = draws(new Faults().faultRate(0.3, 42L));
        List<Boolean> again = draws(new Faults().faultRate(0.3, 42L));
        assertEquals(first, again);
        long failed = first.stream().filter(b -> b).count();
        assertTrue(failed > 30 && failed < 90, "about 30% of 200 failed: " + failed);
        assertFalse(draws(new Faults().faultRate(0.3, 43L)).equals(first));
    }

    private static List<Boolean> draws(Faults faults) throws InterruptedException {
        List<Boolean> out = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            try {
                faults.beforeSession("hv" + (i % 3));
                out.add(false);
            } catch (CmdletException e) {
                out.add(true);
            }
        }
        return out;
    }

    @Test
    @DisplayName("latency delays a session by at least its duration, and holds no lock of the model meanwhile")
    void latencyHoldsNoLock() throws Exception {
        Sim sim = new Sim();
        sim.faults.latency(HV1A, Duration.ofMillis(1500));
        assertEquals(Duration.ZERO, sim.faults.latencyOf(Sim.HV1B));
        CountDownLatch starting = new CountDownLatch(1);
        long begin = System.nanoTime();
        CompletableFuture<Void> slow = CompletableFuture.runAsync(() -> {
            starting.countDown();
            try {
                sim.faults.beforeSession(HV1A);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(starting.await(5, TimeUnit.SECONDS));
        sim.run(HV1A, "Stop-VM", "Name", WEB);
        assertFalse(slow.isDone(), "a cmdlet on the same host and VM ran while the slow session waited");
        slow.get(10, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - begin >= TimeUnit.MILLISECONDS.toNanos(1500));
    }
}
