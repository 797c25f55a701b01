package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogApiTestBase;
import io.packwright.api.support.CatalogFixtures;
import io.packwright.api.support.Tokens;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/integration-packs/{id}/release-preview}: what a release would hold, reach and
 * fail on, and what creating it would answer, without changing anything.
 */
class ReleasePreviewApiTest extends CatalogApiTestBase {

    private UUID partner;
    private UUID customer;
    private UUID pack;
    private UUID orders;
    private UUID billing;
    private String firstRelease;

    /** Release 1: Orders 1.0 requiring region; three instances, one with a region. */
    private void packWithInstances() {
        partner = createPartner("Preview partner " + UUID.randomUUID(), true, true);
        customer = createManaged(partner, "Preview customer");
        pack = fixtures.pack(partner, "Preview pack", "MULTI");
        orders = fixtures.component(partner, "Orders", "PROCESS");
        fixtures.pkg(
                partner, orders, "1.0", true, CatalogFixtures.extension("region", "PROCESS_PROPERTY", false, false));
        fixtures.add(partner, pack, orders);
        fixtures.group(partner, "Preview customers", customer, pack);
        ApiResponse first = api.post(
                "/api/v1/integration-packs/" + pack + "/releases",
                Tokens.account(partner),
                obj("releaseSchedule", "IMMEDIATELY"));
        assertEquals(202, first.status(), first::toString);
        firstRelease = first.string("id");
        fixtures.instances(customer, pack, UUID.fromString(firstRelease), 3);
        fixtures.exec(
                "INSERT INTO instance_extension_values (integration_pack_instance_id, key, value)"
                        + " SELECT id, 'region', 'eu' FROM integration_pack_instances WHERE integration_pack_id = ?"
                        + " AND override_name = 'bulk-1'",
                pack);
    }

    private ApiResponse preview(UUID caller, Map<String, Object> body) {
        return api.post("/api/v1/integration-packs/" + pack + "/release-preview", Tokens.account(caller), body);
    }

    private long footprint() {
        return count("SELECT count(*) FROM releases WHERE integration_pack_id = '" + pack + "'")
                + count("SELECT count(*) FROM webhook_events")
                + count("SELECT count(*) FROM release_instances")
                + count("SELECT last_release_number FROM integration_packs WHERE id = '" + pack + "'");
    }

    @Test
    void aPreviewShowsTheContentReachAndFailuresOfAReleaseAndChangesNothing() {
        packWithInstances();
        // release 2 would update Orders (now requiring region and token) and add Billing
        fixtures.pkg(
                partner,
                orders,
                "2.0",
                true,
                CatalogFixtures.extension("region", "PROCESS_PROPERTY", true, false),
                CatalogFixtures.extension("token", "PROCESS_PROPERTY", true, true));
        billing = fixtures.component(partner, "Billing", "PROCESS");
        fixtures.pkg(partner, billing, "0.9", true);
        fixtures.add(partner, pack, billing);
        long before = footprint();

        ApiResponse preview = preview(partner, obj("releaseSchedule", "IMMEDIATELY"));

        assertEquals(200, preview.status(), preview::toString);
        assertEquals(
                List.of(
                        obj(
                                "componentId", billing.toString(),
                                "componentName", "Billing",
                                "fromVersion", null,
                                "toVersion", "0.9",
                                "change", "ADDED"),
                        obj(
                                "componentId", orders.toString(),
                                "componentName", "Orders",
                                "fromVersion", "1.0",
                                "toVersion", "2.0",
                                "change", "UPDATED")),
                preview.get("components"));
        assertNull(preview.get("windowStart"));
        assertNull(preview.get("windowEnd"));
        assertEquals(3, preview.get("instances"));
        assertEquals(3, preview.get("wouldFail"));
        assertEquals(
                List.of(
                        obj("missingKeys", List.of("region", "token"), "missingKeyCount", 2, "instances", 2),
                        obj("missingKeys", List.of("token"), "missingKeyCount", 1, "instances", 1)),
                preview.get("failureReasons"));
        assertEquals(2, preview.get("failureReasonCount"));
        assertEquals(List.of(obj("target", "100%", "instances", 3)), preview.get("waves"));
        assertEquals(List.of(), preview.get("blockers"));
        assertEquals(before, footprint(), "a preview writes nothing");

        // scheduled: the window in the partner's time zone
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        LocalDate date = LocalDate.now(berlin).plusDays(3);
        ApiResponse scheduled =
                preview(partner, obj("releaseSchedule", "RELEASE_ON_SPECIFIED_DATE", "releaseOnDate", date.toString()));
        assertEquals(200, scheduled.status(), scheduled::toString);
        Instant start = date.atStartOfDay(berlin).toInstant();
        assertEquals(start.toString(), scheduled.string("windowStart"));
        assertEquals(start.plusSeconds(3600).toString(), scheduled.string("windowEnd"));
        assertEquals(before, footprint());
    }

    @Test
    void blockersAreWhatCreatingTheReleaseWouldAnswerNow() {
        packWithInstances();
        // nothing new since release 1, and a date that is not after today
        ApiResponse stale = preview(
                partner,
                obj(
                        "releaseSchedule",
                        "RELEASE_ON_SPECIFIED_DATE",
                        "releaseOnDate",
                        LocalDate.now(ZoneId.of("Europe/Berlin")).toString()));
        assertEquals(200, stale.status(), stale::toString);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> blockers = (List<Map<String, Object>>) stale.get("blockers");
        assertEquals(
                List.of(400, 409), blockers.stream().map(b -> b.get("status")).toList(), stale::toString);
        assertTrue(((String) blockers.get(0).get("detail")).contains("'releaseOnDate' must be after today"));
        assertTrue(((String) blockers.get(1).get("detail")).startsWith("Nothing to release"));
        assertNull(stale.get("windowStart"));
        // and creating it answers the first of them
        assertProblem(
                400,
                api.post(
                        "/api/v1/integration-packs/" + pack + "/releases",
                        Tokens.account(partner),
                        obj(
                                "releaseSchedule",
                                "RELEASE_ON_SPECIFIED_DATE",
                                "releaseOnDate",
                                LocalDate.now(ZoneId.of("Europe/Berlin")).toString())));

        // a rollback to the current content, and to a release the pack does not have
        ApiResponse same = preview(partner, obj("releaseSchedule", "IMMEDIATELY", "contentOf", 1));
        assertEquals(
                List.of(obj(
                        "componentId", orders.toString(),
                        "componentName", "Orders",
                        "fromVersion", "1.0",
                        "toVersion", "1.0",
                        "change", "UNCHANGED")),
                same.get("components"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sameBlockers = (List<Map<String, Object>>) same.get("blockers");
        assertEquals(409, sameBlockers.get(0).get("status"));
        assertTrue(((String) sameBlockers.get(0).get("detail")).contains("same packages as its newest release (1)"));
        ApiResponse missing = preview(partner, obj("releaseSchedule", "IMMEDIATELY", "contentOf", 7));
        assertEquals(List.of(), missing.get("components"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> missingBlockers = (List<Map<String, Object>>) missing.get("blockers");
        assertEquals(400, missingBlockers.get(0).get("status"));
        assertTrue(((String) missingBlockers.get(0).get("detail")).contains("has no release 7"));
        assertEquals(1, count("SELECT count(*) FROM releases WHERE integration_pack_id = '" + pack + "'"));

        // a rollout that creating would refuse is a blocker; a valid one splits the instances into its waves
        Map<String, Object> invalidRollout = obj(
                "releaseSchedule",
                "IMMEDIATELY",
                "rollout",
                obj("waves", List.of(obj("percent", 50), obj("percent", 10))));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> stagedBlockers =
                (List<Map<String, Object>>) preview(partner, invalidRollout).get("blockers");
        assertEquals(400, stagedBlockers.get(0).get("status"));
        assertTrue(((String) stagedBlockers.get(0).get("detail")).contains("rollout.waves[1].percent"));
        ApiResponse staged = preview(
                partner,
                obj(
                        "releaseSchedule",
                        "IMMEDIATELY",
                        "rollout",
                        obj("waves", List.of(obj("percent", 50), obj("percent", 100)))));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> waves = (List<Map<String, Object>>) staged.get("waves");
        assertEquals(
                List.of("50%", "100%"), waves.stream().map(w -> w.get("target")).toList());
        assertEquals(
                ((Number) staged.get("instances")).longValue(),
                waves.stream()
                        .mapToLong(w -> ((Number) w.get("instances")).longValue())
                        .sum(),
                "the waves split the instances");
        fixtures.pkg(partner, orders, "1.1", true);
        ApiResponse refused = assertProblem(
                400,
                api.post("/api/v1/integration-packs/" + pack + "/releases", Tokens.account(partner), invalidRollout));
        assertTrue(refused.toString().contains("rollout"), refused::toString);
        assertEquals(1, count("SELECT count(*) FROM releases WHERE integration_pack_id = '" + pack + "'"));
    }

    @Test
    void onlyThePacksPartnerPreviewsAndABadBodyIsA400() {
        packWithInstances();
        UUID stranger = createPartner("Stranger " + UUID.randomUUID(), true, false);
        assertProblem(404, preview(stranger, obj("releaseSchedule", "IMMEDIATELY")));
        assertProblem(403, preview(customer, obj("releaseSchedule", "IMMEDIATELY")));
        assertProblem(
                403,
                api.post(
                        "/api/v1/integration-packs/" + pack + "/release-preview",
                        Tokens.admin(),
                        obj("releaseSchedule", "IMMEDIATELY")));
        assertProblem(400, preview(partner, obj("releaseOnDate", "2030-01-01")));
        assertProblem(400, preview(partner, obj("releaseSchedule", "IMMEDIATELY", "contentOf", 0)));
        assertProblem(
                404,
                api.post(
                        "/api/v1/integration-packs/" + UUID.randomUUID() + "/release-preview",
                        Tokens.account(partner),
                        obj("releaseSchedule", "IMMEDIATELY")));
    }
}
