package dev.secondsite.core.json;

import dev.secondsite.core.InvalidDocumentException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.secondsite.core.Severity;
import dev.secondsite.core.job.JobEvent;
import dev.secondsite.core.job.JobSpec;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.spi.CommandResult;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The journal form of {@link JobEvent}s (J3): the vault journals every event of every job in this form and, after
 * a crash, decodes them to rebuild each job ({@link dev.secondsite.core.job.Job#fromEvents}) and carry it on.
 * {@code decode(encode(e))} equals {@code e}, and {@code encode} of a decoded event gives back the same bytes.
 *
 * <p>An event is one compact UTF-8 JSON object:
 * <pre>{@code {"formatVersion":1,"type":"CommandSent","jobId":"job-7","at":"2026-11-02T10:00:00.123456789Z",
 *  "taskId":"failover-vm-1","step":2,"attempt":1}}</pre>
 * {@code "type"} names the event; every other field is a record component under its own name, objects nest the
 * same way ({@code JobSpec}, steps, host commands with their own {@code "type"}, results). Instants and durations
 * are ISO-8601 strings at full precision, enums their constant names, and a null value is left out. Replication
 * settings have the configuration document's form.
 *
 * <p>Decoding is strict, because a journal that reads back differently from what was written would resume a job
 * wrongly: an unknown {@code formatVersion}, an unknown {@code "type"}, an unknown, missing or mistyped field, or
 * trailing bytes throw {@link InvalidDocumentException} (rule {@code DOCUMENT}) naming the JSON Pointer of the
 * offending node; a value that breaks a domain rule (a task without steps, a blank VM id) throws it at the path of
 * the object that holds the value, with that rule.
 *
 * <p>No secret can appear in the output: job events, specs, commands and results hold none (replication settings
 * carry ports and authentication methods, never certificates or keys; registration keys and proxy passwords are
 * not reachable from an event).
 *
 * <p>Stateless and thread-safe.
 */
public final class JobEventJson {
    /** The {@code formatVersion} this release writes and the only one it reads. */
    public static final int FORMAT_VERSION = 1;

    private static final List<String> EVENTS = List.of("Created", "Started", "TaskStarted", "CommandSent",
            "CommandCompleted", "StepCompleted", "TaskPolling", "TaskWaiting", "TaskResumed", "TaskNoted", "TaskSucceeded",
            "TaskSkipped", "TaskFailed", "CancelRequested", "Restarted", "Finished");
    private static final ObjectWriter WRITER = JsonIn.MAPPER.writer();

    private JobEventJson() {
    }

    /**
     * The event as compact UTF-8 JSON.
     *
     * @throws NullPointerException when a value that is not nullable is null (a record built without its checks):
     *     such an event could be written but never read back
     */
    public static byte[] encode(JobEvent event) {
        try {
            return WRITER.writeValueAsBytes(tree(event).node());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a JSON tree always serializes", e);
        }
    }

    /**
     * The event as compact JSON text; the same as {@link #encode} decoded as UTF-8.
     *
     * @throws NullPointerException as {@link #encode}
     */
    public static String encodeText(JobEvent event) {
        return new String(encode(event), StandardCharsets.UTF_8);
    }

    /**
     * Reads an event written by {@link #encode}.
     *
     * @throws InvalidDocumentException naming the JSON Pointer path when {@code json} is not one well-formed UTF-8
     *     JSON object, is of another format version, has an unknown type, an unknown, missing or mistyped field, or
     *     describes a value that breaks a rule
     */
    public static JobEvent decode(byte[] json) {
        return read(JsonIn.parseExactly(json));
    }

    /**
     * Reads an event written by {@link #encodeText}.
     *
     * @throws InvalidDocumentException as {@link #decode}
     */
    public static JobEvent decodeText(String json) {
        return read(JsonIn.parseExactly(json));
    }

    static JobEventJsonOut tree(JobEvent event) {
        JobEventJsonOut o = JobEventJsonOut.root().integer("formatVersion", FORMAT_VERSION);
        if (event instanceof JobEvent.CommandSent e) {
            head(o, "CommandSent", e).text("taskId", e.taskId()).integer("step", e.step())
                    .integer("attempt", e.attempt());
        } else if (event instanceof JobEvent.CommandCompleted e) {
            head(o, "CommandCompleted", e).text("taskId", e.taskId()).integer("step", e.step())
                    .integer("attempt", e.attempt()).object("result", e.result(), HostCommandJson::writeResult);
        } else if (event instanceof JobEvent.StepCompleted e) {
            head(o, "StepCompleted", e).text("taskId", e.taskId()).integer("step", e.step())
                    .text("message", e.message());
        } else if (event instanceof JobEvent.TaskStarted e) {
            head(o, "TaskStarted", e).text("taskId", e.taskId());
        } else if (event instanceof JobEvent.TaskSucceeded e) {
            head(o, "TaskSucceeded", e).text("taskId", e.taskId());
        } else if (event instanceof JobEvent.Created e) {
            head(o, "Created", e).object("spec", e.spec(), JobEventJsonSpec::write);
        } else if (event instanceof JobEvent.Started e) {
            head(o, "Started", e);
        } else if (event instanceof JobEvent.TaskPolling e) {
            head(o, "TaskPolling", e).text("taskId", e.taskId()).integer("step", e.step())
                    .text("condition", e.condition()).instant("deadline", e.deadline());
        } else if (event instanceof JobEvent.TaskWaiting e) {
            head(o, "TaskWaiting", e).text("taskId", e.taskId()).text("instructions", e.instructions());
        } else if (event instanceof JobEvent.TaskResumed e) {
            head(o, "TaskResumed", e).text("taskId", e.taskId()).integer("step", e.step())
                    .text("comment", e.comment());
        } else if (event instanceof JobEvent.TaskNoted e) {
            head(o, "TaskNoted", e).text("taskId", e.taskId()).enumValue("severity", e.severity())
                    .text("note", e.note());
        } else if (event instanceof JobEvent.TaskSkipped e) {
            head(o, "TaskSkipped", e).text("taskId", e.taskId()).text("reason", e.reason());
        } else if (event instanceof JobEvent.TaskFailed e) {
            head(o, "TaskFailed", e).text("taskId", e.taskId()).text("error", e.error());
        } else if (event instanceof JobEvent.CancelRequested e) {
            head(o, "CancelRequested", e);
        } else if (event instanceof JobEvent.Restarted e) {
            head(o, "Restarted", e);
        } else if (event instanceof JobEvent.Finished e) {
            head(o, "Finished", e).enumValue("state", e.state()).text("message", e.message());
        } else {
            throw new IllegalArgumentException("no journal form for " + event.getClass().getName());
        }
        return o;
    }

    private static JobEventJsonOut head(JobEventJsonOut o, String type, JobEvent event) {
        return o.text("type", type).text("jobId", event.jobId()).instant("at", event.at());
    }

    static JobEvent read(JsonIn in) {
        int version = in.integer("formatVersion");
        if (version != FORMAT_VERSION) {
            throw in.error("formatVersion", "'formatVersion' " + version + " is not supported; this release reads "
                    + FORMAT_VERSION);
        }
        String type = in.text("type");
        String jobId = in.text("jobId");
        Instant at = in.instant("at");
        JobEvent event = switch (type) {
            case "Created" -> {
                JobSpec spec = in.object("spec", JobEventJsonSpec::read);
                yield new JobEvent.Created(jobId, at, spec);
            }
            case "Started" -> new JobEvent.Started(jobId, at);
            case "TaskStarted" -> new JobEvent.TaskStarted(jobId, at, in.text("taskId"));
            case "CommandSent" -> new JobEvent.CommandSent(jobId, at, in.text("taskId"), in.integer("step"),
                    in.integer("attempt"));
            case "CommandCompleted" -> {
                String taskId = in.text("taskId");
                int step = in.integer("step");
                int attempt = in.integer("attempt");
                CommandResult result = in.object("result", HostCommandJson::readResult);
                yield new JobEvent.CommandCompleted(jobId, at, taskId, step, attempt, result);
            }
            case "StepCompleted" -> new JobEvent.StepCompleted(jobId, at, in.text("taskId"), in.integer("step"),
                    in.text("message"));
            case "TaskPolling" -> new JobEvent.TaskPolling(jobId, at, in.text("taskId"), in.integer("step"),
                    in.text("condition"), in.instant("deadline"));
            case "TaskWaiting" -> new JobEvent.TaskWaiting(jobId, at, in.text("taskId"), in.text("instructions"));
            case "TaskResumed" -> new JobEvent.TaskResumed(jobId, at, in.text("taskId"), in.integer("step"),
                    in.text("comment"));
            case "TaskNoted" -> new JobEvent.TaskNoted(jobId, at, in.text("taskId"),
                    in.enumValue("severity", Severity.class), in.text("note"));
            case "TaskSucceeded" -> new JobEvent.TaskSucceeded(jobId, at, in.text("taskId"));
            case "TaskSkipped" -> new JobEvent.TaskSkipped(jobId, at, in.text("taskId"), in.text("reason"));
            case "TaskFailed" -> new JobEvent.TaskFailed(jobId, at, in.text("taskId"), in.text("error"));
            case "CancelRequested" -> new JobEvent.CancelRequested(jobId, at);
            case "Restarted" -> new JobEvent.Restarted(jobId, at);
            case "Finished" -> new JobEvent.Finished(jobId, at, in.enumValue("state", JobState.class),
                    in.text("message"));
            default -> throw HostCommandJson.unknownType(in, type, EVENTS);
        };
        in.end();
        return event;
    }
}
