package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.support.ApiClient;
import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogApiTestBase;
import io.packwright.api.support.Tokens;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The flood of issue 9: 200 parallel apply-pending-update calls of one principal, against a small
 * pool (4 connections) and a small write budget. Most calls are refused with 429 before any work,
 * the few let through wait without holding a connection (202 after their wait: no workflow runs
 * here), nothing fails for lack of a connection, and another principal's reads are served during
 * the whole flood.
 */
class ApplyFloodApiTest extends CatalogApiTestBase {

    private static final int CALLERS = 200;
    private static final int WRITE_BURST = 10;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("packwright.rate-limits.writes-per-second", "2");
        properties.put("packwright.rate-limits.write-burst", Integer.toString(WRITE_BURST));
        properties.put("packwright.rate-limits.requests-per-second", "50");
        properties.put("packwright.rate-limits.burst", "1000");
        properties.put("packwright.instances.apply-wait", "1s");
        properties.put("datasources.default.maximum-pool-size", "4");
        properties.put("datasources.default.connection-timeout", "2000");
        return properties;
    }

    @Test
    void aFloodOfAppliesByOnePrincipalIsRefusedWhileAnotherIsServed() throws Exception {
        UUID partner = createPartner("Flood Partner", true, false);
        UUID customer = createManaged(partner, "Flooding customer");
        UUID pack = fixtures.pack(partner, "Pack", "SINGLE");
        fixtures.add(partner, pack, fixtures.shareableProcess(partner, "Orders"));
        fixtures.releaseNow(pack);
        fixtures.group(partner, "Customers", customer, pack);
        ApiResponse installed = api.post(
                "/api/v1/integration-pack-instances", Tokens.account(customer), obj("integrationPackId", pack));
        assertEquals(201, installed.status(), installed::toString);
        String path = "/api/v1/integration-pack-instances/" + installed.string("id") + "/apply-pending-update";
        fixtures.scheduleRelease(pack, LocalDate.now().plusDays(10));

        ApiClient floodClient = new ApiClient(server.getURI(), json);
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<ApiResponse>> calls = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            calls.add(callers.submit(() -> {
                start.await();
                return floodClient.raw("POST", path, Tokens.account(customer), null, "");
            }));
        }
        AtomicBoolean flooding = new AtomicBoolean(true);
        List<Integer> otherStatuses = new ArrayList<>();
        Thread other = new Thread(() -> {
            do {
                otherStatuses.add(api.get("/api/v1/accounts/" + partner, Tokens.account(partner))
                        .status());
            } while (flooding.get());
        });

        start.countDown();
        other.start();
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (Future<ApiResponse> call : calls) {
            ApiResponse response = call.get(60, TimeUnit.SECONDS);
            statuses.merge(response.status(), 1, Integer::sum);
            if (response.status() == 429) {
                assertProblem(429, response);
                assertTrue(response.headers().firstValue("Retry-After").isPresent(), response::toString);
            } else {
                assertTrue(response.status() == 200 || response.status() == 202, response::toString);
            }
        }
        flooding.set(false);
        other.join();
        callers.shutdown();

        assertTrue(statuses.getOrDefault(429, 0) >= CALLERS * 3 / 4, "most of the flood is refused: " + statuses);
        assertTrue(statuses.getOrDefault(202, 0) + statuses.getOrDefault(200, 0) >= 1, statuses::toString);
        assertTrue(
                !otherStatuses.isEmpty() && otherStatuses.stream().allMatch(status -> status == 200),
                () -> "the" + " other principal is served throughout: " + otherStatuses);
        assertEquals(1, count("SELECT count(*) FROM release_apply_requests"), "the apply is queued once");
    }
}
