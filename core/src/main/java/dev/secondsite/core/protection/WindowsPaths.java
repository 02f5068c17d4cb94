package dev.secondsite.core.protection;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads Windows paths as the hosts that use them will, whatever the platform running this code: {@code java.nio}
 * would call {@code D:\export} relative on Linux. Only what O1 needs: is a path absolute, and which machine holds a
 * UNC path.
 */
final class WindowsPaths {
    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:[\\\\/].*");
    // \\server\share[\...] with either slash; the share must be there: "\\server" alone names no folder
    private static final Pattern UNC = Pattern.compile("^[\\\\/]{2}([^\\\\/?*:\"<>|]+)[\\\\/]([^\\\\/]+).*");
    private static final String LONG_PREFIX = "\\\\?\\";
    private static final String LONG_UNC_PREFIX = "\\\\?\\UNC\\";
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", ".");

    private WindowsPaths() {
    }

    /**
     * True for {@code D:\x}, {@code \\server\share\x} and their long ({@code \\?\}) forms; false for relative
     * paths, drive-relative ones ({@code D:x}, {@code \x}) and device paths ({@code \\.\pipe\x}).
     */
    static boolean isAbsolute(String path) {
        String p = withoutLongPrefix(path);
        return DRIVE.matcher(p).matches() || uncHost(path).filter(host -> !host.equals(".")).isPresent();
    }

    /** The machine part of a UNC path, lower case; empty for a drive path or anything not absolute. */
    static Optional<String> uncHost(String path) {
        String p = withoutLongPrefix(path);
        var m = UNC.matcher(p);
        return m.matches() ? Optional.of(m.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /** True when {@code host} (from {@link #uncHost}) always names the machine that reads the path. */
    static boolean isLoopback(String host) {
        return LOOPBACK_NAMES.contains(host) || host.startsWith("127.") || host.equals("[::1]")
                || host.equals("0--1.ipv6-literal.net");
    }

    /**
     * True when UNC machine name {@code uncHost} and inventory host name {@code hostName} name the same machine as
     * far as names can tell: equal, or equal short names when one side is not fully qualified. Two different fully
     * qualified names are different machines; an IP address matches only itself (nothing is resolved here).
     */
    static boolean sameMachine(String uncHost, String hostName) {
        String a = uncHost.toLowerCase(Locale.ROOT);
        String b = hostName.toLowerCase(Locale.ROOT);
        if (a.equals(b)) {
            return true;
        }
        if (isIpLiteral(a) || isIpLiteral(b) || (a.contains(".") && b.contains("."))) {
            return false;
        }
        return shortName(a).equals(shortName(b));
    }

    private static boolean isIpLiteral(String name) {
        return name.matches("[0-9.]+") || name.contains(":") || name.startsWith("[");
    }

    private static String shortName(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    private static String withoutLongPrefix(String path) {
        if (path.regionMatches(true, 0, LONG_UNC_PREFIX, 0, LONG_UNC_PREFIX.length())) {
            return "\\\\" + path.substring(LONG_UNC_PREFIX.length());
        }
        if (path.startsWith(LONG_PREFIX)) {
            String rest = path.substring(LONG_PREFIX.length());
            // \\?\D:\x is an absolute drive path; \\?\ followed by anything else is a device path, not a folder
            return DRIVE.matcher(rest).matches() ? rest : path;
        }
        return path;
    }
}
