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
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
 * while it drains manual applies. Every scenario ends with every instance on the release it should
 * have, exactly one ledger row per instance and release, and no release stuck, and prints one line
 * per release it disturbed, {@code chaos scenario=... lost=0 duplicated=0 stuck=0 recovery_ms=...}:
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
