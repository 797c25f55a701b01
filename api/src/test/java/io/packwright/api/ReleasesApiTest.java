package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogApiTestBase;
import io.packwright.api.support.CatalogFixtures;
import io.packwright.api.support.Tokens;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Creating and reading releases over HTTP: numbers, frozen content, windows in the partner's time
 * zone, the 400/409 rules, one pending release per pack, supersede, idempotency, tenancy. The
 * workflows are started but no worker runs here; {@link ReleaseExecutionApiTest} runs them.
 */
class ReleasesApiTest extends CatalogApiTestBase {

    private UUID partnerIn(String zone) {
        ApiResponse response = api.post(
                "/api/v1/accounts",
                Tokens.admin(),
                obj(
                        "name",
                        "Partner " + UUID.randomUUID(),
                        "type",
                        "PARTNER",
                        "timeZone",
                        zone,
                        "features",
                        obj("integrationPackManagement", true, "multiInstallIntegrationPacks", false)));
        assertEquals(201, response.status(), response::toString);
        return UUID.fromString(response.string("id"));
    }

    /** A pack with one shareable PROCESS member. */
    private UUID packWithMember(UUID partner) {
        UUID pack = fixtures.pack(partner, "Pack " + UUID.randomUUID(), "SINGLE");
        fixtures.add(partner, pack, fixtures.shareableProcess(partner, "Orders " + UUID.randomUUID()));
        return pack;
    }

    private ApiResponse release(UUID partner, UUID pack, Object body) {
        return api.post("/api/v1/integration-packs/" + pack + "/releases", Tokens.account(partner), body);
    }

    private static Map<String, Object> immediately() {
        return obj("releaseSchedule", "IMMEDIATELY", "releaseNotes", "first");
    }

    private static Map<String, Object> onDate(LocalDate date) {
        return obj("releaseSchedule", "RELEASE_ON_SPECIFIED_DATE", "releaseOnDate", date.toString());
    }

    private static LocalDate inDays(String zone, int days) {
        return LocalDate.now(ZoneId.of(zone)).plusDays(days);
    }

    @Test
    void anImmediateReleaseIsCurrentAtOnceWithFrozenContent() {
        UUID partner = createPartner("Immediate", true, false);
        UUID pack = fixtures.pack(partner, "Pack", "SINGLE");
        UUID component = fixtures.component(partner, "Orders", "PROCESS");
        UUID package1 = fixtures.pkg(partner, component, "1.0", true);
        fixtures.add(partner, pack, component);

        ApiResponse created = release(partner, pack, immediately());

        assertEquals(202, created.status(), created::toString);
        String id = created.string("id");
        assertEquals(
                "/api/v1/releases/" + id,
                created.headers().firstValue("Location").orElse(null));
        assertEquals(pack.toString(), created.string("integrationPackId"));
        assertEquals(1, ((Number) created.get("releaseNumber")).intValue());
        assertEquals("IMMEDIATELY", created.string("releaseSchedule"));
        assertEquals("IN_PROGRESS", created.string("status"));
        assertNull(created.get("releaseOnDate"));
        assertNull(created.get("windowStart"));
        assertNull(created.get("windowEnd"));
        assertNotNull(created.get("startedAt"));
        assertNull(created.get("completedAt"));
        assertEquals("first", created.string("releaseNotes"));
        assertEquals("integration-pack-" + pack + "-release-1", created.string("workflowId"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> components = (List<Map<String, Object>>) created.get("components");
        assertEquals(1, components.size());
        assertEquals(component.toString(), components.get(0).get("componentId"));
        assertEquals(package1.toString(), components.get(0).get("packageId"));
        assertEquals("1.0", components.get(0).get("packageVersion"));
        assertEquals("Orders", components.get(0).get("componentName"));
        assertEquals("PROCESS", components.get(0).get("componentType"));
        assertEquals(
                Map.of(
                        "instances", 0,
                        "applied", 0,
                        "appliedManually", 0,
                        "appliedAutomatically", 0,
                        "failed", 0,
                        "remaining", 0,
                        "deployed", 0,
                        "deploymentFailed", 0,
                        "reverted", 0),
                created.get("progress"));

        ApiResponse packNow = api.get("/api/v1/integration-packs/" + pack, Tokens.account(partner));
        assertEquals(1, ((Number) ((Map<?, ?>) packNow.get("currentRelease")).get("releaseNumber")).intValue());
        assertEquals(false, packNow.get("hasUnreleasedChanges"));

        // a newer package is not part of the frozen release
        fixtures.pkg(partner, component, "1.1", true);
        ApiResponse read = api.get("/api/v1/releases/" + id, Tokens.account(partner));
        assertEquals(200, read.status(), read::toString);
        assertEquals(created.get("components"), read.get("components"));
        ApiResponse second = release(partner, pack, immediately());
        assertEquals(202, second.status(), second::toString);
        assertEquals(2, ((Number) second.get("releaseNumber")).intValue());
        assertEquals(
                "1.1",
                ((List<Map<String, Object>>) second.get("components")).get(0).get("packageVersion"));
    }

    @Test
    void nothingToReleaseIsAConflict() {
        UUID partner = createPartner("Nothing", true, false);
        UUID empty = fixtures.pack(partner, "Empty", "SINGLE");
        assertProblem(409, release(partner, empty, immediately()));

        UUID pack = packWithMember(partner);
        assertEquals(202, release(partner, pack, immediately()).status());
        assertProblem(409, release(partner, pack, immediately()));
        assertProblem(409, release(partner, pack, onDate(inDays("Europe/Berlin", 3))));
        assertEquals(1, count("SELECT count(*) FROM releases WHERE integration_pack_id = '" + pack + "'"));
    }

    @Test
    void aScheduledReleaseIsPendingWithItsWindowInThePartnersTimeZone() {
        UUID partner = partnerIn("America/New_York");
        UUID pack = packWithMember(partner);
        LocalDate date = inDays("America/New_York", 10);

        ApiResponse created = release(partner, pack, onDate(date));

        assertEquals(202, created.status(), created::toString);
        assertEquals("SCHEDULED", created.string("status"));
        assertEquals(date.toString(), created.string("releaseOnDate"));
        java.time.Instant start =
                date.atStartOfDay(ZoneId.of("America/New_York")).toInstant();
        assertEquals(start.toString(), created.string("windowStart"));
        assertEquals(start.plusSeconds(3600).toString(), created.string("windowEnd"));
        assertNull(created.get("startedAt"));

        ApiResponse packNow = api.get("/api/v1/integration-packs/" + pack, Tokens.account(partner));
        assertNull(packNow.get("currentRelease"));
        Map<?, ?> pending = (Map<?, ?>) packNow.get("pendingRelease");
        assertEquals(date.toString(), pending.get("releaseOnDate"));
        assertEquals(start.toString(), pending.get("windowStart"));
    }

    @Test
    void windowsFollowDaylightSavingChangesAndFixedOffsets() {
        // Havana skips from 00:00 to 01:00 on 2027-03-14: the day starts at 01:00 local (05:00Z)
        UUID havana = partnerIn("America/Havana");
        ApiResponse gap = release(havana, packWithMember(havana), onDate(LocalDate.parse("2027-03-14")));
        assertEquals(202, gap.status(), gap::toString);
        assertEquals("2027-03-14T05:00:00Z", gap.string("windowStart"));
        assertEquals("2027-03-14T06:00:00Z", gap.string("windowEnd"));

        // Berlin switches to summer time at 02:00 on 2027-03-28; midnight is still UTC+1
        UUID berlin = partnerIn("Europe/Berlin");
        ApiResponse spring = release(berlin, packWithMember(berlin), onDate(LocalDate.parse("2027-03-28")));
        assertEquals("2027-03-27T23:00:00Z", spring.string("windowStart"));
        ApiResponse summer = release(berlin, packWithMember(berlin), onDate(LocalDate.parse("2027-03-29")));
        assertEquals("2027-03-28T22:00:00Z", summer.string("windowStart"));

        UUID india = partnerIn("+05:30");
        ApiResponse offset = release(india, packWithMember(india), onDate(LocalDate.parse("2027-01-10")));
        assertEquals("2027-01-09T18:30:00Z", offset.string("windowStart"));
    }

    @Test
    void invalidSchedulesAreRejectedWithoutWritingAnything() {
        UUID partner = partnerIn("Pacific/Kiritimati");
        UUID pack = packWithMember(partner);
        LocalDate today = LocalDate.now(ZoneId.of("Pacific/Kiritimati"));

        assertFieldError(assertProblem(400, release(partner, pack, onDate(today))), "releaseOnDate");
        assertFieldError(assertProblem(400, release(partner, pack, onDate(today.minusDays(1)))), "releaseOnDate");
        assertFieldError(
                assertProblem(400, release(partner, pack, obj("releaseSchedule", "RELEASE_ON_SPECIFIED_DATE"))),
                "releaseOnDate");
        assertFieldError(
                assertProblem(
                        400,
                        release(
                                partner,
                                pack,
                                obj(
                                        "releaseSchedule",
                                        "IMMEDIATELY",
                                        "releaseOnDate",
                                        today.plusDays(2).toString()))),
                "releaseOnDate");
        assertProblem(400, release(partner, pack, obj("releaseSchedule", "TOMORROW")));
        assertProblem(
                400,
                release(
                        partner,
                        pack,
                        obj("releaseSchedule", "RELEASE_ON_SPECIFIED_DATE", "releaseOnDate", "2027-02-30")));
        assertProblem(400, release(partner, pack, obj()));
        assertProblem(
                400, release(partner, pack, obj("releaseSchedule", "IMMEDIATELY", "releaseNotes", "x".repeat(10_001))));
        assertProblem(
                400,
                api.raw(
                        "POST",
                        "/api/v1/integration-packs/" + pack + "/releases",
                        Tokens.account(partner),
                        "application/json",
                        "{\"releaseSchedule\":"));
        assertEquals(0, count("SELECT count(*) FROM releases WHERE integration_pack_id = '" + pack + "'"));

        assertEquals(202, release(partner, pack, onDate(today.plusDays(1))).status());
    }

    @Test
    void releaseOnDateIsAtMost365DaysAfterTodayInThePartnersTimeZone() {
        // +14:00 and -12:00 are 26 hours apart, so their dates always differ, and whatever the hour, one
        // of them differs from UTC's date: a limit counted in any other zone fails one of the checks
        String east = "+14:00";
        String west = "-12:00";
        for (String zone : List.of(east, west)) {
            UUID partner = partnerIn(zone);
            UUID pack = packWithMember(partner);
            LocalDate latest = inDays(zone, 365);

            for (LocalDate tooLate : List.of(latest.plusDays(1), LocalDate.parse("9999-12-31"))) {
                ApiResponse refused = assertProblem(400, release(partner, pack, onDate(tooLate)));
                assertFieldError(refused, "releaseOnDate");
                assertTrue(refused.string("detail").contains("latest allowed date is " + latest), refused::toString);
            }
            assertEquals(0, count("SELECT count(*) FROM releases WHERE integration_pack_id = '" + pack + "'"));
            assertEquals(0, count("SELECT last_release_number FROM integration_packs WHERE id = '" + pack + "'"));
            assertNull(api.get("/api/v1/integration-packs/" + pack, Tokens.account(partner))
                    .get("pendingRelease"));

            ApiResponse accepted = release(partner, pack, onDate(latest));
            assertEquals(202, accepted.status(), accepted::toString);
            assertEquals("SCHEDULED", accepted.string("status"));
            assertEquals(latest.toString(), accepted.string("releaseOnDate"));
        }
        UUID western = partnerIn(west);
        ApiResponse eastsLatest = release(western, packWithMember(western), onDate(inDays(east, 365)));
        assertFieldError(assertProblem(400, eastsLatest), "releaseOnDate");
    }

    @Test
    void onePendingReleasePerPackAndAnImmediateReleaseSupersedesIt() {
        UUID partner = createPartner("Supersede", true, false);
        UUID pack = fixtures.pack(partner, "Pack", "SINGLE");
        UUID component = fixtures.shareableProcess(partner, "Orders");
        fixtures.add(partner, pack, component);
        ApiResponse first = release(partner, pack, immediately());
        fixtures.pkg(partner, component, "2.0", true);
        ApiResponse scheduled = release(partner, pack, onDate(inDays("Europe/Berlin", 5)));
        assertEquals("SCHEDULED", scheduled.string("status"));

        fixtures.pkg(partner, component, "3.0", true);
        ApiResponse secondSchedule = assertProblem(409, release(partner, pack, onDate(inDays("Europe/Berlin", 6))));
        assertTrue(secondSchedule.string("detail").contains("pending release"), secondSchedule::toString);

        ApiResponse immediate = release(partner, pack, immediately());
        assertEquals(202, immediate.status(), immediate::toString);
        assertEquals(3, ((Number) immediate.get("releaseNumber")).intValue());

        ApiResponse superseded = api.get("/api/v1/releases/" + scheduled.string("id"), Tokens.account(partner));
        assertEquals("SUPERSEDED", superseded.string("status"));
        assertNotNull(superseded.get("completedAt"));
        ApiResponse firstNow = api.get("/api/v1/releases/" + first.string("id"), Tokens.account(partner));
        assertEquals("SUPERSEDED", firstNow.string("status"), "a release still being applied is superseded too");
        ApiResponse packNow = api.get("/api/v1/integration-packs/" + pack, Tokens.account(partner));
        assertNull(packNow.get("pendingRelease"));
        assertEquals(3, ((Number) ((Map<?, ?>) packNow.get("currentRelease")).get("releaseNumber")).intValue());

        // the pending slot is free again
        fixtures.pkg(partner, component, "4.0", true);
        assertEquals(
                202, release(partner, pack, onDate(inDays("Europe/Berlin", 7))).status());
    }

    @Test
    void concurrentReleasesOfOnePackGiveOneRelease() throws Exception {
        UUID partner = createPartner("Concurrent", true, false);
        for (Map<String, Object> body : List.of(immediately(), onDate(inDays("Europe/Berlin", 4)))) {
            UUID pack = packWithMember(partner);
            ExecutorService pool = Executors.newFixedThreadPool(10);
            try {
                List<Callable<Integer>> calls = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    calls.add(() -> release(partner, pack, body).status());
                }
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> status : pool.invokeAll(calls)) {
                    statuses.add(status.get());
                }
                assertEquals(1, statuses.stream().filter(s -> s == 202).count(), statuses::toString);
                assertEquals(9, statuses.stream().filter(s -> s == 409).count(), statuses::toString);
            } finally {
                pool.shutdownNow();
            }
            assertEquals(1, count("SELECT count(*) FROM releases WHERE integration_pack_id = '" + pack + "'"));
        }
    }

    @Test
    void disagreeingExtensionSettingsAreAConflictAtReleaseTime() {
        UUID partner = createPartner("Extensions", true, false);
        UUID pack = fixtures.pack(partner, "Pack", "SINGLE");
        UUID orders = fixtures.component(partner, "Orders", "PROCESS");
        fixtures.pkg(
                partner, orders, "1.0", true, CatalogFixtures.extension("apiKey", "PROCESS_PROPERTY", true, false));
        UUID billing = fixtures.component(partner, "Billing", "PROCESS");
        fixtures.pkg(
                partner, billing, "1.0", true, CatalogFixtures.extension("apiKey", "PROCESS_PROPERTY", true, false));
        fixtures.add(partner, pack, orders);
        fixtures.add(partner, pack, billing);
        // a later package of one member changes the shared key's settings
        fixtures.pkg(
                partner, billing, "2.0", true, CatalogFixtures.extension("apiKey", "PROCESS_PROPERTY", false, false));

        ApiResponse conflict = assertProblem(409, release(partner, pack, immediately()));
        assertTrue(conflict.string("detail").contains("'apiKey'"), conflict::toString);
        assertEquals(0, count("SELECT count(*) FROM releases WHERE integration_pack_id = '" + pack + "'"));
    }

    @Test
    void aConflictAtReleaseTimeNamesTenExtensionsAndCountsTheRest() {
        UUID partner = createPartner("Many conflicts", true, false);
        UUID pack = fixtures.pack(partner, "Pack", "SINGLE");
        UUID orders = fixtures.component(partner, "Orders", "PROCESS");
        fixtures.pkg(
                partner, orders, "1.0", true, CatalogFixtures.extensions("key", 12, "PROCESS_PROPERTY", true, false));
        UUID billing = fixtures.component(partner, "Billing", "PROCESS");
        fixtures.pkg(
                partner, billing, "1.0", true, CatalogFixtures.extensions("key", 12, "PROCESS_PROPERTY", true, false));
        fixtures.add(partner, pack, orders);
        fixtures.add(partner, pack, billing);
        fixtures.pkg(
                partner, billing, "2.0", true, CatalogFixtures.extensions("key", 12, "PROCESS_PROPERTY", true, true));

        ApiResponse conflict = assertProblem(409, release(partner, pack, immediately()));
        assertNamesTenKeysAndCountsTheRest(conflict.string("detail"), "key", 12);
        assertEquals(0, count("SELECT count(*) FROM releases WHERE integration_pack_id = '" + pack + "'"));
    }

    @Test
    void anIdempotencyKeyReplaysTheFirstRelease() {
        UUID partner = createPartner("Idempotent", true, false);
        UUID pack = packWithMember(partner);
        Map<String, String> key = Map.of("Idempotency-Key", "release-" + pack);
        String path = "/api/v1/integration-packs/" + pack + "/releases";

        ApiResponse first = api.post(path, Tokens.account(partner), immediately(), key);
        ApiResponse retry = api.post(path, Tokens.account(partner), immediately(), key);

        assertEquals(202, first.status(), first::toString);
        assertEquals(202, retry.status(), retry::toString);
        assertEquals("true", retry.headers().firstValue("Idempotent-Replayed").orElse(null));
        assertEquals(first.string("id"), retry.string("id"));
        assertEquals(
                first.headers().firstValue("Location").orElse(null),
                retry.headers().firstValue("Location").orElse(null));
        assertEquals(1, count("SELECT count(*) FROM releases WHERE integration_pack_id = '" + pack + "'"));
        assertProblem(409, api.post(path, Tokens.account(partner), onDate(inDays("Europe/Berlin", 3)), key));
    }

    @Test
    void releasesAreListedNewestFirstPageByPage() {
        UUID partner = createPartner("Listing", true, false);
        UUID pack = fixtures.pack(partner, "Pack", "SINGLE");
        UUID component = fixtures.component(partner, "Orders", "PROCESS");
        fixtures.pkg(partner, component, "1.0", true);
        fixtures.add(partner, pack, component);
        for (int version = 1; version <= 5; version++) {
            if (version > 1) {
                fixtures.pkg(partner, component, version + ".0", true);
            }
            assertEquals(202, release(partner, pack, immediately()).status());
        }

        List<Map<String, Object>> all =
                listAll("/api/v1/integration-packs/" + pack + "/releases", Tokens.account(partner), 2);

        assertEquals(
                List.of(5, 4, 3, 2, 1),
                all.stream()
                        .map(r -> ((Number) r.get("releaseNumber")).intValue())
                        .toList());
        assertEquals(
                "5.0",
                ((List<Map<String, Object>>) all.get(0).get("components"))
                        .get(0)
                        .get("packageVersion"));
        assertEquals("IN_PROGRESS", all.get(0).get("status"), "no worker runs in this test");
        assertTrue(all.subList(1, 5).stream().allMatch(r -> "SUPERSEDED".equals(r.get("status"))), all::toString);
        assertProblem(
                400,
                api.get("/api/v1/integration-packs/" + pack + "/releases?pageToken=bogus", Tokens.account(partner)));
        assertProblem(
                400, api.get("/api/v1/integration-packs/" + pack + "/releases?limit=501", Tokens.account(partner)));
    }

    @Test
    void aPageOfLargeReleasesStopsAtAbout1MBAndPagingYieldsEveryReleaseOnce() {
        UUID partner = createPartner("Large releases", true, false);
        UUID pack = fixtures.pack(partner, "Pack", "SINGLE");
        // 30 releases of 100 components with the longest names and versions and 10,000 characters of
        // notes: about 80 kB each, 2.4 MB in all
        fixtures.exec("""
                INSERT INTO components (id, partner_account_id, name, type, created_at)
                SELECT gen_random_uuid(), ?, lpad(n::text, 255, 'c'), 'PROCESS', now()
                FROM generate_series(1, 100) n""", partner);
        fixtures.exec("""
                INSERT INTO packaged_components (id, component_id, package_version, shareable, created_at)
                SELECT gen_random_uuid(), c.id, repeat('v', 255), true, now()
                FROM components c WHERE c.partner_account_id = ?""", partner);
        fixtures.exec("""
                INSERT INTO releases (id, integration_pack_id, partner_account_id, release_number, release_schedule,
                                      status, release_notes, workflow_id, created_at, started_at, completed_at)
                SELECT gen_random_uuid(), ?::uuid, ?::uuid, n, 'IMMEDIATELY', 'SUPERSEDED', repeat('r', 10000),
                       'release-' || gen_random_uuid(), now(), now(), now()
                FROM generate_series(1, 30) n""", pack, partner);
        fixtures.exec("""
                INSERT INTO release_components (release_id, component_id, component_name, component_type,
                                                packaged_component_id, package_version)
                SELECT r.id, c.id, c.name, c.type, pc.id, pc.package_version
                FROM releases r CROSS JOIN components c JOIN packaged_components pc ON pc.component_id = c.id
                WHERE r.integration_pack_id = ? AND c.partner_account_id = ?""", pack, partner);
        List<String> newestFirst =
                fixtures.column("SELECT id FROM releases WHERE integration_pack_id = '" + pack + "' ORDER BY id DESC");

        List<ApiResponse> pages =
                pagesWithinBudget("/api/v1/integration-packs/" + pack + "/releases", Tokens.account(partner), 500);

        assertEquals(newestFirst, itemIds(pages, "id"), "every release exactly once, in order");
        assertTrue(pages.size() >= 3, () -> pages.size() + " pages");
        assertTrue(pages.get(0).items().size() > 1, "a page holds as many as fit");
        for (ApiResponse page : pages) {
            for (Map<String, Object> release : page.items()) {
                assertEquals(100, ((List<?>) release.get("components")).size());
            }
        }
    }

    @Test
    void aPageOfTheLedgerWithLongFailureReasonsStopsAtAbout1MB() {
        UUID partner = createPartner("Long reasons", true, false);
        UUID managed = createManaged(partner, "Customer");
        UUID pack = packWithMember(partner);
        UUID release = fixtures.releaseNow(pack);
        fixtures.instances(managed, pack, release, 400);
        // 400 failures with 3,000-character reasons: about 3.2 kB each, 1.3 MB in all
        fixtures.exec("""
                INSERT INTO release_instances (release_id, integration_pack_instance_id, account_id, status,
                                               failure_reason, recorded_at)
                SELECT ?, i.id, i.account_id, 'FAILED', repeat('x', 3000), now()
                FROM integration_pack_instances i WHERE i.integration_pack_id = ?""", release, pack);
        List<String> instances = fixtures.column(
                "SELECT id FROM integration_pack_instances WHERE integration_pack_id = '" + pack + "' ORDER BY id");

        List<ApiResponse> pages = pagesWithinBudget(
                "/api/v1/releases/" + release + "/instances?status=FAILED", Tokens.account(partner), 500);

        assertEquals(instances, itemIds(pages, "integrationPackInstanceId"), "every entry exactly once, in order");
        assertEquals(2, pages.size(), "400 entries, at most about 300 per page");
    }

    @Test
    void theLedgerListsPendingInstancesOfAnOpenRelease() {
        UUID partner = createPartner("Ledger", true, false);
        UUID managed = createManaged(partner, "Customer");
        UUID pack = packWithMember(partner);
        UUID first = fixtures.releaseNow(pack);
        fixtures.instances(managed, pack, first, 5);
        fixtures.add(partner, pack, fixtures.shareableProcess(partner, "Billing"));
        ApiResponse scheduled = release(partner, pack, onDate(inDays("Europe/Berlin", 3)));
        String id = scheduled.string("id");
        Map<?, ?> progress = (Map<?, ?>) scheduled.get("progress");
        assertEquals(5, ((Number) progress.get("instances")).intValue());
        assertEquals(5, ((Number) progress.get("remaining")).intValue());

        List<Map<String, Object>> pending =
                listAll("/api/v1/releases/" + id + "/instances?status=PENDING", Tokens.account(partner), 2);
        assertEquals(5, pending.size());
        for (Map<String, Object> entry : pending) {
            assertEquals("PENDING", entry.get("status"));
            assertEquals(managed.toString(), entry.get("accountId"));
            assertNull(entry.get("mode"));
            assertNull(entry.get("appliedAt"));
            assertNull(entry.get("failureReason"));
        }
        assertEquals(
                5,
                listAll("/api/v1/releases/" + id + "/instances", Tokens.account(partner), 50)
                        .size());
        assertEquals(
                0,
                listAll("/api/v1/releases/" + id + "/instances?status=APPLIED", Tokens.account(partner), 50)
                        .size());
        assertProblem(400, api.get("/api/v1/releases/" + id + "/instances?status=DONE", Tokens.account(partner)));
    }

    @Test
    void releasesAreInvisibleToEveryoneButTheirPartner() {
        UUID partner = createPartner("Owner", true, false);
        UUID other = createPartner("Other", true, false);
        UUID managed = createManaged(partner, "Customer");
        UUID pack = packWithMember(partner);
        String id = release(partner, pack, immediately()).string("id");

        assertProblem(404, release(other, pack, immediately()));
        assertProblem(404, api.get("/api/v1/integration-packs/" + pack + "/releases", Tokens.account(other)));
        assertProblem(404, api.get("/api/v1/releases/" + id, Tokens.account(other)));
        assertProblem(404, api.get("/api/v1/releases/" + id + "/instances", Tokens.account(other)));
        assertProblem(404, api.get("/api/v1/releases/" + UUID.randomUUID(), Tokens.account(partner)));
        for (String token : List.of(Tokens.account(managed), Tokens.admin())) {
            assertProblem(403, api.post("/api/v1/integration-packs/" + pack + "/releases", token, immediately()));
            assertProblem(403, api.get("/api/v1/integration-packs/" + pack + "/releases", token));
            assertProblem(403, api.get("/api/v1/releases/" + id, token));
            assertProblem(403, api.get("/api/v1/releases/" + id + "/instances", token));
        }
        UUID noFeature = createPartner("No feature", false, false);
        assertProblem(403, release(noFeature, pack, immediately()));
        assertEquals(401, api.get("/api/v1/releases/" + id, null).status());
        assertEquals(1, count("SELECT count(*) FROM releases WHERE integration_pack_id = '" + pack + "'"));
    }
}
