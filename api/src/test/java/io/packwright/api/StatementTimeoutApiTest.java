package io.packwright.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.ApiTestBase;
import io.packwright.api.support.Tokens;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The statement timeout seen from a client: a request whose statement runs longer than {@code
 * packwright.database.statement-timeout} gets a 503 problem with {@code Retry-After}, never a 500,
 * and so does a request that finds no free pooled connection in time. Both leave the service
 * answering.
 */
class StatementTimeoutApiTest extends ApiTestBase {

    private static final String SLOW = "/api/v1/test-only/slow-statements?seconds=";

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("packwright.test.slow-statements", "true");
        properties.put("packwright.database.statement-timeout", "3s");
        properties.put("datasources.default.maximum-pool-size", "2");
        properties.put("datasources.default.connection-timeout", "250");
        return properties;
    }

    @Test
    void aStatementLongerThanTheTimeoutIsAServiceUnavailableProblemWithRetryAfter() {
        ApiResponse cancelled = assertProblem(503, api.post(SLOW + "60", Tokens.admin(), "{}"));

        assertRetryAfter(cancelled);
        assertTrue(cancelled.string("detail").contains("took too long"), cancelled::toString);
        assertEquals(200, api.post(SLOW + "0", Tokens.admin(), "{}").status(), "the service answers again");
    }

    @Test
    void aRequestThatGetsNoPooledConnectionInTimeIsAServiceUnavailableProblem() throws Exception {
        UUID partner = createPartner("Busy Partner", false, false);
        List<CompletableFuture<ApiResponse>> holding = List.of(
                CompletableFuture.supplyAsync(() -> api.post(SLOW + "60", Tokens.admin(), "{}")),
                CompletableFuture.supplyAsync(() -> api.post(SLOW + "60", Tokens.admin(), "{}")));
        awaitSleepingStatements(2);

        ApiResponse busy = assertProblem(503, api.get("/api/v1/accounts/" + partner, Tokens.admin()));

        assertRetryAfter(busy);
        for (CompletableFuture<ApiResponse> held : holding) {
            assertProblem(503, held.get());
        }
        assertEquals(200, api.get("/api/v1/accounts/" + partner, Tokens.admin()).status());
    }

    private static void assertRetryAfter(ApiResponse response) {
        long seconds =
                Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(seconds >= 1 && seconds <= 60, response::toString);
    }

    /** Waits until every pooled connection is busy with a slow statement. */
    private void awaitSleepingStatements(int expected) throws InterruptedException {
        String sleeping =
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'SELECT pg_sleep%'";
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (count(sleeping) < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, count(sleeping));
    }
}
