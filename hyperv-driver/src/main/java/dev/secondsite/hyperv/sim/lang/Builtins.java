package dev.secondsite.hyperv.sim.lang;

import static dev.secondsite.hyperv.sim.lang.ParameterSpec.mandatory;
import static dev.secondsite.hyperv.sim.lang.ParameterSpec.optional;
import static dev.secondsite.hyperv.sim.lang.ParameterSpec.switchParameter;

import dev.secondsite.hyperv.sim.lang.CmdletException.ErrorCategory;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import javax.annotation.Nullable;

/** The generic cmdlets of the subset, bound by the same binder as the model's cmdlets. */
final class Builtins {
    private Builtins() {
    }

    private interface Starter {
        CommandDef.Processor start(Session session);
    }

    private record Builtin(String name, List<ParameterSet> parameterSets, Starter starter) implements CommandDef {
        @Override
        public Optional<String> defaultParameterSet() {
            return Optional.empty();
        }

        @Override
        public Processor start(Session session) {
            return starter.start(session);
        }
    }

    private static ParameterSet set(String name, ParameterSpec... parameters) {
        return new ParameterSet(name, List.of(parameters));
    }

    private static final String CUSTOM = "System.Management.Automation.PSCustomObject";
    private static final String CREDENTIAL = "System.Management.Automation.PSCredential";

    static List<CommandDef> all() {
        List<CommandDef> all = new ArrayList<>();
        all.add(new Builtin("ForEach-Object", List.of(set("ScriptBlockSet",
                mandatory("Process", PsType.SCRIPT_BLOCK).at(0), optional("InputObject", PsType.OBJECT).pipeline())),
                session -> {
                    Session.Scope where = session.currentScope();
                    return call -> session.runWithItem((PsScriptBlock) call.value("Process"),
                            call.value("InputObject"), call::write, where);
                }));
        all.add(new Builtin("Where-Object", List.of(set("ScriptBlockSet",
                mandatory("FilterScript", PsType.SCRIPT_BLOCK).at(0),
                optional("InputObject", PsType.OBJECT).pipeline())),
                session -> {
                    Session.Scope where = session.currentScope();
                    return call -> {
                        List<Object> result = new ArrayList<>();
                        Object item = call.value("InputObject");
                        session.runWithItem((PsScriptBlock) call.value("FilterScript"), item, result::add, where);
                        if (Values.truthy(result.size() == 1 ? result.get(0) : result)) {
                            call.write(item);
                        }
                    };
                }));
        all.add(new Builtin("Select-Object", List.of(set("DefaultParameter",
                optional("Property", PsType.OBJECT_ARRAY).at(0), optional("First", PsType.INT).range(0, Integer.MAX_VALUE),
                optional("InputObject", PsType.OBJECT).pipeline())), Builtins::select));
        all.add(new Builtin("Sort-Object", List.of(set("Default",
                optional("Property", PsType.OBJECT_ARRAY).at(0), switchParameter("Descending"),
                optional("InputObject", PsType.OBJECT).pipeline())), Builtins::sort));
        all.add(new Builtin("ConvertTo-Json", List.of(set("Default",
                mandatory("InputObject", PsType.OBJECT).at(0).pipeline(), optional("Depth", PsType.INT).range(0, 100),
                switchParameter("Compress"))), Builtins::toJson));
        all.add(new Builtin("ConvertFrom-Json", List.of(set("Default",
                mandatory("InputObject", PsType.STRING).at(0).pipeline())), Builtins::fromJson));
        all.add(new Builtin("Out-Null", List.of(set("Default", optional("InputObject", PsType.OBJECT).pipeline())),
                session -> call -> {
                }));
        all.add(new Builtin("Write-Output", List.of(set("Default",
                mandatory("InputObject", PsType.OBJECT).at(0).pipeline())),
                session -> call -> {
                    Object v = call.value("InputObject");
                    if (call.piped()) {
                        call.write(v);
                    } else {
                        Session.unroll(v, call::write);
                    }
                }));
        String[] categories = Arrays.stream(ErrorCategory.values()).map(Enum::name).toArray(String[]::new);
        all.add(new Builtin("Write-Error", List.of(set("NoException", mandatory("Message", PsType.STRING).at(0),
                optional("Category", PsType.STRING).oneOf(categories), optional("ErrorId", PsType.STRING),
                optional("TargetObject", PsType.OBJECT))),
                session -> call -> {
                    String category = call.string("Category");
                    String id = call.string("ErrorId");
                    throw new CmdletException(category == null ? ErrorCategory.NotSpecified : category(category),
                            id == null ? "Microsoft.PowerShell.Commands.WriteErrorException"
                                    : id + ",Microsoft.PowerShell.Commands.WriteErrorException",
                            call.string("Message"));
                }));
        all.add(new Builtin("New-Object", List.of(set("Net", mandatory("TypeName", PsType.STRING).at(0),
                optional("ArgumentList", PsType.OBJECT_ARRAY).at(1))), session -> Builtins::newObject));
        all.add(new Builtin("ConvertTo-SecureString", List.of(set("PlainText",
                mandatory("String", PsType.STRING).at(0).pipeline(), switchParameter("AsPlainText"),
                switchParameter("Force"))), session -> Builtins::secureString));
        all.add(new Builtin("Get-Date", List.of(set("net")),
                session -> call -> call.write(OffsetDateTime.now(session.interpreter().clock()))));
        all.add(new Builtin("Invoke-Command", List.of(
                set("ComputerName", mandatory("ComputerName", PsType.STRING_ARRAY).at(0),
                        mandatory("ScriptBlock", PsType.SCRIPT_BLOCK).at(1),
                        optional("ArgumentList", PsType.OBJECT_ARRAY), optional("Credential", PsType.CREDENTIAL),
                        switchParameter("UseSSL"), optional("Port", PsType.INT).range(1, 65535)),
                set("InProcess", mandatory("ScriptBlock", PsType.SCRIPT_BLOCK).at(0),
                        optional("ArgumentList", PsType.OBJECT_ARRAY))), Builtins::invokeCommand));
        return all;
    }

    private static ErrorCategory category(String name) {
        for (ErrorCategory c : ErrorCategory.values()) {
            if (c.name().equalsIgnoreCase(name)) {
                return c;
            }
        }
        return ErrorCategory.NotSpecified;
    }

    private static CommandDef.Processor select(Session session) {
        Session.Scope where = session.currentScope();
        int[] count = {0};
        return call -> {
            Integer first = call.integer("First").orElse(null);
            if (first != null && count[0] >= first) {
                return;
            }
            count[0]++;
            Object item = call.value("InputObject");
            @SuppressWarnings("unchecked") List<Object> properties = (List<Object>) call.value("Property");
            if (properties == null) {
                call.write(item);
                return;
            }
            PsObject out = new PsObject(CUSTOM);
            for (Object p : properties) {
                if (p instanceof PsHashtable h) {
                    Object name = h.containsKey("Name") ? h.get("Name") : h.get("Label");
                    Object expression = h.get("Expression");
                    if (name == null || expression == null) {
                        throw new CmdletException(ErrorCategory.InvalidArgument,
                                "DictionaryKeyMissingKey,Microsoft.PowerShell.Commands.SelectObjectCommand",
                                "The Name and Expression keys are required in a calculated property of Select-Object.");
                    }
                    if (expression instanceof PsScriptBlock block) {
                        List<Object> result = new ArrayList<>();
                        session.runWithItem(block, item, result::add, where);
                        out.put(Values.str(name), Session.collapse(result));
                    } else {
                        out.put(Values.str(name), session.member(item, Values.str(expression)));
                    }
                } else {
                    String name = Values.str(p);
                    out.put(name, session.member(item, name));
                }
            }
            call.write(out);
        };
    }

    private static CommandDef.Processor sort(Session session) {
        List<Object> items = new ArrayList<>();
        return new CommandDef.Processor() {
            @Override
            public void process(BoundCall call) {
                if (call.piped()) {
                    items.add(call.value("InputObject"));
                } else if (call.value("InputObject") != null) {
                    items.add(call.value("InputObject"));
                }
            }

            @Override
            public void end(@Nullable BoundCall last, Session.Pipe out) {
                if (last == null) {
                    return;
                }
                @SuppressWarnings("unchecked") List<Object> properties = (List<Object>) last.value("Property");
                Comparator<Object> order = (a, b) -> {
                    if (properties == null) {
                        return safeCompare(a, b);
                    }
                    for (Object p : properties) {
                        String name = Values.str(p);
                        int c = safeCompare(session.member(a, name), session.member(b, name));
                        if (c != 0) {
                            return c;
                        }
                    }
                    return 0;
                };
                items.sort(last.flag("Descending") ? order.reversed() : order);
                for (Object item : items) {
                    out.push(item);
                }
            }
        };
    }

    private static int safeCompare(@Nullable Object a, @Nullable Object b) {
        try {
            return Values.compare(a, b);
        } catch (Values.ConversionException incomparable) {
            return Values.str(a).compareToIgnoreCase(Values.str(b));
        }
    }

    private static CommandDef.Processor toJson(Session session) {
        List<Object> items = new ArrayList<>();
        return new CommandDef.Processor() {
            @Override
            public void process(BoundCall call) {
                items.add(call.value("InputObject"));
            }

            @Override
            public void end(@Nullable BoundCall last, Session.Pipe out) {
                if (last == null) {
                    return;
                }
                Object value = items.size() == 1 ? items.get(0) : items;
                int depth = last.integer("Depth").orElse(2);
                out.push(Json.write(value, depth, last.flag("Compress"), session.interpreter().flavor()));
            }
        };
    }

    private static CommandDef.Processor fromJson(Session session) {
        StringBuilder text = new StringBuilder();
        return new CommandDef.Processor() {
            @Override
            public void process(BoundCall call) {
                if (text.length() > 0) {
                    text.append('\n');
                }
                text.append(call.string("InputObject"));
            }

            @Override
            public void end(@Nullable BoundCall last, Session.Pipe out) throws CmdletException {
                if (last == null) {
                    return;
                }
                JsonFlavor flavor = session.interpreter().flavor();
                Object value;
                try {
                    value = Json.read(text.toString(), flavor, session.zone());
                } catch (Json.JsonException e) {
                    throw new CmdletException(ErrorCategory.NotSpecified,
                            "System.ArgumentException,Microsoft.PowerShell.Commands.ConvertFromJsonCommand",
                            e.getMessage());
                }
                // 5.1 writes a JSON array as one object; 7 enumerates it
                if (flavor == JsonFlavor.POWERSHELL_7) {
                    Session.unroll(value, out);
                } else {
                    out.push(value);
                }
            }
        };
    }

    private static void newObject(BoundCall call) throws CmdletException {
        String type = call.string("TypeName");
        if (!type.equalsIgnoreCase(CREDENTIAL) && !type.equalsIgnoreCase("PSCredential")) {
            throw new CmdletException(ErrorCategory.InvalidType,
                    "TypeNotFound,Microsoft.PowerShell.Commands.NewObjectCommand",
                    "Cannot find type [" + type + "]: verify that the assembly containing this type is loaded.");
        }
        @SuppressWarnings("unchecked") List<Object> args = (List<Object>) call.value("ArgumentList");
        int n = args == null ? 0 : args.size();
        if (n != 2) {
            throw new CmdletException(ErrorCategory.InvalidOperation,
                    "ConstructorInvokedThrowException,Microsoft.PowerShell.Commands.NewObjectCommand",
                    "Cannot find an overload for \"PSCredential\" and the argument count: \"" + n + "\".");
        }
        if (!(args.get(1) instanceof PsSecureString password)) {
            throw new CmdletException(ErrorCategory.InvalidOperation,
                    "ConstructorInvokedThrowException,Microsoft.PowerShell.Commands.NewObjectCommand",
                    "Exception calling \".ctor\" with \"2\" argument(s): \"Cannot convert argument \"password\", "
                            + "with value: \"" + Values.typeName(args.get(1)) + "\", for \"PSCredential\" to type "
                            + "\"System.Security.SecureString\".\"");
        }
        if (args.get(0) == null || Values.str(args.get(0)).isEmpty()) {
            throw new CmdletException(ErrorCategory.InvalidOperation,
                    "ConstructorInvokedThrowException,Microsoft.PowerShell.Commands.NewObjectCommand",
                    "Exception calling \".ctor\" with \"2\" argument(s): \"Cannot process argument because the "
                            + "value of argument \"userName\" is not valid.\"");
        }
        call.write(new PsObject(CREDENTIAL).put("UserName", Values.str(args.get(0))).put("Password", password));
    }

    private static void secureString(BoundCall call) throws CmdletException {
        String id = "ImportSecureString_InvalidArgument,Microsoft.PowerShell.Commands.ConvertToSecureStringCommand";
        if (!call.flag("AsPlainText")) {
            throw new CmdletException(ErrorCategory.InvalidArgument, id, "ConvertTo-SecureString without "
                    + "-AsPlainText (an encrypted standard string) is not in the simulator's PowerShell subset.");
        }
        if (!call.flag("Force")) {
            throw new CmdletException(ErrorCategory.InvalidArgument, id, "The system cannot protect plain text "
                    + "input. To suppress this warning and convert the plain text to a SecureString, reissue the "
                    + "command specifying the Force parameter. For more information ,type: get-help "
                    + "ConvertTo-SecureString.");
        }
        call.write(new PsSecureString(call.string("String")));
    }

    private static CommandDef.Processor invokeCommand(Session session) {
        Session.Scope where = session.currentScope();
        return call -> {
            PsScriptBlock block = (PsScriptBlock) call.value("ScriptBlock");
            @SuppressWarnings("unchecked") List<Object> arguments = (List<Object>) call.value("ArgumentList");
            List<Object> args = arguments == null ? List.of() : arguments;
            if (call.parameterSet().equals("InProcess")) {
                List<Binder.Arg> bound = new ArrayList<>();
                for (Object a : args) {
                    bound.add(Binder.Arg.positional(a));
                }
                session.invokeScriptBlock(block, bound, call::write, where, null);
                return;
            }
            @SuppressWarnings("unchecked") List<String> computers = (List<String>) call.value("ComputerName");
            boolean ssl = call.flag("UseSSL");
            int port = call.integer("Port").orElse(ssl ? 5986 : 5985);
            PsObject credential = (PsObject) call.value("Credential");
            for (String computer : computers) {
                session.interpreter().remoteSessions().open(computer, credential, ssl, port);
                List<ErrorRecord> errors = new ArrayList<>();
                Session remote = new Session(session.interpreter(), "", computer, errors, block.body().source());
                remote.runRemote(block, args, call::write);
                session.forward(errors, call.errorAction().orElse(null));
            }
        };
    }
}
