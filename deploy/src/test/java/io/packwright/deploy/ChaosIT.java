package io.packwright.deploy;

import static io.packwright.deploy.EndToEndApi.createdId;
import static io.packwright.deploy.EndToEndApi.id;
import static io.packwright.deploy.EndToEndApi.offsetWithMidnightIn;
import static io.packwright.deploy.EndToEndApi.progress;
import static io.packwright.deploy.EndToEndApi.status;
import static io.packwright.deploy.EndToEndApi.timeZone;
import static io.packwright.deploy.EndToEndSql.count;
import static io.packwright.deploy.EndToEndSql.insertInstances;
import static io.packwright.deploy.EndToEndSql.ledgerByOutcome;
import static io.packwright.deploy.EndToEndSql.row;
import static io.packwright.deploy.EndToEndSql.rows;
import static io.packwright.deploy.EndToEndStack.log;
import static io.packwright.deploy.EndToEndStack.millisSince;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Faults on the real processes ({@link EndToEndStack}): PostgreSQL stopped and started again in the
 * middle of a fan-out; Temporal's test server restarted empty during a testing period and a
 * fan-out; the api killed between committing a release and starting its workflow; the worker killed
 * while it drains manual applies, and in the middle of delivering a webhook. Every scenario ends
 * with every instance on the release it should have, exactly one ledger row per instance and
 * release, and no release stuck (the webhook scenario also with every event delivered at least
 * once and a consistent delivery log), and prints one line per release it disturbed, {@code chaos
 * scenario=... lost=0 duplicated=0 stuck=0 recovery_ms=...}:
 *
 * <ul>
 *   <li>{@code lost}: instances of the pack that are not on the release, or have no applied ledger
 *       row for it;
 *   <li>{@code duplicated}: ledger rows beyond one per instance and release, plus applies that the
 *       release's counters hold beyond its ledger (an instance counted twice);
 *   <li>{@code stuck}: releases of the pack that are neither terminal nor {@code SCHEDULED} before
 *       their window;
 *   <li>{@code recovery_ms}: from the moment the failed part is back to the moment the release moves
 *       again (what exactly each scenario says in its line); times are printed, never asserted.
 * </ul>
 *
 * <p>One stack serves every scenario. The testing-period scenario runs beside the others, because it
 * spends most of its time waiting for its partner's midnight; the others run one after the other.
 * Each fault and the recovery from it hold {@link #disruption}, so that two faults never overlap and
 * every figure belongs to one fault. The worker reconciles every {@link #RECONCILE_INTERVAL}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosIT {

    private static final String SECRET = "chaos-it-" + UUID.randomUUID();
    private static final String RECONCILE_INTERVAL = "2s";
    private static final Duration POSTGRES_OUTAGE = Duration.ofSeconds(5);
    private static final Duration TEMPORAL_OUTAGE = Duration.ofSeconds(3);
    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final Map<String, Object> IMMEDIATELY = Map.of("releaseSchedule", "IMMEDIATELY");
    private static final WorkflowExecutionStatus RUNNING = WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;

    private static final int FAN_OUT_INSTANCES = 20_000;
    private static final int FAN_OUT_ACCOUNTS = 4;
    private static final int TESTING_PERIOD_INSTANCES = 1_000;
    private static final int APPLIED_IN_TESTING_PERIOD = 20;
    /**
     * The partner's midnight is this far (plus up to a minute) from the start of its scenario: time
     * for the set-up, a fault that another scenario may hold first, and its own fault.
     */
    private static final Duration UNTIL_MIDNIGHT = Duration.ofSeconds(120);

    private static final int API_KILL_INSTANCES = 2_000;
    private static final int MANUAL_INSTANCES = 2_000;
    private static final int MANUAL_ACCOUNTS = 20;
    private static final int MANUAL_CONCURRENCY = 16;
    /**
     * How long an apply-pending-update waits for its apply before it answers 202: shorter than the
     * default 2 s, because every waiting request polls the database, and a crowd of them waiting
     * while no worker runs starves a small machine (the new worker included).
     */
    private static final String APPLY_WAIT = "300ms";

    private static final int WEBHOOK_INSTANCES = 3_000;
    private static final int WEBHOOK_ACCOUNTS = 4;
    /**
     * Instances installed through the api after the endpoint exists (before the release); and
     * installed after the release, then uninstalled while no worker runs.
     */
    private static final int WEBHOOK_INSTALLS = 8;

    private static final int WEBHOOK_UNINSTALLS = 3;
    /** Test events sent after the release, and while no worker runs. */
    private static final int WEBHOOK_TESTS = 20;

    private static final int WEBHOOK_TESTS_WHILE_DOWN = 5;
    /** How many deliveries succeed before the worker is killed in the middle of the next one. */
    private static final int WEBHOOK_SUCCEEDED_BEFORE_KILL = 12;

    private static final Duration RECEIVER_SHORTEST_ANSWER = Duration.ofMillis(200);
    private static final Duration RECEIVER_LONGEST_ANSWER = Duration.ofMillis(500);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Terminal, or waiting for a window that is still ahead. */
    private static final String NOT_STUCK =
            "(status IN ('RELEASED', 'SUPERSEDED', 'CANCELLED') OR (status = 'SCHEDULED' AND window_start > now()))";

    private final ReentrantLock disruption = new ReentrantLock(true);
    private EndToEndStack stack;
    private EndToEndApi api;

    @BeforeAll
    void startStack() throws InterruptedException {
        stack = EndToEndStack.start(
                new EndToEndStack.Options(
                        "chaos-it",
                        true,
                        Map.of("PACKWRIGHT_WORKER_RECONCILE_INTERVAL", RECONCILE_INTERVAL),
                        Map.of("PACKWRIGHT_INSTANCES_APPLY_WAIT", APPLY_WAIT)),
                SECRET);
        api = new EndToEndApi(stack);
    }

    /** After every scenario, across the whole database: no release stuck, no manual apply left queued. */
    @AfterAll
    void checkEverythingAndStop() throws SQLException {
        if (stack == null) {
            return;
        }
        try (Connection connection = stack.connect()) {
            long releases = count(connection, "SELECT count(*) FROM releases");
            long stuck = count(connection, "SELECT count(*) FROM releases WHERE NOT " + NOT_STUCK);
            long queued = count(connection, """
                    SELECT count(*) FROM release_apply_requests q JOIN releases r ON r.id = q.release_id
                    WHERE r.status <> 'SCHEDULED'""");
            log("chaos scenario=all releases=%d stuck=%d queued_for_closed_releases=%d", releases, stuck, queued);
            assertEquals(
                    0,
                    stuck,
                    () -> "releases neither terminal nor before their window: "
                            + safeRows(connection, """
                            SELECT id, status, window_start FROM releases WHERE NOT""" + " " + NOT_STUCK));
            assertEquals(
                    0, queued, "manual applies still queued for a release that is no longer in its testing period");
        } finally {
            stack.close();
        }
    }

    /**
     * PostgreSQL stops (a fast shutdown: every session ends) while an immediate release applies to
     * 20,000 instances, stays down for {@link #POSTGRES_OUTAGE}, and starts again on the same data
     * directory and port. The api and the worker ride it out (their pools reconnect, the fan-out's
     * activities are retried) and the release completes.
     */
    @Test
    @Order(1)
    void postgresStoppedAndStartedAgainMidFanOut() throws Exception {
        Fixture fixture = fixture("Postgres restart", "Europe/Berlin", FAN_OUT_ACCOUNTS, FAN_OUT_INSTANCES);
        UUID releaseId;
        Map<String, Object> figures = new LinkedHashMap<>();
        disruption.lock();
        try {
            JsonNode release = api.release(fixture.partner(), fixture.pack(), IMMEDIATELY);
            releaseId = UUID.fromString(id(release));
            JsonNode midway = awaitMidFanOut(fixture.partner(), release, FAN_OUT_INSTANCES);
            ChildProcess apiProcess = stack.api();
            ChildProcess workerProcess = stack.worker();

            long stopping = System.nanoTime();
            stack.stopPostgres();
            log("PostgreSQL stopped with %d of %d applied", progress(midway, "applied"), FAN_OUT_INSTANCES);
            CompletableFuture<EndToEndApi.Response> duringOutage = CompletableFuture.supplyAsync(
                    () -> api.send("GET", "/api/v1/releases/" + releaseId, api.token(fixture.partner()), null));
            Thread.sleep(POSTGRES_OUTAGE.toMillis());
            stack.startPostgres();
            Instant back = Instant.now();
            long backNanos = System.nanoTime();
            figures.put("outage_ms", millisSince(stopping) - millisSince(backNanos));

            long resumedMs = awaitLedgerRowRecordedAfter(releaseId, back, backNanos);
            JsonNode released = api.awaitRelease(
                    fixture.partner(), release, r -> status(r).equals("RELEASED"), PATIENCE, "RELEASED");
            figures.put("completed_ms", completedMillisAfter(released, back));

            EndToEndApi.Response probe = duringOutage.get(60, TimeUnit.SECONDS);
            figures.put("get_during_outage", probe.status());
            figures.put("get_during_outage_ms", probe.millis());
            assertTrue(
                    probe.status() < 500 || probe.isProblem(),
                    "an answer during the outage is a success or a problem, never a bare 5xx: " + probe);
            assertSameProcessHealthy(apiProcess, stack.api());
            assertSameProcessHealthy(workerProcess, stack.worker());
            report("postgres_restart", FAN_OUT_INSTANCES, fixture, releaseId, resumedMs, figures);
        } finally {
            disruption.unlock();
        }
        verify(fixture, releaseId, "RELEASED", Map.of("APPLIED/IMMEDIATE", (long) FAN_OUT_INSTANCES));
    }

    /**
     * Temporal's test server stops while a release is in its testing period and another one applies
     * to 20,000 instances, and starts again, empty, on the same port: both workflows are gone, and
     * the worker's reconciler starts them again from the database. The fan-out completes; manual
     * applies of the scheduled release work again; at the partner's midnight (a couple of minutes
     * after the start) its window applies it to everybody else.
     */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void temporalRestartedEmptyDuringATestingPeriodAndAFanOut() throws Exception {
        Fixture testing;
        Fixture fanOut;
        JsonNode scheduled;
        UUID scheduledId;
        UUID immediateId;
        Instant windowStart;
        long scheduledRecoveryMs;
        Map<String, Object> testingFigures = new LinkedHashMap<>();
        // first thing, so that the faults of the other scenarios wait until this one's fault is over
        disruption.lock();
        try {
            Instant now = Instant.now();
            ZoneOffset offset = offsetWithMidnightIn(now, UNTIL_MIDNIGHT);
            LocalDate tomorrow = LocalDate.ofInstant(now, offset).plusDays(1);
            windowStart = tomorrow.atStartOfDay(offset).toInstant();
            log("testing period: partner time zone %s, its midnight is at %s", timeZone(offset), windowStart);
            testing = fixture("Testing period", timeZone(offset), 4, TESTING_PERIOD_INSTANCES);
            fanOut = fixture("Temporal restart", "Europe/Berlin", FAN_OUT_ACCOUNTS, FAN_OUT_INSTANCES);

            scheduled = api.release(
                    testing.partner(),
                    testing.pack(),
                    Map.of("releaseSchedule", "RELEASE_ON_SPECIFIED_DATE", "releaseOnDate", tomorrow.toString()));
            scheduledId = UUID.fromString(id(scheduled));
            assertEquals("SCHEDULED", status(scheduled), scheduled::toString);
            assertEquals(
                    windowStart, Instant.parse(scheduled.path("windowStart").asText()), scheduled::toString);
            String scheduledWorkflow = scheduled.path("workflowId").asText();
            awaitWorkflow(scheduledWorkflow, System.nanoTime(), Duration.ofSeconds(60), "in its testing period");

            JsonNode immediate = api.release(fanOut.partner(), fanOut.pack(), IMMEDIATELY);
            immediateId = UUID.fromString(id(immediate));
            String immediateWorkflow = immediate.path("workflowId").asText();
            JsonNode midway = awaitMidFanOut(fanOut.partner(), immediate, FAN_OUT_INSTANCES);

            long stopping = System.nanoTime();
            stack.stopTemporal();
            log("Temporal stopped with %d of %d applied", progress(midway, "applied"), FAN_OUT_INSTANCES);
            Thread.sleep(TEMPORAL_OUTAGE.toMillis());
            stack.startTemporal();
            Instant back = Instant.now();
            long backNanos = System.nanoTime();
            long outageMs = millisSince(stopping) - millisSince(backNanos);
            assertTrue(
                    back.isBefore(windowStart),
                    "Temporal must be back before the window (" + windowStart + ") to restart during the testing"
                            + " period; it was back at " + back);

            scheduledRecoveryMs =
                    awaitWorkflow(scheduledWorkflow, backNanos, PATIENCE, "started again by the reconciler");
            long immediateBackMs =
                    awaitWorkflow(immediateWorkflow, backNanos, PATIENCE, "started again by the reconciler");
            JsonNode released = api.awaitRelease(
                    fanOut.partner(), immediate, r -> status(r).equals("RELEASED"), PATIENCE, "RELEASED");
            Map<String, Object> fanOutFigures = new LinkedHashMap<>();
            fanOutFigures.put("outage_ms", outageMs);
            fanOutFigures.put("completed_ms", completedMillisAfter(released, back));
            report("temporal_restart_fan_out", FAN_OUT_INSTANCES, fanOut, immediateId, immediateBackMs, fanOutFigures);

            testingFigures.put("outage_ms", outageMs);
            testingFigures.put("manual_applies_ms", applyManually(testing, scheduledId, APPLIED_IN_TESTING_PERIOD));
            testingFigures.put(
                    "window_in_s", Duration.between(Instant.now(), windowStart).toSeconds());
        } finally {
            disruption.unlock();
        }
        verify(fanOut, immediateId, "RELEASED", Map.of("APPLIED/IMMEDIATE", (long) FAN_OUT_INSTANCES));

        JsonNode scheduledRelease = api.awaitRelease(
                testing.partner(),
                scheduled,
                r -> status(r).equals("RELEASED"),
                Duration.between(Instant.now(), windowStart).plus(PATIENCE),
                "RELEASED after its window");
        Instant startedAt = Instant.parse(scheduledRelease.path("startedAt").asText());
        assertFalse(startedAt.isBefore(windowStart), "opened at " + startedAt + ", before its window " + windowStart);
        testingFigures.put("completed_ms_after_window", completedMillisAfter(scheduledRelease, windowStart));
        try (Connection connection = stack.connect()) {
            assertEquals(
                    0,
                    count(
                            connection,
                            "SELECT count(*) FROM release_instances WHERE release_id = ? AND mode = 'AUTOMATIC'"
                                    + " AND NOT (applied_at >= ? AND applied_at < ?)",
                            scheduledId,
                            OffsetDateTime.ofInstant(windowStart, ZoneOffset.UTC),
                            OffsetDateTime.ofInstant(windowStart.plus(Duration.ofHours(1)), ZoneOffset.UTC)),
                    "every automatic apply happened in the window");
        }
        report(
                "temporal_restart_testing_period",
                TESTING_PERIOD_INSTANCES,
                testing,
                scheduledId,
                scheduledRecoveryMs,
                testingFigures);
        verify(
                testing,
                scheduledId,
                "RELEASED",
                Map.of("APPLIED/MANUAL", (long) APPLIED_IN_TESTING_PERIOD, "APPLIED/AUTOMATIC", (long)
                        (TESTING_PERIOD_INSTANCES - APPLIED_IN_TESTING_PERIOD)));
    }

    /**
     * The api commits a release row and dies before it could start the release's workflow: Temporal
     * is stopped when the release is posted, so the api's start fails after the commit, and the api
     * is killed with SIGKILL. Temporal comes back (empty) and a new api starts; the worker's
     * reconciler starts the missing workflow, and the release completes.
     */
    @Test
    @Order(2)
    void apiKilledBetweenCommittingAReleaseAndStartingItsWorkflow() throws Exception {
        Fixture fixture = fixture("Api killed", "Europe/Berlin", FAN_OUT_ACCOUNTS, API_KILL_INSTANCES);
        UUID releaseId;
        Map<String, Object> figures = new LinkedHashMap<>();
        disruption.lock();
        try {
            long stopping = System.nanoTime();
            stack.stopTemporal();
            EndToEndApi.Response posted = api.send(
                    "POST",
                    "/api/v1/integration-packs/" + fixture.pack() + "/releases",
                    api.token(fixture.partner()),
                    IMMEDIATELY);
            figures.put("post_while_temporal_down", posted.status());
            figures.put("post_while_temporal_down_ms", posted.millis());
            assertTrue(
                    posted.status() < 500 || posted.isProblem(),
                    "a POST while Temporal is down is answered with the release or a problem: " + posted);
            assertEquals(202, posted.status(), "the release row is the truth; its workflow follows: " + posted);
            releaseId = createdId(posted.body());
            String workflowId = posted.body().path("workflowId").asText();
            try (Connection connection = stack.connect()) {
                assertEquals(
                        List.of("IN_PROGRESS", 0L),
                        row(
                                connection,
                                "SELECT r.status, c.applied_automatically FROM releases r"
                                        + " JOIN release_counts c ON c.release_id = r.id WHERE r.id = ?",
                                releaseId),
                        "the release row is committed, and nothing is applied yet");
            }
            stack.kill(stack.api());
            log("api killed after it committed release %s while Temporal was down", releaseId);

            stack.startTemporal();
            Instant back = Instant.now();
            long backNanos = System.nanoTime();
            figures.put("outage_ms", millisSince(stopping) - millisSince(backNanos));
            ChildProcess newApi = stack.startApi("api-after-kill.log");
            long recoveryMs = awaitWorkflow(workflowId, backNanos, PATIENCE, "started by the reconciler");
            stack.awaitHealthy(newApi);
            figures.put("new_api_up_ms", millisSince(backNanos));
            JsonNode released = api.awaitRelease(
                    fixture.partner(),
                    posted.body(),
                    r -> status(r).equals("RELEASED"),
                    PATIENCE,
                    "RELEASED after the api was replaced");
            figures.put("completed_ms", completedMillisAfter(released, back));
            report("api_killed_before_workflow_start", API_KILL_INSTANCES, fixture, releaseId, recoveryMs, figures);
        } finally {
            disruption.unlock();
        }
        verify(fixture, releaseId, "RELEASED", Map.of("APPLIED/IMMEDIATE", (long) API_KILL_INSTANCES));
    }

    /**
     * During a testing period, {@link #MANUAL_ACCOUNTS} managed accounts apply the pending release to
     * their {@link #MANUAL_INSTANCES} instances, {@link #MANUAL_CONCURRENCY} requests at a time; once
     * a tenth is applied, the worker is killed with SIGKILL while requests keep coming, and a new one
     * is started. Every instance ends applied manually, exactly once, and the release stays in its
     * testing period.
     */
    @Test
    @Order(3)
    void workerKilledWhileItDrainsManualApplies() throws Exception {
        String zone = "Europe/Berlin";
        Fixture fixture = fixture("Manual applies", zone, MANUAL_ACCOUNTS, MANUAL_INSTANCES);
        JsonNode scheduled = api.release(
                fixture.partner(),
                fixture.pack(),
                Map.of(
                        "releaseSchedule",
                        "RELEASE_ON_SPECIFIED_DATE",
                        "releaseOnDate",
                        LocalDate.now(ZoneId.of(zone)).plusDays(7).toString()));
        UUID releaseId = UUID.fromString(id(scheduled));
        awaitWorkflow(
                scheduled.path("workflowId").asText(),
                System.nanoTime(),
                Duration.ofSeconds(60),
                "in its testing period");
        List<List<Object>> instances;
        try (Connection connection = stack.connect()) {
            instances = rows(
                    connection,
                    "SELECT id, account_id FROM integration_pack_instances WHERE integration_pack_id = ? ORDER BY id",
                    fixture.pack());
        }
        assertEquals(MANUAL_INSTANCES, instances.size());
        Map<String, Object> figures = new LinkedHashMap<>();
        Map<Integer, Integer> answers = new TreeMap<>();
        disruption.lock();
        ExecutorService clients = Executors.newFixedThreadPool(MANUAL_CONCURRENCY);
        try {
            long requesting = System.nanoTime();
            List<Future<EndToEndApi.Response>> requests = new ArrayList<>();
            for (List<Object> instance : instances) {
                String path = "/api/v1/integration-pack-instances/" + instance.get(0) + "/apply-pending-update";
                String token = api.token((UUID) instance.get(1));
                requests.add(clients.submit(() -> api.send("POST", path, token, null)));
            }
            long appliedAtKill = awaitManuallyApplied(releaseId, MANUAL_INSTANCES / 10, Duration.ofMinutes(2));
            long answeredAtKill = requests.stream().filter(Future::isDone).count();
            stack.kill(stack.worker());
            long queuedAtKill;
            try (Connection connection = stack.connect()) {
                queuedAtKill = count(
                        connection, "SELECT count(*) FROM release_apply_requests WHERE release_id = ?", releaseId);
            }
            log(
                    "worker killed %d ms after the first request: %d applied, %d queued, %d of %d answered",
                    millisSince(requesting), appliedAtKill, queuedAtKill, answeredAtKill, MANUAL_INSTANCES);
            assertTrue(appliedAtKill < MANUAL_INSTANCES, "the worker is killed before everything is applied");
            figures.put("applied_at_kill", appliedAtKill);
            figures.put("queued_at_kill", queuedAtKill);
            figures.put("answered_at_kill", answeredAtKill);

            long restarting = System.nanoTime();
            ChildProcess worker = stack.startWorker("worker-after-kill.log");
            stack.awaitHealthy(worker);
            figures.put("new_worker_up_ms", millisSince(restarting));
            for (Future<EndToEndApi.Response> request : requests) {
                answers.merge(
                        request.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).status(), 1, Integer::sum);
            }
            figures.put("answered_ms", millisSince(restarting));
            awaitManuallyApplied(releaseId, MANUAL_INSTANCES, PATIENCE);
            long recoveryMs = millisSince(restarting);
            awaitTrue(() -> queued(releaseId) == 0, Duration.ofSeconds(30), "no manual apply is left in the queue");
            figures.put("answers", answers.toString().replace(" ", ""));
            report("worker_killed_mid_manual_applies", MANUAL_INSTANCES, fixture, releaseId, recoveryMs, figures);
        } finally {
            clients.shutdownNow();
            disruption.unlock();
        }
        assertTrue(
                Set.of(200, 202).containsAll(answers.keySet()),
                "every request is answered 200 (applied) or 202 (queued, still to be applied): " + answers);
        verify(fixture, releaseId, "SCHEDULED", Map.of("APPLIED/MANUAL", (long) MANUAL_INSTANCES));
    }

    /**
     * A partner's endpoint for every event ({@code *}) on a {@link WebhookReceiver} on the loopback
     * interface, which answers each request 200 to 500 ms after it arrived, gets the events of
     * {@link #WEBHOOK_INSTALLS} installs, of an immediate release to {@link #WEBHOOK_INSTANCES}
     * instances (created, started, instances.updated batches, completed) and of {@link
     * #WEBHOOK_TESTS} test events. Once {@link #WEBHOOK_SUCCEEDED_BEFORE_KILL} deliveries have
     * succeeded, the receiver holds the next request unanswered and the worker is killed with SIGKILL
     * in the middle of it; while no worker runs, the {@link #WEBHOOK_UNINSTALLS} instances installed
     * after the release are uninstalled (events that only a dispatcher delivers; a released release's
     * counters keep its history, so only instances outside its ledger leave) and more test events are
     * sent; then a new worker starts.
     *
     * <p>Every event of the partner since the endpoint exists ends with a delivery to it that
     * SUCCEEDED, numbered 1..n without a gap or a repeat; the receiver got every delivery, each
     * request signed with the endpoint's secret, in sequence order; the only deliveries it got twice
     * are those whose attempt the kill interrupted (once before the kill, once after); every delivery
     * counts the attempts it recorded; and the api's delivery log says what the database says.
     */
    @Test
    @Order(4)
    void workerKilledInTheMiddleOfDeliveringWebhooks() throws Exception {
        Fixture fixture = fixture("Webhooks", "Europe/Berlin", WEBHOOK_ACCOUNTS, WEBHOOK_INSTANCES);
        UUID partner = fixture.partner();
        UUID releaseId;
        Map<String, Object> figures = new LinkedHashMap<>();
        disruption.lock();
        try (WebhookReceiver receiver = WebhookReceiver.start(RECEIVER_SHORTEST_ANSWER, RECEIVER_LONGEST_ANSWER)) {
            // the partner's earlier events (its first release's) go out while no endpoint wants them
            awaitTrue(() -> undispatched(partner) == 0, PATIENCE, "the partner's outbox is dispatched");
            JsonNode endpoint = api.call(
                    "POST",
                    "/api/v1/webhook-endpoints",
                    api.token(partner),
                    Map.of(
                            "url",
                            receiver.url().toString(),
                            "description",
                            "chaos receiver",
                            "eventTypes",
                            List.of("*")),
                    201);
            UUID endpointId = createdId(endpoint);
            String secret = endpoint.path("secret").asText();
            assertTrue(secret.startsWith("whsec_"), endpoint::toString);

            long started = System.nanoTime();
            for (int i = 0; i < WEBHOOK_INSTALLS; i++) {
                install(fixture, i, "webhook-install-" + i);
            }
            JsonNode release = api.release(partner, fixture.pack(), IMMEDIATELY);
            releaseId = createdId(release);
            api.awaitRelease(partner, release, r -> status(r).equals("RELEASED"), PATIENCE, "RELEASED");
            // on the released release, outside its ledger: uninstalled while no worker runs
            List<List<UUID>> lateInstalls = new ArrayList<>();
            for (int i = 0; i < WEBHOOK_UNINSTALLS; i++) {
                lateInstalls.add(install(fixture, i, "webhook-late-install-" + i));
            }
            sendTestEvents(partner, endpointId, WEBHOOK_TESTS);
            awaitTrue(
                    () -> deliveries(endpointId, "SUCCEEDED") >= WEBHOOK_SUCCEEDED_BEFORE_KILL,
                    PATIENCE,
                    WEBHOOK_SUCCEEDED_BEFORE_KILL + " deliveries succeed");

            receiver.hold();
            assertTrue(receiver.awaitHeld(Duration.ofSeconds(30)), "a delivery reaches the receiver and is held");
            List<WebhookReceiver.Received> beforeKill = receiver.received();
            String interrupted = beforeKill.get(beforeKill.size() - 1).id();
            stack.kill(stack.worker());
            Instant killedAt = Instant.now();
            receiver.release();
            Set<String> succeededAtKill;
            long pendingAtKill;
            try (Connection connection = stack.connect()) {
                succeededAtKill = new HashSet<>();
                for (List<Object> row : rows(
                        connection,
                        "SELECT id::text FROM webhook_deliveries WHERE endpoint_id = ? AND status = 'SUCCEEDED'",
                        endpointId)) {
                    succeededAtKill.add((String) row.get(0));
                }
                pendingAtKill = deliveries(connection, endpointId, "PENDING");
            }
            log(
                    "worker killed %d ms after the first install, delivering %s: %d delivered, %d pending, %d requests received",
                    millisSince(started), interrupted, succeededAtKill.size(), pendingAtKill, beforeKill.size());
            assertTrue(succeededAtKill.size() >= WEBHOOK_SUCCEEDED_BEFORE_KILL, "deliveries succeeded before the kill");
            assertTrue(pendingAtKill > 0, "deliveries are pending at the kill");
            assertFalse(succeededAtKill.contains(interrupted), "the held delivery cannot have succeeded");
            figures.put("succeeded_at_kill", succeededAtKill.size());
            figures.put("pending_at_kill", pendingAtKill);

            for (List<UUID> install : lateInstalls) {
                api.call(
                        "DELETE",
                        "/api/v1/integration-pack-instances/" + install.get(0),
                        api.token(install.get(1)),
                        null,
                        204);
            }
            sendTestEvents(partner, endpointId, WEBHOOK_TESTS_WHILE_DOWN);

            long restarting = System.nanoTime();
            Instant restartedAt = Instant.now();
            ChildProcess worker = stack.startWorker("worker-after-webhook-kill.log");
            stack.awaitHealthy(worker);
            figures.put("new_worker_up_ms", millisSince(restarting));
            awaitTrue(() -> receiver.received().size() > beforeKill.size(), PATIENCE, "a delivery after the kill");
            Instant resumedAt = receiver.received().get(beforeKill.size()).at();
            long recoveryMs = Duration.between(restartedAt, resumedAt).toMillis();
            figures.put(
                    "kill_to_first_redelivery_ms",
                    Duration.between(killedAt, resumedAt).toMillis());
            awaitTrue(() -> everythingDelivered(partner, endpointId), PATIENCE, "every event delivered");
            figures.put("delivered_ms", millisSince(restarting));

            checkDeliveries(
                    partner,
                    endpointId,
                    secret,
                    receiver.received(),
                    beforeKill,
                    succeededAtKill,
                    interrupted,
                    figures);
            figures.put("unanswerable", receiver.unanswerable());
            report(
                    "worker_killed_mid_webhook_deliveries",
                    WEBHOOK_INSTANCES + WEBHOOK_INSTALLS,
                    fixture,
                    releaseId,
                    recoveryMs,
                    figures);
        } finally {
            disruption.unlock();
        }
        verify(fixture, releaseId, "RELEASED", Map.of("APPLIED/IMMEDIATE", (long)
                (WEBHOOK_INSTANCES + WEBHOOK_INSTALLS)));
    }

    // --- set-up ---

    /**
     * A partner's MULTI pack, shared with its managed accounts, released once (1.0.0) and installed
     * {@code instances} times over the accounts (inserted with SQL); its component has a new package
     * (2.0.0), so the next release is ready to be posted.
     */
    private record Fixture(UUID partner, List<UUID> customers, UUID pack, UUID firstRelease) {}

    private Fixture fixture(String name, String timeZone, int accounts, int instances) throws SQLException {
        UUID partner = api.partner(name + " Integrations", timeZone, true);
        List<UUID> customers = new ArrayList<>();
        for (int i = 1; i <= accounts; i++) {
            customers.add(api.managed(partner, name + " customer " + i));
        }
        UUID component = api.component(partner, name + " sync");
        api.pkg(partner, component, "1.0.0");
        UUID pack = api.pack(partner, name + " pack", "MULTI");
        api.addMember(partner, pack, component);
        api.group(partner, name + " group", pack, customers);
        JsonNode first = api.release(partner, pack, IMMEDIATELY);
        // patient: another scenario may be restarting a part of the stack right now
        api.awaitRelease(partner, first, r -> status(r).equals("RELEASED"), PATIENCE, "RELEASED");
        UUID firstRelease = UUID.fromString(id(first));
        try (Connection connection = stack.connect()) {
            insertInstances(connection, pack, firstRelease, customers, instances);
        }
        api.pkg(partner, component, "2.0.0");
        return new Fixture(partner, customers, pack, firstRelease);
    }

    // --- waiting ---

    /** Polls the release until at least a tenth of {@code instances} have it, and checks that far fewer than all do. */
    private JsonNode awaitMidFanOut(UUID partner, JsonNode release, int instances) throws InterruptedException {
        long from = instances / 10;
        long by = instances * 8L / 10;
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        JsonNode seen;
        do {
            seen = api.releaseById(partner, release);
            long applied = progress(seen, "applied");
            if (applied >= from) {
                assertTrue(
                        applied <= by && status(seen).equals("IN_PROGRESS"),
                        "the fan-out went from under " + from + " to past " + by
                                + " applied between two polls, so no fault can hit it mid-way: " + seen);
                return seen;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return fail("the release never got to " + from + " applied: " + seen + "\n"
                + stack.worker().logTail(40));
    }

    /**
     * Waits until Temporal knows the workflow (running, or completed already).
     *
     * @return how long after {@code fromNanos} that was seen
     */
    private long awaitWorkflow(String workflowId, long fromNanos, Duration patience, String what)
            throws InterruptedException {
        awaitTrue(
                () -> {
                    Optional<WorkflowExecutionStatus> status = stack.workflowStatus(workflowId);
                    return status.isPresent()
                            && (status.get() == RUNNING
                                    || status.get() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
                },
                patience,
                "workflow " + workflowId + " " + what);
        return millisSince(fromNanos);
    }

    /**
     * Waits until the fan-out commits a batch that started after {@code back}.
     *
     * @return how long after {@code backNanos} that was seen
     */
    private long awaitLedgerRowRecordedAfter(UUID releaseId, Instant back, long backNanos) throws InterruptedException {
        OffsetDateTime after = OffsetDateTime.ofInstant(back, ZoneOffset.UTC);
        awaitTrue(
                () -> {
                    try (Connection connection = stack.connect()) {
                        return count(
                                        connection,
                                        "SELECT count(*) FROM (SELECT 1 FROM release_instances"
                                                + " WHERE release_id = ? AND recorded_at >= ? LIMIT 1) first",
                                        releaseId,
                                        after)
                                > 0;
                    } catch (SQLException e) {
                        return false;
                    }
                },
                PATIENCE,
                "the fan-out of " + releaseId + " commits again");
        return millisSince(backNanos);
    }

    private long awaitManuallyApplied(UUID releaseId, long atLeast, Duration patience) throws InterruptedException {
        long[] applied = {0};
        awaitTrue(
                () -> {
                    try (Connection connection = stack.connect()) {
                        applied[0] = count(
                                connection,
                                "SELECT count(*) FROM release_instances WHERE release_id = ? AND mode = 'MANUAL'",
                                releaseId);
                        return applied[0] >= atLeast;
                    } catch (SQLException e) {
                        return false;
                    }
                },
                patience,
                atLeast + " manual applies of " + releaseId);
        return applied[0];
    }

    private long queued(UUID releaseId) {
        try (Connection connection = stack.connect()) {
            return count(connection, "SELECT count(*) FROM release_apply_requests WHERE release_id = ?", releaseId);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Applies the pending release to {@code count} instances of the pack, each as its own account,
     * and waits until they run it.
     *
     * @return how long that took
     */
    private long applyManually(Fixture fixture, UUID releaseId, int count) throws Exception {
        long started = System.nanoTime();
        List<List<Object>> instances;
        try (Connection connection = stack.connect()) {
            instances = rows(
                    connection,
                    "SELECT id, account_id FROM integration_pack_instances WHERE integration_pack_id = ?"
                            + " ORDER BY id LIMIT ?",
                    fixture.pack(),
                    count);
        }
        for (List<Object> instance : instances) {
            EndToEndApi.Response answer = api.send(
                    "POST",
                    "/api/v1/integration-pack-instances/" + instance.get(0) + "/apply-pending-update",
                    api.token((UUID) instance.get(1)),
                    null);
            assertTrue(answer.status() == 200 || answer.status() == 202, answer::toString);
        }
        awaitManuallyApplied(releaseId, count, PATIENCE);
        return millisSince(started);
    }

    private static void awaitTrue(BooleanSupplier condition, Duration patience, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within " + patience.toSeconds() + " s: " + what, last);
    }

    private static long completedMillisAfter(JsonNode release, Instant from) {
        return Duration.between(from, Instant.parse(release.path("completedAt").asText()))
                .toMillis();
    }

    private void assertSameProcessHealthy(ChildProcess before, ChildProcess now) throws InterruptedException {
        assertEquals(before.pid(), now.pid(), "no " + before.name() + " was replaced");
        assertTrue(
                ProcessHandle.of(before.pid()).map(ProcessHandle::isAlive).orElse(false),
                "the " + before.name() + " survived:\n" + before.logTail(40));
        stack.awaitHealthy(before);
    }

    // --- webhooks ---

    /**
     * Installs the fixture's pack as its managed account number {@code i} (round robin).
     *
     * @return the instance and its account
     */
    private List<UUID> install(Fixture fixture, int i, String name) {
        UUID customer = fixture.customers().get(i % fixture.customers().size());
        JsonNode instance = api.call(
                "POST",
                "/api/v1/integration-pack-instances",
                api.token(customer),
                Map.of("integrationPackId", fixture.pack().toString(), "integrationPackOverrideName", name),
                201);
        return List.of(createdId(instance), customer);
    }

    private void sendTestEvents(UUID partner, UUID endpointId, int count) {
        for (int i = 0; i < count; i++) {
            api.call("POST", "/api/v1/webhook-endpoints/" + endpointId + "/test", api.token(partner), null, 202);
        }
    }

    private long undispatched(UUID partner) {
        try (Connection connection = stack.connect()) {
            return count(
                    connection,
                    "SELECT count(*) FROM webhook_events WHERE partner_account_id = ? AND NOT dispatched",
                    partner);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long deliveries(UUID endpointId, String status) {
        try (Connection connection = stack.connect()) {
            return deliveries(connection, endpointId, status);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long deliveries(Connection connection, UUID endpointId, String status) throws SQLException {
        return count(
                connection,
                "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = ? AND status = ?",
                endpointId,
                status);
    }

    /** The events of the partner since the endpoint exists that have no delivery to it. */
    private static long undelivered(Connection connection, UUID partner, UUID endpointId) throws SQLException {
        return count(connection, """
                SELECT count(*) FROM webhook_events e JOIN webhook_endpoints w ON w.id = ?
                WHERE e.partner_account_id = ? AND e.created_at >= w.created_at
                  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.endpoint_id = w.id)""", endpointId, partner);
    }

    /** The partner's outbox is dispatched, every event since the endpoint has a delivery, and every delivery succeeded. */
    private boolean everythingDelivered(UUID partner, UUID endpointId) {
        try (Connection connection = stack.connect()) {
            return count(
                                    connection,
                                    "SELECT count(*) FROM webhook_events WHERE partner_account_id = ? AND NOT dispatched",
                                    partner)
                            == 0
                    && undelivered(connection, partner, endpointId) == 0
                    && count(
                                    connection,
                                    "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = ? AND status <> 'SUCCEEDED'",
                                    endpointId)
                            == 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A delivery as the database holds it.
     *
     * @param attemptRows its rows in webhook_attempts
     * @param lastAttempt the highest attempt number among them (0 without any)
     * @param lastStatusCode the status code of that attempt; {@code null} when none came (or no attempt)
     * @param failedAttempts its attempts without a 2xx
     */
    private record DeliveryRow(
            String id,
            String eventId,
            String type,
            long sequence,
            String status,
            long attempts,
            JsonNode data,
            long attemptRows,
            long lastAttempt,
            Integer lastStatusCode,
            long failedAttempts) {

        /** What the api's list shows of it. */
        String listed() {
            return String.join(
                    " ",
                    id,
                    eventId,
                    type,
                    Long.toString(sequence),
                    status,
                    "attempts=" + attempts,
                    "last=" + lastAttempt + "/" + lastStatusCode);
        }
    }

    /** The endpoint's deliveries in sequence order. */
    private static List<DeliveryRow> deliveryRows(Connection connection, UUID endpointId) throws Exception {
        List<DeliveryRow> deliveries = new ArrayList<>();
        for (List<Object> row : rows(connection, """
                SELECT d.id::text, d.event_id::text, e.type, d.sequence, d.status, d.attempts, d.data::text,
                       a.recorded, a.last, l.status_code, a.failed
                FROM webhook_deliveries d
                JOIN webhook_events e ON e.id = d.event_id
                CROSS JOIN LATERAL (
                    SELECT count(*) AS recorded, coalesce(max(t.attempt), 0) AS last,
                           count(*) FILTER (WHERE t.status_code IS NULL OR t.status_code NOT BETWEEN 200 AND 299)
                               AS failed
                    FROM webhook_attempts t WHERE t.delivery_id = d.id) a
                LEFT JOIN LATERAL (SELECT t.status_code FROM webhook_attempts t WHERE t.delivery_id = d.id
                                   ORDER BY t.attempt DESC LIMIT 1) l ON true
                WHERE d.endpoint_id = ? ORDER BY d.sequence""", endpointId)) {
            deliveries.add(new DeliveryRow(
                    (String) row.get(0),
                    (String) row.get(1),
                    (String) row.get(2),
                    ((Number) row.get(3)).longValue(),
                    (String) row.get(4),
                    ((Number) row.get(5)).longValue(),
                    JSON.readTree((String) row.get(6)),
                    ((Number) row.get(7)).longValue(),
                    ((Number) row.get(8)).longValue(),
                    (Integer) row.get(9),
                    ((Number) row.get(10)).longValue()));
        }
        return deliveries;
    }

    /**
     * Checks the endpoint's deliveries after the recovery, against what the receiver got ({@code
     * beforeKill} being what it had got when the worker was killed) and against the api's delivery
     * log, and puts their figures.
     */
    private void checkDeliveries(
            UUID partner,
            UUID endpointId,
            String secret,
            List<WebhookReceiver.Received> received,
            List<WebhookReceiver.Received> beforeKill,
            Set<String> succeededAtKill,
            String interrupted,
            Map<String, Object> figures)
            throws Exception {
        List<DeliveryRow> deliveries;
        long early;
        long nextSequence;
        try (Connection connection = stack.connect()) {
            deliveries = deliveryRows(connection, endpointId);
            assertEquals(
                    0,
                    undelivered(connection, partner, endpointId),
                    "every event of the partner since the endpoint exists has a delivery to it");
            early = count(connection, """
                    SELECT count(*) FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
                    JOIN webhook_endpoints w ON w.id = d.endpoint_id
                    WHERE d.endpoint_id = ? AND e.created_at < w.created_at""", endpointId);
            nextSequence = count(connection, "SELECT next_sequence FROM webhook_endpoints WHERE id = ?", endpointId);
        }
        assertEquals(
                0, early, "no event from before the endpoint (all dispatched before it existed) is delivered to it");
        int n = deliveries.size();
        assertEquals(
                LongStream.rangeClosed(1, n).boxed().toList(),
                deliveries.stream().map(DeliveryRow::sequence).toList(),
                "the endpoint's deliveries are numbered 1..n");
        assertEquals(n + 1, nextSequence, "the endpoint's next sequence follows its last delivery");
        for (DeliveryRow delivery : deliveries) {
            assertEquals("SUCCEEDED", delivery.status(), delivery::toString);
            assertEquals(
                    delivery.attempts(),
                    delivery.attemptRows(),
                    () -> "attempts counts the recorded ones: " + delivery);
            assertEquals(delivery.attemptRows(), delivery.lastAttempt(), () -> "attempts numbered 1..n: " + delivery);
            assertTrue(
                    delivery.lastStatusCode() != null && delivery.lastStatusCode() / 100 == 2,
                    () -> "its last attempt got a 2xx: " + delivery);
        }

        Map<String, DeliveryRow> byId = new HashMap<>();
        deliveries.forEach(delivery -> byId.put(delivery.id(), delivery));
        Map<String, Integer> before = new HashMap<>();
        Map<String, Integer> after = new HashMap<>();
        long previousSequence = 0;
        for (int i = 0; i < received.size(); i++) {
            WebhookReceiver.Received request = received.get(i);
            DeliveryRow delivery = byId.get(request.id());
            assertNotNull(delivery, () -> "the webhook-id " + request.id() + " is a delivery of the endpoint");
            assertTrue(
                    WebhookReceiver.verifies(secret, request),
                    () -> "signed with the endpoint's secret: " + request.signature() + " " + request.text());
            long timestamp = Long.parseLong(request.timestamp());
            assertTrue(
                    Math.abs(timestamp - request.at().getEpochSecond()) <= 300,
                    () -> "webhook-timestamp " + timestamp + " is the time of the attempt, " + request.at());
            JsonNode body = JSON.readTree(request.body());
            assertEquals(
                    List.of(delivery.type(), delivery.sequence(), delivery.data()),
                    List.of(body.path("type").asText(), body.path("sequence").asLong(), body.path("data")),
                    () -> "the body of " + delivery.id());
            Instant.parse(body.path("timestamp").asText());
            long sequence = delivery.sequence();
            long previous = previousSequence;
            assertTrue(sequence >= previous, () -> "sent in sequence order: " + sequence + " after " + previous);
            previousSequence = sequence;
            (i < beforeKill.size() ? before : after).merge(request.id(), 1, Integer::sum);
        }
        Set<String> duplicates = new HashSet<>(before.keySet());
        duplicates.retainAll(after.keySet());
        for (DeliveryRow delivery : deliveries) {
            assertTrue(
                    before.containsKey(delivery.id()) || after.containsKey(delivery.id()),
                    () -> "the receiver got " + delivery);
        }
        before.forEach((id, times) -> assertEquals(1, times, () -> id + " received more than once before the kill"));
        after.forEach((id, times) -> assertEquals(1, times, () -> id + " received more than once after the kill"));
        for (String duplicate : duplicates) {
            assertFalse(
                    succeededAtKill.contains(duplicate),
                    () -> duplicate + " is received again after the kill, although it had succeeded before");
        }
        assertTrue(duplicates.contains(interrupted), "the delivery that the kill interrupted is sent again");
        figures.put("deliveries", n);
        Map<String, Integer> types = new TreeMap<>();
        deliveries.forEach(delivery -> types.merge(delivery.type(), 1, Integer::sum));
        figures.put("by_type", types.toString().replace(" ", ""));
        figures.put("received", received.size());
        figures.put("webhook_duplicates", duplicates.size());
        figures.put(
                "attempts",
                deliveries.stream().mapToLong(DeliveryRow::attemptRows).sum());
        figures.put(
                "failed_attempts",
                deliveries.stream().mapToLong(DeliveryRow::failedAttempts).sum());

        List<String> listed = new ArrayList<>();
        String token = api.token(partner);
        String pageToken = null;
        do {
            String path = "/api/v1/webhook-endpoints/" + endpointId + "/deliveries?limit=100"
                    + (pageToken == null ? "" : "&pageToken=" + URLEncoder.encode(pageToken, StandardCharsets.UTF_8));
            JsonNode page = api.call("GET", path, token, null, 200);
            for (JsonNode item : page.path("items")) {
                assertEquals(endpointId.toString(), item.path("endpointId").asText(), item::toString);
                assertTrue(
                        item.path("nextAttemptAt").isNull()
                                && item.path("finishedAt").isTextual(),
                        item::toString);
                JsonNode last = item.path("lastAttempt");
                listed.add(String.join(
                        " ",
                        item.path("id").asText(),
                        item.path("eventId").asText(),
                        item.path("eventType").asText(),
                        item.path("sequence").asText(),
                        item.path("status").asText(),
                        "attempts=" + item.path("attempts").asText(),
                        "last=" + last.path("attempt").asText() + "/"
                                + (last.path("statusCode").isNull()
                                        ? "null"
                                        : last.path("statusCode").asText())));
            }
            pageToken = page.path("nextPageToken").isTextual()
                    ? page.path("nextPageToken").asText()
                    : null;
        } while (pageToken != null);
        List<String> expected =
                new ArrayList<>(deliveries.stream().map(DeliveryRow::listed).toList());
        Collections.reverse(expected);
        assertEquals(expected, listed, "the api lists the database's deliveries, newest first");
        assertEquals(
                0,
                api.call(
                                "GET",
                                "/api/v1/webhook-endpoints/" + endpointId + "/deliveries?status=PENDING",
                                token,
                                null,
                                200)
                        .path("items")
                        .size(),
                "the api lists no pending delivery");
        JsonNode detail = api.call("GET", "/api/v1/webhook-deliveries/" + interrupted, token, null, 200);
        DeliveryRow interruptedRow = byId.get(interrupted);
        assertEquals(
                List.of(interruptedRow.attempts(), interruptedRow.attempts()),
                List.of(detail.path("attemptCount").asLong(), (long)
                        detail.path("attempts").size()),
                detail::toString);
    }

    // --- outcome ---

    /** What a scenario left behind; every count must be 0. */
    private record Outcome(long lost, long duplicated, long stuck) {}

    private Outcome outcome(Fixture fixture, UUID releaseId) throws SQLException {
        try (Connection connection = stack.connect()) {
            long lost = count(connection, """
                    SELECT count(*) FROM integration_pack_instances i
                    WHERE i.integration_pack_id = ?
                      AND (i.installed_release_id IS DISTINCT FROM ? OR NOT EXISTS (
                          SELECT 1 FROM release_instances ri
                          WHERE ri.release_id = ? AND ri.integration_pack_instance_id = i.id
                            AND ri.status = 'APPLIED'))""", fixture.pack(), releaseId, releaseId);
            long duplicated = count(connection, """
                    SELECT (SELECT count(*) - count(DISTINCT integration_pack_instance_id)
                            FROM release_instances WHERE release_id = r.id)
                         + greatest(0, c.applied_manually + c.applied_automatically
                                       - (SELECT count(*) FROM release_instances
                                          WHERE release_id = r.id AND status = 'APPLIED'))
                    FROM releases r JOIN release_counts c ON c.release_id = r.id WHERE r.id = ?""", releaseId);
            long stuck = count(
                    connection,
                    "SELECT count(*) FROM releases WHERE integration_pack_id = ? AND NOT " + NOT_STUCK,
                    fixture.pack());
            return new Outcome(lost, duplicated, stuck);
        }
    }

    /** Prints the scenario's line and checks that nothing was lost, duplicated or left stuck. */
    private void report(
            String scenario,
            int instances,
            Fixture fixture,
            UUID releaseId,
            long recoveryMs,
            Map<String, Object> figures)
            throws SQLException {
        Outcome outcome = outcome(fixture, releaseId);
        StringBuilder line = new StringBuilder()
                .append("chaos scenario=")
                .append(scenario)
                .append(" instances=")
                .append(instances)
                .append(" lost=")
                .append(outcome.lost())
                .append(" duplicated=")
                .append(outcome.duplicated())
                .append(" stuck=")
                .append(outcome.stuck())
                .append(" recovery_ms=")
                .append(recoveryMs);
        figures.forEach((key, value) -> line.append(' ').append(key).append('=').append(value));
        log("%s", line);
        assertEquals(new Outcome(0, 0, 0), outcome, line::toString);
    }

    /**
     * Checks the release's status, its ledger by outcome, that its counters equal its ledger, and
     * that the release before it kept an empty ledger.
     */
    private void verify(Fixture fixture, UUID releaseId, String expectedStatus, Map<String, Long> expectedLedger)
            throws SQLException {
        try (Connection connection = stack.connect()) {
            Map<String, Long> ledger = ledgerByOutcome(connection, releaseId);
            assertEquals(expectedLedger, ledger, "the ledger of release " + releaseId + " by outcome");
            long manual = ledger.getOrDefault("APPLIED/MANUAL", 0L);
            long other = ledger.getOrDefault("APPLIED/AUTOMATIC", 0L) + ledger.getOrDefault("APPLIED/IMMEDIATE", 0L);
            assertEquals(
                    List.of(expectedStatus, manual, other, 0L),
                    row(
                            connection,
                            "SELECT r.status, c.applied_manually, c.applied_automatically, c.failed FROM releases r JOIN release_counts c ON c.release_id = r.id WHERE r.id = ?",
                            releaseId),
                    "the release's status, and counters that equal its ledger");
            assertEquals(
                    0,
                    count(
                            connection,
                            "SELECT count(*) FROM release_instances WHERE release_id = ?",
                            fixture.firstRelease()),
                    "the first release's ledger is untouched");
        }
    }

    private static String safeRows(Connection connection, String sql) {
        try {
            return rows(connection, sql).toString();
        } catch (SQLException e) {
            return "(" + e.getMessage() + ")";
        }
    }
}
