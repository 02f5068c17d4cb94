package dev.secondsite.hyperv.sim.lang;

import dev.secondsite.hyperv.PowerShellResult;
import dev.secondsite.hyperv.sim.lang.Ast.Expr;
import dev.secondsite.hyperv.sim.lang.Ast.Stmt;
import dev.secondsite.hyperv.sim.lang.CmdletException.ErrorCategory;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * One simulated PowerShell process (or one remote session of {@code Invoke-Command}): its variables, its output
 * and error streams, and the tree-walking evaluator. PowerShell's scoping is dynamic: a script block invoked with
 * {@code &} gets a new scope whose parent is the scope it is invoked from.
 *
 * <p>Not thread-safe: one per run.
 */
final class Session {
    /** Where a pipeline stage writes. */
    interface Pipe {
        void push(@Nullable Object value);
    }

    /** {@code [Console]::In}. */
    enum ConsoleIn { IN }

    /** {@code $x.PSObject}. */
    record PsObjectView(Object target) {
    }

    private static final Object NULL = new Object();

    static final class Scope {
        final @Nullable Scope parent;
        final Map<String, Object> vars = new HashMap<>(8);

        Scope(@Nullable Scope parent) {
            this.parent = parent;
        }
    }

    private final PowerShellInterpreter interpreter;
    private final String stdin;
    private final String computerName;
    private final @Nullable List<ErrorRecord> forwardedErrors;
    private final StringBuilder stdout = new StringBuilder();
    private final StringBuilder stderr = new StringBuilder();
    private Scope scope = new Scope(null);
    // the process's own scope: script files run under it and set $LASTEXITCODE in it
    private final Scope global = scope;
    private final @Nullable Duration timeout;
    private Duration scriptRunTime = Duration.ZERO;
    private Ast.Source source;
    private int tryDepth;
    private boolean statementFailed;

    /**
     * @param forwardedErrors for a remote session: where errors the remote host would report go (they return to
     *     the caller of Invoke-Command); null for a process, whose errors go to standard error
     */
    Session(PowerShellInterpreter interpreter, String stdin, String computerName,
            @Nullable List<ErrorRecord> forwardedErrors, Ast.Source source) {
        this(interpreter, stdin, computerName, forwardedErrors, source, null);
    }

    /**
     * @param timeout the process's timeout (its script files' run times count against it), or null for a remote
     *     session, which runs no script files
     */
    Session(PowerShellInterpreter interpreter, String stdin, String computerName,
            @Nullable List<ErrorRecord> forwardedErrors, Ast.Source source, @Nullable Duration timeout) {
        this.timeout = timeout;
        this.interpreter = interpreter;
        this.stdin = stdin;
        this.computerName = computerName;
        this.forwardedErrors = forwardedErrors;
        this.source = source;
        scope.vars.put("erroractionpreference", "Continue");
        scope.vars.put("progresspreference", "Continue");
    }

    PowerShellInterpreter interpreter() {
        return interpreter;
    }

    String computerName() {
        return computerName;
    }

    ZoneId zone() {
        return interpreter.clock().getZone();
    }

    // ---- the process

    PowerShellResult runScript(Ast.ScriptBlockBody script) {
        int exit;
        try {
            bindScriptParameters(script, List.of(), null);
            for (Stmt stmt : script.statements()) {
                statementFailed = false;
                statement(stmt, this::writeHost);
            }
            exit = statementFailed ? 1 : 0;
        } catch (PsError e) {
            stderr.append(e.record().format());
            exit = 1;
        } catch (PsError.Exit e) {
            exit = e.code;
        } catch (PsError.Return e) {
            exit = statementFailed ? 1 : 0;
        } catch (PsError.Killed e) {
            // killed at its timeout, as ProcessPowerShell kills a real one: what it wrote so far is kept
            return new PowerShellResult(-1, stdout.toString(), stderr.toString(), true);
        }
        return new PowerShellResult(exit, stdout.toString(), stderr.toString(), false);
    }

    /** Runs a script block as a remote session's whole script; its output goes to {@code out}. */
    void runRemote(PsScriptBlock block, List<Object> arguments, Pipe out) {
        List<Binder.Arg> args = new ArrayList<>(arguments.size());
        for (Object a : arguments) {
            args.add(Binder.Arg.positional(a));
        }
        try {
            invokeScriptBlock(block, args, out, scope, null);
        } catch (PsError e) {
            reportError(e.record());
        } catch (PsError.Exit e) {
            // exit in a remote script block ends that session only
        }
    }

    private void writeHost(@Nullable Object value) {
        if (value == null) {
            return;
        }
        stdout.append(Values.str(value)).append("\r\n");
    }

    // ---- errors

    private String preference() {
        return Values.str(lookup("erroractionpreference"));
    }

    private void reportError(ErrorRecord record) {
        statementFailed = true;
        if (forwardedErrors != null) {
            forwardedErrors.add(record);
        } else {
            stderr.append(record.format());
        }
    }

    /** A non-terminating error: Stop makes it script-terminating, Continue reports it, SilentlyContinue drops it. */
    void writeError(ErrorRecord record, @Nullable String action) {
        String a = action != null ? action : preference();
        if (a.equalsIgnoreCase("Stop")) {
            throw new PsError(record, true);
        }
        if (a.equalsIgnoreCase("SilentlyContinue") || a.equalsIgnoreCase("Ignore")) {
            statementFailed = true;
            return;
        }
        reportError(record);
    }

    PsError runtimeError(String message, String errorId, ErrorCategory category, int pos) {
        return new PsError(new ErrorRecord(message, category, errorId, "RuntimeException", null, source, pos,
                pos + 1), false);
    }

    // ---- variables

    @Nullable Object lookup(String name) {
        for (Scope s = scope; s != null; s = s.parent) {
            Object v = s.vars.get(name);
            if (v != null) {
                return v == NULL ? null : v;
            }
        }
        return null;
    }

    void setLocal(String name, @Nullable Object value) {
        scope.vars.put(name, value == null ? NULL : value);
    }

    // ---- statements

    void statements(List<Stmt> list, Pipe out) {
        for (Stmt stmt : list) {
            try {
                statement(stmt, out);
            } catch (PsError e) {
                if (e.scriptTerminating() || tryDepth > 0 || preference().equalsIgnoreCase("Stop")) {
                    throw e;
                }
                reportError(e.record());
            }
        }
    }

    private void statement(Stmt stmt, Pipe out) {
        if (stmt instanceof Ast.Pipeline p) {
            pipeline(p, out);
        } else if (stmt instanceof Ast.Assign a) {
            assign(a.target(), pipelineValue(a.value()), a.pos());
        } else if (stmt instanceof Ast.If i) {
            for (int k = 0; k < i.conditions().size(); k++) {
                if (Values.truthy(pipelineValue(i.conditions().get(k)))) {
                    statements(i.bodies().get(k).statements(), out);
                    return;
                }
            }
            if (i.elseBody() != null) {
                statements(i.elseBody().statements(), out);
            }
        } else if (stmt instanceof Ast.Try t) {
            tryStatement(t, out);
        } else if (stmt instanceof Ast.Foreach f) {
            Object collection = pipelineValue(f.collection());
            if (collection == null) {
                return;
            }
            List<?> items = collection instanceof List<?> l ? new ArrayList<>(l) : List.of(collection);
            for (Object item : items) {
                setLocal(f.variable(), item);
                statements(f.body().statements(), out);
            }
        } else if (stmt instanceof Ast.Throw t) {
            Object value = t.value() == null ? null : pipelineValue(t.value());
            if (value instanceof ErrorRecord record) {
                throw new PsError(record, true);
            }
            String message = value == null ? "ScriptHalted" : Values.str(value);
            throw new PsError(new ErrorRecord(message, ErrorCategory.OperationStopped, message, "RuntimeException",
                    null, source, t.pos(), t.end()), true);
        } else if (stmt instanceof Ast.Return r) {
            if (r.value() != null) {
                pipeline(r.value(), out);
            }
            throw new PsError.Return();
        } else if (stmt instanceof Ast.Exit x) {
            int code = 0;
            if (x.code() != null) {
                try {
                    code = Values.toInt(pipelineValue(x.code()));
                } catch (Values.ConversionException e) {
                    throw runtimeError(e.getMessage(), "RuntimeException", ErrorCategory.InvalidArgument, x.pos());
                }
            }
            throw new PsError.Exit(code);
        } else {
            throw new IllegalStateException("unknown statement " + stmt);
        }
    }

    private void tryStatement(Ast.Try t, Pipe out) {
        PsError caught;
        tryDepth++;
        try {
            statements(t.body().statements(), out);
            return;
        } catch (PsError e) {
            caught = e;
        } finally {
            tryDepth--;
        }
        Object saved = scope.vars.get("_");
        setLocal("_", caught.record());
        try {
            statements(t.catchBody().statements(), out);
        } finally {
            if (saved == null) {
                scope.vars.remove("_");
            } else {
                scope.vars.put("_", saved);
            }
        }
    }

    /** The value of a pipeline as an assignment sees it: an expression whole, command output 0/1/many. */
    @Nullable Object pipelineValue(Ast.Pipeline p) {
        Expr sole = p.soleExpression();
        if (sole != null) {
            return eval(sole);
        }
        List<Object> out = new ArrayList<>();
        pipeline(p, out::add);
        return collapse(out);
    }

    static @Nullable Object collapse(List<Object> out) {
        if (out.isEmpty()) {
            return null;
        }
        return out.size() == 1 ? out.get(0) : out;
    }

    static void unroll(@Nullable Object value, Pipe out) {
        if (value instanceof List<?> list) {
            for (Object item : list) {
                out.push(item);
            }
        } else {
            out.push(value);
        }
    }

    // ---- pipelines and commands

    private void pipeline(Ast.Pipeline p, Pipe out) {
        List<Ast.Element> elements = p.elements();
        int n = elements.size();
        if (n == 1) {
            Ast.Element e = elements.get(0);
            if (e instanceof Ast.ExprElement x) {
                unroll(eval(x.expr()), out);
            } else {
                command((Ast.Command) e, out, null);
            }
            return;
        }
        Stage[] stages = new Stage[n];
        Pipe down = out;
        for (int i = n - 1; i >= 1; i--) {
            stages[i] = new Stage((Ast.Command) elements.get(i), down);
            down = stages[i];
        }
        Ast.Element first = elements.get(0);
        if (first instanceof Ast.ExprElement x) {
            unroll(eval(x.expr()), down);
        } else {
            command((Ast.Command) first, down, null);
        }
        for (int i = 1; i < n; i++) {
            stages[i].end();
        }
    }

    /** A command after the first stage of a pipeline: bound and run once per input value. */
    private final class Stage implements Pipe {
        private final Ast.Command node;
        private final CommandDef def;
        private final List<Binder.Arg> args;
        private final CommandDef.Processor processor;
        private final Pipe out;
        private final Scope stageScope;
        private final Ast.Source stageSource;
        private BoundCall last;

        Stage(Ast.Command node, Pipe out) {
            this.node = node;
            this.out = out;
            this.stageScope = scope;
            this.stageSource = source;
            CommandDef resolved;
            if (node.invoked() != null) {
                Object target = eval(node.invoked());
                if (target instanceof String name) {
                    resolved = resolve(name, node);
                } else {
                    throw new PsError(new ErrorRecord("A script block invoked with '&' after the first element of "
                            + "a pipeline is not in the simulator's PowerShell subset.", ErrorCategory.ParserError,
                            "NotInSubset", "RuntimeException", null, source, node.start(), node.end()), false);
                }
            } else {
                resolved = resolve(node.name(), node);
            }
            this.def = resolved;
            this.args = arguments(node.args());
            this.processor = def.start(Session.this);
        }

        @Override
        public void push(@Nullable Object value) {
            Scope savedScope = scope;
            Ast.Source savedSource = source;
            scope = stageScope;
            source = stageSource;
            try {
                BoundCall call = bind(def, args, true, value, out, node);
                last = call;
                process(def, processor, call, node);
            } finally {
                scope = savedScope;
                source = savedSource;
            }
        }

        void end() {
            Scope savedScope = scope;
            scope = stageScope;
            try {
                processor.end(last, out);
            } catch (CmdletException e) {
                cmdletError(e, last == null ? null : last.errorAction().orElse(null), def, node);
            } finally {
                scope = savedScope;
            }
        }
    }

    private void command(Ast.Command node, Pipe out, @Nullable Object unused) {
        CommandDef def;
        if (node.invoked() != null) {
            Object target = eval(node.invoked());
            if (target instanceof List<?> l && l.size() == 1) {
                target = l.get(0);
            }
            if (target instanceof PsScriptBlock block) {
                invokeScriptBlock(block, arguments(node.args()), out, scope, node);
                return;
            }
            if (target instanceof String path) {
                ScriptFiles.ScriptFile file = interpreter.scriptFile(computerName, path);
                if (file != null) {
                    runScriptFile(path, file, arguments(node.args()), out, node);
                    return;
                }
            }
            if (!(target instanceof String name)) {
                throw new PsError(new ErrorRecord("The expression after '&' in a pipeline element produced an "
                        + "object that was not valid. It must result in a command name, a script block, or a "
                        + "CommandInfo object.", ErrorCategory.InvalidOperation, "BadExpression", "RuntimeException",
                        null, source, node.start(), node.end()), false);
            }
            def = resolve(name, node);
        } else {
            def = resolve(node.name(), node);
        }
        List<Binder.Arg> args = arguments(node.args());
        BoundCall call = bind(def, args, false, null, out, node);
        CommandDef.Processor processor = def.start(this);
        process(def, processor, call, node);
        try {
            processor.end(call, out);
        } catch (CmdletException e) {
            cmdletError(e, call.errorAction().orElse(null), def, node);
        }
    }

    private CommandDef resolve(String name, Ast.Command node) {
        CommandDef def = interpreter.command(name);
        if (def == null) {
            throw new PsError(new ErrorRecord("The term '" + name + "' is not recognized as the name of a cmdlet, "
                    + "function, script file, or operable program. Check the spelling of the name, or if a path was "
                    + "included, verify that the path is correct and try again.", ErrorCategory.ObjectNotFound,
                    "CommandNotFoundException", "CommandNotFoundException", name, node.source(), node.start(),
                    node.start() + name.length()), false);
        }
        return def;
    }

    private BoundCall bind(CommandDef def, List<Binder.Arg> args, boolean piped, @Nullable Object value, Pipe out,
                           Ast.Command node) {
        try {
            return Binder.bind(def, args, piped, value, computerName, out, zone());
        } catch (Binder.BindingException e) {
            ErrorRecord record = new ErrorRecord(e.getMessage(), e.category, e.errorId + "," + def.name(),
                    "ParameterBindingException", def.name(), node.source(), node.start(), node.end());
            if (e.errorId.equals("InputObjectNotBound")) {
                writeError(record, null);
                return null;
            }
            throw new PsError(record, false);
        }
    }

    private void process(CommandDef def, CommandDef.Processor processor, @Nullable BoundCall call,
                         Ast.Command node) {
        if (call == null) {
            return;
        }
        try {
            processor.process(call);
        } catch (CmdletException e) {
            cmdletError(e, call.errorAction().orElse(null), def, node);
        }
    }

    private void cmdletError(CmdletException e, @Nullable String action, CommandDef def, Ast.Command node) {
        writeError(new ErrorRecord(e.getMessage(), e.category(), e.errorId(), "CmdletInvocationException",
                def.name(), node.source(), node.start(), node.end()), action);
    }

    /** Errors a remote session reported, as the caller of Invoke-Command sees them. */
    void forward(List<ErrorRecord> remote, @Nullable String action) {
        for (ErrorRecord r : remote) {
            writeError(r, action);
        }
    }

    private List<Binder.Arg> arguments(List<Ast.Arg> args) {
        List<Binder.Arg> out = new ArrayList<>(args.size() + 4);
        for (Ast.Arg a : args) {
            if (a instanceof Ast.ValueArg v) {
                out.add(Binder.Arg.positional(eval(v.value())));
            } else if (a instanceof Ast.ParamArg p) {
                out.add(new Binder.Arg(p.name(), p.colon(), p.colon() ? eval(p.value()) : null));
            } else {
                Ast.SplatArg s = (Ast.SplatArg) a;
                Object value = lookup(s.variable());
                if (value instanceof PsHashtable h) {
                    for (String key : h.keys()) {
                        out.add(new Binder.Arg(key, true, h.get(key)));
                    }
                } else if (value instanceof List<?> list) {
                    for (Object item : list) {
                        out.add(Binder.Arg.positional(item));
                    }
                } else if (value != null) {
                    out.add(Binder.Arg.positional(value));
                }
            }
        }
        return out;
    }

    // ---- script blocks

    /** {@code & { ... }}: a new scope under {@code parent}, parameters bound, output to {@code out}. */
    void invokeScriptBlock(PsScriptBlock block, List<Binder.Arg> args, Pipe out, Scope parent,
                           @Nullable Ast.Command node) {
        Scope savedScope = scope;
        Ast.Source savedSource = source;
        scope = new Scope(parent);
        try {
            bindScriptParameters(block.body(), args, node);
            source = block.body().source();
            statements(block.body().statements(), out);
        } catch (PsError.Return r) {
            // return ends the script block
        } finally {
            scope = savedScope;
            source = savedSource;
        }
    }

    /**
     * {@code & <path>} of a script file (RP8): its own scope under the process's, parameters bound, output to
     * {@code out}; its {@code exit n} ends only the script and sets {@code $LASTEXITCODE} to n (left as it was when
     * the script sets none); its errors are the process's. A script that would run past the process's timeout
     * kills the process first.
     */
    private void runScriptFile(String path, ScriptFiles.ScriptFile file, List<Binder.Arg> args, Pipe out,
                               Ast.Command node) {
        scriptRunTime = scriptRunTime.plus(file.runTime());
        if (timeout != null && scriptRunTime.compareTo(timeout) > 0) {
            throw new PsError.Killed();
        }
        Ast.ScriptBlockBody body;
        try {
            body = interpreter.parseScriptFile(file.text());
        } catch (ParseException e) {
            throw new PsError(new ErrorRecord(path + ": " + e.getMessage(), ErrorCategory.ParserError,
                    "ParseException", "ParseException", path, node.source(), node.start(), node.end()), false);
        }
        Scope savedScope = scope;
        Ast.Source savedSource = source;
        scope = new Scope(global);
        try {
            bindScriptParameters(body, args, node);
            source = body.source();
            statements(body.statements(), out);
        } catch (PsError.Return r) {
            // return ends the script file
        } catch (PsError.Exit e) {
            global.vars.put("lastexitcode", e.code);
        } finally {
            scope = savedScope;
            source = savedSource;
        }
    }

    /** ForEach-Object and Where-Object: the block runs in the current scope with {@code $_} set. */
    void runWithItem(PsScriptBlock block, @Nullable Object item, Pipe out, Scope where) {
        Scope savedScope = scope;
        Ast.Source savedSource = source;
        scope = where;
        Object saved = scope.vars.get("_");
        setLocal("_", item);
        source = block.body().source();
        try {
            statements(block.body().statements(), out);
        } catch (PsError.Return r) {
            // return ends this iteration only
        } finally {
            if (saved == null) {
                scope.vars.remove("_");
            } else {
                scope.vars.put("_", saved);
            }
            scope = savedScope;
            source = savedSource;
        }
    }

    Scope currentScope() {
        return scope;
    }

    private void bindScriptParameters(Ast.ScriptBlockBody body, List<Binder.Arg> args, @Nullable Ast.Command node) {
        List<Ast.Param> params = body.params();
        if (params.isEmpty()) {
            return;
        }
        Object[] values = new Object[params.size()];
        boolean[] given = new boolean[params.size()];
        List<Object> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            Binder.Arg a = args.get(i);
            if (a.name() == null) {
                positional.add(a.value());
                continue;
            }
            int k = paramIndex(params, a.name());
            if (k < 0) {
                throw bindingError("NamedParameterNotFound", "A parameter cannot be found that matches parameter "
                        + "name '" + a.name() + "'.", node);
            }
            Ast.Param p = params.get(k);
            if (given[k]) {
                throw bindingError("ParameterAlreadyBound", "Cannot bind parameter because parameter '" + p.name()
                        + "' is specified more than once.", node);
            }
            if (a.hasValue()) {
                values[k] = a.value();
            } else if ("switch".equals(p.type())) {
                values[k] = Boolean.TRUE;
            } else if (i + 1 < args.size() && args.get(i + 1).name() == null) {
                values[k] = args.get(++i).value();
            } else {
                throw bindingError("MissingArgument", "Missing an argument for parameter '" + p.name() + "'. "
                        + "Specify a parameter of type '" + dotNet(p.type()) + "' and try again.", node);
            }
            given[k] = true;
        }
        int next = 0;
        for (Object value : positional) {
            while (next < params.size() && (given[next] || "switch".equals(params.get(next).type()))) {
                next++;
            }
            if (next >= params.size()) {
                break;  // extra arguments would be $args, which the subset leaves out
            }
            values[next] = value;
            given[next] = true;
        }
        for (int k = 0; k < params.size(); k++) {
            Ast.Param p = params.get(k);
            Object value;
            if (given[k]) {
                value = values[k];
            } else if (p.defaultValue() != null) {
                value = eval(p.defaultValue());
            } else {
                value = typeDefault(p.type());
                setLocal(p.lowerName(), value);
                continue;
            }
            try {
                setLocal(p.lowerName(), convertParameter(p.type(), value));
            } catch (Values.ConversionException e) {
                throw bindingError("ParameterArgumentTransformationError", "Cannot process argument "
                        + "transformation on parameter '" + p.name() + "'. " + e.getMessage(), node);
            }
        }
    }

    private static int paramIndex(List<Ast.Param> params, String name) {
        String lower = NameMap.key(name);
        for (int k = 0; k < params.size(); k++) {
            if (params.get(k).lowerName().equals(lower)) {
                return k;
            }
        }
        return -1;
    }

    private PsError bindingError(String errorId, String message, @Nullable Ast.Command node) {
        return new PsError(new ErrorRecord(message, ErrorCategory.InvalidArgument, errorId,
                "ParameterBindingException", null, node == null ? source : node.source(),
                node == null ? 0 : node.start(), node == null ? 0 : node.end()), false);
    }

    private static String dotNet(@Nullable String type) {
        if (type == null) {
            return "System.Object";
        }
        switch (type) {
            case "string": return "System.String";
            case "int": return "System.Int32";
            case "long": return "System.Int64";
            case "bool": return "System.Boolean";
            case "datetime": return "System.DateTime";
            case "string[]": return "System.String[]";
            case "object[]": return "System.Object[]";
            case "hashtable": return "System.Collections.Hashtable";
            default: return "System.Object";
        }
    }

    private static @Nullable Object typeDefault(@Nullable String type) {
        if (type == null) {
            return null;
        }
        switch (type) {
            case "string": return "";
            case "int": return 0;
            case "long": return 0L;
            case "bool": return Boolean.FALSE;
            case "switch": return new Values.PsSwitch(false);
            case "datetime": return Values.MIN_DATE;
            default: return null;
        }
    }

    private @Nullable Object convertParameter(@Nullable String type, @Nullable Object value)
            throws Values.ConversionException {
        if (type == null) {
            return value;
        }
        switch (type) {
            case "string": return Values.str(value);
            case "int": return Values.toInt(value);
            case "long": return Values.toLong(value);
            case "bool": return Values.toBoolParameter(value);
            case "switch": return new Values.PsSwitch(Values.toBoolParameter(value));
            case "datetime": return Values.toDateTime(value, zone());
            case "string[]": return Binder.convertValue(PsType.STRING_ARRAY, value, zone()) == null ? null
                    : new ArrayList<>((List<?>) Binder.convertValue(PsType.STRING_ARRAY, value, zone()));
            case "object[]": return value == null ? null
                    : value instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>(List.of(value));
            case "hashtable": return Binder.convertValue(PsType.HASHTABLE, value, zone());
            default: return value;
        }
    }

    // ---- expressions

    @Nullable Object eval(Expr e) {
        if (e instanceof Ast.Var v) {
            return lookup(v.name());
        }
        if (e instanceof Ast.Const c) {
            return c.value();
        }
        if (e instanceof Ast.Member m) {
            return member(eval(m.target()), m.name());
        }
        if (e instanceof Ast.MethodCall mc) {
            Object target = eval(mc.target());
            List<Object> args = new ArrayList<>(mc.args().size());
            for (Expr a : mc.args()) {
                args.add(eval(a));
            }
            return method(target, mc.name(), args, mc.pos());
        }
        if (e instanceof Ast.Expandable x) {
            StringBuilder sb = new StringBuilder();
            for (Object part : x.parts()) {
                sb.append(part instanceof String s ? s : Values.str(eval((Expr) part)));
            }
            return sb.toString();
        }
        if (e instanceof Ast.HashLiteral h) {
            return hashtable(h);
        }
        if (e instanceof Ast.Cast c) {
            return cast(c);
        }
        if (e instanceof Ast.ArraySubExpression a) {
            List<Object> out = new ArrayList<>();
            statements(a.statements(), out::add);
            return out;
        }
        if (e instanceof Ast.SubExpression s) {
            List<Object> out = new ArrayList<>();
            statements(s.statements(), out::add);
            return collapse(out);
        }
        if (e instanceof Ast.Paren p) {
            if (p.statement() instanceof Ast.Pipeline pipe) {
                return pipelineValue(pipe);
            }
            if (p.statement() instanceof Ast.Assign a) {
                Object value = pipelineValue(a.value());
                assign(a.target(), value, a.pos());
                return value;
            }
            List<Object> out = new ArrayList<>();
            statements(List.of(p.statement()), out::add);
            return collapse(out);
        }
        if (e instanceof Ast.ArrayLiteral a) {
            List<Object> out = new ArrayList<>(a.items().size());
            for (Expr item : a.items()) {
                out.add(eval(item));
            }
            return out;
        }
        if (e instanceof Ast.Binary b) {
            return binary(b);
        }
        if (e instanceof Ast.Unary u) {
            Object v = eval(u.operand());
            if (u.op().equals("!")) {
                return !Values.truthy(v);
            }
            try {
                return Values.negate(Values.toNumber(v));
            } catch (Values.ConversionException ex) {
                throw runtimeError(ex.getMessage(), "RuntimeException", ErrorCategory.InvalidOperation, u.pos());
            }
        }
        if (e instanceof Ast.Index i) {
            return index(eval(i.target()), eval(i.index()), i.pos());
        }
        if (e instanceof Ast.ScriptBlockLiteral s) {
            return new PsScriptBlock(s.body());
        }
        if (e instanceof Ast.ConsoleIn) {
            return ConsoleIn.IN;
        }
        throw new IllegalStateException("unknown expression " + e);
    }

    private PsHashtable hashtable(Ast.HashLiteral h) {
        PsHashtable table = new PsHashtable();
        for (int i = 0; i < h.keys().size(); i++) {
            Object key = eval(h.keys().get(i));
            if (key == null) {
                throw runtimeError("A null key is not allowed in a hash literal.", "InvalidNullKey",
                        ErrorCategory.InvalidOperation, 0);
            }
            String k = Values.str(key);
            if (table.containsKey(k)) {
                throw runtimeError("Duplicate keys '" + k + "' are not allowed in hash literals.",
                        "DuplicateKeyInHashLiteral", ErrorCategory.InvalidOperation, 0);
            }
            table.put(k, pipelineValue(h.values().get(i)));
        }
        return table;
    }

    private @Nullable Object cast(Ast.Cast c) {
        if (c.type().equals("pscustomobject") && c.operand() instanceof Ast.HashLiteral h) {
            return new PsObject("System.Management.Automation.PSCustomObject", hashtable(h));
        }
        Object v = eval(c.operand());
        try {
            switch (c.type()) {
                case "string": return Values.str(v);
                case "int": return Values.toInt(v);
                case "long": return Values.toLong(v);
                case "bool": return Values.truthy(v);
                case "datetime": return Values.toDateTime(v, zone());
                case "string[]": {
                    Object list = Binder.convertValue(PsType.STRING_ARRAY, v, zone());
                    return list == null ? null : new ArrayList<>((List<?>) list);
                }
                case "object[]": return v == null ? null
                        : v instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>(List.of(v));
                case "hashtable": return Binder.convertValue(PsType.HASHTABLE, v, zone());
                default: return v;
            }
        } catch (Values.ConversionException ex) {
            String id = v instanceof String && (c.type().equals("int") || c.type().equals("long"))
                    ? "InvalidCastFromStringToInteger" : "ConvertToFinalInvalidCastException";
            throw runtimeError(ex.getMessage(), id, ErrorCategory.InvalidArgument, c.pos());
        }
    }

    private Object binary(Ast.Binary b) {
        String op = b.op();
        if (op.equals("-and")) {
            return Values.truthy(eval(b.left())) && Values.truthy(eval(b.right()));
        }
        if (op.equals("-or")) {
            return Values.truthy(eval(b.left())) || Values.truthy(eval(b.right()));
        }
        Object l = eval(b.left());
        Object r = eval(b.right());
        try {
            if (op.equals("+")) {
                return Values.add(l, r);
            }
            if (op.equals("-")) {
                return Values.subtract(l, r);
            }
            if (l instanceof List<?> list) {
                List<Object> matches = new ArrayList<>();
                for (Object item : list) {
                    if (compare(op, item, r)) {
                        matches.add(item);
                    }
                }
                return matches;
            }
            return compare(op, l, r);
        } catch (Values.ConversionException ex) {
            throw runtimeError(ex.getMessage(), "RuntimeException", ErrorCategory.InvalidOperation, b.pos());
        }
    }

    private static boolean compare(String op, @Nullable Object l, @Nullable Object r)
            throws Values.ConversionException {
        switch (op) {
            case "-eq": return Values.equal(l, r);
            case "-ne": return !Values.equal(l, r);
            case "-gt": return Values.compare(l, r) > 0;
            case "-ge": return Values.compare(l, r) >= 0;
            case "-lt": return Values.compare(l, r) < 0;
            case "-le": return Values.compare(l, r) <= 0;
            case "-like": return Values.like(l, r);
            case "-notlike": return !Values.like(l, r);
            default: throw new IllegalStateException(op);
        }
    }

    private @Nullable Object index(@Nullable Object target, @Nullable Object idx, int pos) {
        if (target == null) {
            throw runtimeError("Cannot index into a null array.", "NullArray", ErrorCategory.InvalidOperation, pos);
        }
        if (target instanceof PsHashtable h) {
            return h.get(Values.str(idx));
        }
        try {
            if (target instanceof List<?> list) {
                if (idx instanceof List<?> many) {
                    List<Object> out = new ArrayList<>();
                    for (Object i : many) {
                        Object v = element(list, Values.toInt(i));
                        if (v != null) {
                            out.add(v);
                        }
                    }
                    return out;
                }
                return element(list, Values.toInt(idx));
            }
            if (target instanceof String s) {
                int i = Values.toInt(idx);
                int at = i < 0 ? s.length() + i : i;
                return at >= 0 && at < s.length() ? String.valueOf(s.charAt(at)) : null;
            }
        } catch (Values.ConversionException ex) {
            throw runtimeError(ex.getMessage(), "RuntimeException", ErrorCategory.InvalidArgument, pos);
        }
        throw runtimeError("Unable to index into an object of type " + Values.typeName(target) + ".",
                "CannotIndex", ErrorCategory.InvalidOperation, pos);
    }

    private static @Nullable Object element(List<?> list, int i) {
        int at = i < 0 ? list.size() + i : i;
        return at >= 0 && at < list.size() ? list.get(at) : null;
    }

    private void assign(Expr target, @Nullable Object value, int pos) {
        if (target instanceof Ast.Var v) {
            if (!v.name().equals("null")) {
                setLocal(v.name(), value);
            }
            return;
        }
        if (target instanceof Ast.Member m) {
            Object obj = eval(m.target());
            if (obj instanceof PsHashtable h) {
                h.put(m.name(), value);
                return;
            }
            if (obj instanceof PsObject o && o.has(m.name())) {
                o.put(m.name(), value);
                return;
            }
            throw runtimeError("The property '" + m.name() + "' cannot be found on this object. Verify that the "
                    + "property exists and can be set.", "PropertyNotFound", ErrorCategory.InvalidOperation, pos);
        }
        Ast.Index i = (Ast.Index) target;
        Object obj = eval(i.target());
        Object idx = eval(i.index());
        if (obj instanceof PsHashtable h) {
            if (idx == null) {
                throw runtimeError("Index operation failed; the array index evaluated to null.", "NullArrayIndex",
                        ErrorCategory.InvalidOperation, pos);
            }
            h.put(Values.str(idx), value);
            return;
        }
        if (obj instanceof List<?> list) {
            try {
                int k = Values.toInt(idx);
                int at = k < 0 ? list.size() + k : k;
                if (at < 0 || at >= list.size()) {
                    throw runtimeError("Index was outside the bounds of the array.", "IndexOutOfRange",
                            ErrorCategory.InvalidOperation, pos);
                }
                @SuppressWarnings("unchecked") List<Object> writable = (List<Object>) list;
                writable.set(at, value);
                return;
            } catch (Values.ConversionException ex) {
                throw runtimeError(ex.getMessage(), "RuntimeException", ErrorCategory.InvalidArgument, pos);
            } catch (UnsupportedOperationException readOnly) {
                throw runtimeError("Unable to index into an object of type " + Values.typeName(obj) + ".",
                        "CannotIndex", ErrorCategory.InvalidOperation, pos);
            }
        }
        if (obj == null) {
            throw runtimeError("Cannot index into a null array.", "NullArray", ErrorCategory.InvalidOperation, pos);
        }
        throw runtimeError("Unable to index into an object of type " + Values.typeName(obj) + ".", "CannotIndex",
                ErrorCategory.InvalidOperation, pos);
    }

    // ---- members and methods

    @Nullable Object member(@Nullable Object target, String name) {
        if (target == null) {
            return name.equalsIgnoreCase("Count") || name.equalsIgnoreCase("Length") ? (Object) 0 : null;
        }
        if (target instanceof PsObject o) {
            if (o.has(name)) {
                return o.get(name);
            }
            if (name.equalsIgnoreCase("PSObject")) {
                return new PsObjectView(o);
            }
            return scalarMember(name);
        }
        if (target instanceof PsHashtable h) {
            if (h.containsKey(name)) {
                return h.get(name);
            }
            if (name.equalsIgnoreCase("Count")) {
                return h.size();
            }
            if (name.equalsIgnoreCase("Keys")) {
                return new ArrayList<Object>(h.keys());
            }
            return null;
        }
        if (target instanceof List<?> list) {
            if (name.equalsIgnoreCase("Count") || name.equalsIgnoreCase("Length")) {
                return list.size();
            }
            List<Object> out = new ArrayList<>();
            for (Object item : list) {
                Object v = member(item, name);
                if (v instanceof List<?> inner) {
                    out.addAll(inner);
                } else if (v != null) {
                    out.add(v);
                }
            }
            return collapse(out);
        }
        if (target instanceof String s) {
            return name.equalsIgnoreCase("Length") ? (Object) s.length() : scalarMember(name);
        }
        if (target instanceof ErrorRecord r) {
            switch (NameMap.key(name)) {
                case "exception":
                    return new PsObject("System.Management.Automation." + r.exceptionType()).put("Message",
                            r.message());
                case "categoryinfo":
                    return new PsObject("System.Management.Automation.ErrorCategoryInfo")
                            .put("Category", new PsEnum("System.Management.Automation.ErrorCategory",
                                    r.category().name(), r.category().ordinal()))
                            .put("Activity", r.commandName() == null ? "" : r.commandName())
                            .put("Reason", r.exceptionType());
                case "fullyqualifiederrorid":
                    return r.errorId();
                case "targetobject":
                    return null;
                default:
                    return scalarMember(name);
            }
        }
        if (target instanceof PsObjectView view) {
            if (name.equalsIgnoreCase("Properties") && view.target() instanceof PsObject o) {
                List<Object> props = new ArrayList<>();
                for (String n : o.propertyNames()) {
                    props.add(new PsObject("System.Management.Automation.PSNoteProperty").put("Name", n)
                            .put("Value", o.get(n)));
                }
                return props;
            }
            return null;
        }
        if (target instanceof OffsetDateTime t) {
            switch (NameMap.key(name)) {
                case "year": return t.getYear();
                case "month": return t.getMonthValue();
                case "day": return t.getDayOfMonth();
                case "hour": return t.getHour();
                case "minute": return t.getMinute();
                case "second": return t.getSecond();
                case "millisecond": return t.getNano() / 1_000_000;
                default: return scalarMember(name);
            }
        }
        if (target instanceof PsEnum e && name.equalsIgnoreCase("value__")) {
            return e.value();
        }
        if (target instanceof PsSecureString s && name.equalsIgnoreCase("Length")) {
            return s.length();
        }
        if (target instanceof Values.PsSwitch s && name.equalsIgnoreCase("IsPresent")) {
            return s.present();
        }
        return scalarMember(name);
    }

    private static @Nullable Object scalarMember(String name) {
        return name.equalsIgnoreCase("Count") || name.equalsIgnoreCase("Length") ? (Object) 1 : null;
    }

    private @Nullable Object method(@Nullable Object target, String name, List<Object> args, int pos) {
        if (target == null) {
            throw runtimeError("You cannot call a method on a null-valued expression.", "InvokeMethodOnNull",
                    ErrorCategory.InvalidOperation, pos);
        }
        String lower = NameMap.key(name);
        if (lower.equals("tostring")) {
            if (args.isEmpty()) {
                return Values.toStringMethod(target);
            }
            if (target instanceof OffsetDateTime t && args.size() == 1) {
                String format = Values.str(args.get(0));
                if (format.equals("o") || format.equals("O")) {
                    return Values.roundTrip(t);
                }
                throw runtimeError("The date format '" + format + "' is not in the simulator's PowerShell subset "
                        + "(only 'o').", "NotInSubset", ErrorCategory.NotImplemented, pos);
            }
        } else if (lower.equals("touniversaltime") && args.isEmpty() && target instanceof OffsetDateTime t) {
            return t.withOffsetSameInstant(ZoneOffset.UTC);
        } else if (lower.equals("tolocaltime") && args.isEmpty() && target instanceof OffsetDateTime t) {
            return t.atZoneSameInstant(zone()).toOffsetDateTime();
        } else if (lower.equals("readtoend") && args.isEmpty() && target == ConsoleIn.IN) {
            return stdin;
        } else if (target instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object item : list) {
                unroll(method(item, name, args, pos), out::add);
            }
            return collapse(out);
        }
        throw runtimeError("Method invocation failed because [" + Values.typeName(target) + "] does not contain a "
                + "method named '" + name + "'.", "MethodNotFound", ErrorCategory.InvalidOperation, pos);
    }
}
