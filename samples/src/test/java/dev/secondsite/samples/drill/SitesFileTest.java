package dev.secondsite.samples.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secondsite.hyperv.HostCredential;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real drill's sites file: what it accepts, and every refusal naming its field. */
class SitesFileTest {
    static final String VALID = """
            {
              "primary":  { "siteId": "vmm-a", "vmmServer": "vmm-a.contoso.local", "cloud": "Gold",
                            "vmNetwork": "Corp", "storageClassification": "Gold-SSD",
                            "hosts": ["hv01.contoso.local", "hv02.contoso.local"] },
              "recovery": { "siteId": "vmm-b", "vmmServer": "vmm-b.contoso.local", "cloud": "GoldDR",
                            "vmNetwork": "CorpDR", "storageClassification": "DR-SSD",
                            "hosts": ["hv11.fabrikam.local"] },
              "credentials": { "userNameVariable": "DRILL_HYPERV_USER", "passwordVariable": "DRILL_HYPERV_PASSWORD" },
              "tiers": { "database": ["vm-db"], "application": ["vm-app"], "web": ["vm-web-1", "vm-web-2"] },
              "script": "C:\\\\DrScripts\\\\update-dns.ps1"
            }
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    @DisplayName("a valid sites file gives the topology, the hosts, the variables' names and WinRM over HTTPS")
    void valid() {
        SitesFile file = SitesFile.parse(VALID);
        assertEquals(new DrillTopology.Side("vmm-a", "vmm-a.contoso.local", "Gold", "Corp", "Gold-SSD"),
                file.topology().primary());
        assertEquals("GoldDR", file.topology().recovery().cloud());
        assertEquals(List.of("vm-db", "vm-app", "vm-web-1", "vm-web-2"), file.topology().allVms());
        assertEquals(List.of("hv01.contoso.local", "hv02.contoso.local"), file.primaryHosts());
        assertEquals(List.of("hv11.fabrikam.local"), file.recoveryHosts());
        assertEquals("DRILL_HYPERV_PASSWORD", file.passwordVariable());
        assertEquals("C:\\DrScripts\\update-dns.ps1", file.topology().scriptPath());
        assertTrue(file.useSsl());
    }

    static String edit(Consumer<ObjectNode> change) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(VALID);
            change.accept(root);
            return JSON.writeValueAsString(root);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static SitesFileException refused(String json) {
        return assertThrows(SitesFileException.class, () -> SitesFile.parse(json));
    }

    @Test
    @DisplayName("each missing or blank field is refused naming it")
    void missingFields() {
        Map<String, Consumer<ObjectNode>> cases = Map.of(
                "primary", r -> r.remove("primary"),
                "recovery.vmmServer", r -> ((ObjectNode) r.get("recovery")).remove("vmmServer"),
                "primary.cloud", r -> ((ObjectNode) r.get("primary")).put("cloud", " "),
                "primary.hosts", r -> ((ObjectNode) r.get("primary")).putArray("hosts"),
                "credentials.passwordVariable", r -> ((ObjectNode) r.get("credentials")).remove("passwordVariable"),
                "tiers.application", r -> ((ObjectNode) r.get("tiers")).putArray("application"),
                "script", r -> r.put("script", 42),
                "useSsl", r -> r.put("useSsl", "yes"),
                "recovery.hosts[0]", r -> ((ArrayNode) r.get("recovery").get("hosts")).set(0, 7));
        cases.forEach((field, change) -> {
            SitesFileException e = refused(edit(change));
            assertEquals(field, e.field(), e.getMessage());
            assertTrue(e.getMessage().startsWith("sites file: " + field + " "), e.getMessage());
        });
    }

    @Test
    @DisplayName("a password in the file is refused as an unknown field, and its value never appears in the message")
    void noSecretsInTheFile() {
        SitesFileException e = refused(edit(r -> ((ObjectNode) r.get("credentials")).put("password", "Pa55w0rd!")));
        assertEquals("credentials.password", e.field());
        assertFalse(e.getMessage().contains("Pa55w0rd!"), e.getMessage());
        assertTrue(e.getMessage().contains("environment variables"), e.getMessage());

        SitesFileException value = refused(edit(r -> ((ObjectNode) r.get("credentials"))
                .put("passwordVariable", "Pa55 w0rd!")));
        assertEquals("credentials.passwordVariable", value.field());
        assertFalse(value.getMessage().contains("Pa55 w0rd!"), value.getMessage());
    }

    @Test
    @DisplayName("a VM in two tiers, the same VMM server on both sides and text that is not JSON are refused")
    void inconsistent() {
        assertEquals("tiers", refused(edit(r -> ((ArrayNode) r.get("tiers").get("web")).add("vm-db"))).field());
        assertEquals("recovery.vmmServer", refused(edit(r -> ((ObjectNode) r.get("recovery"))
                .put("vmmServer", "VMM-A.contoso.local"))).field());
        assertEquals("(file)", refused("{ not json").field());
        assertEquals("(file)", assertThrows(SitesFileException.class,
                () -> SitesFile.read(dir.resolve("missing.json"))).field());
    }

    @Test
    @DisplayName("the credential is read from the named variables; an unset one is refused naming field and variable")
    void credentialFromEnvironment() {
        SitesFile file = SitesFile.parse(VALID);
        HostCredential c = file.credential(Map.of("DRILL_HYPERV_USER", "CONTOSO\\dr",
                "DRILL_HYPERV_PASSWORD", "s3cret")::get);
        assertEquals("CONTOSO\\dr", c.userName());
        assertEquals("s3cret", c.password().reveal());
        SitesFileException e = assertThrows(SitesFileException.class,
                () -> file.credential(Map.of("DRILL_HYPERV_USER", "CONTOSO\\dr")::get));
        assertEquals("credentials.passwordVariable", e.field());
        assertTrue(e.getMessage().contains("DRILL_HYPERV_PASSWORD"), e.getMessage());
    }

    @Test
    @DisplayName("PowerShellLocator finds pwsh in a PATH directory and nothing on a PATH without one")
    void locator() throws Exception {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertTrue(PowerShellLocator.find(empty.toString()).isEmpty());
        assertTrue(PowerShellLocator.find(null).isEmpty());
        Path pwsh = Files.createFile(bin.resolve("pwsh"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        assertEquals(pwsh, PowerShellLocator.find(empty + java.io.File.pathSeparator + bin).orElseThrow());
    }
}
