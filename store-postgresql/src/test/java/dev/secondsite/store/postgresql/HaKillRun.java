package dev.secondsite.store.postgresql;

import dev.secondsite.core.durable.LedgerDriver;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * The SIGKILL run of {@link HaKillTakeoverTest} and of {@link PostgresBenchmark}'s takeover figure: two vault JVMs
 * ({@link HaKillChild}) on one database, one active and one standing by; a plan failover of {@code vms} VMs runs on
 * the active one, which is SIGKILLed at {@code kills} random moments (from {@code seed}); each time the standby takes
 * over (the time from the kill to its ACTIVE line is recorded, with the phases the standby measured) and a new
 * standby is started. The caller checks the ledger and the stored vault afterwards. Not thread-safe.
 */
final class HaKillRun {
    /**
     * What a run saw.
     *
     * @param prefix the store's table prefix
     * @param takeoverMillis per kill, from the SIGKILL to the standby's ACTIVE line
     * @param storeOpenMillis per kill, the standby's store open (lock won -> epoch raised)
     * @param vaultOpenMillis per kill, the standby's vault open (snapshot, replay, jobs resumed)
     * @param kills how many kills were done (fewer than asked when the failover finished first)
     */
    record Result(String prefix, List<Long> takeoverMillis, List<Long> storeOpenMillis, List<Long> vaultOpenMillis,
                  int kills) {
        /** Nearest-rank percentile {@code p} (0-100) of {@code values}. */
        static long percentile(List<Long> values, double p) {
            List<Long> sorted = values.stream().sorted().toList();
            int rank = (int) Math.ceil(p / 100.0 * sorted.size());
            return sorted.get(Math.max(0, rank - 1));
        }

        /** "p50 X ms, p99 Y ms, max Z ms (n runs)". */
        static String summary(List<Long> values) {
            return "p50 " + percentile(values, 50) + " ms, p99 " + percentile(values, 99) + " ms, max "
                    + percentile(values, 100) + " ms (" + values.size() + " runs)";
        }
    }

    private HaKillRun() {
    }

    /** One child JVM and the lines it printed, read by a thread of its own. */
    private static final class Child {
        final Process process;
        final LinkedBlockingDeque<String> lines = new LinkedBlockingDeque<>();
        final List<String> other = new ArrayList<>();
        long storeOpenMillis = -1;
        long vaultOpenMillis = -1;

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
                if (line.startsWith("TAKEOVER ")) {
                    String[] parts = line.split(" ");
                    storeOpenMillis = Long.parseLong(parts[1]);
                    vaultOpenMillis = Long.parseLong(parts[2]);
                    System.out.println("HaKillRun takeover phases: store open " + parts[1] + " ms, vault open "
                            + parts[2] + " ms (snapshot " + parts[3] + " bytes read in " + parts[4] + " ms, "
                            + parts[5] + " records replayed in " + parts[6] + " ms)");
                } else if (!line.startsWith("EFFECT")) {
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

    private static Child start(Path work, String prefix, int vms, String name) throws IOException {
        return new Child(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-cp", classPath(),
                HaKillChild.class.getName(), TestDatabase.jdbcUrl() + "?user=postgres", prefix, work.toString(),
                String.valueOf(vms), name).redirectErrorStream(true).start());
    }

    /**
     * This harness's class path: exec:java (the benchmark) runs it in Maven's JVM, whose {@code java.class.path} is
     * Maven's own, with the test class path in a URL class loader; surefire runs it on {@code java.class.path}.
     */
    private static String classPath() {
        if (HaKillRun.class.getClassLoader() instanceof java.net.URLClassLoader loader && loader.getURLs().length > 0) {
            List<String> entries = new ArrayList<>();
            for (java.net.URL url : loader.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }
            return String.join(java.io.File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    /** Creates a fresh vault and runs the failover with its kills; the ledger is {@code work}/ledger.tsv. */
    static Result run(Path work, long seed, int vms, int kills) throws Exception {
        Random random = new Random(seed);
        String prefix = TestDatabase.freshPrefix() + "kill" + ProcessHandle.current().pid() + "_";
        try (PostgresStateStore store = PostgresStateStore.open(PostgresStoreOptions.builder(TestDatabase
                .dataSource()).tablePrefix(prefix).build());
             Vault vault = Vault.create(VaultOptions.builder("HA kill", "westeurope").store(store).build())) {
            check(vault.servers().list().isEmpty(), "a new vault");
        }
        int expectedEffects = 4 + 2 + vms * 8;
        TreeSet<Integer> points = new TreeSet<>();
        while (points.size() < kills) {
            points.add(1 + random.nextInt(expectedEffects - 50));
        }
        System.out.println("HaKillRun kill points (side effects before the kill): " + points);
        Path ledger = work.resolve("ledger.tsv");
        int names = 0;
        Child active = start(work, prefix, vms, "i" + names++);
        check(active.awaitLine("ACTIVE", 60), "the first instance leads: " + active.other);
        Child standby = start(work, prefix, vms, "i" + names++);
        check(standby.awaitLine("STANDBY", 60), standby.other.toString());
        active.go();
        List<Long> takeover = new ArrayList<>();
        List<Long> storeOpen = new ArrayList<>();
        List<Long> vaultOpen = new ArrayList<>();
        int done = 0;
        for (int point : points) {
            int effectsSoFar = LedgerDriver.read(ledger).size();
            if (!active.awaitEffects(Math.max(1, point - effectsSoFar), 120)) {
                System.out.println("HaKillRun: the active ended before kill point " + point + " (" + effectsSoFar
                        + " effects): " + active.other + " " + active.lines);
                break; // finished before this point
            }
            active.process.destroyForcibly();   // SIGKILL: no shutdown hooks, no connection closed politely
            long killed = System.nanoTime();
            check(active.process.waitFor(30, TimeUnit.SECONDS), "the killed JVM ended");
            check(standby.awaitLine("ACTIVE", 60), "the standby took over: " + standby.other);
            takeover.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
            storeOpen.add(standby.storeOpenMillis);
            vaultOpen.add(standby.vaultOpenMillis);
            done++;
            active = standby;
            standby = start(work, prefix, vms, "i" + names++);
            check(standby.awaitLine("STANDBY", 60), standby.other.toString());
            active.go();
        }
        try {
            check(active.awaitLine("DONE", 180), "the last active finished (after " + done + " kills, "
                    + LedgerDriver.read(ledger).size() + " effects): " + active.other);
            check(active.process.waitFor(60, TimeUnit.SECONDS), "the last active ended");
            check(active.process.exitValue() == 0, "the last active exited with 0: " + active.other);
        } finally {
            active.process.destroyForcibly();
            standby.process.destroyForcibly();
            standby.process.waitFor(30, TimeUnit.SECONDS);
        }
        return new Result(prefix, takeover, storeOpen, vaultOpen, done);
    }
}
