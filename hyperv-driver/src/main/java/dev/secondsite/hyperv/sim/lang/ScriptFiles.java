package dev.secondsite.hyperv.sim.lang;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import javax.annotation.Nullable;

/**
 * The script files a simulated computer holds, for {@code & <path>} (a plan's script action, RP8): looked up by the
 * computer the process runs on and the path exactly as written.
 *
 * <p>Implementations must be thread-safe: several processes look files up at once.
 */
@FunctionalInterface
public interface ScriptFiles {
    /** No script files anywhere. */
    ScriptFiles NONE = (computer, path) -> null;

    /** The file at {@code path} on {@code computerName}, or null when there is none. */
    @Nullable ScriptFile find(String computerName, String path);

    /**
     * One script file: its PowerShell text (of the subset) and how long it runs on the simulated clock, so a timeout
     * can be tried without waiting: a process whose scripts together run longer than its invocation's timeout is
     * killed before the script that crosses it runs.
     *
     * <p>Immutable and thread-safe.
     */
    record ScriptFile(String text, Duration runTime) {
        public ScriptFile {
            requireNonNull(text, "text");
            requireNonNull(runTime, "runTime");
            if (runTime.isNegative()) {
                throw new IllegalArgumentException("runTime (" + runTime + ") must not be negative");
            }
        }
    }
}
