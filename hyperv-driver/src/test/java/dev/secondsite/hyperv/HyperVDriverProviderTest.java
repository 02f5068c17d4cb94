package dev.secondsite.hyperv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.spi.HostDriverProvider;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code hyperv} provider: found by ServiceLoader, settings read and checked. */
class HyperVDriverProviderTest {
    private final HyperVDriverProvider provider = new HyperVDriverProvider();

    @Test
    @DisplayName("ServiceLoader finds the provider under the name hyperv")
    void discovered() {
        assertTrue(ServiceLoader.load(HostDriverProvider.class).stream()
                .anyMatch(p -> p.get().name().equals("hyperv") && p.type() == HyperVDriverProvider.class));
    }

    @Test
    @DisplayName("settings become the driver's: timeout in seconds or ISO, WinRM over SSL, a credential reference")
    void settings() {
        HyperVDriver driver = assertInstanceOf(HyperVDriver.class, provider.create(Map.of("powershell", "pwsh",
                "timeout", "90", "winrmSsl", "true", "credential", "hyperv-hosts")));
        assertEquals(Duration.ofSeconds(90), driver.timeout());
        assertTrue(driver.useSsl());
        assertEquals("hyperv-hosts", driver.credentialReference());
        assertEquals(Duration.ofMinutes(3), ((HyperVDriver) provider.create(Map.of("timeout", "PT3M"))).timeout());
        assertEquals(Duration.ofMinutes(10), ((HyperVDriver) provider.create(Map.of())).timeout());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"timeout, soon, timeout ('soon')", "timeout, PT0S, timeout (PT0S)", "timeout, -PT1M, timeout (PT-1M)",
        "winrmSsl, yes, winrmSsl ('yes')", "powershell, ' ', powershell (' ')", "credential, ' ', credential (' ')",
        "password, secret, setting 'password' is unknown"})
    @DisplayName("a wrong or unknown setting is refused (INPUT) naming the setting and its value")
    void refused(String key, String value, String named) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> provider.create(Map.of(key, value)));
        assertEquals(Rule.INPUT, e.rule());
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }
}
