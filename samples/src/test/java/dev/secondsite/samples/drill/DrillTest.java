package dev.secondsite.samples.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.protection.ActiveLocation;
import dev.secondsite.core.protection.ProtectedVm;
import dev.secondsite.core.protection.ProtectionState;
import dev.secondsite.core.vault.Vault;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole drill in-process, over HTTPS on loopback and the simulated fabric, with 6 VMs. */
class DrillTest {
    @TempDir
    Path store;

    @Test
    @DisplayName("J1 J3 RP8 the 6-VM drill passes: every job SUCCEEDED, every VM back on the primary site and "
            + "PROTECTED, the vault restarted from its store, the manual actions resumed, the script ran")
    void drillPasses() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<Vault> opened = new ArrayList<>();
        List<DrillResult> finished = new ArrayList<>();
        DrillObserver observer = new DrillObserver() {
            @Override
            public void vaultOpened(Vault vault) {
                opened.add(vault);
            }

            @Override
            public void finished(DrillResult result) {
                finished.add(result);
            }
        };
        SimulatedHosts hosts = new SimulatedHosts(DrillOptions.defaults().withVms(6));
        DrillResult result = new Drill(new PrintStream(printed, true, StandardCharsets.UTF_8), observer)
                .run(DrillOptions.defaults().withVms(6).withStore(store), hosts);

        List<Job> jobs = result.jobs();
        assertEquals(12, jobs.size(), jobs::toString);
        for (Job job : jobs) {
            assertEquals(JobState.SUCCEEDED, job.state(), () -> job.kind() + " " + job.errors());
        }
        assertEquals(6, result.vms().size());
        for (ProtectedVm vm : result.vms()) {
            assertEquals(ProtectionState.PROTECTED, vm.state(), vm::toString);
            assertEquals(ActiveLocation.PRIMARY, vm.activeLocation(), vm::toString);
        }
        // the restart: a second Vault object, opened from the store, holding the jobs run before it
        assertEquals(2, opened.size());
        assertNotSame(opened.get(0), opened.get(1));
        assertSame(opened.get(1), result.vault());
        assertTrue(result.vaultRestarted());
        assertTrue(jobs.stream().anyMatch(j -> j.kind() == JobKind.TEST_FAILOVER), jobs::toString);
        assertTrue(Files.isRegularFile(store.resolve("ca").resolve("vault-ca.p12")), "the transport's CA");
        assertTrue(Files.list(store.resolve("vault")).findAny().isPresent(), "the vault's journal");
        assertEquals(List.of(result), finished);
        // the manual action after group 1 of the test, planned and failback failovers; the script of the planned
        // failover and the failback, each on the VMM server of the site failed over to
        assertEquals(3, result.resumedActions().size(), result.resumedActions()::toString);
        assertEquals(2, result.scriptRuns());
        assertEquals(2, hosts.fabric().scriptRuns().size(), hosts.fabric().scriptRuns()::toString);
        // no faults: each host step took exactly one command
        assertEquals(0, result.transientFailures());
        assertEquals(result.commandSteps(), result.commandsSent());
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("the drill resumes it with the comment"), out);
        assertTrue(out.contains("Pairing vmm-a/Gold -> vmm-b/GoldDR with ReplicationSettings[copyFrequency=5 min"),
                out);
        assertTrue(out.contains("Drill PASSED"), out);
    }
}
