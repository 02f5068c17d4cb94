package dev.secondsite.core.job;

import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.Transport;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * 10,000 jobs, each waiting for a manual action at once (issue 8, section 3): the live thread count of the whole JVM
 * (goal: under 50) and the heap they take, then the time to resume them all until every job succeeded. Each job has
 * one command before its manual action and one after, answered at once by an in-process transport.
 *
 * <p>Not a test; run:
 * <pre>
 * mvn -B -q -pl core test-compile exec:java -Dsecondsite.skipExec=false -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.secondsite.core.job.WaitingJobsBenchmark [-Dexec.args="jobs runs"]
 * </pre>
 */
public final class WaitingJobsBenchmark {
    private WaitingJobsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.out.printf("%,d jobs waiting for a manual action, %d cores%n", jobs,
                Runtime.getRuntime().availableProcessors());
        for (int run = 1; run <= runs; run++) {
            System.gc();
            long heapBefore = memory.getHeapMemoryUsage().getUsed();
            int threadsBefore = threads.getThreadCount();
            Transport transport = new Transport() {
                @Override
                public CompletableFuture<CommandResult> send(CommandRequest request) {
                    return CompletableFuture.completedFuture(CommandResult.succeeded("ok"));
                }

                @Override
                public boolean isConnected(String serverId) {
                    return true;
                }

                @Override
                public void close() {
                }
            };
            JobEffects effects = new JobEffects() {
                @Override
                public String apply(String key, ConfigChange change) {
                    return "applied";
                }

                @Override
                public boolean isFailedOver(String vmId) {
                    return false;
                }
            };
            try (JobEngine engine = JobEngine.builder(transport, effects).build()) {
                long start = System.nanoTime();
                List<String> ids = new ArrayList<>(jobs);
                for (int i = 0; i < jobs; i++) {
                    String vm = "vm-" + i;
                    Step before = new Step.Command(new CommandRequest("stop-" + vm, "s1", "hv1",
                            new HostCommand.StopVm(vm, vm, false)));
                    Step after = new Step.Command(new CommandRequest("start-" + vm, "s1", "hv1",
                            new HostCommand.StartVm(vm, vm, false)));
                    ids.add(engine.submit(new JobSpec(JobKind.PLANNED_FAILOVER, "vm " + vm, null, List.of(
                            new Phase("one", List.of(TaskSpec.of("t", "Fail over " + vm, vm, List.of(before,
                                    new Step.Manual("Check " + vm), after))))), List.of())));
                }
                int peakThreads = threads.getThreadCount();
                for (String id : ids) {
                    Job job = engine.settled(id).get(60, TimeUnit.SECONDS);
                    if (job.state() != JobState.WAITING_FOR_ACTION) {
                        throw new IllegalStateException("not waiting: " + job);
                    }
                    peakThreads = Math.max(peakThreads, threads.getThreadCount());
                }
                long waitingAt = System.nanoTime();
                System.gc();
                long heapWaiting = memory.getHeapMemoryUsage().getUsed();
                int liveThreads = threads.getThreadCount();
                for (String id : ids) {
                    engine.resume(id, "checked");
                }
                for (String id : ids) {
                    Job job = engine.settled(id).get(60, TimeUnit.SECONDS);
                    if (job.state() != JobState.SUCCEEDED) {
                        throw new IllegalStateException("did not succeed: " + job);
                    }
                    peakThreads = Math.max(peakThreads, threads.getThreadCount());
                }
                long done = System.nanoTime();
                System.out.printf("run %d: live threads while %,d jobs wait: %d (%d before the engine, peak %d); "
                                + "heap for them %.1f MB (%.2f KB per job); submit until all waiting %d ms, resume "
                                + "until all succeeded %d ms%n", run, jobs, liveThreads, threadsBefore, peakThreads,
                        (heapWaiting - heapBefore) / 1e6, (heapWaiting - heapBefore) / 1e3 / jobs,
                        TimeUnit.NANOSECONDS.toMillis(waitingAt - start),
                        TimeUnit.NANOSECONDS.toMillis(done - waitingAt));
            }
        }
    }
}
