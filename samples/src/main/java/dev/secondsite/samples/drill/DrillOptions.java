package dev.secondsite.samples.drill;

import dev.secondsite.samples.console.ConsoleProgress;
import java.nio.file.Path;
import java.time.Duration;
import javax.annotation.Nullable;

/**
 * What one drill run is asked to do.
 *
 * @param vms how many VMs the simulated primary site holds, split into three tiers (database, application, web);
 *     3 to 10,000 (ignored by a real drill, whose sites file names its VMs)
 * @param seed drives the simulated VMs' ids and hosts and the injected faults: the same seed gives the same run
 * @param faultRate the probability that a WinRM session to a simulated Hyper-V host fails transiently (the engine
 *     retries it), 0 to 0.5
 * @param store the vault's directory (the journal under {@code vault/}, the HTTPS transport's CA under {@code ca/});
 *     null for a fresh temporary directory, deleted after the run
 * @param report where the drill writes its HTML report ({@link DrillReportWriter}) when it passed, or null for none
 * @param jobTimeout how long the drill waits for one job before it gives up
 * @param progress how the drill shows its jobs' progress and its own lines ({@link ConsoleProgress.Mode}: in place on
 *     a terminal, plain lines otherwise)
 */
public record DrillOptions(int vms, long seed, double faultRate, @Nullable Path store, @Nullable Path report,
                           Duration jobTimeout, ConsoleProgress.Mode progress) {
    public static final int DEFAULT_VMS = 12;
    public static final int MIN_VMS = 3;
    public static final int MAX_VMS = 10_000;
    public static final double MAX_FAULT_RATE = 0.5;

    /**
     * @throws DrillException naming the field and the value when one is out of range
     */
    public DrillOptions {
        if (vms < MIN_VMS || vms > MAX_VMS) {
            throw new DrillException("--vms (" + vms + ") must be between " + MIN_VMS + " and " + MAX_VMS
                    + " (three tiers of at least one VM)");
        }
        if (!(faultRate >= 0 && faultRate <= MAX_FAULT_RATE)) {
            throw new DrillException("--fault-rate (" + faultRate + ") must be between 0 and " + MAX_FAULT_RATE);
        }
        if (jobTimeout == null || jobTimeout.isNegative() || jobTimeout.isZero()) {
            throw new DrillException("jobTimeout (" + jobTimeout + ") must be positive");
        }
        if (progress == null) {
            throw new DrillException("progress (null) must be a ConsoleProgress.Mode");
        }
    }

    /**
     * The defaults: 12 VMs, seed 1, no faults, a temporary store, no report, 10 minutes per job, progress in place
     * on a terminal ({@link ConsoleProgress.Mode#AUTO}).
     */
    public static DrillOptions defaults() {
        return new DrillOptions(DEFAULT_VMS, 1, 0, null, null, Duration.ofMinutes(10), ConsoleProgress.Mode.AUTO);
    }

    public DrillOptions withVms(int count) {
        return new DrillOptions(count, seed, faultRate, store, report, jobTimeout, progress);
    }

    public DrillOptions withFaultRate(double rate) {
        return new DrillOptions(vms, seed, rate, store, report, jobTimeout, progress);
    }

    public DrillOptions withStore(@Nullable Path dir) {
        return new DrillOptions(vms, seed, faultRate, dir, report, jobTimeout, progress);
    }

    public DrillOptions withReport(@Nullable Path file) {
        return new DrillOptions(vms, seed, faultRate, store, file, jobTimeout, progress);
    }

    public DrillOptions withProgress(ConsoleProgress.Mode mode) {
        return new DrillOptions(vms, seed, faultRate, store, report, jobTimeout, mode);
    }
}
