package dev.secondsite.core.vault;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.secondsite.core.internal.Checks;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.job.ConfigChange;
import dev.secondsite.core.job.JobEvent;
import dev.secondsite.core.job.JobSummary;
import dev.secondsite.core.plan.RecoveryPlan;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What a durable vault writes to its {@link dev.secondsite.core.spi.StateStore}: every change of its configuration,
 * every job event, and snapshots. Replaying them in order rebuilds the vault exactly (J3).
 *
 * <p>These records live only in the vault's own store. Unlike exported documents they hold what the vault needs to
 * go on after a restart, secrets included: the key-signing secret and proxy passwords. Keep the store's directory
 * readable by the vault's account only.
 *
 * <p>Every implementation is an immutable record and thread-safe.
 */
public sealed interface VaultRecord {

    /** The vault was created. */
    record Created(VaultInfo info, byte[] signingSecret) implements VaultRecord {
        public Created {
            requireNonNull(info, "info");
            signingSecret = signingSecret.clone();
        }

        @Override
        public byte[] signingSecret() {
            return signingSecret.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Created c && c.info.equals(info) && java.util.Arrays.equals(c.signingSecret,
                    signingSecret);
        }

        @Override
        public int hashCode() {
            return info.hashCode();
        }

        @Override
        public String toString() {
            return "Created[" + info + ", signingSecret ****]";
        }
    }

    /** A server registered (R5) or synced again (its record and reported inventory replaced). */
    record ServerSaved(RegisteredServer server, Site inventory) implements VaultRecord {
        public ServerSaved {
            requireNonNull(server, "server");
            requireNonNull(inventory, "inventory");
        }
    }

    record ServerRemoved(String serverId) implements VaultRecord {
        public ServerRemoved {
            Checks.text("ServerRemoved", "serverId", serverId);
        }
    }

    /** K1: a registration key was revoked before its validity ended; it registers no more servers. */
    record KeyRevoked(String keyId, Instant at) implements VaultRecord {
        public KeyRevoked {
            Checks.text("KeyRevoked", "keyId", keyId);
            requireNonNull(at, "at");
        }
    }

    record PlanSaved(RecoveryPlan plan) implements VaultRecord {
        public PlanSaved {
            requireNonNull(plan, "plan");
        }
    }

    record PlanRemoved(String name) implements VaultRecord {
        public PlanRemoved {
            Checks.text("PlanRemoved", "name", name);
        }
    }

    /** A job step changed the configuration; {@code key} makes the change happen once (J3). */
    record Applied(String key, ConfigChange change) implements VaultRecord {
        public Applied {
            Checks.text("Applied", "key", key);
            requireNonNull(change, "change");
        }
    }

    /** One event of one job. */
    record JobRecorded(JobEvent event) implements VaultRecord {
        public JobRecorded {
            requireNonNull(event, "event");
        }
    }

    /**
     * Where a snapshot taken while jobs run cut the journal (J3): the snapshot stands for every record up to this
     * one, and the records after it are replayed on top. It changes nothing itself.
     */
    record Cut(Instant at) implements VaultRecord {
        public Cut {
            requireNonNull(at, "at");
        }
    }

    /**
     * Everything the records before it said: the configuration (with proxy passwords), the keys of applied steps of
     * the jobs kept whole, each such job's events, and the summaries of the jobs retention compacted (J4).
     */
    record Snapshot(Created vault, VaultConfiguration configuration, Set<String> appliedSteps,
                    List<List<JobEvent>> jobs, List<JobSummary> summaries) implements VaultRecord {
        public Snapshot {
            requireNonNull(vault, "vault");
            requireNonNull(configuration, "configuration");
            appliedSteps = ImmutableSet.copyOf(appliedSteps);
            jobs = jobs.stream().map(ImmutableList::copyOf).collect(ImmutableList.toImmutableList());
            summaries = ImmutableList.copyOf(summaries);
        }
    }
}
