package dev.secondsite.core.testing;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.Vm;
import dev.secondsite.core.protection.Authentication;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.HostDriver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.annotation.Nullable;

/**
 * A {@link HostDriver} over an in-memory model of Hyper-V Replica, for the engine's, the durable state's and the
 * Hyper-V module's tests. Shipped in core's test-jar.
 *
 * <h2>The model</h2>
 * Hosts, and per VM (by id): its replication state, named as Hyper-V's VMReplicationState ({@code Disabled,
 * ReadyForInitialReplication, InitialReplicationInProgress, Replicating, Resynchronizing, PreparedForFailover,
 * FailedOverWaitingCompletion, FailedOver}); its copies (primary, replica, test VM) with host, power state and
 * connected networks; its recovery points, taken with the injected {@link Clock}: one when initial replication
 * completes, one every full hour while replicating (app-consistent every {@code appConsistentFrequencyHours}), one
 * when a planned failover is prepared, and one per {@link #replicate}; at most {@code additionalRecoveryPoints + 1}
 * are kept (C5). See {@link FakeVm} for what a test can read with {@link #vm(String)}.
 *
 * <p>Each command runs on the host named by its request and checks its preconditions as Hyper-V does (see
 * {@code reference/hyperv-replica.md}): the VM must be on that host (the primary copy for enable, initial
 * replication, prepare; the replica for failover, test failover, import, complete, reverse, recovery points); the
 * replica server must have been configured with the same authentication and port; PrepareFailover needs the primary
 * off and Replicating; Failover needs a recovery point and no running test failover; TestFailover is refused while
 * resynchronizing and while a test VM exists (F8); CompleteFailover needs FailedOverWaitingCompletion; reversing an
 * unplanned failover needs it completed first; a replica VM starts only once failed over; a network must exist on
 * the host's site (or be the isolated network of a test failover). A refusal is a permanent failure with a
 * Hyper-V-like message and changes nothing. A command on a host marked {@link #hostDown down} fails transiently.
 *
 * <p>One fake models both sites, as Hyper-V Replica links the hosts of both: give the same instance to the provider
 * of each site. A request for a host of a seeded site must be addressed to that site's server id (a provider
 * reaches only its own hosts); a wrong one is refused.
 *
 * <h2>Idempotency (J3)</h2>
 * A request whose idempotency key already succeeded returns the first result and changes nothing (a replay; not
 * in the history). Only successes are remembered: a failure changed nothing, so a re-send with the same key runs
 * again, as it would against a real host. The same key with a different request is refused (an engine bug).
 *
 * <h2>History</h2>
 * {@link #history()} lists every command that was not a replay, in the order the model saw it, with its host and
 * result, including injected faults and refusals; {@link #commandsFor(String)} and
 * {@link #commandNamesFor(String)} give the successful commands of one VM, to prove command order.
 *
 * <h2>Latency and faults</h2>
 * Latency (zero by default) blocks the calling thread before the command is applied, outside the lock, as a slow
 * host would; tests that want no waiting keep it zero and hold commands in flight with {@link #hold}
 * instead. Faults are checked in the order they were added, before the model: {@link #failTransiently} (the first N
 * attempts of each matching command), {@link #failPermanently}, {@link #failRandomly} (a seeded {@link Random}: the
 * same seed and the same sequence of commands give the same faults).
 *
 * <p>Thread-safe: commands may come from many threads; the model is changed under one lock.
 */
public final class FakeHostDriver implements HostDriver {
    private final Object lock = new Object();
    private final Clock clock;
    private final Function<CommandRequest, Duration> latency;
    private final FakeHyperVModel model;
    private final List<Execution> history = new ArrayList<>();
    private final Map<String, Execution> succeeded = new HashMap<>();
    private final List<Fault> faults = new ArrayList<>();
    private volatile Consumer<CommandRequest> beforeExecute = r -> { };
    private int replays;

    private FakeHostDriver(Builder b) {
        this.clock = b.clock;
        this.latency = b.latency;
        this.model = new FakeHyperVModel(clock, b.initialReplicationDuration, b.initialReplicationPolls);
        b.seeds.forEach(seed -> seed.accept(model));
    }

    /**
     * A fake holding every host and VM of {@code sites}, with the system clock and no latency: each VM as its
     * inventory has it (power state, networks), unreplicated unless the inventory reports Hyper-V Replica already on
     * it (E3: then Replicating to the observed replica host, which counts as a configured replica server).
     */
    public static FakeHostDriver forSites(Site... sites) {
        return builder().sites(sites).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------------------------------------- HostDriver

    /** Carries out {@code request} on the model; never throws for a host failure. */
    @Override
    public CommandResult execute(CommandRequest request) {
        requireNonNull(request, "request");
        synchronized (lock) {
            Execution done = succeeded.get(request.idempotencyKey());
            if (done != null) {
                return replay(done, request);
            }
        }
        Duration delay = latency.apply(request);
        if (!delay.isZero() && !delay.isNegative()) {
            try {
                Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return CommandResult.transientFailure(request.command().describe() + ": interrupted");
            }
        }
        beforeExecute.accept(request);
        synchronized (lock) {
            Execution done = succeeded.get(request.idempotencyKey());
            if (done != null) {
                return replay(done, request);
            }
            CommandResult result = injectedFault(request);
            if (result == null) {
                result = model.apply(request);
            }
            Execution execution = new Execution(history.size() + 1, clock.instant(), request, result);
            history.add(execution);
            if (result.succeeded()) {
                succeeded.put(request.idempotencyKey(), execution);
            }
            return result;
        }
    }

    private CommandResult replay(Execution done, CommandRequest request) {
        if (!done.request().equals(request)) {
            return CommandResult.permanentFailure("idempotency key " + request.idempotencyKey() + " was used for "
                    + done.request() + " and now for " + request);
        }
        replays++;
        return done.result();
    }

    private @Nullable CommandResult injectedFault(CommandRequest request) {
        for (Fault fault : faults) {
            CommandResult result = fault.apply(request);
            if (result != null) {
                return result;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------- history

    /** Every command the model saw (not the replays), in order, with its result. */
    public List<Execution> history() {
        synchronized (lock) {
            return List.copyOf(history);
        }
    }

    /** {@link #history()} of the commands about {@code vmId}. */
    public List<Execution> historyFor(String vmId) {
        return history().stream().filter(e -> vmId.equals(e.command().vmId())).toList();
    }

    /** The commands about {@code vmId} that succeeded, in order: what changed the VM. */
    public List<HostCommand> commandsFor(String vmId) {
        return historyFor(vmId).stream().filter(e -> e.result().succeeded()).map(Execution::command).toList();
    }

    /** {@link #commandsFor(String)} as simple names, e.g. {@code [EnableReplication, StartInitialReplication]}. */
    public List<String> commandNamesFor(String vmId) {
        return commandsFor(vmId).stream().map(c -> c.getClass().getSimpleName()).toList();
    }

    /** How many requests were answered from a first result because their key had already succeeded. */
    public int replays() {
        synchronized (lock) {
            return replays;
        }
    }

    // ---------------------------------------------------------------------------------------------- inspection

    /**
     * A snapshot of VM {@code vmId}.
     *
     * @throws IllegalArgumentException when the fake has no such VM
     */
    public FakeVm vm(String vmId) {
        synchronized (lock) {
            return model.view(vmId);
        }
    }

    /** Snapshots of every VM, in the order they were seeded. */
    public List<FakeVm> vms() {
        synchronized (lock) {
            return model.vmIds().stream().map(model::view).toList();
        }
    }

    public Set<String> hosts() {
        synchronized (lock) {
            return model.hostNames();
        }
    }

    /** Whether {@code host} was configured as a replica server (ConfigureReplicaServer, C12). */
    public boolean isReplicaServer(String host) {
        synchronized (lock) {
            return model.isReplicaServer(host);
        }
    }

    // ---------------------------------------------------------------------------------------------- events

    /**
     * A replication cycle of a Replicating VM: the replica receives the changes as a recovery point taken now.
     *
     * @throws IllegalArgumentException for an unknown VM
     * @throws IllegalStateException when the VM is not Replicating
     */
    public void replicate(String vmId, boolean appConsistent) {
        synchronized (lock) {
            model.replicate(vmId, appConsistent);
        }
    }

    /**
     * Hyper-V starts resynchronizing a Replicating VM (after a replication error).
     *
     * @throws IllegalStateException when the VM is not Replicating
     */
    public void startResynchronization(String vmId) {
        synchronized (lock) {
            model.startResynchronization(vmId);
        }
    }

    /**
     * Resynchronization ends: the VM is Replicating again, with a recovery point taken now.
     *
     * @throws IllegalStateException when the VM is not Resynchronizing
     */
    public void finishResynchronization(String vmId) {
        synchronized (lock) {
            model.finishResynchronization(vmId);
        }
    }

    /**
     * Marks {@code host} unreachable (a site disaster): its VMs go off, and commands on it, and those that need it
     * as replica server, fail transiently until {@link #hostUp}.
     *
     * @throws IllegalArgumentException for an unknown host
     */
    public void hostDown(String host) {
        synchronized (lock) {
            model.setDown(host, true);
        }
    }

    /** @throws IllegalArgumentException for an unknown host */
    public void hostUp(String host) {
        synchronized (lock) {
            model.setDown(host, false);
        }
    }

    // ---------------------------------------------------------------------------------------------- faults

    /** Each command matching {@code matching} fails transiently on its first {@code attempts} attempts (per key). */
    public FakeHostDriver failTransiently(Predicate<CommandRequest> matching, int attempts) {
        requireNonNull(matching, "matching");
        Map<String, Integer> counts = new HashMap<>();
        return addFault(request -> {
            if (!matching.test(request)) {
                return null;
            }
            int attempt = counts.merge(request.idempotencyKey(), 1, Integer::sum);
            return attempt > attempts ? null : CommandResult.transientFailure(request.command().describe()
                    + ": the operation timed out (injected transient fault, attempt " + attempt + " of "
                    + attempts + ")");
        });
    }

    /** Every command matching {@code matching} fails permanently with {@code message}. */
    public FakeHostDriver failPermanently(Predicate<CommandRequest> matching, String message) {
        requireNonNull(matching, "matching");
        requireNonNull(message, "message");
        return addFault(request -> matching.test(request) ? CommandResult.permanentFailure(message) : null);
    }

    /**
     * Every command fails transiently with {@code probability}, drawn from a {@link Random} seeded with
     * {@code seed}: one draw per attempt, so the same seed and command sequence give the same faults.
     */
    public FakeHostDriver failRandomly(double probability, long seed) {
        if (probability < 0 || probability > 1) {
            throw new IllegalArgumentException("probability (" + probability + ") must be between 0 and 1");
        }
        Random random = new Random(seed);
        return addFault(request -> random.nextDouble() < probability ? CommandResult.transientFailure(
                request.command().describe() + ": the host is busy (injected random fault)") : null);
    }

    /** Removes every injected fault. */
    public void clearFaults() {
        synchronized (lock) {
            faults.clear();
        }
    }

    private FakeHostDriver addFault(Fault fault) {
        synchronized (lock) {
            faults.add(fault);
        }
        return this;
    }

    /**
     * Runs {@code hook} on the calling thread before each command that is not a replay is applied, outside the
     * lock: e.g. to hold a command in flight on a latch while a test detaches a provider or crashes an engine.
     */
    public void beforeExecute(Consumer<CommandRequest> hook) {
        this.beforeExecute = requireNonNull(hook, "hook");
    }

    /**
     * Holds every command matching {@code matching} in flight, before it is applied, until the returned
     * {@link Hold} is released: to detach a provider, close a transport or crash an engine while a command is under
     * way, or to fill a provider's slots. Replaces any {@link #beforeExecute} hook.
     */
    public Hold hold(Predicate<CommandRequest> matching) {
        requireNonNull(matching, "matching");
        Hold hold = new Hold();
        beforeExecute(request -> {
            if (matching.test(request)) {
                hold.enter();
            }
        });
        return hold;
    }

    /**
     * Commands held by {@link #hold}. A held command waits at most {@link #MAX_HOLD} for {@link #release()}, so a
     * test that fails before releasing does not leave threads blocked forever.
     *
     * <p>Thread-safe.
     */
    public static final class Hold {
        /** The longest a command stays held. */
        public static final Duration MAX_HOLD = Duration.ofMinutes(1);

        private final CountDownLatch released = new CountDownLatch(1);
        private int held;

        private Hold() {
        }

        private void enter() {
            synchronized (this) {
                held++;
                notifyAll();
            }
            try {
                released.await(MAX_HOLD.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Waits up to 10 seconds until {@code count} commands have been held; false if they were not. */
        public synchronized boolean awaitHeld(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (held < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }

        /** How many commands have been held so far. */
        public synchronized int held() {
            return held;
        }

        /** Lets every held command, and every later one, go on. */
        public void release() {
            released.countDown();
        }
    }

    // ---------------------------------------------------------------------------------------------- predicates

    /** Matches requests whose command is a {@code type}. */
    public static Predicate<CommandRequest> isCommand(Class<? extends HostCommand> type) {
        return r -> type.isInstance(r.command());
    }

    /** Matches requests about VM {@code vmId}. */
    public static Predicate<CommandRequest> isForVm(String vmId) {
        return r -> vmId.equals(r.command().vmId());
    }

    /** Matches requests run on {@code host}. */
    public static Predicate<CommandRequest> isOnHost(String host) {
        return r -> r.host().equals(host);
    }

    /** An injected fault: a failure for the request, or null to let it through. Called under the lock. */
    @FunctionalInterface
    private interface Fault {
        @Nullable CommandResult apply(CommandRequest request);
    }

    /**
     * One command the model saw.
     *
     * @param sequence 1 for the first command, then 2, 3 ...
     * @param at the fake's clock when it was applied
     * @param request what was asked (the host is {@code request.host()})
     * @param result what was answered
     */
    public record Execution(long sequence, Instant at, CommandRequest request, CommandResult result) {
        public String host() {
            return request.host();
        }

        public HostCommand command() {
            return request.command();
        }

        /** The command's simple name, e.g. {@code "Failover"}. */
        public String commandName() {
            return request.command().getClass().getSimpleName();
        }
    }

    /** Builds a {@link FakeHostDriver}. Not thread-safe. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private Function<CommandRequest, Duration> latency = r -> Duration.ZERO;
        private Duration initialReplicationDuration = Duration.ZERO;
        private int initialReplicationPolls;
        private final List<Consumer<FakeHyperVModel>> seeds = new ArrayList<>();

        private Builder() {
        }

        /** The clock recovery points and the history are stamped with; default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /** Every host and VM of {@code sites} (see {@link FakeHostDriver#forSites}). */
        public Builder sites(Site... sites) {
            for (Site site : sites) {
                requireNonNull(site, "site");
                seeds.add(m -> m.addSite(site));
            }
            return this;
        }

        /** A host of no seeded site (its networks are not checked). */
        public Builder host(String name) {
            requireNonNull(name, "name");
            seeds.add(m -> m.addHost(name));
            return this;
        }

        /** One VM, unreplicated unless it reports existing replication; its host is added. */
        public Builder vm(Vm vm) {
            requireNonNull(vm, "vm");
            seeds.add(m -> m.addVm(vm));
            return this;
        }

        /** {@code host} as a replica server already (as ConfigureReplicaServer would leave it). */
        public Builder replicaServer(String host, Authentication authentication, int port) {
            requireNonNull(host, "host");
            requireNonNull(authentication, "authentication");
            seeds.add(m -> m.configureReplicaServer(host, authentication.hyperVName(), port));
            return this;
        }

        /**
         * VM {@code vmId} (seeded before, e.g. with {@link #sites}) protected already: Replicating to
         * {@code replicaHost} with {@code settings}, one recovery point taken now, and {@code replicaHost}
         * configured as a replica server. The starting point of failover tests.
         */
        public Builder replicating(String vmId, String replicaHost, ReplicationSettings settings) {
            requireNonNull(vmId, "vmId");
            requireNonNull(replicaHost, "replicaHost");
            requireNonNull(settings, "settings");
            seeds.add(m -> m.seedReplicating(vmId, replicaHost, settings));
            return this;
        }

        /** The same latency for every command; default zero. */
        public Builder latency(Duration latency) {
            requireNonNull(latency, "latency");
            return latency(r -> latency);
        }

        /** A latency per command. */
        public Builder latency(Function<CommandRequest, Duration> latency) {
            this.latency = requireNonNull(latency, "latency");
            return this;
        }

        /**
         * How long an initial replication over the network takes on the fake's clock; default zero (Replicating as
         * soon as it starts). With a longer one, the VM reads InitialReplicationInProgress until the clock passed it.
         */
        public Builder initialReplicationDuration(Duration duration) {
            this.initialReplicationDuration = requireNonNull(duration, "duration");
            return this;
        }

        /**
         * How many status reads (Get-VMReplication) an initial replication over the network takes to complete once
         * started: it reads InitialReplicationInProgress for the first {@code polls} reads and Replicating after;
         * default zero (complete as soon as it starts, as far as polls go). Models a copy whose end only a status
         * poll reveals (E1).
         */
        public Builder initialReplicationPolls(int polls) {
            if (polls < 0) {
                throw new IllegalArgumentException("polls (" + polls + ") must not be negative");
            }
            this.initialReplicationPolls = polls;
            return this;
        }

        /**
         * @throws IllegalArgumentException when a VM id is seeded twice on unrelated hosts, or
         *     {@link #replicating} names a VM not seeded before or already replicated
         */
        public FakeHostDriver build() {
            return new FakeHostDriver(this);
        }
    }
}
