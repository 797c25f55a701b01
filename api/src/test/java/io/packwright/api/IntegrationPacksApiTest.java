package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogApiTestBase;
import io.packwright.api.support.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /api/v1/integration-packs}: creating, reading, listing and changing packs. */
class IntegrationPacksApiTest extends CatalogApiTestBase {

    private UUID partner;
    private UUID multiPartner;
    private UUID plainPartner;
    private String token;

    @BeforeAll
    void partners() {
        partner = createPartner("Pack Partner", true, false);
        multiPartner = createPartner("Multi Partner", true, true);
        plainPartner = createPartner("No Packs Partner", false, false);
        token = Tokens.account(partner);
    }

    private long packs() {
        return count("SELECT count(*) FROM integration_packs");
    }

    @Test
    void createsAndReadsAPack() {
        ApiResponse created = api.post(
                "/api/v1/integration-packs",
                token,
                obj("name", "CRM Sync", "description", "Keeps the CRM in sync", "installationType", "SINGLE"));
        assertEquals(201, created.status(), created::toString);
        String id = created.string("id");
        assertEquals(
                "/api/v1/integration-packs/" + id,
                created.headers().firstValue("location").orElseThrow());
        assertEquals(
                Set.of(
                        "id",
                        "name",
                        "description",
                        "installationType",
                        "createdAt",
                        "updatedAt",
                        "currentRelease",
                        "pendingRelease",
                        "hasUnreleasedChanges",
                        "componentCount"),
                created.body().keySet());
        assertEquals("CRM Sync", created.get("name"));
        assertEquals("Keeps the CRM in sync", created.get("description"));
        assertEquals("SINGLE", created.get("installationType"));
        assertTrue(created.string("createdAt").endsWith("Z"), created::toString);
        assertEquals(created.get("createdAt"), created.get("updatedAt"));
        assertNull(created.get("currentRelease"));
        assertNull(created.get("pendingRelease"));
        assertEquals(false, created.get("hasUnreleasedChanges"));
        assertEquals(0, created.get("componentCount"));
        assertEquals(
                created.body(),
                api.get("/api/v1/integration-packs/" + id, token).body());
    }

    @Test
    void descriptionDefaultsToEmptyAndIsAtMost500Characters() {
        ApiResponse bare = api.post(
                "/api/v1/integration-packs", token, obj("name", "No description", "installationType", "SINGLE"));
        assertEquals(201, bare.status(), bare::toString);
        assertEquals("", bare.get("description"));
        ApiResponse longest = api.post(
                "/api/v1/integration-packs",
                token,
                obj("name", "Longest description", "description", "d".repeat(500), "installationType", "SINGLE"));
        assertEquals(201, longest.status(), longest::toString);

        long before = packs();
        assertFieldError(
                assertProblem(
                        400,
                        api.post(
                                "/api/v1/integration-packs",
                                token,
                                obj("name", "Too long", "description", "d".repeat(501), "installationType", "SINGLE"))),
                "description");
        assertFieldError(
                assertProblem(
                        400,
                        api.patch(
                                "/api/v1/integration-packs/" + bare.string("id"),
                                token,
                                obj("description", "d".repeat(501)))),
                "description");
        assertEquals(before, packs());
        assertEquals(
                "",
                api.get("/api/v1/integration-packs/" + bare.string("id"), token).get("description"));
    }

    @Test
    void rejectsInvalidPacksAndCreatesNothing() {
        long before = packs();
        for (Object name : new Object[] {null, "", "   ", "n".repeat(256)}) {
            assertFieldError(
                    assertProblem(
                            400,
                            api.post(
                                    "/api/v1/integration-packs",
                                    token,
                                    obj("name", name, "installationType", "SINGLE"))),
                    "name");
        }
        assertFieldError(
                assertProblem(400, api.post("/api/v1/integration-packs", token, obj("name", "No type"))),
                "installationType");
        assertFieldError(
                assertProblem(
                        400,
                        api.post(
                                "/api/v1/integration-packs",
                                token,
                                obj("name", "Odd type", "installationType", "DOUBLE"))),
                "installationType");
        assertFieldError(
                assertProblem(
                        400,
                        api.post(
                                "/api/v1/integration-packs",
                                token,
                                obj("name", "Numeric description", "description", 7, "installationType", "SINGLE"))),
                "description");
        assertEquals(before, packs());
        ApiResponse longest = api.post(
                "/api/v1/integration-packs", token, obj("name", "n".repeat(255), "installationType", "SINGLE"));
        assertEquals(201, longest.status(), longest::toString);
    }

    @Test
    void namesAreUniquePerPartner() {
        fixtures.pack(partner, "Unique", "SINGLE");
        long before = packs();
        ApiResponse duplicate = assertProblem(
                409, api.post("/api/v1/integration-packs", token, obj("name", "Unique", "installationType", "SINGLE")));
        assertTrue(duplicate.string("detail").contains("'Unique'"), duplicate::toString);
        assertEquals(before, packs());
        fixtures.pack(multiPartner, "Unique", "SINGLE");

        UUID renamed = fixtures.pack(partner, "Renamed later", "SINGLE");
        ApiResponse unchanged = api.get("/api/v1/integration-packs/" + renamed, token);
        assertProblem(409, api.patch("/api/v1/integration-packs/" + renamed, token, obj("name", "Unique")));
        assertEquals(
                unchanged.body(),
                api.get("/api/v1/integration-packs/" + renamed, token).body());
    }

    @Test
    void parallelCreatesWithTheSameNameGiveOne201AndOne409() throws Exception {
        for (int round = 0; round < 5; round++) {
            String name = "Raced " + round;
            CyclicBarrier start = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Callable<ApiResponse>> calls = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    calls.add(() -> {
                        start.await();
                        return api.post(
                                "/api/v1/integration-packs", token, obj("name", name, "installationType", "SINGLE"));
                    });
                }
                List<Integer> statuses = new ArrayList<>();
                for (Future<ApiResponse> result : pool.invokeAll(calls)) {
                    ApiResponse response = result.get();
                    statuses.add(response.status());
                    if (response.status() == 409) {
                        assertProblem(409, response);
                        assertTrue(response.string("detail").contains(name), response::toString);
                    }
                }
                assertEquals(List.of(201, 409), statuses.stream().sorted().toList());
            } finally {
                pool.shutdownNow();
            }
            assertEquals(1, count("SELECT count(*) FROM integration_packs WHERE name = '" + name + "'"));
        }
    }

    @Test
    void multiPacksNeedTheMultiInstallFeature() {
        long before = packs();
        assertProblem(
                403, api.post("/api/v1/integration-packs", token, obj("name", "Multi", "installationType", "MULTI")));
        assertEquals(before, packs());
        ApiResponse multi = api.post(
                "/api/v1/integration-packs",
                Tokens.account(multiPartner),
                obj("name", "Multi", "installationType", "MULTI"));
        assertEquals(201, multi.status(), multi::toString);
        assertEquals("MULTI", multi.get("installationType"));
    }

    @Test
    void everyPackEndpointNeedsThePackManagementFeature() {
        UUID pack = fixtures.pack(partner, "Featured", "SINGLE");
        UUID component = fixtures.shareableProcess(plainPartner, "Plain process");
        String plain = Tokens.account(plainPartner);
        long before = packs();
        ApiResponse create = assertProblem(
                403, api.post("/api/v1/integration-packs", plain, obj("name", "Nope", "installationType", "SINGLE")));
        assertTrue(create.string("detail").contains("integrationPackManagement"), create::toString);
        assertProblem(403, api.get("/api/v1/integration-packs", plain));
        assertProblem(403, api.get("/api/v1/integration-packs/" + pack, plain));
        assertProblem(403, api.patch("/api/v1/integration-packs/" + pack, plain, obj("name", "x")));
        assertProblem(403, api.delete("/api/v1/integration-packs/" + pack, plain));
        assertProblem(403, fixtures.addRequest(plainPartner, pack, component));
        assertProblem(403, api.delete("/api/v1/integration-packs/" + pack + "/components/" + component, plain));
        assertProblem(403, api.get("/api/v1/integration-packs/" + pack + "/publications", plain));
        assertEquals(before, packs());
        assertEquals(0, count("SELECT count(*) FROM integration_pack_members"));
    }

    @Test
    void patchRenamesAndDescribes() throws InterruptedException {
        UUID pack = fixtures.pack(partner, "Before", "SINGLE");
        ApiResponse before = api.get("/api/v1/integration-packs/" + pack, token);
        Thread.sleep(5);
        ApiResponse renamed = api.patch("/api/v1/integration-packs/" + pack, token, obj("name", "After"));
        assertEquals(200, renamed.status(), renamed::toString);
        assertEquals("After", renamed.get("name"));
        assertEquals("", renamed.get("description"));
        assertEquals(before.get("createdAt"), renamed.get("createdAt"));
        assertNotEquals(before.get("updatedAt"), renamed.get("updatedAt"));
        ApiResponse described =
                api.patch("/api/v1/integration-packs/" + pack, token, obj("description", "Now described"));
        assertEquals("After", described.get("name"));
        assertEquals("Now described", described.get("description"));
        assertEquals(
                described.body(),
                api.get("/api/v1/integration-packs/" + pack, token).body());

        ApiResponse empty = api.patch("/api/v1/integration-packs/" + pack, token, obj());
        assertEquals(200, empty.status(), empty::toString);
        assertEquals(described.body(), empty.body());

        fixtures.pack(partner, "Before", "SINGLE");
    }

    @Test
    void installationTypeNeverChanges() {
        UUID pack = fixtures.pack(multiPartner, "Fixed type", "SINGLE");
        String multi = Tokens.account(multiPartner);
        ApiResponse before = api.get("/api/v1/integration-packs/" + pack, multi);
        for (String type : List.of("MULTI", "SINGLE")) {
            ApiResponse response = assertProblem(
                    400,
                    api.patch(
                            "/api/v1/integration-packs/" + pack,
                            multi,
                            obj("name", "Changed", "installationType", type)));
            assertFieldError(response, "installationType");
        }
        assertEquals(
                before.body(),
                api.get("/api/v1/integration-packs/" + pack, multi).body());
    }

    @Test
    void patchValidatesLikeCreate() {
        UUID pack = fixtures.pack(partner, "Validated patch", "SINGLE");
        ApiResponse before = api.get("/api/v1/integration-packs/" + pack, token);
        assertFieldError(
                assertProblem(400, api.patch("/api/v1/integration-packs/" + pack, token, obj("name", ""))), "name");
        assertFieldError(
                assertProblem(400, api.patch("/api/v1/integration-packs/" + pack, token, obj("name", "n".repeat(256)))),
                "name");
        assertFieldError(
                assertProblem(400, api.patch("/api/v1/integration-packs/" + pack, token, obj("name", false))), "name");
        assertEquals(
                before.body(),
                api.get("/api/v1/integration-packs/" + pack, token).body());
        assertProblem(404, api.patch("/api/v1/integration-packs/" + UUID.randomUUID(), token, obj("name", "Ghost")));
    }

    @Test
    void listsPacksInCreationOrderPageByPage() {
        UUID lister = createPartner("Pack Lister", true, false);
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(fixtures.pack(lister, "Pack " + i, "SINGLE").toString());
        }
        List<Map<String, Object>> listed = listAll("/api/v1/integration-packs", Tokens.account(lister), 2);
        assertEquals(created, listed.stream().map(pack -> pack.get("id")).toList());
        assertEquals(
                api.get("/api/v1/integration-packs/" + created.get(0), Tokens.account(lister))
                        .body(),
                listed.get(0));
        assertFieldError(assertProblem(400, api.get("/api/v1/integration-packs?limit=501", token)), "limit");
        assertFieldError(assertProblem(400, api.get("/api/v1/integration-packs?pageToken=x", token)), "pageToken");
    }

    @Test
    void createIsIdempotent() {
        Map<String, String> key = Map.of("Idempotency-Key", "pack-" + UUID.randomUUID());
        Map<String, Object> body = obj("name", "Idempotent pack", "installationType", "SINGLE");
        long before = packs();
        ApiResponse first = api.post("/api/v1/integration-packs", token, body, key);
        ApiResponse retry = api.post("/api/v1/integration-packs", token, body, key);
        assertEquals(201, first.status(), first::toString);
        assertEquals(201, retry.status(), retry::toString);
        assertEquals(first.body(), retry.body());
        assertEquals("true", retry.headers().firstValue("idempotent-replayed").orElse(null));
        assertEquals(before + 1, packs());
        assertProblem(
                409,
                api.post(
                        "/api/v1/integration-packs",
                        token,
                        obj("name", "Another pack", "installationType", "SINGLE"),
                        key));
        assertEquals(before + 1, packs());
    }
}
