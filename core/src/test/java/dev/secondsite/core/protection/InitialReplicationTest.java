package dev.secondsite.core.protection;

import static dev.secondsite.core.protection.ProtectionFixtures.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InitialReplicationTest {
    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

    @Test
    @DisplayName("C10 a scheduled start is the next time of day after now: today, or tomorrow once passed")
    void scheduledStart() {
        var at2 = (InitialReplication.OverNetworkScheduled) InitialReplication.overNetworkAt(LocalTime.of(2, 0));
        ZonedDateTime evening = ZonedDateTime.of(2024, 5, 1, 22, 30, 0, 0, ZONE);
        assertEquals(ZonedDateTime.of(2024, 5, 2, 2, 0, 0, 0, ZONE), at2.nextStartAfter(evening));
        ZonedDateTime night = ZonedDateTime.of(2024, 5, 1, 1, 0, 0, 0, ZONE);
        assertEquals(ZonedDateTime.of(2024, 5, 1, 2, 0, 0, 0, ZONE), at2.nextStartAfter(night));
        assertFalse(at2.isOffline());
        assertRefused(Rule.C10, () -> InitialReplication.overNetworkAt(null));
    }

    @Test
    @DisplayName("O1 offline export and import paths must be given: both missing are reported together")
    void pathsGiven() {
        InvalidConfigurationException e = assertRefused(Rule.O1, () -> InitialReplication.offline(null, " "));
        assertEquals(2, e.errors().size());
        assertEquals("initialReplication.exportPath", e.errors().get(0).field());
        assertEquals("initialReplication.importPath", e.errors().get(1).field());
    }

    @ParameterizedTest
    @ValueSource(strings = {"D:\\export", "d:/export/vm", "\\\\files\\share", "\\\\files.contoso.local\\share\\x",
        "//files/share", "\\\\?\\D:\\export", "\\\\?\\UNC\\files\\share"})
    @DisplayName("O1 absolute Windows paths are accepted: drive paths and UNC paths")
    void absolute(String path) {
        var offline = (InitialReplication.Offline) InitialReplication.offline(path, "E:\\import");
        assertEquals(path, offline.exportPath());
        assertTrue(offline.isOffline());
    }

    @ParameterizedTest
    @ValueSource(strings = {"export", "export\\vm", ".\\export", "..\\export", "D:export", "\\export",
        "\\\\files", "\\\\files\\", "\\\\.\\pipe\\x", "\\\\?\\GLOBALROOT\\x"})
    @DisplayName("O1 relative, drive-relative and device paths are refused")
    void relative(String path) {
        InvalidConfigurationException e = assertRefused(Rule.O1, () -> InitialReplication.offline("D:\\x", path));
        assertTrue(e.getMessage().contains("importPath (" + path + ") must be an absolute path"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\\\localhost\\share", "\\\\LOCALHOST\\share\\x", "\\\\127.0.0.1\\share"})
    @DisplayName("O1 a loopback UNC path is refused: Hyper-V does not support loopback")
    void loopback(String path) {
        InvalidConfigurationException e = assertRefused(Rule.O1, () -> InitialReplication.offline(path, "E:\\x"));
        assertTrue(e.getMessage().contains("loopback"), e.getMessage());
    }

    @Test
    @DisplayName("O1 the machine of a UNC path is known, a drive path has none")
    void machines() {
        var offline = (InitialReplication.Offline) InitialReplication.offline("\\\\Files01\\exp", "E:\\imp");
        assertEquals(Optional.of("files01"), offline.exportMachine());
        assertEquals(Optional.empty(), offline.importMachine());
    }
}
