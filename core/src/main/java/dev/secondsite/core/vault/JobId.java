package dev.secondsite.core.vault;

import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;

/**
 * The id of a job (J1), as every operation that starts one returns it inside its {@link JobHandle}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the id's text, as jobs and their exported history carry it
 */
public record JobId(String value) {
    /** @throws dev.secondsite.core.InvalidConfigurationException (INPUT) when blank */
    public JobId {
        Checks.text(Rule.INPUT, "job", "jobId", value);
    }

    public static JobId of(String value) {
        return new JobId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
