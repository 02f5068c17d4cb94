package dev.secondsite.core.json;

import dev.secondsite.core.InvalidDocumentException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secondsite.core.Rule;
import dev.secondsite.core.job.JobEvent;
import dev.secondsite.core.plan.PlanContext;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.vault.VaultConfiguration;
import dev.secondsite.core.vault.VaultRecord;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * The form of a durable vault's {@link VaultRecord}s in its {@link dev.secondsite.core.spi.StateStore}: a type tag
 * per record and compact JSON payloads. Job events use {@link JobEventJson}'s form unchanged.
 *
 * <p>This form holds secrets (the key-signing secret, proxy passwords) because the vault needs them after a restart;
 * it is for the vault's own store only and is never exported. Strict like every reader here: a damaged or unknown
 * record throws {@link InvalidDocumentException} naming the JSON path.
 *
 * <p>Stateless and thread-safe.
 */
public final class VaultRecordJson {
    public static final String CREATED = "vault.created";
    public static final String SERVER_SAVED = "vault.server";
    public static final String SERVER_REMOVED = "vault.server.removed";
    public static final String PLAN_SAVED = "vault.plan";
    public static final String PLAN_REMOVED = "vault.plan.removed";
    public static final String APPLIED = "vault.applied";
    public static final String JOB_EVENT = "job.event";
    private static final int FORMAT_VERSION = 1;

    /** Plans are checked when saved (RP1); replay takes them as they were, whatever became of their VMs since. */
    private static final PlanContext AS_SAVED = new PlanContext() {
        @Override
        public boolean isProtectedOn(String serverId, String vmId) {
            return true;
        }

        @Override
        public Optional<List<String>> replicationGroup(String serverId, String groupName) {
            return Optional.empty();
        }
    };

    private VaultRecordJson() {
    }

    /** The store's type tag of {@code record}. */
    public static String type(VaultRecord record) {
        if (record instanceof VaultRecord.Created) {
            return CREATED;
        } else if (record instanceof VaultRecord.ServerSaved) {
            return SERVER_SAVED;
        } else if (record instanceof VaultRecord.ServerRemoved) {
            return SERVER_REMOVED;
        } else if (record instanceof VaultRecord.PlanSaved) {
            return PLAN_SAVED;
        } else if (record instanceof VaultRecord.PlanRemoved) {
            return PLAN_REMOVED;
        } else if (record instanceof VaultRecord.Applied) {
            return APPLIED;
        } else if (record instanceof VaultRecord.JobRecorded) {
            return JOB_EVENT;
        }
        throw new IllegalArgumentException("a snapshot is not a journal record: " + record.getClass().getName());
    }

    /** The payload of {@code record} (a {@link VaultRecord.Snapshot} gives the snapshot's bytes). */
    public static byte[] encode(VaultRecord record) {
        if (record instanceof VaultRecord.JobRecorded j) {
            return JobEventJson.encode(j.event());
        }
        ObjectNode o = JsonIn.MAPPER.createObjectNode().put("formatVersion", FORMAT_VERSION);
        if (record instanceof VaultRecord.Created c) {
            writeCreated(o, c);
        } else if (record instanceof VaultRecord.ServerSaved s) {
            o.set("server", ConfigurationJson.writeServer(s.server(), s.inventory(), true));
        } else if (record instanceof VaultRecord.ServerRemoved s) {
            o.put("serverId", s.serverId());
        } else if (record instanceof VaultRecord.PlanSaved p) {
            o.set("plan", PlanJson.toTree(p.plan()));
        } else if (record instanceof VaultRecord.PlanRemoved p) {
            o.put("name", p.name());
        } else if (record instanceof VaultRecord.Applied a) {
            o.put("key", a.key());
            JobEventJsonOut change = JobEventJsonOut.root();
            JobEventJsonSpec.change(change, a.change());
            o.set("change", change.node());
        } else {
            VaultRecord.Snapshot snap = (VaultRecord.Snapshot) record;
            writeCreated(o.putObject("vault"), snap.vault());
            o.set("configuration", ConfigurationJson.tree(snap.configuration(), true));
            SiteJson.strings(o, "appliedSteps", snap.appliedSteps());
            ArrayNode jobs = o.putArray("jobs");
            for (List<JobEvent> events : snap.jobs()) {
                ArrayNode list = jobs.addArray();
                events.forEach(e -> list.add(JobEventJson.tree(e).node()));
            }
        }
        try {
            return JsonIn.MAPPER.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a JSON tree always serializes", e);
        }
    }

    /**
     * Reads a record written with {@code type}.
     *
     * @throws InvalidDocumentException naming the path when the payload is damaged or the type unknown
     */
    public static VaultRecord decode(String type, byte[] payload) {
        if (type.equals(JOB_EVENT)) {
            return new VaultRecord.JobRecorded(JobEventJson.decode(payload));
        }
        JsonIn in = JsonIn.parseExactly(payload);
        int version = in.integer("formatVersion");
        if (version != FORMAT_VERSION) {
            throw in.error("formatVersion", "'formatVersion' " + version + " is not supported; this release reads "
                    + FORMAT_VERSION);
        }
        VaultRecord record = switch (type) {
            case CREATED -> readCreated(in);
            case SERVER_SAVED -> in.object("server", s -> {
                ConfigurationJson.ServerEntry entry = ConfigurationJson.readServer(s);
                return new VaultRecord.ServerSaved(entry.server(), entry.inventory());
            });
            case SERVER_REMOVED -> in.build(() -> new VaultRecord.ServerRemoved(in.text("serverId")));
            case PLAN_SAVED -> new VaultRecord.PlanSaved(plan(in));
            case PLAN_REMOVED -> in.build(() -> new VaultRecord.PlanRemoved(in.text("name")));
            case APPLIED -> {
                String key = in.text("key");
                yield in.build(() -> new VaultRecord.Applied(key, in.object("change", JobEventJsonSpec::readChange)));
            }
            default -> throw new InvalidDocumentException("", Rule.DOCUMENT, "unknown vault record type '" + type
                    + "'");
        };
        in.end();
        return record;
    }

    /**
     * Reads a snapshot's bytes.
     *
     * @throws InvalidDocumentException naming the path when they are damaged
     */
    public static VaultRecord.Snapshot decodeSnapshot(byte[] payload) {
        JsonIn in = JsonIn.parseExactly(payload);
        int version = in.integer("formatVersion");
        if (version != FORMAT_VERSION) {
            throw in.error("formatVersion", "'formatVersion' " + version + " is not supported; this release reads "
                    + FORMAT_VERSION);
        }
        VaultRecord.Created vault = in.object("vault", VaultRecordJson::readCreated);
        VaultConfiguration configuration = in.object("configuration", ConfigurationJson::read);
        List<String> applied = in.texts("appliedSteps");
        List<List<JobEvent>> jobs = new ArrayList<>();
        List<com.fasterxml.jackson.databind.JsonNode> nodes = in.nodes("jobs");
        for (int j = 0; j < nodes.size(); j++) {
            List<JobEvent> events = new ArrayList<>();
            for (int e = 0; e < nodes.get(j).size(); e++) {
                events.add(JobEventJson.read(JsonIn.of(nodes.get(j).get(e), "/jobs/" + j + "/" + e)));
            }
            jobs.add(events);
        }
        in.end();
        return in.build(() -> new VaultRecord.Snapshot(vault, configuration, new LinkedHashSet<>(applied), jobs));
    }

    private static void writeCreated(ObjectNode o, VaultRecord.Created c) {
        o.set("vault", ConfigurationJson.writeInfo(c.info()));
        o.put("signingSecret", Base64.getEncoder().encodeToString(c.signingSecret()));
    }

    private static VaultRecord.Created readCreated(JsonIn in) {
        String secret = in.text("signingSecret");
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(secret);
        } catch (IllegalArgumentException e) {
            throw in.error("signingSecret", "'signingSecret' must be base64");
        }
        return new VaultRecord.Created(in.object("vault", ConfigurationJson::readInfo), bytes);
    }

    private static RecoveryPlan plan(JsonIn in) {
        try {
            return PlanJson.read(in.raw("plan"), AS_SAVED);
        } catch (InvalidDocumentException e) {
            throw e.relocated(in.pathOf("plan"));
        }
    }
}
