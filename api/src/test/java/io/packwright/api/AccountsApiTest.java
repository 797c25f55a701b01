package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.ApiTestBase;
import io.packwright.api.support.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /api/v1/accounts}: every rule of the contract, from every role's side. */
class AccountsApiTest extends ApiTestBase {

    private UUID partner;
    private UUID otherPartner;
    private UUID managed;
    private UUID otherManaged;

    @BeforeAll
    void tenants() {
        partner = createPartner("Acme", true, true);
        otherPartner = createPartner("Globex", true, false);
        managed = createManaged(partner, "Acme Customer 1");
        otherManaged = createManaged(otherPartner, "Globex Customer 1");
    }

    private long accounts() {
        return count("SELECT count(*) FROM accounts");
    }

    // --- creating partners (platform operators) ---

    @Test
    void adminCreatesPartnerWithEveryField() {
        ApiResponse response = api.post(
                "/api/v1/accounts",
                Tokens.admin(),
                obj(
                        "name", "Initech",
                        "type", "PARTNER",
                        "timeZone", "America/New_York",
                        "features", obj("integrationPackManagement", true, "multiInstallIntegrationPacks", false)));
        assertEquals(201, response.status(), response::toString);
        String id = response.string("id");
        assertEquals(
                "/api/v1/accounts/" + id,
                response.headers().firstValue("location").orElseThrow());
        assertEquals("Initech", response.get("name"));
        assertEquals("PARTNER", response.get("type"));
        assertTrue(response.body().containsKey("parentAccountId"));
        assertNull(response.get("parentAccountId"));
        assertEquals("America/New_York", response.get("timeZone"));
        assertEquals(
                Map.of("integrationPackManagement", true, "multiInstallIntegrationPacks", false),
                response.get("features"));
        assertTrue(response.string("createdAt").endsWith("Z"), response::toString);
        assertEquals(
                Set.of("id", "name", "type", "parentAccountId", "timeZone", "features", "createdAt"),
                response.body().keySet());

        ApiResponse read = api.get("/api/v1/accounts/" + id, Tokens.admin());
        assertEquals(response.body(), read.body());
    }

    @Test
    void featuresDefaultToOff() {
        ApiResponse response = api.post(
                "/api/v1/accounts", Tokens.admin(), obj("name", "Plain", "type", "PARTNER", "timeZone", "+05:30"));
        assertEquals(201, response.status(), response::toString);
        assertEquals(
                Map.of("integrationPackManagement", false, "multiInstallIntegrationPacks", false),
                response.get("features"));
        assertEquals("+05:30", response.get("timeZone"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Europe/Berlin", "UTC", "Asia/Kolkata", "+05:30", "-03:00", "+00:00", "+14:00", "-12:00"})
    void acceptsIanaZonesAndFixedOffsets(String zone) {
        ApiResponse response = api.post(
                "/api/v1/accounts", Tokens.admin(), obj("name", "Zone " + zone, "type", "PARTNER", "timeZone", zone));
        assertEquals(201, response.status(), response::toString);
        assertEquals(zone, response.get("timeZone"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Mars/Olympus", "europe/berlin", "GMT+1", "+5:30", "+05:60", "+19:00", "05:30", "", "CEST"})
    void rejectsOtherTimeZones(String zone) {
        long before = accounts();
        ApiResponse response = assertProblem(
                400,
                api.post(
                        "/api/v1/accounts",
                        Tokens.admin(),
                        obj("name", "Bad zone", "type", "PARTNER", "timeZone", zone)));
        assertFieldError(response, "timeZone");
        assertEquals(before, accounts());
    }

    @Test
    void partnerNeedsATimeZone() {
        assertFieldError(
                assertProblem(
                        400, api.post("/api/v1/accounts", Tokens.admin(), obj("name", "No zone", "type", "PARTNER"))),
                "timeZone");
    }

    @Test
    void multiInstallNeedsPackManagement() {
        long before = accounts();
        ApiResponse response = assertProblem(
                400,
                api.post(
                        "/api/v1/accounts",
                        Tokens.admin(),
                        obj(
                                "name", "Multi only",
                                "type", "PARTNER",
                                "timeZone", "UTC",
                                "features",
                                        obj(
                                                "integrationPackManagement",
                                                false,
                                                "multiInstallIntegrationPacks",
                                                true))));
        assertFieldError(response, "features.multiInstallIntegrationPacks");
        assertEquals(before, accounts());
    }

    @Test
    void nameMustBeOneTo255Characters() {
        for (Object name : new Object[] {null, "", "   ", "x".repeat(256)}) {
            ApiResponse response = assertProblem(
                    400,
                    api.post(
                            "/api/v1/accounts",
                            Tokens.admin(),
                            obj("name", name, "type", "PARTNER", "timeZone", "UTC")));
            assertFieldError(response, "name");
        }
        ApiResponse longest = api.post(
                "/api/v1/accounts", Tokens.admin(), obj("name", "x".repeat(255), "type", "PARTNER", "timeZone", "UTC"));
        assertEquals(201, longest.status(), longest::toString);
    }

    @Test
    void textThatTheDatabaseCannotStoreIs400() {
        long before = accounts();
        ApiResponse response = assertProblem(
                400,
                api.post(
                        "/api/v1/accounts",
                        Tokens.admin(),
                        "{\"name\": \"nul\\u0000byte\", \"type\": \"PARTNER\", \"timeZone\": \"UTC\"}"));
        assertFieldError(response, "name");
        assertEquals(before, accounts());
    }

    @Test
    void typeIsRequiredAndMustBeKnown() {
        assertFieldError(
                assertProblem(
                        400, api.post("/api/v1/accounts", Tokens.admin(), obj("name", "No type", "timeZone", "UTC"))),
                "type");
        ApiResponse unknown = assertProblem(
                400,
                api.post(
                        "/api/v1/accounts",
                        Tokens.admin(),
                        obj("name", "Odd type", "type", "RESELLER", "timeZone", "UTC")));
        assertFieldError(unknown, "type");
        assertTrue(unknown.string("detail").contains("PARTNER, MANAGED"), unknown::toString);
    }

    @Test
    void wrongFieldTypesAre400AndNameTheField() {
        long before = accounts();
        assertFieldError(
                assertProblem(
                        400, api.post("/api/v1/accounts", Tokens.admin(), "{\"name\": [], \"type\": \"PARTNER\"}")),
                "name");
        assertFieldError(
                assertProblem(
                        400,
                        api.post(
                                "/api/v1/accounts",
                                Tokens.admin(),
                                "{\"name\": 12, \"type\": \"PARTNER\", \"timeZone\": \"UTC\"}")),
                "name");
        assertFieldError(
                assertProblem(
                        400,
                        api.post(
                                "/api/v1/accounts",
                                Tokens.admin(),
                                obj(
                                        "name", "Yes-man",
                                        "type", "PARTNER",
                                        "timeZone", "UTC",
                                        "features", obj("integrationPackManagement", "yes")))),
                "features.integrationPackManagement");
        ApiResponse notAnObject = assertProblem(
                400,
                api.post(
                        "/api/v1/accounts",
                        Tokens.admin(),
                        "{\"name\": \"x\", \"type\": \"PARTNER\", \"timeZone\": \"UTC\", \"features\": 7}"));
        assertTrue(notAnObject.string("detail").contains("line 1"), notAnObject::toString);
        assertEquals(before, accounts());
    }

    @Test
    void adminCannotCreateManagedAccounts() {
        assertFieldError(
                assertProblem(
                        400, api.post("/api/v1/accounts", Tokens.admin(), obj("name", "Orphan", "type", "MANAGED"))),
                "type");
    }

    // --- creating managed accounts (partners) ---

    @Test
    void partnerCreatesManagedAccount() {
        ApiResponse response =
                api.post("/api/v1/accounts", Tokens.account(partner), obj("name", "Customer 2", "type", "MANAGED"));
        assertEquals(201, response.status(), response::toString);
        assertEquals("MANAGED", response.get("type"));
        assertEquals(partner.toString(), response.get("parentAccountId"));
        assertEquals("Europe/Berlin", response.get("timeZone"), "inherits the partner's time zone");
        assertEquals(
                Map.of("integrationPackManagement", false, "multiInstallIntegrationPacks", false),
                response.get("features"));
    }

    @Test
    void partnerCannotCreatePartners() {
        long before = accounts();
        assertProblem(
                403,
                api.post(
                        "/api/v1/accounts",
                        Tokens.account(partner),
                        obj("name", "Rival", "type", "PARTNER", "timeZone", "UTC")));
        assertEquals(before, accounts());
    }

    @Test
    void partnerCannotSetFeatures() {
        assertFieldError(
                assertProblem(
                        400,
                        api.post(
                                "/api/v1/accounts",
                                Tokens.account(partner),
                                obj(
                                        "name", "Featured",
                                        "type", "MANAGED",
                                        "features", obj("integrationPackManagement", true)))),
                "features");
    }

    @Test
    void managedAccountCannotCreateAccounts() {
        long before = accounts();
        assertProblem(
                403, api.post("/api/v1/accounts", Tokens.account(managed), obj("name", "Sub", "type", "MANAGED")));
        assertEquals(before, accounts());
    }

    // --- reading ---

    @Test
    void everyoneSeesOnlyWhatIsTheirs() {
        assertEquals(200, api.get("/api/v1/accounts/" + partner, Tokens.admin()).status());
        assertEquals(200, api.get("/api/v1/accounts/" + managed, Tokens.admin()).status());
        assertEquals(
                200,
                api.get("/api/v1/accounts/" + partner, Tokens.account(partner)).status());
        assertEquals(
                200,
                api.get("/api/v1/accounts/" + managed, Tokens.account(partner)).status());
        assertEquals(
                200,
                api.get("/api/v1/accounts/" + managed, Tokens.account(managed)).status());

        assertProblem(404, api.get("/api/v1/accounts/" + otherPartner, Tokens.account(partner)));
        assertProblem(404, api.get("/api/v1/accounts/" + otherManaged, Tokens.account(partner)));
        assertProblem(404, api.get("/api/v1/accounts/" + partner, Tokens.account(managed)));
        assertProblem(404, api.get("/api/v1/accounts/" + otherManaged, Tokens.account(managed)));
        assertProblem(404, api.get("/api/v1/accounts/" + UUID.randomUUID(), Tokens.admin()));
    }

    @Test
    void notFoundLooksTheSameForForeignAndUnknownIds() {
        ApiResponse foreign = api.get("/api/v1/accounts/" + otherPartner, Tokens.account(partner));
        ApiResponse unknown = api.get("/api/v1/accounts/" + UUID.randomUUID(), Tokens.account(partner));
        assertEquals(foreign.status(), unknown.status());
        assertEquals(foreign.get("type"), unknown.get("type"));
        assertTrue(!foreign.raw().contains("Globex"), foreign::toString);
    }

    @Test
    void adminListsPartnersOnly() {
        List<String> ids = listAll("/api/v1/accounts", Tokens.admin(), 2).stream()
                .map(account -> (String) account.get("id"))
                .toList();
        assertTrue(ids.contains(partner.toString()) && ids.contains(otherPartner.toString()), ids::toString);
        assertTrue(!ids.contains(managed.toString()), ids::toString);
    }

    @Test
    void partnerListsItsManagedAccountsOnly() {
        UUID lister = createPartner("Lister", false, false);
        UUID first = createManaged(lister, "Lister Customer 1");
        UUID second = createManaged(lister, "Lister Customer 2");
        List<Map<String, Object>> listed = listAll("/api/v1/accounts", Tokens.account(lister), 1);
        assertEquals(
                List.of(first.toString(), second.toString()),
                listed.stream().map(a -> a.get("id")).toList());
    }

    @Test
    void managedAccountCannotList() {
        assertProblem(403, api.get("/api/v1/accounts", Tokens.account(managed)));
    }

    @Test
    void pagesAreStableAndComplete() {
        UUID pager = createPartner("Pager", false, false);
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(createManaged(pager, "Customer " + i).toString());
        }
        List<String> paged = listAll("/api/v1/accounts", Tokens.account(pager), 3).stream()
                .map(account -> (String) account.get("id"))
                .toList();
        assertEquals(created, paged, "every account once, in creation order");

        ApiResponse last = api.get("/api/v1/accounts?limit=7", Tokens.account(pager));
        assertEquals(7, last.items().size());
        assertTrue(last.body().containsKey("nextPageToken"));
        assertNull(last.get("nextPageToken"));
    }

    @Test
    void limitDefaultsTo50AndIsCappedAt500() {
        assertEquals(200, api.get("/api/v1/accounts?limit=500", Tokens.admin()).status());
        assertEquals(200, api.get("/api/v1/accounts?limit=1", Tokens.admin()).status());
        assertFieldError(assertProblem(400, api.get("/api/v1/accounts?limit=501", Tokens.admin())), "limit");
        assertFieldError(assertProblem(400, api.get("/api/v1/accounts?limit=0", Tokens.admin())), "limit");
        assertFieldError(assertProblem(400, api.get("/api/v1/accounts?limit=-1", Tokens.admin())), "limit");
    }

    @Test
    void badPageTokenIs400() {
        assertFieldError(
                assertProblem(400, api.get("/api/v1/accounts?pageToken=garbage", Tokens.admin())), "pageToken");
        assertFieldError(
                assertProblem(400, api.get("/api/v1/accounts?pageToken=djE6bm90LWEtdXVpZA", Tokens.admin())),
                "pageToken");
    }

    // --- updating ---

    @Test
    void partnerRenamesItselfAndItsManagedAccount() {
        UUID renamer = createPartner("Renamer", false, false);
        UUID customer = createManaged(renamer, "Before");
        ApiResponse self = api.patch(
                "/api/v1/accounts/" + renamer,
                Tokens.account(renamer),
                obj("name", "Renamed", "timeZone", "Asia/Tokyo"));
        assertEquals(200, self.status(), self::toString);
        assertEquals("Renamed", self.get("name"));
        assertEquals("Asia/Tokyo", self.get("timeZone"));
        ApiResponse child = api.patch("/api/v1/accounts/" + customer, Tokens.account(renamer), obj("name", "After"));
        assertEquals(200, child.status(), child::toString);
        assertEquals(
                "After",
                api.get("/api/v1/accounts/" + customer, Tokens.account(renamer)).get("name"));
    }

    @Test
    void emptyPatchChangesNothing() {
        ApiResponse before = api.get("/api/v1/accounts/" + partner, Tokens.admin());
        ApiResponse after = api.patch("/api/v1/accounts/" + partner, Tokens.admin(), obj());
        assertEquals(200, after.status(), after::toString);
        assertEquals(before.body(), after.body());
    }

    @Test
    void onlyAdminChangesFeatures() {
        UUID featured = createPartner("Featured", false, false);
        assertProblem(
                403,
                api.patch(
                        "/api/v1/accounts/" + featured,
                        Tokens.account(featured),
                        obj("features", obj("integrationPackManagement", true))));
        ApiResponse enabled = api.patch(
                "/api/v1/accounts/" + featured,
                Tokens.admin(),
                obj("features", obj("integrationPackManagement", true)));
        assertEquals(200, enabled.status(), enabled::toString);
        assertEquals(
                Map.of("integrationPackManagement", true, "multiInstallIntegrationPacks", false),
                enabled.get("features"));
        ApiResponse multi = api.patch(
                "/api/v1/accounts/" + featured,
                Tokens.admin(),
                obj("features", obj("multiInstallIntegrationPacks", true)));
        assertEquals(200, multi.status(), multi::toString);
        assertEquals(
                Map.of("integrationPackManagement", true, "multiInstallIntegrationPacks", true), multi.get("features"));
    }

    @Test
    void disablingPackManagementWhileMultiInstallStaysOnIs400AndChangesNothing() {
        ApiResponse before = api.get("/api/v1/accounts/" + partner, Tokens.admin());
        assertFieldError(
                assertProblem(
                        400,
                        api.patch(
                                "/api/v1/accounts/" + partner,
                                Tokens.admin(),
                                obj("name", "Half applied", "features", obj("integrationPackManagement", false)))),
                "features.multiInstallIntegrationPacks");
        assertEquals(
                before.body(),
                api.get("/api/v1/accounts/" + partner, Tokens.admin()).body());
    }

    @Test
    void featuresOfManagedAccountsCannotBeSet() {
        assertFieldError(
                assertProblem(
                        400,
                        api.patch(
                                "/api/v1/accounts/" + managed,
                                Tokens.admin(),
                                obj("features", obj("integrationPackManagement", true)))),
                "features");
    }

    @Test
    void patchValidatesLikeCreate() {
        assertFieldError(
                assertProblem(400, api.patch("/api/v1/accounts/" + partner, Tokens.admin(), obj("name", ""))), "name");
        assertFieldError(
                assertProblem(
                        400, api.patch("/api/v1/accounts/" + partner, Tokens.admin(), obj("timeZone", "Nowhere"))),
                "timeZone");
    }

    @Test
    void nobodyPatchesAnotherTenant() {
        ApiResponse before = api.get("/api/v1/accounts/" + otherPartner, Tokens.admin());
        assertProblem(
                404, api.patch("/api/v1/accounts/" + otherPartner, Tokens.account(partner), obj("name", "Pwned")));
        assertProblem(
                404, api.patch("/api/v1/accounts/" + otherManaged, Tokens.account(partner), obj("name", "Pwned")));
        assertProblem(403, api.patch("/api/v1/accounts/" + managed, Tokens.account(managed), obj("name", "Self")));
        assertEquals(
                before.body(),
                api.get("/api/v1/accounts/" + otherPartner, Tokens.admin()).body());
    }

    // --- idempotency ---

    @Test
    void retryWithSameKeyReplaysTheFirstResponse() {
        Map<String, Object> body = obj("name", "Idempotent Customer", "type", "MANAGED");
        Map<String, String> key = Map.of("Idempotency-Key", "create-customer-" + UUID.randomUUID());
        long before = accounts();
        ApiResponse first = api.post("/api/v1/accounts", Tokens.account(partner), body, key);
        ApiResponse retry = api.post("/api/v1/accounts", Tokens.account(partner), body, key);
        assertEquals(201, first.status(), first::toString);
        assertEquals(201, retry.status(), retry::toString);
        assertEquals(first.body(), retry.body());
        assertEquals(first.headers().firstValue("location"), retry.headers().firstValue("location"));
        assertEquals("true", retry.headers().firstValue("idempotent-replayed").orElse(null));
        assertEquals(before + 1, accounts());
    }

    @Test
    void sameKeyWithAnotherBodyIs409() {
        Map<String, String> key = Map.of("Idempotency-Key", "k-" + UUID.randomUUID());
        ApiResponse first =
                api.post("/api/v1/accounts", Tokens.account(partner), obj("name", "First", "type", "MANAGED"), key);
        assertEquals(201, first.status(), first::toString);
        long before = accounts();
        assertProblem(
                409,
                api.post("/api/v1/accounts", Tokens.account(partner), obj("name", "Second", "type", "MANAGED"), key));
        assertEquals(before, accounts());
    }

    @Test
    void keysBelongToTheirCaller() {
        Map<String, String> key = Map.of("Idempotency-Key", "shared-" + UUID.randomUUID());
        Map<String, Object> body = obj("name", "Same name", "type", "MANAGED");
        ApiResponse mine = api.post("/api/v1/accounts", Tokens.account(partner), body, key);
        ApiResponse theirs = api.post("/api/v1/accounts", Tokens.account(otherPartner), body, key);
        assertEquals(201, mine.status());
        assertEquals(201, theirs.status());
        assertNotEquals(mine.get("id"), theirs.get("id"));
        assertEquals(otherPartner.toString(), theirs.get("parentAccountId"));
    }

    @Test
    void failedRequestLeavesTheKeyUnused() {
        Map<String, String> key = Map.of("Idempotency-Key", "retry-after-fix-" + UUID.randomUUID());
        assertProblem(
                400,
                api.post(
                        "/api/v1/accounts",
                        Tokens.admin(),
                        obj("name", "Fixed later", "type", "PARTNER", "timeZone", "Nowhere"),
                        key));
        ApiResponse fixed = api.post(
                "/api/v1/accounts",
                Tokens.admin(),
                obj("name", "Fixed later", "type", "PARTNER", "timeZone", "UTC"),
                key);
        assertEquals(201, fixed.status(), fixed::toString);
    }

    @Test
    void invalidKeyIs400() {
        assertFieldError(
                assertProblem(
                        400,
                        api.post(
                                "/api/v1/accounts",
                                Tokens.account(partner),
                                obj("name", "x", "type", "MANAGED"),
                                Map.of("Idempotency-Key", "x".repeat(256)))),
                "Idempotency-Key");
    }

    @Test
    void concurrentRetriesCreateOnce() throws Exception {
        Map<String, String> key = Map.of("Idempotency-Key", "race-" + UUID.randomUUID());
        Map<String, Object> body = obj("name", "Raced", "type", "MANAGED");
        long before = accounts();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<ApiResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(() -> api.post("/api/v1/accounts", Tokens.account(partner), body, key));
            }
            List<Object> ids = new ArrayList<>();
            for (Future<ApiResponse> result : pool.invokeAll(calls)) {
                ApiResponse response = result.get();
                assertEquals(201, response.status(), response::toString);
                ids.add(response.get("id"));
            }
            assertEquals(1, Set.copyOf(ids).size(), ids::toString);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(before + 1, accounts());
    }
}
