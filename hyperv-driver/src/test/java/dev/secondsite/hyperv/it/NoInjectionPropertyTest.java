package dev.secondsite.hyperv.it;

import static dev.secondsite.hyperv.it.TwoSites.HV01;
import static dev.secondsite.hyperv.it.TwoSites.VMM_A;
import static dev.secondsite.hyperv.it.TwoSites.VMM_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.secondsite.core.inventory.Cloud;
import dev.secondsite.core.inventory.PowerState;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.hyperv.HyperVDriver;
import dev.secondsite.hyperv.PowerShellScriptRunner;
import dev.secondsite.hyperv.VmmSiteReader;
import dev.secondsite.hyperv.sim.SimulatedFabric;
import dev.secondsite.hyperv.sim.model.HyperVEnums.VmState;
import dev.secondsite.hyperv.sim.model.SideEffect;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * No injection end to end: any string as a VM name, a cloud name or a script path travels driver -> standard input
 * -> interpreter -> cmdlet (or cmdlet -> JSON -> reader) and arrives as exactly that string; nothing in it is
 * evaluated.
 */
class NoInjectionPropertyTest {
    /** The pieces that break naive quoting, mixed with arbitrary BMP characters (no lone surrogates). */
    private static final List<String> FRAGMENTS = List.of("'", "''", "\u2018", "\u2019", "\u201A", "\u201B",
            "\"", "\u201C", "\u201D", "\u201E", "$(", ")", "$(Stop-VM -Name web01 -TurnOff)", "${x}", "$x", "`",
            "`n", "\n", "\r\n", ";", "|", "&", "#", "<#", "#>", "\0", "{", "}", "@(", " ", "-Force", "exit 3", "\t",
            "'; Remove-VM -Name web01 -Force; '");

    private static Gen<String> nastyStrings() {
        Gen<String> piece = integers().between(0, FRAGMENTS.size() + 2).zip(integers().between(0x20, 0xD7FF),
                (i, c) -> i < FRAGMENTS.size() ? FRAGMENTS.get(i) : String.valueOf((char) (int) c));
        Gen<String> shortOnes = lists().of(piece).ofSizeBetween(1, 30).map(l -> String.join("", l));
        Gen<String> longOnes = lists().of(piece).ofSizeBetween(1000, 3000).map(l -> String.join("", l));
        return shortOnes.mix(longOnes, 5);
    }

    @Test
    @DisplayName("any string as a VM name reaches Start-VM on the host as exactly that string, and only that VM starts")
    void vmName() {
        qt().withExamples(120).forAll(nastyStrings()).assuming(s -> !s.isBlank()).checkAssert(name -> {
            Site primary = TwoSites.primary().toBuilder().vm(Vm.builder("9a9a9a9a-0000-4000-8000-000000000001", name)
                    .host(HV01).powerState(PowerState.OFF).nic("Corp").build()).build();
            SimulatedFabric fabric = SimulatedFabric.builder().site(primary).site(TwoSites.recovery()).build();
            HyperVDriver driver = HyperVDriver.builder().powerShell(fabric.on(VMM_A)).build();
            CommandResult r = driver.execute(TwoSites.request(HV01,
                    new HostCommand.StartVm("9a9a9a9a-0000-4000-8000-000000000001", name, false)));
            assertTrue(r.succeeded(), r::message);
            List<SideEffect> effects = fabric.sideEffects();
            assertEquals(1, effects.size(), effects::toString);
            assertEquals(name, effects.get(0).vmName());
            assertEquals(name, effects.get(0).parameters().get("Name"));
            assertEquals(VmState.Running, fabric.model().vm(HV01, name).orElseThrow().power());
            assertEquals(VmState.Running, fabric.model().vm(HV01, TwoSites.WEB).orElseThrow().power(),
                    "nothing in the name was evaluated (web01 not turned off)");
        });
    }

    @Test
    @DisplayName("R4 any string as a cloud or VM name comes back through Get-SCCloud/Get-SCVirtualMachine, JSON and the "
            + "VMM reader as exactly that string")
    void cloudAndVmNamesRead() {
        qt().withExamples(80).forAll(nastyStrings(), nastyStrings())
                .assuming((cloud, vm) -> !cloud.isBlank() && !vm.isBlank() && !cloud.equalsIgnoreCase("Gold"))
                .checkAssert((cloud, vm) -> {
                    Site primary = TwoSites.primary().toBuilder()
                            .cloud(Cloud.hyperV(cloud, List.of("Production"), List.of("Datacenter")))
                            .vm(Vm.builder("9a9a9a9a-0000-4000-8000-000000000002", vm).host(HV01).nic("Corp").build())
                            .build();
                    SimulatedFabric fabric = SimulatedFabric.builder().site(primary).build();
                    Site read = new VmmSiteReader(fabric.on(VMM_A), TwoSites.A, VMM_A, Duration.ofMinutes(1)).get();
                    assertTrue(read.cloud(cloud).isPresent(), () -> "cloud " + cloud + " in " + read.clouds());
                    assertEquals(vm, read.vm("9a9a9a9a-0000-4000-8000-000000000002").orElseThrow().name());
                    assertEquals(fabric.site(VMM_A), read);
                });
    }

    @Test
    @DisplayName("RP8 any string as a script path reaches the VMM server's script library as exactly that string")
    void scriptPath() {
        qt().withExamples(120).forAll(nastyStrings()).assuming(s -> !s.isBlank()).checkAssert(path -> {
            SimulatedFabric fabric = SimulatedFabric.builder().site(TwoSites.primary()).site(TwoSites.recovery())
                    .script(VMM_B, path, "Write-Output 'ran'\n").build();
            CommandResult r = new PowerShellScriptRunner(fabric.on(VMM_B)).run(path, Duration.ofMinutes(1));
            assertTrue(r.succeeded(), r::message);
            assertEquals(List.of(new SimulatedFabric.ScriptRun(VMM_B, path)), fabric.scriptRuns());
            assertTrue(fabric.sideEffects().isEmpty(), "nothing in the path was evaluated");
        });
    }
}
