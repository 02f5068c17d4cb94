package dev.secondsite.core.vault;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobListener;
import dev.secondsite.core.job.JobState;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A long-running operation of the vault (J1): every call that starts a job returns one. Poll it, wait until it
 * {@link #awaitSettled settles} (finished, or waiting for a manual action) or {@link #awaitCompletion completes},
 * and act on it: {@link #resume}, {@link #cancel}, {@link #restart} (J2). A handle holds only the job's id: it may
 * be made again for any job with {@link Jobs#handle(JobId)}, also after the vault was opened again.
 *
 * <p>Thread-safe.
 */
public final class JobHandle {
    private final Vault vault;
    private final JobId id;

    JobHandle(Vault vault, JobId id) {
        this.vault = requireNonNull(vault, "vault");
        this.id = requireNonNull(id, "id");
    }

    public JobId id() {
        return id;
    }

    /** The job as it stands now. */
    public Job poll() {
        return vault.job(id);
    }

    /**
     * Waits until the job has finished or waits for a manual action (at once if it does now).
     *
     * @throws JobTimeoutException when neither happened within {@code timeout}; the job goes on; also when the
     *     thread is interrupted while waiting (its interrupt flag is set again)
     * @throws dev.secondsite.core.spi.StateStoreException the journal's own exception when it refused one of the
     *     job's events (the job stopped where it was, as a crash would stop it)
     * @throws dev.secondsite.core.IllegalTransitionException (J1) when the vault was closed before the job settled
     *     (the job goes on from its journal when the vault is opened again)
     */
    public SettledJob awaitSettled(Duration timeout) {
        return SettledJob.of(await(vault.settled(id), timeout, "settle"));
    }

    /**
     * Waits until the job has ended, through any manual actions it waits for (someone else resumes them).
     *
     * @return the job, SUCCEEDED
     * @throws JobFailedException when it ended FAILED or CANCELLED, carrying the job
     * @throws JobTimeoutException when it did not end within {@code timeout}; the job goes on
     * @throws dev.secondsite.core.spi.StateStoreException the journal's own exception when it refused one of the
     *     job's events (the job stopped where it was, as a crash would stop it)
     * @throws dev.secondsite.core.IllegalTransitionException (J1) when the vault was closed before the job ended
     */
    public Job awaitCompletion(Duration timeout) {
        requireNonNull(timeout, "timeout");
        CompletableFuture<Job> ended = new CompletableFuture<>();
        // a job whose journal failed never ends: its settle future carries the journal's error to this caller too
        vault.settled(id).whenComplete((job, failure) -> {
            if (failure != null) {
                ended.completeExceptionally(failure);
            }
        });
        JobListener listener = (event, state, progress) -> {
            if (event.jobId().equals(id.value()) && state.isFinal()) {
                ended.complete(vault.job(id));
            }
        };
        vault.addListener(listener);
        try {
            // the job may have ended before the listener was added
            Job now = vault.job(id);
            if (now.state().isFinal()) {
                ended.complete(now);
            }
            Job job = await(ended, timeout, "complete");
            if (job.state() != JobState.SUCCEEDED) {
                throw new JobFailedException(job);
            }
            return job;
        } finally {
            vault.removeListener(listener);
        }
    }

    private Job await(CompletableFuture<Job> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new JobTimeoutException(vault.job(id), timeout, what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobTimeoutException(vault.job(id), Duration.ZERO, what + " (interrupted)");
        } catch (ExecutionException e) {
            // the engine settles a job's waiters with the journal's own (unchecked) exception
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            throw new IllegalStateException("job " + id + ": waiting failed", cause);
        }
    }

    /**
     * Resumes the job's manual action with {@code comment} recorded (J2).
     *
     * @throws dev.secondsite.core.IllegalTransitionException when the job does not wait for a manual action
     */
    public void resume(String comment) {
        vault.resume(id, comment);
    }

    /**
     * Asks the job to stop at its next safe point (J2).
     *
     * @throws dev.secondsite.core.IllegalTransitionException when the job has already ended
     */
    public void cancel() {
        vault.cancel(id);
    }

    /**
     * Runs a failed or cancelled job again from where it stopped (J2), once its preconditions are checked again
     * (J6) and its VMs are free (J5). What the job found is journaled with it, so a job of an earlier opening of the
     * vault is checked the same way (J3).
     *
     * @throws dev.secondsite.core.IllegalTransitionException when the job has not failed or been cancelled
     * @throws dev.secondsite.core.InvalidConfigurationException (J5) when another running job holds one of its VMs,
     *     (J6) when a VM, the pairing or the plan is no longer as the job left it; nothing is sent
     */
    public void restart() {
        vault.restart(id);
    }

    /**
     * Tells {@code listener} every event of this job from now on (J1); remove it with {@link #removeListener}.
     * Called on the engine's threads; keep it quick.
     */
    public JobListener addListener(JobListener listener) {
        requireNonNull(listener, "listener");
        JobListener filtered = (event, state, progress) -> {
            if (event.jobId().equals(id.value())) {
                listener.onEvent(event, state, progress);
            }
        };
        vault.addListener(filtered);
        return filtered;
    }

    /** Stops telling the listener {@link #addListener} returned. */
    public void removeListener(JobListener registered) {
        vault.removeListener(registered);
    }

    @Override
    public String toString() {
        return "JobHandle[" + id + "]";
    }
}
