package dev.secondsite.core.vault;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.secondsite.core.Finding;
import dev.secondsite.core.Rule;
import dev.secondsite.core.Severity;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.job.ConfigChange;
import dev.secondsite.core.job.EngineOptions;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobEffects;
import dev.secondsite.core.job.JobEngine;
import dev.secondsite.core.job.JobEvent;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobPreconditions;
import dev.secondsite.core.job.JobSpec;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.JobStateMachine;
import dev.secondsite.core.job.Phase;
import dev.secondsite.core.job.Step;
import dev.secondsite.core.job.TaskSpec;
import dev.secondsite.core.protection.Authentication;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.CopyFrequency;
import dev.secondsite.core.protection.InitialReplication;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.ProtectionOperation;
import dev.secondsite.core.protection.ProtectionOrigin;
import dev.secondsite.core.protection.ProtectionState;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.protection.StorageMapping;
import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.RecoveryPoint;
import dev.secondsite.core.spi.RecoveryPointChoice;
import dev.secondsite.core.spi.TestNetwork;
import dev.secondsite.core.spi.Transport;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.annotation.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Properties: random events (random specs with random steps and commands, random results) decode to equal events
 * and re-encode to the same bytes; a job rebuilt from decoded events equals the job rebuilt from the originals.
 */
class JournalCodecPropertyTest {
    /** Pieces of text that JSON must escape or encode with care. */
    private static final String[] PIECES = {"a", "Z", "7", " ", "-", "\u00e9", "\u4e2d", "\ud83d\ude00", "\"", "\\",
        "/", "~", "\n", "\t", "\u0000", "\u001f", "\u2028", "\ud800", "{}", "\\u0041"};

    @Test
    @DisplayName("J3 random events decode to equal events and re-encode to the same bytes")
    void randomEventsRoundTrip() {
        qt().withExamples(400).forAll(longs().all())
                .checkAssert(seed -> JournalCodecTest.assertRoundTrips(event(new Random(seed))));
    }

    @Test
    @DisplayName("J3 a job rebuilt from decoded events equals the job rebuilt from the events themselves")
    void randomHistoriesRebuildAlike() {
        qt().withExamples(100).forAll(longs().all()).checkAssert(seed -> {
            List<JobEvent> events = history(new Random(seed));
            List<JobEvent> decoded = events.stream().map(JournalCodec::encodeEvent).map(JournalCodec::decodeEvent).toList();
            assertEquals(Job.fromEvents(events), Job.fromEvents(decoded));
        });
    }

    @Test
    @DisplayName("J3 the journal of a job the engine ran rebuilds it, and another engine adopts it as it was")
    void engineJournalRebuilds() throws Exception {
        for (long seed = 1; seed <= 4; seed++) {
            Random r = new Random(seed);
            List<JobEvent> journal = new CopyOnWriteArrayList<>();
            JobSpec spec = engineSpec(r);
            Job ran;
            try (RandomTransport transport = new RandomTransport(seed);
                 JobEngine engine = engine(transport, journal)) {
                String id = engine.submit(spec);
                ran = engine.settled(id).get(20, TimeUnit.SECONDS);
            }
            List<JobEvent> decoded = journal.stream().map(JournalCodec::encodeEvent).map(JournalCodec::decodeEvent).toList();
            assertEquals(ran, Job.fromEvents(decoded), "seed " + seed);
            try (RandomTransport transport = new RandomTransport(seed);
                 JobEngine other = engine(transport, journal)) {
                assertEquals(ran, other.adopt(decoded), "seed " + seed);
            }
        }
    }

    private static JobEngine engine(Transport transport, List<JobEvent> journal) {
        JobEffects effects = new JobEffects() {
            @Override
            public String apply(String key, ConfigChange change) {
                return "applied " + change.describe();
            }

            @Override
            public boolean isFailedOver(String vmId) {
                return false;
            }
        };
        return JobEngine.builder(transport, effects).options(EngineOptions.builder().parallelism(2).maxAttempts(2)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(1)).build()).journal(journal::add).build();
    }

    /** A spec without manual steps, so that the engine runs it to its end. */
    private static JobSpec engineSpec(Random r) {
        List<Phase> phases = new ArrayList<>();
        int task = 0;
        int phaseCount = 1 + r.nextInt(3);
        for (int p = 0; p < phaseCount; p++) {
            List<TaskSpec> tasks = new ArrayList<>();
            int taskCount = 1 + r.nextInt(4);
            for (int t = 0; t < taskCount; t++) {
                List<Step> steps = new ArrayList<>();
                int stepCount = 1 + r.nextInt(4);
                for (int s = 0; s < stepCount; s++) {
                    steps.add(r.nextInt(4) == 0 ? new Step.Apply(change(r)) : r.nextInt(3) == 0
                            ? new Step.Probe(request(r, new HostCommand.GetReplicationStatus("vm-" + t, "vm")),
                            Duration.ofMinutes(r.nextInt(30)), r.nextBoolean())
                            : new Step.Command(request(r, command(r))));
                }
                tasks.add(new TaskSpec("t" + task++, "task " + task, r.nextBoolean() ? "vm-" + task : null, steps,
                        TaskSpec.OnFailure.values()[r.nextInt(2)], false));
            }
            phases.add(new Phase("phase " + p, tasks));
        }
        return new JobSpec(JobKind.PLANNED_FAILOVER, "plan Random", "Random", phases, List.of());
    }

    /** Answers every command at once with a random result. */
    private static final class RandomTransport implements Transport {
        private final Random random;

        RandomTransport(long seed) {
            this.random = new Random(seed);
        }

        @Override
        public CompletableFuture<CommandResult> send(CommandRequest request) {
            synchronized (random) {
                return CompletableFuture.completedFuture(random.nextInt(5) == 0 ? CommandResult.transientFailure("busy")
                        : random.nextInt(8) == 0 ? CommandResult.permanentFailure("refused") : result(random));
            }
        }

        @Override
        public boolean isConnected(String serverId) {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** Created, Started, then random events about the job's tasks, perhaps a restart, perhaps its end. */
    /** A random history that the job state table allows (J3: a journal holds no other). */
    private static List<JobEvent> history(Random r) {
        JobSpec spec = spec(r);
        List<JobEvent> events = new ArrayList<>();
        String job = text(r);
        Instant at = instant(r);
        events.add(new JobEvent.Created(job, at, spec));
        events.add(new JobEvent.Started(job, at.plusMillis(1)));
        JobState state = JobState.IN_PROGRESS;
        List<TaskSpec> tasks = spec.tasks();
        int count = r.nextInt(40);
        for (int i = 0; i < count; i++) {
            at = at.plusNanos(r.nextInt(1_000_000_000));
            JobEvent event;
            if (tasks.isEmpty()) {
                event = r.nextBoolean() ? new JobEvent.CancelRequested(job, at) : new JobEvent.Restarted(job, at);
            } else {
                TaskSpec task = tasks.get(r.nextInt(tasks.size()));
                event = taskEvent(r, job, at, task.id(), r.nextInt(task.steps().size()));
            }
            if (JobStateMachine.allows(state, JobStateMachine.Kind.of(event))) {
                state = JobStateMachine.next(job, state, event);
                events.add(event);
            }
        }
        JobEvent finished = new JobEvent.Finished(job, at.plusSeconds(1), JobState.values()[r.nextInt(6)], text(r));
        if (r.nextBoolean() && ((JobEvent.Finished) finished).state().isFinal()
                && JobStateMachine.allows(state, JobStateMachine.Kind.FINISHED)) {
            events.add(finished);
        }
        return events;
    }

    private static JobEvent event(Random r) {
        String job = text(r);
        Instant at = instant(r);
        return switch (r.nextInt(5)) {
            case 0 -> new JobEvent.Created(job, at, spec(r));
            case 1 -> new JobEvent.Started(job, at);
            case 2 -> new JobEvent.CancelRequested(job, at);
            case 3 -> new JobEvent.Restarted(job, at);
            default -> r.nextInt(4) == 0 ? new JobEvent.Finished(job, at, JobState.values()[r.nextInt(6)], text(r))
                    : taskEvent(r, job, at, text(r), r.nextInt());
        };
    }

    private static JobEvent taskEvent(Random r, String job, Instant at, String task, int step) {
        return switch (r.nextInt(11)) {
            case 0 -> new JobEvent.TaskStarted(job, at, task);
            case 1 -> new JobEvent.CommandSent(job, at, task, step, r.nextInt());
            case 2, 3 -> new JobEvent.CommandCompleted(job, at, task, step, r.nextInt(5), result(r));
            case 4 -> new JobEvent.StepCompleted(job, at, task, step, text(r));
            case 5 -> new JobEvent.TaskWaiting(job, at, task, text(r));
            case 6 -> new JobEvent.TaskResumed(job, at, task, step, text(r));
            case 7 -> new JobEvent.TaskNoted(job, at, task, Severity.values()[r.nextInt(2)], text(r));
            case 8 -> new JobEvent.TaskSucceeded(job, at, task);
            case 9 -> new JobEvent.TaskSkipped(job, at, task, text(r));
            default -> new JobEvent.TaskFailed(job, at, task, text(r));
        };
    }

    private static JobSpec spec(Random r) {
        List<Phase> phases = new ArrayList<>();
        int task = 0;
        int phaseCount = r.nextInt(4);
        for (int p = 0; p < phaseCount; p++) {
            List<TaskSpec> tasks = new ArrayList<>();
            int taskCount = r.nextInt(4);
            for (int t = 0; t < taskCount; t++) {
                List<Step> steps = new ArrayList<>();
                int stepCount = 1 + r.nextInt(5);
                for (int s = 0; s < stepCount; s++) {
                    steps.add(step(r));
                }
                tasks.add(new TaskSpec(task++ + name(r), name(r), nullable(r, name(r)), steps,
                        TaskSpec.OnFailure.values()[r.nextInt(2)], r.nextBoolean()));
            }
            phases.add(new Phase(name(r), tasks));
        }
        List<Finding> warnings = new ArrayList<>();
        int warningCount = r.nextInt(3);
        for (int w = 0; w < warningCount; w++) {
            warnings.add(new Finding(Rule.values()[r.nextInt(Rule.values().length)],
                    Severity.values()[r.nextInt(2)], text(r), text(r), nullable(r, text(r)), text(r)));
        }
        return new JobSpec(JobKind.values()[r.nextInt(JobKind.values().length)], name(r), nullable(r, text(r)),
                phases, warnings, nullable(r, preconditions(r)));
    }

    /** J6: random VM states and a random (or no) plan fingerprint. */
    private static JobPreconditions preconditions(Random r) {
        Map<String, ProtectionState> states = new LinkedHashMap<>();
        int count = r.nextInt(4);
        for (int i = 0; i < count; i++) {
            states.put(name(r), ProtectionState.values()[r.nextInt(ProtectionState.values().length)]);
        }
        return JobPreconditions.of(states, nullable(r, name(r)));
    }

    private static Step step(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> new Step.Command(request(r, command(r)));
            case 1 -> new Step.Probe(request(r, command(r)), duration(r), r.nextBoolean());
            case 2 -> new Step.Apply(change(r));
            default -> new Step.Manual(name(r));
        };
    }

    private static CommandRequest request(Random r, HostCommand command) {
        return new CommandRequest(name(r), name(r), name(r), command);
    }

    private static HostCommand command(Random r) {
        String id = name(r);
        String vm = name(r);
        return switch (r.nextInt(19)) {
            case 17 -> new HostCommand.EnableExistingReplica(id, vm, name(r));
            case 0 -> new HostCommand.ConfigureReplicaServer(HostCommandMapping.parameters(settings(r)));
            case 1 -> new HostCommand.EnableReplication(id, vm, name(r), HostCommandMapping.parameters(settings(r)));
            case 2 -> new HostCommand.StartInitialReplication(id, vm, HostCommandMapping.method(initial(r)), nullable(r, instant(r)));
            case 3 -> new HostCommand.ImportInitialReplication(id, vm, name(r));
            case 4 -> new HostCommand.PrepareFailover(id, vm);
            case 5 -> new HostCommand.Failover(id, vm, choice(r));
            case 6 -> new HostCommand.TestFailover(id, vm, choice(r), switch (r.nextInt(3)) {
                case 0 -> TestNetwork.none();
                case 1 -> TestNetwork.existing(name(r));
                default -> TestNetwork.isolated(name(r));
            });
            case 7 -> new HostCommand.CleanupTestFailover(id, vm);
            case 8 -> new HostCommand.CancelFailover(id, vm);
            case 9 -> new HostCommand.CompleteFailover(id, vm);
            case 10 -> new HostCommand.ReverseReplication(id, vm, name(r), HostCommandMapping.parameters(settings(r)));
            case 11 -> new HostCommand.StartVm(id, vm, r.nextBoolean());
            case 12 -> new HostCommand.StopVm(id, vm, r.nextBoolean());
            case 13 -> new HostCommand.DisableReplication(id, vm, r.nextBoolean());
            case 14 -> new HostCommand.GetReplicationStatus(id, vm);
            case 15 -> new HostCommand.ListRecoveryPoints(id, vm);
            case 16 -> new HostCommand.ConnectNetworkAdapter(id, vm, name(r), nullable(r, text(r)), r.nextBoolean());
            default -> new HostCommand.RunScript(name(r), duration(r));
        };
    }

    private static RecoveryPointChoice choice(Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> RecoveryPointChoice.latest();
            case 1 -> RecoveryPointChoice.latestAppConsistent();
            default -> RecoveryPointChoice.of(name(r));
        };
    }

    private static ConfigChange change(Random r) {
        CloudRef cloud = new CloudRef(name(r), name(r));
        return switch (r.nextInt(11)) {
            case 0 -> new ConfigChange.Pair(new CloudPairing(cloud, new CloudRef("x" + name(r), name(r)),
                    settings(r)));
            case 1 -> new ConfigChange.EditPairing(new CloudPairing(cloud, new CloudRef(cloud.serverId(),
                    cloud.cloud() + "2"), settings(r)));
            case 2 -> new ConfigChange.Unpair(cloud);
            case 3 -> new ConfigChange.MapNetwork(new NetworkMapping(name(r), name(r), name(r), name(r)));
            case 4 -> new ConfigChange.UnmapNetwork(name(r), name(r));
            case 5 -> new ConfigChange.MapStorage(new StorageMapping(name(r), name(r), name(r), name(r)));
            case 6 -> new ConfigChange.UnmapStorage(name(r), name(r));
            case 7 -> new ConfigChange.Protect(cloud, name(r), ProtectionOrigin.values()[r.nextInt(2)], name(r));
            case 8 -> new ConfigChange.Onboard(cloud, name(r));
            case 9 -> new ConfigChange.Unprotect(name(r));
            default -> new ConfigChange.Transition(name(r),
                    ProtectionOperation.values()[r.nextInt(ProtectionOperation.values().length)], nullable(r, text(r)));
        };
    }

    private static ReplicationSettings settings(Random r) {
        int points = r.nextInt(25);
        ReplicationSettings.Builder b = ReplicationSettings.builder()
                .copyFrequency(CopyFrequency.values()[r.nextInt(3)]).additionalRecoveryPoints(points)
                .appConsistentFrequencyHours(points == 0 ? 0 : r.nextInt(Math.min(points, 13)))
                .compression(r.nextBoolean()).deleteReplicaOnDisable(r.nextBoolean())
                .authentication(Authentication.values()[r.nextInt(2)]).initialReplication(initial(r));
        if (r.nextBoolean()) {
            b.port(1 + r.nextInt(65535));
        }
        return b.build();
    }

    private static InitialReplication initial(Random r) {
        return switch (r.nextInt(4)) {
            case 3 -> InitialReplication.usingExistingReplica();
            case 0 -> InitialReplication.overNetworkAt(LocalTime.ofNanoOfDay((long) (r.nextDouble() * 86_399e9)));
            case 1 -> InitialReplication.offline("D:\\export\\" + r.nextInt(100), "\\\\nas-" + r.nextInt(9)
                    + "\\import");
            default -> InitialReplication.overNetworkNow();
        };
    }

    private static CommandResult result(Random r) {
        CommandOutput output = switch (r.nextInt(4)) {
            case 0 -> new CommandOutput.ReplicationStatus(text(r), text(r), nullable(r, instant(r)));
            case 1 -> {
                List<RecoveryPoint> points = new ArrayList<>();
                int count = r.nextInt(4);
                for (int i = 0; i < count; i++) {
                    points.add(new RecoveryPoint(name(r), instant(r), r.nextBoolean()));
                }
                yield new CommandOutput.RecoveryPoints(points);
            }
            case 2 -> new CommandOutput.ScriptOutput(r.nextInt(), text(r), text(r));
            default -> null;
        };
        return new CommandResult(CommandResult.Outcome.values()[r.nextInt(3)], text(r), output);
    }

    /** Any text, blank or not. */
    private static String text(Random r) {
        StringBuilder b = new StringBuilder();
        int count = r.nextInt(8);
        for (int i = 0; i < count; i++) {
            b.append(PIECES[r.nextInt(PIECES.length)]);
        }
        return b.toString();
    }

    /** A text that is not blank, for values that must name something. */
    private static String name(Random r) {
        return "n" + text(r);
    }

    private static <T> @Nullable T nullable(Random r, T value) {
        return r.nextInt(3) == 0 ? null : value;
    }

    /** From about the year -30000 to 30000, at nanosecond precision. */
    private static Instant instant(Random r) {
        return Instant.ofEpochSecond((long) ((r.nextDouble() - 0.5) * 2e12), r.nextInt(1_000_000_000));
    }

    private static Duration duration(Random r) {
        return Duration.ofSeconds(r.nextInt(4) == 0 ? r.nextLong() / 1000 : r.nextInt(100_000) - 100,
                r.nextInt(4) == 0 ? r.nextInt(1_000_000_000) : 0);
    }
}
