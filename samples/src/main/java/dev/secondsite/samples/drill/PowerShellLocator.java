package dev.secondsite.samples.drill;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.annotation.Nullable;

/**
 * Finds a PowerShell on a {@code PATH}: {@code powershell.exe} (Windows PowerShell 5.1, the one the VMM console
 * installs its module into) first, then PowerShell 7 ({@code pwsh.exe}, {@code pwsh}).
 *
 * <p>Stateless and thread-safe.
 */
public final class PowerShellLocator {
    /** The executables looked for, in order of preference. */
    public static final List<String> EXECUTABLES = List.of("powershell.exe", "pwsh.exe", "pwsh");

    private PowerShellLocator() {
    }

    /**
     * The first of {@link #EXECUTABLES} found as a regular, executable file in a directory of {@code path} (the
     * value of {@code PATH}, directories separated by {@link File#pathSeparator}), or empty.
     */
    public static Optional<Path> find(@Nullable String path) {
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        for (String name : EXECUTABLES) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isBlank()) {
                    continue;
                }
                try {
                    Path candidate = Path.of(dir, name);
                    if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                        return Optional.of(candidate);
                    }
                } catch (InvalidPathException e) {
                    // a PATH entry that is no path on this system holds no PowerShell either
                }
            }
        }
        return Optional.empty();
    }
}
