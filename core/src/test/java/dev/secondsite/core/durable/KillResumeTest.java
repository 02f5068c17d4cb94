package dev.secondsite.core.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobQuery;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.TaskState;
import dev.secondsite.core.vault.VaultOptions;
import dev.secondsite.core.vault.Vault;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * J3 end to end: a child JVM sets up protection of 200 VMs and runs a planned failover of a four-group plan against
 * a driver whose side effects are durable; the test kills it with SIGKILL at random moments (each chosen as a number
 * of side effects, so kills land in setup, enabling protection and every stage of the failover), starts it again, and
 * at the end checks that every VM failed over exactly once and the job's history is complete.
 */
class KillResumeTest {
    private static final int VMS = 200;
    private static final int KILLS = 24;

    @TempDir
    Path work;

    @Test
    @DisplayName("J3 killed at 24 random points, the vault resumes its jobs and every host side effect happens exactly once")
    void killAndResume() throws Exception {
        long seed = Long.getLong("secondsite.killSeed", System.nanoTime());
        System.out.println("KillResumeTest seed " + seed + " (rerun with -Dsecondsite.killSeed=" + seed + ")");
        Random random = new Random(seed);
        // 4 hosts configured + 2 per VM to enable + 6 per VM to fail over: about 1,600 side effects in all
        int expectedEffects = 4 + 2 + VMS * 8;
        TreeSet<Integer> points = new TreeSet<>();
        while (points.size() < KILLS) {
            points.add(1 + random.nextInt(expectedEffects - 10));
        }
        System.out.println("KillResumeTest kill points (side effects done before the kill): " + points);
        int runs = 0;
        int killedDuringStartup = 0;
        for (int point : points) {
            int done = LedgerDriver.read(work.resolve("ledger.tsv")).size();
            // every sixth run dies right after opening the vault, while it replays and resumes
            boolean atStartup = runs % 6 == 5;
            Run run = runChild(atStartup ? -1 : Math.max(1, point - done));
            runs++;
            if (atStartup) {
                killedDuringStartup++;
            }
            assertTrue(run.killed || run.output.contains("DONE"), "run " + runs + " ended by itself without "
                    + "finishing: " + run.output);
        }
        Run last = runChild(Integer.MAX_VALUE);
        runs++;
        assertTrue(last.output.contains("DONE"), last.output);
        System.out.println("KillResumeTest: " + KILLS + " kill points (" + killedDuringStartup
                + " right after the vault opened), " + runs + " runs, seed " + seed);

        List<LedgerDriver.Entry> ledger = LedgerDriver.read(work.resolve("ledger.tsv"));
        assertEquals(ledger.size(), ledger.stream().map(LedgerDriver.Entry::key).distinct().count(),
                "no idempotency key took effect twice");
        Map<String, Map<String, Long>> perVm = LedgerDriver.perVm(ledger);
        assertEquals(VMS, perVm.size(), "every VM was touched");
        Map<String, Long> once = LedgerDriver.ENABLE_AND_FAILOVER_ONCE;
        perVm.forEach((vm, commands) -> {
            Map<String, Long> changes = new java.util.HashMap<>(commands);
            // status reads change nothing: enable protection polls until the initial copy is complete (E1), each
            // poll with its own key, and a run killed while it waits polls again; the failover's probe reads once
            Long reads = changes.remove("GetReplicationStatus");
            assertTrue(reads != null && reads >= 2, "status reads of " + vm + ": " + reads);
            assertEquals(once, changes, "side effects of " + vm);
        });

        try (Vault vault = Vault.open(work.resolve("vault"), VaultOptions.defaults())) {
            Job failover = vault.jobs().list(JobQuery.builder().kind(JobKind.PLANNED_FAILOVER).build()).get(0);
            assertEquals(JobState.SUCCEEDED, failover.state());
            assertEquals(1, vault.jobs().list(JobQuery.builder().kind(JobKind.PLANNED_FAILOVER).build()).size());
            assertTrue(failover.tasks().stream().allMatch(t -> t.state() == TaskState.SUCCEEDED),
                    "every task of the failover succeeded");
            assertEquals(VMS, vault.configuration().protection().protectedVms().stream()
                    .filter(v -> v.state().name().equals("FAILED_OVER")).count());
        }
    }

    private record Run(boolean killed, String output) {
    }

    /**
     * Runs the child until it has made {@code effects} more side effects durable and then kills it with SIGKILL
     * (-1: as soon as the vault is open); lets it finish when it gets there first.
     */
    private Run runChild(int effects) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), KillTestChild.class.getName(),
                work.toString(), String.valueOf(VMS))
                .redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        boolean killed = false;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            int seen = 0;
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("EFFECT")) {
                    seen++;
                } else {
                    lines.add(line);
                }
                if ((effects < 0 && line.equals("OPENED")) || (effects > 0 && seen >= effects)) {
                    process.destroyForcibly();   // SIGKILL: no shutdown hooks, no flushing
                    killed = true;
                    break;
                }
            }
        }
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the child ended");
        String output = String.join("\n", lines);
        if (!killed) {
            assertEquals(0, process.exitValue(), output);
        }
        return new Run(killed, output);
    }
}
