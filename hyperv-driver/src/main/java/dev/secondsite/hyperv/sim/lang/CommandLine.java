package dev.secondsite.hyperv.sim.lang;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * The command line of powershell.exe as the simulator accepts it: {@code -NoProfile}, {@code -NonInteractive},
 * {@code -NoLogo}, {@code -ExecutionPolicy <policy>}, {@code -OutputFormat Text}, and exactly one of
 * {@code -EncodedCommand <base64 of UTF-16LE>} or {@code -Command <text...>} (the rest of the line).
 * Parameter names must be written in full (powershell.exe would take abbreviations; the driver never relies on them).
 */
final class CommandLine {
    private CommandLine() {
    }

    /** Exit code of a refused command line (as pwsh's usage errors; powershell.exe prints its usage then). */
    static final int USAGE_EXIT_CODE = 64;

    private static final Set<String> POLICIES = Set.of("bypass", "unrestricted", "remotesigned", "allsigned",
            "restricted", "default", "undefined");

    /**
     * What the command line asks for: a script (encoded or plain; decoded lazily so a cache can skip decoding),
     * or a refusal with its message.
     */
    record Decoded(@Nullable String encoded, @Nullable String command, @Nullable String error) {
        String script() {
            if (command != null) {
                return command;
            }
            return decode(encoded);
        }
    }

    static final String NOT_BASE64 = "Cannot process the command because the value specified with "
            + "-EncodedCommand is not properly encoded. The value must be Base64 encoded.";

    static String decode(String encoded) {
        byte[] bytes = Base64.getDecoder().decode(encoded);
        if (bytes.length % 2 != 0) {
            throw new IllegalArgumentException("odd byte count");
        }
        return new String(bytes, StandardCharsets.UTF_16LE);
    }

    static Decoded parse(List<String> args) {
        String encoded = null;
        String command = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.length() < 2 || !(a.charAt(0) == '-' || a.charAt(0) == '/')) {
                return refuse("The argument '" + a + "' is not a parameter of powershell.exe; the simulator runs "
                        + "only -EncodedCommand or -Command scripts.");
            }
            String name = NameMap.key(a.substring(1));
            switch (name) {
                case "noprofile":
                case "noninteractive":
                case "nologo":
                    break;
                case "executionpolicy": {
                    String value = value(args, i, "ExecutionPolicy");
                    if (value == null) {
                        return missing("ExecutionPolicy");
                    }
                    if (!POLICIES.contains(NameMap.key(value))) {
                        return refuse("Invalid argument '" + value + "' to the -ExecutionPolicy parameter. Specify "
                                + "one of: Bypass, Unrestricted, RemoteSigned, AllSigned, Restricted, Default, "
                                + "Undefined.");
                    }
                    i++;
                    break;
                }
                case "outputformat": {
                    String value = value(args, i, "OutputFormat");
                    if (value == null) {
                        return missing("OutputFormat");
                    }
                    if (!value.equalsIgnoreCase("Text")) {
                        return refuse("The output format '" + value + "' is not supported: the simulator emulates "
                                + "-OutputFormat Text only (valid values: Text, XML).");
                    }
                    i++;
                    break;
                }
                case "encodedcommand": {
                    if (encoded != null || command != null) {
                        return refuse("Cannot process the command because -EncodedCommand and -Command (or a "
                                + "second -EncodedCommand) were both given.");
                    }
                    String value = value(args, i, "EncodedCommand");
                    if (value == null) {
                        return missing("EncodedCommand");
                    }
                    // decoded (and so checked) when the script cache misses: a repeated script costs no decoding
                    encoded = value;
                    i++;
                    break;
                }
                case "command": {
                    if (encoded != null || command != null) {
                        return refuse("Cannot process the command because -EncodedCommand and -Command (or a "
                                + "second -Command) were both given.");
                    }
                    if (i + 1 >= args.size()) {
                        return missing("Command");
                    }
                    command = String.join(" ", args.subList(i + 1, args.size()));
                    if (command.equals("-")) {
                        return refuse("-Command - (a script read from standard input) is not supported by the "
                                + "simulator.");
                    }
                    i = args.size();
                    break;
                }
                default:
                    return refuse(a + " : The term '" + a + "' is not recognized as the name of a cmdlet, function, "
                            + "script file, or operable program. Check the spelling of the name, or if a path was "
                            + "included, verify that the path is correct and try again.");
            }
        }
        if (encoded == null && command == null) {
            return refuse("No script given: the simulator needs -EncodedCommand <base64> or -Command <text>.");
        }
        return new Decoded(encoded, command, null);
    }

    private static @Nullable String value(List<String> args, int i, String parameter) {
        return i + 1 < args.size() ? args.get(i + 1) : null;
    }

    private static Decoded missing(String parameter) {
        return refuse("Cannot process the command because of a missing parameter. A value must follow -"
                + parameter + ".");
    }

    private static Decoded refuse(String message) {
        return new Decoded(null, null, message);
    }
}
