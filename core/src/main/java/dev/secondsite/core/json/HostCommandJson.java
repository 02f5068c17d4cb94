package dev.secondsite.core.json;

import dev.secondsite.core.InvalidDocumentException;

import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.RecoveryPoint;
import dev.secondsite.core.spi.RecoveryPointChoice;
import dev.secondsite.core.spi.TestNetwork;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The journal form of host commands and their results ({@link JobEventJson}): each record is an object with a
 * {@code "type"} naming it and one field per record component, under the component's name. The type names are
 * written out here rather than taken from the classes, so that renaming a class cannot change what the journal
 * holds. Replication settings use {@link ProtectionJson}'s form, so a pairing reads the same in both documents.
 *
 * <p>Stateless and thread-safe.
 */
final class HostCommandJson {
    private static final List<String> COMMANDS = List.of("ConfigureReplicaServer", "EnableReplication",
            "StartInitialReplication", "ImportInitialReplication", "PrepareFailover", "Failover", "TestFailover",
            "CleanupTestFailover", "CancelFailover", "CompleteFailover", "ReverseReplication", "StartVm", "StopVm",
            "DisableReplication", "GetReplicationStatus", "ListRecoveryPoints", "ConnectNetworkAdapter", "RunScript");
    private static final List<String> CHOICES = List.of("Latest", "LatestAppConsistent", "Chosen");
    private static final List<String> NETWORKS = List.of("None", "Existing", "Isolated");
    private static final List<String> OUTPUTS = List.of("ReplicationStatus", "RecoveryPoints", "ScriptOutput");

    private HostCommandJson() {
    }

    static void writeRequest(JobEventJsonOut o, CommandRequest r) {
        o.text("idempotencyKey", r.idempotencyKey()).text("serverId", r.serverId()).text("host", r.host())
                .object("command", r.command(), HostCommandJson::writeCommand);
    }

    static CommandRequest readRequest(JsonIn in) {
        String key = in.text("idempotencyKey");
        String serverId = in.text("serverId");
        String host = in.text("host");
        HostCommand command = in.object("command", HostCommandJson::readCommand);
        return in.build(() -> new CommandRequest(key, serverId, host, command));
    }

    static void writeCommand(JobEventJsonOut o, HostCommand command) {
        if (command instanceof HostCommand.ConfigureReplicaServer c) {
            o.text("type", "ConfigureReplicaServer").object("settings", c.settings(), HostCommandJson::settings);
        } else if (command instanceof HostCommand.EnableReplication c) {
            vm(o, "EnableReplication", c.vmId(), c.vmName()).text("replicaServer", c.replicaServer())
                    .object("settings", c.settings(), HostCommandJson::settings);
        } else if (command instanceof HostCommand.StartInitialReplication c) {
            vm(o, "StartInitialReplication", c.vmId(), c.vmName())
                    .object("method", c.method(), HostCommandJson::method)
                    .optInstant("startAt", c.startAt());
        } else if (command instanceof HostCommand.ImportInitialReplication c) {
            vm(o, "ImportInitialReplication", c.vmId(), c.vmName()).text("path", c.path());
        } else if (command instanceof HostCommand.PrepareFailover c) {
            vm(o, "PrepareFailover", c.vmId(), c.vmName());
        } else if (command instanceof HostCommand.Failover c) {
            vm(o, "Failover", c.vmId(), c.vmName()).object("recoveryPoint", c.recoveryPoint(), HostCommandJson::choice);
        } else if (command instanceof HostCommand.TestFailover c) {
            vm(o, "TestFailover", c.vmId(), c.vmName())
                    .object("recoveryPoint", c.recoveryPoint(), HostCommandJson::choice)
                    .object("network", c.network(), HostCommandJson::network);
        } else if (command instanceof HostCommand.CleanupTestFailover c) {
            vm(o, "CleanupTestFailover", c.vmId(), c.vmName());
        } else if (command instanceof HostCommand.CancelFailover c) {
            vm(o, "CancelFailover", c.vmId(), c.vmName());
        } else if (command instanceof HostCommand.CompleteFailover c) {
            vm(o, "CompleteFailover", c.vmId(), c.vmName());
        } else if (command instanceof HostCommand.ReverseReplication c) {
            vm(o, "ReverseReplication", c.vmId(), c.vmName()).text("newReplicaServer", c.newReplicaServer())
                    .object("settings", c.settings(), HostCommandJson::settings);
        } else if (command instanceof HostCommand.StartVm c) {
            vm(o, "StartVm", c.vmId(), c.vmName()).bool("testVm", c.testVm());
        } else if (command instanceof HostCommand.StopVm c) {
            vm(o, "StopVm", c.vmId(), c.vmName()).bool("turnOff", c.turnOff());
        } else if (command instanceof HostCommand.DisableReplication c) {
            vm(o, "DisableReplication", c.vmId(), c.vmName()).bool("deleteReplica", c.deleteReplica());
        } else if (command instanceof HostCommand.GetReplicationStatus c) {
            vm(o, "GetReplicationStatus", c.vmId(), c.vmName());
        } else if (command instanceof HostCommand.ListRecoveryPoints c) {
            vm(o, "ListRecoveryPoints", c.vmId(), c.vmName());
        } else if (command instanceof HostCommand.ConnectNetworkAdapter c) {
            vm(o, "ConnectNetworkAdapter", c.vmId(), c.vmName()).text("adapter", c.adapter())
                    .optText("network", c.network()).bool("testVm", c.testVm());
        } else if (command instanceof HostCommand.RunScript c) {
            o.text("type", "RunScript").text("path", c.path()).duration("timeout", c.timeout());
        } else {
            throw new IllegalArgumentException("no journal form for " + command.getClass().getName());
        }
    }

    private static JobEventJsonOut vm(JobEventJsonOut o, String type, String vmId, String vmName) {
        return o.text("type", type).text("vmId", vmId).text("vmName", vmName);
    }

    static void settings(JobEventJsonOut o, HostCommand.ReplicationParameters p) {
        o.integer("copyFrequencySeconds", p.copyFrequencySeconds())
                .integer("additionalRecoveryPoints", p.additionalRecoveryPoints())
                .integer("appConsistentFrequencyHours", p.appConsistentFrequencyHours())
                .bool("compression", p.compression()).enumValue("authentication", p.authentication())
                .integer("port", p.port());
    }

    private static HostCommand.ReplicationParameters readSettings(JsonIn in) {
        return in.build(() -> new HostCommand.ReplicationParameters(in.integer("copyFrequencySeconds"),
                in.integer("additionalRecoveryPoints"), in.integer("appConsistentFrequencyHours"),
                in.bool("compression"), in.enumValue("authentication", HostCommand.AuthenticationType.class),
                in.integer("port")));
    }

    private static void method(JobEventJsonOut o, HostCommand.InitialReplicationMethod m) {
        if (m instanceof HostCommand.InitialReplicationMethod.OverNetworkScheduled at) {
            o.text("type", "OverNetworkScheduled").text("startTime", at.startTime().toString());
        } else if (m instanceof HostCommand.InitialReplicationMethod.Offline off) {
            o.text("type", "Offline").text("exportPath", off.exportPath()).text("importPath", off.importPath());
        } else {
            o.text("type", "OverNetworkNow");
        }
    }

    private static HostCommand.InitialReplicationMethod readMethod(JsonIn in) {
        String type = in.text("type");
        return switch (type) {
            case "OverNetworkNow" -> new HostCommand.InitialReplicationMethod.OverNetworkNow();
            case "OverNetworkScheduled" -> {
                String time = in.text("startTime");
                try {
                    LocalTime at = LocalTime.parse(time);
                    yield in.build(() -> new HostCommand.InitialReplicationMethod.OverNetworkScheduled(at));
                } catch (DateTimeParseException e) {
                    throw in.error("startTime", "'startTime' must be a time of day like 02:00, was '" + time + "'");
                }
            }
            case "Offline" -> in.build(() -> new HostCommand.InitialReplicationMethod.Offline(in.text("exportPath"),
                    in.text("importPath")));
            default -> throw unknownType(in, type, List.of("OverNetworkNow", "OverNetworkScheduled", "Offline"));
        };
    }

    static HostCommand readCommand(JsonIn in) {
        String type = in.text("type");
        return switch (type) {
            case "ConfigureReplicaServer" -> {
                HostCommand.ReplicationParameters settings = in.object("settings", HostCommandJson::readSettings);
                yield in.build(() -> new HostCommand.ConfigureReplicaServer(settings));
            }
            case "EnableReplication" -> {
                HostCommand.ReplicationParameters settings = in.object("settings", HostCommandJson::readSettings);
                yield in.build(() -> new HostCommand.EnableReplication(in.text("vmId"), in.text("vmName"),
                        in.text("replicaServer"), settings));
            }
            case "StartInitialReplication" -> {
                HostCommand.InitialReplicationMethod method = in.object("method", HostCommandJson::readMethod);
                yield in.build(() -> new HostCommand.StartInitialReplication(in.text("vmId"), in.text("vmName"),
                        method, in.optInstant("startAt")));
            }
            case "ImportInitialReplication" -> in.build(() -> new HostCommand.ImportInitialReplication(
                    in.text("vmId"), in.text("vmName"), in.text("path")));
            case "PrepareFailover" -> in.build(() -> new HostCommand.PrepareFailover(in.text("vmId"),
                    in.text("vmName")));
            case "Failover" -> {
                RecoveryPointChoice point = in.object("recoveryPoint", HostCommandJson::readChoice);
                yield in.build(() -> new HostCommand.Failover(in.text("vmId"), in.text("vmName"), point));
            }
            case "TestFailover" -> {
                RecoveryPointChoice point = in.object("recoveryPoint", HostCommandJson::readChoice);
                TestNetwork network = in.object("network", HostCommandJson::readNetwork);
                yield in.build(() -> new HostCommand.TestFailover(in.text("vmId"), in.text("vmName"), point,
                        network));
            }
            case "CleanupTestFailover" -> in.build(() -> new HostCommand.CleanupTestFailover(in.text("vmId"),
                    in.text("vmName")));
            case "CancelFailover" -> in.build(() -> new HostCommand.CancelFailover(in.text("vmId"),
                    in.text("vmName")));
            case "CompleteFailover" -> in.build(() -> new HostCommand.CompleteFailover(in.text("vmId"),
                    in.text("vmName")));
            case "ReverseReplication" -> {
                HostCommand.ReplicationParameters settings = in.object("settings", HostCommandJson::readSettings);
                yield in.build(() -> new HostCommand.ReverseReplication(in.text("vmId"), in.text("vmName"),
                        in.text("newReplicaServer"), settings));
            }
            case "StartVm" -> in.build(() -> new HostCommand.StartVm(in.text("vmId"), in.text("vmName"),
                    in.bool("testVm")));
            case "StopVm" -> in.build(() -> new HostCommand.StopVm(in.text("vmId"), in.text("vmName"),
                    in.bool("turnOff")));
            case "DisableReplication" -> in.build(() -> new HostCommand.DisableReplication(in.text("vmId"),
                    in.text("vmName"), in.bool("deleteReplica")));
            case "GetReplicationStatus" -> in.build(() -> new HostCommand.GetReplicationStatus(in.text("vmId"),
                    in.text("vmName")));
            case "ListRecoveryPoints" -> in.build(() -> new HostCommand.ListRecoveryPoints(in.text("vmId"),
                    in.text("vmName")));
            case "ConnectNetworkAdapter" -> in.build(() -> new HostCommand.ConnectNetworkAdapter(in.text("vmId"),
                    in.text("vmName"), in.text("adapter"), in.optText("network"), in.bool("testVm")));
            case "RunScript" -> in.build(() -> new HostCommand.RunScript(in.text("path"), in.duration("timeout")));
            default -> throw unknownType(in, type, COMMANDS);
        };
    }

    private static void choice(JobEventJsonOut o, RecoveryPointChoice choice) {
        if (choice instanceof RecoveryPointChoice.Chosen c) {
            o.text("type", "Chosen").text("id", c.id());
        } else if (choice instanceof RecoveryPointChoice.LatestAppConsistent) {
            o.text("type", "LatestAppConsistent");
        } else if (choice instanceof RecoveryPointChoice.Latest) {
            o.text("type", "Latest");
        } else {
            throw new IllegalArgumentException("no journal form for " + choice.getClass().getName());
        }
    }

    private static RecoveryPointChoice readChoice(JsonIn in) {
        String type = in.text("type");
        return switch (type) {
            case "Latest" -> RecoveryPointChoice.latest();
            case "LatestAppConsistent" -> RecoveryPointChoice.latestAppConsistent();
            case "Chosen" -> in.build(() -> RecoveryPointChoice.of(in.text("id")));
            default -> throw unknownType(in, type, CHOICES);
        };
    }

    private static void network(JobEventJsonOut o, TestNetwork network) {
        if (network instanceof TestNetwork.Existing e) {
            o.text("type", "Existing").text("vmNetwork", e.vmNetwork());
        } else if (network instanceof TestNetwork.Isolated i) {
            o.text("type", "Isolated").text("name", i.name());
        } else if (network instanceof TestNetwork.None) {
            o.text("type", "None");
        } else {
            throw new IllegalArgumentException("no journal form for " + network.getClass().getName());
        }
    }

    private static TestNetwork readNetwork(JsonIn in) {
        String type = in.text("type");
        return switch (type) {
            case "None" -> TestNetwork.none();
            case "Existing" -> in.build(() -> TestNetwork.existing(in.text("vmNetwork")));
            case "Isolated" -> in.build(() -> TestNetwork.isolated(in.text("name")));
            default -> throw unknownType(in, type, NETWORKS);
        };
    }

    static void writeResult(JobEventJsonOut o, CommandResult result) {
        o.enumValue("outcome", result.outcome()).text("message", result.message())
                .optObject("output", result.output(), HostCommandJson::output);
    }

    static CommandResult readResult(JsonIn in) {
        CommandResult.Outcome outcome = in.enumValue("outcome", CommandResult.Outcome.class);
        String message = in.text("message");
        CommandOutput output = in.optObject("output", HostCommandJson::readOutput);
        return in.build(() -> new CommandResult(outcome, message, output));
    }

    private static void output(JobEventJsonOut o, CommandOutput output) {
        if (output instanceof CommandOutput.ReplicationStatus s) {
            o.text("type", "ReplicationStatus").text("state", s.state()).text("health", s.health())
                    .optInstant("lastReplicationTime", s.lastReplicationTime());
        } else if (output instanceof CommandOutput.RecoveryPoints p) {
            o.text("type", "RecoveryPoints").list("points", p.points(), (out, point) -> out.text("id", point.id())
                    .instant("createdAt", point.createdAt()).bool("appConsistent", point.appConsistent()));
        } else if (output instanceof CommandOutput.ScriptOutput s) {
            o.text("type", "ScriptOutput").integer("exitCode", s.exitCode()).text("stdout", s.stdout())
                    .text("stderr", s.stderr());
        } else {
            throw new IllegalArgumentException("no journal form for " + output.getClass().getName());
        }
    }

    private static CommandOutput readOutput(JsonIn in) {
        String type = in.text("type");
        return switch (type) {
            case "ReplicationStatus" -> in.build(() -> new CommandOutput.ReplicationStatus(in.text("state"),
                    in.text("health"), in.optInstant("lastReplicationTime")));
            case "RecoveryPoints" -> {
                List<RecoveryPoint> points = in.list("points", p -> p.build(() -> new RecoveryPoint(p.text("id"),
                        p.instant("createdAt"), p.bool("appConsistent"))));
                yield in.build(() -> new CommandOutput.RecoveryPoints(points));
            }
            case "ScriptOutput" -> in.build(() -> new CommandOutput.ScriptOutput(in.integer("exitCode"),
                    in.text("stdout"), in.text("stderr")));
            default -> throw unknownType(in, type, OUTPUTS);
        };
    }

    /** The error for a {@code "type"} this release does not know, listing the ones it does. */
    static InvalidDocumentException unknownType(JsonIn in, String type, List<String> known) {
        return in.error("type", "'type' must be one of " + known + ", was '" + type + "'");
    }
}
