package dev.secondsite.hyperv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A scripted PowerShell for the driver's tests: records every invocation and answers with what the test's function
 * returns for it (canned envelopes). Knows which of the driver's scripts an invocation runs.
 *
 * <p>Thread-safe (invocations recorded under a lock).
 */
final class FakePowerShell implements PowerShell {
    static final ObjectMapper JSON = new ObjectMapper();

    /** One recorded run. */
    record Call(PowerShellInvocation invocation, Scripts.Script script) {
        JsonNode stdin() {
            try {
                return JSON.readTree(invocation.stdin());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        List<Object> argumentList() {
            List<Object> values = new ArrayList<>();
            for (JsonNode n : stdin().get("ArgumentList")) {
                values.add(n.isNull() ? null : n.isTextual() ? n.textValue() : n.isBoolean() ? n.booleanValue()
                        : n.isInt() ? (Object) n.intValue() : n.toString());
            }
            return values;
        }

        String computerName() {
            JsonNode n = stdin().get("ComputerName");
            return n == null || n.isNull() ? null : n.textValue();
        }
    }

    private final List<Call> calls = new ArrayList<>();
    private volatile Function<Call, PowerShellResult> answers;

    FakePowerShell(Function<Call, PowerShellResult> answers) {
        this.answers = answers;
    }

    /** Answers every run with an empty success. */
    static FakePowerShell succeeding() {
        return new FakePowerShell(call -> ok());
    }

    void answer(Function<Call, PowerShellResult> answers) {
        this.answers = answers;
    }

    @Override
    public PowerShellResult run(PowerShellInvocation invocation) {
        Call call = new Call(invocation, scriptOf(invocation));
        synchronized (calls) {
            calls.add(call);
        }
        return answers.apply(call);
    }

    List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    List<String> scriptNames() {
        return calls().stream().map(c -> c.script().name()).toList();
    }

    static Scripts.Script scriptOf(PowerShellInvocation invocation) {
        for (Scripts.Script script : Scripts.all()) {
            if (script.arguments().equals(invocation.arguments())) {
                return script;
            }
        }
        throw new AssertionError("not one of the driver's scripts: " + invocation);
    }

    // ---- canned answers ----

    /** A success envelope whose result is {@code resultJson} (an object, an array, or null). */
    static PowerShellResult ok(String resultJson) {
        return new PowerShellResult(0, "{\"ok\":true,\"result\":" + resultJson + "}\r\n", "", false);
    }

    static PowerShellResult ok() {
        return ok("[{\"Changed\":true}]");
    }

    static PowerShellResult failed(String category, String errorId, String message) {
        try {
            return new PowerShellResult(1, JSON.writeValueAsString(java.util.Map.of("ok", false, "message", message,
                    "category", category, "errorId", errorId)), "", false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PowerShellResult raw(int exitCode, String stdout, String stderr) {
        return new PowerShellResult(exitCode, stdout, stderr, false);
    }

    static PowerShellResult timedOut() {
        return new PowerShellResult(-1, "", "", true);
    }
}
