package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.packwright.activities.secrets.SecretSweep;
import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogFixtures;
import io.packwright.api.support.ReleaseWorkerApiTestBase;
import io.packwright.api.support.Tokens;
import io.temporal.client.WorkflowClient;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Releases running through their real workflow and activities, driven over HTTP: immediate fan-out
 * with a failing instance, manual applies during the testing period (200, harmless twice, 409, 422,
 * on behalf of a managed account, tenancy), supersede after a manual apply, uninstall during a
 * release, and deleting a pack with a pending release.
 */
class ReleaseExecutionApiTest extends ReleaseWorkerApiTestBase {

    private UUID partner;
    private UUID customer;
    private UUID otherCustomer;
    private UUID component;
    private UUID pack;

    private void packReleasedOnce(String installationType) {
        partner = createPartner("Partner " + UUID.randomUUID(), true, installationType.equals("MULTI"));
        customer = createManaged(partner, "Customer");
        otherCustomer = createManaged(partner, "Other customer");
        pack = fixtures.pack(partner, "Pack", installationType);
        component = fixtures.component(partner, "Orders", "PROCESS");
        fixtures.pkg(partner, component, "1.0", true);
        fixtures.add(partner, pack, component);
        fixtures.group(partner, "Customers", customer, pack);
        fixtures.exec(
                "INSERT INTO account_group_members (account_group_id, account_id, added_at)"
                        + " SELECT account_group_id, ?, now() FROM account_group_packs WHERE integration_pack_id = ?",
                otherCustomer,
                pack);
        String first = release(obj("releaseSchedule", "IMMEDIATELY")).string("id");
        awaitStatus(partner, first, "RELEASED");
    }

    private ApiResponse release(Map<String, Object> body) {
        ApiResponse response =
                api.post("/api/v1/integration-packs/" + pack + "/releases", Tokens.account(partner), body);
        assertEquals(202, response.status(), response::toString);
        return response;
    }

    private Map<String, Object> scheduled() {
        return obj(
                "releaseSchedule",
                "RELEASE_ON_SPECIFIED_DATE",
                "releaseOnDate",
                LocalDate.now(ZoneId.of("Europe/Berlin")).plusDays(5).toString());
    }

    private String install(UUID account) {
        ApiResponse installed =
                api.post("/api/v1/integration-pack-instances", Tokens.account(account), obj("integrationPackId", pack));
        assertEquals(201, installed.status(), installed::toString);
        return installed.string("id");
    }

    /** Applies the pending update; without a body when {@code body} is null. */
    private ApiResponse applyPending(UUID caller, String instance, Object body) {
        String path = "/api/v1/integration-pack-instances/" + instance + "/apply-pending-update";
        return body == null
                ? api.raw("POST", path, Tokens.account(caller), null, "")
                : api.post(path, Tokens.account(caller), body);
    }

    private ApiResponse instance(UUID account, String id) {
        ApiResponse instance = api.get("/api/v1/integration-pack-instances/" + id, Tokens.account(account));
        assertEquals(200, instance.status(), instance::toString);
        return instance;
    }

    private static int number(ApiResponse response, String field) {
        return ((Number) response.get(field)).intValue();
    }

    private static long progress(ApiResponse release, String counter) {
        return ((Number) ((Map<?, ?>) release.get("progress")).get(counter)).longValue();
    }

    /**
     * Rollback as a new release: {@code contentOf} copies an earlier release's packages into the
     * next release number, which the fan-out applies like any release, so instances move forward
     * to it; a rollback to the newest content, to a release the pack does not have, or to a bad
     * number changes nothing.
     */
    @Test
    void aRollbackIsANewReleaseWithAnEarlierReleasesPackagesAppliedToEveryInstance() {
        packReleasedOnce("SINGLE");
        String instance = install(customer);
        ApiResponse first = api.get("/api/v1/integration-packs/" + pack + "/releases?limit=1", Tokens.account(partner));
        @SuppressWarnings("unchecked")
        Map<String, Object> firstRelease = ((List<Map<String, Object>>) first.get("items")).get(0);
        assertNull(firstRelease.get("contentOf"));
        // release 2: a new package of the process and a second component
        fixtures.pkg(partner, component, "2.0", true);
        UUID added = fixtures.component(partner, "Billing", "PROCESS");
        fixtures.pkg(partner, added, "1.0", true);
        fixtures.add(partner, pack, added);
        awaitStatus(partner, release(obj("releaseSchedule", "IMMEDIATELY")).string("id"), "RELEASED");
        assertEquals(2, number(instance(customer, instance), "installedReleaseNumber"));

        ApiResponse rollback = release(obj("releaseSchedule", "IMMEDIATELY", "contentOf", 1));
        assertEquals(3, number(rollback, "releaseNumber"));
        assertEquals(1, number(rollback, "contentOf"));
        assertEquals(firstRelease.get("components"), rollback.get("components"), "exactly release 1's packages");
        ApiResponse rolledBack = awaitStatus(partner, rollback.string("id"), "RELEASED");
        assertEquals(1, progress(rolledBack, "applied"));
        assertEquals(0, progress(rolledBack, "failed"));
        ApiResponse moved = instance(customer, instance);
        assertEquals(3, number(moved, "installedReleaseNumber"), "instances only move to higher numbers");
        ApiResponse packNow = api.get("/api/v1/integration-packs/" + pack, Tokens.account(partner));
        assertEquals(3, ((Number) ((Map<?, ?>) packNow.get("currentRelease")).get("releaseNumber")).intValue());
        assertEquals(true, packNow.get("hasUnreleasedChanges"), "the members' newest packages are not released");

        long releases = count("SELECT count(*) FROM releases WHERE integration_pack_id = '" + pack + "'");
        String path = "/api/v1/integration-packs/" + pack + "/releases";
        for (int same : List.of(1, 3)) {
            ApiResponse refused = assertProblem(
                    409,
                    api.post(path, Tokens.account(partner), obj("releaseSchedule", "IMMEDIATELY", "contentOf", same)));
            assertTrue(refused.string("detail").contains("same packages as its newest release (3)"), refused::toString);
        }
        ApiResponse missing = assertProblem(
                400, api.post(path, Tokens.account(partner), obj("releaseSchedule", "IMMEDIATELY", "contentOf", 9)));
        assertTrue(missing.toString().contains("contentOf"), missing::toString);
        assertTrue(missing.toString().contains("has no release 9"), missing::toString);
        assertProblem(
                400, api.post(path, Tokens.account(partner), obj("releaseSchedule", "IMMEDIATELY", "contentOf", 0)));
        assertEquals(releases, count("SELECT count(*) FROM releases WHERE integration_pack_id = '" + pack + "'"));
        // another partner cannot roll back this pack
        UUID stranger = createPartner("Stranger " + UUID.randomUUID(), true, false);
        assertProblem(
                404, api.post(path, Tokens.account(stranger), obj("releaseSchedule", "IMMEDIATELY", "contentOf", 2)));

        // back to release 2's content, as release 4
        ApiResponse forward = release(obj("releaseSchedule", "IMMEDIATELY", "contentOf", 2));
        assertEquals(4, number(forward, "releaseNumber"));
        assertEquals(2, ((List<?>) forward.get("components")).size());
        awaitStatus(partner, forward.string("id"), "RELEASED");
        assertEquals(4, number(instance(customer, instance), "installedReleaseNumber"));
    }

    @Test
    void anImmediateReleaseReachesEveryInstanceExceptOneThatCannotTakeIt() {
        packReleasedOnce("SINGLE");
        String lacking = install(customer);
        UUID firstRelease = UUID.fromString(
                fixtures.column("SELECT current_release_id::text FROM integration_packs WHERE id = '" + pack + "'")
                        .get(0));
        fixtures.instances(otherCustomer, pack, firstRelease, 40);
        fixtures.exec(
                "INSERT INTO instance_extension_values (integration_pack_instance_id, key, value)"
                        + " SELECT id, 'region', 'eu' FROM integration_pack_instances WHERE account_id = ?",
                otherCustomer);
        fixtures.pkg(
                partner, component, "2.0", true, CatalogFixtures.extension("region", "PROCESS_PROPERTY", true, false));

        String second = release(obj("releaseSchedule", "IMMEDIATELY")).string("id");
        ApiResponse done = awaitStatus(partner, second, "RELEASED");

        assertEquals(41, progress(done, "instances"));
        assertEquals(40, progress(done, "applied"));
        assertEquals(40, progress(done, "appliedAutomatically"));
        assertEquals(0, progress(done, "appliedManually"));
        assertEquals(1, progress(done, "failed"));
        assertEquals(0, progress(done, "remaining"));
        assertTrue(done.get("completedAt") != null, done::toString);
        assertEquals(
                40,
                count(
                        "SELECT count(*) FROM integration_pack_instances i JOIN releases r ON r.id = i.installed_release_id"
                                + " WHERE i.integration_pack_id = '" + pack + "' AND r.release_number = 2"));

        List<Map<String, Object>> failed =
                listAll("/api/v1/releases/" + second + "/instances?status=FAILED", Tokens.account(partner), 10);
        assertEquals(1, failed.size());
        assertEquals(lacking, failed.get(0).get("integrationPackInstanceId"));
        assertEquals(customer.toString(), failed.get(0).get("accountId"));
        assertNull(failed.get(0).get("mode"));
        assertTrue(((String) failed.get(0).get("failureReason")).contains("region"), failed::toString);
        List<Map<String, Object>> applied =
                listAll("/api/v1/releases/" + second + "/instances?status=APPLIED", Tokens.account(partner), 15);
        assertEquals(40, applied.size());
        assertTrue(applied.stream().allMatch(e -> "IMMEDIATE".equals(e.get("mode")) && e.get("appliedAt") != null));
        assertEquals(
                41,
                listAll("/api/v1/releases/" + second + "/instances", Tokens.account(partner), 50)
                        .size());

        ApiResponse packNow = api.get("/api/v1/integration-packs/" + pack, Tokens.account(partner));
        Map<?, ?> current = (Map<?, ?>) packNow.get("currentRelease");
        assertEquals(2, ((Number) current.get("releaseNumber")).intValue());
        assertEquals(done.string("startedAt"), current.get("releasedAt"), "released when it became current");

        ApiResponse stayed = instance(customer, lacking);
        assertEquals(1, number(stayed, "installedReleaseNumber"));
        assertNull(stayed.get("pendingUpdate"));
    }

    @Test
    void secretsNeverReachResponsesLogsErrorsOrWorkflowHistoriesAndAKeyMadeSecretIsEncryptedAtRest() {
        String secret = "always-secret-value-that-must-never-leak-31";
        String becomesSecret = "plain-until-release-2-value-that-then-must-never-leak-53";
        String secretDefault = "secret-default-that-must-never-leak-67";
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        List<ApiResponse> responses = new ArrayList<>();
        try {
            packReleasedOnce("SINGLE");
            Map<String, Object> apiKey = CatalogFixtures.extension("apiKey", "CONNECTION_FIELD", true, true);
            apiKey.put("defaultValue", secretDefault);
            responses.add(api.post(
                    "/api/v1/components/" + component + "/packages",
                    Tokens.account(partner),
                    obj(
                            "packageVersion",
                            "2.0",
                            "shareable",
                            true,
                            "extensions",
                            List.of(
                                    CatalogFixtures.extension("password", "CONNECTION_FIELD", true, true),
                                    CatalogFixtures.extension("token", "CONNECTION_FIELD", false, false),
                                    apiKey))));
            String second = release(obj("releaseSchedule", "IMMEDIATELY")).string("id");
            awaitStatus(partner, second, "RELEASED");
            ApiResponse installed = api.post(
                    "/api/v1/integration-pack-instances",
                    Tokens.account(customer),
                    obj("integrationPackId", pack, "extensionValues", obj("password", secret, "token", becomesSecret)));
            assertEquals(201, installed.status(), installed::toString);
            String id = installed.string("id");
            responses.add(api.put(
                    "/api/v1/integration-pack-instances/" + id + "/extensions",
                    Tokens.account(customer),
                    obj("values", obj("token", becomesSecret))));

            // release 3 makes the token secret; the customer applies it during its testing period
            fixtures.pkg(
                    partner,
                    component,
                    "3.0",
                    true,
                    CatalogFixtures.extension("password", "CONNECTION_FIELD", true, true),
                    CatalogFixtures.extension("token", "CONNECTION_FIELD", false, true),
                    apiKey);
            ApiResponse third = release(scheduled());
            responses.add(third);
            assertEquals(1, count("SELECT count(*) FROM secret_key_sweeps WHERE keys = '{token}'"));
            ApiResponse masked = instance(customer, id);
            responses.add(masked);
            assertEquals(Map.of("password", "******", "token", "******"), masked.get("extensionValues"));
            responses.add(api.put(
                    "/api/v1/integration-pack-instances/" + id + "/extensions",
                    Tokens.account(customer),
                    obj("values", obj("token", "******", "bogus", becomesSecret))));
            ApiResponse applied = applyPending(customer, id, null);
            responses.add(applied);
            assertEquals(200, applied.status(), applied::toString);
            responses.add(api.get("/api/v1/integration-pack-instances", Tokens.account(customer)));
            responses.add(api.get("/api/v1/releases/" + third.string("id") + "/instances", Tokens.account(partner)));
            responses.add(api.get("/api/v1/components/" + component + "/packages", Tokens.account(partner)));

            // the worker's sweep encrypts the value at rest that release 3 made secret
            context.getBean(SecretSweep.class).pass(() -> false);
            assertEquals(
                    0,
                    count("SELECT count(*) FROM instance_extension_values WHERE integration_pack_instance_id = '" + id
                            + "' AND value IS NOT NULL"));
            assertEquals(0, count("SELECT count(*) FROM secret_key_sweeps"));

            WorkflowClient workflows = context.getBean(WorkflowClient.class);
            List<String> workflowIds = fixtures.column("SELECT workflow_id FROM releases WHERE integration_pack_id = '"
                    + pack + "' ORDER BY release_number");
            assertEquals(3, workflowIds.size());
            for (String workflowId : workflowIds) {
                byte[] history = workflows.fetchHistory(workflowId).getHistory().toByteArray();
                assertTrue(history.length > 0);
                String raw = new String(history, StandardCharsets.ISO_8859_1);
                for (String value : List.of(secret, becomesSecret, secretDefault)) {
                    assertFalse(raw.contains(value), () -> "in the history of " + workflowId);
                }
            }
        } finally {
            root.detachAppender(logs);
        }
        for (ApiResponse response : responses) {
            for (String value : List.of(secret, becomesSecret, secretDefault)) {
                assertFalse(response.raw().contains(value), response::toString);
                assertFalse(response.headers().toString().contains(value), response::toString);
            }
        }
        for (ILoggingEvent event : logs.list) {
            for (String value : List.of(secret, becomesSecret, secretDefault)) {
                assertFalse(event.getFormattedMessage().contains(value), event::getFormattedMessage);
                assertFalse(
                        event.getThrowableProxy() != null
                                && String.valueOf(event.getThrowableProxy().getMessage())
                                        .contains(value),
                        event::getFormattedMessage);
            }
        }
    }

    @Test
    void aManagedAccountAppliesThePendingReleaseDuringItsTestingPeriod() {
        packReleasedOnce("SINGLE");
        String mine = install(customer);
        String theirs = install(otherCustomer);
        assertProblem(409, applyPending(customer, mine, null));

        fixtures.pkg(partner, component, "2.0", true);
        ApiResponse release = release(scheduled());
        ApiResponse waiting = instance(customer, mine);
        Map<?, ?> pendingUpdate = (Map<?, ?>) waiting.get("pendingUpdate");
        assertEquals(2, ((Number) pendingUpdate.get("releaseNumber")).intValue());
        assertEquals(release.string("windowStart"), pendingUpdate.get("windowStart"));
        assertEquals(release.string("releaseOnDate"), pendingUpdate.get("releaseOnDate"));

        // tenancy: nobody else can apply it
        UUID stranger = createPartner("Stranger", true, false);
        assertProblem(404, applyPending(otherCustomer, mine, null));
        assertProblem(404, applyPending(stranger, mine, obj("accountId", customer)));
        assertProblem(400, applyPending(partner, mine, null));
        assertEquals(0, count("SELECT count(*) FROM release_apply_requests"));

        ApiResponse applied = applyPending(customer, mine, null);
        assertEquals(200, applied.status(), applied::toString);
        assertEquals(2, number(applied, "installedReleaseNumber"));
        assertNull(applied.get("pendingUpdate"));
        ApiResponse again = applyPending(customer, mine, null);
        assertEquals(200, again.status(), "applying twice is harmless: " + again);
        assertEquals(2, number(again, "installedReleaseNumber"));

        ApiResponse onBehalf = applyPending(partner, theirs, obj("accountId", otherCustomer));
        assertEquals(200, onBehalf.status(), onBehalf::toString);
        assertEquals(2, number(onBehalf, "installedReleaseNumber"));

        String id = release.string("id");
        ApiResponse progress = api.get("/api/v1/releases/" + id, Tokens.account(partner));
        assertEquals("SCHEDULED", progress.string("status"));
        assertEquals(2, progress(progress, "appliedManually"));
        assertEquals(0, progress(progress, "remaining"));
        List<Map<String, Object>> ledger =
                listAll("/api/v1/releases/" + id + "/instances", Tokens.account(partner), 50);
        assertEquals(2, ledger.size());
        assertTrue(ledger.stream().allMatch(e -> "APPLIED".equals(e.get("status")) && "MANUAL".equals(e.get("mode"))));
        assertEquals(0, count("SELECT count(*) FROM release_apply_requests"));
        ApiResponse packNow = api.get("/api/v1/integration-packs/" + pack, Tokens.account(partner));
        assertEquals(1, ((Number) ((Map<?, ?>) packNow.get("currentRelease")).get("releaseNumber")).intValue());
    }

    @Test
    void anInstanceMissingARequiredValueCannotApplyUntilItIsSet() {
        packReleasedOnce("SINGLE");
        String mine = install(customer);
        fixtures.pkg(
                partner, component, "2.0", true, CatalogFixtures.extension("region", "PROCESS_PROPERTY", true, false));
        release(scheduled());

        ApiResponse rejected = assertProblem(422, applyPending(customer, mine, null));
        assertTrue(rejected.string("detail").contains("'region'"), rejected::toString);
        assertEquals(0, count("SELECT count(*) FROM release_apply_requests"));
        assertEquals(1, number(instance(customer, mine), "installedReleaseNumber"));

        ApiResponse set = api.put(
                "/api/v1/integration-pack-instances/" + mine + "/extensions",
                Tokens.account(customer),
                obj("values", obj("region", "eu")));
        assertEquals(200, set.status(), set::toString);
        ApiResponse applied = applyPending(customer, mine, null);
        assertEquals(200, applied.status(), applied::toString);
        assertEquals(2, number(applied, "installedReleaseNumber"));
    }

    @Test
    void anImmediateReleaseSupersedesAPendingOneAndReachesManuallyUpdatedInstances() {
        packReleasedOnce("SINGLE");
        String mine = install(customer);
        String theirs = install(otherCustomer);
        fixtures.pkg(partner, component, "2.0", true);
        String pending = release(scheduled()).string("id");
        assertEquals(200, applyPending(customer, mine, null).status());

        fixtures.pkg(partner, component, "3.0", true);
        String immediate = release(obj("releaseSchedule", "IMMEDIATELY")).string("id");

        ApiResponse superseded = awaitStatus(partner, pending, "SUPERSEDED");
        assertEquals(1, progress(superseded, "appliedManually"));
        ApiResponse done = awaitStatus(partner, immediate, "RELEASED");
        assertEquals(2, progress(done, "applied"));
        assertEquals(3, number(instance(customer, mine), "installedReleaseNumber"));
        assertEquals(3, number(instance(otherCustomer, theirs), "installedReleaseNumber"));
        assertProblem(409, applyPending(customer, mine, null));
    }

    @Test
    void uninstallingAnInstanceTakesItOutOfAnOpenReleaseWithoutDisturbingIt() {
        packReleasedOnce("SINGLE");
        String mine = install(customer);
        String theirs = install(otherCustomer);
        fixtures.pkg(partner, component, "2.0", true);
        String id = release(scheduled()).string("id");
        assertEquals(200, applyPending(customer, mine, null).status());

        assertEquals(
                204,
                api.delete("/api/v1/integration-pack-instances/" + mine, Tokens.account(customer))
                        .status());

        ApiResponse release = api.get("/api/v1/releases/" + id, Tokens.account(partner));
        assertEquals("SCHEDULED", release.string("status"));
        assertEquals(0, progress(release, "appliedManually"));
        assertEquals(1, progress(release, "remaining"));
        List<Map<String, Object>> ledger =
                listAll("/api/v1/releases/" + id + "/instances", Tokens.account(partner), 50);
        assertEquals(
                List.of(theirs),
                ledger.stream().map(e -> e.get("integrationPackInstanceId")).toList());
        assertEquals(200, applyPending(otherCustomer, theirs, null).status());
    }

    @Test
    void deletingAPackCancelsItsPendingReleaseWorkflow() throws Exception {
        packReleasedOnce("SINGLE");
        install(customer);
        fixtures.pkg(partner, component, "2.0", true);
        ApiResponse pending = release(scheduled());
        String workflowId = pending.string("workflowId");
        var client = context.getBean(io.temporal.client.WorkflowClient.class);
        long deadline = System.nanoTime() + 10_000_000_000L;
        // in its testing period: it applied the queued requests of its first run and waits for its window
        while (System.nanoTime() < deadline && !waitingForWindow(client, workflowId)) {
            Thread.sleep(100);
        }
        assertTrue(waitingForWindow(client, workflowId), "the pending release's workflow waits for its window");

        assertEquals(
                204,
                api.delete("/api/v1/integration-packs/" + pack, Tokens.account(partner))
                        .status());

        assertProblem(404, api.get("/api/v1/releases/" + pending.string("id"), Tokens.account(partner)));
        deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline && running(client, workflowId)) {
            Thread.sleep(100);
        }
        assertEquals(
                io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED,
                client.newUntypedWorkflowStub(workflowId).describe().getStatus());
        assertEquals(0, count("SELECT count(*) FROM integration_pack_instances"));
    }

    private static boolean waitingForWindow(io.temporal.client.WorkflowClient client, String workflowId) {
        return running(client, workflowId)
                && client.fetchHistory(workflowId).getEvents().stream()
                        .anyMatch(event ->
                                event.getEventType() == io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_STARTED);
    }

    private static boolean running(io.temporal.client.WorkflowClient client, String workflowId) {
        try {
            return client.newUntypedWorkflowStub(workflowId).describe().getStatus()
                    == io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
        } catch (io.temporal.client.WorkflowNotFoundException notYet) {
            return false;
        }
    }
}
