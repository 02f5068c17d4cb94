package dev.secondsite.samples.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.html.HtmlEscapers;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobQuery;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.protection.ActiveLocation;
import dev.secondsite.core.protection.ProtectedVm;
import dev.secondsite.core.protection.ProtectionState;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.samples.console.ConsoleProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole drill in-process, over HTTPS on loopback and the simulated fabric, with 6 VMs. */
class DrillTest {
    @TempDir
    Path store;

    @TempDir
    Path reportDir;

    @Test
    @DisplayName("J1 J3 RP8 the 6-VM drill passes: every job SUCCEEDED, every VM back on the primary site and "
            + "PROTECTED, the vault restarted from its store, the manual actions resumed, the script ran; the report "
            + "has one timeline row per task of every job, the jobs table and the report's path are printed")
    void drillPasses() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<Vault> opened = new ArrayList<>();
        List<DrillResult> finished = new ArrayList<>();
        AtomicInteger vaultTasks = new AtomicInteger(-1);
        DrillObserver observer = new DrillObserver() {
            @Override
            public void vaultOpened(Vault vault) {
                opened.add(vault);
            }

            @Override
            public void finished(DrillResult result) {
                finished.add(result);
                // what the vault holds, counted while it is still open
                vaultTasks.set(result.vault().jobs().list(JobQuery.all()).stream()
                        .mapToInt(j -> j.tasks().size()).sum());
            }
        };
        SimulatedHosts hosts = new SimulatedHosts(DrillOptions.defaults().withVms(6));
        Path report = reportDir.resolve("nested").resolve("report.html");
        DrillResult result = new Drill(new PrintStream(printed, true, StandardCharsets.UTF_8), observer)
                .run(DrillOptions.defaults().withVms(6).withStore(store).withReport(report)
                        .withProgress(ConsoleProgress.Mode.PLAIN), hosts);

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
        // no faults: no host answered a transient failure, and every host step was sent; a wait step (initial
        // replication, replication caught up) polls until its condition holds, so on a busy machine it may be sent
        // more than once: the count of sends is bounded below by the steps, not equal to them
        assertEquals(0, result.transientFailures());
        assertTrue(result.commandsSent() >= result.commandSteps(),
                () -> result.commandsSent() + " sent for " + result.commandSteps() + " steps");
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("the drill resumes it with the comment"), out);
        assertTrue(out.contains("Pairing vmm-a/Gold -> vmm-b/GoldDR with ReplicationSettings[copyFrequency=5 min"),
                out);
        assertTrue(out.contains("Drill PASSED"), out);

        // the report: one timeline row (<g class="t">, GanttChart's row) per task of every job the vault held
        assertTrue(Files.isRegularFile(report), "the report at " + report);
        String html = Files.readString(report, StandardCharsets.UTF_8);
        int rows = count(html, "<g class=\"t\">");
        assertTrue(vaultTasks.get() > 12, "tasks " + vaultTasks.get());
        assertEquals(vaultTasks.get(), rows, "timeline rows");
        assertEquals(jobs.stream().mapToInt(j -> j.tasks().size()).sum(), rows, "timeline rows");
        assertTrue(html.contains("<h1>Contoso DR: DR drill of 6 VMs</h1>"), "the title");
        int configuration = html.indexOf("<h2 id=\"configuration\">");
        assertTrue(configuration > 0, "the configuration section");
        assertTrue(html.indexOf("Three-tier app", configuration) > 0, "the plan in the configuration");
        for (DrillResult.DrillStep step : result.steps()) {
            assertTrue(html.contains(". " + HtmlEscapers.htmlEscaper().escape(step.name()) + "</h3>"),
                    "the timeline of " + step.name());
        }
        // the jobs table, each step's job labelled with its name, then the report's path as the last line
        List<String> lines = out.lines().toList();
        int header = lines.indexOf(lines.stream().filter(l -> l.matches("\\s*#\\s+Job\\s+State\\s+Duration.*"))
                .findFirst().orElseThrow(() -> new AssertionError("no jobs table in\n" + out)));
        for (int i = 0; i < result.steps().size(); i++) {
            String row = lines.get(header + 1 + i);
            DrillResult.DrillStep step = result.steps().get(i);
            assertTrue(row.matches("\\s*" + (i + 1) + "\\s+" + java.util.regex.Pattern.quote(step.name())
                    + "\\s+SUCCEEDED\\s+\\d.*"), row);
        }
        assertEquals("Report: " + report.toAbsolutePath(), lines.get(lines.size() - 1).replaceAll(" \\(.*", ""));
        // labelled on creation: even the job's first progress line carries the drill's name for it
        for (DrillResult.DrillStep step : result.steps()) {
            assertTrue(out.contains(step.name() + ": started"), step.name() + " in\n" + out);
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }
}
