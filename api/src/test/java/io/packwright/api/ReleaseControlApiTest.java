package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogFixtures;
import io.packwright.api.support.ReleaseWorkerApiTestBase;
import io.packwright.api.support.Tokens;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The partner's control of releases over HTTP: every action from every status (200 or 409, and a
 * 409 changes nothing), the tenant matrix, and the real workflow acting on cancel (manual applies
 * put back), reschedule, a staged rollout wave by wave with its failure gate, pause, resume, promote
 * and abort (what it applied put back, the previous current release restored).
 */
class ReleaseControlApiTest extends ReleaseWorkerApiTestBase {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final List<String> STATUSES =
            List.of("SCHEDULED", "IN_PROGRESS", "PAUSED", "RELEASED", "SUPERSEDED", "CANCELLED", "ABORTED");

    /** An action, the statuses it applies to and the status it leads to. */
    private record Action(String name, Set<String> from, String to) {}

    private static final List<Action> ACTIONS = List.of(
            new Action("reschedule", Set.of("SCHEDULED"), "SCHEDULED"),
            new Action("cancel", Set.of("SCHEDULED"), "CANCELLED"),
            new Action("pause", Set.of("IN_PROGRESS"), "PAUSED"),
            new Action("resume", Set.of("PAUSED"), "IN_PROGRESS"),
            // promote needs a soaking wave too: without one it is 409 from every status
            new Action("promote", Set.of(), "IN_PROGRESS"),
            new Action("abort", Set.of("IN_PROGRESS", "PAUSED"), "ABORTED"));

    private UUID partner;
    private UUID customer;
    private UUID otherCustomer;
    private UUID component;
    private UUID pack;
    private UUID group;

    private ApiResponse act(UUID caller, String releaseId, String action, Object body) {
        String token = caller == null ? null : Tokens.account(caller);
        if (action.equals("reschedule")) {
            return api.patch("/api/v1/releases/" + releaseId, token, body);
        }
        String path = "/api/v1/releases/" + releaseId + "/" + action;
        return body == null ? api.raw("POST", path, token, null, "") : api.post(path, token, body);
    }

    private static Map<String, Object> rescheduleBody(int daysAhead) {
        return obj("releaseOnDate", LocalDate.now(BERLIN).plusDays(daysAhead).toString());
    }

    private String status(String releaseId) {
        return fixtures.column("SELECT status FROM releases WHERE id = '" + releaseId + "'")
                .get(0);
    }

    /** A release of a fresh pack of {@code partner} with {@code status}, whose workflow does not run. */
    private String releaseIn(String status) {
        UUID fresh = fixtures.pack(partner, "Pack " + UUID.randomUUID(), "SINGLE");
        UUID member = fixtures.component(partner, "Orders " + UUID.randomUUID(), "PROCESS");
        fixtures.pkg(partner, member, "1.0", true);
        fixtures.add(partner, fresh, member);
        UUID release = fixtures.scheduleRelease(fresh, LocalDate.now(BERLIN).plusDays(5));
        fixtures.exec("UPDATE releases SET status = ? WHERE id = ?", status, release);
        return release.toString();
    }

    @Test
    void everyActionAnswers200FromTheStatusesItAppliesTo409FromEveryOtherAndA409ChangesNothing() {
        partner = createPartner("Partner " + UUID.randomUUID(), true, false);
        for (Action action : ACTIONS) {
            for (String from : STATUSES) {
                String release = releaseIn(from);
                Object body = action.name().equals("reschedule") ? rescheduleBody(9) : null;
                ApiResponse response = act(partner, release, action.name(), body);
                String context = action.name() + " from " + from + ": " + response;
                if (action.from().contains(from)) {
                    assertEquals(200, response.status(), context);
                    assertEquals(action.to(), response.string("status"), context);
                    assertEquals(action.to(), status(release), context);
                } else {
                    assertEquals(409, response.status(), context);
                    assertTrue(
                            response.string("detail").contains("is " + from)
                                    || response.string("detail").contains("has no wave soaking"),
                            context);
                    assertEquals(from, status(release), "a 409 changes nothing: " + context);
                }
            }
        }
    }

    @Test
    void anotherTenantsReleaseIs404AManagedAccount403AndNoTokenIs401() {
        partner = createPartner("Partner " + UUID.randomUUID(), true, false);
        UUID otherPartner = createPartner("Other partner " + UUID.randomUUID(), true, false);
        UUID managed = createManaged(partner, "Customer");
        UUID withoutFeature = createPartner("No packs " + UUID.randomUUID(), false, false);
        for (Action action : ACTIONS) {
            String release = releaseIn(
                    action.name().equals("resume")
                            ? "PAUSED"
                            : action.from().isEmpty()
                                    ? "IN_PROGRESS"
                                    : action.from().iterator().next());
            String before = status(release);
            Object body = action.name().equals("reschedule") ? rescheduleBody(9) : null;
            assertEquals(404, act(otherPartner, release, action.name(), body).status(), action.name());
            assertEquals(403, act(managed, release, action.name(), body).status(), action.name());
            assertEquals(403, act(withoutFeature, release, action.name(), body).status(), action.name());
            assertEquals(401, act(null, release, action.name(), body).status(), action.name());
            assertEquals(before, status(release), "refused requests change nothing");
        }
    }

    @Test
    void aRescheduleFollowsTheCreationRulesMovesTheWindowAndIsAnEvent() {
        packReleasedOnce();
        fixtures.pkg(partner, component, "2.0", true);
        String scheduled = release(obj(
                        "releaseSchedule",
                        "RELEASE_ON_SPECIFIED_DATE",
                        "releaseOnDate",
                        LocalDate.now(BERLIN).plusDays(5).toString()))
                .string("id");

        ApiResponse past = act(partner, scheduled, "reschedule", rescheduleBody(0));
        assertEquals(400, past.status(), past::toString);
        assertTrue(past.toString().contains("releaseOnDate"), past::toString);
        assertEquals(400, act(partner, scheduled, "reschedule", obj()).status(), "the date is required");
        assertEquals(
                400, act(partner, scheduled, "reschedule", rescheduleBody(400)).status());

        LocalDate later = LocalDate.now(BERLIN).plusDays(12);
        ApiResponse moved = act(partner, scheduled, "reschedule", rescheduleBody(12));
        assertEquals(200, moved.status(), moved::toString);
        assertEquals(later.toString(), moved.string("releaseOnDate"));
        assertEquals(later.atStartOfDay(BERLIN).toInstant().toString(), moved.string("windowStart"));
        assertEquals(later.atStartOfDay(BERLIN).plusHours(1).toInstant().toString(), moved.string("windowEnd"));
        assertEquals("SCHEDULED", moved.string("status"));
        assertEquals(
                1,
                count("SELECT count(*) FROM webhook_events WHERE type = 'release.rescheduled'"
                        + " AND data->>'releaseId' = '" + scheduled + "'"
                        + " AND data->>'releaseOnDate' = '" + later + "'"));
        ApiResponse pending = api.get("/api/v1/integration-packs/" + pack, Tokens.account(partner));
        assertEquals(later.toString(), ((Map<?, ?>) pending.get("pendingRelease")).get("releaseOnDate"));
    }

    @Test
    void cancellingAScheduledReleasePutsEveryManualApplyBackOnItsRelease() {
        packReleasedOnce();
        String manual = install(customer);
        String untouched = install(otherCustomer);
        fixtures.pkg(partner, component, "2.0", true);
        String scheduled = release(obj(
                        "releaseSchedule",
                        "RELEASE_ON_SPECIFIED_DATE",
                        "releaseOnDate",
                        LocalDate.now(BERLIN).plusDays(5).toString()))
                .string("id");
        ApiResponse applied = api.raw(
                "POST",
                "/api/v1/integration-pack-instances/" + manual + "/apply-pending-update",
                Tokens.account(customer),
                null,
                "");
        assertEquals(200, applied.status(), applied::toString);
        assertEquals(2, installedNumber(manual));

        ApiResponse cancelled = act(partner, scheduled, "cancel", obj("reason", "wrong package"));
        assertEquals(200, cancelled.status(), cancelled::toString);
        assertEquals("CANCELLED", cancelled.string("status"));
        assertEquals("wrong package", cancelled.string("statusReason"));

        await("the manual apply is put back", () -> installedNumber(manual) == 1);
        assertEquals(1, installedNumber(untouched));
        List<Map<String, Object>> reverted =
                listAll("/api/v1/releases/" + scheduled + "/instances?status=REVERTED", Tokens.account(partner), 10);
        assertEquals(1, reverted.size(), reverted::toString);
        assertEquals(manual, reverted.get(0).get("integrationPackInstanceId"));
        assertEquals("MANUAL", reverted.get(0).get("mode"));
        assertEquals(
                1,
                count("SELECT count(*) FROM release_instances WHERE release_id = '" + scheduled + "'"),
                "one ledger row, REVERTED");
        assertEquals(
                1,
                count("SELECT count(*) FROM webhook_events WHERE type = 'release.cancelled'"
                        + " AND data->>'releaseId' = '" + scheduled + "' AND data->>'reason' = 'wrong package'"));
        assertEquals(
                1,
                count("SELECT count(*) FROM webhook_events WHERE type = 'instances.updated'"
                        + " AND data->>'releaseId' = '" + scheduled + "'"
                        + " AND data->'instances'->0->>'status' = 'REVERTED'"));
        assertEquals(409, act(partner, scheduled, "cancel", null).status(), "cancelled once");
    }

    /**
     * Wave 1 is the account group of the customer whose instance cannot take the release: the gate
     * (0% failed allowed) pauses the release in its soak before wave 2 reaches the other customer;
     * a resume keeps soaking, a promote ends the soak, and wave 2 completes it.
     */
    @Test
    void aStagedRolloutGoesWaveByWaveAndItsFailureGatePausesItUntilResumed() {
        packReleasedOnce();
        String failing = install(customer);
        String later = install(otherCustomer);
        fixtures.exec(
                "INSERT INTO instance_extension_values (integration_pack_instance_id, key, value) VALUES (?::uuid, 'region', 'eu')",
                later);
        fixtures.pkg(
                partner, component, "2.0", true, CatalogFixtures.extension("region", "PROCESS_PROPERTY", true, false));
        Map<String, Object> staged = obj(
                "releaseSchedule",
                "IMMEDIATELY",
                "rollout",
                obj(
                        "waves",
                        List.of(obj("accountGroupId", group.toString()), obj("percent", 100)),
                        "soakMinutes",
                        60,
                        "maxFailedPercent",
                        0));

        ApiResponse preview =
                api.post("/api/v1/integration-packs/" + pack + "/release-preview", Tokens.account(partner), staged);
        assertEquals(200, preview.status(), preview::toString);
        assertEquals(
                List.of(obj("target", "accountGroup:" + group, "instances", 1), obj("target", "100%", "instances", 1)),
                preview.get("waves"));
        assertEquals(List.of(), preview.get("blockers"));

        String release = release(staged).string("id");
        ApiResponse paused = awaitStatus(partner, release, "PAUSED");
        Map<?, ?> rollout = (Map<?, ?>) paused.get("rollout");
        assertTrue(
                ((String) rollout.get("pausedReason")).startsWith("Failure gate: 1 of the 1 instances of wave 1"),
                paused::toString);
        List<?> waves = (List<?>) rollout.get("waves");
        assertEquals("SOAKING", ((Map<?, ?>) waves.get(0)).get("state"));
        assertEquals(1, ((Number) ((Map<?, ?>) waves.get(0)).get("failed")).intValue());
        assertEquals("PENDING", ((Map<?, ?>) waves.get(1)).get("state"));
        assertEquals(0, rollout.get("currentWave"));
        assertEquals(1, installedNumber(later), "wave 2 waits");
        assertEquals(1, installedNumber(failing));

        assertEquals(409, act(partner, release, "promote", null).status(), "a paused release is not promoted");
        ApiResponse resumed = act(partner, release, "resume", null);
        assertEquals(200, resumed.status(), resumed::toString);
        assertEquals("IN_PROGRESS", resumed.string("status"));
        assertNull(((Map<?, ?>) resumed.get("rollout")).get("pausedReason"));
        assertEquals(1, installedNumber(later), "still soaking after the resume");

        ApiResponse promoted = act(partner, release, "promote", null);
        assertEquals(200, promoted.status(), promoted::toString);
        ApiResponse done = awaitStatus(partner, release, "RELEASED");
        assertEquals(2, installedNumber(later));
        List<?> doneWaves = (List<?>) ((Map<?, ?>) done.get("rollout")).get("waves");
        assertEquals("DONE", ((Map<?, ?>) doneWaves.get(1)).get("state"));
        assertEquals(1, ((Number) ((Map<?, ?>) doneWaves.get(1)).get("applied")).intValue());
        assertNull(((Map<?, ?>) done.get("rollout")).get("currentWave"));
        assertEquals(
                1,
                count("SELECT count(*) FROM webhook_events WHERE type = 'release.paused' AND data->>'releaseId' = '"
                        + release + "'"));
        assertEquals(
                1,
                count("SELECT count(*) FROM webhook_events WHERE type = 'release.resumed' AND data->>'releaseId' = '"
                        + release + "'"));
    }

    /**
     * A staged release paused in its soak and aborted: the instances of wave 1 go back to release 1
     * (one REVERTED row each), wave 2 never runs, and release 1 is the pack's current release again.
     */
    @Test
    void anAbortPutsBackWhatTheReleaseUpdatedAndRestoresThePreviousCurrentRelease() {
        packReleasedOnce();
        String first = install(customer);
        String second = install(otherCustomer);
        fixtures.pkg(partner, component, "2.0", true);
        String release = release(obj(
                        "releaseSchedule",
                        "IMMEDIATELY",
                        "rollout",
                        obj(
                                "waves",
                                List.of(obj("accountGroupId", group.toString()), obj("percent", 100)),
                                "soakMinutes",
                                60)))
                .string("id");
        awaitRelease(
                partner,
                release,
                r -> "SOAKING"
                        .equals(((Map<?, ?>) ((List<?>) ((Map<?, ?>) r.get("rollout")).get("waves")).get(0))
                                .get("state")));
        assertEquals(2, installedNumber(first));
        assertEquals(2, currentNumber());

        ApiResponse paused = act(partner, release, "pause", obj("reason", "customers report errors"));
        assertEquals(200, paused.status(), paused::toString);
        assertEquals("customers report errors", ((Map<?, ?>) paused.get("rollout")).get("pausedReason"));
        ApiResponse aborted = act(partner, release, "abort", obj("reason", "broken"));
        assertEquals(200, aborted.status(), aborted::toString);
        assertEquals("ABORTED", aborted.string("status"));
        assertNotNull(aborted.get("completedAt"));
        assertEquals(1, currentNumber(), "the current release returns to the one before it");

        await("wave 1 is put back", () -> installedNumber(first) == 1);
        ApiResponse after = awaitRelease(
                partner, release, r -> ((Number) ((Map<?, ?>) r.get("progress")).get("reverted")).intValue() == 1);
        assertEquals(0, ((Number) ((Map<?, ?>) after.get("progress")).get("applied")).intValue());
        assertEquals(1, installedNumber(second), "wave 2 never ran");
        assertEquals(
                1,
                count("SELECT count(*) FROM release_instances WHERE release_id = '" + release
                        + "' AND status = 'REVERTED'"));
        assertEquals(
                0,
                count("SELECT count(*) FROM release_instances WHERE release_id = '" + release
                        + "' AND status <> 'REVERTED'"));
        assertEquals(
                1,
                count(
                        "SELECT count(*) FROM webhook_events WHERE type = 'release.aborted' AND data->>'reason' = 'broken'"
                                + " AND data->>'releaseId' = '" + release + "'"));
        for (String action : List.of("pause", "resume", "abort", "promote", "cancel")) {
            assertEquals(409, act(partner, release, action, null).status(), action + " after the abort");
        }
        // the workflow ended ABORTED
        await("the workflow ends", () -> workflowClosed(release));
    }

    @Test
    void aStagedRolloutIsCheckedWhenCreated() {
        packReleasedOnce();
        fixtures.pkg(partner, component, "2.0", true);
        String path = "/api/v1/integration-packs/" + pack + "/releases";
        UUID foreignGroup = UUID.randomUUID();
        List<Map<String, Object>> invalid = List.of(
                obj("waves", List.of()),
                obj("waves", List.of(obj("percent", 0))),
                obj("waves", List.of(obj("percent", 50), obj("percent", 50))),
                obj("waves", List.of(obj("percent", 10, "accountGroupId", group.toString()))),
                obj("waves", List.of(obj())),
                obj("waves", List.of(obj("accountGroupId", foreignGroup.toString()))),
                obj("waves", List.of(obj("accountGroupId", group.toString()), obj("accountGroupId", group.toString()))),
                obj("waves", List.of(obj("percent", 10)), "soakMinutes", 1441),
                obj("waves", List.of(obj("percent", 10)), "maxFailedPercent", 101));
        for (Map<String, Object> rollout : invalid) {
            ApiResponse refused =
                    api.post(path, Tokens.account(partner), obj("releaseSchedule", "IMMEDIATELY", "rollout", rollout));
            assertEquals(400, refused.status(), rollout + ": " + refused);
        }
        ApiResponse tooLong = api.post(
                path,
                Tokens.account(partner),
                obj(
                        "releaseSchedule",
                        "RELEASE_ON_SPECIFIED_DATE",
                        "releaseOnDate",
                        LocalDate.now(BERLIN).plusDays(3).toString(),
                        "rollout",
                        obj(
                                "waves",
                                List.of(obj("percent", 10), obj("percent", 50), obj("percent", 100)),
                                "soakMinutes",
                                30)));
        assertEquals(400, tooLong.status(), tooLong::toString);
        assertTrue(tooLong.toString().contains("rollout.soakMinutes"), tooLong::toString);
        assertEquals(
                1,
                count("SELECT count(*) FROM releases WHERE integration_pack_id = '" + pack + "'"),
                "nothing created");

        ApiResponse fits = api.post(
                path,
                Tokens.account(partner),
                obj(
                        "releaseSchedule",
                        "RELEASE_ON_SPECIFIED_DATE",
                        "releaseOnDate",
                        LocalDate.now(BERLIN).plusDays(3).toString(),
                        "rollout",
                        obj(
                                "waves",
                                List.of(obj("percent", 10), obj("percent", 50), obj("percent", 100)),
                                "soakMinutes",
                                29)));
        assertEquals(202, fits.status(), fits::toString);
        Map<?, ?> rollout = (Map<?, ?>) fits.get("rollout");
        assertEquals(29, rollout.get("soakMinutes"));
        assertEquals(100, rollout.get("maxFailedPercent"));
        assertEquals(
                List.of("10%", "50%", "100%"),
                ((List<?>) rollout.get("waves"))
                        .stream().map(w -> ((Map<?, ?>) w).get("target")).toList());
    }

    // --- set-up and reading

    private void packReleasedOnce() {
        partner = createPartner("Partner " + UUID.randomUUID(), true, false);
        customer = createManaged(partner, "Customer");
        otherCustomer = createManaged(partner, "Other customer");
        pack = fixtures.pack(partner, "Pack", "SINGLE");
        component = fixtures.component(partner, "Orders", "PROCESS");
        fixtures.pkg(partner, component, "1.0", true);
        fixtures.add(partner, pack, component);
        group = fixtures.group(partner, "Customers", customer, pack);
        UUID others = fixtures.group(partner, "Others", otherCustomer, pack);
        assertNotNull(others);
        awaitStatus(partner, release(obj("releaseSchedule", "IMMEDIATELY")).string("id"), "RELEASED");
    }

    private ApiResponse release(Map<String, Object> body) {
        ApiResponse response =
                api.post("/api/v1/integration-packs/" + pack + "/releases", Tokens.account(partner), body);
        assertEquals(202, response.status(), response::toString);
        return response;
    }

    private String install(UUID account) {
        ApiResponse installed =
                api.post("/api/v1/integration-pack-instances", Tokens.account(account), obj("integrationPackId", pack));
        assertEquals(201, installed.status(), installed::toString);
        return installed.string("id");
    }

    private long installedNumber(String instance) {
        return count("SELECT r.release_number FROM integration_pack_instances i JOIN releases r"
                + " ON r.id = i.installed_release_id WHERE i.id = '" + instance + "'");
    }

    private long currentNumber() {
        return count("SELECT r.release_number FROM integration_packs p JOIN releases r ON r.id = p.current_release_id"
                + " WHERE p.id = '" + pack + "'");
    }

    private boolean workflowClosed(String release) {
        String workflowId = fixtures.column("SELECT workflow_id FROM releases WHERE id = '" + release + "'")
                .get(0);
        return context.getBean(io.temporal.client.WorkflowClient.class)
                .fetchHistory(workflowId)
                .getLastEvent()
                .getEventType()
                .name()
                .equals("EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED");
    }

    private static void await(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        fail(what + " did not happen in 30 s");
    }
}
