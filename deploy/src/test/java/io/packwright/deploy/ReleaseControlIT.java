package io.packwright.deploy;

import static io.packwright.deploy.EndToEndApi.id;
import static io.packwright.deploy.EndToEndApi.progress;
import static io.packwright.deploy.EndToEndApi.status;
import static io.packwright.deploy.EndToEndSql.count;
import static io.packwright.deploy.EndToEndSql.execute;
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
import io.packwright.workflows.release.ReleaseSearchAttributes;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Release control on the real processes ({@link EndToEndStack}): staged rollouts, their failure
 * gate, pause, resume, promote and abort, driven over HTTP, with the instances seeded in SQL.
 *
 * <ul>
 *   <li>A pause in the middle of an unstaged fan-out to {@link #INSTANCES} instances holds it (no
 *       ledger row is recorded after the pause's {@code 200}), and a resume completes it, every
 *       instance applied exactly once.
 *   <li>A three-wave rollout (10 %, 50 %, 100 % of {@link #ACCOUNTS} managed accounts by their
 *       {@code rollout_bucket}) to {@link #INSTANCES} instances, where half of the accounts of wave 1
 *       lack a value for the extension that the new release requires: the failure gate pauses the
 *       release after wave 1, wave 2 waits; a resume keeps soaking, a promote starts wave 2, an
 *       abort in the middle of wave 2's fan-out stops it and puts back every instance it updated.
 *   <li>The same rollout with the worker killed with SIGKILL in the middle of wave 2's fan-out and
 *       again in the middle of the revert after an abort in wave 2's soak, each time replaced by a
 *       new worker: the same end state, nothing applied twice, nothing lost.
 * </ul>
 *
 * <p>Every abort ends with every instance of the pack on the release it ran before, exactly one
 * {@code REVERTED} ledger row for each instance the release had applied, the {@code FAILED} rows as
 * they were, the pack's current release back to the one before, and the release's workflow
 * completed. The fan-out runs in small batches ({@link #BATCH_SIZE}, one per activity) so that a
 * pause, an abort or a kill lands in the middle of a wave. The class prints one line {@code
 * release-control key=value ...}: {@code pause_to_stop_ms} (from the pause's {@code 200} to the
 * last ledger row recorded for the release: the row's {@code recorded_at}, when its batch started;
 * negative when the last batch that got through started before the answer), {@code
 * pause_to_held_ms} (from the {@code 200} until the workflow has stopped its lanes and says {@code
 * PAUSED}), {@code abort_revert_per_s} ({@code REVERTED} rows per second from the abort's {@code
 * 200} to the last {@code reverted_at}) and the counts; times are printed, never asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReleaseControlIT {

    private static final String SECRET = "release-control-it-" + UUID.randomUUID();

    private static final int INSTANCES = Integer.getInteger("packwright.release-control.instances", 10_000);
    /** Enough accounts for percent waves of about the shares they ask for. */
    private static final int ACCOUNTS = 120;

    private static final int PAUSE_ACCOUNTS = 4;
    /** Cumulative shares of the three waves. */
    private static final List<Integer> WAVES = List.of(10, 50, 100);
    /** Long: every soak in this class is ended by a promote or an abort. */
    private static final int SOAK_MINUTES = 30;

    private static final int MAX_FAILED_PERCENT = 5;
    /** The extension that the second release requires, without a default. */
    private static final String REQUIRED_KEY = "region";

    private static final String BATCH_SIZE = "100";
    private static final String BATCHES_PER_ACTIVITY = "1";
    private static final String LANES = "4";
    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final Map<String, Object> IMMEDIATELY = Map.of("releaseSchedule", "IMMEDIATELY");
    /** Statuses that a rollout held by its gate, or ended, has. */
    private static final Set<String> STOPPED = Set.of("PAUSED", "RELEASED", "SUPERSEDED", "CANCELLED", "ABORTED");

    private EndToEndStack stack;
    private EndToEndApi api;
    private final Map<String, Object> figures = new LinkedHashMap<>();

    @BeforeAll
    void startStack() throws InterruptedException {
        // the api starts release workflows with its pacing, the worker's reconciler with its own
        Map<String, String> tuning = Map.of(
                "PACKWRIGHT_RELEASES_BATCH_SIZE", BATCH_SIZE,
                "PACKWRIGHT_RELEASES_BATCHES_PER_ACTIVITY", BATCHES_PER_ACTIVITY,
                "PACKWRIGHT_RELEASES_LANES", LANES);
        stack = EndToEndStack.start(new EndToEndStack.Options("release-control-it", false, tuning, tuning), SECRET);
        api = new EndToEndApi(stack);
        figures.put("instances", INSTANCES);
        figures.put("accounts", ACCOUNTS);
        figures.put("batch_size", BATCH_SIZE);
        figures.put("lanes", LANES);
    }

    @AfterAll
    void report() {
        StringBuilder line = new StringBuilder("release-control");
        figures.forEach((key, value) -> line.append(' ').append(key).append('=').append(value));
        log("%s", line);
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * An unstaged immediate release to {@link #INSTANCES} instances is paused once a tenth has it:
     * nothing is recorded after the pause's answer and nothing moves while it is held; a resume
     * applies the rest, every instance exactly once.
     */
    @Test
    @Order(1)
    void aPauseInTheMiddleOfAFanOutHoldsItAndAResumeCompletesIt() throws Exception {
        Fixture fixture = fixture("Pause", PAUSE_ACCOUNTS, false);
        JsonNode release = api.release(fixture.partner(), fixture.pack(), IMMEDIATELY);
        UUID releaseId = UUID.fromString(id(release));
        long before = awaitLedger(releaseId, "true", INSTANCES / 10, "a tenth of the fan-out");

        String reason = "customers report errors";
        EndToEndApi.Response paused = api.control(fixture.partner(), release, "pause", reason);
        Instant answered = Instant.now();
        assertEquals(200, paused.status(), paused::toString);
        assertEquals("PAUSED", status(paused.body()), paused::toString);
        assertEquals(reason, paused.body().path("statusReason").asText(), paused::toString);
        long heldMs = awaitWorkflowStatus(release.path("workflowId").asText(), "PAUSED", answered);
        long atPause = ledger(releaseId, "true");
        log(
                "paused with %d of %d recorded (%d when the pause was sent); the workflow held %d ms after the 200",
                atPause, INSTANCES, before, heldMs);
        assertTrue(atPause < INSTANCES, "the pause came in the middle of the fan-out: " + atPause);

        Thread.sleep(2_000);
        JsonNode held = api.releaseById(fixture.partner(), release);
        assertEquals("PAUSED", status(held), held::toString);
        assertEquals(atPause, ledger(releaseId, "true"), "nothing is applied while the release is paused");
        try (Connection connection = stack.connect()) {
            Timestamp last = (Timestamp)
                    row(connection, "SELECT max(recorded_at) FROM release_instances WHERE release_id = ?", releaseId)
                            .get(0);
            assertEquals(
                    0,
                    count(
                            connection,
                            "SELECT count(*) FROM release_instances WHERE release_id = ? AND recorded_at > ?",
                            releaseId,
                            Timestamp.from(answered)),
                    "no batch that started after the pause's answer recorded anything");
            figures.put("pause_recorded", atPause);
            figures.put("pause_request_ms", paused.millis());
            figures.put("pause_to_stop_ms", last.toInstant().toEpochMilli() - answered.toEpochMilli());
            figures.put("pause_to_held_ms", heldMs);
        }

        EndToEndApi.Response resumed = api.control(fixture.partner(), release, "resume", null);
        assertEquals(200, resumed.status(), resumed::toString);
        assertEquals("IN_PROGRESS", status(resumed.body()), resumed::toString);
        assertTrue(resumed.body().path("statusReason").isNull(), resumed::toString);
        JsonNode released = api.awaitRelease(
                fixture.partner(), release, r -> status(r).equals("RELEASED"), PATIENCE, "RELEASED after the resume");
        assertEquals(INSTANCES, progress(released, "applied"), released::toString);
        assertEquals(0, progress(released, "failed"), released::toString);
        try (Connection connection = stack.connect()) {
            assertEquals(Map.of("APPLIED/IMMEDIATE", (long) INSTANCES), ledgerByOutcome(connection, releaseId));
            assertEquals(
                    0,
                    count(
                            connection,
                            "SELECT count(*) FROM integration_pack_instances"
                                    + " WHERE integration_pack_id = ? AND installed_release_id <> ?",
                            fixture.pack(),
                            releaseId),
                    "every instance is on the release");
            assertEquals(
                    List.of("RELEASED", (long) INSTANCES, 0L),
                    row(
                            connection,
                            "SELECT r.status, c.applied_manually + c.applied_automatically, c.failed"
                                    + " FROM releases r JOIN release_counts c ON c.release_id = r.id WHERE r.id = ?",
                            releaseId),
                    "the counters equal the ledger: no instance counted twice");
        }
        assertWorkflowCompleted(release);
    }

    /**
     * The three-wave rollout: the gate pauses it after wave 1, a resume and a promote start wave 2,
     * and an abort while wave 2 applies stops it and puts everything back.
     */
    @Test
    @Order(2)
    void aStagedRolloutPausedByItsGateResumedAndAbortedInWaveTwoPutsEveryInstanceBack() throws Exception {
        Fixture fixture = fixture("Staged", ACCOUNTS, true);
        JsonNode release = gatePausesResumePromote(fixture);
        UUID releaseId = UUID.fromString(id(release));

        awaitLedger(releaseId, "wave = 1", 1, "wave 2 applies");
        List<List<Object>> failedBefore = failedRows(releaseId);
        String reason = "wave 2 breaks the customers' flows";
        EndToEndApi.Response aborted = api.control(fixture.partner(), release, "abort", reason);
        Instant abortAnswered = Instant.now();
        assertAborted(aborted, reason);
        long rowsAtAbort = ledger(releaseId, "true");
        long wave2AtAbort = ledger(releaseId, "wave = 1");
        String hit = aborted.body()
                .path("rollout")
                .path("waves")
                .get(1)
                .path("state")
                .asText();
        log(
                "aborted in wave 2 (%s) with %d of its %d instances recorded, %d ledger rows in all",
                hit, wave2AtAbort, fixture.wave2(), rowsAtAbort);
        assertCurrentRelease(fixture, 1);

        awaitPutBack(fixture, release);
        long reverted = verifyPutBack(fixture, releaseId, failedBefore);
        assertEquals(rowsAtAbort, ledger(releaseId, "true"), "nothing was recorded after the abort's answer");
        assertEquals(rowsAtAbort - fixture.failing(), reverted, "every row but the FAILED ones was put back");
        figures.put("abort_hit", "wave2_" + hit.toLowerCase());
        figures.put("reverted", reverted);
        figures.put("abort_revert_per_s", revertRate(releaseId, abortAnswered, reverted));
    }

    /**
     * The three-wave rollout with the worker killed (SIGKILL) while wave 2 applies, and again while
     * an abort in wave 2's soak puts the instances back, each time replaced by a new worker: wave 2
     * ends applied to each of its instances exactly once, and the abort ends as without the kills.
     */
    @Test
    @Order(3)
    void aWorkerKilledInWaveTwoAndInTheRevertChangesNothingInTheEnd() throws Exception {
        Fixture fixture = fixture("Staged chaos", ACCOUNTS, true);
        JsonNode release = gatePausesResumePromote(fixture);
        UUID releaseId = UUID.fromString(id(release));

        long atFirstKill =
                killWorkerAt(releaseId, "wave = 1 AND status = 'APPLIED'", fixture.wave2(), "wave 2's fan-out");
        long restarting = System.nanoTime();
        ChildProcess worker = stack.startWorker("worker-after-wave-kill.log");
        stack.awaitHealthy(worker);
        JsonNode soaking = api.awaitRelease(
                fixture.partner(),
                release,
                r -> wave(r, 1).path("state").asText().equals("SOAKING"),
                PATIENCE,
                "soaking wave 2 after the kill");
        long waveRecoveryMs = millisSince(restarting);
        assertEquals("IN_PROGRESS", status(soaking), soaking::toString);
        assertEquals(fixture.wave2(), wave(soaking, 1).path("applied").asLong(), soaking::toString);
        assertEquals(0, wave(soaking, 1).path("failed").asLong(), soaking::toString);
        assertEquals("PENDING", wave(soaking, 2).path("state").asText(), soaking::toString);
        long applied;
        try (Connection connection = stack.connect()) {
            assertEquals(
                    Map.of(
                            "0/APPLIED", fixture.wave1() - fixture.failing(),
                            "0/FAILED", fixture.failing(),
                            "1/APPLIED", fixture.wave2()),
                    ledgerByWave(connection, releaseId),
                    "waves 1 and 2 each recorded once per instance");
            assertEquals(
                    fixture.wave1() + fixture.wave2() - fixture.failing(),
                    onRelease(connection, fixture, releaseId),
                    "the instances of waves 1 and 2 but the failing ones are on the release");
            assertEquals(0, count(connection, """
                            SELECT count(*) FROM integration_pack_instances
                            WHERE integration_pack_id = ? AND installed_release_id = ? AND rollout_bucket(account_id) >= ?""", fixture.pack(), releaseId, WAVES.get(1)), "wave 3 has not started");
            assertCountersEqualLedger(connection, releaseId);
            applied = count(
                    connection,
                    "SELECT count(*) FROM release_instances WHERE release_id = ? AND status = 'APPLIED'",
                    releaseId);
        }

        List<List<Object>> failedBefore = failedRows(releaseId);
        String reason = "wave 2 breaks the customers' flows";
        EndToEndApi.Response aborted = api.control(fixture.partner(), release, "abort", reason);
        Instant abortAnswered = Instant.now();
        assertAborted(aborted, reason);
        assertCurrentRelease(fixture, 1);
        long atSecondKill = killWorkerAt(releaseId, "status = 'REVERTED'", applied, "the revert after the abort");
        restarting = System.nanoTime();
        worker = stack.startWorker("worker-after-revert-kill.log");
        stack.awaitHealthy(worker);
        awaitPutBack(fixture, release);
        long revertRecoveryMs = millisSince(restarting);

        long reverted = verifyPutBack(fixture, releaseId, failedBefore);
        assertEquals(applied, reverted, "every instance the release had applied was put back exactly once");
        log(
                "killed at %d of %d applied in wave 2 (recovered to its soak %d ms after the restart) and at %d of %d"
                        + " reverted (all put back %d ms after the restart)",
                atFirstKill, fixture.wave2(), waveRecoveryMs, atSecondKill, applied, revertRecoveryMs);
        figures.put("kill_applied_at_kill", atFirstKill);
        figures.put("kill_wave_recovery_ms", waveRecoveryMs);
        figures.put("kill_reverted_at_kill", atSecondKill);
        figures.put("kill_revert_recovery_ms", revertRecoveryMs);
        figures.put("kill_reverted", reverted);
        figures.put("kill_abort_revert_per_s", revertRate(releaseId, abortAnswered, reverted));
    }

    // --- the rollout up to wave 2 ---

    /**
     * Posts the three-wave release, checks that its gate paused it after wave 1 with wave 2 not
     * started, resumes it (it keeps soaking wave 1) and promotes it.
     *
     * @return the release as the promote answered it
     */
    private JsonNode gatePausesResumePromote(Fixture fixture) throws Exception {
        Map<String, Object> rollout = Map.of(
                "waves",
                WAVES.stream().map(percent -> Map.of("percent", percent)).toList(),
                "soakMinutes",
                SOAK_MINUTES,
                "maxFailedPercent",
                MAX_FAILED_PERCENT);
        JsonNode release = api.release(
                fixture.partner(), fixture.pack(), Map.of("releaseSchedule", "IMMEDIATELY", "rollout", rollout));
        UUID releaseId = UUID.fromString(id(release));
        long posted = System.nanoTime();
        JsonNode paused = api.awaitRelease(
                fixture.partner(),
                release,
                r -> STOPPED.contains(status(r)),
                PATIENCE,
                "PAUSED by its failure gate after wave 1");
        log("the gate paused the release %d ms after it was posted", millisSince(posted));
        assertEquals("PAUSED", status(paused), paused::toString);
        String reason = paused.path("statusReason").asText();
        assertTrue(
                reason.startsWith(
                        "Failure gate: " + fixture.failing() + " of the " + fixture.wave1() + " instances of wave 1"),
                paused::toString);
        assertEquals(reason, paused.path("rollout").path("pausedReason").asText(), paused::toString);
        assertEquals(0, paused.path("rollout").path("currentWave").asInt(), paused::toString);
        assertWave(paused, 0, fixture.wave1(), fixture.wave1() - fixture.failing(), fixture.failing(), "SOAKING");
        assertWave(paused, 1, fixture.wave2(), 0, 0, "PENDING");
        assertWave(paused, 2, fixture.wave3(), 0, 0, "PENDING");
        assertWave1Only(fixture, releaseId);
        assertCurrentRelease(fixture, 2);

        JsonNode failures = api.call(
                "GET",
                "/api/v1/releases/" + releaseId + "/instances?status=FAILED&limit=500",
                api.token(fixture.partner()),
                null,
                200);
        assertEquals(Math.min(500, fixture.failing()), failures.path("items").size(), failures::toString);
        for (JsonNode entry : failures.path("items")) {
            assertEquals("FAILED", entry.path("status").asText(), entry::toString);
            assertTrue(
                    fixture.failingAccounts()
                            .contains(UUID.fromString(entry.path("accountId").asText())),
                    entry::toString);
            assertTrue(entry.path("failureReason").asText().contains("'" + REQUIRED_KEY + "'"), entry::toString);
        }

        Thread.sleep(1_000);
        JsonNode stillPaused = api.releaseById(fixture.partner(), release);
        assertEquals("PAUSED", status(stillPaused), stillPaused::toString);
        assertWave1Only(fixture, releaseId);

        EndToEndApi.Response resumed = api.control(fixture.partner(), release, "resume", null);
        assertEquals(200, resumed.status(), resumed::toString);
        assertEquals("IN_PROGRESS", status(resumed.body()), resumed::toString);
        assertTrue(resumed.body().path("rollout").path("pausedReason").isNull(), resumed::toString);
        assertEquals("SOAKING", wave(resumed.body(), 0).path("state").asText(), resumed::toString);
        Thread.sleep(500);
        assertEquals(0, ledger(releaseId, "wave > 0"), "wave 1 keeps soaking after the resume");

        EndToEndApi.Response promoted = api.control(fixture.partner(), release, "promote", null);
        assertEquals(200, promoted.status(), promoted::toString);
        assertEquals("IN_PROGRESS", status(promoted.body()), promoted::toString);
        return promoted.body();
    }

    /** Only wave 1 has outcomes: its failing instances FAILED, the others APPLIED; nobody later moved. */
    private void assertWave1Only(Fixture fixture, UUID releaseId) throws SQLException {
        try (Connection connection = stack.connect()) {
            assertEquals(
                    Map.of("0/APPLIED", fixture.wave1() - fixture.failing(), "0/FAILED", fixture.failing()),
                    ledgerByWave(connection, releaseId),
                    "wave 1's ledger");
            assertEquals(
                    fixture.failing(),
                    count(
                            connection,
                            "SELECT count(*) FROM release_instances WHERE release_id = ? AND status = 'FAILED'"
                                    + " AND account_id = ANY (?)",
                            releaseId,
                            uuids(connection, fixture.failingAccounts())),
                    "the FAILED rows are the failing accounts' instances");
            assertEquals(
                    0,
                    count(
                            connection,
                            "SELECT count(*) FROM release_instances WHERE release_id = ? AND rollout_bucket(account_id) >= ?",
                            releaseId,
                            WAVES.get(0)),
                    "no instance of a later wave has an outcome");
            assertEquals(
                    fixture.wave1() - fixture.failing(),
                    onRelease(connection, fixture, releaseId),
                    "wave 1's instances but the failing ones, and no other, are on the release");
            assertEquals(0, count(connection, """
                            SELECT count(*) FROM integration_pack_instances
                            WHERE integration_pack_id = ? AND installed_release_id = ? AND rollout_bucket(account_id) >= ?""", fixture.pack(), releaseId, WAVES.get(0)), "wave 2 has not started");
            assertCountersEqualLedger(connection, releaseId);
        }
    }

    // --- abort and its revert ---

    private static void assertAborted(EndToEndApi.Response aborted, String reason) {
        assertEquals(200, aborted.status(), aborted::toString);
        assertEquals("ABORTED", status(aborted.body()), aborted::toString);
        assertEquals(reason, aborted.body().path("statusReason").asText(), aborted::toString);
        assertNotNull(aborted.body().path("completedAt").textValue(), aborted::toString);
    }

    /** Waits until no instance of the pack runs the aborted release, no row is APPLIED and the workflow completed. */
    private void awaitPutBack(Fixture fixture, JsonNode release) throws Exception {
        UUID releaseId = UUID.fromString(id(release));
        String workflowId = release.path("workflowId").asText();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        String seen = "";
        while (System.nanoTime() < deadline) {
            try (Connection connection = stack.connect()) {
                long on = onRelease(connection, fixture, releaseId);
                long stillApplied = count(
                        connection,
                        "SELECT count(*) FROM release_instances WHERE release_id = ? AND status = 'APPLIED'",
                        releaseId);
                Optional<WorkflowExecutionStatus> workflow = stack.workflowStatus(workflowId);
                seen = on + " instances on the release, " + stillApplied + " rows APPLIED, workflow " + workflow;
                if (on == 0
                        && stillApplied == 0
                        && workflow.equals(Optional.of(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED))) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        fail("the abort did not put everything back within " + PATIENCE.toSeconds() + " s: " + seen + "\nworker log:\n"
                + stack.worker().logTail(60));
    }

    /**
     * Checks the end state of an abort: every instance of the pack on the first release, the ledger
     * only {@code FAILED} rows exactly as {@code failedBefore} and one {@code REVERTED} row for each
     * instance the release had updated (of waves 1 and 2, back on the release it ran before), no row
     * for wave 3, counters that count nothing applied, the pack's current release the first one, and
     * the api saying so.
     *
     * @return how many rows are {@code REVERTED}
     */
    private long verifyPutBack(Fixture fixture, UUID releaseId, List<List<Object>> failedBefore) throws Exception {
        long reverted;
        try (Connection connection = stack.connect()) {
            assertEquals(
                    List.of((long) INSTANCES, (long) INSTANCES),
                    row(
                            connection,
                            "SELECT count(*), count(*) FILTER (WHERE installed_release_id = ?)"
                                    + " FROM integration_pack_instances WHERE integration_pack_id = ?",
                            fixture.firstRelease(),
                            fixture.pack()),
                    "every instance is on the release it ran before, none lost");
            Map<String, Long> ledger = ledgerByOutcome(connection, releaseId);
            assertEquals(
                    Set.of("FAILED/-", "REVERTED/IMMEDIATE"),
                    ledger.keySet(),
                    "only FAILED and REVERTED rows are left: " + ledger);
            assertEquals(failedBefore, failedRows(releaseId), "the FAILED rows are untouched");
            reverted = ledger.get("REVERTED/IMMEDIATE");
            assertEquals(
                    List.of(reverted, reverted, reverted, 0L),
                    row(
                            connection,
                            """
                            SELECT count(DISTINCT ri.integration_pack_instance_id),
                                   count(*) FILTER (WHERE ri.previous_release_id = ? AND ri.reverted_at IS NOT NULL
                                                      AND ri.reverted_at >= ri.applied_at),
                                   count(*) FILTER (WHERE ri.wave IN (0, 1) AND rollout_bucket(ri.account_id) < ?
                                                      AND i.account_id = ri.account_id),
                                   count(*) FILTER (WHERE ri.account_id = ANY (?))
                            FROM release_instances ri
                            JOIN integration_pack_instances i ON i.id = ri.integration_pack_instance_id
                            WHERE ri.release_id = ? AND ri.status = 'REVERTED'""",
                            fixture.firstRelease(),
                            WAVES.get(1),
                            uuids(connection, fixture.failingAccounts()),
                            releaseId),
                    "one REVERTED row per instance, back to the first release, of waves 1 and 2, none failing");
            assertEquals(
                    0,
                    count(
                            connection,
                            "SELECT count(*) FROM release_instances WHERE release_id = ? AND rollout_bucket(account_id) >= ?",
                            releaseId,
                            WAVES.get(1)),
                    "wave 3 never started");
            assertEquals(
                    List.of("ABORTED", 0L, fixture.failing()),
                    row(
                            connection,
                            "SELECT r.status, c.applied_manually + c.applied_automatically, c.failed"
                                    + " FROM releases r JOIN release_counts c ON c.release_id = r.id WHERE r.id = ?",
                            releaseId),
                    "the counters count nothing applied any more, the FAILED rows still");
            assertEquals(
                    0,
                    count(
                            connection,
                            "SELECT count(*) FROM release_instances WHERE release_id = ?",
                            fixture.firstRelease()),
                    "the first release's ledger is untouched");
        }
        assertCurrentRelease(fixture, 1);
        JsonNode ended = api.call("GET", "/api/v1/releases/" + releaseId, api.token(fixture.partner()), null, 200);
        assertEquals("ABORTED", status(ended), ended::toString);
        assertTrue(ended.path("rollout").path("currentWave").isNull(), ended::toString);
        log("the aborted release: progress %s, rollout %s", ended.path("progress"), ended.path("rollout"));
        assertEquals(reverted, revertedListed(fixture.partner(), releaseId), "the api lists every REVERTED row");
        return reverted;
    }

    /** Pages through {@code GET /api/v1/releases/{id}/instances?status=REVERTED}; checks every entry. */
    private long revertedListed(UUID partner, UUID releaseId) {
        long listed = 0;
        String pageToken = null;
        do {
            String path = "/api/v1/releases/" + releaseId + "/instances?status=REVERTED&limit=500"
                    + (pageToken == null ? "" : "&pageToken=" + pageToken);
            JsonNode page = api.call("GET", path, api.token(partner), null, 200);
            for (JsonNode entry : page.path("items")) {
                assertEquals("REVERTED", entry.path("status").asText(), entry::toString);
                listed++;
            }
            pageToken = page.path("nextPageToken").isTextual()
                    ? URLEncoder.encode(page.path("nextPageToken").asText(), StandardCharsets.UTF_8)
                    : null;
        } while (pageToken != null);
        return listed;
    }

    /** REVERTED rows per second from the abort's answer to the last {@code reverted_at}, one decimal. */
    private double revertRate(UUID releaseId, Instant abortAnswered, long reverted) throws SQLException {
        try (Connection connection = stack.connect()) {
            Timestamp last = (Timestamp)
                    row(connection, "SELECT max(reverted_at) FROM release_instances WHERE release_id = ?", releaseId)
                            .get(0);
            double seconds = Math.max(0.001, (last.toInstant().toEpochMilli() - abortAnswered.toEpochMilli()) / 1000.0);
            return Math.round(reverted / seconds * 10) / 10.0;
        }
    }

    /** The FAILED rows of the release, every column that a revert must leave alone. */
    private List<List<Object>> failedRows(UUID releaseId) throws SQLException {
        try (Connection connection = stack.connect()) {
            return rows(connection, """
                    SELECT integration_pack_instance_id, account_id, status, mode, applied_at, failure_reason, recorded_at,
                           previous_release_id, reverted_at, wave, attempts
                    FROM release_instances WHERE release_id = ? AND status = 'FAILED'
                    ORDER BY integration_pack_instance_id""", releaseId);
        }
    }

    // --- the worker ---

    /**
     * Polls the release's ledger rows matching {@code condition} until at least a fifth of {@code
     * total} are there, then kills the worker with SIGKILL; checks that nothing moves without a
     * worker.
     *
     * @return the rows matching {@code condition} after the kill
     */
    private long killWorkerAt(UUID releaseId, String condition, long total, String what) throws Exception {
        long from = Math.max(1, total / 5);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        long seen;
        do {
            seen = ledger(releaseId, condition);
            if (seen >= from) {
                assertTrue(
                        seen < total,
                        what + " went from under " + from + " to all " + total + " between two polls,"
                                + " so the worker cannot be killed in its middle");
                ChildProcess worker = stack.worker();
                stack.kill(worker);
                Thread.sleep(500);
                long atKill = ledger(releaseId, condition);
                log(
                        "killed the worker (pid %d) in %s at %d (%d after the kill) of %d",
                        worker.pid(), what, seen, atKill, total);
                assertTrue(atKill < total, what + " was done when the worker died: " + atKill);
                Thread.sleep(2_000);
                assertEquals(atKill, ledger(releaseId, condition), "nothing moves while no worker runs");
                return atKill;
            }
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        return fail(what + " never got to " + from + " (" + seen + ")\n"
                + stack.worker().logTail(40));
    }

    /**
     * Polls the workflow's status search attribute until it is {@code expected}.
     *
     * @return milliseconds from {@code since} until it was seen
     */
    private long awaitWorkflowStatus(String workflowId, String expected, Instant since) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        String seen = "";
        while (System.nanoTime() < deadline) {
            Payload payload = stack.stubs()
                    .blockingStub()
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
                            .setNamespace(EndToEndStack.NAMESPACE)
                            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                            .build())
                    .getWorkflowExecutionInfo()
                    .getSearchAttributes()
                    .getIndexedFieldsMap()
                    .get(ReleaseSearchAttributes.STATUS.getName());
            seen = payload == null ? "none" : payload.getData().toStringUtf8();
            if (seen.equals("\"" + expected + "\"")) {
                return Duration.between(since, Instant.now()).toMillis();
            }
            Thread.sleep(20);
        }
        return fail("workflow " + workflowId + " never said " + expected + " (" + seen + ")");
    }

    /**
     * The workflow completes right after the activity that ended its release commits: polled, for
     * at most 30 s.
     */
    private void assertWorkflowCompleted(JsonNode release) throws InterruptedException {
        String workflowId = release.path("workflowId").asText();
        Optional<WorkflowExecutionStatus> status = stack.workflowStatus(workflowId);
        Instant deadline = Instant.now().plusSeconds(30);
        while (status.equals(Optional.of(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING))
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            status = stack.workflowStatus(workflowId);
        }
        assertEquals(
                Optional.of(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED),
                status,
                "the release workflow completed");
    }

    // --- reading ---

    /** Polls the release's ledger rows matching {@code condition} until there are {@code atLeast}. */
    private long awaitLedger(UUID releaseId, String condition, long atLeast, String what) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        long seen;
        do {
            seen = ledger(releaseId, condition);
            if (seen >= atLeast) {
                return seen;
            }
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        return fail(what + ": only " + seen + " ledger rows (" + condition + ")\n"
                + stack.worker().logTail(40));
    }

    private long ledger(UUID releaseId, String condition) throws SQLException {
        try (Connection connection = stack.connect()) {
            return count(
                    connection,
                    "SELECT count(*) FROM release_instances WHERE release_id = ? AND " + condition,
                    releaseId);
        }
    }

    /** The ledger by {@code wave/status}, e.g. {@code 0/FAILED}. */
    private static Map<String, Long> ledgerByWave(Connection connection, UUID releaseId) throws SQLException {
        return rows(
                        connection,
                        "SELECT wave || '/' || status, count(*) FROM release_instances WHERE release_id = ? GROUP BY 1",
                        releaseId)
                .stream()
                .collect(Collectors.toMap(r -> (String) r.get(0), r -> ((Number) r.get(1)).longValue()));
    }

    private static long onRelease(Connection connection, Fixture fixture, UUID releaseId) throws SQLException {
        return count(
                connection,
                "SELECT count(*) FROM integration_pack_instances WHERE integration_pack_id = ? AND installed_release_id = ?",
                fixture.pack(),
                releaseId);
    }

    /** The release's counters and its waves' counters equal its ledger: nothing counted twice. */
    private static void assertCountersEqualLedger(Connection connection, UUID releaseId) throws SQLException {
        assertEquals(
                row(
                        connection,
                        "SELECT count(*) FILTER (WHERE status = 'APPLIED'), count(*) FILTER (WHERE status = 'FAILED')"
                                + " FROM release_instances WHERE release_id = ?",
                        releaseId),
                row(
                        connection,
                        "SELECT c.applied_manually + c.applied_automatically, c.failed::bigint FROM release_counts c"
                                + " WHERE c.release_id = ?",
                        releaseId),
                "the release's counters equal its ledger");
        assertEquals(
                rows(
                        connection,
                        "SELECT wave, count(*) FILTER (WHERE status = 'APPLIED'), count(*) FILTER (WHERE status = 'FAILED')"
                                + " FROM release_instances WHERE release_id = ? GROUP BY wave ORDER BY wave",
                        releaseId),
                rows(
                        connection,
                        "SELECT wave, sum(applied)::bigint, sum(failed)::bigint FROM release_wave_progress"
                                + " WHERE release_id = ? GROUP BY wave HAVING sum(applied) + sum(failed) > 0 ORDER BY wave",
                        releaseId),
                "each wave's counters equal its ledger");
    }

    private void assertCurrentRelease(Fixture fixture, int releaseNumber) {
        JsonNode pack =
                api.call("GET", "/api/v1/integration-packs/" + fixture.pack(), api.token(fixture.partner()), null, 200);
        assertEquals(
                releaseNumber, pack.path("currentRelease").path("releaseNumber").asInt(), pack::toString);
    }

    private static JsonNode wave(JsonNode release, int index) {
        return release.path("rollout").path("waves").path(index);
    }

    private static void assertWave(
            JsonNode release, int index, long instances, long applied, long failed, String state) {
        JsonNode wave = wave(release, index);
        assertEquals(
                List.of(instances, applied, failed, state),
                List.of(
                        wave.path("instances").asLong(),
                        wave.path("applied").asLong(),
                        wave.path("failed").asLong(),
                        wave.path("state").asText()),
                () -> "wave " + (index + 1) + ": " + release);
    }

    private static Array uuids(Connection connection, Collection<UUID> ids) throws SQLException {
        return connection.createArrayOf("uuid", ids.toArray());
    }

    // --- set-up ---

    /**
     * A partner with {@link #failingAccounts} among its {@code accounts} managed accounts, and a
     * MULTI pack of theirs released once, with {@link #INSTANCES} instances seeded on that release.
     *
     * @param wave1 instances in the first wave (buckets below 10), {@code wave2} in the second (10
     *     to 49), {@code wave3} the rest
     * @param failing the instances of {@code failingAccounts}: no value for {@link #REQUIRED_KEY}
     */
    private record Fixture(
            UUID partner,
            UUID pack,
            UUID firstRelease,
            Set<UUID> failingAccounts,
            long wave1,
            long wave2,
            long wave3,
            long failing) {}

    /**
     * Sets up the partner and its pack; with {@code staged}, the pack's next package requires
     * {@link #REQUIRED_KEY}, which every instance has a value for but those of half the accounts of
     * wave 1 (at least one account).
     */
    private Fixture fixture(String name, int accounts, boolean staged) throws Exception {
        long started = System.nanoTime();
        UUID partner = api.partner(name + " Integrations", "Europe/Berlin", true);
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
        api.awaitRelease(partner, first, r -> status(r).equals("RELEASED"), PATIENCE, "RELEASED");
        UUID firstRelease = UUID.fromString(id(first));
        Set<UUID> failingAccounts = Set.of();
        List<Object> waves;
        try (Connection connection = stack.connect()) {
            insertInstances(connection, pack, firstRelease, customers, INSTANCES);
            if (staged) {
                List<List<Object>> firstWave = rows(
                        connection,
                        "SELECT a, rollout_bucket(a) FROM unnest(?::uuid[]) a WHERE rollout_bucket(a) < ?",
                        uuids(connection, customers),
                        WAVES.get(0));
                assertFalse(firstWave.isEmpty(), "some of the " + accounts + " accounts are in wave 1");
                failingAccounts = firstWave.stream()
                        .sorted(Comparator.comparing((List<Object> r) -> (Integer) r.get(1))
                                .thenComparing(r -> r.get(0).toString()))
                        .limit(Math.max(1, firstWave.size() / 2))
                        .map(r -> (UUID) r.get(0))
                        .collect(Collectors.toUnmodifiableSet());
                execute(connection, """
                        INSERT INTO instance_extension_values (integration_pack_instance_id, key, value)
                        SELECT i.id, ?, 'eu' FROM integration_pack_instances i
                        WHERE i.integration_pack_id = ? AND NOT (i.account_id = ANY (?))""", REQUIRED_KEY, pack, uuids(connection, failingAccounts));
            }
            waves = row(
                    connection,
                    """
                    SELECT count(*) FILTER (WHERE b < ?), count(*) FILTER (WHERE b >= ? AND b < ?),
                           count(*) FILTER (WHERE b >= ?), count(*) FILTER (WHERE account_id = ANY (?))
                    FROM (SELECT account_id, rollout_bucket(account_id) AS b FROM integration_pack_instances
                          WHERE integration_pack_id = ?) i""",
                    WAVES.get(0),
                    WAVES.get(0),
                    WAVES.get(1),
                    WAVES.get(1),
                    uuids(connection, failingAccounts),
                    pack);
        }
        if (staged) {
            api.pkg(
                    partner,
                    component,
                    "2.0.0",
                    List.of(Map.of(
                            "key", REQUIRED_KEY, "kind", "PROCESS_PROPERTY", "required", true, "secret", false)));
        } else {
            api.pkg(partner, component, "2.0.0");
        }
        Fixture fixture = new Fixture(
                partner,
                pack,
                firstRelease,
                failingAccounts,
                ((Number) waves.get(0)).longValue(),
                ((Number) waves.get(1)).longValue(),
                ((Number) waves.get(2)).longValue(),
                ((Number) waves.get(3)).longValue());
        if (staged) {
            assertTrue(fixture.wave2() > 0 && fixture.wave3() > 0, "every wave has instances: " + fixture);
            assertTrue(
                    fixture.failing() * 100 > MAX_FAILED_PERCENT * fixture.wave1(),
                    "more than the gate's share of wave 1 fails: " + fixture);
        }
        log("%s set up in %d ms: %s", name, millisSince(started), fixture);
        return fixture;
    }
}
