package dev.secondsite.core.plan;

import com.google.common.collect.ImmutableList;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Build + validate + order of a plan of 100,000 VMs in 1,000 groups with 200,000 dependencies, against a bare
 * array-based Kahn topological sort of the same graph, and the same at twice the size.
 *
 * <p>The graph is given as VM ids and (vm, after) id pairs, as users give it to a plan. The baseline indexes the ids
 * in a HashMap, turns the pairs into int arrays and runs Kahn's algorithm on compressed rows: the least any code must
 * do with that input. The pure int-array sort (ids already numbered) is printed too, for scale.
 *
 * <p>Each size is measured in fresh child JVMs with the same fixed heap ({@link #CHILD_JVM}: heap and young
 * generation fixed and pre-touched, so that no measurement grows the heap, pays a collection or, with G1 regions of
 * 16 MB, allocates its arrays as humongous objects at one size and not at the other). The sizes alternate, child
 * after child, so that the load of a shared machine weighs on both alike. Every call starts from a collected heap.
 * Times are medians with their quartiles, as wall-clock time and as the CPU time of the measuring thread: on a loaded
 * machine the wall clock also counts the time other processes took the core away, which the CPU time does not.
 * Collections inside a timed call are counted and reported, as are the bytes each call allocates. Last, the CPU time
 * per VM from n/4 to 4n shows how the cost of one VM grows with the size, for the library and for the bare sorts
 * alike: at these sizes the tables outgrow the processor's caches, and every random access costs more. Not a test;
 * run:
 * <pre>
 * mvn -B -q -pl core test-compile exec:java -Dsecondsite.skipExec=false -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.secondsite.core.plan.RecoveryPlanBenchmark
 * </pre>
 */
public final class RecoveryPlanBenchmark {
    /** The flags of every child JVM: the same fixed, pre-touched heap and young generation for both sizes. */
    static final List<String> CHILD_JVM = List.of("-Xms3g", "-Xmx3g", "-Xmn1536m", "-XX:+AlwaysPreTouch",
            "-XX:+UseG1GC", "-XX:G1HeapRegionSize=16m", "-XX:-UseTransparentHugePages");
    private static final int CHILDREN_PER_SIZE = 4;
    private static final int WARMUP = 8;
    // and at least this long, so that the compiler has settled at small sizes too, whose calls are short
    private static final long WARMUP_NANOS = TimeUnit.SECONDS.toNanos(4);
    private static final int RUNS = 12;
    private static final int N = 100_000;

    private RecoveryPlanBenchmark() {
    }

    /** One generated graph: ids, group of each VM (0-based), and edges "vm waits for after" as indexes and ids. */
    record Graph(String[] ids, int[] groupOf, int groups, int[] waiting, int[] first, String[] waitingIds,
                 String[] firstIds) {
        static Graph generate(int vms, int groups, int edges, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            String[] ids = new String[vms];
            int[] groupOf = new int[vms];
            int perGroup = vms / groups;
            for (int i = 0; i < vms; i++) {
                // GUID-like ids, as Hyper-V gives them
                ids[i] = new java.util.UUID(random.nextLong(), random.nextLong()).toString();
                groupOf[i] = Math.min(i / perGroup, groups - 1);
            }
            int[] waiting = new int[edges];
            int[] first = new int[edges];
            Set<Long> seen = new HashSet<>();
            int k = 0;
            while (k < edges) {
                int v = random.nextInt(vms);
                int groupStart = groupOf[v] * perGroup;
                int u;
                if (random.nextInt(5) == 0 && groupStart > 0) {
                    u = random.nextInt(groupStart); // a VM of an earlier group
                } else if (v > groupStart) {
                    u = groupStart + random.nextInt(v - groupStart); // an earlier VM of the same group: no cycle
                } else {
                    continue;
                }
                if (seen.add((long) v * vms + u)) {
                    waiting[k] = v;
                    first[k] = u;
                    k++;
                }
            }
            String[] waitingIds = new String[edges];
            String[] firstIds = new String[edges];
            for (int e = 0; e < edges; e++) {
                waitingIds[e] = ids[waiting[e]];
                firstIds[e] = ids[first[e]];
            }
            return new Graph(ids, groupOf, groups, waiting, first, waitingIds, firstIds);
        }
    }

    /** What the library does: build, validate, order. Returns something from the result so it is not optimized away. */
    static int plan(Graph g, PlanContext context) {
        RecoveryPlan.Builder b = RecoveryPlan.builder("bench", "vmm-a", "vmm-b", context);
        for (int i = 1; i < g.groups; i++) {
            b.addGroup();
        }
        for (int i = 0; i < g.ids.length; i++) {
            b.addVm(g.groupOf[i] + 1, g.ids[i]);
        }
        for (int e = 0; e < g.waitingIds.length; e++) {
            b.addDependency(g.waitingIds[e], g.firstIds[e]);
        }
        RecoveryPlan plan = b.build();
        ExecutionOrder order = ExecutionOrder.of(plan, FailoverKind.PLANNED, FailoverDirection.PRIMARY_TO_RECOVERY);
        return order.stages().size() + order.stages().get(2).waves().size();
    }

    /** The baseline: index the ids, translate the edges, Kahn on compressed rows. */
    static int kahnOnIds(Graph g) {
        int n = g.ids.length;
        Map<String, Integer> index = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            index.put(g.ids[i], i);
        }
        int m = g.waitingIds.length;
        int[] from = new int[m];
        int[] to = new int[m];
        for (int e = 0; e < m; e++) {
            from[e] = index.get(g.firstIds[e]);
            to[e] = index.get(g.waitingIds[e]);
        }
        return kahn(n, from, to);
    }

    /** Kahn's algorithm on int arrays; returns how many nodes it ordered. */
    static int kahn(int n, int[] from, int[] to) {
        int m = from.length;
        int[] start = new int[n + 1];
        int[] indegree = new int[n];
        for (int e = 0; e < m; e++) {
            start[from[e] + 1]++;
            indegree[to[e]]++;
        }
        for (int v = 0; v < n; v++) {
            start[v + 1] += start[v];
        }
        int[] next = new int[m];
        int[] fill = Arrays.copyOf(start, n);
        for (int e = 0; e < m; e++) {
            next[fill[from[e]]++] = to[e];
        }
        int[] queue = new int[n];
        int tail = 0;
        for (int v = 0; v < n; v++) {
            if (indegree[v] == 0) {
                queue[tail++] = v;
            }
        }
        for (int head = 0; head < tail; head++) {
            int u = queue[head];
            for (int p = start[u]; p < start[u + 1]; p++) {
                if (--indegree[next[p]] == 0) {
                    queue[tail++] = next[p];
                }
            }
        }
        return tail;
    }

    /** What is timed: the library, the baseline, the pure sort. */
    enum Work { PLAN, KAHN_IDS, KAHN_INTS }

    /** One timed call: wall and thread CPU nanoseconds, collections during it, bytes the thread allocated. */
    record Sample(Work work, long wallNs, long cpuNs, long collections, long allocated) {
        String line() {
            return "sample " + work + " " + wallNs + " " + cpuNs + " " + collections + " " + allocated;
        }

        static Sample parse(String line) {
            String[] f = line.split(" ");
            return new Sample(Work.valueOf(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                    Long.parseLong(f[5]));
        }
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static long collections() {
        long count = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
        }
        return count;
    }

    /** One call of {@code work}, starting from a collected heap so that no measurement pays for another's garbage. */
    private static Sample time(Work name, IntSupplier work, long[] sink) {
        System.gc();
        long gcs = collections();
        long allocated = THREADS.getCurrentThreadAllocatedBytes();
        long cpu = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        sink[0] += work.getAsInt();
        long wall = System.nanoTime() - start;
        cpu = THREADS.getCurrentThreadCpuTime() - cpu;
        allocated = THREADS.getCurrentThreadAllocatedBytes() - allocated;
        return new Sample(name, wall, cpu, collections() - gcs, allocated);
    }

    /** Child JVM: measures one size, {@code vms} VMs in groups of 100 with two dependencies per VM; a line a call. */
    private static void child(int vms) {
        Graph g = Graph.generate(vms, vms / 100, 2 * vms, vms);
        PlanContext context = PlanContext.of("vmm-a", ImmutableList.copyOf(g.ids));
        long[] sink = new long[1];
        long warmUntil = System.nanoTime() + WARMUP_NANOS;
        for (int r = -WARMUP; r < RUNS; r++) {
            List<Sample> round = List.of(time(Work.PLAN, () -> plan(g, context), sink),
                    time(Work.KAHN_IDS, () -> kahnOnIds(g), sink),
                    time(Work.KAHN_INTS, () -> kahn(g.ids.length, g.first, g.waiting), sink));
            if (r == -1 && System.nanoTime() < warmUntil) {
                r--;
            } else if (r >= 0) {
                round.forEach(sample -> System.out.println(sample.line()));
            }
        }
        System.out.println("sink " + sink[0]);
    }

    /** Runs a child JVM for {@code vms} VMs and returns its samples. */
    private static List<Sample> fork(int vms) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(CHILD_JVM);
        command.add("-cp");
        command.add(classPath());
        command.add(RecoveryPlanBenchmark.class.getName());
        command.add("--child");
        command.add(Integer.toString(vms));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<Sample> samples = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("sample ")) {
                    samples.add(Sample.parse(line));
                }
            }
        }
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("child JVM for " + vms + " VMs failed: " + command);
        }
        return samples;
    }

    /**
     * The class path of this class, the library and Guava: exec:java runs the harness in Maven's JVM, whose own
     * {@code java.class.path} does not hold them.
     */
    private static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (Class<?> c : List.of(RecoveryPlanBenchmark.class, RecoveryPlan.class, ImmutableList.class)) {
            try {
                entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        entries.addAll(Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator)));
        return String.join(File.pathSeparator, entries);
    }

    /** Median and quartiles of a list of values. */
    record Spread(double median, double low, double high) {
        static Spread of(List<Double> values) {
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Spread(quantile(sorted, 0.5), quantile(sorted, 0.25), quantile(sorted, 0.75));
        }

        private static double quantile(double[] sorted, double q) {
            double at = q * (sorted.length - 1);
            int below = (int) Math.floor(at);
            int above = Math.min(below + 1, sorted.length - 1);
            return sorted[below] + (at - below) * (sorted[above] - sorted[below]);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%7.1f ms [%.1f-%.1f]", median, low, high);
        }
    }

    /** The samples of one size, per work. */
    record Size(Map<Work, List<Sample>> samples, List<Map<Work, Spread>> perChild) {
        static Size empty() {
            Map<Work, List<Sample>> samples = new EnumMap<>(Work.class);
            for (Work w : Work.values()) {
                samples.put(w, new ArrayList<>());
            }
            return new Size(samples, new ArrayList<>());
        }

        void add(List<Sample> child, boolean cpu) {
            Map<Work, Spread> medians = new EnumMap<>(Work.class);
            for (Work w : Work.values()) {
                List<Sample> of = child.stream().filter(s -> s.work() == w).toList();
                samples.get(w).addAll(of);
                medians.put(w, Spread.of(of.stream().map(s -> ms(s, cpu)).toList()));
            }
            perChild.add(medians);
        }

        Spread spread(Work w, boolean cpu) {
            return Spread.of(samples.get(w).stream().map(s -> ms(s, cpu)).toList());
        }

        long collections() {
            return samples.values().stream().flatMap(List::stream).mapToLong(Sample::collections).sum();
        }

        double allocatedMb(Work w) {
            return Spread.of(samples.get(w).stream().map(s -> s.allocated() / 1e6).toList()).median();
        }

        private static double ms(Sample s, boolean cpu) {
            return (cpu ? s.cpuNs() : s.wallNs()) / 1e6;
        }
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length == 2 && args[0].equals("--child")) {
            child(Integer.parseInt(args[1]));
            return;
        }
        Size[][] sizes = {{Size.empty(), Size.empty()}, {Size.empty(), Size.empty()}};
        for (int round = 0; round < CHILDREN_PER_SIZE; round++) {
            // alternate which size goes first, so that neither always follows the other
            int[] order = round % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0};
            for (int s : order) {
                List<Sample> samples = fork(N * (s + 1));
                sizes[0][s].add(samples, false);
                sizes[1][s].add(samples, true);
            }
        }
        System.out.printf(Locale.ROOT, "%d child JVMs per size (%s), each %d calls of each work after %d (and %d s) of"
                + " warm-up;%nmedian [quartiles] of all calls%n", CHILDREN_PER_SIZE, String.join(" ", CHILD_JVM), RUNS,
                WARMUP, TimeUnit.NANOSECONDS.toSeconds(WARMUP_NANOS));
        for (int clock = 0; clock < 2; clock++) {
            report(clock == 1 ? "CPU time of the measuring thread" : "wall-clock time", sizes[clock][0],
                    sizes[clock][1], clock == 1);
        }
        Size n = sizes[0][0];
        Size twice = sizes[0][1];
        System.out.printf(Locale.ROOT, "allocated per call (MB), n / 2n: plan %.1f / %.1f, baseline %.1f / %.1f; "
                + "collections inside timed calls: %d%n", n.allocatedMb(Work.PLAN), twice.allocatedMb(Work.PLAN),
                n.allocatedMb(Work.KAHN_IDS), twice.allocatedMb(Work.KAHN_IDS), n.collections() + twice.collections());
        sweep(sizes[1][0], sizes[1][1]);
    }

    /**
     * The CPU time per 100,000 VMs from n/4 to 4n (one child JVM for each size not measured above): whether the cost
     * per VM of the library grows with the size as the cost per VM of the bare sorts does.
     */
    private static void sweep(Size n, Size twice) throws IOException, InterruptedException {
        System.out.printf(Locale.ROOT, "%nCPU time per 100,000 VMs (each with 2 dependencies), median%n");
        System.out.printf(Locale.ROOT, "  %9s %9s %9s %9s%n", "VMs", "plan", "baseline", "int sort");
        for (int vms : new int[] {N / 4, N / 2, N, 2 * N, 4 * N}) {
            Size size = vms == N ? n : vms == 2 * N ? twice : null;
            if (size == null) {
                size = Size.empty();
                size.add(fork(vms), true);
            }
            double per = vms / (double) N;
            System.out.printf(Locale.ROOT, "  %,9d %6.2f ms %6.2f ms %6.2f ms%n", vms,
                    size.spread(Work.PLAN, true).median() / per, size.spread(Work.KAHN_IDS, true).median() / per,
                    size.spread(Work.KAHN_INTS, true).median() / per);
        }
    }

    private static void report(String clock, Size n, Size twice, boolean cpu) {
        Spread plan = n.spread(Work.PLAN, cpu);
        Spread ids = n.spread(Work.KAHN_IDS, cpu);
        Spread ints = n.spread(Work.KAHN_INTS, cpu);
        Spread plan2 = twice.spread(Work.PLAN, cpu);
        Spread ids2 = twice.spread(Work.KAHN_IDS, cpu);
        Spread ints2 = twice.spread(Work.KAHN_INTS, cpu);
        System.out.printf(Locale.ROOT, "%n%s%n", clock);
        System.out.printf(Locale.ROOT, "n  = 100,000 VMs, 1,000 groups, 200,000 dependencies%n");
        System.out.printf(Locale.ROOT, "  build + validate + order:        %s%n", plan);
        System.out.printf(Locale.ROOT, "  baseline Kahn on the id graph:   %s   ratio %.2f (goal <= 3)%n", ids,
                plan.median() / ids.median());
        System.out.printf(Locale.ROOT, "  Kahn on pre-numbered int arrays: %s   ratio %.2f (for scale)%n", ints,
                plan.median() / ints.median());
        System.out.printf(Locale.ROOT, "2n = 200,000 VMs, 2,000 groups, 400,000 dependencies%n");
        System.out.printf(Locale.ROOT, "  build + validate + order:        %s%n", plan2);
        System.out.printf(Locale.ROOT, "  baseline Kahn on the id graph:   %s   ratio %.2f (goal <= 3)%n", ids2,
                plan2.median() / ids2.median());
        System.out.printf(Locale.ROOT, "  Kahn on pre-numbered int arrays: %s%n", ints2);
        List<Double> perChild = new ArrayList<>();
        for (int c = 0; c < n.perChild().size(); c++) {
            perChild.add(twice.perChild().get(c).get(Work.PLAN).median() / n.perChild().get(c).get(Work.PLAN).median());
        }
        System.out.printf(Locale.ROOT, "  time(2n) / time(n):                      %.2f (goal <= 2.3); child pairs "
                + "%.2f-%.2f%n", plan2.median() / plan.median(), perChild.stream().mapToDouble(d -> d).min()
                .orElse(0), perChild.stream().mapToDouble(d -> d).max().orElse(0));
        // the same ratio for the bare sorts shows what the machine's caches add to any pass over these sizes
        System.out.printf(Locale.ROOT, "  baseline time(2n) / time(n):             %.2f; pure int sort %.2f (for "
                + "scale)%n", ids2.median() / ids.median(), ints2.median() / ints.median());
    }
}
