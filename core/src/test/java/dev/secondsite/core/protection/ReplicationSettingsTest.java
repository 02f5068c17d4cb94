package dev.secondsite.core.protection;

import static dev.secondsite.core.protection.ProtectionFixtures.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.inventory.WindowsServerVersion;
import java.time.LocalTime;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReplicationSettingsTest {

    @Test
    @DisplayName("C4 copy frequency is 30 seconds, 5 minutes or 15 minutes; 5 minutes by default")
    void copyFrequencyValues() {
        assertEquals(CopyFrequency.THIRTY_SECONDS, CopyFrequency.ofSeconds(30));
        assertEquals(CopyFrequency.FIVE_MINUTES, CopyFrequency.ofSeconds(300));
        assertEquals(CopyFrequency.FIFTEEN_MINUTES, CopyFrequency.ofSeconds(900));
        assertEquals(900, CopyFrequency.FIFTEEN_MINUTES.seconds());
        assertEquals(CopyFrequency.FIVE_MINUTES, ReplicationSettings.defaults().copyFrequency());
        InvalidConfigurationException e = assertRefused(Rule.C4, () -> CopyFrequency.ofSeconds(60));
        assertEquals("C4: copyFrequency (60) must be 30, 300 or 900 seconds [replication settings]", e.getMessage());
        assertRefused(Rule.C4, () -> ReplicationSettings.builder().copyFrequency(null));
    }

    @Test
    @DisplayName("C4 hosts older than Windows Server 2012 R2 copy every 5 minutes whatever the setting")
    void effectiveFrequency() {
        ReplicationSettings s = ReplicationSettings.builder().copyFrequency(CopyFrequency.THIRTY_SECONDS).build();
        assertEquals(CopyFrequency.FIVE_MINUTES, s.effectiveCopyFrequency(WindowsServerVersion.WS2012));
        assertEquals(CopyFrequency.THIRTY_SECONDS, s.effectiveCopyFrequency(WindowsServerVersion.WS2012_R2));
        assertEquals(CopyFrequency.THIRTY_SECONDS, s.effectiveCopyFrequency(WindowsServerVersion.WS2019));
    }

    @Test
    @DisplayName("C5 additional recovery points are 0 (default) up to 24, at most 15 on Windows Server 2012")
    void recoveryPoints() {
        assertEquals(0, ReplicationSettings.defaults().additionalRecoveryPoints());
        assertEquals(24, ReplicationSettings.builder().additionalRecoveryPoints(24).build()
                .additionalRecoveryPoints());
        assertRefused(Rule.C5, () -> ReplicationSettings.builder().additionalRecoveryPoints(25));
        assertRefused(Rule.C5, () -> ReplicationSettings.builder().additionalRecoveryPoints(-1));
        assertEquals(15, ReplicationSettings.maxRecoveryPointsOn(WindowsServerVersion.WS2012));
        assertEquals(24, ReplicationSettings.maxRecoveryPointsOn(WindowsServerVersion.WS2012_R2));
    }

    @Test
    @DisplayName("C6 app-consistent frequency is 0 (off) or 1..12 hours and less than the recovery points")
    void appConsistentFrequency() {
        assertEquals(0, ReplicationSettings.defaults().appConsistentFrequencyHours());
        ReplicationSettings ok = ReplicationSettings.builder().additionalRecoveryPoints(13)
                .appConsistentFrequencyHours(12).build();
        assertEquals(12, ok.appConsistentFrequencyHours());
        assertRefused(Rule.C6, () -> ReplicationSettings.builder().appConsistentFrequencyHours(13));
        assertRefused(Rule.C6, () -> ReplicationSettings.builder().appConsistentFrequencyHours(-1));
        InvalidConfigurationException e = assertRefused(Rule.C6, () -> ReplicationSettings.builder()
                .additionalRecoveryPoints(3).appConsistentFrequencyHours(4).build());
        assertEquals("C6: appConsistentFrequencyHours (4) must be less than additionalRecoveryPoints (3)"
                + " [replication settings]", e.getMessage());
        assertRefused(Rule.C6, () -> ReplicationSettings.builder().additionalRecoveryPoints(3)
                .appConsistentFrequencyHours(3).build());
        assertRefused(Rule.C6, () -> ReplicationSettings.builder().appConsistentFrequencyHours(1).build());
    }

    @Test
    @DisplayName("C6 the canonical constructor checks the rules too, so a decoded value is as valid as a built one")
    void constructorChecks() {
        assertRefused(Rule.C6, () -> new ReplicationSettings(CopyFrequency.FIVE_MINUTES, 3, 4, true,
                Authentication.CERTIFICATE, 8084, InitialReplication.overNetworkNow(), false));
        assertRefused(Rule.C9, () -> new ReplicationSettings(CopyFrequency.FIVE_MINUTES, 0, 0, true,
                Authentication.CERTIFICATE, 0, InitialReplication.overNetworkNow(), false));
        assertRefused(Rule.C10, () -> new ReplicationSettings(CopyFrequency.FIVE_MINUTES, 0, 0, true,
                Authentication.CERTIFICATE, 8084, null, false));
    }

    @Test
    @DisplayName("C7 data transfer compression is on by default and can be turned off")
    void compression() {
        assertTrue(ReplicationSettings.defaults().compression());
        assertFalse(ReplicationSettings.builder().compression(false).build().compression());
    }

    @Test
    @DisplayName("C8 certificate authentication by default on port 8084; Kerberos defaults to port 8083")
    void authentication() {
        ReplicationSettings d = ReplicationSettings.defaults();
        assertEquals(Authentication.CERTIFICATE, d.authentication());
        assertEquals(8084, d.port());
        ReplicationSettings k = ReplicationSettings.builder().authentication(Authentication.KERBEROS).build();
        assertEquals(8083, k.port());
        assertEquals(9000, ReplicationSettings.builder().port(9000).authentication(Authentication.KERBEROS).build()
                .port());
        assertEquals(Authentication.KERBEROS, Authentication.fromHyperVName("kerberos").orElseThrow());
        assertTrue(Authentication.fromHyperVName("NTLM").isEmpty());
        assertRefused(Rule.C8, () -> ReplicationSettings.builder().authentication(null));
    }

    @Test
    @DisplayName("C8 an edit that switches authentication moves a default port and keeps an explicit one")
    void toBuilderPort() {
        ReplicationSettings byDefault = ReplicationSettings.defaults();
        assertEquals(8083, byDefault.toBuilder().authentication(Authentication.KERBEROS).build().port());
        ReplicationSettings explicit = ReplicationSettings.builder().port(9443).build();
        assertEquals(9443, explicit.toBuilder().authentication(Authentication.KERBEROS).build().port());
        assertEquals(explicit, explicit.toBuilder().build());
    }

    @Test
    @DisplayName("C9 the replication port is 1..65535")
    void port() {
        assertEquals(1, ReplicationSettings.builder().port(1).build().port());
        assertEquals(65535, ReplicationSettings.builder().port(65535).build().port());
        InvalidConfigurationException e = assertRefused(Rule.C9, () -> ReplicationSettings.builder().port(65536));
        assertTrue(e.getMessage().startsWith("C9: port (65536) must be between 1 and 65535"), e.getMessage());
        assertRefused(Rule.C9, () -> ReplicationSettings.builder().port(0));
    }

    @Test
    @DisplayName("C10 initial replication is over the network now by default, or at a time, or offline")
    void initialReplication() {
        assertEquals(InitialReplication.overNetworkNow(), ReplicationSettings.defaults().initialReplication());
        InitialReplication at = InitialReplication.overNetworkAt(LocalTime.of(2, 0));
        assertEquals(at, ReplicationSettings.builder().initialReplication(at).build().initialReplication());
        InitialReplication offline = InitialReplication.offline("D:\\export", "\\\\files\\import");
        assertTrue(ReplicationSettings.builder().initialReplication(offline).build().initialReplication()
                .isOffline());
        assertRefused(Rule.C10, () -> ReplicationSettings.builder().initialReplication(null));
    }

    @Test
    @DisplayName("C11 the replica is kept on disable by default and deleted when set")
    void deleteReplica() {
        assertFalse(ReplicationSettings.defaults().deleteReplicaOnDisable());
        assertTrue(ReplicationSettings.builder().deleteReplicaOnDisable(true).build().deleteReplicaOnDisable());
    }
}
