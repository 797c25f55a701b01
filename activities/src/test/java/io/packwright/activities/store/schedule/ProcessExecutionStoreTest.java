package io.packwright.activities.store.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.packwright.activities.store.TestDatabase;
import io.packwright.activities.store.TestDatabases;
import io.packwright.activities.store.release.ReleaseRows;
import io.packwright.workflows.schedule.LanePlan;
import io.packwright.workflows.schedule.ProcessLane;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The schedule workflow's SQL on the real PostgreSQL and migrations: a fire is recorded once and by
 * the overlap policy; deadlines turn queued runs {@code MISSED} and claimed ones {@code TIMED_OUT};
 * failures are retried as often as the schedule says, once each; after an outage only the missed
 * run that is fired counts, the plan goes on from now; the plan wakes for deadlines, and in the
 * schedule's zone (a DST gap fires at the transition).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProcessExecutionStoreTest {

    private static final Instant NOW = Instant.parse("2030-01-02T03:04:00Z");
    private static final Duration WINDOW = Duration.ofMinutes(5);

    private final TestDatabase database = TestDatabases.create().migrate();
    private ApplicationContext context;
    private ProcessExecutionStore store;
    private Connection db;
    private ReleaseRows rows;
    private LaneRows lanes;

    @BeforeAll
    void start() throws SQLException {
        context = ReleaseRows.context(database);
        store = context.getBean(ProcessExecutionStore.class);
        db = database.connect();
        rows = new ReleaseRows(db);
        lanes = new LaneRows(db);
    }

    @AfterAll
    void stop() throws SQLException {
        db.close();
        context.close();
    }

    private void everyMinute(ProcessLane lane, String overlap, int maxRetries) throws SQLException {
        lanes.schedule(lane, "[{\"kind\":\"EVERY_MINUTES\",\"every\":1}]", "UTC", overlap, maxRetries);
    }

    private void claimAll(ProcessLane lane, Instant at) {
        store.claim(lane.environmentId(), UUID.randomUUID(), 50, at, Duration.ofMinutes(2));
    }

    @Test
    void aFireIsRecordedOnceAndPlansTheNextOne() throws SQLException {
        ProcessLane lane = lanes.lane();
        everyMinute(lane, "ALLOW", 0);
        Instant fire = NOW.plus(Duration.ofMinutes(1));
        LanePlan plan = store.fire(lane.at(fire), fire, fire.plusMillis(20), WINDOW);
        store.fire(lane.at(fire), fire, fire.plusMillis(40), WINDOW);

        assertEquals(List.of(new LaneRows.Row("QUEUED", "SCHEDULE", 1, fire, null)), lanes.executions(lane));
        assertEquals(fire.plus(Duration.ofMinutes(1)), plan.nextFire());
        assertEquals(fire.plus(WINDOW), plan.nextCheck(), "it wakes for the start deadline");
        assertTrue(plan.live());
    }

    @Test
    void theOverlapPolicyDecidesWhetherAFireIsQueuedOrSkipped() throws SQLException {
        for (String overlap : List.of("SKIP", "BUFFER_ONE", "ALLOW")) {
            ProcessLane lane = lanes.lane();
            everyMinute(lane, overlap, 0);
            Instant first = NOW.plus(Duration.ofMinutes(1));
            Instant second = first.plus(Duration.ofMinutes(1));
            Instant third = second.plus(Duration.ofMinutes(1));
            store.fire(lane, first, first, WINDOW);
            claimAll(lane, first.plusSeconds(1));
            store.fire(lane, second, second, WINDOW);
            store.fire(lane, third, third, WINDOW);
            List<String> statuses =
                    lanes.executions(lane).stream().map(LaneRows.Row::status).toList();
            switch (overlap) {
                case "SKIP" -> assertEquals(List.of("CLAIMED", "SKIPPED", "SKIPPED"), statuses, overlap);
                case "BUFFER_ONE" -> assertEquals(List.of("CLAIMED", "QUEUED", "SKIPPED"), statuses, overlap);
                default -> assertEquals(List.of("CLAIMED", "QUEUED", "QUEUED"), statuses, overlap);
            }
        }
    }

    @Test
    void afterAnOutageOnlyTheFiredMissedRunCountsAndThePlanGoesOnFromNow() throws SQLException {
        ProcessLane lane = lanes.lane();
        everyMinute(lane, "ALLOW", 0);
        Instant missed = NOW.plus(Duration.ofMinutes(1));
        Instant back = missed.plus(Duration.ofMinutes(30)).plusSeconds(10);
        LanePlan plan = store.fire(lane.at(missed), missed, back, WINDOW);

        assertEquals(1, lanes.executions(lane).size(), "one missed run, not thirty");
        assertEquals(back.plusSeconds(50), plan.nextFire(), "the next fire is the next minute after now");
    }

    @Test
    void deadlinesMakeRunsMissedAndTimedOut() throws SQLException {
        ProcessLane lane = lanes.lane();
        everyMinute(lane, "ALLOW", 0);
        Instant first = NOW.plus(Duration.ofMinutes(1));
        Instant second = first.plus(Duration.ofMinutes(1));
        store.fire(lane, first, first, WINDOW);
        claimAll(lane, first.plusSeconds(1));
        store.fire(lane, second, second, WINDOW);

        LanePlan early = store.plan(lane.at(second), second.plusSeconds(30), WINDOW);
        assertEquals(first.plusSeconds(1).plus(Duration.ofMinutes(2)), early.nextCheck(), "the lease ends first");
        store.plan(lane.at(second), second.plus(WINDOW), WINDOW);

        List<LaneRows.Row> found = lanes.executions(lane);
        assertEquals("TIMED_OUT", found.get(0).status());
        assertTrue(found.get(0).message().contains("heartbeat"), found::toString);
        assertEquals("MISSED", found.get(1).status());
        assertTrue(found.get(1).message().contains("start deadline"), found::toString);
    }

    @Test
    void aFailedRunIsRetriedAsOftenAsTheScheduleSaysOnceEach() throws SQLException {
        ProcessLane lane = lanes.lane();
        everyMinute(lane, "ALLOW", 1);
        Instant fire = NOW.plus(Duration.ofMinutes(1));
        store.fire(lane, fire, fire, WINDOW);
        UUID runtime = UUID.randomUUID();
        UUID first = store.claim(lane.environmentId(), runtime, 1, fire.plusSeconds(1), Duration.ofMinutes(2))
                .get(0)
                .id();
        Instant failedAt = fire.plusSeconds(20);
        store.result(first, lane.environmentId(), runtime, "FAILED", fire.plusSeconds(2), failedAt, "exit 1");

        LanePlan waiting = store.plan(lane.at(fire), failedAt.plus(Duration.ofMinutes(4)), WINDOW);
        assertEquals(1, lanes.executions(lane).size(), "no retry before its delay");
        assertEquals(failedAt.plus(Duration.ofMinutes(5)), waiting.nextCheck());
        store.plan(lane.at(fire), failedAt.plus(Duration.ofMinutes(5)), WINDOW);
        store.plan(lane.at(fire), failedAt.plus(Duration.ofMinutes(6)), WINDOW);
        List<LaneRows.Row> found = lanes.executions(lane);
        assertEquals(2, found.size(), found::toString);
        assertEquals(new LaneRows.Row("QUEUED", "RETRY", 2, failedAt.plus(Duration.ofMinutes(5)), null), found.get(1));

        Instant retryClaimed = failedAt.plus(Duration.ofMinutes(6));
        UUID retry = store.claim(lane.environmentId(), runtime, 1, retryClaimed, Duration.ofMinutes(2))
                .get(0)
                .id();
        store.result(
                retry, lane.environmentId(), runtime, "FAILED", retryClaimed, retryClaimed.plusSeconds(1), "again");
        store.plan(lane.at(fire), retryClaimed.plus(Duration.ofHours(1)), WINDOW);
        assertEquals(2, lanes.executions(lane).size(), "maxRetries 1: the retry is not retried");
    }

    @Test
    void aDisabledOrDeletedScheduleFiresNothingAndALaneWithoutAnythingEnds() throws SQLException {
        ProcessLane lane = lanes.lane();
        everyMinute(lane, "ALLOW", 0);
        rows.exec(
                "UPDATE process_schedules SET enabled = false WHERE integration_pack_instance_id = ?",
                lane.instanceId());
        Instant fire = NOW.plus(Duration.ofMinutes(1));
        LanePlan disabled = store.fire(lane, fire, fire, WINDOW);
        assertEquals(List.of(), lanes.executions(lane));
        assertNull(disabled.nextFire());
        assertTrue(disabled.live(), "a disabled schedule keeps its workflow waiting for a change");

        rows.exec("DELETE FROM process_schedules WHERE integration_pack_instance_id = ?", lane.instanceId());
        LanePlan gone = store.plan(lane, fire, WINDOW);
        assertFalse(gone.live());
    }

    @Test
    void theScheduleFiresInItsZoneAndASkippedLocalTimeAtTheTransition() throws SQLException {
        ProcessLane lane = lanes.lane();
        lanes.schedule(lane, "[{\"kind\":\"DAILY\",\"at\":\"02:30\"}]", "Europe/Berlin", "ALLOW", 0);
        // 2026-03-29 02:30 does not exist in Berlin: clocks jump from 02:00 CET to 03:00 CEST (01:00Z)
        LanePlan plan = store.plan(
                lane.at(Instant.parse("2026-03-28T12:00:00Z")), Instant.parse("2026-03-28T12:00:00Z"), WINDOW);
        assertEquals(Instant.parse("2026-03-29T01:00:00Z"), plan.nextFire());
        LanePlan after =
                store.fire(lane.at(plan.nextFire()), plan.nextFire(), Instant.parse("2026-03-29T01:00:01Z"), WINDOW);
        assertEquals(Instant.parse("2026-03-30T00:30:00Z"), after.nextFire(), "02:30 CEST the day after");
    }
}
