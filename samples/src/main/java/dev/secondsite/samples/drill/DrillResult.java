package dev.secondsite.samples.drill;

import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.protection.ActiveLocation;
import dev.secondsite.core.protection.ProtectedVm;
import dev.secondsite.core.protection.ProtectionState;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.samples.report.JobTimeline;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a drill did: the input a report writer takes (the jobs' timelines, the drill's steps and their wall times, the
 * configuration through the vault) and the figures its tests check.
 *
 * @param vault the vault after the restart: open while {@link DrillObserver#finished} runs, closed once
 *     {@link Drill#run} returned
 * @param store the vault's directory (deleted after the run when it was a temporary one)
 * @param endpoint the vault's HTTPS endpoint the providers used
 * @param topology what was paired, protected and failed over
 * @param settings the pairing's replication settings
 * @param steps the drill's jobs in the order it ran them, each with the wall time the drill waited for it
 * @param jobs every job the vault holds at the end (those before the restart included), oldest first
 * @param vms the protected VMs at the end
 * @param vaultRestarted true once the vault was closed and opened again from its store in the middle of the drill
 * @param resumedActions the comments the drill resumed manual actions with, one per resume
 * @param scriptRuns how many times the plan's script ran on a VMM server (as the providers' script runners saw it)
 * @param commandsSent the commands the vault sent to hosts, retries included (the tasks' {@code commandsSent})
 * @param commandSteps the host command, probe and wait steps of every job's tasks: each sent once at least
 * @param transientFailures the commands a host answered with a transient failure (each retried by the engine)
 * @param wall how long the drill took, from creating the vault to the last check
 * @param timelines the timeline of every job, as the drill's {@code JobRecorder} heard them (labelled with the
 *     drill's step names), in the order they were created: what the report and the jobs table show
 */
public record DrillResult(Vault vault, Path store, URI endpoint, DrillTopology topology, ReplicationSettings settings,
                          List<DrillStep> steps, List<Job> jobs, List<ProtectedVm> vms, boolean vaultRestarted,
                          List<String> resumedActions, int scriptRuns, long commandsSent, long commandSteps,
                          long transientFailures, Duration wall, List<JobTimeline> timelines) {
    public DrillResult {
        timelines = List.copyOf(timelines);
        steps = List.copyOf(steps);
        jobs = List.copyOf(jobs);
        vms = List.copyOf(vms);
        resumedActions = List.copyOf(resumedActions);
    }

    /** True when every job the vault holds SUCCEEDED. */
    public boolean allJobsSucceeded() {
        return !jobs.isEmpty() && jobs.stream().allMatch(j -> j.state() == JobState.SUCCEEDED);
    }

    /** True when every VM of the topology is PROTECTED and running on the primary site. */
    public boolean allVmsBackHomeAndProtected() {
        return vms.size() == topology.allVms().size() && vms.stream().allMatch(
                vm -> vm.state() == ProtectionState.PROTECTED && vm.activeLocation() == ActiveLocation.PRIMARY);
    }

    /**
     * One step of the drill that ran as a job.
     *
     * @param name what the drill called it, e.g. "Planned failover to vmm-b"
     * @param job the job as it ended
     * @param waited how long the drill waited for it (manual actions included)
     */
    public record DrillStep(String name, Job job, Duration waited) {
    }
}
