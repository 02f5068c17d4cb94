package dev.secondsite.core.vault;

import static dev.secondsite.core.vault.DrWorld.DB1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.job.Job;
import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobQuery;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.TaskState;
import dev.secondsite.core.json.JobJson;
import dev.secondsite.core.plan.FailoverKind;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.testing.FakeHostDriver;
import dev.secondsite.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** J1 and J4: jobs seen while they run, listed, filtered and exported as JSON. */
class JobHistoryTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);

    private final MutableClock clock = new MutableClock(T0);
    private final DrWorld world = new DrWorld(DrWorld.defaultSettings().build(), clock, clock);
    private final Vault vault = world.vault;

    @AfterEach
    void tearDown() {
        world.close();
    }

    /** T0: pairing; T0+1h: two mappings; T0+2h: protection of db1; T0+3h: a test failover that fails. */
    private String history() {
        world.pair();
        clock.advance(HOUR);
        world.map();
        clock.advance(HOUR);
        world.protect(DB1);
        clock.advance(HOUR);
        world.hosts.failPermanently(FakeHostDriver.isCommand(HostCommand.TestFailover.class), "no memory left");
        JobHandle failed = Failovers.start(vault, DB1, FailoverKind.TEST, Failovers.options().build());
        assertEquals(JobState.FAILED, world.settle(failed).state());
        return failed.id().value();
    }

    private List<Job> jobs(Consumer<JobQuery.Builder> filter) {
        JobQuery.Builder b = JobQuery.builder();
        filter.accept(b);
        return vault.jobs().list(b.build());
    }

    private static Set<JobKind> kinds(List<Job> jobs) {
        Set<JobKind> kinds = new HashSet<>();
        jobs.forEach(j -> kinds.add(j.kind()));
        return kinds;
    }

    @Test
    @DisplayName("J4 jobs are listed oldest first and filtered by time range, state, kind and target")
    void listAndFilter() {
        String failed = history();

        List<Job> all = vault.jobs().list(JobQuery.all());
        assertEquals(5, all.size());
        for (int i = 1; i < all.size(); i++) {
            assertTrue(!all.get(i).createdAt().isBefore(all.get(i - 1).createdAt()), "oldest first");
        }
        assertEquals(Set.of(JobKind.MAP_NETWORK, JobKind.MAP_STORAGE),
                kinds(jobs(q -> q.createdFrom(T0.plus(HOUR)).createdBefore(T0.plus(HOUR.multipliedBy(2))))));
        assertEquals(2, jobs(q -> q.createdFrom(T0.plus(HOUR.multipliedBy(2)))).size());
        assertEquals(1, jobs(q -> q.createdBefore(T0.plus(HOUR))).size());
        assertEquals(List.of(failed), jobs(q -> q.state(JobState.FAILED)).stream().map(Job::id).toList());
        assertEquals(4, jobs(q -> q.state(JobState.SUCCEEDED)).size());
        assertEquals(Set.of(JobKind.MAP_NETWORK, JobKind.MAP_STORAGE),
                kinds(jobs(q -> q.kind(JobKind.MAP_NETWORK, JobKind.MAP_STORAGE))));
        assertEquals(Set.of(JobKind.ENABLE_PROTECTION, JobKind.TEST_FAILOVER), kinds(jobs(q -> q.target(DB1))),
                "a VM's jobs: those aimed at it and those with a task for it");
        assertEquals(Set.of(JobKind.PAIR_CLOUDS), kinds(jobs(q -> q.target("pairing"))));
        assertEquals(List.of(failed), jobs(q -> q.kind(JobKind.TEST_FAILOVER).state(JobState.FAILED)
                .createdFrom(T0.plus(HOUR.multipliedBy(3)))).stream().map(Job::id).toList());
        assertTrue(jobs(q -> q.kind(JobKind.TEST_FAILOVER).state(JobState.SUCCEEDED)).isEmpty());

        InvalidConfigurationException empty = assertThrows(InvalidConfigurationException.class,
                () -> JobQuery.builder().createdFrom(T0.plus(HOUR)).createdBefore(T0).build());
        assertEquals(Rule.J4, empty.rule());
    }

    @Test
    @DisplayName("J4 jobs are exported as JSON with their state, errors and tasks")
    void exportJson() throws Exception {
        String failed = history();
        List<Job> all = vault.jobs().list(JobQuery.all());

        JsonNode doc = new ObjectMapper().readTree(JobJson.export(all));

        assertEquals(JobJson.KIND, doc.get("kind").asText());
        assertEquals(all.size(), doc.get("jobs").size());
        for (int i = 0; i < all.size(); i++) {
            Job job = all.get(i);
            JsonNode node = doc.get("jobs").get(i);
            assertEquals(job.id(), node.get("id").asText());
            assertEquals(job.kind().name(), node.get("kind").asText());
            assertEquals(job.state().name(), node.get("state").asText());
            assertEquals(job.tasks().size(), node.get("tasks").size());
            for (int t = 0; t < job.tasks().size(); t++) {
                assertEquals(job.tasks().get(t).id(), node.get("tasks").get(t).get("id").asText());
                assertEquals(job.tasks().get(t).state().name(), node.get("tasks").get(t).get("state").asText());
            }
        }
        JsonNode failedNode = doc.get("jobs").get(all.size() - 1);
        assertEquals(failed, failedNode.get("id").asText());
        JsonNode error = failedNode.get("errors").get(0);
        assertTrue(error.get("message").asText().contains("no memory left"), failedNode::toString);
        Job failedJob = all.get(all.size() - 1);
        assertEquals(failedJob.errors().get(0).rule().name(), error.get("rule").asText(), "findings keep their rule");
        assertEquals("ERROR", error.get("severity").asText());
        assertTrue(failedNode.toString().contains("\"error\""), "the failed task carries its error");
    }

    @Test
    @DisplayName("J1 a job is visible while it runs: state, progress, start time and task states")
    void visibleWhileRunning() throws InterruptedException {
        world.ready();
        FakeHostDriver.Hold hold = world.hosts.hold(FakeHostDriver.isCommand(HostCommand.StartVm.class));
        JobHandle id = Failovers.start(vault, DB1, FailoverKind.TEST, Failovers.options().build());
        try {
            assertTrue(hold.awaitHeld(1));
            Job running = id.poll();
            assertEquals(JobState.IN_PROGRESS, running.state());
            assertNotNull(running.startedAt());
            assertNull(running.endedAt());
            assertTrue(running.progressPercent() > 0 && running.progressPercent() < 100, running::toString);
            assertEquals(TaskState.SUCCEEDED, running.task("failover/" + DB1).orElseThrow().state());
            assertEquals(TaskState.IN_PROGRESS, running.task("boot/" + DB1).orElseThrow().state());
            assertEquals(List.of(id.id().value()), vault.jobs().list(JobQuery.builder().state(JobState.IN_PROGRESS).build()).stream()
                    .map(Job::id).toList());
        } finally {
            hold.release();
        }
        Job done = world.succeed(id);
        assertEquals(100, done.progressPercent());
        assertNotNull(done.endedAt());
    }
}
