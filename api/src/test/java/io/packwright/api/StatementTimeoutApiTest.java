package io.packwright.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.ApiTestBase;
import io.packwright.api.support.Tokens;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The statement timeout seen from a client: a request whose statement runs longer than {@code
 * packwright.database.statement-timeout} (here: waits for a lock that the test holds) gets a 503
 * problem with {@code Retry-After}, never a 500, and so does a request that finds no free pooled
 * connection in time. The service answers again as soon as the database does.
 */
class StatementTimeoutApiTest extends ApiTestBase {

    private static final String WAITING_FOR_THE_LOCK =
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%accounts%'";

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("packwright.database.statement-timeout", "3s");
        properties.put("datasources.default.maximum-pool-size", "2");
        properties.put("datasources.default.connection-timeout", "250");
        return properties;
    }

    @Test
    void aStatementLongerThanTheTimeoutIsAServiceUnavailableProblemWithRetryAfter() throws SQLException {
        ApiResponse cancelled;
        try (Connection locker = lockAccounts()) {
            cancelled = assertProblem(503, api.get("/api/v1/accounts", Tokens.admin()));
            locker.rollback();
        }

        assertRetryAfter(cancelled);
        assertTrue(cancelled.string("detail").contains("took too long"), cancelled::toString);
        assertEquals(200, api.get("/api/v1/accounts", Tokens.admin()).status(), "the service answers again");
    }

    @Test
    void aRequestThatGetsNoPooledConnectionInTimeIsAServiceUnavailableProblem() throws Exception {
        try (Connection locker = lockAccounts()) {
            List<CompletableFuture<ApiResponse>> holding = List.of(
                    CompletableFuture.supplyAsync(() -> api.get("/api/v1/accounts", Tokens.admin())),
                    CompletableFuture.supplyAsync(() -> api.get("/api/v1/accounts", Tokens.admin())));
            awaitWaiting(2);

            ApiResponse busy = assertProblem(503, api.get("/api/v1/accounts", Tokens.admin()));

            assertRetryAfter(busy);
            assertTrue(busy.string("detail").contains("too busy"), busy::toString);
            for (CompletableFuture<ApiResponse> held : holding) {
                assertProblem(503, held.get());
            }
            locker.rollback();
        }
        assertEquals(200, api.get("/api/v1/accounts", Tokens.admin()).status());
    }

    /** A transaction of the test that locks the accounts table until it ends. */
    private Connection lockAccounts() throws SQLException {
        Connection locker = database.connect();
        locker.setAutoCommit(false);
        try (Statement lock = locker.createStatement()) {
            lock.execute("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE");
        }
        return locker;
    }

    private static void assertRetryAfter(ApiResponse response) {
        long seconds =
                Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(seconds >= 1 && seconds <= 60, response::toString);
    }

    /** Waits until every pooled connection waits for the lock. */
    private void awaitWaiting(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (count(WAITING_FOR_THE_LOCK) < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, count(WAITING_FOR_THE_LOCK));
    }
}
