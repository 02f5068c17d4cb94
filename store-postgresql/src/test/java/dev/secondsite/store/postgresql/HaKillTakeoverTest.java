package dev.secondsite.store.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.durable.LedgerDriver;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobQuery;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.TaskState;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * J3 with leadership: two vault JVMs ({@link HaKillChild}) on one database, one active and one standing by; a 200-VM
 * plan failover runs on the active one, which the test SIGKILLs at random moments (logged seed); each time the
 * standby takes over (the time from the kill to its ACTIVE is recorded) and a new standby is started. At the end
 * every host side effect happened once (core's durable ledger driver), the failover SUCCEEDED and its history is
 * complete.
 */
class HaKillTakeoverTest {
    private static final int VMS = 200;
    private static final int KILLS = 10;

    @TempDir
    Path work;

    @Test
    @DisplayName("J3 two vault JVMs on one database: the active one is SIGKILLed at 10 random moments of a 200-VM "
            + "failover, the standby takes over each time; every host side effect once, the job SUCCEEDED, its "
            + "history complete")
    void killActiveStandbyTakesOver() throws Exception {
        long seed = Long.getLong("secondsite.killSeed", System.nanoTime());
        System.out.println("HaKillTakeoverTest seed " + seed + " (rerun with -Dsecondsite.killSeed=" + seed + ")");
        HaKillRun.Result run = HaKillRun.run(work, seed, VMS, KILLS);
        String prefix = run.prefix();
        System.out.println("HaKillTakeoverTest: " + run.kills() + " kills, " + LedgerDriver.read(work.resolve(
                "ledger.tsv")).size() + " side effects; takeover after SIGKILL " + HaKillRun.Result.summary(
                run.takeoverMillis()) + "; of which store open " + HaKillRun.Result.summary(run.storeOpenMillis())
                + ", vault open " + HaKillRun.Result.summary(run.vaultOpenMillis()) + "; takeovers (ms, in order) "
                + run.takeoverMillis());
        assertEquals(KILLS, run.kills(), "every kill point was reached");

        List<LedgerDriver.Entry> ledger = LedgerDriver.read(work.resolve("ledger.tsv"));
        assertEquals(ledger.size(), ledger.stream().map(LedgerDriver.Entry::key).distinct().count(),
                "no idempotency key took effect twice");
        Map<String, Map<String, Long>> perVm = LedgerDriver.perVm(ledger);
        assertEquals(VMS, perVm.size(), "every VM was touched");
        Map<String, Long> once = LedgerDriver.ENABLE_AND_FAILOVER_ONCE;
        perVm.forEach((vm, commands) -> {
            Map<String, Long> changes = new HashMap<>(commands);
            changes.remove("GetReplicationStatus");   // status reads change nothing and may repeat
            assertEquals(once, changes, "side effects of " + vm);
        });
        try (PostgresStateStore store = PostgresStateStore.open(PostgresStoreOptions.builder(TestDatabase
                .dataSource()).tablePrefix(prefix).build());
             Vault vault = Vault.open(store, VaultOptions.defaults())) {
            List<Job> failovers = vault.jobs().list(JobQuery.builder().kind(JobKind.PLANNED_FAILOVER).build());
            assertEquals(1, failovers.size());
            Job failover = failovers.get(0);
            assertEquals(JobState.SUCCEEDED, failover.state());
            assertTrue(failover.tasks().stream().allMatch(t -> t.state() == TaskState.SUCCEEDED),
                    "every task of the failover succeeded: the history is complete");
            assertEquals(VMS, vault.configuration().protection().protectedVms().stream()
                    .filter(v -> v.state().name().equals("FAILED_OVER")).count());
        }
    }
}
