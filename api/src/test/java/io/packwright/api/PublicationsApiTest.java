package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogApiTestBase;
import io.packwright.api.support.Tokens;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/integration-packs/{id}/publications} and the release fields of a pack ({@code
 * currentRelease}, {@code pendingRelease}, {@code hasUnreleasedChanges}). Releases have no API in
 * this module yet: the fixture writes release rows as the release issue will.
 */
class PublicationsApiTest extends CatalogApiTestBase {

    private UUID partner;
    private String token;

    @BeforeAll
    void partner() {
        partner = createPartner("Publishing Partner", true, false);
        token = Tokens.account(partner);
    }

    private ApiResponse pack(UUID pack) {
        ApiResponse response = api.get("/api/v1/integration-packs/" + pack, token);
        assertEquals(200, response.status(), response::toString);
        return response;
    }

    private List<Map<String, Object>> publications(UUID pack) {
        ApiResponse response = api.get("/api/v1/integration-packs/" + pack + "/publications", token);
        assertEquals(200, response.status(), response::toString);
        assertEquals(Set.of("items"), response.body().keySet());
        return response.items();
    }

    private static Map<String, Object> publication(
            UUID component,
            String name,
            String type,
            String currentVersion,
            String pendingVersion,
            String latestVersion,
            boolean deleted) {
        return obj(
                "componentId", component.toString(),
                "componentName", name,
                "componentType", type,
                "currentVersion", currentVersion,
                "pendingVersion", pendingVersion,
                "latestVersion", latestVersion,
                "deleted", deleted);
    }

    private void assertChanges(UUID pack, boolean expected) {
        assertEquals(expected, pack(pack).get("hasUnreleasedChanges"));
        List<Map<String, Object>> listed =
                api.get("/api/v1/integration-packs?limit=500", token).items();
        Map<String, Object> inList = listed.stream()
                .filter(item -> pack.toString().equals(item.get("id")))
                .findFirst()
                .orElseThrow();
        assertEquals(pack(pack).body(), inList, "the list computes the same as the single read");
    }

    @Test
    void neverReleased() {
        UUID pack = fixtures.pack(partner, "Never released", "SINGLE");
        assertEquals(List.of(), publications(pack));
        assertChanges(pack, false);

        UUID orders = fixtures.shareableProcess(partner, "Orders");
        UUID api = fixtures.component(partner, "Catalog API", "API_SERVICE");
        fixtures.pkg(partner, api, "3.1", true);
        fixtures.add(partner, pack, orders);
        fixtures.add(partner, pack, api);
        assertEquals(
                List.of(
                        publication(api, "Catalog API", "API_SERVICE", null, null, "3.1", false),
                        publication(orders, "Orders", "PROCESS", null, null, "1.0", false)),
                publications(pack));
        assertNull(pack(pack).get("currentRelease"));
        assertNull(pack(pack).get("pendingRelease"));
        assertChanges(pack, true);
    }

    @Test
    void releasedWithoutChangesThenANewShareablePackage() {
        UUID pack = fixtures.pack(partner, "Released", "SINGLE");
        UUID invoices = fixtures.shareableProcess(partner, "Invoices");
        fixtures.add(partner, pack, invoices);
        fixtures.releaseNow(pack);

        ApiResponse released = pack(pack);
        @SuppressWarnings("unchecked")
        Map<String, Object> current = (Map<String, Object>) released.get("currentRelease");
        assertEquals(Set.of("releaseNumber", "releasedAt"), current.keySet());
        assertEquals(1, current.get("releaseNumber"));
        assertTrue(((String) current.get("releasedAt")).endsWith("Z"), released::toString);
        assertNull(released.get("pendingRelease"));
        assertChanges(pack, false);
        assertEquals(
                List.of(publication(invoices, "Invoices", "PROCESS", "1.0", null, "1.0", false)), publications(pack));

        // a new shareable version is available, but never re-releases the pack by itself
        fixtures.pkg(partner, invoices, "1.1", true);
        assertEquals(
                List.of(publication(invoices, "Invoices", "PROCESS", "1.0", null, "1.1", false)), publications(pack));
        assertChanges(pack, true);
        assertEquals(current, pack(pack).get("currentRelease"));

        fixtures.releaseNow(pack);
        assertEquals(2, ((Map<?, ?>) pack(pack).get("currentRelease")).get("releaseNumber"));
        assertEquals(
                List.of(publication(invoices, "Invoices", "PROCESS", "1.1", null, "1.1", false)), publications(pack));
        assertChanges(pack, false);
    }

    @Test
    void newerPackagesThatAreNotShareableAreIgnored() {
        UUID pack = fixtures.pack(partner, "Drafts ignored", "SINGLE");
        UUID shipping = fixtures.shareableProcess(partner, "Shipping");
        fixtures.add(partner, pack, shipping);
        fixtures.releaseNow(pack);
        fixtures.pkg(partner, shipping, "2.0-draft", false);
        assertEquals(
                List.of(publication(shipping, "Shipping", "PROCESS", "1.0", null, "1.0", false)), publications(pack));
        assertChanges(pack, false);
    }

    @Test
    void removedMemberIsDeletedUntilTheNextRelease() {
        UUID pack = fixtures.pack(partner, "Removal", "SINGLE");
        UUID kept = fixtures.shareableProcess(partner, "Kept");
        UUID removed = fixtures.shareableProcess(partner, "Removed");
        fixtures.add(partner, pack, kept);
        fixtures.add(partner, pack, removed);
        fixtures.releaseNow(pack);
        assertChanges(pack, false);

        assertEquals(
                204,
                api.delete("/api/v1/integration-packs/" + pack + "/components/" + removed, token)
                        .status());
        assertEquals(
                List.of(
                        publication(kept, "Kept", "PROCESS", "1.0", null, "1.0", false),
                        publication(removed, "Removed", "PROCESS", "1.0", null, null, true)),
                publications(pack));
        assertChanges(pack, true);
        assertEquals(1, pack(pack).get("componentCount"));

        fixtures.add(partner, pack, removed);
        assertChanges(pack, false);

        assertEquals(
                204,
                api.delete("/api/v1/integration-packs/" + pack + "/components/" + removed, token)
                        .status());
        fixtures.releaseNow(pack);
        assertEquals(
                List.of(publication(kept, "Kept", "PROCESS", "1.0", null, "1.0", false)),
                publications(pack),
                "gone once a release without it is current");
        assertChanges(pack, false);
    }

    @Test
    void pendingReleaseIsTheNewestRelease() {
        UUID pack = fixtures.pack(partner, "Pending", "SINGLE");
        UUID stable = fixtures.shareableProcess(partner, "Stable");
        UUID upgraded = fixtures.shareableProcess(partner, "Upgraded");
        UUID dropped = fixtures.shareableProcess(partner, "Dropped");
        fixtures.add(partner, pack, stable);
        fixtures.add(partner, pack, upgraded);
        fixtures.add(partner, pack, dropped);
        fixtures.releaseNow(pack);

        fixtures.pkg(partner, upgraded, "1.1", true);
        UUID added = fixtures.shareableProcess(partner, "Added");
        fixtures.add(partner, pack, added);
        assertEquals(
                204,
                api.delete("/api/v1/integration-packs/" + pack + "/components/" + dropped, token)
                        .status());
        assertChanges(pack, true);

        LocalDate date = LocalDate.of(2031, 6, 1);
        fixtures.scheduleRelease(pack, date);
        ApiResponse scheduled = pack(pack);
        assertEquals(
                obj("releaseNumber", 2, "releaseOnDate", "2031-06-01", "windowStart", "2031-05-31T22:00:00Z"),
                scheduled.get("pendingRelease"));
        assertEquals(1, ((Map<?, ?>) scheduled.get("currentRelease")).get("releaseNumber"));
        assertChanges(pack, false);
        assertEquals(
                List.of(
                        publication(added, "Added", "PROCESS", null, "1.0", "1.0", false),
                        publication(dropped, "Dropped", "PROCESS", "1.0", null, null, true),
                        publication(stable, "Stable", "PROCESS", "1.0", "1.0", "1.0", false),
                        publication(upgraded, "Upgraded", "PROCESS", "1.0", "1.1", "1.1", false)),
                publications(pack));

        fixtures.pkg(partner, stable, "1.1", true);
        assertChanges(pack, true);
        assertEquals(
                publication(stable, "Stable", "PROCESS", "1.0", "1.0", "1.1", false),
                publications(pack).get(2));
    }

    @Test
    void firstReleaseScheduled() {
        UUID pack = fixtures.pack(partner, "First release pending", "SINGLE");
        UUID only = fixtures.shareableProcess(partner, "Only");
        fixtures.add(partner, pack, only);
        fixtures.scheduleRelease(pack, LocalDate.of(2031, 1, 15));
        ApiResponse scheduled = pack(pack);
        assertNull(scheduled.get("currentRelease"));
        assertEquals(1, ((Map<?, ?>) scheduled.get("pendingRelease")).get("releaseNumber"));
        assertChanges(pack, false);
        assertEquals(List.of(publication(only, "Only", "PROCESS", null, "1.0", "1.0", false)), publications(pack));
    }

    @Test
    void publicationsOfUnknownPacksAreNotFound() {
        assertProblem(404, api.get("/api/v1/integration-packs/" + UUID.randomUUID() + "/publications", token));
    }
}
