package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static io.packwright.api.support.CatalogFixtures.extension;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogApiTestBase;
import io.packwright.api.support.CatalogFixtures;
import io.packwright.api.support.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code PUT|DELETE /api/v1/integration-packs/{id}/components/{componentId}}: what a pack may hold. */
class PackContentsApiTest extends CatalogApiTestBase {

    private UUID partner;
    private String token;

    @BeforeAll
    void partner() {
        partner = createPartner("Contents Partner", true, true);
        token = Tokens.account(partner);
    }

    private long members(UUID pack) {
        return count("SELECT count(*) FROM integration_pack_members WHERE integration_pack_id = '" + pack + "'");
    }

    private ApiResponse pack(UUID pack) {
        return api.get("/api/v1/integration-packs/" + pack, token);
    }

    private ApiResponse remove(UUID pack, UUID component) {
        return api.delete("/api/v1/integration-packs/" + pack + "/components/" + component, token);
    }

    @Test
    void addsAndRemovesComponentsIdempotently() throws InterruptedException {
        UUID pack = fixtures.pack(partner, "Contents", "SINGLE");
        UUID process = fixtures.shareableProcess(partner, "Process");
        UUID apiService = fixtures.component(partner, "API", "API_SERVICE");
        fixtures.pkg(partner, apiService, "1", true);
        String createdUpdatedAt = pack(pack).string("updatedAt");
        Thread.sleep(5);

        fixtures.add(partner, pack, process);
        fixtures.add(partner, pack, process);
        ApiResponse withBody = api.put("/api/v1/integration-packs/" + pack + "/components/" + apiService, token, obj());
        assertEquals(204, withBody.status(), "a body, if any, is ignored: " + withBody);
        ApiResponse full = pack(pack);
        assertEquals(2, full.get("componentCount"));
        assertEquals(true, full.get("hasUnreleasedChanges"));
        assertTrue(full.string("updatedAt").compareTo(createdUpdatedAt) > 0, full::toString);
        assertEquals(2, members(pack));

        assertEquals(204, remove(pack, process).status());
        assertEquals(204, remove(pack, process).status(), "removing a non-member is harmless");
        assertEquals(1, pack(pack).get("componentCount"));
        assertEquals(204, remove(pack, apiService).status());
        ApiResponse empty = pack(pack);
        assertEquals(0, empty.get("componentCount"));
        assertEquals(false, empty.get("hasUnreleasedChanges"));
    }

    @Test
    void packsHoldOnlyComponentsThatManagedAccountsCanUse() {
        UUID single = fixtures.pack(partner, "Single", "SINGLE");
        UUID multi = fixtures.pack(partner, "Multi", "MULTI");
        List<UUID> refused = new ArrayList<>();
        for (String type : List.of("PROCESS_ROUTE", "CERTIFICATE", "CUSTOM_LIBRARY")) {
            UUID component = fixtures.component(partner, "A " + type, type);
            fixtures.pkg(partner, component, "1", true);
            refused.add(component);
        }
        UUID routed = fixtures.component(partner, "Routed process", "PROCESS", true);
        fixtures.pkg(partner, routed, "1", true);
        refused.add(routed);
        for (UUID component : refused) {
            for (UUID pack : List.of(single, multi)) {
                ApiResponse response = assertProblem(400, fixtures.addRequest(partner, pack, component));
                assertTrue(response.string("detail").contains("cannot be in"), response::toString);
            }
        }
        UUID apiService = fixtures.component(partner, "API service", "API_SERVICE");
        fixtures.pkg(partner, apiService, "1", true);
        ApiResponse multiApi = assertProblem(400, fixtures.addRequest(partner, multi, apiService));
        assertTrue(multiApi.string("detail").contains("MULTI"), multiApi::toString);
        assertEquals(0, members(single));
        assertEquals(0, members(multi));

        fixtures.add(partner, single, apiService);
        UUID process = fixtures.shareableProcess(partner, "Plain process");
        fixtures.add(partner, multi, process);
        fixtures.add(partner, single, process);
        assertEquals(2, members(single));
        assertEquals(1, members(multi));
    }

    @Test
    void onlyComponentsWithAShareablePackageCanBeAdded() {
        UUID pack = fixtures.pack(partner, "Shareable only", "SINGLE");
        UUID unpackaged = fixtures.component(partner, "Never packaged", "PROCESS");
        UUID privateOnly = fixtures.component(partner, "Private only", "PROCESS");
        fixtures.pkg(partner, privateOnly, "1", false);
        for (UUID component : List.of(unpackaged, privateOnly)) {
            ApiResponse response = assertProblem(409, fixtures.addRequest(partner, pack, component));
            assertTrue(response.string("detail").contains("shareable"), response::toString);
        }
        assertEquals(0, members(pack));
        fixtures.pkg(partner, privateOnly, "2", true);
        fixtures.add(partner, pack, privateOnly);
    }

    @Test
    void sharedExtensionKeysMustHaveTheSameSettings() {
        UUID pack = fixtures.pack(partner, "Extensions", "SINGLE");
        UUID first = fixtures.component(partner, "First", "PROCESS");
        fixtures.pkg(partner, first, "1", true, extension("url", "CONNECTION_FIELD", true, false));
        fixtures.add(partner, pack, first);

        UUID secret = fixtures.component(partner, "Secret url", "PROCESS");
        fixtures.pkg(partner, secret, "1", true, extension("url", "CONNECTION_FIELD", true, true));
        UUID optional = fixtures.component(partner, "Optional url", "PROCESS");
        fixtures.pkg(partner, optional, "1", true, extension("url", "CONNECTION_FIELD", false, false));
        UUID property = fixtures.component(partner, "Property url", "PROCESS");
        fixtures.pkg(
                partner,
                property,
                "1",
                true,
                extension("other", "TRADING_PARTNER", false, false),
                extension("url", "PROCESS_PROPERTY", true, false));
        for (UUID component : List.of(secret, optional, property)) {
            ApiResponse response = assertProblem(409, fixtures.addRequest(partner, pack, component));
            assertTrue(
                    response.string("detail").contains("'url'")
                            && response.string("detail").contains("'First'"),
                    response::toString);
        }
        assertEquals(1, members(pack));

        UUID same = fixtures.component(partner, "Same url", "PROCESS");
        var sameSettings = extension("url", "CONNECTION_FIELD", true, false);
        sameSettings.put("defaultValue", "https://example.com");
        fixtures.pkg(partner, same, "1", true, sameSettings, extension("extra", "CROSS_REFERENCE", false, false));
        fixtures.add(partner, pack, same);

        // only the newest shareable package of each side counts
        UUID fixedLater = fixtures.component(partner, "Fixed later", "PROCESS");
        fixtures.pkg(partner, fixedLater, "1", true, extension("url", "PROCESS_PROPERTY", false, false));
        fixtures.pkg(partner, fixedLater, "2", true, extension("url", "CONNECTION_FIELD", true, false));
        fixtures.pkg(partner, fixedLater, "3-draft", false, extension("url", "TRADING_PARTNER", false, true));
        fixtures.add(partner, pack, fixedLater);
        assertEquals(3, members(pack));
    }

    @Test
    void aConflictNamesTenExtensionsAndCountsTheRest() {
        UUID pack = fixtures.pack(partner, "Many conflicts", "SINGLE");
        UUID member = fixtures.component(partner, "Many keys member", "PROCESS");
        fixtures.pkg(
                partner, member, "1", true, CatalogFixtures.extensions("key", 13, "CONNECTION_FIELD", true, false));
        fixtures.add(partner, pack, member);
        UUID newcomer = fixtures.component(partner, "Many keys newcomer", "PROCESS");
        fixtures.pkg(
                partner, newcomer, "1", true, CatalogFixtures.extensions("key", 13, "PROCESS_PROPERTY", true, false));

        ApiResponse conflict = assertProblem(409, fixtures.addRequest(partner, pack, newcomer));
        assertNamesTenKeysAndCountsTheRest(conflict.string("detail"), "key", 13);
        assertEquals(1, members(pack));
    }

    @Test
    void membersAreJudgedByTheirNewestShareablePackage() {
        UUID pack = fixtures.pack(partner, "Evolving", "SINGLE");
        UUID member = fixtures.component(partner, "Evolving member", "PROCESS");
        fixtures.pkg(partner, member, "1", true, extension("key", "CONNECTION_FIELD", true, true));
        fixtures.add(partner, pack, member);
        UUID newcomer = fixtures.component(partner, "Newcomer", "PROCESS");
        fixtures.pkg(partner, newcomer, "1", true, extension("key", "PROCESS_PROPERTY", false, false));
        assertProblem(409, fixtures.addRequest(partner, pack, newcomer));
        fixtures.pkg(partner, member, "2", true, extension("renamed", "CONNECTION_FIELD", true, true));
        fixtures.add(partner, pack, newcomer);
    }

    @Test
    void unknownPacksAndComponentsAreNotFound() {
        UUID pack = fixtures.pack(partner, "Known", "SINGLE");
        UUID component = fixtures.shareableProcess(partner, "Known process");
        UUID otherPartner = createPartner("Other contents partner", true, false);
        UUID foreign = fixtures.shareableProcess(otherPartner, "Foreign process");
        assertProblem(404, fixtures.addRequest(partner, UUID.randomUUID(), component));
        assertProblem(404, fixtures.addRequest(partner, pack, UUID.randomUUID()));
        assertProblem(404, fixtures.addRequest(partner, pack, foreign));
        assertProblem(404, remove(pack, foreign));
        assertProblem(404, remove(UUID.randomUUID(), component));
        assertEquals(0, members(pack));
    }

    @Test
    void twentyParallelAddsToAPackOf95EndWithExactly100() throws Exception {
        UUID pack = fixtures.pack(partner, "Almost full", "SINGLE");
        for (int i = 0; i < 95; i++) {
            fixtures.add(partner, pack, fixtures.shareableProcess(partner, "Member " + i));
        }
        List<UUID> candidates = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            candidates.add(fixtures.shareableProcess(partner, "Candidate " + i));
        }
        CyclicBarrier start = new CyclicBarrier(candidates.size());
        ExecutorService pool = Executors.newFixedThreadPool(candidates.size());
        List<Integer> statuses = new ArrayList<>();
        try {
            List<Callable<ApiResponse>> calls = new ArrayList<>();
            for (UUID candidate : candidates) {
                calls.add(() -> {
                    start.await();
                    return fixtures.addRequest(partner, pack, candidate);
                });
            }
            for (Future<ApiResponse> result : pool.invokeAll(calls)) {
                ApiResponse response = result.get();
                statuses.add(response.status());
                if (response.status() != 204) {
                    assertProblem(409, response);
                    assertTrue(response.string("detail").contains("100"), response::toString);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(5, statuses.stream().filter(status -> status == 204).count(), statuses::toString);
        assertEquals(15, statuses.stream().filter(status -> status == 409).count(), statuses::toString);
        assertEquals(100, members(pack));
        assertEquals(100, pack(pack).get("componentCount"));

        ApiResponse full = assertProblem(
                409, fixtures.addRequest(partner, pack, fixtures.shareableProcess(partner, "One too many")));
        assertTrue(full.string("detail").contains("100"), full::toString);
        UUID existing = UUID.fromString(
                fixtures.column("SELECT component_id FROM integration_pack_members WHERE integration_pack_id = '" + pack
                                + "' LIMIT 1")
                        .get(0));
        fixtures.add(partner, pack, existing);
        assertEquals(100, members(pack));
    }
}
