package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.packwright.activities.store.notify.DatabaseNotifications;
import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogFixtures;
import io.packwright.api.support.ReleaseWorkerApiTestBase;
import io.packwright.api.support.Tokens;
import io.packwright.workflows.schedule.ProcessLane;
import io.packwright.workflows.schedule.ProcessScheduleWorkflow;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DefaultDataConverter;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Process schedules and executions over real HTTP and PostgreSQL, with the workflows really
 * running: the schedule's rules and their validation, next runs in the schedule's zone, every 409 of
 * the contract, the tenant matrix, run now and its claim by the environment's runtime (secrets in the
 * claim only, heartbeats, one result), the claim's long-poll, cancellation, and the lifecycle (detach
 * cancels queued runs and removes schedules; a release that drops the process disables them).
 */
class ProcessSchedulesApiTest extends ReleaseWorkerApiTestBase {

    private static final String SECRET = "process-secret-" + UUID.randomUUID();

    /** A partner, its managed account with two environments, a MULTI pack released once, one instance. */
    private final class World {
        final UUID partner = createPartner("Schedule partner " + UUID.randomUUID(), true, true);
        final UUID customer = createManaged(partner, "Schedule customer");
        final UUID process = fixtures.component(partner, "Ship orders", "PROCESS");
        final UUID connection = fixtures.component(partner, "ERP connection", "CONNECTION");
        final UUID pack = fixtures.pack(partner, "Schedule pack " + UUID.randomUUID(), "MULTI");
        final String environment;
        final String otherEnvironment;
        final String instance;

        World() {
            fixtures.pkg(
                    partner,
                    process,
                    "1.0",
                    true,
                    CatalogFixtures.extension("password", "CONNECTION_FIELD", true, true));
            fixtures.pkg(partner, connection, "1.0", true);
            fixtures.add(partner, pack, process);
            fixtures.add(partner, pack, connection);
            fixtures.group(partner, "Schedule customers", customer, pack);
            awaitStatus(partner, release(), "RELEASED");
            environment = environment("Production");
            otherEnvironment = environment("Test");
            ApiResponse installed = api.post(
                    "/api/v1/integration-pack-instances",
                    Tokens.account(customer),
                    obj(
                            "integrationPackId",
                            pack,
                            "integrationPackOverrideName",
                            "eu",
                            "extensionValues",
                            Map.of("password", SECRET)));
            assertEquals(201, installed.status(), installed::toString);
            instance = installed.string("id");
            ApiResponse attached = api.post(
                    "/api/v1/integration-pack-instances/" + instance + "/environment-attachments",
                    Tokens.account(customer),
                    obj("environmentId", environment));
            assertEquals(201, attached.status(), attached::toString);
        }

        String environment(String name) {
            ApiResponse created = api.post(
                    "/api/v1/environments", Tokens.account(customer), obj("name", name, "classification", "PROD"));
            assertEquals(201, created.status(), created::toString);
            return created.string("id");
        }

        String release() {
            ApiResponse response = api.post(
                    "/api/v1/integration-packs/" + pack + "/releases",
                    Tokens.account(partner),
                    obj("releaseSchedule", "IMMEDIATELY"));
            assertEquals(202, response.status(), response::toString);
            return response.string("id");
        }

        String runtime(String environmentId) {
            ApiResponse created = api.post(
                    "/api/v1/environments/" + environmentId + "/runtimes",
                    Tokens.account(customer),
                    obj("name", "atom-" + UUID.randomUUID()));
            assertEquals(201, created.status(), created::toString);
            return created.string("token");
        }

        String schedule(UUID component, String environmentId) {
            return "/api/v1/integration-pack-instances/" + instance + "/process-schedules/" + component + "/"
                    + environmentId;
        }

        ApiResponse runNow() {
            return api.post(
                    "/api/v1/integration-pack-instances/" + instance + "/executions",
                    Tokens.account(customer),
                    obj("componentId", process, "environmentId", environment));
        }
    }

    private static Map<String, Object> daily(String at, List<String> days) {
        return obj(
                "enabled",
                true,
                "timeZone",
                "Europe/Berlin",
                "rules",
                List.of(obj("kind", "DAILY", "at", at, "daysOfWeek", days)),
                "maxRetries",
                1,
                "retryDelayMinutes",
                5,
                "overlap",
                "SKIP");
    }

    private static Map<String, Object> withRules(Object rules) {
        Map<String, Object> body = daily("02:30", List.of());
        body.put("rules", rules);
        return body;
    }

    private ApiResponse claim(String token, int waitSeconds) {
        ApiResponse claimed =
                api.post("/api/v1/runtime/executions/claim", token, obj("max", 5, "waitSeconds", waitSeconds));
        assertEquals(200, claimed.status(), claimed::toString);
        return claimed;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> executions(ApiResponse claimed) {
        return (List<Map<String, Object>>) claimed.get("executions");
    }

    @Test
    void aScheduleIsValidatedAndShowsItsNextRunsInItsZone() {
        World world = new World();
        String path = world.schedule(world.process, world.environment);
        ApiResponse put = api.put(path, Tokens.account(world.customer), daily("02:30", List.of("MON", "THU")));
        assertEquals(200, put.status(), put::toString);
        assertEquals(world.process.toString(), put.string("componentId"));
        assertEquals("Ship orders", put.string("componentName"));
        assertEquals(world.environment, put.string("environmentId"));
        assertEquals("Europe/Berlin", put.string("timeZone"));
        assertEquals(true, put.get("enabled"));
        assertNull(put.get("disabledReason"));
        assertEquals(
                List.of(Map.of("kind", "DAILY", "at", "02:30", "daysOfWeek", List.of("MON", "THU"))), put.get("rules"));
        @SuppressWarnings("unchecked")
        List<String> nextRuns = (List<String>) put.get("nextRuns");
        assertEquals(5, nextRuns.size(), put::toString);
        Instant previous = Instant.now();
        for (String run : nextRuns) {
            Instant instant = Instant.parse(run);
            assertTrue(instant.isAfter(previous), nextRuns::toString);
            ZonedDateTime local = instant.atZone(ZoneId.of("Europe/Berlin"));
            assertTrue(List.of(DayOfWeek.MONDAY, DayOfWeek.THURSDAY).contains(local.getDayOfWeek()), local::toString);
            assertEquals(2, local.getHour(), local::toString);
            assertEquals(30, local.getMinute(), local::toString);
            previous = instant;
        }

        // a second PUT replaces it, keeping its id; the account's (here: the partner's) zone by default
        Map<String, Object> hourly = withRules(List.of(obj("kind", "HOURLY", "every", 6, "minute", 15)));
        hourly.remove("timeZone");
        ApiResponse replaced = api.put(path, Tokens.account(world.customer), hourly);
        assertEquals(200, replaced.status(), replaced::toString);
        assertEquals(put.string("id"), replaced.string("id"));
        assertEquals("Europe/Berlin", replaced.string("timeZone"));
        List<Map<String, Object>> listed = listAll(
                "/api/v1/integration-pack-instances/" + world.instance + "/process-schedules",
                Tokens.account(world.customer),
                10);
        assertEquals(1, listed.size());
        assertEquals(
                List.of(Map.of("kind", "HOURLY", "every", 6, "minute", 15)),
                listed.get(0).get("rules"));

        // every invalid rule names its field; nothing changes
        assertFieldError(
                assertProblem(
                        400, api.put(path, Tokens.account(world.customer), withRules(List.of(obj("kind", "WEEKLY"))))),
                "rules[0].kind");
        assertFieldError(
                assertProblem(
                        400,
                        api.put(
                                path,
                                Tokens.account(world.customer),
                                withRules(List.of(obj("kind", "EVERY_MINUTES", "every", 0))))),
                "rules[0].every");
        assertFieldError(
                assertProblem(
                        400,
                        api.put(
                                path,
                                Tokens.account(world.customer),
                                withRules(List.of(
                                        obj("kind", "DAILY", "at", "02:30"),
                                        obj("kind", "CRON", "expression", "0 0 * * * *"))))),
                "rules[1].expression");
        assertFieldError(
                assertProblem(
                        400,
                        api.put(
                                path,
                                Tokens.account(world.customer),
                                withRules(List.of(obj("kind", "DAILY", "at", "25:00", "every", 3))))),
                "rules[0].every");
        assertFieldError(
                assertProblem(
                        400,
                        api.put(
                                path,
                                Tokens.account(world.customer),
                                withRules(List.of(obj("kind", "MONTHLY", "dayOfMonth", 32, "at", "10:00"))))),
                "rules[0].dayOfMonth");
        assertProblem(400, api.put(path, Tokens.account(world.customer), withRules(List.of())));
        Map<String, Object> badZone = daily("02:30", List.of());
        badZone.put("timeZone", "Mars/Olympus");
        assertProblem(400, api.put(path, Tokens.account(world.customer), badZone));
        Map<String, Object> tooManyRetries = daily("02:30", List.of());
        tooManyRetries.put("maxRetries", 6);
        assertProblem(400, api.put(path, Tokens.account(world.customer), tooManyRetries));
        Map<String, Object> badOverlap = daily("02:30", List.of());
        badOverlap.put("overlap", "QUEUE_ALL");
        assertProblem(400, api.put(path, Tokens.account(world.customer), badOverlap));
        assertEquals(
                "HOURLY",
                ((Map<?, ?>) ((List<?>) api.get(path, Tokens.account(world.customer))
                                        .get("rules"))
                                .get(0))
                        .get("kind"));

        // not a process of the installed release, or an environment that is not attached: 409
        assertProblem(
                409,
                api.put(
                        world.schedule(world.connection, world.environment),
                        Tokens.account(world.customer),
                        daily("02:30", List.of())));
        assertProblem(
                409,
                api.put(
                        world.schedule(world.process, world.otherEnvironment),
                        Tokens.account(world.customer),
                        daily("02:30", List.of())));

        assertEquals(204, api.delete(path, Tokens.account(world.customer)).status());
        assertProblem(404, api.get(path, Tokens.account(world.customer)));
        assertProblem(404, api.delete(path, Tokens.account(world.customer)));
    }

    /**
     * A schedule written just before a fire instant, whose workflow starts just after it, must still
     * fire there: the workflow that the PUT starts plans from the schedule's write, not from its own
     * start.
     */
    @Test
    void theWorkflowThatAPutStartsPlansFromTheSchedulesWrite() {
        World world = new World();
        String path = world.schedule(world.process, world.environment);
        ApiResponse put = api.put(path, Tokens.account(world.customer), daily("02:30", List.of("MON")));
        assertEquals(200, put.status(), put::toString);
        String workflowId = ProcessScheduleWorkflow.workflowId(
                UUID.fromString(world.instance), world.process, UUID.fromString(world.environment));
        HistoryEvent started = context.getBean(WorkflowClient.class)
                .fetchHistory(workflowId)
                .getHistory()
                .getEvents(0);
        assertEquals(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, started.getEventType());
        ProcessLane lane = DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
                0,
                Optional.of(started.getWorkflowExecutionStartedEventAttributes().getInput()),
                ProcessLane.class,
                ProcessLane.class);
        assertEquals(Instant.parse(put.string("updatedAt")), lane.cursor(), lane::toString);
    }

    @Test
    void nobodyElseSeesOrChangesTheSchedulesAndExecutions() {
        World world = new World();
        String path = world.schedule(world.process, world.environment);
        assertEquals(
                200,
                api.put(path, Tokens.account(world.customer), daily("09:00", List.of()))
                        .status());
        String execution = world.runNow().string("id");
        UUID sibling = createManaged(world.partner, "Schedule sibling");
        UUID otherPartner = createPartner("Schedule other partner " + UUID.randomUUID(), true, true);

        for (String caller : List.of(Tokens.account(sibling), Tokens.account(createManaged(otherPartner, "x")))) {
            assertProblem(404, api.get(path, caller));
            assertProblem(404, api.put(path, caller, daily("10:00", List.of())));
            assertProblem(404, api.delete(path, caller));
            assertProblem(404, api.get("/api/v1/executions/" + execution, caller));
            assertProblem(404, api.post("/api/v1/executions/" + execution + "/cancel", caller, obj()));
            assertProblem(
                    404,
                    api.post(
                            "/api/v1/integration-pack-instances/" + world.instance + "/executions",
                            caller,
                            obj("componentId", world.process, "environmentId", world.environment)));
            assertEquals(List.of(), listAll("/api/v1/executions", caller, 10));
        }
        assertProblem(404, api.get(path + "?accountId=" + world.customer, Tokens.account(otherPartner)));
        assertProblem(403, api.get(path, Tokens.admin()));
        assertProblem(403, api.get("/api/v1/executions", Tokens.admin()));
        assertProblem(400, api.get(path, Tokens.account(world.partner)));
        // the partner acts for its managed account
        assertEquals(
                200,
                api.get(path + "?accountId=" + world.customer, Tokens.account(world.partner))
                        .status());
        assertEquals(
                execution,
                listAll("/api/v1/executions?accountId=" + world.customer, Tokens.account(world.partner), 10)
                        .get(0)
                        .get("id"));
        // runtimes speak only the runtime protocol; people only the rest
        String token = world.runtime(world.environment);
        assertProblem(403, api.get("/api/v1/executions", token));
        assertProblem(403, api.post("/api/v1/runtime/executions/claim", Tokens.account(world.customer), obj()));
        // a runtime of another environment claims nothing of this one and cannot touch it
        String other = world.runtime(world.otherEnvironment);
        assertEquals(List.of(), executions(claim(other, 0)));
        assertProblem(404, api.post("/api/v1/runtime/executions/" + execution + "/heartbeat", other, obj()));
        assertProblem(
                404,
                api.post(
                        "/api/v1/runtime/executions/" + execution + "/result",
                        other,
                        obj(
                                "status",
                                "SUCCEEDED",
                                "startedAt",
                                Instant.now().toString(),
                                "finishedAt",
                                Instant.now().toString())));
    }

    @Test
    void aRunAskedForNowIsClaimedRunAndReportedOnce() {
        World world = new World();
        String token = world.runtime(world.environment);
        ApiResponse queued = world.runNow();
        assertEquals(202, queued.status(), queued::toString);
        assertEquals("QUEUED", queued.string("status"));
        assertEquals("MANUAL", queued.string("trigger"));
        assertEquals(1, ((Number) queued.get("attempt")).intValue());
        assertEquals("Ship orders", queued.string("componentName"));
        assertNull(queued.get("releaseNumber"), "the release is recorded when it is claimed");
        String id = queued.string("id");

        List<Map<String, Object>> claimed = executions(claim(token, 0));
        assertEquals(1, claimed.size(), claimed::toString);
        Map<String, Object> execution = claimed.get(0);
        assertEquals(id, execution.get("id"));
        assertEquals("CLAIMED", execution.get("status"));
        assertEquals(1, ((Number) execution.get("releaseNumber")).intValue());
        assertEquals("1.0", execution.get("packageVersion"));
        assertNotNull(execution.get("leaseExpiresAt"));
        assertEquals(Map.of("password", SECRET), execution.get("extensionValues"));
        assertEquals(List.of(), executions(claim(token, 0)), "a claimed execution is claimed once");

        ApiResponse shown = api.get("/api/v1/executions/" + id, Tokens.account(world.customer));
        assertEquals("CLAIMED", shown.string("status"));
        assertFalse(shown.raw().contains(SECRET), "accounts never see the secret: " + shown);

        assertEquals(
                204,
                api.post("/api/v1/runtime/executions/" + id + "/heartbeat", token, obj())
                        .status());
        Instant started = Instant.now().minusSeconds(5);
        Instant finished = Instant.now();
        Map<String, Object> result = obj(
                "status",
                "SUCCEEDED",
                "startedAt",
                started.toString(),
                "finishedAt",
                finished.toString(),
                "message",
                "42 orders shipped");
        assertFieldError(
                assertProblem(
                        400,
                        api.post(
                                "/api/v1/runtime/executions/" + id + "/result",
                                token,
                                obj(
                                        "status",
                                        "SUCCEEDED",
                                        "startedAt",
                                        finished.toString(),
                                        "finishedAt",
                                        started.toString()))),
                "finishedAt");
        assertEquals(
                204,
                api.post("/api/v1/runtime/executions/" + id + "/result", token, result)
                        .status());
        assertEquals(
                204,
                api.post("/api/v1/runtime/executions/" + id + "/result", token, result)
                        .status());
        Map<String, Object> different =
                obj("status", "FAILED", "startedAt", started.toString(), "finishedAt", finished.toString());
        assertProblem(409, api.post("/api/v1/runtime/executions/" + id + "/result", token, different));
        assertProblem(409, api.post("/api/v1/runtime/executions/" + id + "/heartbeat", token, obj()));

        ApiResponse done = api.get("/api/v1/executions/" + id, Tokens.account(world.customer));
        assertEquals("SUCCEEDED", done.string("status"));
        assertEquals("42 orders shipped", done.string("message"));
        assertNotNull(done.get("claimedAt"));
        assertNotNull(done.get("finishedAt"));
        assertEquals(
                List.of(id),
                listAll(
                                "/api/v1/executions?status=SUCCEEDED&environmentId=" + world.environment,
                                Tokens.account(world.customer),
                                10)
                        .stream()
                        .map(item -> item.get("id"))
                        .toList());
        assertEquals(List.of(), listAll("/api/v1/executions?status=FAILED", Tokens.account(world.customer), 10));
        assertProblem(400, api.get("/api/v1/executions?status=BROKEN", Tokens.account(world.customer)));
        assertProblem(409, api.post("/api/v1/executions/" + id + "/cancel", Tokens.account(world.customer), obj()));
        assertProblem(
                409,
                api.post(
                        "/api/v1/integration-pack-instances/" + world.instance + "/executions",
                        Tokens.account(world.customer),
                        obj("componentId", world.connection, "environmentId", world.environment)));
        assertProblem(
                409,
                api.post(
                        "/api/v1/integration-pack-instances/" + world.instance + "/executions",
                        Tokens.account(world.customer),
                        obj("componentId", world.process, "environmentId", world.otherEnvironment)));
    }

    @Test
    void aWaitingClaimWakesWhenARunIsQueuedAndACancelledRunIsNeverClaimed() {
        World world = new World();
        String token = world.runtime(world.environment);
        DatabaseNotifications notifications = context.getBean(DatabaseNotifications.class);
        int before = notifications.waiting();
        CompletableFuture<ApiResponse> waiting = CompletableFuture.supplyAsync(
                () -> api.post("/api/v1/runtime/executions/claim", token, obj("max", 1, "waitSeconds", 50)));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (notifications.waiting() <= before && !waiting.isDone()) {
            if (System.nanoTime() > deadline) {
                fail("the claim did not start waiting");
            }
            Thread.onSpinWait();
        }
        String id = world.runNow().string("id");
        ApiResponse woken = waiting.orTimeout(20, TimeUnit.SECONDS).join();
        assertEquals(200, woken.status(), woken::toString);
        assertEquals(id, executions(woken).get(0).get("id"));

        String cancelled = world.runNow().string("id");
        ApiResponse cancel =
                api.post("/api/v1/executions/" + cancelled + "/cancel", Tokens.account(world.customer), obj());
        assertEquals(200, cancel.status(), cancel::toString);
        assertEquals("CANCELLED", cancel.string("status"));
        assertEquals(List.of(), executions(claim(token, 0)));
        assertProblem(
                409, api.post("/api/v1/executions/" + cancelled + "/cancel", Tokens.account(world.customer), obj()));
    }

    @Test
    void detachingRemovesTheSchedulesAndCancelsQueuedRuns() {
        World world = new World();
        String path = world.schedule(world.process, world.environment);
        assertEquals(
                200,
                api.put(path, Tokens.account(world.customer), daily("09:00", List.of()))
                        .status());
        String queued = world.runNow().string("id");
        assertEquals(
                204,
                api.delete(
                                "/api/v1/integration-pack-instances/" + world.instance + "/environment-attachments/"
                                        + world.environment,
                                Tokens.account(world.customer))
                        .status());
        assertProblem(404, api.get(path, Tokens.account(world.customer)));
        ApiResponse cancelled = api.get("/api/v1/executions/" + queued, Tokens.account(world.customer));
        assertEquals("CANCELLED", cancelled.string("status"), cancelled::toString);
        assertTrue(cancelled.string("message").contains("no longer attached"), cancelled::toString);
    }

    @Test
    void uninstallingRemovesTheSchedulesAndCancelsQueuedRuns() {
        World world = new World();
        String path = world.schedule(world.process, world.environment);
        assertEquals(
                200,
                api.put(path, Tokens.account(world.customer), daily("09:00", List.of()))
                        .status());
        String queued = world.runNow().string("id");
        assertEquals(
                204,
                api.delete("/api/v1/integration-pack-instances/" + world.instance, Tokens.account(world.customer))
                        .status());
        assertEquals(
                0,
                count("SELECT count(*) FROM process_schedules WHERE integration_pack_instance_id = '" + world.instance
                        + "'"));
        ApiResponse cancelled = api.get("/api/v1/executions/" + queued, Tokens.account(world.customer));
        assertEquals("CANCELLED", cancelled.string("status"), cancelled::toString);
    }

    @Test
    void deletingThePackRemovesItsSchedulesAndExecutions() throws InterruptedException {
        World world = new World();
        assertEquals(
                200,
                api.put(
                                world.schedule(world.process, world.environment),
                                Tokens.account(world.customer),
                                daily("09:00", List.of()))
                        .status());
        String queued = world.runNow().string("id");
        String executions = "SELECT count(*) FROM process_executions WHERE integration_pack_id = '" + world.pack + "'";
        String schedules =
                "SELECT count(*) FROM process_schedules WHERE integration_pack_instance_id = '" + world.instance + "'";
        assertEquals(1, count(executions));
        assertEquals(1, count(schedules));

        assertEquals(
                204,
                api.delete("/api/v1/integration-packs/" + world.pack, Tokens.account(world.partner))
                        .status());
        assertProblem(404, api.get("/api/v1/executions/" + queued, Tokens.account(world.customer)));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while ((count(executions) > 0 || count(schedules) > 0) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, count(executions), "the pack's clean-up removes its executions");
        assertEquals(0, count(schedules), "and its schedules");
    }

    @Test
    void aReleaseThatDropsTheProcessDisablesItsSchedulesForGood() {
        World world = new World();
        String path = world.schedule(world.process, world.environment);
        assertEquals(
                200,
                api.put(path, Tokens.account(world.customer), daily("09:00", List.of()))
                        .status());

        assertEquals(
                204,
                api.delete(
                                "/api/v1/integration-packs/" + world.pack + "/components/" + world.process,
                                Tokens.account(world.partner))
                        .status());
        awaitStatus(world.partner, world.release(), "RELEASED");
        ApiResponse disabled = api.get(path, Tokens.account(world.customer));
        assertEquals(false, disabled.get("enabled"), disabled::toString);
        assertTrue(disabled.string("disabledReason").contains("release 2"), disabled::toString);
        assertEquals(List.of(), disabled.get("nextRuns"));

        // the process comes back in release 3: the schedule stays disabled until the account enables it
        fixtures.add(world.partner, world.pack, world.process);
        awaitStatus(world.partner, world.release(), "RELEASED");
        ApiResponse still = api.get(path, Tokens.account(world.customer));
        assertEquals(false, still.get("enabled"), still::toString);
        ApiResponse enabled = api.put(path, Tokens.account(world.customer), daily("09:00", List.of()));
        assertEquals(200, enabled.status(), enabled::toString);
        assertEquals(true, enabled.get("enabled"));
        assertNull(enabled.get("disabledReason"));
        assertEquals(5, ((List<?>) enabled.get("nextRuns")).size());
    }
}
