package dev.secondsite.samples.report;

import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.Phase;
import dev.secondsite.core.job.TaskSpec;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * A drill-shaped history of twelve jobs over {@code vms} VMs in three tiers, as the engine would report it: pairing,
 * two mappings, protection (with replication waits), a test failover and its cleanup, a planned failover, commit,
 * reverse replication, failback, commit, reverse replication. Failover jobs have a pre-flight check, a shutdown (not
 * for the test), a failover step and three boot groups with a manual action after group 1. Tasks of a phase run on up
 * to ten slots; commands fail transiently at {@code faultRate} and are retried. Deterministic for a seed.
 */
final class SyntheticDrill {
    static final int JOBS = 12;
    private static final int SLOTS = 10;

    private final History history;
    private final Random random;
    private final double faultRate;
    private final List<String[]> vms = new ArrayList<>();
    private Instant now;
    private int jobNumber;

    private SyntheticDrill(History history, int vmCount, long seed, double faultRate, Instant origin,
                           Function<Integer, String> vmName) {
        this.history = history;
        this.random = new Random(seed);
        this.faultRate = faultRate;
        this.now = origin;
        for (int i = 1; i <= vmCount; i++) {
            vms.add(new String[] {"vm-" + i, vmName.apply(i)});
        }
    }

    /** Records the whole drill into {@code recorder}; VM i is named {@code vmName.apply(i)}. */
    static void record(JobRecorder recorder, int vmCount, long seed, double faultRate, Instant origin,
                       Function<Integer, String> vmName) {
        SyntheticDrill drill = new SyntheticDrill(new History(recorder), vmCount, seed, faultRate, origin, vmName);
        drill.run();
    }

    static void record(JobRecorder recorder, int vmCount, long seed, double faultRate, Instant origin) {
        record(recorder, vmCount, seed, faultRate, origin, i -> String.format("%s%02d",
                i % 6 == 0 ? "db" : i % 3 == 0 ? "app" : "web", i));
    }

    private void run() {
        job(JobKind.PAIR_CLOUDS, "pairing Gold -> GoldDR", List.of(new Phase("Configure hosts", List.of(
                History.task("host/hv01", "Configure hv01 for replication", null, status("hv01")),
                History.task("host/hv02", "Configure hv02 for replication", null, status("hv02"))))));
        job(JobKind.MAP_NETWORK, "network Corp -> CorpDR", List.of(new Phase("Map", List.of(
                History.task("map", "Map Corp to CorpDR", null, status("net"))))));
        job(JobKind.MAP_STORAGE, "storage Gold-SSD -> DR-SSD", List.of(new Phase("Map", List.of(
                History.task("map", "Map Gold-SSD to DR-SSD", null, status("storage"))))));
        job(JobKind.ENABLE_PROTECTION, "cloud Gold", List.of(new Phase("Enable protection",
                perVm(vm -> History.replicationTask(vm[0], vm[1])))));
        failover(JobKind.TEST_FAILOVER, false);
        job(JobKind.CLEANUP_TEST_FAILOVER, "plan Web tier", List.of(new Phase("Clean up", perVm(vm ->
                History.task("cleanup/" + vm[0], "Clean up the test of " + vm[1], vm[0],
                        new HostCommand.CleanupTestFailover(vm[0], vm[1]))))));
        failover(JobKind.PLANNED_FAILOVER, true);
        job(JobKind.COMMIT, "plan Web tier", List.of(new Phase("Commit", perVm(vm ->
                History.task("commit/" + vm[0], "Commit " + vm[1], vm[0], status(vm[0]))))));
        job(JobKind.REVERSE_REPLICATION, "plan Web tier", List.of(new Phase("Reverse replication", perVm(vm ->
                History.task("reverse/" + vm[0], "Reverse replication of " + vm[1], vm[0], status(vm[0]))))));
        failover(JobKind.PLANNED_FAILOVER, true);
        job(JobKind.COMMIT, "plan Web tier", List.of(new Phase("Commit", perVm(vm ->
                History.task("commit/" + vm[0], "Commit " + vm[1], vm[0], status(vm[0]))))));
        job(JobKind.REVERSE_REPLICATION, "plan Web tier", List.of(new Phase("Reverse replication", perVm(vm ->
                History.task("reverse/" + vm[0], "Reverse replication of " + vm[1], vm[0], status(vm[0]))))));
    }

    private void failover(JobKind kind, boolean shutdown) {
        List<Phase> phases = new ArrayList<>();
        phases.add(new Phase("Pre-flight check", perVm(vm -> History.task("check/" + vm[0],
                "Check replication of " + vm[1], vm[0], status(vm[0])))));
        if (shutdown) {
            phases.add(new Phase("Shutdown", perVm(vm -> History.task("shutdown/" + vm[0], "Shut down " + vm[1],
                    vm[0], new HostCommand.StopVm(vm[0], vm[1], false)))));
        }
        phases.add(new Phase("Failover", perVm(vm -> History.failoverTask(vm[0], vm[1]))));
        int n = vms.size();
        int[] bounds = {0, Math.max(1, n / 6), Math.max(2, n / 2), n};
        for (int group = 1; group <= 3; group++) {
            List<TaskSpec> tasks = new ArrayList<>();
            for (String[] vm : vms.subList(Math.min(bounds[group - 1], n), Math.min(bounds[group], n))) {
                tasks.add(History.bootTask(vm[0], vm[1], group));
            }
            if (!tasks.isEmpty()) {
                phases.add(new Phase("Group " + group, tasks));
            }
            if (group == 1) {
                phases.add(new Phase("After group 1: Check the database", List.of(History.manualTask("action/0",
                        "Check the database", "Log on to db01 and confirm the database is mounted"))));
            }
        }
        job(kind, "plan Web tier", phases);
    }

    private void job(JobKind kind, String target, List<Phase> phases) {
        String jobId = "job-" + (++jobNumber);
        history.create(jobId, now, kind, target, phases);
        now = now.plusMillis(5);
        history.start(jobId, now);
        for (Phase phase : phases) {
            now = phase(jobId, phase);
        }
        now = now.plusMillis(3);
        history.finished(jobId, now, JobState.SUCCEEDED, "all tasks done");
        now = now.plusMillis(200);
    }

    /** Runs a phase's tasks on {@value #SLOTS} slots from {@code now}; returns when its last task ended. */
    private Instant phase(String jobId, Phase phase) {
        Instant[] slots = new Instant[Math.min(SLOTS, phase.tasks().size())];
        java.util.Arrays.fill(slots, now);
        Instant end = now;
        for (TaskSpec task : phase.tasks()) {
            int slot = 0;
            for (int i = 1; i < slots.length; i++) {
                if (slots[i].isBefore(slots[slot])) {
                    slot = i;
                }
            }
            slots[slot] = task(jobId, task, slots[slot]);
            if (slots[slot].isAfter(end)) {
                end = slots[slot];
            }
        }
        return end;
    }

    private Instant task(String jobId, TaskSpec task, Instant start) {
        Instant t = start;
        history.taskStarted(jobId, task.id(), t);
        for (int step = 0; step < task.steps().size(); step++) {
            var s = task.steps().get(step);
            if (s instanceof dev.secondsite.core.job.Step.Manual m) {
                history.waiting(jobId, task.id(), t, m.instructions());
                t = t.plusMillis(4_000 + random.nextInt(4_000));
                history.resumed(jobId, task.id(), step, t, "database mounted -- drill operator");
            } else if (s instanceof dev.secondsite.core.job.Step.WaitUntil w) {
                history.polling(jobId, task.id(), step, t, w.condition());
                int polls = 2 + random.nextInt(4);
                for (int p = 1; p <= polls; p++) {
                    t = t.plusMillis(400);
                    history.attempt(jobId, task.id(), step, p, t, Duration.ofMillis(20), CommandResult.succeeded(
                            p == polls ? "Replicating" : "InitialReplicationInProgress"));
                    t = t.plusMillis(20);
                }
            } else {
                int attempt = 1;
                while (true) {
                    Duration took = Duration.ofMillis(80 + random.nextInt(400));
                    boolean fault = random.nextDouble() < faultRate;
                    history.attempt(jobId, task.id(), step, attempt, t, took, fault
                            ? CommandResult.transientFailure("The host is busy (0x80070020); try again")
                            : CommandResult.succeeded("done"));
                    t = t.plus(took);
                    if (!fault) {
                        break;
                    }
                    t = t.plusMillis(250L * attempt);
                    attempt++;
                }
            }
        }
        t = t.plusMillis(2);
        history.succeeded(jobId, task.id(), t);
        return t;
    }

    private List<TaskSpec> perVm(Function<String[], TaskSpec> make) {
        List<TaskSpec> tasks = new ArrayList<>(vms.size());
        for (String[] vm : vms) {
            tasks.add(make.apply(vm));
        }
        return tasks;
    }

    private static HostCommand status(String vm) {
        return new HostCommand.GetReplicationStatus(vm, vm);
    }
}
