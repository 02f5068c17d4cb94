package dev.secondsite.transport.https;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.testing.CapturingLogs;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs last (junit-platform.properties orders classes by name; this one's name sorts last): scans every log event of
 * the whole suite, captured by core's {@link CapturingLogs}, for the secrets the suite used.
 */
class ZzLogSecretsTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("R1 captured logs of the whole suite hold no key secret, proxy password or private key")
    void noSecretsLogged() {
        String keyText;
        String signature;
        try (HttpsWorld world = new HttpsWorld(dir)) {
            keyText = world.vault.servers().generateRegistrationKey().encoded().reveal();
            world.siteA.register(dev.secondsite.core.Secret.of(keyText),
                    dev.secondsite.core.provider.RegistrationOptions.defaults());
            signature = keyText.substring(keyText.lastIndexOf('.') + 1);
        }
        String all = CapturingLogs.allText();
        assertTrue(CapturingLogs.events().size() > 50, "the suite's events were captured: "
                + CapturingLogs.events().size());
        assertFalse(all.contains(keyText), "a registration key was logged");
        assertFalse(all.contains(signature), "a key's signature was logged");
        assertFalse(all.contains("ssk1."), "a registration key's text was logged");
        assertFalse(all.contains(ProxyCheckTest.PROXY_PASSWORD), "a proxy password was logged");
        assertFalse(all.contains("PRIVATE KEY"), "a private key was logged");
        assertFalse(all.contains("secondsite-vault-ca".repeat(1) + "\""), "the CA store's entry was logged");
    }
}
