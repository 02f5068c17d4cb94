package dev.secondsite.core.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.protection.ActiveLocation;
import dev.secondsite.core.protection.Authentication;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.CopyFrequency;
import dev.secondsite.core.protection.InitialReplication;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.ProtectedVm;
import dev.secondsite.core.protection.ProtectionConfiguration;
import dev.secondsite.core.protection.ProtectionOperation;
import dev.secondsite.core.protection.ProtectionState;
import dev.secondsite.core.protection.ReplicationSettings;
import dev.secondsite.core.protection.StorageMapping;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Reads and writes the protection part of the configuration document: pairings with their replication settings,
 * network and storage mappings, protected VMs.
 */
final class ProtectionJson {
    private ProtectionJson() {
    }

    static void write(ProtectionConfiguration protection, ObjectNode root) {
        ArrayNode pairings = root.putArray("pairings");
        for (CloudPairing p : protection.pairings()) {
            ObjectNode o = pairings.addObject();
            cloud(o.putObject("primary"), p.primary());
            cloud(o.putObject("target"), p.target());
            settings(o.putObject("settings"), p.settings());
        }
        ArrayNode networks = root.putArray("networkMappings");
        protection.networkMappings().forEach(m -> networks.addObject()
                .put("sourceServer", m.sourceServerId()).put("sourceNetwork", m.sourceNetwork())
                .put("targetServer", m.targetServerId()).put("targetNetwork", m.targetNetwork()));
        ArrayNode storage = root.putArray("storageMappings");
        protection.storageMappings().forEach(m -> storage.addObject()
                .put("sourceServer", m.sourceServerId()).put("sourceClassification", m.sourceClassification())
                .put("targetServer", m.targetServerId()).put("targetClassification", m.targetClassification()));
        ArrayNode vms = root.putArray("protectedVms");
        for (ProtectedVm vm : protection.protectedVms()) {
            ObjectNode o = vms.addObject().put("vmId", vm.vmId()).put("vmName", vm.vmName());
            cloud(o.putObject("pairing"), vm.pairing());
            o.put("state", vm.state().name()).put("activeLocation", vm.activeLocation().name());
            if (vm.lastFailover() != null) {
                o.put("lastFailover", vm.lastFailover().name());
            }
            SiteJson.putOpt(o, "replicaHost", vm.replicaHost());
        }
    }

    static void cloud(ObjectNode o, CloudRef ref) {
        o.put("serverId", ref.serverId()).put("cloud", ref.cloud());
    }

    static void settings(ObjectNode o, ReplicationSettings s) {
        o.put("copyFrequencySeconds", s.copyFrequency().seconds())
                .put("additionalRecoveryPoints", s.additionalRecoveryPoints())
                .put("appConsistentFrequencyHours", s.appConsistentFrequencyHours())
                .put("compression", s.compression()).put("authentication", s.authentication().name())
                .put("port", s.port()).put("deleteReplicaOnDisable", s.deleteReplicaOnDisable());
        initialReplication(o.putObject("initialReplication"), s.initialReplication());
    }

    static void initialReplication(ObjectNode ir, InitialReplication initial) {
        if (initial instanceof InitialReplication.OverNetworkScheduled at) {
            ir.put("method", "OverNetworkScheduled").put("startTime", at.startTime().toString());
        } else if (initial instanceof InitialReplication.Offline off) {
            ir.put("method", "Offline").put("exportPath", off.exportPath()).put("importPath", off.importPath());
        } else if (initial instanceof InitialReplication.UsingExistingReplica) {
            ir.put("method", "UsingExistingReplica");
        } else {
            ir.put("method", "OverNetworkNow");
        }
    }

    static ProtectionConfiguration read(JsonIn root) {
        List<CloudPairing> pairings = root.list("pairings", p -> {
            CloudRef primary = cloud(p.object("primary"));
            CloudRef target = cloud(p.object("target"));
            ReplicationSettings settings = settings(p.object("settings"));
            return p.build(() -> new CloudPairing(primary, target, settings));
        });
        List<NetworkMapping> networks = root.list("networkMappings", m -> m.build(() -> new NetworkMapping(
                m.text("sourceServer"), m.text("sourceNetwork"), m.text("targetServer"), m.text("targetNetwork"))));
        List<StorageMapping> storage = root.list("storageMappings", m -> m.build(() -> new StorageMapping(
                m.text("sourceServer"), m.text("sourceClassification"), m.text("targetServer"),
                m.text("targetClassification"))));
        List<ProtectedVm> vms = root.list("protectedVms", v -> {
            CloudRef pairing = cloud(v.object("pairing"));
            String last = v.optText("lastFailover");
            ProtectionOperation lastFailover = last == null ? null : enumOf(v, "lastFailover", last);
            return v.build(() -> new ProtectedVm(v.text("vmId"), v.text("vmName"), pairing,
                    v.enumValue("state", ProtectionState.class), v.enumValue("activeLocation", ActiveLocation.class),
                    lastFailover, v.optText("replicaHost")));
        });
        return root.build(() -> ProtectionConfiguration.of(pairings, networks, storage, vms));
    }

    private static ProtectionOperation enumOf(JsonIn in, String field, String text) {
        try {
            return ProtectionOperation.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw in.error(field, "'" + field + "' must name a failover operation, was '" + text + "'");
        }
    }

    static CloudRef cloud(JsonIn in) {
        CloudRef ref = in.build(() -> new CloudRef(in.text("serverId"), in.text("cloud")));
        in.end();
        return ref;
    }

    static ReplicationSettings settings(JsonIn in) {
        ReplicationSettings.Builder b = ReplicationSettings.builder();
        int seconds = in.integer("copyFrequencySeconds");
        JsonIn ir = in.object("initialReplication");
        ReplicationSettings settings = in.build(() -> b.copyFrequency(CopyFrequency.ofSeconds(seconds))
                .additionalRecoveryPoints(in.integer("additionalRecoveryPoints"))
                .appConsistentFrequencyHours(in.integer("appConsistentFrequencyHours"))
                .compression(in.bool("compression"))
                .authentication(in.enumValue("authentication", Authentication.class))
                .port(in.integer("port"))
                .deleteReplicaOnDisable(in.bool("deleteReplicaOnDisable"))
                .initialReplication(initialReplication(ir))
                .build());
        in.end();
        return settings;
    }

    static InitialReplication initialReplication(JsonIn in) {
        String method = in.text("method");
        InitialReplication result = switch (method) {
            case "OverNetworkNow" -> InitialReplication.overNetworkNow();
            case "OverNetworkScheduled" -> {
                String time = in.text("startTime");
                try {
                    LocalTime at = LocalTime.parse(time);
                    yield in.build(() -> InitialReplication.overNetworkAt(at));
                } catch (DateTimeParseException e) {
                    throw in.error("startTime", "'startTime' must be a time of day like 02:00, was '" + time + "'");
                }
            }
            case "Offline" -> in.build(() -> InitialReplication.offline(in.text("exportPath"), in.text("importPath")));
            case "UsingExistingReplica" -> InitialReplication.usingExistingReplica();
            default -> throw in.error("method", "'method' must be OverNetworkNow, OverNetworkScheduled, Offline or "
                    + "UsingExistingReplica, was '" + method + "'");
        };
        in.end();
        return result;
    }
}
