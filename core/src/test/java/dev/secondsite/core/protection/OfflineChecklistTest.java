package dev.secondsite.core.protection;

import static dev.secondsite.core.protection.ProtectionFixtures.goldToSilver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.Rule;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OfflineChecklistTest {
    private final CloudPairing offline = goldToSilver(ReplicationSettings.builder()
            .initialReplication(InitialReplication.offline("\\\\files-a\\export", "\\\\files-b\\import")).build());

    private List<OfflineChecklist.Item> items(Rule rule) {
        return offline.offlineChecklist().items().stream().filter(i -> i.rule() == rule).toList();
    }

    @Test
    @DisplayName("C10 initial replication over the network needs no offline checklist")
    void networkHasNone() {
        assertTrue(goldToSilver().offlineChecklist().isEmpty());
    }

    @Test
    @DisplayName("O2 the VMM service accounts need full control on the export and import paths")
    void fullControl() {
        List<OfflineChecklist.Item> o2 = items(Rule.O2);
        assertTrue(o2.stream().anyMatch(i -> i.machine().equals("files-a")
                && i.instruction().contains("VMM server vmm-a full control")
                && i.instruction().contains("\\\\files-a\\export")));
        assertTrue(o2.stream().anyMatch(i -> i.machine().equals("files-b")
                && i.instruction().contains("VMM server vmm-b full control")));
        assertTrue(o2.stream().anyMatch(i -> i.instruction().contains("Server Operators on files-a")));
    }

    @Test
    @DisplayName("O3 the primary hosts need constrained delegation (CIFS) to the machines holding the paths")
    void delegation() {
        List<OfflineChecklist.Item> o3 = items(Rule.O3);
        assertEquals(2, o3.size());
        assertTrue(o3.get(0).instruction().contains("CIFS service of files-a"));
        assertTrue(o3.get(1).instruction().contains("CIFS service of files-b"));
        assertTrue(o3.get(0).machine().contains("cloud vmm-a/Gold"));
    }

    @Test
    @DisplayName("O4 the exported data is shipped from the export path to the import path")
    void shipping() {
        List<OfflineChecklist.Item> o4 = items(Rule.O4);
        assertEquals(1, o4.size());
        assertEquals("files-a -> files-b", o4.get(0).machine());
        CloudPairing local = goldToSilver(ReplicationSettings.builder()
                .initialReplication(InitialReplication.offline("D:\\export", "E:\\import")).build());
        assertTrue(local.offlineChecklist().items().stream()
                .anyMatch(i -> i.machine().equals("the machine that holds D:\\export")));
    }
}
