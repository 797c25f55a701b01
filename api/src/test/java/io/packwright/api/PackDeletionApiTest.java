package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static io.packwright.api.support.CatalogFixtures.extension;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.packs.DeletedPackSweeper;
import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogApiTestBase;
import io.packwright.api.support.Tokens;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code DELETE /api/v1/integration-packs/{id}}: at once 404 everywhere with the name free; then
 * nothing of the pack remains (instances, attachments, group entries, members, releases), also when
 * the process died between the request and the clean-up.
 */
class PackDeletionApiTest extends CatalogApiTestBase {

    private static final int BULK_INSTANCES = 1050;

    @Inject
    DeletedPackSweeper sweeper;

    @Inject
    WorkflowClient workflows;

    private UUID partner;
    private UUID customer;
    private UUID otherCustomer;
    private String token;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        // small batches, so that the bulk instances take many transactions; no sweep unless called
        properties.put("packwright.pack-deletion.batch-size", "100");
        properties.put("packwright.pack-deletion.sweep-initial-delay", "1h");
        return properties;
    }

    @BeforeAll
    void tenants() {
        partner = createPartner("Deleting Partner", true, true);
        customer = createManaged(partner, "Customer A");
        otherCustomer = createManaged(partner, "Customer B");
        token = Tokens.account(partner);
    }

    /** A pack with members, a current and a pending release, instances in two accounts, a group. */
    private UUID installedPack(String name) {
        UUID pack = fixtures.pack(partner, name, "MULTI");
        UUID first = fixtures.component(partner, name + " process 1", "PROCESS");
        fixtures.pkg(partner, first, "1.0", true, extension("url", "CONNECTION_FIELD", true, false));
        UUID second = fixtures.shareableProcess(partner, name + " process 2");
        fixtures.add(partner, pack, first);
        fixtures.add(partner, pack, second);
        UUID current = fixtures.releaseNow(pack);
        fixtures.pkg(partner, first, "1.1", true, extension("url", "CONNECTION_FIELD", true, false));
        fixtures.scheduleRelease(pack, LocalDate.of(2031, 3, 1));
        UUID environmentA = fixtures.environment(customer, name + " env A");
        UUID environmentB = fixtures.environment(otherCustomer, name + " env B");
        fixtures.instance(customer, pack, current, environmentA, "first");
        fixtures.instance(otherCustomer, pack, current, environmentB, "second");
        fixtures.instances(customer, pack, current, BULK_INSTANCES);
        fixtures.group(partner, name + " group", customer, pack);
        return pack;
    }

    /** How many rows of each table still belong to {@code pack}. */
    private Map<String, Long> leftovers(UUID pack) {
        String instances = "SELECT id FROM integration_pack_instances WHERE integration_pack_id = '" + pack + "'";
        String releases = "SELECT id FROM releases WHERE integration_pack_id = '" + pack + "'";
        Map<String, Long> rows = new HashMap<>();
        rows.put("pack", count("SELECT count(*) FROM integration_packs WHERE id = '" + pack + "'"));
        rows.put(
                "members",
                count("SELECT count(*) FROM integration_pack_members WHERE integration_pack_id = '" + pack + "'"));
        rows.put(
                "groups", count("SELECT count(*) FROM account_group_packs WHERE integration_pack_id = '" + pack + "'"));
        rows.put("releases", count("SELECT count(*) FROM (" + releases + ") r"));
        rows.put(
                "releaseComponents",
                count("SELECT count(*) FROM release_components WHERE release_id IN (" + releases + ")"));
        rows.put("instances", count("SELECT count(*) FROM (" + instances + ") i"));
        rows.put(
                "attachments",
                count("SELECT count(*) FROM environment_attachments WHERE integration_pack_instance_id IN (" + instances
                        + ")"));
        rows.put(
                "extensionValues",
                count("SELECT count(*) FROM instance_extension_values WHERE integration_pack_instance_id IN ("
                        + instances + ")"));
        rows.put("ledger", count("SELECT count(*) FROM release_instances WHERE release_id IN (" + releases + ")"));
        rows.put(
                "applyRequests",
                count("SELECT count(*) FROM release_apply_requests WHERE release_id IN (" + releases + ")"));
        return rows;
    }

    private static Map<String, Long> nothing() {
        Map<String, Long> none = new HashMap<>();
        for (String table : List.of(
                "pack",
                "members",
                "groups",
                "releases",
                "releaseComponents",
                "instances",
                "attachments",
                "extensionValues",
                "ledger",
                "applyRequests")) {
            none.put(table, 0L);
        }
        return none;
    }

    private void assertGoneForClients(UUID pack, String name) {
        String path = "/api/v1/integration-packs/" + pack;
        UUID component =
                UUID.fromString(fixtures.column("SELECT id FROM components WHERE name = '" + name + " process 1'")
                        .get(0));
        assertProblem(404, api.get(path, token));
        assertProblem(404, api.patch(path, token, obj("name", "Resurrected")));
        assertProblem(404, api.delete(path, token));
        assertProblem(404, api.get(path + "/publications", token));
        assertProblem(404, fixtures.addRequest(partner, pack, component));
        assertProblem(404, api.delete(path + "/components/" + component, token));
        assertFalse(
                api.get("/api/v1/integration-packs?limit=500", token).items().stream()
                        .anyMatch(item -> pack.toString().equals(item.get("id"))),
                "not listed");
    }

    @Test
    void deletionIsAtOnceForClientsAndCompleteAfterTheCleanUp() throws Exception {
        UUID survivor = installedPack("Survivor");
        Map<String, Long> survivorRows = leftovers(survivor);
        UUID pack = installedPack("Doomed");
        assertEquals(BULK_INSTANCES + 2, leftovers(pack).get("instances"));

        // another clean-up (or a slow one) still holds the pack's instances: the clean-up that the
        // DELETE starts can then not finish, which shows the state that clients see in between
        try (Connection holder = database.connect()) {
            holder.setAutoCommit(false);
            try (Statement statement = holder.createStatement()) {
                statement.execute("SELECT id FROM integration_pack_instances WHERE integration_pack_id = '" + pack
                        + "' FOR UPDATE");
            }
            ApiResponse deleted = api.delete("/api/v1/integration-packs/" + pack, token);
            assertEquals(204, deleted.status(), deleted::toString);
            assertEquals("", deleted.raw());

            assertGoneForClients(pack, "Doomed");
            assertEquals(
                    List.of("CANCELLED"),
                    fixtures.column("SELECT status FROM releases WHERE integration_pack_id = '" + pack
                            + "' AND release_number = 2"));
            assertEquals(0, leftovers(pack).get("groups"), "it left its account groups at once");

            // the name is free at once, and deleted packs block nothing
            UUID reused = fixtures.pack(partner, "Doomed", "SINGLE");
            assertEquals(
                    200, api.get("/api/v1/integration-packs/" + reused, token).status());
            holder.rollback();
        }

        assertTrue(sweeper.cleanUp(pack) || leftovers(pack).get("pack") == 0);
        assertEquals(nothing(), leftovers(pack));
        assertEquals(survivorRows, leftovers(survivor), "other packs keep everything");
        assertEquals(
                2,
                count("SELECT count(*) FROM components WHERE name LIKE 'Doomed process %'"),
                "components stay in the catalog");
    }

    @Test
    void cleanUpStartsRightAfterTheDelete() throws Exception {
        UUID pack = installedPack("Quickly gone");
        assertEquals(204, api.delete("/api/v1/integration-packs/" + pack, token).status());
        assertGoneForClients(pack, "Quickly gone");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (leftovers(pack).get("pack") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(nothing(), leftovers(pack), "cleaned up without any sweep");
    }

    @Test
    void sweeperFinishesAnInterruptedDeletion() {
        UUID pack = installedPack("Crashed");
        UUID survivor = installedPack("Crash survivor");
        Map<String, Long> survivorRows = leftovers(survivor);
        // the process died right after the DELETE committed, and a first clean-up got partway
        fixtures.exec("UPDATE integration_packs SET deleted_at = now() WHERE id = ?", pack);
        fixtures.exec("""
                DELETE FROM integration_pack_instances WHERE id IN (
                    SELECT id FROM integration_pack_instances WHERE integration_pack_id = ? ORDER BY id LIMIT 300)""", pack);
        assertGoneForClients(pack, "Crashed");
        assertProblem(
                409,
                api.post(
                        "/api/v1/integration-packs",
                        token,
                        obj("name", "Crash survivor", "installationType", "SINGLE")));
        assertEquals(
                201,
                api.post("/api/v1/integration-packs", token, obj("name", "Crashed", "installationType", "SINGLE"))
                        .status());

        sweeper.sweep();

        assertEquals(nothing(), leftovers(pack));
        assertEquals(survivorRows, leftovers(survivor));
        assertEquals(
                0,
                count("SELECT count(*) FROM integration_packs WHERE deleted_at IS NOT NULL"),
                "no deletion is left unfinished");
    }

    @Test
    void anInstallRacingTheDeleteLeavesNothingBehind() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 8; round++) {
                UUID pack = fixtures.pack(partner, "Race " + round, "SINGLE");
                fixtures.add(partner, pack, fixtures.shareableProcess(partner, "Race process " + round));
                fixtures.releaseNow(pack);
                fixtures.group(partner, "Race group " + round, customer, pack);
                CountDownLatch go = new CountDownLatch(1);
                Future<ApiResponse> install = pool.submit(() -> {
                    go.await();
                    return api.post(
                            "/api/v1/integration-pack-instances",
                            Tokens.account(customer),
                            obj("integrationPackId", pack));
                });
                Future<ApiResponse> delete = pool.submit(() -> {
                    go.await();
                    return api.delete("/api/v1/integration-packs/" + pack, token);
                });
                go.countDown();
                ApiResponse installed = install.get();
                assertEquals(204, delete.get().status(), delete.get()::toString);
                assertTrue(
                        installed.status() == 201 || installed.status() == 404,
                        "the install either happened before the delete or saw the pack gone: " + installed);

                // the clean-up that the delete started may still hold the pack (a sweep then skips
                // it): whichever of the two gets there, nothing is left behind
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!nothing().equals(leftovers(pack)) && System.nanoTime() < deadline) {
                    sweeper.sweep();
                    Thread.sleep(100);
                }
                assertEquals(nothing(), leftovers(pack), "round " + round + ", install " + installed.status());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void runningReleaseWorkflowsOfADeletedPackAreCancelled() {
        UUID pack = fixtures.pack(partner, "With a running release", "SINGLE");
        fixtures.add(partner, pack, fixtures.shareableProcess(partner, "Released process"));
        UUID release = fixtures.scheduleRelease(pack, LocalDate.of(2031, 9, 1));
        String workflowId = "release-" + release;
        // a stand-in for the release workflow (no worker polls its queue): a real workflow execution
        WorkflowStub running = workflows.newUntypedWorkflowStub(
                "ReleaseStandIn",
                WorkflowOptions.newBuilder()
                        .setWorkflowId(workflowId)
                        .setTaskQueue("catalog-test-no-worker")
                        .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
                        .build());
        running.start();
        try {
            assertEquals(
                    204, api.delete("/api/v1/integration-packs/" + pack, token).status());
            sweeper.sweep();
            assertEquals(nothing(), leftovers(pack));
            assertTrue(
                    workflows.fetchHistory(workflowId).getEvents().stream()
                            .anyMatch(event ->
                                    event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED),
                    "the release workflow was asked to cancel");
        } finally {
            running.terminate("test over");
        }
    }

    @Test
    void aPackWithMoreUnfinishedReleasesThanABatchHasEveryWorkflowCancelled() {
        UUID pack = fixtures.pack(partner, "Many releases", "SINGLE");
        fixtures.add(partner, pack, fixtures.shareableProcess(partner, "Often released process"));
        // 250 superseded releases (more than two batches of 100) before the scheduled one
        fixtures.exec("""
                INSERT INTO releases (id, integration_pack_id, partner_account_id, release_number, release_schedule,
                                      status, workflow_id, created_at, started_at, completed_at)
                SELECT gen_random_uuid(), p.id, p.partner_account_id, n, 'IMMEDIATELY', 'SUPERSEDED',
                       'superseded-' || gen_random_uuid(), now(), now(), now()
                FROM integration_packs p CROSS JOIN generate_series(1, 250) n WHERE p.id = ?""", pack);
        fixtures.exec("UPDATE integration_packs SET last_release_number = 250 WHERE id = ?", pack);
        UUID release = fixtures.scheduleRelease(pack, LocalDate.of(2031, 9, 1));
        String workflowId = "release-" + release;
        WorkflowStub running = workflows.newUntypedWorkflowStub(
                "ReleaseStandIn",
                WorkflowOptions.newBuilder()
                        .setWorkflowId(workflowId)
                        .setTaskQueue("catalog-test-no-worker")
                        .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
                        .build());
        running.start();
        try {
            assertEquals(
                    204, api.delete("/api/v1/integration-packs/" + pack, token).status());
            sweeper.sweep();
            assertEquals(nothing(), leftovers(pack));
            assertTrue(
                    workflows.fetchHistory(workflowId).getEvents().stream()
                            .anyMatch(event ->
                                    event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED),
                    "the workflow of the last batch was asked to cancel");
        } finally {
            running.terminate("test over");
        }
    }
}
