package dev.secondsite.core.provider;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.annotation.Nullable;

/**
 * A provider's command threads: a fixed-size pool whose threads time out when idle, with one shortcut. A command
 * submitted from one of these threads while it runs a command (the vault handled the answer of that command right
 * there and sent the next one, the usual case in a plan) is run by that same thread as soon as its current command
 * returns, instead of being queued for, and waking, another idle thread: a wake-up costs more CPU than the work a
 * command mostly is (a call to the host). Never runs a command within {@link #execute} itself, so a sender never
 * runs the command it sends; at most {@code size} commands run at once, as with the pool alone.
 *
 * <p>Thread-safe.
 */
final class CommandThreads implements Executor {
    private final ThreadPoolExecutor pool;
    /** The follow-on slot of the current thread, when it is one of this pool's threads running a command. */
    private final ThreadLocal<FollowOn> current = new ThreadLocal<>();

    CommandThreads(int size, ThreadFactory threads) {
        this.pool = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs {@code command} on one of the pool's threads: after the current command when called from a pool thread
     * whose follow-on slot is free, else the next free thread.
     *
     * @throws java.util.concurrent.RejectedExecutionException when the pool is shut down
     */
    @Override
    public void execute(Runnable command) {
        FollowOn slot = current.get();
        if (slot != null && slot.next == null && !pool.isShutdown()) {
            slot.next = command;
            return;
        }
        pool.execute(() -> run(command));
    }

    private void run(Runnable command) {
        FollowOn slot = new FollowOn();
        current.set(slot);
        Runnable next = command;
        try {
            while (next != null) {
                slot.next = null;
                next.run();
                next = slot.next;
            }
        } finally {
            current.remove();
            if (slot.next != null && next != null) {
                // the command before it threw: the follow-on still runs, on another thread
                Runnable orphan = slot.next;
                pool.execute(() -> run(orphan));
            }
        }
    }

    /** How many commands wait for a free thread. */
    int queued() {
        return pool.getQueue().size();
    }

    /** Runs the commands already taken; starts no new thread for later ones (they are refused). */
    void shutdown() {
        pool.shutdown();
    }

    /** The command a thread runs after its current one. Confined to that thread. */
    private static final class FollowOn {
        @Nullable Runnable next;
    }
}
