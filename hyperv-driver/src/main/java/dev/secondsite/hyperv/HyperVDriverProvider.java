package dev.secondsite.hyperv;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.spi.HostDriver;
import dev.secondsite.core.spi.HostDriverProvider;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Makes {@link HyperVDriver}s from a provider's settings; found by ServiceLoader under the name {@code hyperv}.
 * Settings (all optional):
 * <ul>
 *   <li>{@code powershell}: the executable, {@code powershell.exe} by default ({@code pwsh} for PowerShell 7, or
 *       a full path);</li>
 *   <li>{@code timeout}: how long one run may take, an ISO-8601 duration ({@code PT10M}) or whole seconds
 *       ({@code 600}); 10 minutes by default;</li>
 *   <li>{@code winrmSsl}: {@code true} for WinRM over HTTPS (5986), {@code false} (the default) for HTTP (5985);</li>
 *   <li>{@code credential}: a credential reference resolved from environment variables at call time (see
 *       {@link EnvironmentCredentialSource}); absent: the provider's own identity.</li>
 * </ul>
 *
 * <p>Thread-safe (stateless).
 */
public final class HyperVDriverProvider implements HostDriverProvider {
    /** The name a provider asks for: {@code "hyperv"}. */
    public static final String NAME = "hyperv";

    static final String POWERSHELL = "powershell";
    static final String TIMEOUT = "timeout";
    static final String WINRM_SSL = "winrmSsl";
    static final String CREDENTIAL = "credential";
    private static final Set<String> KNOWN = Set.of(POWERSHELL, TIMEOUT, WINRM_SSL, CREDENTIAL);

    @Override
    public String name() {
        return NAME;
    }

    /**
     * @throws InvalidConfigurationException (INPUT) naming the setting and its value when a setting is unknown, the
     *     executable blank, the timeout unreadable or not positive, winrmSsl neither true nor false, or the
     *     credential reference blank
     */
    @Override
    public HostDriver create(Map<String, String> settings) {
        for (String key : new TreeSet<>(settings.keySet())) {
            if (!KNOWN.contains(key)) {
                throw HyperVDriver.Builder.setting(key, key, "setting '" + key + "' is unknown (known: "
                        + new TreeSet<>(KNOWN) + ")");
            }
        }
        String executable = settings.getOrDefault(POWERSHELL, "powershell.exe");
        if (executable.isBlank()) {
            throw HyperVDriver.Builder.setting(POWERSHELL, executable, POWERSHELL + " ('" + executable
                    + "') must name the PowerShell executable");
        }
        HyperVDriver.Builder builder = HyperVDriver.builder().powerShell(new ProcessPowerShell(executable));
        String timeout = settings.get(TIMEOUT);
        if (timeout != null) {
            builder.timeout(duration(timeout));
        }
        String ssl = settings.get(WINRM_SSL);
        if (ssl != null) {
            if (!ssl.equals("true") && !ssl.equals("false")) {
                throw HyperVDriver.Builder.setting(WINRM_SSL, ssl, WINRM_SSL + " ('" + ssl
                        + "') must be true or false");
            }
            builder.useSsl(Boolean.parseBoolean(ssl));
        }
        builder.credential(settings.get(CREDENTIAL));
        return builder.build();
    }

    private static Duration duration(String text) {
        try {
            if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
                return Duration.ofSeconds(Long.parseLong(text));
            }
            return Duration.parse(text);
        } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
            throw HyperVDriver.Builder.setting(TIMEOUT, text, TIMEOUT + " ('" + text
                    + "') must be an ISO-8601 duration such as PT10M or whole seconds");
        }
    }

    @Override
    public String toString() {
        return "HyperVDriverProvider[" + NAME + "]";
    }
}
