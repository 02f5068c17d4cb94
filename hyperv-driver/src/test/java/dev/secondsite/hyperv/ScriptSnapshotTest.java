package dev.secondsite.hyperv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.spi.CommandRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The exact scripts the driver emits, kept as snapshot files under {@code src/test/resources/scripts/} (one per
 * command variant: {@code <CommandName>[-<Variant>].ps1}), each with the standard input of a sample call in its
 * leading comment. A script change shows up as a diff in review and is run on the simulator by the integration
 * tests.
 *
 * <p>To regenerate the files after a deliberate change, run the test with
 * {@code -Dsecondsite.updateSnapshots=true} (e.g. {@code mvn -o -pl hyperv-driver -am test
 * -Dtest=ScriptSnapshotTest -Dsurefire.failIfNoSpecifiedTests=false -Dsecondsite.updateSnapshots=true}) and review
 * the diff.
 */
class ScriptSnapshotTest {
    private static final Path SNAPSHOTS = Path.of("src", "test", "resources", "scripts");
    private static final boolean UPDATE = Boolean.getBoolean("secondsite.updateSnapshots");

    /** Every script the driver, the script runner and the site reader emit for the samples: name -> snapshot text. */
    private static Map<String, String> emitted() {
        FakePowerShell ps = new FakePowerShell(Samples::answer);
        HyperVDriver driver = HyperVDriver.builder().powerShell(ps).clock(Samples.CLOCK).build();
        for (CommandRequest request : Samples.everyVariant()) {
            assertTrue(driver.execute(request).succeeded(), request.toString());
        }
        new PowerShellScriptRunner(ps).run("\\\\vmm01\\MSSCVMMLibrary\\Scripts\\update-dns.ps1",
                Duration.ofMinutes(10));
        try {
            new VmmSiteReader(ps, "server-a", "vmm01.contoso.com", Duration.ofMinutes(5)).get();
        } catch (VmmInventoryException expected) {
            // the canned answer is no site; only the script it ran matters here
        }
        Map<String, String> byName = new LinkedHashMap<>();
        for (FakePowerShell.Call call : ps.calls()) {
            List<String> args = call.invocation().arguments();
            String text = Scripts.decode(args.get(args.indexOf("-EncodedCommand") + 1));
            byName.putIfAbsent(call.script().name(), "# stdin: " + call.invocation().stdin() + "\n" + text);
        }
        return byName;
    }

    @Test
    @DisplayName("every script the driver emits equals its snapshot file, and every script has one")
    void scriptsEqualTheirSnapshots() throws IOException {
        Map<String, String> emitted = emitted();
        Set<String> all = new TreeSet<>();
        Scripts.all().forEach(s -> all.add(s.name()));
        assertEquals(all, new TreeSet<>(emitted.keySet()), "every script is emitted by some sample");
        if (UPDATE) {
            Files.createDirectories(SNAPSHOTS);
            for (Map.Entry<String, String> e : emitted.entrySet()) {
                Files.writeString(SNAPSHOTS.resolve(e.getKey() + ".ps1"), e.getValue(), StandardCharsets.UTF_8);
            }
        }
        List<String> differing = new ArrayList<>();
        for (Map.Entry<String, String> e : emitted.entrySet()) {
            Path file = SNAPSHOTS.resolve(e.getKey() + ".ps1");
            if (!Files.exists(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(e.getValue())) {
                differing.add(e.getKey());
            }
        }
        assertEquals(List.of(), differing, "scripts that differ from their snapshots (regenerate with "
                + "-Dsecondsite.updateSnapshots=true and review the diff)");
        try (var files = Files.list(SNAPSHOTS)) {
            Set<String> stale = new TreeSet<>();
            files.map(f -> f.getFileName().toString().replace(".ps1", "")).filter(n -> !all.contains(n))
                    .forEach(stale::add);
            assertEquals(Set.of(), stale, "snapshot files of scripts that no longer exist");
        }
    }

    @Test
    @DisplayName("no sample value appears in any script text: values travel on standard input only")
    void valuesNeverInScriptText() {
        for (Scripts.Script script : Scripts.all()) {
            for (String value : List.of(Samples.VM, Samples.VM_ID, Samples.PRIMARY, Samples.REPLICA, Samples.POINT,
                    "dr-test", "corp-dr", "8084", "update-dns", "vmm01")) {
                assertFalse(script.text().contains(value), script.name() + " contains " + value);
            }
        }
    }

    @Test
    @DisplayName("every changing cmdlet call carries -Confirm:$false and -ErrorAction Stop")
    void changingCallsConfirmAndStop() {
        List<String> verbs = List.of("Enable-VM", "Set-VM", "Start-VM", "Stop-VM", "Remove-VM", "Import-VM",
                "Complete-VM", "Connect-VM", "Disconnect-VM");
        int changing = 0;
        for (Scripts.Script script : Scripts.all()) {
            for (String line : script.text().split("\n")) {
                String code = line.strip();
                for (String verb : verbs) {
                    int at = code.indexOf(verb);
                    if (at >= 0 && (at == 0 || code.charAt(at - 1) == ' ' || code.charAt(at - 1) == '{')) {
                        changing++;
                        assertTrue(code.contains("-Confirm:$false") && code.contains("-ErrorAction Stop"),
                                script.name() + ": " + code);
                    }
                }
            }
        }
        assertTrue(changing >= 25, "found " + changing + " changing calls");
    }

    @Test
    @DisplayName("each script's command line is built once: the same argument list object on every call")
    void encodedOnce() {
        FakePowerShell ps = new FakePowerShell(Samples::answer);
        HyperVDriver driver = HyperVDriver.builder().powerShell(ps).clock(Samples.CLOCK).build();
        driver.execute(Samples.request(Samples.PRIMARY, new dev.secondsite.core.spi.HostCommand.StartVm("a", "b",
                false)));
        driver.execute(Samples.request(Samples.PRIMARY, new dev.secondsite.core.spi.HostCommand.StartVm("c", "d",
                false)));
        assertTrue(ps.calls().get(0).invocation().arguments() == ps.calls().get(1).invocation().arguments());
        assertEquals(Scripts.START_VM.text(), Scripts.decode(Scripts.START_VM.arguments().get(7)));
    }
}
