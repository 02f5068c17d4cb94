package dev.secondsite.hyperv.sim.lang;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import javax.annotation.Nullable;

/** The interpreter's {@link CmdletCall}: what the binder bound, where the script runs, where output goes. */
final class BoundCall implements CmdletCall {
    private final String parameterSet;
    private final Map<String, Object> bound;
    private final String computerName;
    private final Session.Pipe out;
    private final @Nullable Boolean confirm;
    private final @Nullable String errorAction;
    private final boolean piped;

    BoundCall(String parameterSet, Map<String, Object> bound, String computerName, Session.Pipe out,
              @Nullable Boolean confirm, @Nullable String errorAction, boolean piped) {
        this.parameterSet = parameterSet;
        this.bound = Collections.unmodifiableMap(bound);
        this.computerName = computerName;
        this.out = out;
        this.confirm = confirm;
        this.errorAction = errorAction;
        this.piped = piped;
    }

    @Override
    public String parameterSet() {
        return parameterSet;
    }

    @Override
    public Map<String, Object> bound() {
        return bound;
    }

    @Override
    public String computerName() {
        return computerName;
    }

    @Override
    public void write(@Nullable Object value) {
        out.push(value);
    }

    @Override
    public Optional<Boolean> confirm() {
        return Optional.ofNullable(confirm);
    }

    @Override
    public Optional<String> errorAction() {
        return Optional.ofNullable(errorAction);
    }

    /** Whether this call carries a pipeline value. */
    boolean piped() {
        return piped;
    }

    Session.Pipe out() {
        return out;
    }

    @Override
    public String toString() {
        return "BoundCall[" + parameterSet + " " + bound.keySet() + "]";
    }
}
