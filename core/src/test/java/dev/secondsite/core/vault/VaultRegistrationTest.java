package dev.secondsite.core.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.registration.ServerRegistration;
import dev.secondsite.core.registration.RegistrationResult;
import dev.secondsite.core.registration.SyncReport;
import dev.secondsite.core.registration.ProxySettings;
import dev.secondsite.core.registration.CloudSync;
import dev.secondsite.core.registration.RegistrationRefusedException;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.NotFoundException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.Secret;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.VmmVersion;
import dev.secondsite.core.testing.CapturingLogs;
import dev.secondsite.core.testing.MutableClock;
import dev.secondsite.core.testing.TestSites;
import dev.secondsite.core.registration.RegistrationRefusedException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class VaultRegistrationTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

    private MutableClock clock;
    private Vault vault;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(T0);
        vault = Vault.create(VaultOptions.builder("Contoso DR", "westeurope").id("vault-1").clock(clock).build());
        CapturingLogs.clear();
    }

    private RegistrationResult register(String name, Site site) {
        Secret key = vault.servers().generateRegistrationKey().encoded();
        return vault.endpoint().register(ServerRegistration.builder(name, key).build(), site);
    }

    @Test
    @DisplayName("V1 a new vault has its friendly name and region and is ACTIVE")
    void newVaultIsActive() {
        VaultInfo info = vault.info();
        assertEquals("Contoso DR", info.name());
        assertEquals("westeurope", info.region());
        assertEquals(VaultState.ACTIVE, info.state());
        assertEquals(T0, info.createdAt());
    }

    @Test
    @DisplayName("V1 a vault without a name or region is refused naming the field")
    void vaultNeedsNameAndRegion() {
        InvalidConfigurationException noName = assertThrows(InvalidConfigurationException.class,
                () -> Vault.create(VaultOptions.builder(" ", "westeurope").build()));
        assertEquals(Rule.V1, noName.rule());
        assertTrue(noName.getMessage().contains("name"), noName.getMessage());
        InvalidConfigurationException noRegion = assertThrows(InvalidConfigurationException.class,
                () -> Vault.create(VaultOptions.builder("DR", "").build()));
        assertEquals(Rule.V1, noRegion.rule());
        assertTrue(noRegion.getMessage().contains("region"), noRegion.getMessage());
    }

    @Test
    @DisplayName("K1 a key registers a server until 5 days minus one second after generation")
    void keyValidJustBeforeFiveDays() {
        Secret key = vault.servers().generateRegistrationKey().encoded();
        clock.advance(Duration.ofDays(5).minusSeconds(1));
        vault.endpoint().register(ServerRegistration.builder("vmm-a.contoso.local", key).build(), TestSites.primary());
        assertEquals(1, vault.servers().list().size());
    }

    @Test
    @DisplayName("K1 a key is refused as expired 5 days plus one second after generation; nothing is registered")
    void keyExpiredJustAfterFiveDays() {
        Secret key = vault.servers().generateRegistrationKey().encoded();
        clock.advance(Duration.ofDays(5).plusSeconds(1));
        RegistrationRefusedException e = assertThrows(RegistrationRefusedException.class, () -> vault.endpoint().register(
                ServerRegistration.builder("vmm-a.contoso.local", key).build(), TestSites.primary()));
        assertEquals(Rule.K1, e.rule());
        assertEquals(Reason.KEY_EXPIRED, e.reason());
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
        assertTrue(vault.servers().list().isEmpty());
    }

    @Test
    @DisplayName("K1 the key's expiry is its generation plus exactly 5 days")
    void keyExpiry() {
        RegistrationKey key = vault.servers().generateRegistrationKey();
        assertEquals(T0.plus(Duration.ofDays(5)), key.expiresAt());
        assertTrue(key.isValidAt(T0.plus(Duration.ofDays(5)).minusSeconds(1)));
        assertFalse(key.isValidAt(T0.plus(Duration.ofDays(5))));
    }

    @Test
    @DisplayName("K1 a key of another vault is refused as foreign; nothing is registered")
    void foreignKeyRefused() {
        Vault other = Vault.create(VaultOptions.builder("Other", "westeurope").id("vault-2").clock(clock).build());
        Secret key = other.servers().generateRegistrationKey().encoded();
        RegistrationRefusedException e = assertThrows(RegistrationRefusedException.class, () -> vault.endpoint().register(
                ServerRegistration.builder("vmm-a.contoso.local", key).build(), TestSites.primary()));
        assertEquals(Reason.KEY_FOREIGN, e.reason());
        assertTrue(e.getMessage().contains("vault-2"), e.getMessage());
        assertTrue(vault.servers().list().isEmpty());
    }

    @Test
    @DisplayName("K1 a key whose content was changed (a later issue date) is refused as tampered")
    void tamperedPayloadRefused() {
        String encoded = vault.servers().generateRegistrationKey().encoded().reveal();
        String[] parts = encoded.substring("ssk1.".length()).split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
        String forged = payload.replace(T0.toString(), T0.plus(Duration.ofDays(30)).toString());
        assertFalse(forged.equals(payload), "the test must actually change the payload");
        String tampered = "ssk1." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(forged.getBytes(StandardCharsets.UTF_8)) + "." + parts[1];
        clock.advance(Duration.ofDays(10));
        RegistrationRefusedException e = assertThrows(RegistrationRefusedException.class, () -> vault.endpoint().register(
                ServerRegistration.builder("vmm-a", Secret.of(tampered)).build(), TestSites.primary()));
        assertEquals(Reason.KEY_TAMPERED, e.reason());
        assertTrue(vault.servers().list().isEmpty());
    }

    @Test
    @DisplayName("K1 a key with a changed signature is refused as tampered, garbage as malformed")
    void badSignatureAndGarbage() {
        String encoded = vault.servers().generateRegistrationKey().encoded().reveal();
        char last = encoded.charAt(encoded.length() - 2);
        String flipped = encoded.substring(0, encoded.length() - 2) + (last == 'A' ? 'B' : 'A')
                + encoded.charAt(encoded.length() - 1);
        assertEquals(Reason.KEY_TAMPERED, assertThrows(RegistrationRefusedException.class, () -> vault.endpoint().register(
                ServerRegistration.builder("vmm-a", Secret.of(flipped)).build(), TestSites.primary())).reason());
        assertEquals(Reason.KEY_MALFORMED, assertThrows(RegistrationRefusedException.class, () -> vault.endpoint().register(
                ServerRegistration.builder("vmm-a", Secret.of("hello")).build(), TestSites.primary())).reason());
        assertTrue(vault.servers().list().isEmpty());
    }

    @Test
    @DisplayName("K1 the key's encoded form never shows in toString or the logs")
    void keyNeverShown() {
        RegistrationKey key = vault.servers().generateRegistrationKey();
        String encoded = key.encoded().reveal();
        assertFalse(key.toString().contains(encoded));
        assertFalse(key.encoded().toString().contains(encoded.substring(5, 20)));
        ServerRegistration request = ServerRegistration.builder("vmm-a", key.encoded()).build();
        assertFalse(request.toString().contains(encoded.substring(5, 20)), request.toString());
        vault.endpoint().register(request, TestSites.primary());
        assertFalse(CapturingLogs.allText().contains(encoded.substring(5, 20)), CapturingLogs.allText());
    }

    @Test
    @DisplayName("R1 the friendly name is mandatory")
    void friendlyNameMandatory() {
        Secret key = vault.servers().generateRegistrationKey().encoded();
        RegistrationRefusedException e = assertThrows(RegistrationRefusedException.class, () -> vault.endpoint().register(
                ServerRegistration.builder("  ", key).build(), TestSites.primary()));
        assertEquals(Rule.R1, e.rule());
        assertTrue(e.getMessage().contains("friendlyName"), e.getMessage());
        assertTrue(vault.servers().list().isEmpty());
    }

    @Test
    @DisplayName("R1 the key is mandatory")
    void keyMandatory() {
        RegistrationRefusedException e = assertThrows(RegistrationRefusedException.class, () -> vault.endpoint().register(
                ServerRegistration.builder("vmm-a", Secret.of("")).build(), TestSites.primary()));
        assertEquals(Rule.R1, e.rule());
    }

    @Test
    @DisplayName("R1 the proxy password is masked in toString, logs and the registered server's view")
    void proxyPasswordMasked() {
        ProxySettings proxy = ProxySettings.builder("proxy.contoso.local", 3128).user("svc-asr")
                .password(Secret.of("Pa55-w0rd!")).build();
        assertFalse(proxy.toString().contains("Pa55-w0rd!"), proxy.toString());
        Vault checked = Vault.create(VaultOptions.builder("DR", "westeurope").clock(clock).proxyCheck(p -> Optional.empty()).build());
        Secret key = checked.servers().generateRegistrationKey().encoded();
        ServerRegistration request = ServerRegistration.builder("vmm-a", key).proxy(proxy).build();
        assertFalse(request.toString().contains("Pa55-w0rd!"), request.toString());
        RegistrationResult result = checked.endpoint().register(request, TestSites.primary());
        assertFalse(result.toString().contains("Pa55-w0rd!"), result.toString());
        assertFalse(checked.configuration().toString().contains("Pa55-w0rd!"));
        assertFalse(CapturingLogs.allText().contains("Pa55-w0rd!"));
        assertEquals("Pa55-w0rd!", result.server().proxySettings().orElseThrow().password().orElseThrow().reveal(),
                "the transport still gets the password");
    }

    @Test
    @DisplayName("R1 a custom proxy is tested at registration; an unreachable one refuses the registration")
    void proxyTested() {
        ProxySettings proxy = ProxySettings.builder("proxy.contoso.local", 3128).build();
        Vault checked = Vault.create(VaultOptions.builder("DR", "westeurope").clock(clock)
                .proxyCheck(p -> Optional.of("connection refused by " + p.address())).build());
        Secret key = checked.servers().generateRegistrationKey().encoded();
        RegistrationRefusedException e = assertThrows(RegistrationRefusedException.class, () -> checked.endpoint().register(
                ServerRegistration.builder("vmm-a", key).proxy(proxy).build(), TestSites.primary()));
        assertEquals(Reason.PROXY_UNREACHABLE, e.reason());
        assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
        assertTrue(checked.servers().list().isEmpty());
    }

    @Test
    @DisplayName("R1 with no proxy check available the registration goes on with a warning that the proxy was not tested")
    void proxyUntestedWarning() {
        Secret key = vault.servers().generateRegistrationKey().encoded();
        RegistrationResult result = vault.endpoint().register(ServerRegistration.builder("vmm-a", key)
                .proxy(ProxySettings.builder("proxy", 8080).build()).build(), TestSites.primary());
        assertTrue(result.warnings().cites(Rule.R1), result.warnings().toString());
    }

    @Test
    @DisplayName("R1 proxy settings check their port and refuse a password without a user")
    void proxySettingsChecked() {
        InvalidConfigurationException port = assertThrows(InvalidConfigurationException.class,
                () -> ProxySettings.builder("proxy", 0).build());
        assertEquals("R1: proxyPort (0) must be between 1 and 65535 [proxy proxy]", port.getMessage());
        InvalidConfigurationException user = assertThrows(InvalidConfigurationException.class,
                () -> ProxySettings.builder("proxy", 80).password(Secret.of("x")).build());
        assertEquals(Rule.R1, user.rule());
        assertTrue(user.getMessage().contains("proxyUser"), user.getMessage());
    }

    @Test
    @DisplayName("R2 a clustered VMM registers under its cluster role name")
    void clusterRoleName() {
        Site clustered = TestSites.clustered("vmm-ha", "5.0.1", "5.0.1");
        RegistrationRefusedException e = assertThrows(RegistrationRefusedException.class,
                () -> register("vmm-c1.contoso.local", clustered));
        assertEquals(Rule.R2, e.rule());
        assertTrue(e.getMessage().contains("vmm-ha"), e.getMessage());
        RegistrationResult ok = register("vmm-ha", clustered);
        assertEquals("vmm-ha", ok.server().friendlyName());
        assertEquals("5.0.1", ok.server().providerVersion());
    }

    @Test
    @DisplayName("R2 cluster nodes with different provider versions are reported and refused")
    void clusterProviderMismatch() {
        RegistrationRefusedException e = assertThrows(RegistrationRefusedException.class,
                () -> register("vmm-ha", TestSites.clustered("vmm-ha", "5.0.1", "5.1.0")));
        assertEquals(Rule.R2, e.rule());
        assertTrue(e.getMessage().contains("node0=5.0.1") && e.getMessage().contains("node1=5.1.0"),
                e.getMessage());
        assertTrue(vault.servers().list().isEmpty());
    }

    @Test
    @DisplayName("R3 the encryption setting is accepted and ignored with a warning")
    void encryptionIgnored() {
        Secret key = vault.servers().generateRegistrationKey().encoded();
        RegistrationResult result = vault.endpoint().register(ServerRegistration.builder("vmm-a", key).encryption(true).build(),
                TestSites.primary());
        assertTrue(result.warnings().cites(Rule.R3), result.warnings().toString());
        assertFalse(result.warnings().hasErrors());
        assertEquals(1, vault.servers().list().size());
        assertTrue(CapturingLogs.events().stream().anyMatch(ev -> ev.message().contains("R3")));
    }

    @Test
    @DisplayName("R4 registration syncs every cloud when asked")
    void syncAll() {
        register("vmm-a", TestSites.primary());
        assertEquals(Set.of("Gold", "Silver"), vault.servers().list().get(0).syncedClouds());
        assertEquals(2, vault.servers().inventory("vmm-a").orElseThrow().clouds().size());
    }

    @Test
    @DisplayName("R4 registration without cloud sync syncs none; clouds are then synced one by one")
    void syncOneByOne() {
        Secret key = vault.servers().generateRegistrationKey().encoded();
        vault.endpoint().register(ServerRegistration.builder("vmm-a", key).cloudSync(CloudSync.ONE_BY_ONE).build(),
                TestSites.primary());
        assertTrue(vault.servers().inventory("vmm-a").orElseThrow().clouds().isEmpty());
        SyncReport report = vault.servers().syncCloud("vmm-a", "Gold");
        assertEquals(Set.of("Gold"), report.addedClouds());
        assertEquals(Set.of("Gold"), vault.servers().inventory("vmm-a").orElseThrow().clouds().stream().map(c -> c.name())
                .collect(java.util.stream.Collectors.toSet()));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> vault.servers().syncCloud("vmm-a", "Bronze"));
        assertEquals(Rule.R4, e.rule());
        assertEquals(Set.of("Gold"), vault.servers().list().get(0).syncedClouds(), "a refused sync changes nothing");
    }

    @Test
    @DisplayName("R5 after registration the vault lists the server and holds its inventory")
    void listsServerAndInventory() {
        register("vmm-a", TestSites.primary());
        register("vmm-b", TestSites.recovery());
        assertEquals(java.util.List.of("vmm-a", "vmm-b"),
                vault.servers().list().stream().map(RegisteredServer::friendlyName).toList());
        Site a = vault.servers().inventory("vmm-a").orElseThrow();
        assertEquals(3, a.vms().size());
        assertEquals(2, a.hosts().size());
        assertTrue(a.vmNetwork("Corp").isPresent());
        assertTrue(a.storageClassification("Fast").isPresent());
        assertEquals(T0, vault.servers().list().get(0).registeredAt());
    }

    @Test
    @DisplayName("R5 a later sync replaces the inventory and reports clouds that vanished")
    void resyncReplacesInventory() {
        register("vmm-a", TestSites.primary());
        Site shrunk = TestSites.primary().toBuilder().retainClouds(c -> c.name().equals("Gold")).build();
        clock.advance(Duration.ofHours(1));
        SyncReport report = vault.endpoint().sync("vmm-a", shrunk);
        assertEquals(Set.of("Silver"), report.removedClouds());
        assertEquals(Set.of("Gold"), vault.servers().list().get(0).syncedClouds());
        assertEquals(T0.plus(Duration.ofHours(1)), vault.servers().list().get(0).lastSyncAt());
    }

    @Test
    @DisplayName("R5 a server cannot register twice, and a sync of an unknown server is refused")
    void registerTwiceRefused() {
        register("vmm-a", TestSites.primary());
        RegistrationRefusedException e = assertThrows(RegistrationRefusedException.class,
                () -> register("vmm-a again", TestSites.primary()));
        assertEquals(Reason.ALREADY_REGISTERED, e.reason());
        assertEquals("vmm-a", vault.servers().list().get(0).friendlyName());
        NotFoundException unknown = assertThrows(NotFoundException.class,
                () -> vault.endpoint().sync("vmm-x", TestSites.recovery()));
        assertEquals("server", unknown.kind());
        assertTrue(unknown.getMessage().contains("vmm-x"), unknown.getMessage());
    }

    @Test
    @DisplayName("P1 a VMM server older than System Center 2012 SP1 cannot register")
    void vmmVersionChecked() {
        Site old = TestSites.primary().toBuilder().vmmVersion(VmmVersion.SC2012).build();
        RegistrationRefusedException e = assertThrows(RegistrationRefusedException.class,
                () -> register("vmm-a", old));
        assertEquals(Rule.P1, e.rule());
        assertTrue(e.getMessage().contains("SC2012"), e.getMessage());
        register("vmm-a", TestSites.primary().toBuilder().vmmVersion(VmmVersion.SC2012_SP1).build());
    }
}
