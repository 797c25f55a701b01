package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogApiTestBase;
import io.packwright.api.support.Tokens;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Per-principal request budgets over real HTTP, with budgets small enough to spend in a test: a
 * principal beyond its budget gets 429 problems with {@code Retry-After} while another principal
 * is served, and is served again once its budget refilled; writes have a smaller budget of their
 * own; requests without a valid token are 401 and health is never limited.
 */
class RateLimitApiTest extends CatalogApiTestBase {

    private static final int BURST = 5;
    private static final int WRITE_BURST = 2;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("packwright.rate-limits.requests-per-second", "1");
        properties.put("packwright.rate-limits.burst", Integer.toString(BURST));
        properties.put("packwright.rate-limits.writes-per-second", "1");
        properties.put("packwright.rate-limits.write-burst", Integer.toString(WRITE_BURST));
        return properties;
    }

    @Test
    void aPrincipalBeyondItsBudgetGets429UntilItRefillsWhileOthersAreServed() throws InterruptedException {
        UUID spender = partner();
        UUID other = partner();

        int served = 0;
        ApiResponse refused = null;
        for (int i = 0; i < BURST * 4 && refused == null; i++) {
            ApiResponse response = api.get("/api/v1/accounts/" + spender, Tokens.account(spender));
            if (response.status() == 429) {
                refused = response;
            } else {
                assertEquals(200, response.status(), response::toString);
                served++;
            }
        }

        assertTrue(refused != null, "the budget of " + BURST + " requests ran out");
        assertTrue(served >= BURST, "served " + served + " before the first 429");
        assertProblem(429, refused);
        long retryAfter = retryAfter(refused);
        assertTrue(retryAfter >= 1 && retryAfter <= 5, refused::toString);
        assertTrue(refused.string("detail").contains("1 requests per second, in bursts of up to 5"), refused::toString);
        assertEquals(
                200,
                api.get("/api/v1/accounts/" + other, Tokens.account(other)).status(),
                "another principal keeps its own budget");
        assertEquals(200, api.get("/api/v1/accounts", Tokens.admin()).status(), "and so does the platform operator");

        Thread.sleep(retryAfter * 1000);
        assertEquals(
                200,
                api.get("/api/v1/accounts/" + spender, Tokens.account(spender)).status(),
                "after Retry-After the budget has refilled");
    }

    @Test
    void writesHaveASmallerBudgetAndLeaveReadsAllowed() {
        UUID writer = partner();

        for (int i = 0; i < WRITE_BURST; i++) {
            ApiResponse created =
                    api.post("/api/v1/components", Tokens.account(writer), obj("name", "C" + i, "type", "PROCESS"));
            assertEquals(201, created.status(), created::toString);
        }
        ApiResponse refused = assertProblem(
                429,
                api.post("/api/v1/components", Tokens.account(writer), obj("name", "one more", "type", "PROCESS")));

        assertTrue(retryAfter(refused) >= 1, refused::toString);
        assertTrue(refused.string("detail").contains("budget for writes"), refused::toString);
        assertEquals(
                WRITE_BURST,
                count("SELECT count(*) FROM components WHERE partner_account_id = '" + writer + "'"),
                "a refused request does nothing");
        assertEquals(200, api.get("/api/v1/components", Tokens.account(writer)).status(), "reads are still allowed");
    }

    @Test
    void requestsWithoutAValidTokenAre401AndHealthIsNeverLimited() {
        for (int i = 0; i < BURST * 3; i++) {
            assertProblem(401, api.get("/api/v1/accounts", null));
            assertProblem(401, api.get("/api/v1/accounts", Tokens.expired(UUID.randomUUID())));
            ApiResponse health = api.get("/health", null);
            assertNotEquals(429, health.status(), health::toString);
        }
    }

    /** A partner account, written with SQL so that creating it spends no budget. */
    private UUID partner() {
        UUID id = UUID.randomUUID();
        fixtures.exec(
                "INSERT INTO accounts (id, name, type, time_zone, integration_pack_management, created_at, updated_at)"
                        + " VALUES (?, ?, 'PARTNER', 'UTC', true, now(), now())",
                id,
                "Partner " + id);
        return id;
    }

    private static long retryAfter(ApiResponse response) {
        return Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
    }
}
