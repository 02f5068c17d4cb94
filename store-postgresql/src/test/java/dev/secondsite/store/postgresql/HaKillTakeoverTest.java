package dev.secondsite.store.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.durable.LedgerDriver;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobQuery;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.TaskState;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * J3 with leadership: two vault JVMs ({@link HaKillChild}) on one database, one active and one standing by; a 200-VM
 * plan failover runs on the active one, which the test SIGKILLs at random moments (logged seed); each time the
 * standby takes over (the time from the kill to its ACTIVE is recorded) and a new standby is started. At the end
 * every host side effect happened once (core's durable ledger driver), the failover SUCCEEDED and its history is
 * complete.
 */
class HaKillTakeoverTest {
    private static final int VMS = 200;
    private static final int KILLS = 10;

    @TempDir
    Path work;

    /** One child JVM and the lines it printed, read by a thread of its own. */
    private static final class Child {
        final Process process;
        final LinkedBlockingDeque<String> lines = new LinkedBlockingDeque<>();
        final List<String> other = new ArrayList<>();

        Child(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("READ-FAILED " + e);
                }
                lines.add("EOF");
            }, "child reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** Lets an ACTIVE child start its work. */
        void go() throws IOException {
            process.getOutputStream().write("GO\n".getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }

        /** Takes lines until one equals {@code wanted} (true) or the child's output ends (false). */
        boolean awaitLine(String wanted, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null || line.equals("EOF")) {
                    return false;
                }
                if (line.equals(wanted)) {
                    return true;
                }
                if (!line.startsWith("EFFECT")) {
                    other.add(line);
                }
            }
        }

        /** Takes lines until {@code count} EFFECT lines were seen (true) or DONE/the end came first (false). */
        boolean awaitEffects(int count, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            int seen = 0;
            while (seen < count) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null || line.equals("EOF") || line.equals("DONE")) {
                    if ("DONE".equals(line)) {
                        lines.addFirst("DONE");   // for awaitLine, ahead of the EOF that may follow
                    }
                    return false;
                }
                if (line.startsWith("EFFECT")) {
                    seen++;
                } else {
                    other.add(line);
                }
            }
            return true;
        }
    }

    private Child start(String prefix, String name) throws IOException {
        return new Child(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-cp", System.getProperty("java.class.path"), HaKillChild.class.getName(),
                TestDatabase.jdbcUrl() + "?user=postgres", prefix, work.toString(), String.valueOf(VMS), name)
                .redirectErrorStream(true).start());
    }

    @Test
    @DisplayName("J3 two vault JVMs on one database: the active one is SIGKILLed at 10 random moments of a 200-VM "
            + "failover, the standby takes over each time; every host side effect once, the job SUCCEEDED, its "
            + "history complete")
    void killActiveStandbyTakesOver() throws Exception {
        long seed = Long.getLong("secondsite.killSeed", System.nanoTime());
        System.out.println("HaKillTakeoverTest seed " + seed + " (rerun with -Dsecondsite.killSeed=" + seed + ")");
        Random random = new Random(seed);
        String prefix = TestDatabase.freshPrefix();
        try (PostgresStateStore store = PostgresStateStore.open(PostgresStoreOptions.builder(TestDatabase
                .dataSource()).tablePrefix(prefix).build());
             Vault vault = Vault.create(VaultOptions.builder("HA kill", "westeurope").store(store).build())) {
            assertTrue(vault.servers().list().isEmpty());
        }
        int expectedEffects = 4 + 2 + VMS * 8;
        TreeSet<Integer> points = new TreeSet<>();
        while (points.size() < KILLS) {
            points.add(1 + random.nextInt(expectedEffects - 50));
        }
        System.out.println("HaKillTakeoverTest kill points (side effects before the kill): " + points);
        int names = 0;
        Child active = start(prefix, "i" + names++);
        assertTrue(active.awaitLine("ACTIVE", 60), "the first instance leads: " + active.other);
        Child standby = start(prefix, "i" + names++);
        assertTrue(standby.awaitLine("STANDBY", 60), standby.other.toString());
        active.go();
        List<Long> takeoverMillis = new ArrayList<>();
        int done = 0;
        for (int point : points) {
            int effectsSoFar = LedgerDriver.read(work.resolve("ledger.tsv")).size();
            if (!active.awaitEffects(Math.max(1, point - effectsSoFar), 120)) {
                System.out.println("HaKillTakeoverTest: the active ended before kill point " + point + " ("
                        + effectsSoFar + " effects): " + active.other + " " + active.lines);
                break; // finished before this point
            }
            active.process.destroyForcibly();   // SIGKILL: no shutdown hooks, no connection closed politely
            long killed = System.nanoTime();
            assertTrue(active.process.waitFor(30, TimeUnit.SECONDS));
            assertTrue(standby.awaitLine("ACTIVE", 60), "the standby took over: " + standby.other);
            takeoverMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
            done++;
            active = standby;
            standby = start(prefix, "i" + names++);
            assertTrue(standby.awaitLine("STANDBY", 60), standby.other.toString());
            active.go();
        }
        assertTrue(active.awaitLine("DONE", 180), "the last active finished (after " + done + " kills, "
                + LedgerDriver.read(work.resolve("ledger.tsv")).size() + " effects): " + active.other);
        assertTrue(active.process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, active.process.exitValue());
        standby.process.destroyForcibly();
        standby.process.waitFor(30, TimeUnit.SECONDS);
        List<Long> sorted = takeoverMillis.stream().sorted().toList();
        System.out.println("HaKillTakeoverTest: " + done + " kills, " + LedgerDriver.read(work.resolve("ledger.tsv"))
                .size() + " side effects; takeover after SIGKILL (ms, sorted) " + sorted);
        assertEquals(KILLS, done, "every kill point was reached");

        List<LedgerDriver.Entry> ledger = LedgerDriver.read(work.resolve("ledger.tsv"));
        assertEquals(ledger.size(), ledger.stream().map(LedgerDriver.Entry::key).distinct().count(),
                "no idempotency key took effect twice");
        Map<String, Map<String, Long>> perVm = ledger.stream().filter(e -> !e.vmId().equals("-"))
                .collect(Collectors.groupingBy(LedgerDriver.Entry::vmId,
                        Collectors.groupingBy(LedgerDriver.Entry::command, Collectors.counting())));
        assertEquals(VMS, perVm.size(), "every VM was touched");
        Map<String, Long> once = Map.of("EnableReplication", 1L, "StartInitialReplication", 1L,
                "StopVm", 1L, "PrepareFailover", 1L, "Failover", 1L, "ConnectNetworkAdapter", 1L, "StartVm", 1L);
        perVm.forEach((vm, commands) -> {
            Map<String, Long> changes = new HashMap<>(commands);
            changes.remove("GetReplicationStatus");   // status reads change nothing and may repeat
            assertEquals(once, changes, "side effects of " + vm);
        });
        try (PostgresStateStore store = PostgresStateStore.open(PostgresStoreOptions.builder(TestDatabase
                .dataSource()).tablePrefix(prefix).build());
             Vault vault = Vault.open(store, VaultOptions.defaults())) {
            List<Job> failovers = vault.jobs().list(JobQuery.builder().kind(JobKind.PLANNED_FAILOVER).build());
            assertEquals(1, failovers.size());
            Job failover = failovers.get(0);
            assertEquals(JobState.SUCCEEDED, failover.state());
            assertTrue(failover.tasks().stream().allMatch(t -> t.state() == TaskState.SUCCEEDED),
                    "every task of the failover succeeded: the history is complete");
            assertEquals(VMS, vault.configuration().protection().protectedVms().stream()
                    .filter(v -> v.state().name().equals("FAILED_OVER")).count());
        }
    }
}
