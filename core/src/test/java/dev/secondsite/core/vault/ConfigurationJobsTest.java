package dev.secondsite.core.vault;

import static dev.secondsite.core.vault.DrWorld.A;
import static dev.secondsite.core.vault.DrWorld.APP1;
import static dev.secondsite.core.vault.DrWorld.B;
import static dev.secondsite.core.vault.DrWorld.DB1;
import static dev.secondsite.core.vault.DrWorld.GOLD;
import static dev.secondsite.core.vault.DrWorld.HV01;
import static dev.secondsite.core.vault.DrWorld.HV02;
import static dev.secondsite.core.vault.DrWorld.HV03;
import static dev.secondsite.core.vault.DrWorld.HV11;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobQuery;
import dev.secondsite.core.job.TaskState;
import dev.secondsite.core.job.TaskStatus;
import dev.secondsite.core.protection.CloudPairing;
import dev.secondsite.core.protection.NetworkMapping;
import dev.secondsite.core.protection.StorageMapping;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** J1: pairing, mappings and their removal, each as a job against the fake hosts, with their effects. */
class ConfigurationJobsTest {
    private final DrWorld world = new DrWorld();
    private final Vault vault = world.vault;

    @AfterEach
    void tearDown() {
        world.close();
    }

    private int jobCount() {
        return vault.jobs().list(JobQuery.all()).size();
    }

    @Test
    @DisplayName("C12 J1 pairing is a job that configures every host of both clouds as a replica server, then saves")
    void pairingConfiguresEveryHost() {
        for (String host : List.of(HV01, HV02, HV11)) {
            assertFalse(world.hosts.isReplicaServer(host), host);
        }
        CloudPairing pairing = CloudPairing.of(GOLD, B, "GoldDR", world.settings);
        Job job = world.succeed(vault.pairings().pair(pairing));

        assertEquals(JobKind.PAIR_CLOUDS, job.kind());
        assertEquals(100, job.progressPercent());
        List<String> configured = job.tasks().stream().filter(t -> t.id().startsWith("configure/"))
                .map(TaskStatus::id).sorted().toList();
        assertEquals(List.of("configure/vmm-a/" + HV01, "configure/vmm-a/" + HV02, "configure/vmm-b/" + HV11,
                "configure/vmm-b/" + DrWorld.HV12), configured);
        assertTrue(job.tasks().stream().allMatch(t -> t.state() == TaskState.SUCCEEDED), job.tasks()::toString);
        for (String host : List.of(HV01, HV02, HV11, DrWorld.HV12)) {
            assertTrue(world.hosts.isReplicaServer(host), host + " must be a replica server");
        }
        assertFalse(world.hosts.isReplicaServer(HV03), "a host of another cloud is left alone");
        // the pairing is saved only after its hosts were configured
        TaskStatus save = job.task("save").orElseThrow();
        for (TaskStatus t : job.tasks()) {
            if (t != save) {
                assertFalse(save.startedAt().isBefore(t.endedAt()), t.id() + " ended after the save started");
            }
        }
        assertEquals(List.of(pairing), vault.configuration().protection().pairings());
    }

    @Test
    @DisplayName("C12 J1 editing a pairing's settings is a job that reconfigures the hosts and saves the new settings")
    void editPairing() {
        world.pair();
        long before = world.hosts.history().stream()
                .filter(e -> e.commandName().equals("ConfigureReplicaServer")).count();
        CloudPairing edited = CloudPairing.of(GOLD, B, "GoldDR",
                world.settings.toBuilder().compression(false).deleteReplicaOnDisable(true).build());

        Job job = world.succeed(vault.pairings().edit(edited));

        assertEquals(JobKind.EDIT_PAIRING, job.kind());
        assertEquals(edited, vault.configuration().protection().pairing(GOLD).orElseThrow());
        long after = world.hosts.history().stream()
                .filter(e -> e.commandName().equals("ConfigureReplicaServer")).count();
        assertEquals(before + 4, after, "every host of both clouds is configured again");
    }

    @Test
    @DisplayName("C12 a pairing's target cloud or server cannot be edited: refused naming C12, no job created")
    void editPairingTargetRefused() {
        world.pair();
        CloudPairing saved = vault.configuration().protection().pairing(GOLD).orElseThrow();
        int jobs = jobCount();
        int commands = world.hosts.history().size();

        InvalidConfigurationException otherCloud = assertThrows(InvalidConfigurationException.class,
                () -> vault.pairings().edit(CloudPairing.of(GOLD, B, "SilverDR", world.settings)));
        assertEquals(Rule.C12, otherCloud.rule());
        assertTrue(otherCloud.getMessage().contains("SilverDR"), otherCloud.getMessage());
        InvalidConfigurationException otherServer = assertThrows(InvalidConfigurationException.class,
                () -> vault.pairings().edit(CloudPairing.of(GOLD, "vmm-c", "GoldDR", world.settings)));
        assertEquals(Rule.C12, otherServer.rule());

        assertEquals(jobs, jobCount(), "no job is created");
        assertEquals(commands, world.hosts.history().size(), "no host is touched");
        assertEquals(saved, vault.configuration().protection().pairing(GOLD).orElseThrow());
    }

    @Test
    @DisplayName("E4 C12 unpairing is refused while VMs of the cloud are protected (no job), and a job once they are not")
    void unpair() {
        world.pair().protect(DB1);
        int jobs = jobCount();
        InvalidConfigurationException refused = assertThrows(InvalidConfigurationException.class,
                () -> vault.pairings().unpair(GOLD));
        assertEquals(Rule.E4, refused.rule());
        assertTrue(refused.getMessage().contains(DB1), refused.getMessage());
        assertEquals(jobs, jobCount(), "no job is created");
        assertTrue(vault.configuration().protection().pairing(GOLD).isPresent());

        world.succeed(vault.protectedVms().disable(DB1));
        Job job = world.succeed(vault.pairings().unpair(GOLD));

        assertEquals(JobKind.UNPAIR_CLOUDS, job.kind());
        assertTrue(vault.configuration().protection().pairings().isEmpty());
    }

    @Test
    @DisplayName("N4 N1 J1 mapping a network later reconnects the replicas of protected VMs on it; remap moves them")
    void networkMappingReconnectsReplicas() {
        world.pair().protect(DB1, APP1);
        assertEquals(java.util.Optional.empty(), world.fake(DB1).replica().network("nic0"),
                "a replica starts disconnected");

        Job job = world.succeed(vault.mappings().mapNetwork(new NetworkMapping(A, "Corp", B, "CorpDR")));

        assertEquals(JobKind.MAP_NETWORK, job.kind());
        assertEquals(Set.of("save", "reconnect/" + DB1, "reconnect/" + APP1),
                Set.copyOf(job.tasks().stream().map(TaskStatus::id).toList()));
        for (String vm : List.of(DB1, APP1)) {
            assertEquals("CorpDR", world.fake(vm).replica().network("nic0").orElse(null), vm);
            assertEquals(world.replicaHost(vm), world.fake(vm).replica().host());
        }
        assertEquals(java.util.Optional.of("CorpDR"),
                vault.configuration().protection().targetNetworkFor(A, "Corp", B));

        world.succeed(vault.mappings().remapNetwork(new NetworkMapping(A, "Corp", B, "CorpDR2")));

        assertEquals("CorpDR2", world.fake(DB1).replica().network("nic0").orElse(null));
        assertEquals("CorpDR2", world.fake(APP1).replica().network("nic0").orElse(null));
        assertEquals(java.util.Optional.of("CorpDR2"),
                vault.configuration().protection().targetNetworkFor(A, "Corp", B));
    }

    @Test
    @DisplayName("N3 N4 J1 unmapping a network is a job whose warnings name the VMs that now fail over disconnected")
    void unmapNetwork() {
        world.pair().map().protect(DB1);
        Job job = world.succeed(vault.mappings().unmapNetwork(A, "Corp"));

        assertEquals(JobKind.UNMAP_NETWORK, job.kind());
        assertTrue(vault.configuration().protection().networkMapping(A, "Corp").isEmpty());
        assertTrue(job.warnings().stream().anyMatch(w -> w.rule() == Rule.N3 && w.toString().contains(DB1)), job.warnings()
                ::toString);
    }

    @Test
    @DisplayName("S2 J1 storage mappings are saved, replaced and removed by jobs")
    void storageMapping() {
        world.pair();
        Job map = world.succeed(vault.mappings().mapStorage(new StorageMapping(A, "Gold-SSD", B, "DR-SSD")));
        assertEquals(JobKind.MAP_STORAGE, map.kind());
        assertEquals("DR-SSD", vault.configuration().protection().storageMapping(A, "Gold-SSD").orElseThrow()
                .targetClassification());

        int jobs = jobCount();
        InvalidConfigurationException twice = assertThrows(InvalidConfigurationException.class,
                () -> vault.mappings().mapStorage(new StorageMapping(A, "Gold-SSD", B, "DR-HDD")));
        assertEquals(Rule.S2, twice.rule());
        assertEquals(jobs, jobCount());

        world.succeed(vault.mappings().remapStorage(new StorageMapping(A, "Gold-SSD", B, "DR-HDD")));
        assertEquals("DR-HDD", vault.configuration().protection().storageMapping(A, "Gold-SSD").orElseThrow()
                .targetClassification());

        Job unmap = world.succeed(vault.mappings().unmapStorage(A, "Gold-SSD"));
        assertEquals(JobKind.UNMAP_STORAGE, unmap.kind());
        assertTrue(vault.configuration().protection().storageMappings().isEmpty());
    }

    @Test
    @DisplayName("C3 J1 a refused pairing creates no job and touches no host")
    void refusedPairingCreatesNoJob() {
        world.pair();
        int jobs = jobCount();
        int commands = world.hosts.history().size();
        InvalidConfigurationException refused = assertThrows(InvalidConfigurationException.class,
                () -> vault.pairings().pair(CloudPairing.of(new CloudRef(A, "Silver"), B, "GoldDR", world.settings)));
        assertEquals(Rule.C3, refused.rule());
        assertEquals(jobs, jobCount());
        assertEquals(commands, world.hosts.history().size());
        assertFalse(world.hosts.isReplicaServer(HV03));
    }
}
