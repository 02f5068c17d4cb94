package dev.secondsite.hyperv.sim.model;

import static java.util.Objects.requireNonNull;

import dev.secondsite.hyperv.sim.lang.CmdletException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.annotation.Nullable;

/**
 * Injected failures and latency per computer (a Hyper-V host or a VMM server), by name ignoring case.
 *
 * <ul>
 *   <li>{@link #failNext}: the next {@code count} commands on the computer fail with the given kind (session opens
 *       for a WinRM kind, cmdlets otherwise), then it works again;</li>
 *   <li>{@link #failAlways}: every such command fails until {@link #clear};</li>
 *   <li>{@link #faultRate}: each session open anywhere fails transiently (WinRM unreachable) with a probability
 *       drawn from a {@link Random} seeded once, so the same seed and the same order of commands give the same
 *       faults;</li>
 *   <li>{@link #latency}: each command on the computer first waits that long, on the calling thread and holding no
 *       lock of the model, as a slow WinRM round trip would.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class Faults {
    private final Map<String, Deque<FaultKind>> next = new ConcurrentHashMap<>();
    private final Map<String, FaultKind> always = new ConcurrentHashMap<>();
    private final Map<String, Duration> latencies = new ConcurrentHashMap<>();
    private volatile Duration defaultLatency = Duration.ZERO;
    private volatile @Nullable SeededRate rate;

    /**
     * Fails the next {@code count} commands on {@code computer} with {@code kind} (added after those already queued).
     *
     * @throws IllegalArgumentException when {@code count} is negative
     */
    public Faults failNext(String computer, int count, FaultKind kind) {
        requireNonNull(kind, "kind");
        if (count < 0) {
            throw new IllegalArgumentException("count (" + count + ") must not be negative");
        }
        Deque<FaultKind> queue = next.computeIfAbsent(key(computer), k -> new ArrayDeque<>());
        synchronized (queue) {
            for (int i = 0; i < count; i++) {
                queue.addLast(kind);
            }
        }
        return this;
    }

    /** Fails every command on {@code computer} with {@code kind} until {@link #clear}. */
    public Faults failAlways(String computer, FaultKind kind) {
        always.put(key(computer), requireNonNull(kind, "kind"));
        return this;
    }

    /** Removes the queued and permanent faults of {@code computer} (its latency stays). */
    public Faults clear(String computer) {
        next.remove(key(computer));
        always.remove(key(computer));
        return this;
    }

    /**
     * Every session open fails transiently with {@code probability} (0 turns it off), drawn from a {@link Random}
     * seeded with {@code seed}.
     *
     * @throws IllegalArgumentException when {@code probability} is outside 0..1
     */
    public Faults faultRate(double probability, long seed) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability (" + probability + ") must be between 0 and 1");
        }
        this.rate = probability == 0 ? null : new SeededRate(probability, new Random(seed));
        return this;
    }

    /** Every command on {@code computer} waits {@code delay} first. */
    public Faults latency(String computer, Duration delay) {
        latencies.put(key(computer), checked(delay));
        return this;
    }

    /** Every command on a computer without its own {@link #latency(String, Duration)} waits {@code delay} first. */
    public Faults latency(Duration delay) {
        this.defaultLatency = checked(delay);
        return this;
    }

    /** The latency of {@code computer}. */
    public Duration latencyOf(String computer) {
        return latencies.getOrDefault(key(computer), defaultLatency);
    }

    /**
     * Waits the computer's latency (no lock held), then fails when a session fault is due: what the fabric's
     * {@code RemoteSessions} does before a session to {@code computer} opens.
     *
     * @throws CmdletException the injected WinRM failure (category OpenError)
     * @throws InterruptedException when interrupted while waiting
     */
    public void beforeSession(String computer) throws CmdletException, InterruptedException {
        Duration delay = latencyOf(computer);
        if (!delay.isZero()) {
            TimeUnit.NANOSECONDS.sleep(delay.toNanos());
        }
        FaultKind kind = due(computer, true);
        if (kind == null) {
            SeededRate r = rate;
            if (r != null && r.draw()) {
                kind = FaultKind.WINRM_UNREACHABLE;
            }
        }
        if (kind != null) {
            throw sessionFault(computer, kind);
        }
    }

    /**
     * Fails the cmdlet about to run on {@code computer} when a cmdlet fault is due.
     *
     * @throws CmdletException the injected failure
     */
    void beforeCmdlet(String computer, String cmdlet, String vmName) throws CmdletException {
        FaultKind kind = due(computer, false);
        if (kind == null) {
            return;
        }
        String errorId = kind.errorId() + "." + cmdlet.replace("-", "");
        if (kind == FaultKind.VM_LOCKED) {
            throw new CmdletException(kind.category(), errorId, "The operation cannot be performed while the virtual "
                    + "machine '" + vmName + "' is locked by another operation on " + computer
                    + ". Try again later. (injected fault)");
        }
        throw new CmdletException(kind.category(), errorId, "The Virtual Machine Management Service on " + computer
                + " failed the operation '" + cmdlet + "' for '" + vmName + "'. (injected permanent fault)");
    }

    private @Nullable FaultKind due(String computer, boolean session) {
        String k = key(computer);
        FaultKind permanent = always.get(k);
        if (permanent != null && permanent.atSessionOpen() == session) {
            return permanent;
        }
        Deque<FaultKind> queue = next.get(k);
        if (queue == null) {
            return null;
        }
        synchronized (queue) {
            FaultKind head = queue.peekFirst();
            if (head != null && head.atSessionOpen() == session) {
                return queue.pollFirst();
            }
            return null;
        }
    }

    static CmdletException sessionFault(String computer, FaultKind kind) {
        String reason = kind == FaultKind.ACCESS_DENIED ? "Access is denied. For more information, see the "
                + "about_Remote_Troubleshooting Help topic." : "WinRM cannot complete the operation. Verify that the "
                + "specified computer name is valid, that the computer is accessible over the network, and that a "
                + "firewall exception for the WinRM service is enabled and allows access from this computer.";
        return new CmdletException(kind.category(), kind.errorId(), "Connecting to remote server " + computer
                + " failed with the following error message : " + reason);
    }

    private static Duration checked(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("latency (" + delay + ") must not be negative");
        }
        return delay;
    }

    private static String key(String computer) {
        return computer.toLowerCase(Locale.ROOT);
    }

    private static final class SeededRate {
        private final double probability;
        private final Random random;

        SeededRate(double probability, Random random) {
            this.probability = probability;
            this.random = random;
        }

        synchronized boolean draw() {
            return random.nextDouble() < probability;
        }
    }
}
