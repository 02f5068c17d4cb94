package dev.secondsite.hyperv.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.inventory.PowerState;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.hyperv.sim.lang.Cmdlet;
import dev.secondsite.hyperv.sim.lang.CmdletCall;
import dev.secondsite.hyperv.sim.lang.CmdletException;
import dev.secondsite.hyperv.sim.lang.CmdletException.ErrorCategory;
import dev.secondsite.hyperv.sim.model.FaultKind;
import dev.secondsite.hyperv.sim.model.ModelCmdlets;
import dev.secondsite.hyperv.sim.model.SettableClock;
import dev.secondsite.hyperv.sim.model.SideEffect;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.annotation.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The façade: building fabrics, remote sessions, the exposed inventory, and side effects under concurrency. */
class SimulatedFabricTest {
    private static final String PRIMARY = "vmm0-a.sim.local";
    private static final String RECOVERY = "vmm0-b.sim.local";

    private static SimulatedFabric generated(int vms, long seed) {
        return SimulatedFabric.builder().generate(1, 4, vms, seed)
                .clock(new SettableClock(Instant.parse("2026-01-05T08:00:00Z"))).build();
    }

    @Test
    @DisplayName("the generated 10,000-VM fabric builds quickly and exposes both sites")
    void tenThousandVms() {
        SimulatedFabric fabric = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> SimulatedFabric.builder().generate(1, 50, 10_000, 7L).build());
        assertEquals(List.of(PRIMARY, RECOVERY), fabric.serverNames());
        Site primary = fabric.site(PRIMARY);
        assertEquals(10_000, primary.vms().size());
        assertEquals(50, primary.hosts().size());
        assertEquals(0, fabric.site(RECOVERY).vms().size());
    }

    @Test
    @DisplayName("the generator is seeded: the same seed gives the same VMs, another seed other ones")
    void seeded() {
        List<Vm> one = List.copyOf(generated(50, 1L).site(PRIMARY).vms());
        assertEquals(one, List.copyOf(generated(50, 1L).site(PRIMARY).vms()));
        assertNotEquals(one, List.copyOf(generated(50, 2L).site(PRIMARY).vms()));
    }

    @Test
    @DisplayName("remote sessions reach known hosts; unknown hosts, wrong ports and faulted hosts are refused")
    void remoteSessions() throws Exception {
        SimulatedFabric fabric = generated(3, 1L);
        String host = "hv0-0a.sim.local";
        fabric.remoteSessions().open(host, null, false, 5985);
        fabric.remoteSessions().open(host, null, true, 5986);
        CmdletException unknown = assertThrows(CmdletException.class,
                () -> fabric.remoteSessions().open("ghost.sim.local", null, false, 5985));
        assertEquals(ErrorCategory.OpenError, unknown.category());
        assertTrue(unknown.getMessage().contains("Cannot find the computer ghost.sim.local"), unknown.getMessage());
        assertEquals(ErrorCategory.OpenError, assertThrows(CmdletException.class,
                () -> fabric.remoteSessions().open(host, null, false, 5986)).category());
        fabric.faults().failNext(host, 1, FaultKind.WINRM_UNREACHABLE);
        assertEquals(ErrorCategory.OpenError, assertThrows(CmdletException.class,
                () -> fabric.remoteSessions().open(host, null, false, 5985)).category());
        fabric.remoteSessions().open(host, null, false, 5985);
    }

    @Test
    @DisplayName("F3 a host disaster: its VMs are off and WinRM to it fails transiently until it is up again")
    void hostDownAndUp() throws Exception {
        SimulatedFabric fabric = generated(20, 1L);
        String host = "hv1-0a.sim.local";
        fabric.hostDown(host);
        CmdletException e = assertThrows(CmdletException.class,
                () -> fabric.remoteSessions().open(host, null, false, 5985));
        assertTrue(FaultKind.WINRM_UNREACHABLE.isTransient());
        assertEquals(ErrorCategory.OpenError, e.category());
        assertTrue(fabric.site(PRIMARY).vmsOn(host).size() > 0);
        assertTrue(fabric.site(PRIMARY).vmsOn(host).stream().allMatch(v -> v.powerState() == PowerState.OFF));
        fabric.hostUp(host);
        fabric.remoteSessions().open(host, null, false, 5985);
    }

    @Test
    @DisplayName("a builder without sites, or with an unknown default server, is refused; on() names the servers")
    void builderRefusals() {
        assertThrows(IllegalStateException.class, () -> SimulatedFabric.builder().build());
        assertThrows(IllegalStateException.class, () -> SimulatedFabric.builder().generate(1, 1, 1, 1L)
                .defaultServer("other").build());
        assertThrows(IllegalArgumentException.class, () -> SimulatedFabric.builder().generate(0, 1, 1, 1L));
        SimulatedFabric fabric = generated(1, 1L);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> fabric.on("vmm9.sim.local")).getMessage()
                .contains(PRIMARY));
    }

    @Test
    @DisplayName("J3 concurrent commands on many VMs: every change is logged exactly once and the inventory agrees")
    void concurrentSideEffects() throws Exception {
        SimulatedFabric fabric = generated(400, 3L);
        Cmdlet stop = cmdlet(fabric, "Stop-VM");
        List<Vm> running = fabric.site(PRIMARY).vms().stream().filter(v -> v.powerState() == PowerState.RUNNING)
                .toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Vm vm : running) {
                // each VM twice, from two threads: the second finds it off and changes nothing
                for (int i = 0; i < 2; i++) {
                    futures.add(pool.submit(() -> {
                        stop.invoke(new Call(vm.host(), Map.of("Name", List.of(vm.name()))));
                        return null;
                    }));
                }
            }
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<SideEffect> effects = fabric.sideEffects();
        assertEquals(running.size(), effects.size());
        for (Vm vm : running) {
            assertEquals(1, fabric.count(vm.host(), "Stop-VM", vm.name()));
        }
        for (int i = 0; i < effects.size(); i++) {
            assertEquals(i + 1, effects.get(i).sequence());
        }
        assertTrue(fabric.site(PRIMARY).vms().stream().allMatch(v -> v.powerState() == PowerState.OFF));
    }

    private static Cmdlet cmdlet(SimulatedFabric fabric, String name) {
        return ModelCmdlets.all(fabric.model()).stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /** A bound call as the interpreter would hand it over. */
    private record Call(String computerName, Map<String, Object> bound) implements CmdletCall {
        @Override
        public String parameterSet() {
            return "Name";
        }

        @Override
        public void write(@Nullable Object value) {
        }
    }
}
