package dev.secondsite.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secondsite.core.Finding;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.TaskStatus;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import javax.annotation.Nullable;

/**
 * Jobs as a JSON document (J4), for tools that follow a vault's jobs:
 * {@code {"kind": "secondsite.jobs", "formatVersion": 1, "jobs": [...]}}, each job with its state, progress, times,
 * warnings, errors and tasks. Jobs hold no secrets; task names and messages are the hosts' and the engine's words.
 *
 * <p>Stateless and thread-safe.
 */
public final class JobJson {
    /** The value of the document's {@code kind} field. */
    public static final String KIND = "secondsite.jobs";
    public static final int FORMAT_VERSION = 1;

    private JobJson() {
    }

    /**
     * The jobs, in the order given, as a pretty-printed document; warnings and errors are findings (rule, severity,
     * subject, field, value, message).
     */
    public static String export(Collection<Job> jobs) {
        ObjectNode root = JsonIn.MAPPER.createObjectNode().put("kind", KIND).put("formatVersion", FORMAT_VERSION);
        ArrayNode list = root.putArray("jobs");
        for (Job job : jobs) {
            ObjectNode o = list.addObject().put("id", job.id()).put("kind", job.kind().name())
                    .put("target", job.target());
            SiteJson.putOpt(o, "planName", job.planName());
            o.put("state", job.state().name()).put("progressPercent", job.progressPercent())
                    .put("createdAt", job.createdAt().toString());
            putTime(o, "startedAt", job.startedAt());
            putTime(o, "endedAt", job.endedAt());
            findings(o.putArray("warnings"), job.warnings());
            findings(o.putArray("errors"), job.errors());
            ArrayNode tasks = o.putArray("tasks");
            for (TaskStatus t : job.tasks()) {
                ObjectNode to = tasks.addObject().put("id", t.id()).put("name", t.name()).put("phase", t.phase());
                SiteJson.putOpt(to, "vmId", t.vmId());
                to.put("state", t.state().name()).put("completedSteps", t.completedSteps())
                        .put("totalSteps", t.totalSteps()).put("commandsSent", t.commandsSent());
                putTime(to, "startedAt", t.startedAt());
                putTime(to, "endedAt", t.endedAt());
                SiteJson.strings(to, "notes", t.notes());
                SiteJson.putOpt(to, "error", t.error());
            }
        }
        try {
            return JsonIn.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a JSON tree always serializes", e);
        }
    }

    /**
     * {@link #export(Collection)} to {@code out}, which the caller closes.
     *
     * @throws UncheckedIOException when {@code out} fails
     */
    public static void export(Collection<Job> jobs, Writer out) {
        JsonIn.write(export(jobs), out);
    }

    /** Each finding as an object, so that a reader can test for a rule without parsing text (J4). */
    private static void findings(ArrayNode array, List<Finding> findings) {
        for (Finding f : findings) {
            ObjectNode o = array.addObject().put("rule", f.rule().name()).put("severity", f.severity().name())
                    .put("subject", f.subject()).put("field", f.field());
            SiteJson.putOpt(o, "value", f.value());
            o.put("message", f.message());
        }
    }

    private static void putTime(ObjectNode o, String field, @Nullable Instant at) {
        if (at != null) {
            o.put(field, at.toString());
        }
    }
}
