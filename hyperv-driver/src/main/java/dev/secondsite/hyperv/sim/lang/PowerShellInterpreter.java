package dev.secondsite.hyperv.sim.lang;

import static java.util.Objects.requireNonNull;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.secondsite.hyperv.PowerShellInvocation;
import dev.secondsite.hyperv.PowerShellResult;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import javax.annotation.Nullable;

/**
 * Runs PowerShell invocations in memory: decodes the command line ({@code -EncodedCommand}), parses the script
 * (the subset of {@code docs/powershell-subset.md}), binds and runs cmdlets, and answers what a powershell.exe
 * process would have written and exited with. The Hyper-V and VMM model plugs its cmdlets in; the generic ones
 * ({@code ConvertTo-Json}, {@code ForEach-Object}, {@code Invoke-Command}, ...) are built in.
 *
 * <p>What a run answers: exit code 0 and the script's output on standard output when it ends normally; the
 * {@code exit} code when it calls {@code exit}; 1 with PowerShell's error text on standard error when an error
 * ends the script (or the last statement wrote a non-terminating error); 1 with the parser's message on standard
 * error when the script does not parse or leaves the subset; {@link CommandLine#USAGE_EXIT_CODE} (64) with a
 * message on standard error when the command line is refused. Output lines end with CRLF, as on Windows.
 *
 * <p>Parsed scripts are cached by their text (bounded, least recently used first out), so the driver's few fixed
 * scripts are parsed once. The invocation's timeout is not enforced: a script of the subset has no loops but
 * {@code foreach} over finite values, and cmdlets run in memory.
 *
 * <p>Thread-safe once built: each {@link #run} is an independent process with its own variables.
 */
public final class PowerShellInterpreter {
    private static final int CACHE_SIZE = 256;

    private final Map<String, CommandDef> commands;
    private final RemoteSessions remoteSessions;
    private final JsonFlavor flavor;
    private final Clock clock;
    private final ScriptFiles scriptFiles;
    private final Cache<String, Parsed> encodedCache = CacheBuilder.newBuilder().maximumSize(CACHE_SIZE).build();
    private final Cache<String, Parsed> textCache = CacheBuilder.newBuilder().maximumSize(CACHE_SIZE).build();

    /** A parsed script, or why it does not parse (or, for a usage error, why it cannot even be decoded). */
    private record Parsed(@Nullable Ast.ScriptBlockBody script, @Nullable String error, boolean usageError) {
    }

    private PowerShellInterpreter(Builder builder) {
        Map<String, CommandDef> map = new HashMap<>();
        for (CommandDef builtin : Builtins.all()) {
            map.put(builtin.name().toLowerCase(Locale.ROOT), builtin);
        }
        for (Cmdlet cmdlet : builder.cmdlets) {
            map.put(cmdlet.name().toLowerCase(Locale.ROOT), new CommandDef.Model(cmdlet));
        }
        this.commands = Map.copyOf(map);
        this.remoteSessions = requireNonNull(builder.remoteSessions, "remoteSessions");
        this.flavor = builder.flavor;
        this.clock = builder.clock;
        this.scriptFiles = builder.scriptFiles;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs one invocation as a process on {@code computerName} would.
     *
     * @param computerName the machine the process runs on (the simulated VMM server)
     * @return the exit code, standard output and standard error of the simulated process (never timed out)
     * @throws RuntimeException only what a model {@link Cmdlet} throws besides {@link CmdletException} (a bug there)
     */
    public PowerShellResult run(PowerShellInvocation invocation, String computerName) {
        requireNonNull(invocation, "invocation");
        requireNonNull(computerName, "computerName");
        CommandLine.Decoded line = CommandLine.parse(invocation.arguments());
        if (line.error() != null) {
            return new PowerShellResult(CommandLine.USAGE_EXIT_CODE, "", line.error() + "\r\n", false);
        }
        Parsed parsed = parsed(line);
        if (parsed.usageError()) {
            return new PowerShellResult(CommandLine.USAGE_EXIT_CODE, "", parsed.error() + "\r\n", false);
        }
        if (parsed.script() == null) {
            return new PowerShellResult(1, "", parsed.error(), false);
        }
        Session session = new Session(this, invocation.stdin(), computerName, null, parsed.script().source(),
                invocation.timeout());
        return session.runScript(parsed.script());
    }

    private Parsed parsed(CommandLine.Decoded line) {
        try {
            if (line.encoded() != null) {
                return encodedCache.get(line.encoded(), () -> {
                    String text;
                    try {
                        text = CommandLine.decode(line.encoded());
                    } catch (IllegalArgumentException notBase64) {
                        return new Parsed(null, CommandLine.NOT_BASE64, true);
                    }
                    return parse(text);
                });
            }
            return textCache.get(line.command(), () -> parse(line.command()));
        } catch (ExecutionException e) {
            throw new IllegalStateException("parsing cannot throw a checked exception", e.getCause());
        }
    }

    private static Parsed parse(String text) {
        try {
            return new Parsed(Parser.parse(text), null, false);
        } catch (ParseException e) {
            return new Parsed(null, formatParseError(text, e), false);
        }
    }

    /** A parse error as powershell.exe writes it. */
    static String formatParseError(String text, ParseException e) {
        Ast.Source source = new Ast.Source(text);
        int start = Math.min(e.start(), text.length());
        String line = source.lineText(start);
        int column = source.column(start);
        int width = Math.max(1, Math.min(e.end() - start, line.length() - column + 1));
        return "At line:" + source.line(start) + " char:" + column + "\r\n"
                + "+ " + line + "\r\n"
                + "+ " + " ".repeat(Math.max(0, column - 1)) + "~".repeat(width) + "\r\n"
                + e.getMessage() + "\r\n"
                + "    + CategoryInfo          : ParserError: (:) [], ParentContainsErrorRecordException\r\n"
                + "    + FullyQualifiedErrorId : " + e.errorId() + "\r\n \r\n";
    }

    @Nullable CommandDef command(String name) {
        return commands.get(NameMap.key(name));
    }

    @Nullable ScriptFiles.ScriptFile scriptFile(String computerName, String path) {
        return scriptFiles.find(computerName, path);
    }

    /**
     * A script file's text parsed (cached like the processes' scripts).
     *
     * @throws ParseException when it is not in the subset
     */
    Ast.ScriptBlockBody parseScriptFile(String text) throws ParseException {
        try {
            Parsed parsed = textCache.get(text, () -> parse(text));
            if (parsed.script() == null) {
                throw new ParseException("ParseException", requireNonNull(parsed.error()), 0, 0);
            }
            return parsed.script();
        } catch (ExecutionException e) {
            throw new IllegalStateException("parsing cannot throw a checked exception", e.getCause());
        }
    }

    RemoteSessions remoteSessions() {
        return remoteSessions;
    }

    JsonFlavor flavor() {
        return flavor;
    }

    Clock clock() {
        return clock;
    }

    /** Collects the interpreter's parts. Not thread-safe. */
    public static final class Builder {
        private final List<Cmdlet> cmdlets = new ArrayList<>();
        private RemoteSessions remoteSessions = (computer, credential, ssl, port) -> {
        };
        private JsonFlavor flavor = JsonFlavor.WINDOWS_POWERSHELL_5_1;
        private Clock clock = Clock.systemDefaultZone();
        private ScriptFiles scriptFiles = ScriptFiles.NONE;

        private Builder() {
        }

        /** Adds a cmdlet; a second one of the same name replaces the first (a built-in one too). */
        public Builder cmdlet(Cmdlet cmdlet) {
            cmdlets.add(requireNonNull(cmdlet, "cmdlet"));
            return this;
        }

        /** What {@code Invoke-Command -ComputerName} reaches; by default every computer answers. */
        public Builder remoteSessions(RemoteSessions sessions) {
            this.remoteSessions = requireNonNull(sessions, "sessions");
            return this;
        }

        /** Which {@code ConvertTo-Json}/{@code ConvertFrom-Json} to emulate; Windows PowerShell 5.1 by default. */
        public Builder jsonFlavor(JsonFlavor jsonFlavor) {
            this.flavor = requireNonNull(jsonFlavor, "jsonFlavor");
            return this;
        }

        /** The clock of {@code Get-Date} and the time zone of parsed dates; the system's by default. */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /** The script files {@code & <path>} runs; none by default. */
        public Builder scriptFiles(ScriptFiles files) {
            this.scriptFiles = requireNonNull(files, "files");
            return this;
        }

        public PowerShellInterpreter build() {
            return new PowerShellInterpreter(this);
        }
    }
}
