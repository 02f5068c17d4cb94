package dev.secondsite.store.postgresql;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.NotFoundException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.spi.StateStoreCorruptedException;
import dev.secondsite.core.spi.StateStoreException;
import dev.secondsite.core.spi.StateStoreFencedException;
import dev.secondsite.core.spi.Transport;
import dev.secondsite.core.transport.Transports;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultConfiguration;
import dev.secondsite.core.vault.VaultOptions;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One vault instance of several sharing one PostgreSQL database, of which exactly one is active. Each instance
 * races for the store's leadership, a session advisory lock ({@code pg_try_advisory_lock}) on a connection of its
 * own (the lock connection); the winner opens the vault from the database ({@link PostgresStateStore#open} raises
 * the epoch, {@link Vault#open(dev.secondsite.core.spi.StateStore, VaultOptions)} resumes the running jobs: finished
 * commands are not sent again, an in-flight one is re-sent with its idempotency key) and serves; the others stand by
 * and try the lock every {@link Builder#checkPeriod check period}.
 *
 * <p><b>Losing leadership.</b> The active instance checks its lock connection every check period (a query bounded
 * by twice the period) and is woken at once when its store stops writing (a fenced or failed write). Either way it
 * stops acting: the store refuses every further write at once, the vault is closed (its engine sends nothing more
 * and its jobs stay as journaled, to be resumed by the next active instance, none failed) and the store's
 * connections are closed. A write already on its way is refused by the database when the epoch moved on (fencing),
 * so an instance that is paused or cut off can never write after a takeover. Then, if its lock connection still
 * holds the lock (only the store's connection broke), it opens the vault again; otherwise it stands by: it tells
 * its transport at once who leads now, and tries the lock again only from its next check on, so that a standby
 * already waiting takes over first and an instance whose connection flickers does not take the leadership back.
 *
 * <p><b>Warm standby.</b> Once, when it first stands by, an instance reads the stored vault ahead as a takeover would
 * ({@link Vault#read} over a read-only opening of the store: the epoch is not raised, nothing is written), on a thread
 * of its own, so that a later takeover decodes the vault with warm code ({@link Builder#warmStandby}).
 *
 * <p><b>Providers.</b> An instance keeps one transport for its whole life: the one its vault options give (the caller
 * owns it and closes it after the instance), or one it makes once from their transport URI (closed with the
 * instance). While active, its vault sends commands and serves registrations and syncs through it. While standing by
 * it tells the transport where the active instance serves ({@link Transport#standBy}), read from the leader row at
 * every check: an HTTPS standby answers every provider call 503 NOT_ACTIVE naming that address, and a provider given
 * every instance's address follows it. When it stops acting it tells the transport first, so providers are refused
 * and the commands still waiting for them end at once. Give each instance its {@link Builder#address address} (the
 * URI providers reach it at) so that standbys can name it.
 *
 * <p><b>Roles.</b> {@link #role()} and the {@link RoleListener}s tell the application whether the instance is
 * {@link Role#ACTIVE} (then {@link #vault()} is the open vault), {@link Role#STANDBY} or {@link Role#STOPPED}
 * (closed, or the stored vault cannot be opened: see {@link #stopCause()}); {@link #active()} reads who leads from the
 * leader row.
 *
 * <p>Thread-safe. Listeners run on the instance's own thread, one change at a time, in order; a listener must not
 * call {@link #close()}.
 */
public final class HaVault implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HaVault.class);
    /** {@link Builder#checkPeriod} when not set. */
    public static final Duration DEFAULT_CHECK_PERIOD = Duration.ofMillis(500);

    /** What an instance does now. */
    public enum Role {
        /** Holds the leadership and serves: {@link #vault()} is open. */
        ACTIVE,
        /** Waits for the leadership; writes nothing and sends no command. */
        STANDBY,
        /** Closed, or the stored vault cannot be opened; acts no more. */
        STOPPED
    }

    /** Told of each role change of an instance, on the instance's thread. */
    @FunctionalInterface
    public interface RoleListener {
        /**
         * @param instance the instance whose role changed; when {@code role} is ACTIVE its {@link #vault()} is open
         * @param role the new role
         */
        void roleChanged(HaVault instance, Role role);
    }

    /**
     * How long the phases of one takeover took, as this instance measured them: from winning the lock to the store
     * being open (the epoch raised), and from there to the vault being open (snapshot read, journal tail replayed,
     * jobs resumed); the role became ACTIVE right after.
     *
     * @param lockAcquired when the lock was won
     * @param storeOpen the store's open
     * @param vaultOpen the vault's open, which includes {@code snapshotRead} and {@code replay}
     * @param snapshotBytes the size of the snapshot the vault read, 0 when none
     * @param snapshotRead the snapshot's read from the database (its decoding is not in it)
     * @param records the records replayed after the snapshot
     * @param replay the replay of those records, the vault's decoding of each included
     */
    public record Takeover(Instant lockAcquired, Duration storeOpen, Duration vaultOpen, long snapshotBytes,
                           Duration snapshotRead, long records, Duration replay) {
        /** @throws NullPointerException when a part is null */
        public Takeover {
            requireNonNull(lockAcquired, "lockAcquired");
            requireNonNull(storeOpen, "storeOpen");
            requireNonNull(vaultOpen, "vaultOpen");
            requireNonNull(snapshotRead, "snapshotRead");
            requireNonNull(replay, "replay");
        }

        /** From the lock won to the vault open. */
        public Duration total() {
            return storeOpen.plus(vaultOpen);
        }
    }

    /** The instance that leads, as the leader row names it: its name, address, epoch and since when. */
    public record ActiveInstance(String name, Optional<URI> address, long epoch, Instant since) {
        /** @throws NullPointerException when a part is null */
        public ActiveInstance {
            requireNonNull(name, "name");
            requireNonNull(address, "address");
            requireNonNull(since, "since");
        }
    }

    private final PostgresStoreOptions storeOptions;
    private final VaultOptions vaultOptions;
    private final String name;
    private final @Nullable URI address;
    private final Duration checkPeriod;
    private final boolean warmStandby;
    private final List<RoleListener> listeners;
    private final PostgresStateStore.Connections connections;
    private final Schema schema;
    private final String where;
    private final Thread thread;
    /** The transport the instance serves providers on, in every role; closed by {@link #close} when it made it. */
    private final Transport transport;
    private final boolean ownsTransport;

    /** Guards the fields below; the instance's thread waits on {@link #wake} between checks. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Condition roleChanged = lock.newCondition();
    private boolean woken;
    private boolean closing;
    private Role role = Role.STANDBY;
    private @Nullable Vault vault;
    private @Nullable Exception stopCause;
    private @Nullable Takeover lastTakeover;

    /** Only the instance's thread uses these. */
    private @Nullable Connection lockConnection;
    private boolean holdsLock;
    private @Nullable PostgresStateStore store;
    private volatile long standbyTurns;
    /** Whether this standby has read the stored vault ahead (once per instance: the code stays warm). */
    private boolean readAhead;
    /** The read-ahead's outcome: the configuration read, or why it could not be (tests and the kill test use it). */
    private final CompletableFuture<VaultConfiguration> readAheadDone = new CompletableFuture<>();
    /** The active instance's address as last told to the transport while standing by. */
    private Optional<URI> toldActive = Optional.empty();

    private HaVault(Builder b, Connection lockConnection, Transport transport, boolean ownsTransport) {
        this.storeOptions = b.storeOptions.withInstance(b.name, b.address);
        this.vaultOptions = b.vaultOptions;
        this.name = b.name;
        this.address = b.address;
        this.checkPeriod = b.checkPeriod;
        this.warmStandby = b.warmStandby;
        this.listeners = new CopyOnWriteArrayList<>(b.listeners);
        this.connections = new PostgresStateStore.Connections(storeOptions);
        this.schema = new Schema(storeOptions.tablePrefix());
        this.where = connections.where() + ", tables " + storeOptions.tablePrefix() + "*";
        this.lockConnection = lockConnection;
        this.transport = transport;
        this.ownsTransport = ownsTransport;
        this.thread = new Thread(this::run, "secondsite-ha " + name);
        thread.setDaemon(true);
    }

    /**
     * An instance named {@code name} (as the leader row and the logs show it) of the vault kept in the store
     * {@code store} names, opened with {@code vault} (which names no storage: the instance gives it the store).
     *
     * <p>Options that name a storage are refused when the instance first leads ({@link Vault#open} refuses them):
     * it becomes {@link Role#STOPPED} with that refusal as its {@link #stopCause()}.
     *
     * @throws InvalidConfigurationException (INPUT) when the name is blank, too long or holds a control character
     */
    public static Builder builder(PostgresStoreOptions store, VaultOptions vault, String name) {
        requireNonNull(store, "store");
        requireNonNull(vault, "vault");
        // checks the name as the leader row will hold it
        store.withInstance(name, null);
        return new Builder(store, vault, name);
    }

    private void start() {
        thread.start();
    }

    /** What the instance does now. */
    public Role role() {
        lock.lock();
        try {
            return role;
        } finally {
            lock.unlock();
        }
    }

    /** The open vault while the instance is {@link Role#ACTIVE}; empty otherwise. */
    public Optional<Vault> vault() {
        lock.lock();
        try {
            return Optional.ofNullable(vault);
        } finally {
            lock.unlock();
        }
    }

    /** Why the instance stopped, when it is {@link Role#STOPPED} because the stored vault cannot be opened. */
    public Optional<Exception> stopCause() {
        lock.lock();
        try {
            return Optional.ofNullable(stopCause);
        } finally {
            lock.unlock();
        }
    }

    /** The phases of this instance's last takeover, once it has led. */
    public Optional<Takeover> lastTakeover() {
        lock.lock();
        try {
            return Optional.ofNullable(lastTakeover);
        } finally {
            lock.unlock();
        }
    }

    /** This instance's name. */
    public String name() {
        return name;
    }

    /** Where this instance serves, if it was given. */
    public Optional<URI> address() {
        return Optional.ofNullable(address);
    }

    /**
     * Who leads, read from the leader row now: empty when no instance has opened the store yet.
     *
     * @throws StateStoreException when the database cannot be read
     */
    public Optional<ActiveInstance> active() {
        try (Connection c = connections.connect()) {
            return readActive(c);
        } catch (SQLException e) {
            throw new StateStoreException(where, "cannot read who leads: " + e.getMessage(), e);
        }
    }

    private Optional<ActiveInstance> readActive(Connection c) throws SQLException {
        if (schema.version(c, where) < 3) {
            return Optional.empty();
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT holder, address, epoch, since "
                + "FROM " + schema.leader + " WHERE id = 1")) {
            if (!rs.next() || rs.getLong(3) == 0) {
                return Optional.empty();
            }
            String at = rs.getString(2);
            return Optional.of(new ActiveInstance(rs.getString(1), Optional.ofNullable(at).map(URI::create),
                    rs.getLong(3), rs.getTimestamp(4).toInstant()));
        }
    }

    /**
     * Waits until the instance has {@code expected} as its role.
     *
     * @return whether it has it; false when {@code timeout} passed first
     */
    public boolean awaitRole(Role expected, Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (role != expected) {
                if (left <= 0) {
                    return false;
                }
                left = roleChanged.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** How many standby turns the instance has taken (tests see a standby keep trying the lock). */
    long standbyTurns() {
        return standbyTurns;
    }

    /**
     * Stops acting (an active instance closes its vault: its jobs go on at the next active instance), lets the
     * leadership go and ends the instance's thread; the role becomes {@link Role#STOPPED}. Idempotent.
     *
     * @throws IllegalStateException when called from a role listener
     */
    @Override
    public void close() {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("a role listener must not close its vault instance " + name);
        }
        lock.lock();
        try {
            closing = true;
            woken = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (!isClosing()) {
                if (store == null) {
                    standBy(true);
                } else {
                    checkLeadership();
                }
                if (role() == Role.STOPPED) {
                    break;
                }
                sleep();
            }
        } finally {
            if (store != null) {
                stopActing("the instance is closed");
            }
            closeLockConnection();
            setRole(Role.STOPPED, null);
            if (ownsTransport) {
                transport.close();
            }
            log.info("HA: vault instance {} stopped", name);
        }
    }

    /**
     * A standby's turn: (re)connect the lock connection if needed, try the lock unless {@code tryLock} is false, and
     * lead if it holds it; otherwise tell the transport who leads.
     */
    private void standBy(boolean tryLock) {
        try {
            standByTurn(tryLock);
        } finally {
            standbyTurns++; // counted once the turn is over: a test that sees the count sees what the turn did
        }
    }

    private void standByTurn(boolean tryLock) {
        try {
            if (lockConnection == null) {
                lockConnection = connections.connect();
                bound(lockConnection);
            }
            if (!holdsLock && tryLock) {
                try (Statement s = lockConnection.createStatement(); ResultSet rs = s.executeQuery(
                        "SELECT pg_try_advisory_lock(" + schema.leaderLockKey() + ")")) {
                    rs.next();
                    holdsLock = rs.getBoolean(1);
                }
            }
        } catch (SQLException e) {
            log.warn("HA: vault instance {} cannot reach {} to try the leadership: {}", name, where, e.getMessage());
            closeLockConnection();
            return;
        }
        if (holdsLock) {
            lead();
        } else {
            pointProvidersToActive();
            if (warmStandby && !readAhead) {
                readAhead = true;
                Thread reader = new Thread(this::readAhead, "secondsite-ha-read-ahead " + name);
                reader.setDaemon(true);
                reader.start();
            }
        }
    }

    /**
     * Reads the stored vault once as a takeover would (read-only: no epoch raised, nothing written), on a thread of
     * its own so that the lock is still tried meanwhile. Most of a takeover in a fresh process is the first decoding
     * of the snapshot and journal (class loading, cold code): done ahead, the takeover decodes with warm code.
     */
    private void readAhead() {
        long began = System.nanoTime();
        try (PostgresStateStore reader = PostgresStateStore.openToRead(storeOptions)) {
            VaultConfiguration read = Vault.read(reader);
            readAheadDone.complete(read);
            log.info("HA: vault instance {} read the stored vault ahead in {} ms ({} servers, {} protected VMs): a "
                    + "takeover decodes it with warm code", name, (System.nanoTime() - began) / 1_000_000,
                    read.servers().size(), read.protection().protectedVms().size());
        } catch (RuntimeException e) {
            // nothing depends on it: a takeover then decodes the vault cold, as without reading ahead
            log.info("HA: vault instance {} could not read the stored vault ahead: {}", name, e.getMessage());
            readAheadDone.completeExceptionally(e);
        }
    }

    /**
     * Completes with the configuration this standby read ahead, or exceptionally with why it could not; never when
     * it led at once or reads nothing ahead.
     */
    CompletableFuture<VaultConfiguration> readAheadDone() {
        return readAheadDone;
    }

    /**
     * A standby tells its transport where the active instance serves, so that providers calling this one are sent
     * there (on the lock connection: no connection per check). Never its own address: the leader row may still name
     * this instance for a moment after it stopped acting.
     */
    private void pointProvidersToActive() {
        Optional<URI> active;
        try {
            active = readActive(requireNonNull(lockConnection)).filter(a -> !a.name().equals(name))
                    .flatMap(ActiveInstance::address);
        } catch (SQLException | StateStoreException e) {
            log.debug("HA: vault instance {} cannot read who leads: {}", name, e.getMessage());
            return;
        }
        if (!active.equals(toldActive)) {
            toldActive = active;
            transport.standBy(active);
            log.info("HA: vault instance {} stands by; the active instance is {}", name,
                    active.map(URI::toString).orElse("not known"));
        }
    }

    /** Holds the lock: opens the store (raising the epoch) and the vault from it. */
    private void lead() {
        Instant won = Instant.now();
        long t0 = System.nanoTime();
        PostgresStateStore opened;
        try {
            opened = PostgresStateStore.open(storeOptions);
        } catch (SchemaVersionException | StateStoreCorruptedException e) {
            stop(e);
            return;
        } catch (StateStoreException e) {
            log.warn("HA: vault instance {} holds the leadership but cannot open the store; it retries: {}", name,
                    e.getMessage());
            letGo();
            return;
        }
        long t1 = System.nanoTime();
        Vault v;
        try {
            v = Vault.open(opened, vaultOptions.withTransport(transport));
        } catch (NotFoundException | InvalidConfigurationException e) {
            opened.close();
            unbind();
            stop(e);
            return;
        } catch (RuntimeException e) {
            opened.close();
            unbind();
            log.warn("HA: vault instance {} cannot open the vault; it retries: {}", name, e.toString());
            letGo();
            return;
        }
        long t2 = System.nanoTime();
        long[] snapshot = opened.snapshotReads();
        long[] replayed = opened.replays();
        Takeover took = new Takeover(won, Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1), snapshot[0],
                Duration.ofNanos(snapshot[1]), replayed[0], Duration.ofNanos(replayed[1]));
        store = opened;
        opened.onFailure(this::wakeUp);
        lock.lock();
        try {
            lastTakeover = took;
        } finally {
            lock.unlock();
        }
        log.info("HA: vault instance {} is active at epoch {}: {}", name, opened.epoch(), took);
        setRole(Role.ACTIVE, v);
    }

    /** An active instance's turn: it still leads while its store writes and its lock connection answers. */
    private void checkLeadership() {
        PostgresStateStore s = requireNonNull(store);
        Optional<Throwable> failed = s.failure();
        if (failed.isPresent()) {
            stopActing(failed.get() instanceof StateStoreFencedException
                    ? "fenced: another instance took the store over (" + failed.get().getMessage() + ")"
                    : "its store stopped writing (" + failed.get().getMessage() + ")");
            if (lockConnectionAlive()) {
                // only the store's connection broke and nobody else leads while the lock is held: lead again
                lead();
            } else {
                closeLockConnection();
                standBy(false);
            }
            return;
        }
        if (!lockConnectionAlive()) {
            stopActing("its lock connection to the database is lost: it can no longer prove that it leads");
            closeLockConnection();
            // providers learn who leads now; the lock is tried from the next turn on, so that a standby already
            // waiting takes over first and an instance whose connection flickers does not take the leadership back
            standBy(false);
        }
    }

    private boolean lockConnectionAlive() {
        if (lockConnection == null) {
            return false;
        }
        try (Statement s = lockConnection.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            return rs.next();
        } catch (SQLException e) {
            return false;
        }
    }

    /** Stops writing and sending at once, then closes the vault and the store; the role becomes STANDBY. */
    private void stopActing(String why) {
        PostgresStateStore s = requireNonNull(store);
        Vault v = vault().orElse(null);
        log.warn("HA: vault instance {} stops acting: {}", name, why);
        s.abandon(new StateStoreException(where, "vault instance " + name + " stopped acting: " + why, null));
        // providers are refused at once and the commands waiting for them end; the next check names the new leader
        unbind();
        store = null;
        setRole(Role.STANDBY, null);
        if (v != null) {
            try {
                v.close();
            } catch (RuntimeException e) {
                log.debug("closing the vault of a former leader failed", e);
            }
        }
        s.close();
    }

    /** A vault that failed to open may have bound the transport already: providers must not reach it. */
    private void unbind() {
        toldActive = Optional.empty();
        transport.standBy(toldActive);
    }

    /** Gives the lock back (the store or vault could not be opened), so that another instance may try. */
    private void letGo() {
        try (Statement s = requireNonNull(lockConnection).createStatement()) {
            s.execute("SELECT pg_advisory_unlock(" + schema.leaderLockKey() + ")");
            holdsLock = false;
        } catch (SQLException e) {
            closeLockConnection();
        }
    }

    private void stop(Exception cause) {
        log.error("HA: vault instance {} stops: the stored vault cannot be opened: {}", name, cause.getMessage());
        lock.lock();
        try {
            stopCause = cause;
        } finally {
            lock.unlock();
        }
        closeLockConnection();
        setRole(Role.STOPPED, null);
    }

    private void closeLockConnection() {
        holdsLock = false;
        if (lockConnection != null) {
            try {
                lockConnection.close();
            } catch (SQLException e) {
                log.debug("closing the lock connection failed", e);
            }
            lockConnection = null;
        }
    }

    /** A query on the lock connection that hangs (a cut network) fails after twice the check period. */
    private void bound(Connection c) throws SQLException {
        c.setNetworkTimeout(Runnable::run, (int) Math.max(1000, checkPeriod.toMillis() * 2));
    }

    private void setRole(Role next, @Nullable Vault open) {
        lock.lock();
        try {
            if (role == next && vault == open) {
                return;
            }
            role = next;
            vault = open;
            roleChanged.signalAll();
        } finally {
            lock.unlock();
        }
        for (RoleListener listener : listeners) {
            try {
                listener.roleChanged(this, next);
            } catch (RuntimeException e) {
                log.warn("HA: a role listener of vault instance {} failed: {}", name, e.toString());
            }
        }
    }

    private boolean isClosing() {
        lock.lock();
        try {
            return closing;
        } finally {
            lock.unlock();
        }
    }

    private void wakeUp() {
        lock.lock();
        try {
            woken = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void sleep() {
        long left = checkPeriod.toNanos();
        lock.lock();
        try {
            while (!woken && !closing && left > 0) {
                left = wake.awaitNanos(left);
            }
            woken = false;
        } catch (InterruptedException e) {
            closing = true;
        } finally {
            lock.unlock();
        }
    }

    /** Names the instance and the database; never a password. */
    @Override
    public String toString() {
        return "HaVault[" + name + (address != null ? " at " + address : "") + ", " + where + ", " + role() + "]";
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            log.debug("closing a connection failed", e);
        }
    }

    /** Collects an instance's settings; {@link #start()} connects. Not thread-safe. */
    public static final class Builder {
        private final PostgresStoreOptions storeOptions;
        private final VaultOptions vaultOptions;
        private final String name;
        private @Nullable URI address;
        private Duration checkPeriod = DEFAULT_CHECK_PERIOD;
        private boolean warmStandby = true;
        private final List<RoleListener> listeners = new CopyOnWriteArrayList<>();

        private Builder(PostgresStoreOptions storeOptions, VaultOptions vaultOptions, String name) {
            this.storeOptions = storeOptions;
            this.vaultOptions = vaultOptions;
            this.name = name;
        }

        /**
         * Where this instance serves providers, e.g. its HTTPS transport's URI (written into the leader row while it
         * leads, so that standbys send providers there).
         *
         * @throws InvalidConfigurationException (INPUT) when not absolute
         */
        public Builder address(URI address) {
            storeOptions.withInstance(name, requireNonNull(address, "address"));
            this.address = address;
            return this;
        }

        /**
         * How often a standby tries the lock and the active instance checks its lock connection (default
         * {@link #DEFAULT_CHECK_PERIOD}): with it an active instance that lost its connection stops acting within
         * about three periods, and a standby takes over within one period of the lock's release.
         *
         * @throws InvalidConfigurationException (INPUT) unless between 10 ms and 1 minute
         */
        public Builder checkPeriod(Duration period) {
            requireNonNull(period, "period");
            if (period.compareTo(Duration.ofMillis(10)) < 0 || period.compareTo(Duration.ofMinutes(1)) > 0) {
                throw InvalidConfigurationException.of(Rule.INPUT, "vault instance " + name, "checkPeriod", period,
                        "checkPeriod (" + period + ") must be between 10 ms and 1 minute");
            }
            this.checkPeriod = period;
            return this;
        }

        /**
         * Whether a standby reads the stored vault ahead, once, as a takeover would (default true): read-only (the
         * epoch is not raised, nothing is written), on a thread of its own, so that its takeover decodes the vault
         * with warm code. In a fresh process most of a takeover is that first decoding; the kill test measured about
         * 1.2 s of a 1.4 s takeover in it.
         */
        public Builder warmStandby(boolean warm) {
            this.warmStandby = warm;
            return this;
        }

        /** Adds a listener told of every role change. */
        public Builder listener(RoleListener listener) {
            listeners.add(requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Connects the lock connection and starts the instance as a standby; its thread tries the leadership at
         * once.
         *
         * @throws StoreUnreachableException when the database cannot be reached or refuses the login; nothing was
         *     created and no thread started
         */
        public HaVault start() {
            PostgresStateStore.Connections probe = new PostgresStateStore.Connections(
                    storeOptions.withInstance(name, address));
            Connection c;
            try {
                c = probe.connect();
            } catch (SQLException e) {
                throw new StoreUnreachableException(probe.where(), e.getMessage(), e);
            }
            boolean owns = vaultOptions.transport().isEmpty();
            Transport transport;
            try {
                transport = vaultOptions.transport().orElseGet(() -> Transports.forUri(vaultOptions.transportUri()));
            } catch (RuntimeException e) {
                closeQuietly(c);
                throw e;
            }
            HaVault instance = new HaVault(this, c, transport, owns);
            try {
                instance.bound(c);
            } catch (SQLException e) {
                instance.closeLockConnection();
                if (owns) {
                    transport.close();
                }
                throw new StoreUnreachableException(probe.where(), e.getMessage(), e);
            }
            // until it knows who leads, the transport refuses providers as a standby (rather than "no vault yet")
            transport.standBy(Optional.empty());
            log.info("HA: vault instance {} starts as a standby on {}", name, instance.where);
            instance.start();
            return instance;
        }
    }
}
