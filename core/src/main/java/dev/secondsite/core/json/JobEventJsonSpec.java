package dev.secondsite.core.json;

import dev.secondsite.core.Finding;
import dev.secondsite.core.Rule;
import dev.secondsite.core.Severity;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.job.ConfigChange;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobSpec;
import dev.secondsite.core.job.Phase;
import dev.secondsite.core.job.Step;
import dev.secondsite.core.job.TaskSpec;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.ProtectionOperation;
import dev.secondsite.core.protection.ProtectionOrigin;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.protection.StorageMapping;
import dev.secondsite.core.spi.CommandRequest;
import java.util.List;

/**
 * The journal form of a {@link JobSpec} ({@link JobEventJson}): phases, tasks, steps and the configuration changes
 * they apply. Pairings, clouds, mappings and settings use {@link ProtectionJson}'s field names, so they read the
 * same here as in the configuration document.
 *
 * <p>Stateless and thread-safe.
 */
final class JobEventJsonSpec {
    private static final List<String> STEPS = List.of("Command", "Probe", "WaitUntil", "Apply", "Manual");
    private static final List<String> CHANGES = List.of("Pair", "EditPairing", "Unpair", "MapNetwork",
            "UnmapNetwork", "MapStorage", "UnmapStorage", "Protect", "Onboard", "Unprotect", "Transition");

    private JobEventJsonSpec() {
    }

    static void write(JobEventJsonOut o, JobSpec spec) {
        o.enumValue("kind", spec.kind()).text("target", spec.target()).optText("planName", spec.planName())
                .list("phases", spec.phases(), (p, phase) -> p.text("name", phase.name())
                        .list("tasks", phase.tasks(), JobEventJsonSpec::task))
                .list("warnings", spec.warnings(), (w, f) -> w.enumValue("rule", f.rule())
                        .enumValue("severity", f.severity()).text("subject", f.subject()).text("field", f.field())
                        .optText("value", f.value()).text("message", f.message()));
    }

    static JobSpec read(JsonIn in) {
        JobKind kind = in.enumValue("kind", JobKind.class);
        String target = in.text("target");
        String planName = in.optText("planName");
        List<Phase> phases = in.list("phases", p -> {
            List<TaskSpec> tasks = p.list("tasks", JobEventJsonSpec::readTask);
            return p.build(() -> new Phase(p.text("name"), tasks));
        });
        List<Finding> warnings = in.list("warnings", w -> w.build(() -> new Finding(w.enumValue("rule", Rule.class),
                w.enumValue("severity", Severity.class), w.text("subject"), w.text("field"), w.optText("value"),
                w.text("message"))));
        return in.build(() -> new JobSpec(kind, target, planName, phases, warnings));
    }

    private static void task(JobEventJsonOut o, TaskSpec task) {
        o.text("id", task.id()).text("name", task.name()).optText("vmId", task.vmId())
                .list("steps", task.steps(), JobEventJsonSpec::step).enumValue("onFailure", task.onFailure())
                .bool("skipIfFailedOver", task.skipIfFailedOver());
    }

    private static TaskSpec readTask(JsonIn in) {
        String id = in.text("id");
        String name = in.text("name");
        String vmId = in.optText("vmId");
        List<Step> steps = in.list("steps", JobEventJsonSpec::readStep);
        return in.build(() -> new TaskSpec(id, name, vmId, steps,
                in.enumValue("onFailure", TaskSpec.OnFailure.class), in.bool("skipIfFailedOver")));
    }

    private static void step(JobEventJsonOut o, Step step) {
        if (step instanceof Step.Command c) {
            o.text("type", "Command").object("request", c.request(), HostCommandJson::writeRequest);
        } else if (step instanceof Step.Probe p) {
            o.text("type", "Probe").object("request", p.request(), HostCommandJson::writeRequest)
                    .duration("maxLag", p.maxLag()).bool("refuseResynchronizing", p.refuseResynchronizing());
        } else if (step instanceof Step.WaitUntil w) {
            o.text("type", "WaitUntil").object("request", w.request(), HostCommandJson::writeRequest)
                    .text("replicationState", w.replicationState()).duration("pollInterval", w.pollInterval())
                    .duration("timeout", w.timeout());
        } else if (step instanceof Step.Apply a) {
            o.text("type", "Apply").object("change", a.change(), JobEventJsonSpec::change);
        } else if (step instanceof Step.Manual m) {
            o.text("type", "Manual").text("instructions", m.instructions());
        } else {
            throw new IllegalArgumentException("no journal form for " + step.getClass().getName());
        }
    }

    private static Step readStep(JsonIn in) {
        String type = in.text("type");
        return switch (type) {
            case "Command" -> {
                CommandRequest request = in.object("request", HostCommandJson::readRequest);
                yield in.build(() -> new Step.Command(request));
            }
            case "Probe" -> {
                CommandRequest request = in.object("request", HostCommandJson::readRequest);
                yield in.build(() -> new Step.Probe(request, in.duration("maxLag"),
                        in.bool("refuseResynchronizing")));
            }
            case "WaitUntil" -> {
                CommandRequest request = in.object("request", HostCommandJson::readRequest);
                yield in.build(() -> new Step.WaitUntil(request, in.text("replicationState"),
                        in.duration("pollInterval"), in.duration("timeout")));
            }
            case "Apply" -> {
                ConfigChange change = in.object("change", JobEventJsonSpec::readChange);
                yield in.build(() -> new Step.Apply(change));
            }
            case "Manual" -> in.build(() -> new Step.Manual(in.text("instructions")));
            default -> throw HostCommandJson.unknownType(in, type, STEPS);
        };
    }

    static void change(JobEventJsonOut o, ConfigChange change) {
        if (change instanceof ConfigChange.Pair c) {
            o.text("type", "Pair").object("pairing", c.pairing(), JobEventJsonSpec::pairing);
        } else if (change instanceof ConfigChange.EditPairing c) {
            o.text("type", "EditPairing").object("pairing", c.pairing(), JobEventJsonSpec::pairing);
        } else if (change instanceof ConfigChange.Unpair c) {
            o.text("type", "Unpair").object("primary", c.primary(), JobEventJsonSpec::cloud);
        } else if (change instanceof ConfigChange.MapNetwork c) {
            NetworkMapping m = c.mapping();
            o.text("type", "MapNetwork").object("mapping").text("sourceServer", m.sourceServerId())
                    .text("sourceNetwork", m.sourceNetwork()).text("targetServer", m.targetServerId())
                    .text("targetNetwork", m.targetNetwork());
        } else if (change instanceof ConfigChange.UnmapNetwork c) {
            o.text("type", "UnmapNetwork").text("serverId", c.serverId()).text("vmNetwork", c.vmNetwork());
        } else if (change instanceof ConfigChange.MapStorage c) {
            StorageMapping m = c.mapping();
            o.text("type", "MapStorage").object("mapping").text("sourceServer", m.sourceServerId())
                    .text("sourceClassification", m.sourceClassification()).text("targetServer", m.targetServerId())
                    .text("targetClassification", m.targetClassification());
        } else if (change instanceof ConfigChange.UnmapStorage c) {
            o.text("type", "UnmapStorage").text("serverId", c.serverId()).text("classification", c.classification());
        } else if (change instanceof ConfigChange.Protect c) {
            o.text("type", "Protect").object("primaryCloud", c.primaryCloud(), JobEventJsonSpec::cloud)
                    .text("vmId", c.vmId()).enumValue("origin", c.origin()).text("replicaHost", c.replicaHost());
        } else if (change instanceof ConfigChange.Onboard c) {
            o.text("type", "Onboard").object("primaryCloud", c.primaryCloud(), JobEventJsonSpec::cloud)
                    .text("vmId", c.vmId());
        } else if (change instanceof ConfigChange.Unprotect c) {
            o.text("type", "Unprotect").text("vmId", c.vmId());
        } else if (change instanceof ConfigChange.Transition c) {
            o.text("type", "Transition").text("vmId", c.vmId()).enumValue("operation", c.operation())
                    .optText("recoveryPoint", c.recoveryPoint());
        } else {
            throw new IllegalArgumentException("no journal form for " + change.getClass().getName());
        }
    }

    static ConfigChange readChange(JsonIn in) {
        String type = in.text("type");
        return switch (type) {
            case "Pair" -> {
                CloudPairing pairing = in.object("pairing", JobEventJsonSpec::readPairing);
                yield in.build(() -> new ConfigChange.Pair(pairing));
            }
            case "EditPairing" -> {
                CloudPairing pairing = in.object("pairing", JobEventJsonSpec::readPairing);
                yield in.build(() -> new ConfigChange.EditPairing(pairing));
            }
            case "Unpair" -> {
                CloudRef primary = in.object("primary", ProtectionJson::cloud);
                yield in.build(() -> new ConfigChange.Unpair(primary));
            }
            case "MapNetwork" -> {
                NetworkMapping mapping = in.object("mapping", m -> m.build(() -> new NetworkMapping(
                        m.text("sourceServer"), m.text("sourceNetwork"), m.text("targetServer"),
                        m.text("targetNetwork"))));
                yield in.build(() -> new ConfigChange.MapNetwork(mapping));
            }
            case "UnmapNetwork" -> in.build(() -> new ConfigChange.UnmapNetwork(in.text("serverId"),
                    in.text("vmNetwork")));
            case "MapStorage" -> {
                StorageMapping mapping = in.object("mapping", m -> m.build(() -> new StorageMapping(
                        m.text("sourceServer"), m.text("sourceClassification"), m.text("targetServer"),
                        m.text("targetClassification"))));
                yield in.build(() -> new ConfigChange.MapStorage(mapping));
            }
            case "UnmapStorage" -> in.build(() -> new ConfigChange.UnmapStorage(in.text("serverId"),
                    in.text("classification")));
            case "Protect" -> {
                CloudRef cloud = in.object("primaryCloud", ProtectionJson::cloud);
                yield in.build(() -> new ConfigChange.Protect(cloud, in.text("vmId"),
                        in.enumValue("origin", ProtectionOrigin.class), in.text("replicaHost")));
            }
            case "Onboard" -> {
                CloudRef cloud = in.object("primaryCloud", ProtectionJson::cloud);
                yield in.build(() -> new ConfigChange.Onboard(cloud, in.text("vmId")));
            }
            case "Unprotect" -> in.build(() -> new ConfigChange.Unprotect(in.text("vmId")));
            case "Transition" -> in.build(() -> new ConfigChange.Transition(in.text("vmId"),
                    in.enumValue("operation", ProtectionOperation.class), in.optText("recoveryPoint")));
            default -> throw HostCommandJson.unknownType(in, type, CHANGES);
        };
    }

    private static void pairing(JobEventJsonOut o, CloudPairing pairing) {
        o.object("primary", pairing.primary(), JobEventJsonSpec::cloud)
                .object("target", pairing.target(), JobEventJsonSpec::cloud)
                .object("settings", pairing.settings(), (out, settings) -> ProtectionJson.settings(out.node(), settings));
    }

    private static CloudPairing readPairing(JsonIn in) {
        CloudRef primary = in.object("primary", ProtectionJson::cloud);
        CloudRef target = in.object("target", ProtectionJson::cloud);
        ReplicationSettings settings = in.object("settings", ProtectionJson::settings);
        return in.build(() -> new CloudPairing(primary, target, settings));
    }

    private static void cloud(JobEventJsonOut o, CloudRef ref) {
        ProtectionJson.cloud(o.node(), ref);
    }
}
