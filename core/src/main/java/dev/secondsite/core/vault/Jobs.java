package dev.secondsite.core.vault;

import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobListener;
import dev.secondsite.core.job.JobQuery;
import java.util.List;

/**
 * The vault's jobs (J1, J2, J4): look one up, list them, get a {@link JobHandle} for one, listen to all.
 *
 * <p>Thread-safe.
 */
public final class Jobs {
    private final Vault vault;

    Jobs(Vault vault) {
        this.vault = vault;
    }

    /**
     * The job as it stands now.
     *
     * @throws dev.secondsite.core.NotFoundException when the vault knows no such job
     */
    public Job get(JobId id) {
        return vault.job(id);
    }

    /** Jobs matching {@code query}, oldest first (J4); {@code JobJson.export} turns them into a document. */
    public List<Job> list(JobQuery query) {
        return vault.jobList(query);
    }

    /**
     * A handle on a job, e.g. one of an earlier opening of the vault.
     *
     * @throws dev.secondsite.core.NotFoundException when the vault knows no such job
     */
    public JobHandle handle(JobId id) {
        vault.job(id);
        return new JobHandle(vault, id);
    }

    /**
     * Tells {@code listener} every event of every job from now on (J1), on the engine's threads; keep it quick. A
     * listener's exception is logged and does not affect the job.
     */
    public void addListener(JobListener listener) {
        vault.addListener(listener);
    }

    public void removeListener(JobListener listener) {
        vault.removeListener(listener);
    }
}
