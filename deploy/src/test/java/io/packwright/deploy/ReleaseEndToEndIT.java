package io.packwright.deploy;

import static io.packwright.deploy.EndToEndApi.id;
import static io.packwright.deploy.EndToEndApi.offsetWithMidnightIn;
import static io.packwright.deploy.EndToEndApi.progress;
import static io.packwright.deploy.EndToEndApi.status;
import static io.packwright.deploy.EndToEndApi.timeZone;
import static io.packwright.deploy.EndToEndSql.count;
import static io.packwright.deploy.EndToEndSql.insertInstances;
import static io.packwright.deploy.EndToEndSql.ledgerByOutcome;
import static io.packwright.deploy.EndToEndSql.row;
import static io.packwright.deploy.EndToEndStack.log;
import static io.packwright.deploy.EndToEndStack.millisSince;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.packwright.workflows.release.ReleaseWorkflowResult;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Releases end to end on the real processes ({@link EndToEndStack}): an embedded PostgreSQL,
 * Temporal's test server as a gRPC endpoint in real time, and the api and the worker as their own
 * JVMs from the runnable jars of the stack, all on free ports, driven over HTTP. One scenario kills
 * the worker with SIGKILL and starts a new one under the running api, database and Temporal.
 *
 * <p>One stack serves both scenarios, and they run at the same time (JUnit's parallel execution is
 * enabled in {@code junit-platform.properties}; only methods marked concurrent use it): the midnight
 * scenario spends most of its time waiting for the partner's midnight, which is when the other one
 * kills and replaces the worker, so that scheduled release's durable timer also outlives a worker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReleaseEndToEndIT {

    private static final String SECRET = "release-end-to-end-it-" + UUID.randomUUID();

    private static final int BULK_INSTANCES = 100_000;
    private static final int BULK_ACCOUNTS = 4;
    /** The worker is killed once this many instances have the release: clearly under way (10 %). */
    private static final long KILL_FROM = BULK_INSTANCES / 10;
    /** ... and clearly not almost done (80 %). */
    private static final long KILL_BY = BULK_INSTANCES * 8 / 10;

    private EndToEndStack stack;
    private EndToEndApi api;

    @BeforeAll
    void startStack() throws InterruptedException {
        stack = EndToEndStack.start(
                new EndToEndStack.Options("release-end-to-end-it", false, Map.of(), Map.of()), SECRET);
        api = new EndToEndApi(stack);
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * A partner whose local midnight is a minute or two away schedules a release for its tomorrow:
     * during the (short) testing period the instance shows the pending update; at midnight the
     * release becomes current and is applied automatically, in real time.
     */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void aScheduledReleaseIsAppliedAutomaticallyAtThePartnersMidnight() {
        Instant now = Instant.now();
        ZoneOffset offset = offsetWithMidnightIn(now, Duration.ofSeconds(60));
        LocalDate tomorrow = LocalDate.ofInstant(now, offset).plusDays(1);
        Instant midnight = tomorrow.atStartOfDay(offset).toInstant();
        log(
                "partner time zone %s: local midnight (%s) is at %s, in %d s",
                timeZone(offset),
                tomorrow,
                midnight,
                Duration.between(now, midnight).toSeconds());

        UUID partner = api.partner("Midnight Integrations", timeZone(offset), false);
        UUID customer = api.managed(partner, "Midnight customer");
        UUID component = api.component(partner, "Sync orders");
        api.pkg(partner, component, "1.0.0");
        UUID pack = api.pack(partner, "Midnight pack", "SINGLE");
        api.addMember(partner, pack, component);
        api.group(partner, "Midnight group", pack, List.of(customer));
        JsonNode first = api.release(partner, pack, Map.of("releaseSchedule", "IMMEDIATELY"));
        // patient: the other test may be replacing the worker right now
        api.awaitRelease(partner, first, r -> status(r).equals("RELEASED"), Duration.ofSeconds(120), "RELEASED");

        JsonNode installed = api.call(
                "POST",
                "/api/v1/integration-pack-instances",
                api.token(customer),
                Map.of("integrationPackId", pack.toString()),
                201);
        String instance = installed.path("id").asText();
        assertEquals(1, installed.path("installedReleaseNumber").asInt(), installed::toString);
        assertTrue(installed.path("pendingUpdate").isNull(), installed::toString);

        api.pkg(partner, component, "1.1.0");
        assertTrue(
                Instant.now().isBefore(midnight.minusSeconds(10)),
                "the set-up must end before the partner's midnight (" + midnight + "); it ended at " + Instant.now());
        JsonNode scheduled = api.release(
                partner,
                pack,
                Map.of("releaseSchedule", "RELEASE_ON_SPECIFIED_DATE", "releaseOnDate", tomorrow.toString()));
        Instant requested = Instant.now();
        assertEquals("SCHEDULED", status(scheduled), scheduled::toString);
        assertEquals(2, scheduled.path("releaseNumber").asInt(), scheduled::toString);
        assertEquals(tomorrow.toString(), scheduled.path("releaseOnDate").asText(), scheduled::toString);
        Instant windowStart = Instant.parse(scheduled.path("windowStart").asText());
        Instant windowEnd = Instant.parse(scheduled.path("windowEnd").asText());
        assertEquals(midnight, windowStart, "windowStart is the start of releaseOnDate in the partner's offset");
        assertEquals(midnight.plus(Duration.ofHours(1)), windowEnd, scheduled::toString);
        Duration untilWindow = Duration.between(requested, windowStart);
        assertTrue(
                !untilWindow.isNegative() && untilWindow.compareTo(Duration.ofMinutes(2)) <= 0,
                "the window starts within 2 minutes of the request, not in " + untilWindow);

        JsonNode waiting =
                api.call("GET", "/api/v1/integration-pack-instances/" + instance, api.token(customer), null, 200);
        assertEquals(1, waiting.path("installedReleaseNumber").asInt(), waiting::toString);
        JsonNode pendingUpdate = waiting.path("pendingUpdate");
        assertEquals(2, pendingUpdate.path("releaseNumber").asInt(), waiting::toString);
        assertEquals(tomorrow.toString(), pendingUpdate.path("releaseOnDate").asText(), waiting::toString);
        assertEquals(
                windowStart, Instant.parse(pendingUpdate.path("windowStart").asText()), waiting::toString);
        JsonNode beforeWindow = api.releaseById(partner, scheduled);
        if (Instant.now().isBefore(windowStart)) {
            assertEquals("SCHEDULED", status(beforeWindow), beforeWindow::toString);
            assertEquals(1, progress(beforeWindow, "remaining"), beforeWindow::toString);
            assertEquals(0, progress(beforeWindow, "applied"), beforeWindow::toString);
        }

        Duration patience = Duration.between(Instant.now(), windowStart).plus(Duration.ofMinutes(3));
        JsonNode released = api.awaitRelease(
                partner, scheduled, r -> status(r).equals("RELEASED"), patience, "RELEASED after its window");
        Instant startedAt = Instant.parse(released.path("startedAt").asText());
        Instant completedAt = Instant.parse(released.path("completedAt").asText());
        log(
                "scheduled release opened %d ms after the window start and completed %d ms after it",
                startedAt.toEpochMilli() - windowStart.toEpochMilli(),
                completedAt.toEpochMilli() - windowStart.toEpochMilli());
        assertFalse(startedAt.isBefore(windowStart), "opened at " + startedAt + ", before its window " + windowStart);
        assertEquals(1, progress(released, "instances"), released::toString);
        assertEquals(1, progress(released, "applied"), released::toString);
        assertEquals(1, progress(released, "appliedAutomatically"), released::toString);
        assertEquals(0, progress(released, "appliedManually"), released::toString);
        assertEquals(0, progress(released, "failed"), released::toString);
        assertEquals(0, progress(released, "remaining"), released::toString);

        JsonNode updated =
                api.call("GET", "/api/v1/integration-pack-instances/" + instance, api.token(customer), null, 200);
        assertEquals(2, updated.path("installedReleaseNumber").asInt(), updated::toString);
        assertTrue(updated.path("pendingUpdate").isNull(), updated::toString);

        JsonNode ledger =
                api.call("GET", "/api/v1/releases/" + id(scheduled) + "/instances", api.token(partner), null, 200);
        assertEquals(1, ledger.path("items").size(), ledger::toString);
        JsonNode entry = ledger.path("items").get(0);
        assertEquals(instance, entry.path("integrationPackInstanceId").asText(), ledger::toString);
        assertEquals(customer.toString(), entry.path("accountId").asText(), ledger::toString);
        assertEquals("APPLIED", entry.path("status").asText(), ledger::toString);
        assertEquals("AUTOMATIC", entry.path("mode").asText(), ledger::toString);
        Instant appliedAt = Instant.parse(entry.path("appliedAt").asText());
        assertFalse(appliedAt.isBefore(windowStart), "applied at " + appliedAt + ", before the window " + windowStart);
        assertTrue(appliedAt.isBefore(windowEnd), "applied at " + appliedAt + ", after the window " + windowEnd);

        JsonNode packNow = api.call("GET", "/api/v1/integration-packs/" + pack, api.token(partner), null, 200);
        assertEquals(2, packNow.path("currentRelease").path("releaseNumber").asInt(), packNow::toString);
    }

    /**
     * An immediate release to 100,000 instances whose worker is killed with SIGKILL mid-way, then
     * replaced by a new worker process: the release finishes, and every instance got it exactly once.
     */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void aWorkerKilledMidReleaseLeavesEveryInstanceOnTheReleaseExactlyOnce() throws Exception {
        UUID partner = api.partner("Bulk Integrations", "Europe/Berlin", true);
        List<UUID> customers = new ArrayList<>();
        for (int i = 1; i <= BULK_ACCOUNTS; i++) {
            customers.add(api.managed(partner, "Bulk customer " + i));
        }
        UUID component = api.component(partner, "Bulk sync");
        api.pkg(partner, component, "1.0.0");
        UUID pack = api.pack(partner, "Bulk pack", "MULTI");
        api.addMember(partner, pack, component);
        api.group(partner, "Bulk group", pack, customers);
        JsonNode first = api.release(partner, pack, Map.of("releaseSchedule", "IMMEDIATELY"));
        api.awaitRelease(partner, first, r -> status(r).equals("RELEASED"), Duration.ofSeconds(60), "RELEASED");
        long inserting = System.nanoTime();
        try (Connection connection = stack.connect()) {
            insertInstances(connection, pack, UUID.fromString(id(first)), customers, BULK_INSTANCES);
        }
        log("inserted %d instances in %d ms", BULK_INSTANCES, millisSince(inserting));
        api.pkg(partner, component, "2.0.0");

        long posted = System.nanoTime();
        JsonNode second = api.release(partner, pack, Map.of("releaseSchedule", "IMMEDIATELY"));
        UUID secondId = UUID.fromString(id(second));
        JsonNode atKill = killWorkerMidway(partner, second);
        long appliedAtKill = progress(atKill, "applied");
        log(
                "worker killed %d ms after the release was posted, with %d of %d applied",
                millisSince(posted), appliedAtKill, BULK_INSTANCES);

        Thread.sleep(3_000);
        JsonNode withoutWorker = api.releaseById(partner, second);
        assertEquals("IN_PROGRESS", status(withoutWorker), withoutWorker::toString);
        assertEquals(
                appliedAtKill,
                progress(withoutWorker, "applied"),
                "nothing applies the release while no worker runs: " + withoutWorker);

        long restarting = System.nanoTime();
        ChildProcess worker = stack.startWorker("worker-after-kill.log");
        stack.awaitHealthy(worker);
        log("new worker (pid %d) up in %d ms", worker.pid(), millisSince(restarting));
        JsonNode released = api.awaitRelease(
                partner, second, r -> status(r).equals("RELEASED"), Duration.ofMinutes(4), "RELEASED after the kill");
        log(
                "release RELEASED %d ms after the new worker was started, %d ms after it was posted",
                millisSince(restarting), millisSince(posted));

        assertEquals(BULK_INSTANCES, progress(released, "instances"), released::toString);
        assertEquals(BULK_INSTANCES, progress(released, "applied"), released::toString);
        assertEquals(BULK_INSTANCES, progress(released, "appliedAutomatically"), released::toString);
        assertEquals(0, progress(released, "appliedManually"), released::toString);
        assertEquals(0, progress(released, "failed"), released::toString);
        assertEquals(0, progress(released, "remaining"), released::toString);
        JsonNode failures = api.call(
                "GET", "/api/v1/releases/" + secondId + "/instances?status=FAILED", api.token(partner), null, 200);
        assertEquals(0, failures.path("items").size(), failures::toString);

        try (Connection connection = stack.connect()) {
            assertEquals(
                    BULK_INSTANCES,
                    count(
                            connection,
                            "SELECT count(*) FROM integration_pack_instances WHERE integration_pack_id = ?",
                            pack));
            assertEquals(
                    0,
                    count(
                            connection,
                            "SELECT count(*) FROM integration_pack_instances"
                                    + " WHERE integration_pack_id = ? AND installed_release_id <> ?",
                            pack,
                            secondId),
                    "no instance is left on an older release");
            Map<String, Long> ledgerByOutcome = ledgerByOutcome(connection, secondId);
            assertEquals(
                    Map.of("APPLIED/IMMEDIATE", (long) BULK_INSTANCES),
                    ledgerByOutcome,
                    "one APPLIED ledger row in mode IMMEDIATE per instance, nothing MANUAL, AUTOMATIC or FAILED");
            assertEquals(
                    BULK_INSTANCES,
                    count(connection, """
                            SELECT count(*) FROM release_instances ri
                            JOIN integration_pack_instances i ON i.id = ri.integration_pack_instance_id
                            WHERE ri.release_id = ? AND i.integration_pack_id = ? AND i.installed_release_id = ?
                              AND ri.account_id = i.account_id AND ri.applied_at IS NOT NULL""", secondId, pack, secondId),
                    "every ledger row is an instance of the pack, of its account, now on the release");
            for (UUID customer : customers) {
                assertEquals(
                        BULK_INSTANCES / BULK_ACCOUNTS,
                        count(
                                connection,
                                "SELECT count(*) FROM release_instances WHERE release_id = ? AND account_id = ?",
                                secondId,
                                customer),
                        "ledger rows of account " + customer);
            }
            assertEquals(
                    List.of("RELEASED", 0L, (long) BULK_INSTANCES, 0L),
                    row(
                            connection,
                            "SELECT r.status, c.applied_manually, c.applied_automatically, c.failed"
                                    + " FROM releases r JOIN release_counts c ON c.release_id = r.id WHERE r.id = ?",
                            secondId),
                    "the release's counters equal its ledger");
            assertEquals(
                    0,
                    count(
                            connection,
                            "SELECT count(*) FROM release_instances WHERE release_id = ?",
                            UUID.fromString(id(first))),
                    "the first release's ledger is untouched");
        }

        reportWorkflow(second.path("workflowId").asText());
    }

    /**
     * Polls the release until at least {@link #KILL_FROM} instances have it, then kills the worker
     * with SIGKILL.
     *
     * @return the release as read after the kill (its committed progress)
     */
    private JsonNode killWorkerMidway(UUID partner, JsonNode release) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        JsonNode seen;
        do {
            seen = api.releaseById(partner, release);
            long applied = progress(seen, "applied");
            if (applied >= KILL_FROM) {
                assertTrue(
                        applied <= KILL_BY && status(seen).equals("IN_PROGRESS"),
                        "the fan-out went from under " + KILL_FROM + " to past " + KILL_BY
                                + " applied between two polls, so the worker cannot be killed mid-way: " + seen);
                ChildProcess worker = stack.worker();
                stack.kill(worker);
                log("killed the worker (pid %d) when the api reported %d applied", worker.pid(), applied);
                JsonNode after = api.releaseById(partner, release);
                assertEquals("IN_PROGRESS", status(after), after::toString);
                assertTrue(progress(after, "applied") < BULK_INSTANCES, after::toString);
                return after;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return fail("the release never got to " + KILL_FROM + " applied: " + seen + "\n"
                + stack.worker().logTail(40));
    }

    /** Prints what the release's workflow did: its runs, events and activity attempts. */
    private void reportWorkflow(String workflowId) {
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget(stack.temporalAddress())
                .build());
        try {
            WorkflowClient client = WorkflowClient.newInstance(
                    stubs,
                    WorkflowClientOptions.newBuilder()
                            .setNamespace(EndToEndStack.NAMESPACE)
                            .build());
            assertEquals(
                    WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
                    client.newUntypedWorkflowStub(workflowId).describe().getStatus(),
                    "the release workflow completed");
            int runs = 0;
            long events = 0;
            long activities = 0;
            long retriedAttempts = 0;
            String runId = "";
            while (runId != null) {
                runs++;
                String previous = null;
                ByteString page = ByteString.EMPTY;
                do {
                    GetWorkflowExecutionHistoryResponse response = stubs.blockingStub()
                            .getWorkflowExecutionHistory(GetWorkflowExecutionHistoryRequest.newBuilder()
                                    .setNamespace(EndToEndStack.NAMESPACE)
                                    .setExecution(WorkflowExecution.newBuilder()
                                            .setWorkflowId(workflowId)
                                            .setRunId(runId))
                                    .setNextPageToken(page)
                                    .build());
                    for (HistoryEvent event : response.getHistory().getEventsList()) {
                        events++;
                        if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
                            activities++;
                        } else if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
                                && event.getActivityTaskStartedEventAttributes().getAttempt() > 1) {
                            retriedAttempts++;
                        } else if (event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED) {
                            String continued = event.getWorkflowExecutionStartedEventAttributes()
                                    .getContinuedExecutionRunId();
                            previous = continued.isEmpty() ? null : continued;
                        }
                    }
                    page = response.getNextPageToken();
                } while (!page.isEmpty());
                runId = previous;
            }
            ReleaseWorkflowResult result =
                    client.newUntypedWorkflowStub(workflowId).getResult(ReleaseWorkflowResult.class);
            log("release workflow result (the workflow's own counts, for the operator's view): %s", result);
            log(
                    "release workflow %s: %d run(s), %d history events, %d activities scheduled, %d retried attempt(s)"
                            + " completed after the kill",
                    workflowId, runs, events, activities, retriedAttempts);
        } finally {
            stubs.shutdownNow();
        }
    }
}
