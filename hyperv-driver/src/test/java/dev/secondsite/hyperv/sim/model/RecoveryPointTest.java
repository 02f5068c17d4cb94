package dev.secondsite.hyperv.sim.model;

import static dev.secondsite.hyperv.sim.model.Sim.HV1A;
import static dev.secondsite.hyperv.sim.model.Sim.HV1B;
import static dev.secondsite.hyperv.sim.model.Sim.WEB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.hyperv.sim.lang.PsObject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Recovery points taken on the clock from the replication settings. */
class RecoveryPointTest {
    private static OffsetDateTime at(Duration sinceStart) {
        return OffsetDateTime.ofInstant(Sim.START.plus(sinceStart), ZoneOffset.UTC);
    }

    @Test
    @DisplayName("C5 the newest RecoveryHistory hourly points are kept besides the latest one")
    void countKept() throws Exception {
        Sim sim = new Sim();
        sim.replicating("RecoveryHistory", 4);
        sim.clock.advance(Duration.ofHours(10).plusMinutes(20));
        List<PsObject> points = sim.snapshots(HV1B, WEB, "Replica");
        assertEquals(5, points.size());
        assertEquals(List.of(at(Duration.ofHours(7)), at(Duration.ofHours(8)), at(Duration.ofHours(9)),
                at(Duration.ofHours(10)), at(Duration.ofHours(10).plusMinutes(20))),
                points.stream().map(p -> p.get("CreationTime")).toList());
        assertEquals(5, sim.model.recoveryPoints(Sim.WEB_ID).size());
    }

    @Test
    @DisplayName("C5 with RecoveryHistory 0 only the latest point is kept; it moves every copy interval (C4)")
    void latestMovesPerCopyInterval() throws Exception {
        Sim sim = new Sim();
        sim.replicating("ReplicationFrequencySec", 300);
        sim.clock.advance(Duration.ofMinutes(12));
        List<PsObject> points = sim.snapshots(HV1B, WEB, "Replica");
        assertEquals(1, points.size());
        assertEquals(at(Duration.ofMinutes(10)), points.get(0).get("CreationTime"));
        assertEquals(at(Duration.ofMinutes(10)), sim.replication(HV1A, WEB).get("LastReplicationTime"));
        sim.clock.advance(Duration.ofSeconds(181));
        assertEquals(at(Duration.ofMinutes(15)), sim.replication(HV1A, WEB).get("LastReplicationTime"));
    }

    @Test
    @DisplayName("C6 every VSSSnapshotFrequencyHour-th hourly point is application-consistent")
    void appConsistentFrequency() throws Exception {
        Sim sim = new Sim();
        sim.replicating("RecoveryHistory", 6, "VSSSnapshotFrequencyHour", 2);
        sim.clock.advance(Duration.ofHours(6));
        List<PsObject> app = sim.snapshots(HV1B, WEB, "AppConsistentReplica");
        assertEquals(List.of(at(Duration.ofHours(2)), at(Duration.ofHours(4)), at(Duration.ofHours(6))),
                app.stream().map(p -> p.get("CreationTime")).toList());
        assertEquals(6, sim.snapshots(HV1B, WEB, "Replica").size(), "-SnapshotType Replica lists every point");
        assertTrue(app.stream().allMatch(p -> p.get("SnapshotType").toString().equals("AppConsistentReplica")));
        assertEquals(List.of("Name", "Id", "VMName", "VMId", "SnapshotType", "CreationTime", "ComputerName"),
                app.get(0).propertyNames());
    }

    @Test
    @DisplayName("F2 a prepared planned failover sends the last changes: the replica's latest point is now")
    void prepareSendsLastChanges() throws Exception {
        Sim sim = new Sim();
        sim.replicating();
        sim.clock.advance(Duration.ofMinutes(7));
        sim.run(HV1A, "Stop-VM", "Name", WEB);
        sim.run(HV1A, "Start-VMFailover", "VMName", WEB, "Prepare", true);
        List<PsObject> points = sim.snapshots(HV1B, WEB, "Replica");
        assertEquals(at(Duration.ofMinutes(7)), points.get(points.size() - 1).get("CreationTime"));
    }

    @Test
    @DisplayName("a long gap takes only the points that are kept, with the same ids as point-by-point reads")
    void longGapIsCheapAndStable() throws Exception {
        Sim stepwise = new Sim();
        stepwise.replicating("RecoveryHistory", 3);
        Sim jump = new Sim();
        jump.replicating("RecoveryHistory", 3);
        for (int h = 0; h < 50; h++) {
            stepwise.clock.advance(Duration.ofHours(1));
            stepwise.snapshots(HV1B, WEB, "Replica");
        }
        jump.clock.advance(Duration.ofHours(50));
        assertEquals(stepwise.snapshots(HV1B, WEB, "Replica").stream().map(p -> p.get("Id")).toList(),
                jump.snapshots(HV1B, WEB, "Replica").stream().map(p -> p.get("Id")).toList());
    }
}
