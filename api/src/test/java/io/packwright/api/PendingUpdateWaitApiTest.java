package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.packwright.activities.store.notify.DatabaseNotifications;
import io.packwright.activities.store.release.ReleaseFanOutStore;
import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogApiTestBase;
import io.packwright.api.support.CatalogFixtures;
import io.packwright.api.support.Tokens;
import io.packwright.workflows.release.ApplyMode;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * How apply-pending-update waits, with no release workflow running: the test plays the workflow's
 * part by calling its store, so that it decides when a queued request is handled. A request waits
 * for the notification of its instance (with a wait far longer than the test), answers as soon as
 * the request is handled (200, or 422 when it was rejected meanwhile), also when the fan-out of an
 * opened release handles it, and holds no request thread while it waits: with four request threads,
 * a dozen waiting applies leave them free for other calls.
 */
class PendingUpdateWaitApiTest extends CatalogApiTestBase {

    private static final int REQUEST_THREADS = 4;

    @Inject
    ApplicationContext context;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("packwright.instances.apply-wait", "60s");
        properties.put("micronaut.executors.io.type", "FIXED");
        properties.put("micronaut.executors.io.number-of-threads", Integer.toString(REQUEST_THREADS));
        return properties;
    }

    @Test
    void aWaitingApplyAnswersOnceItsRequestIsApplied() throws Exception {
        Pending pending = pendingUpdate();
        CompletableFuture<ApiResponse> applying = applyAsync(pending);
        awaitQueued(pending);

        store().applyRequested(pending.release(), 500, Instant.now());

        ApiResponse applied = applying.get(30, TimeUnit.SECONDS);
        assertEquals(200, applied.status(), applied::toString);
        assertEquals(2, ((Number) applied.get("installedReleaseNumber")).intValue());
    }

    @Test
    void aWaitingApplyWhoseRequestIsRejectedMeanwhileAnswers422() throws Exception {
        Pending pending = pendingUpdate();
        CompletableFuture<ApiResponse> applying = applyAsync(pending);
        awaitQueued(pending);
        fixtures.exec(
                "DELETE FROM instance_extension_values WHERE integration_pack_instance_id = ?", pending.instance());

        store().applyRequested(pending.release(), 500, Instant.now());

        ApiResponse rejected = assertProblem(422, applying.get(30, TimeUnit.SECONDS));
        assertTrue(rejected.string("detail").contains("'region'"), rejected::toString);
    }

    @Test
    void aWaitingApplyDuringTheFanOutAnswersWhenTheFanOutReachesItsInstance() throws Exception {
        Pending pending = pendingUpdate();
        // the window opens (a scheduled release is never opened before its window)
        Instant windowStart = Instant.parse(fixtures.column(
                        "SELECT to_char(window_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM releases"
                                + " WHERE id = '" + pending.release() + "'")
                .get(0));
        store().openRelease(pending.release(), windowStart);
        CompletableFuture<ApiResponse> applying = applyAsync(pending);
        awaitQueued(pending);

        store().applyBatch(pending.release(), ApplyMode.AUTOMATIC, null, null, 1000, null, Instant.now());

        ApiResponse applied = applying.get(30, TimeUnit.SECONDS);
        assertEquals(200, applied.status(), applied::toString);
        assertEquals(2, ((Number) applied.get("installedReleaseNumber")).intValue());
    }

    @Test
    void waitingAppliesHoldNoRequestThread() throws Exception {
        Pending pending = pendingUpdate();
        DatabaseNotifications notifications = context.getBean(DatabaseNotifications.class);
        int waiting = notifications.waiting();
        List<CompletableFuture<ApiResponse>> applies = new ArrayList<>();
        for (int i = 0; i < REQUEST_THREADS * 3; i++) {
            applies.add(applyAsync(pending));
        }
        awaitTrue(() -> notifications.waiting() == waiting + applies.size(), "every apply waits");

        ApiResponse other = api.get("/api/v1/accounts/" + pending.partner(), Tokens.account(pending.partner()));

        assertEquals(200, other.status(), other::toString);
        assertTrue(
                applies.stream().noneMatch(CompletableFuture::isDone),
                "another call was answered on a request thread while every apply still waited");
        store().applyRequested(pending.release(), 500, Instant.now());
        for (CompletableFuture<ApiResponse> apply : applies) {
            assertEquals(200, apply.get(30, TimeUnit.SECONDS).status());
        }
    }

    /** An instance on release 1 of its pack, and release 2 scheduled in ten days, without workflow. */
    private Pending pendingUpdate() {
        UUID partner = createPartner("Partner " + UUID.randomUUID(), true, false);
        UUID customer = createManaged(partner, "Customer");
        UUID pack = fixtures.pack(partner, "Pack", "SINGLE");
        UUID component = fixtures.shareableProcess(partner, "Orders");
        fixtures.add(partner, pack, component);
        fixtures.releaseNow(pack);
        fixtures.group(partner, "Customers", customer, pack);
        ApiResponse installed = api.post(
                "/api/v1/integration-pack-instances", Tokens.account(customer), obj("integrationPackId", pack));
        assertEquals(201, installed.status(), installed::toString);
        UUID instance = UUID.fromString(installed.string("id"));
        fixtures.pkg(
                partner, component, "2.0", true, CatalogFixtures.extension("region", "PROCESS_PROPERTY", true, false));
        UUID release = fixtures.scheduleRelease(pack, LocalDate.now().plusDays(10));
        ApiResponse values = api.put(
                "/api/v1/integration-pack-instances/" + instance + "/extensions",
                Tokens.account(customer),
                obj("values", obj("region", "eu")));
        assertEquals(200, values.status(), values::toString);
        return new Pending(partner, customer, instance, release);
    }

    private CompletableFuture<ApiResponse> applyAsync(Pending pending) {
        return CompletableFuture.supplyAsync(() -> api.raw(
                "POST",
                "/api/v1/integration-pack-instances/" + pending.instance() + "/apply-pending-update",
                Tokens.account(pending.customer()),
                null,
                ""));
    }

    private void awaitQueued(Pending pending) {
        awaitTrue(
                () -> count("SELECT count(*) FROM release_apply_requests WHERE integration_pack_instance_id = '"
                                + pending.instance() + "'")
                        == 1,
                "the apply is queued");
    }

    private ReleaseFanOutStore store() {
        return context.getBean(ReleaseFanOutStore.class);
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private record Pending(UUID partner, UUID customer, UUID instance, UUID release) {}
}
