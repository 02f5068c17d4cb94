package dev.secondsite.hyperv;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.google.common.collect.ImmutableList;
import dev.secondsite.core.spi.CommandResult;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * Reads what one PowerShell run answered: the envelope of docs/powershell-subset.md section 3 in the forms of
 * Windows PowerShell 5.1 (a one-element {@code result} unrolled to an object, none to null or absent, enums as
 * numbers, {@code "\/Date(ms)\/"}) and PowerShell 7 (arrays kept, ISO 8601 dates with offset). A failure becomes a
 * transient or permanent {@link CommandResult} with the cmdlet's own message; nothing here throws for what a host
 * wrote.
 *
 * <p>Thread-safe (the reader is shared and immutable).
 */
final class Replies {
    private static final ObjectReader READER = new ObjectMapper().reader();

    // PowerShell ErrorCategory names that say "try again": the host or the link, not the request
    private static final Set<String> TRANSIENT_CATEGORIES = Set.of("OpenError", "ConnectionError", "OperationTimeout",
            "ResourceBusy", "ResourceUnavailable", "DeadlockDetected");

    // lower-case pieces of an error id or message that mark a WinRM, timeout or lock problem
    private static final List<String> TRANSIENT_MARKS = List.of("winrm", "pssessionopenfailed",
            "pssessionstatebroken", "cannotconnect", "timed out", "timeout", "is locked", "locked by",
            "in progress", "is busy", "try again");

    private Replies() {
    }

    /** What a run answered: its result objects, or the failure to return. */
    record Reply(@Nullable CommandResult failure, List<JsonNode> items) {
        boolean ok() {
            return failure == null;
        }

        static Reply failed(CommandResult failure) {
            return new Reply(failure, List.of());
        }
    }

    /** Thrown by the field readers below for output that is not what the script writes; caught by the driver. */
    static final class MalformedOutputException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedOutputException(String message) {
            super(message);
        }
    }

    /**
     * @param what the command as the failure message names it, e.g. {@code "EnableReplication web-01"}
     */
    static Reply read(String what, PowerShellResult run, String timeoutText) {
        if (run.timedOut()) {
            return Reply.failed(CommandResult.transientFailure(what + ": PowerShell did not finish within "
                    + timeoutText + " and was stopped"));
        }
        String stdout = run.stdout().strip();
        if (stdout.isEmpty()) {
            return Reply.failed(CommandResult.permanentFailure(what + ": PowerShell failed (exit " + run.exitCode()
                    + ") without output" + stderr(run)));
        }
        JsonNode root;
        try {
            root = READER.readTree(stdout);
        } catch (JsonProcessingException e) {
            root = null;
        }
        if (root == null || !root.isObject() || !root.path("ok").isBoolean()) {
            return Reply.failed(malformed(what, "not the JSON envelope (exit " + run.exitCode() + "): "
                    + abbreviate(stdout) + stderr(run)));
        }
        if (!root.get("ok").booleanValue()) {
            return Reply.failed(failure(what, text(root.get("category")), text(root.get("errorId")),
                    text(root.get("message"))));
        }
        if (run.exitCode() != 0) {
            return Reply.failed(CommandResult.permanentFailure(what + ": PowerShell exited " + run.exitCode()
                    + " after reporting success" + stderr(run)));
        }
        JsonNode result = root.get("result");
        if (result == null || result.isNull()) {
            return new Reply(null, List.of());
        }
        if (result.isObject()) {
            return new Reply(null, List.of(result));
        }
        if (!result.isArray()) {
            return Reply.failed(malformed(what, "result is neither an object nor an array: "
                    + abbreviate(result.toString())));
        }
        ImmutableList.Builder<JsonNode> items = ImmutableList.builderWithExpectedSize(result.size());
        for (JsonNode item : result) {
            if (!item.isObject()) {
                return Reply.failed(malformed(what, "result holds a non-object: " + abbreviate(item.toString())));
            }
            items.add(item);
        }
        return new Reply(null, items.build());
    }

    /**
     * A reported failure, transient when the category, error id or message says WinRM, a timeout, a busy or locked
     * resource or an operation in progress; permanent otherwise (wrong state, missing VM, refused parameter).
     */
    static CommandResult failure(String what, @Nullable String category, @Nullable String errorId,
                                 @Nullable String message) {
        String text = what + ": " + (message == null || message.isBlank() ? "(no message)" : message)
                + " [" + (category == null ? "NotSpecified" : category) + (errorId == null ? "" : ", " + errorId)
                + "]";
        return isTransient(category, errorId, message) ? CommandResult.transientFailure(text)
                : CommandResult.permanentFailure(text);
    }

    static boolean isTransient(@Nullable String category, @Nullable String errorId, @Nullable String message) {
        String id = errorId == null ? "" : errorId.toLowerCase(Locale.ROOT);
        String said = message == null ? "" : message.toLowerCase(Locale.ROOT);
        // WinRM refusing the credential is an OpenError on a broken session too, but no retry will change it
        if (id.startsWith("accessdenied") || said.contains("access is denied")) {
            return false;
        }
        if (category != null && TRANSIENT_CATEGORIES.contains(category)) {
            return true;
        }
        for (String mark : TRANSIENT_MARKS) {
            if (id.contains(mark) || said.contains(mark)) {
                return true;
            }
        }
        return false;
    }

    static CommandResult malformed(String what, String detail) {
        return CommandResult.permanentFailure(what + ": malformed output: " + detail);
    }

    // ---- field readers (throw MalformedOutputException naming the field) ----

    /** A required string field. */
    static String string(JsonNode item, String field) {
        JsonNode node = item.get(field);
        if (node == null || !node.isTextual()) {
            throw new MalformedOutputException(field + " (" + node + ") must be a string");
        }
        return node.textValue();
    }

    /** An optional string field (absent or null gives null). */
    static @Nullable String optionalString(JsonNode item, String field) {
        JsonNode node = item.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new MalformedOutputException(field + " (" + node + ") must be a string");
        }
        return node.textValue();
    }

    /**
     * An enum field by name: a string as projected, or a number as an unprojected 5.1/7 enum, looked up in
     * {@code names} (index = value; null for unused numbers).
     */
    static String enumName(JsonNode item, String field, List<String> names) {
        JsonNode node = item.get(field);
        if (node != null && node.isTextual() && !node.textValue().isBlank()) {
            return node.textValue();
        }
        if (node != null && node.isInt()) {
            int n = node.intValue();
            if (n >= 0 && n < names.size() && names.get(n) != null) {
                return names.get(n);
            }
        }
        throw new MalformedOutputException(field + " (" + node + ") is not a known name");
    }

    /**
     * An optional date: ISO 8601 with offset or Z (PowerShell 7, {@code .ToString('o')}), {@code /Date(ms)/} or
     * {@code /Date(ms+hhmm)/} (Windows PowerShell 5.1), or null.
     */
    static @Nullable Instant optionalInstant(JsonNode item, String field) {
        JsonNode node = item.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            Instant parsed = instant(node.textValue());
            if (parsed != null) {
                return parsed;
            }
        }
        throw new MalformedOutputException(field + " (" + node + ") is not a date");
    }

    static Instant requiredInstant(JsonNode item, String field) {
        Instant value = optionalInstant(item, field);
        if (value == null) {
            throw new MalformedOutputException(field + " (missing) must be a date");
        }
        return value;
    }

    /** A date in either form, or null when it is neither. */
    static @Nullable Instant instant(String text) {
        if (text.startsWith("/Date(") && text.endsWith(")/")) {
            String inner = text.substring(6, text.length() - 2);
            int end = inner.length();
            // the 5.1 form of a local DateTime appends the offset; the milliseconds are UTC either way
            for (int i = 1; i < inner.length(); i++) {
                char c = inner.charAt(i);
                if (c == '+' || c == '-') {
                    end = i;
                    break;
                }
            }
            try {
                return Instant.ofEpochMilli(Long.parseLong(inner.substring(0, end)));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private static @Nullable String text(@Nullable JsonNode node) {
        return node == null || node.isNull() ? null : node.isTextual() ? node.textValue() : node.toString();
    }

    private static String stderr(PowerShellResult run) {
        String err = run.stderr().strip();
        return err.isEmpty() ? "" : "; stderr: " + abbreviate(err);
    }

    private static String abbreviate(String text) {
        return text.length() <= 500 ? text : text.substring(0, 500) + "... (" + text.length() + " chars)";
    }
}
