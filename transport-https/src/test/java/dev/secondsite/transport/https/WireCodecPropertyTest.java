package dev.secondsite.transport.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.HostCommand.InitialReplicationMethod;
import dev.secondsite.core.spi.HostCommand.ReplicationParameters;
import dev.secondsite.core.spi.RecoveryPoint;
import dev.secondsite.core.spi.RecoveryPointChoice;
import dev.secondsite.core.spi.TestNetwork;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;

/**
 * The wire codec ({@link Wire}) on every {@link HostCommand} and {@link CommandResult} type: what one side writes,
 * the other reads back equal; and a damaged body reads as a value or the documented {@link Wire.MalformedException},
 * nothing else.
 */
class WireCodecPropertyTest {
    /** Non-blank text with quotes, backslashes, controls and non-ASCII characters (no surrogates). */
    private static final Gen<String> TEXT = strings().betweenCodePoints(1, 0xD7FF).ofLengthBetween(0, 12)
            .map(s -> "v" + s);
    private static final Gen<Instant> INSTANTS = longs().between(-10_000_000_000L, 100_000_000_000L)
            .zip(integers().between(0, 999_999_999), Instant::ofEpochSecond);
    private static final Gen<ReplicationParameters> PARAMETERS = in -> new ReplicationParameters(
            integers().between(1, 86_400).generate(in), integers().between(0, 24).generate(in),
            integers().between(0, 12).generate(in), booleans().all().generate(in),
            HostCommand.AuthenticationType.values()[integers().between(0,
                    HostCommand.AuthenticationType.values().length - 1).generate(in)],
            integers().between(1, 65_535).generate(in));
    private static final Gen<RecoveryPointChoice> CHOICES = in -> switch (integers().between(0, 2).generate(in)) {
        case 0 -> new RecoveryPointChoice.Latest();
        case 1 -> new RecoveryPointChoice.LatestAppConsistent();
        default -> new RecoveryPointChoice.Chosen(TEXT.generate(in));
    };
    private static final Gen<TestNetwork> NETWORKS = in -> switch (integers().between(0, 2).generate(in)) {
        case 0 -> new TestNetwork.None();
        case 1 -> new TestNetwork.Existing(TEXT.generate(in));
        default -> new TestNetwork.Isolated(TEXT.generate(in));
    };
    private static final Gen<InitialReplicationMethod> METHODS = in -> switch (integers().between(0, 3).generate(in)) {
        case 0 -> new InitialReplicationMethod.OverNetworkNow();
        case 1 -> new InitialReplicationMethod.OverNetworkScheduled(LocalTime.ofNanoOfDay(
                longs().between(0, 86_400L * 1_000_000_000L - 1).generate(in)));
        case 2 -> new InitialReplicationMethod.Offline(TEXT.generate(in), TEXT.generate(in));
        default -> new InitialReplicationMethod.UsingExistingReplica();
    };

    /** One generator per permitted HostCommand type, picked evenly. */
    static final Gen<HostCommand> COMMANDS = WireCodecPropertyTest::command;

    private static HostCommand command(RandomnessSource in) {
        String vm = TEXT.generate(in);
        String name = TEXT.generate(in);
        boolean flag = booleans().all().generate(in);
        return switch (integers().between(0, 19).generate(in)) {
            case 0 -> new HostCommand.ConfigureReplicaServer(PARAMETERS.generate(in));
            case 1 -> new HostCommand.EnableReplication(vm, name, TEXT.generate(in), PARAMETERS.generate(in));
            case 2 -> new HostCommand.StartInitialReplication(vm, name, METHODS.generate(in),
                    flag ? INSTANTS.generate(in) : null);
            case 3 -> new HostCommand.ImportInitialReplication(vm, name, TEXT.generate(in));
            case 4 -> new HostCommand.PrepareFailover(vm, name);
            case 5 -> new HostCommand.Failover(vm, name, CHOICES.generate(in));
            case 6 -> new HostCommand.TestFailover(vm, name, CHOICES.generate(in), NETWORKS.generate(in));
            case 7 -> new HostCommand.CleanupTestFailover(vm, name);
            case 8 -> new HostCommand.CancelFailover(vm, name);
            case 9 -> new HostCommand.CompleteFailover(vm, name);
            case 10 -> new HostCommand.ReverseReplication(vm, name, TEXT.generate(in), PARAMETERS.generate(in));
            case 11 -> new HostCommand.StartVm(vm, name, flag);
            case 12 -> new HostCommand.StopVm(vm, name, flag);
            case 13 -> new HostCommand.DisableReplication(vm, name, flag);
            case 14 -> new HostCommand.GetReplicationStatus(vm, name);
            case 15 -> new HostCommand.ListRecoveryPoints(vm, name);
            case 16 -> new HostCommand.ConnectNetworkAdapter(vm, name, TEXT.generate(in),
                    flag ? TEXT.generate(in) : null, booleans().all().generate(in));
            case 17 -> new HostCommand.RunScript(TEXT.generate(in), Duration.ofMillis(
                    longs().between(1, 1_000_000_000L).generate(in)));
            case 18 -> new HostCommand.EnableExistingReplica(vm, name, TEXT.generate(in));
            default -> new HostCommand.RunScript(TEXT.generate(in), Duration.ofNanos(
                    longs().between(1, Long.MAX_VALUE).generate(in)));
        };
    }

    private static final Gen<CommandOutput> OUTPUTS = in -> switch (integers().between(0, 2).generate(in)) {
        case 0 -> new CommandOutput.ReplicationStatus(TEXT.generate(in), TEXT.generate(in),
                booleans().all().generate(in) ? INSTANTS.generate(in) : null);
        case 1 -> {
            List<RecoveryPoint> points = new ArrayList<>();
            int n = integers().between(0, 5).generate(in);
            for (int i = 0; i < n; i++) {
                points.add(new RecoveryPoint(TEXT.generate(in), INSTANTS.generate(in), booleans().all().generate(in)));
            }
            yield new CommandOutput.RecoveryPoints(points);
        }
        default -> new CommandOutput.ScriptOutput(integers().all().generate(in), TEXT.generate(in),
                TEXT.generate(in));
    };

    /** Every outcome, with or without each kind of output. */
    static final Gen<CommandResult> RESULTS = in -> new CommandResult(
            CommandResult.Outcome.values()[integers().between(0, 2).generate(in)],
            strings().betweenCodePoints(1, 0xD7FF).ofLengthBetween(0, 40).generate(in),
            booleans().all().generate(in) ? OUTPUTS.generate(in) : null);

    private static final Gen<CommandRequest> REQUESTS = in -> new CommandRequest(TEXT.generate(in), TEXT.generate(in),
            TEXT.generate(in), command(in));

    @Test
    @DisplayName("T1 every HostCommand type in a poll's answer reads back equal to what the vault wrote")
    void commandsRoundTrip() {
        qt().withExamples(2000).forAll(REQUESTS).checkAssert(request -> {
            Wire.CommandsResponse sent = new Wire.CommandsResponse(Wire.VERSION, List.of(request));
            assertEquals(sent, Wire.read(Wire.write(sent), Wire.CommandsResponse.class));
        });
    }

    @Test
    @DisplayName("T1 every CommandResult outcome and output type in a results post reads back equal")
    void resultsRoundTrip() {
        qt().withExamples(2000).forAll(TEXT, RESULTS).checkAssert((key, result) -> {
            Wire.ResultsRequest sent = new Wire.ResultsRequest(Wire.VERSION, List.of(new Wire.ResultForm(key,
                    result)));
            assertEquals(sent, Wire.read(Wire.write(sent), Wire.ResultsRequest.class));
        });
    }

    @Test
    @DisplayName("the generators cover every permitted HostCommand, CommandOutput and nested choice type")
    void generatorsCoverEveryType() {
        Set<Class<?>> seen = new HashSet<>();
        qt().withExamples(3000).forAll(REQUESTS, RESULTS).checkAssert((request, result) -> {
            seen.add(request.command().getClass());
            if (request.command() instanceof HostCommand.TestFailover t) {
                seen.add(t.recoveryPoint().getClass());
                seen.add(t.network().getClass());
            }
            if (request.command() instanceof HostCommand.StartInitialReplication s) {
                seen.add(s.method().getClass());
            }
            if (result.output() != null) {
                seen.add(result.output().getClass());
            }
        });
        for (Class<?> sealed : List.of(HostCommand.class, CommandOutput.class, RecoveryPointChoice.class,
                TestNetwork.class, InitialReplicationMethod.class)) {
            Set<Class<?>> missing = new HashSet<>(Arrays.asList(sealed.getPermittedSubclasses()));
            missing.removeAll(seen);
            assertEquals(Set.of(), missing, sealed.getSimpleName() + " types never generated");
        }
    }

    @Test
    @DisplayName("T1 a damaged results body reads as a value or fails with MalformedException, nothing else")
    void damagedBodies() {
        qt().withExamples(2000).forAll(TEXT, RESULTS, integers().between(0, Integer.MAX_VALUE),
                integers().between(0, 127)).checkAssert((key, result, at, replacement) -> {
                    byte[] body = Wire.write(new Wire.ResultsRequest(Wire.VERSION, List.of(new Wire.ResultForm(key,
                            result))));
                    body[at % body.length] = (byte) replacement.intValue();
                    try {
                        Wire.ResultsRequest read = Wire.read(body, Wire.ResultsRequest.class);
                        assertEquals(Wire.ResultsRequest.class, read.getClass());
                    } catch (Wire.MalformedException e) {
                        assertEquals(true, e.getMessage().startsWith("the body"), e.getMessage());
                    }
                });
    }

    @Test
    @DisplayName("T1 a body cut short fails with MalformedException naming the type")
    void truncatedBody() {
        qt().withExamples(500).forAll(REQUESTS, integers().between(0, Integer.MAX_VALUE)).checkAssert((request, at) -> {
            byte[] body = Wire.write(new Wire.CommandsResponse(Wire.VERSION, List.of(request)));
            byte[] cut = Arrays.copyOf(body, at % body.length);
            try {
                Wire.read(cut, Wire.CommandsResponse.class);
                throw new AssertionError("read a cut body: " + new String(cut, StandardCharsets.UTF_8));
            } catch (Wire.MalformedException e) {
                assertEquals(true, e.getMessage().contains("CommandsResponse"), e.getMessage());
            }
        });
    }
}
