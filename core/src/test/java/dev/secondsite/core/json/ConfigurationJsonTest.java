package dev.secondsite.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidDocumentException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.Secret;
import dev.secondsite.core.testing.MutableClock;
import dev.secondsite.core.testing.TestSites;
import dev.secondsite.core.registration.CloudSync;
import dev.secondsite.core.registration.ProxySettings;
import dev.secondsite.core.registration.ServerRegistration;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultTestAccess;
import dev.secondsite.core.vault.VaultOptions;
import dev.secondsite.core.vault.VaultConfiguration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ConfigurationJsonTest {
    private static Vault registeredVault() {
        Vault vault = Vault.create(VaultOptions.builder("Contoso DR", "westeurope").id("vault-1")
                .clock(new MutableClock(Instant.parse("2026-11-02T10:00:00Z"))).proxyCheck(p -> Optional.empty())
                .build());
        VaultTestAccess.endpoint(vault).register(ServerRegistration.builder("vmm-a", vault.servers().generateRegistrationKey().encoded())
                .proxy(ProxySettings.builder("proxy.contoso.local", 3128).user("svc").password(Secret.of("Pa55-w0rd!"))
                        .build()).build(), TestSites.primary());
        VaultTestAccess.endpoint(vault).register(ServerRegistration.builder("vmm-b", vault.servers().generateRegistrationKey().encoded())
                .cloudSync(CloudSync.ONE_BY_ONE).build(), TestSites.recovery());
        vault.servers().syncCloud("vmm-b", "GoldB");
        return vault;
    }

    @Test
    @DisplayName("export -> import -> export gives the same document and an equal configuration (without secrets)")
    void roundTrip() {
        VaultConfiguration config = registeredVault().configuration();
        String json = ConfigurationJson.export(config);
        VaultConfiguration imported = ConfigurationJson.importDocument(json);
        assertEquals(json, ConfigurationJson.export(imported));
        assertEquals(config.sites(), imported.sites());
        assertEquals(config.info(), imported.info());
        assertEquals(config.servers().iterator().next().friendlyName(),
                imported.servers().iterator().next().friendlyName());
    }

    @Test
    @DisplayName("R1 secrets are never exported: the proxy keeps address, port and user, not the password")
    void noSecretsExported() {
        Vault vault = registeredVault();
        String json = ConfigurationJson.export(vault.configuration());
        assertFalse(json.contains("Pa55-w0rd!"), "password exported");
        assertFalse(json.contains("ssk1."), "a registration key was exported");
        assertTrue(json.contains("proxy.contoso.local"));
        assertTrue(json.contains("\"user\" : \"svc\""), json);
        assertTrue(ConfigurationJson.importDocument(json).servers().iterator().next().proxySettings().orElseThrow()
                .password().isEmpty());
    }

    @Test
    @DisplayName("DOCUMENT an unknown field is refused naming its JSON path")
    void unknownFieldRefused() {
        String json = ConfigurationJson.export(registeredVault().configuration())
                .replace("\"powerState\" : \"RUNNING\"", "\"powerState\" : \"RUNNING\", \"colour\" : \"blue\"");
        InvalidDocumentException e = assertThrows(InvalidDocumentException.class,
                () -> ConfigurationJson.importDocument(json));
        assertEquals("/servers/0/inventory/vms/0/colour", e.path());
        assertEquals(Rule.DOCUMENT, e.rule());
        assertTrue(e.getMessage().contains("/servers/0/inventory/vms/0/colour"), e.getMessage());
    }

    @Test
    @DisplayName("DOCUMENT an unknown format version or kind is refused")
    void versionChecked() {
        String json = ConfigurationJson.export(registeredVault().configuration());
        InvalidDocumentException version = assertThrows(InvalidDocumentException.class,
                () -> ConfigurationJson.importDocument(json.replace("\"formatVersion\" : 1", "\"formatVersion\" : 7")));
        assertEquals("/formatVersion", version.path());
        InvalidDocumentException kind = assertThrows(InvalidDocumentException.class,
                () -> ConfigurationJson.importDocument(json.replace(ConfigurationJson.KIND, "something-else")));
        assertEquals("/kind", kind.path());
    }

    @Test
    @DisplayName("DOCUMENT wrong types, bad enum names and malformed JSON name the path")
    void typesChecked() {
        String json = ConfigurationJson.export(registeredVault().configuration());
        InvalidDocumentException type = assertThrows(InvalidDocumentException.class,
                () -> ConfigurationJson.importDocument(json.replace("\"hyperVRole\" : true", "\"hyperVRole\" : \"yes\"")));
        assertEquals("/servers/0/inventory/hosts/0/hyperVRole", type.path());
        InvalidDocumentException enumName = assertThrows(InvalidDocumentException.class,
                () -> ConfigurationJson.importDocument(json.replace("\"WS2012_R2\"", "\"WS2031\"")));
        assertTrue(enumName.getMessage().contains("WS2031") && enumName.getMessage().contains("WS2012_R2"),
                enumName.getMessage());
        InvalidDocumentException malformed = assertThrows(InvalidDocumentException.class,
                () -> ConfigurationJson.importDocument(json.substring(0, json.length() / 2)));
        assertEquals("", malformed.path());
    }

    @Test
    @DisplayName("INPUT a document whose inventory breaks a rule is refused at the object's path, naming the rule")
    void ruleBrokenInDocument() {
        String json = ConfigurationJson.export(registeredVault().configuration())
                .replace("\"vmNetwork\" : \"Corp\"", "\"vmNetwork\" : \"Nowhere\"");
        InvalidDocumentException e = assertThrows(InvalidDocumentException.class,
                () -> ConfigurationJson.importDocument(json));
        assertEquals("/servers/0/inventory", e.path());
        assertEquals(Rule.INPUT, e.rule());
        assertTrue(e.getMessage().contains("Nowhere"), e.getMessage());
    }

    @Test
    @DisplayName("R4 synced clouds must be clouds the server reported")
    void syncedCloudsChecked() {
        String json = ConfigurationJson.export(registeredVault().configuration())
                .replace("\"syncedClouds\" : [ \"GoldB\" ]", "\"syncedClouds\" : [ \"Atlantis\" ]");
        assertTrue(!json.equals(ConfigurationJson.export(registeredVault().configuration())), "test must change it");
        InvalidDocumentException e = assertThrows(InvalidDocumentException.class,
                () -> ConfigurationJson.importDocument(json));
        assertEquals(Rule.R4, e.rule());
    }
}
