package io.packwright.activities.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.packwright.activities.store.TestDatabase;
import io.packwright.activities.store.TestDatabases;
import io.packwright.activities.store.release.ReleaseRows;
import io.packwright.activities.store.schedule.LaneRows;
import io.packwright.activities.store.schedule.ProcessExecutionStore;
import io.packwright.activities.temporal.TestServerClock;
import io.packwright.workflows.TaskQueues;
import io.packwright.workflows.schedule.ProcessLane;
import io.packwright.workflows.schedule.ProcessScheduleWorkflowImpl;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The process schedule workflow with its real activities over the real PostgreSQL, on Temporal's
 * time-skipping test server whose clock the activities read: every rule kind fires at its instants
 * and nowhere else, DST gaps and overlaps in {@code America/New_York}, {@code Europe/Berlin} and
 * {@code Australia/Lord_Howe}, the overlap policies, missed and timed-out runs woken for at their
 * deadlines, retries, and changes while the workflow sleeps. The expected instants are worked out
 * by hand from the zones' transitions, not by the engine under test.
 *
 * <p>The catch-up after an outage of the worker cannot be time-skipped (the test server stops its
 * clock while a workflow task waits for a worker): {@code ProcessExecutionStoreTest} proves the rule
 * (one missed run, the plan goes on from now) and the end-to-end test proves it on real processes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ProcessLaneWorkflowTest {

    private static final ExecutionProperties PROPERTIES =
            new ExecutionProperties(Duration.ofMinutes(5), Duration.ofMinutes(2));

    private final TestDatabase database = TestDatabases.create().migrate();
    private ApplicationContext context;
    private ProcessExecutionStore store;
    private Connection db;
    private LaneRows lanes;
    private TestWorkflowEnvironment testEnv;
    private ProcessLaneWorkflows workflows;

    @BeforeAll
    void start() throws SQLException {
        context = ReleaseRows.context(database);
        store = context.getBean(ProcessExecutionStore.class);
        db = database.connect();
        lanes = new LaneRows(db);
    }

    @AfterAll
    void stop() throws SQLException {
        db.close();
        context.close();
    }

    @AfterEach
    void stopTestServer() {
        if (testEnv != null) {
            testEnv.close();
            testEnv = null;
        }
    }

    /** The test server at {@code start}, with a worker running the workflow over the real activities. */
    private void startWorker(Instant start) {
        testEnv = TestWorkflowEnvironment.newInstance(
                TestEnvironmentOptions.newBuilder().setInitialTime(start).build());
        Worker worker = testEnv.newWorker(TaskQueues.RELEASES);
        worker.registerWorkflowImplementationTypes(ProcessScheduleWorkflowImpl.class);
        worker.registerActivitiesImplementations(
                new ProcessScheduleActivitiesImpl(store, PROPERTIES, new TestServerClock(testEnv)));
        testEnv.start();
        workflows = new ProcessLaneWorkflows(testEnv.getWorkflowClient());
    }

    private Instant now() {
        return Instant.ofEpochMilli(testEnv.currentTimeMillis());
    }

    private void sleepUntil(Instant at) {
        Duration left = Duration.between(now(), at);
        if (!left.isNegative() && !left.isZero()) {
            testEnv.sleep(left);
        }
    }

    /** A new lane with a schedule, whose workflow the api's path starts (signal-with-start). */
    private ProcessLane scheduled(String rules, String zone, String overlap, int maxRetries) throws SQLException {
        ProcessLane lane = lanes.lane();
        lanes.schedule(lane, rules, zone, overlap, maxRetries);
        workflows.changed(lane);
        return lane;
    }

    private List<Instant> fires(ProcessLane lane) throws SQLException {
        return lanes.executions(lane).stream()
                .filter(row -> row.trigger().equals("SCHEDULE"))
                .map(LaneRows.Row::scheduledFor)
                .toList();
    }

    private List<String> statuses(ProcessLane lane) throws SQLException {
        return lanes.executions(lane).stream().map(LaneRows.Row::status).toList();
    }

    private static List<Instant> instants(String... values) {
        return Arrays.stream(values).map(Instant::parse).toList();
    }

    /** Fires the rules in the zone from {@code start} to {@code until} and compares them with {@code expected}. */
    private void assertFires(String rules, String zone, String start, String until, List<Instant> expected)
            throws SQLException {
        startWorker(Instant.parse(start));
        ProcessLane lane = scheduled(rules, zone, "ALLOW", 0);
        sleepUntil(Instant.parse(until));
        assertEquals(expected, fires(lane), rules + " in " + zone);
        Duration late = lanes.latestRecording(lane);
        assertTrue(late.compareTo(Duration.ofSeconds(1)) < 0, "each fire is recorded at its instant: " + late);
        List<String> statuses = statuses(lane);
        assertTrue(
                statuses.stream().allMatch(status -> status.equals("MISSED") || status.equals("QUEUED")),
                () -> "no runtime claimed them: missed once their start window passed " + statuses);
    }

    static Stream<Arguments> ruleKinds() {
        // 2027-03-01 is a Monday
        return Stream.of(
                Arguments.of(
                        "[{\"kind\":\"EVERY_MINUTES\",\"every\":20}]",
                        "UTC",
                        "2027-03-01T00:00:30Z",
                        "2027-03-01T02:00:30Z",
                        instants(
                                "2027-03-01T00:20:00Z",
                                "2027-03-01T00:40:00Z",
                                "2027-03-01T01:00:00Z",
                                "2027-03-01T01:20:00Z",
                                "2027-03-01T01:40:00Z",
                                "2027-03-01T02:00:00Z")),
                Arguments.of(
                        "[{\"kind\":\"HOURLY\",\"every\":6,\"minute\":15}]",
                        "Asia/Kolkata",
                        "2027-03-01T00:00:00Z",
                        "2027-03-02T00:00:00Z",
                        // 00:15, 06:15, 12:15, 18:15 at +05:30
                        instants(
                                "2027-03-01T00:45:00Z",
                                "2027-03-01T06:45:00Z",
                                "2027-03-01T12:45:00Z",
                                "2027-03-01T18:45:00Z")),
                Arguments.of(
                        "[{\"kind\":\"DAILY\",\"at\":\"09:30\",\"daysOfWeek\":[\"MON\",\"WED\",\"FRI\"]}]",
                        "Europe/Berlin",
                        "2027-03-01T00:00:00Z",
                        "2027-03-08T00:00:00Z",
                        instants("2027-03-01T08:30:00Z", "2027-03-03T08:30:00Z", "2027-03-05T08:30:00Z")),
                Arguments.of(
                        "[{\"kind\":\"MONTHLY\",\"dayOfMonth\":31,\"at\":\"08:00\"}]",
                        "America/New_York",
                        "2027-03-01T00:00:00Z",
                        "2027-07-01T00:00:00Z",
                        // daylight saving time from 14 March: 08:00 is 12:00Z; shorter months on their last day
                        instants(
                                "2027-03-31T12:00:00Z",
                                "2027-04-30T12:00:00Z",
                                "2027-05-31T12:00:00Z",
                                "2027-06-30T12:00:00Z")),
                Arguments.of(
                        "[{\"kind\":\"CRON\",\"expression\":\"30 9 * * 1-5\"}]",
                        "UTC",
                        "2027-03-01T00:00:00Z",
                        "2027-03-08T00:00:00Z",
                        instants(
                                "2027-03-01T09:30:00Z",
                                "2027-03-02T09:30:00Z",
                                "2027-03-03T09:30:00Z",
                                "2027-03-04T09:30:00Z",
                                "2027-03-05T09:30:00Z")),
                Arguments.of(
                        "[{\"kind\":\"DAILY\",\"at\":\"12:00\"},{\"kind\":\"CRON\",\"expression\":\"0 12,18 * * *\"}]",
                        "UTC",
                        "2027-03-01T00:00:00Z",
                        "2027-03-02T00:00:00Z",
                        // a time two rules select fires once
                        instants("2027-03-01T12:00:00Z", "2027-03-01T18:00:00Z")));
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("ruleKinds")
    void everyRuleKindFiresAtItsInstantsAndNowhereElse(
            String rules, String zone, String start, String until, List<Instant> expected) throws SQLException {
        assertFires(rules, zone, start, until, expected);
    }

    static Stream<Arguments> daylightSaving() {
        return Stream.of(
                // 14 March 2027, 02:00 EST becomes 03:00 EDT (07:00Z): 02:30 does not exist
                Arguments.of(
                        "[{\"kind\":\"DAILY\",\"at\":\"02:30\"}]",
                        "America/New_York",
                        "2027-03-13T00:00:00Z",
                        "2027-03-16T00:00:00Z",
                        instants("2027-03-13T07:30:00Z", "2027-03-14T07:00:00Z", "2027-03-15T06:30:00Z")),
                // 7 November 2027, 02:00 EDT becomes 01:00 EST (06:00Z): 01:30 happens twice
                Arguments.of(
                        "[{\"kind\":\"DAILY\",\"at\":\"01:30\"}]",
                        "America/New_York",
                        "2027-11-06T00:00:00Z",
                        "2027-11-09T00:00:00Z",
                        instants("2027-11-06T05:30:00Z", "2027-11-07T05:30:00Z", "2027-11-08T06:30:00Z")),
                // 28 March 2027, 02:00 CET becomes 03:00 CEST (01:00Z)
                Arguments.of(
                        "[{\"kind\":\"DAILY\",\"at\":\"02:30\"}]",
                        "Europe/Berlin",
                        "2027-03-26T12:00:00Z",
                        "2027-03-29T12:00:00Z",
                        instants("2027-03-27T01:30:00Z", "2027-03-28T01:00:00Z", "2027-03-29T00:30:00Z")),
                // 31 October 2027, 03:00 CEST becomes 02:00 CET (01:00Z)
                Arguments.of(
                        "[{\"kind\":\"DAILY\",\"at\":\"02:30\"}]",
                        "Europe/Berlin",
                        "2027-10-29T12:00:00Z",
                        "2027-11-01T12:00:00Z",
                        instants("2027-10-30T00:30:00Z", "2027-10-31T00:30:00Z", "2027-11-01T01:30:00Z")),
                // 3 October 2027, 02:00 +10:30 becomes 02:30 +11:00 (2 October 15:30Z): half an hour skipped
                Arguments.of(
                        "[{\"kind\":\"DAILY\",\"at\":\"02:15\"}]",
                        "Australia/Lord_Howe",
                        "2027-10-01T00:00:00Z",
                        "2027-10-04T00:00:00Z",
                        instants("2027-10-01T15:45:00Z", "2027-10-02T15:30:00Z", "2027-10-03T15:15:00Z")),
                // 4 April 2027, 02:00 +11:00 becomes 01:30 +10:30 (3 April 15:00Z): half an hour repeated
                Arguments.of(
                        "[{\"kind\":\"EVERY_MINUTES\",\"every\":15}]",
                        "Australia/Lord_Howe",
                        "2027-04-03T13:50:00Z",
                        "2027-04-03T15:40:00Z",
                        // 01:00, 01:15, 01:30, 01:45 (+11); 01:30 and 01:45 again (+10:30) fire no more; 02:00
                        instants(
                                "2027-04-03T14:00:00Z",
                                "2027-04-03T14:15:00Z",
                                "2027-04-03T14:30:00Z",
                                "2027-04-03T14:45:00Z",
                                "2027-04-03T15:30:00Z")));
    }

    @ParameterizedTest(name = "{0} in {1} from {2}")
    @MethodSource("daylightSaving")
    void daylightSavingGapsFireAtTheTransitionAndOverlapsOnce(
            String rules, String zone, String start, String until, List<Instant> expected) throws SQLException {
        assertFires(rules, zone, start, until, expected);
    }

    @Test
    void theOverlapPolicyDecidesWhileARunIsHeld() throws SQLException {
        Instant start = Instant.parse("2027-05-10T08:00:30Z");
        startWorker(start);
        String everyMinute = "[{\"kind\":\"EVERY_MINUTES\",\"every\":1}]";
        ProcessLane skip = scheduled(everyMinute, "UTC", "SKIP", 0);
        ProcessLane buffer = scheduled(everyMinute, "UTC", "BUFFER_ONE", 0);
        ProcessLane allow = scheduled(everyMinute, "UTC", "ALLOW", 0);
        sleepUntil(Instant.parse("2027-05-10T08:01:05Z"));
        for (ProcessLane lane : List.of(skip, buffer, allow)) {
            assertEquals(
                    1,
                    store.claim(lane.environmentId(), UUID.randomUUID(), 1, now(), PROPERTIES.lease())
                            .size());
        }
        sleepUntil(Instant.parse("2027-05-10T08:03:01Z"));

        assertEquals(List.of("CLAIMED", "SKIPPED", "SKIPPED"), statuses(skip));
        assertEquals(List.of("CLAIMED", "QUEUED", "SKIPPED"), statuses(buffer));
        assertEquals(List.of("CLAIMED", "QUEUED", "QUEUED"), statuses(allow));
        assertTrue(lanes.executions(skip).get(1).message().contains("still running"), () -> lanesText(skip));
    }

    @Test
    void missedAndTimedOutRunsAreMarkedAtTheirDeadlines() throws SQLException {
        startWorker(Instant.parse("2027-05-10T08:00:30Z"));
        ProcessLane lane = scheduled("[{\"kind\":\"EVERY_MINUTES\",\"every\":10}]", "UTC", "ALLOW", 0);

        // nobody claims the 08:10 run: missed at 08:15, the end of its start window
        sleepUntil(Instant.parse("2027-05-10T08:14:59Z"));
        assertEquals(List.of("QUEUED"), statuses(lane));
        sleepUntil(Instant.parse("2027-05-10T08:15:01Z"));
        assertEquals(List.of("MISSED"), statuses(lane));

        // the 08:20 run is claimed, heartbeats once, then its runtime goes quiet
        sleepUntil(Instant.parse("2027-05-10T08:20:05Z"));
        UUID runtime = UUID.randomUUID();
        UUID held = store.claim(lane.environmentId(), runtime, 1, now(), PROPERTIES.lease())
                .get(0)
                .id();
        sleepUntil(Instant.parse("2027-05-10T08:21:30Z"));
        assertTrue(store.heartbeat(held, lane.environmentId(), runtime, now(), PROPERTIES.lease())
                .orElseThrow()
                .changed());
        // the first lease would have ended at 08:22:05; the heartbeat moved it to 08:23:30
        sleepUntil(Instant.parse("2027-05-10T08:22:10Z"));
        assertEquals(List.of("MISSED", "CLAIMED"), statuses(lane));
        // a claim does not signal the workflow (a signal per claim would double Temporal's work per
        // fire): it looks at the run again at its start deadline, 08:25, and then sees the lease ended
        sleepUntil(Instant.parse("2027-05-10T08:25:01Z"));
        assertEquals(List.of("MISSED", "TIMED_OUT"), statuses(lane));
        assertTrue(lanes.executions(lane).get(1).message().contains("heartbeat"), () -> lanesText(lane));
    }

    @Test
    void aFailedRunIsRetriedAfterItsDelayAsOftenAsTheScheduleSays() throws SQLException {
        startWorker(Instant.parse("2027-05-10T08:00:30Z"));
        ProcessLane lane = scheduled("[{\"kind\":\"EVERY_MINUTES\",\"every\":60}]", "UTC", "ALLOW", 2);
        UUID runtime = UUID.randomUUID();
        Instant due = Instant.parse("2027-05-10T09:00:00Z");
        for (int attempt = 1; attempt <= 3; attempt++) {
            sleepUntil(due.plusSeconds(1));
            List<UUID> claimed = store.claim(lane.environmentId(), runtime, 1, now(), PROPERTIES.lease()).stream()
                    .map(execution -> execution.id())
                    .toList();
            assertEquals(1, claimed.size(), () -> "attempt queued at " + now() + ": " + lanesText(lane));
            Instant failedAt = now().plusSeconds(9);
            sleepUntil(failedAt);
            store.result(claimed.get(0), lane.environmentId(), runtime, "FAILED", due, failedAt, "exit 1");
            // as the api does after a failure
            workflows.changed(lane);
            due = failedAt.plus(Duration.ofMinutes(5));
        }
        sleepUntil(Instant.parse("2027-05-10T09:59:00Z"));

        List<LaneRows.Row> runs = lanes.executions(lane);
        assertEquals(
                List.of("SCHEDULE/1/FAILED", "RETRY/2/FAILED", "RETRY/3/FAILED"),
                runs.stream()
                        .map(row -> row.trigger() + "/" + row.attempt() + "/" + row.status())
                        .toList(),
                "two retries, five minutes after each failure, and no third: " + runs);
        // the test's own steps take real milliseconds of the test server's time
        assertEquals(
                Instant.parse("2027-05-10T09:05:10Z"),
                runs.get(1).scheduledFor().truncatedTo(ChronoUnit.SECONDS));
        assertEquals(
                Instant.parse("2027-05-10T09:10:20Z"),
                runs.get(2).scheduledFor().truncatedTo(ChronoUnit.SECONDS));
    }

    @Test
    void changesWhileSleepingAreFollowedFromNowWithoutABurst() throws SQLException {
        startWorker(Instant.parse("2027-05-10T08:00:30Z"));
        ProcessLane lane = scheduled("[{\"kind\":\"DAILY\",\"at\":\"18:00\"}]", "UTC", "ALLOW", 0);

        // sleeping towards 18:00, the rule becomes every five minutes
        sleepUntil(Instant.parse("2027-05-10T09:02:00Z"));
        lanes.update(lane, "rules = CAST(? AS jsonb)", "[{\"kind\":\"EVERY_MINUTES\",\"every\":5}]");
        workflows.changed(lane);
        sleepUntil(Instant.parse("2027-05-10T09:16:00Z"));
        assertEquals(instants("2027-05-10T09:05:00Z", "2027-05-10T09:10:00Z", "2027-05-10T09:15:00Z"), fires(lane));

        // disabled for an hour: nothing fires, and enabling it fires nothing for the hour passed
        lanes.update(lane, "enabled = false");
        workflows.changed(lane);
        sleepUntil(Instant.parse("2027-05-10T10:17:00Z"));
        assertEquals(3, fires(lane).size(), () -> lanesText(lane));
        lanes.update(lane, "enabled = true");
        workflows.changed(lane);
        sleepUntil(Instant.parse("2027-05-10T10:21:00Z"));
        assertEquals(
                instants(
                        "2027-05-10T09:05:00Z", "2027-05-10T09:10:00Z", "2027-05-10T09:15:00Z", "2027-05-10T10:20:00Z"),
                fires(lane));

        // a new time zone: a daily 12:00 in Tokyo (+09:00) next fires at 03:00Z the next day
        lanes.update(
                lane,
                "rules = CAST(? AS jsonb), time_zone = ?",
                "[{\"kind\":\"DAILY\",\"at\":\"12:00\"}]",
                "Asia/Tokyo");
        workflows.changed(lane);
        sleepUntil(Instant.parse("2027-05-11T04:00:00Z"));
        assertEquals(
                Instant.parse("2027-05-11T03:00:00Z"),
                fires(lane).get(fires(lane).size() - 1));
        assertEquals(5, fires(lane).size(), () -> lanesText(lane));
    }

    private String lanesText(ProcessLane lane) {
        try {
            return lanes.executions(lane).toString();
        } catch (SQLException e) {
            return "(cannot read the executions: " + e.getMessage() + ")";
        }
    }
}
