package dev.secondsite.core.job;

import com.google.common.collect.ImmutableList;
import java.time.Instant;
import java.util.List;
import javax.annotation.Nullable;

/**
 * One task of a {@link Job} as it stands.
 *
 * @param id the task's id
 * @param name what it does
 * @param phase the name of the phase it belongs to
 * @param vmId its VM, or null
 * @param state its state
 * @param startedAt when it first started, or null
 * @param endedAt when it last ended, or null
 * @param completedSteps how many of its steps are done
 * @param totalSteps how many steps it has
 * @param commandsSent how many times a command of it was sent, retries included
 * @param notes remarks (warnings, skipped reasons, resume comments), oldest first
 * @param error why it failed, or null
 */
public record TaskStatus(String id, String name, String phase, @Nullable String vmId, TaskState state,
                         @Nullable Instant startedAt, @Nullable Instant endedAt, int completedSteps, int totalSteps,
                         int commandsSent, List<String> notes, @Nullable String error) {
    public TaskStatus {
        notes = ImmutableList.copyOf(notes);
    }
}
