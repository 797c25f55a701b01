package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogFixtures;
import io.packwright.api.support.ReleaseWorkerApiTestBase;
import io.packwright.api.support.Tokens;
import io.packwright.workflows.release.ReleaseRetryResult;
import io.packwright.workflows.release.ReleaseRetryWorkflow;
import io.packwright.workflows.release.ReleaseStatus;
import io.temporal.client.WorkflowClient;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/releases/{id}/retry-failed} running its real workflow, and the catch-up of an
 * instance whose extension values are fixed with {@code PUT .../extensions}: the ledger afterwards
 * (mode {@code RETRY}, attempts counted), the statuses that refuse a retry, and tenancy.
 */
class ReleaseRetryApiTest extends ReleaseWorkerApiTestBase {

    private UUID partner;
    private UUID customer;
    private UUID component;
    private UUID pack;

    /** A pack released once (release 1, no extensions), shared with {@code customer}. */
    private void packReleasedOnce() {
        partner = createPartner("Partner " + UUID.randomUUID(), true, true);
        customer = createManaged(partner, "Customer");
        pack = fixtures.pack(partner, "Pack", "MULTI");
        component = fixtures.component(partner, "Orders", "PROCESS");
        fixtures.pkg(partner, component, "1.0", true);
        fixtures.add(partner, pack, component);
        fixtures.group(partner, "Customers", customer, pack);
        awaitStatus(partner, release(obj("releaseSchedule", "IMMEDIATELY")).string("id"), "RELEASED");
    }

    /** Release 2, requiring {@code region}, released immediately and failed on every instance so far. */
    private String releaseRequiringRegion() {
        fixtures.pkg(
                partner, component, "2.0", true, CatalogFixtures.extension("region", "PROCESS_PROPERTY", true, false));
        String release = release(obj("releaseSchedule", "IMMEDIATELY")).string("id");
        awaitStatus(partner, release, "RELEASED");
        return release;
    }

    private ApiResponse release(Map<String, Object> body) {
        ApiResponse response =
                api.post("/api/v1/integration-packs/" + pack + "/releases", Tokens.account(partner), body);
        assertEquals(202, response.status(), response::toString);
        return response;
    }

    private String install(String name) {
        ApiResponse installed = api.post(
                "/api/v1/integration-pack-instances",
                Tokens.account(customer),
                obj("integrationPackId", pack, "integrationPackOverrideName", name));
        assertEquals(201, installed.status(), installed::toString);
        return installed.string("id");
    }

    private ApiResponse retry(String releaseId, String token) {
        return api.raw("POST", "/api/v1/releases/" + releaseId + "/retry-failed", token, null, "");
    }

    private ApiResponse putValues(String instance, Map<String, Object> values) {
        return api.put(
                "/api/v1/integration-pack-instances/" + instance + "/extensions",
                Tokens.account(customer),
                obj("values", values));
    }

    private long attempts(String releaseId, String instance) {
        return count("SELECT attempts FROM release_instances WHERE release_id = '" + releaseId
                + "' AND integration_pack_instance_id = '" + instance + "'");
    }

    private Map<String, Object> entry(String releaseId, String instance) {
        return listAll("/api/v1/releases/" + releaseId + "/instances", Tokens.account(partner), 100).stream()
                .filter(e -> instance.equals(e.get("integrationPackInstanceId")))
                .findFirst()
                .orElseThrow();
    }

    private int installedNumber(String instance) {
        ApiResponse response = api.get("/api/v1/integration-pack-instances/" + instance, Tokens.account(customer));
        assertEquals(200, response.status(), response::toString);
        return ((Number) response.get("installedReleaseNumber")).intValue();
    }

    /** Waits for the retry workflow of release {@code number} to end and returns its result. */
    private ReleaseRetryResult retryResult(int number) {
        try {
            return context.getBean(WorkflowClient.class)
                    .newUntypedWorkflowStub(ReleaseRetryWorkflow.workflowId(pack, number))
                    .getResult(30, TimeUnit.SECONDS, ReleaseRetryResult.class);
        } catch (TimeoutException e) {
            throw new AssertionError("the retry did not end within 30 s", e);
        }
    }

    @Test
    void retryFailedAppliesTheReleaseToTheInstancesThatCanTakeItNowAndCountsTheAttempts() {
        packReleasedOnce();
        String fixedLater = install("fixed later");
        String stillLacking = install("still lacking");
        String release = releaseRequiringRegion();
        assertEquals("FAILED", entry(release, fixedLater).get("status"));
        assertEquals(1, attempts(release, fixedLater));
        // a value set behind the api's back: no catch-up, only the retry applies it
        fixtures.exec(
                "INSERT INTO instance_extension_values (integration_pack_instance_id, key, value) VALUES (?, 'region', 'eu')",
                UUID.fromString(fixedLater));

        ApiResponse accepted = retry(release, Tokens.account(partner));

        assertEquals(202, accepted.status(), accepted::toString);
        assertEquals(
                "/api/v1/releases/" + release,
                accepted.headers().firstValue("Location").orElse(null));
        assertEquals(release, accepted.string("id"));
        assertEquals("RELEASED", accepted.string("status"));
        assertEquals(new ReleaseRetryResult(ReleaseStatus.RELEASED, 1, 1), retryResult(2));
        Map<String, Object> applied = entry(release, fixedLater);
        assertEquals("APPLIED", applied.get("status"));
        assertEquals("RETRY", applied.get("mode"));
        assertEquals(2, attempts(release, fixedLater));
        assertEquals(2, installedNumber(fixedLater));
        Map<String, Object> failed = entry(release, stillLacking);
        assertEquals("FAILED", failed.get("status"));
        assertTrue(String.valueOf(failed.get("failureReason")).contains("'region'"), failed::toString);
        assertEquals(2, attempts(release, stillLacking), "still failing, and counted");
        assertEquals(1, installedNumber(stillLacking));
        ApiResponse progress = api.get("/api/v1/releases/" + release, Tokens.account(partner));
        assertEquals(1L, ((Number) ((Map<?, ?>) progress.get("progress")).get("applied")).longValue());
        assertEquals(1L, ((Number) ((Map<?, ?>) progress.get("progress")).get("failed")).longValue());

        // a later request after the retry ended starts a new one
        assertEquals(202, retry(release, Tokens.account(partner)).status());
        assertEquals(new ReleaseRetryResult(ReleaseStatus.RELEASED, 0, 1), retryResult(2));
        assertEquals(3, attempts(release, stillLacking));
        assertEquals(2, attempts(release, fixedLater), "an applied instance is not tried again");
    }

    @Test
    void onlyAReleaseThatIsInProgressPausedOrReleasedCanRetry() {
        packReleasedOnce();
        String instance = install("one");
        String failedRelease = releaseRequiringRegion();
        // held by its partner: still retriable
        fixtures.exec("UPDATE releases SET status = 'PAUSED' WHERE id = ?", UUID.fromString(failedRelease));
        assertEquals(202, retry(failedRelease, Tokens.account(partner)).status());
        assertEquals(new ReleaseRetryResult(ReleaseStatus.PAUSED, 0, 1), retryResult(2));
        assertEquals(2, attempts(failedRelease, instance));
        fixtures.exec("UPDATE releases SET status = 'RELEASED' WHERE id = ?", UUID.fromString(failedRelease));

        String date = LocalDate.now(ZoneId.of("Europe/Berlin")).plusDays(5).toString();
        fixtures.pkg(partner, component, "3.0", true);
        String scheduled = release(obj("releaseSchedule", "RELEASE_ON_SPECIFIED_DATE", "releaseOnDate", date))
                .string("id");
        awaitStatus(partner, scheduled, "SCHEDULED");

        ApiResponse refused = assertProblem(409, retry(scheduled, Tokens.account(partner)));
        assertTrue(refused.string("detail").contains("is SCHEDULED"), refused::toString);
        assertTrue(refused.string("detail").contains("IN_PROGRESS, PAUSED or RELEASED"), refused::toString);

        fixtures.pkg(partner, component, "4.0", true);
        awaitStatus(partner, release(obj("releaseSchedule", "IMMEDIATELY")).string("id"), "RELEASED");
        awaitStatus(partner, scheduled, "SUPERSEDED");
        ApiResponse superseded = assertProblem(409, retry(scheduled, Tokens.account(partner)));
        assertTrue(superseded.string("detail").contains("superseded"), superseded::toString);

        for (String status : List.of("CANCELLED", "ABORTED")) {
            fixtures.exec("UPDATE releases SET status = ? WHERE id = ?", status, UUID.fromString(failedRelease));
            ApiResponse stopped = assertProblem(409, retry(failedRelease, Tokens.account(partner)));
            assertTrue(stopped.string("detail").contains("is " + status), stopped::toString);
            assertTrue(stopped.string("detail").contains("\"contentOf\": 2"), stopped::toString);
        }
        assertEquals(2, attempts(failedRelease, instance), "a refused retry changes nothing");
    }

    @Test
    void onlyThePartnerOfTheReleaseMayRetryIt() {
        packReleasedOnce();
        String release = releaseRequiringRegion();
        UUID stranger = createPartner("Stranger " + UUID.randomUUID(), true, false);
        UUID noFeature = createPartner("No feature " + UUID.randomUUID(), false, false);

        assertProblem(404, retry(release, Tokens.account(stranger)));
        assertProblem(404, retry(UUID.randomUUID().toString(), Tokens.account(partner)));
        assertProblem(400, retry("not-a-uuid", Tokens.account(partner)));
        for (String token : List.of(Tokens.account(customer), Tokens.admin(), Tokens.account(noFeature))) {
            assertProblem(403, retry(release, token));
        }
        assertEquals(401, retry(release, null).status());
    }

    @Test
    void anInstanceIsCaughtUpByTheExtensionUpdateThatLetsItTakeTheCurrentRelease() {
        packReleasedOnce();
        String instance = install("behind");
        String release = releaseRequiringRegion();
        assertEquals("FAILED", entry(release, instance).get("status"));

        // without the value it still cannot: nothing changes in the ledger
        ApiResponse unchanged = putValues(instance, Map.of());
        assertEquals(200, unchanged.status(), unchanged::toString);
        assertEquals(1, ((Number) unchanged.get("installedReleaseNumber")).intValue());
        assertEquals("FAILED", entry(release, instance).get("status"));
        assertEquals(1, attempts(release, instance));

        // release 1 does not declare region, the pack's current release 2 does: an instance behind may set it
        ApiResponse caughtUp = putValues(instance, Map.of("region", "eu"));

        assertEquals(200, caughtUp.status(), caughtUp::toString);
        assertEquals(2, ((Number) caughtUp.get("installedReleaseNumber")).intValue(), caughtUp::toString);
        assertEquals(Map.of("region", "eu"), caughtUp.get("extensionValues"));
        Map<String, Object> applied = entry(release, instance);
        assertEquals("APPLIED", applied.get("status"));
        assertEquals("RETRY", applied.get("mode"));
        assertEquals(2, attempts(release, instance));
        assertEquals(2, installedNumber(instance));
    }

    @Test
    void onlyAnInstanceBehindTheCurrentReleaseMaySetItsKeys() {
        packReleasedOnce();
        String onCurrent = install("current");
        ApiResponse unknown = assertProblem(400, putValues(onCurrent, Map.of("region", "eu")));
        assertTrue(unknown.string("detail").contains("'region'"), unknown::toString);

        // an instance installed on release 2 is not behind it; one on release 1 that took it is not either
        releaseRequiringRegion();
        ApiResponse installed = api.post(
                "/api/v1/integration-pack-instances",
                Tokens.account(customer),
                obj(
                        "integrationPackId",
                        pack,
                        "integrationPackOverrideName",
                        "fresh",
                        "extensionValues",
                        Map.of("region", "eu")));
        assertEquals(201, installed.status(), installed::toString);
        String fresh = installed.string("id");
        assertEquals(2, installedNumber(fresh));
        assertProblem(400, putValues(fresh, Map.of("region", "eu", "other", "x")));
        assertEquals(200, putValues(fresh, Map.of("region", "eu")).status());
        assertEquals(200, putValues(onCurrent, Map.of("region", "eu")).status());
        assertEquals(2, installedNumber(onCurrent));
    }
}
