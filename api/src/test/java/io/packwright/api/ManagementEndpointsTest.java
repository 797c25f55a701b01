package io.packwright.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.ApiTestBase;
import io.packwright.api.support.Tokens;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Management endpoints: only health and metrics answer, health shows no components to anyone who
 * can reach the API, and every other endpoint is off for every caller, never a 5xx.
 */
class ManagementEndpointsTest extends ApiTestBase {

    private static final List<String> OFF_WITH_GET =
            List.of("/beans", "/routes", "/threaddump", "/env", "/loggers", "/info", "/metrics", "/caches", "/refresh");
    private static final List<String> OFF_WITH_POST = List.of("/refresh", "/stop", "/loggers/io.packwright");

    private String tenantToken;

    @BeforeAll
    void tenant() {
        UUID partner = createPartner("Management Partner", true, false);
        tenantToken = Tokens.account(partner);
    }

    @Test
    void everyOtherManagementEndpointIsOffForEveryCaller() {
        List<String> answered = new ArrayList<>();
        for (String token : Arrays.asList(null, tenantToken, Tokens.admin())) {
            String caller = token == null ? "anonymous" : token.equals(tenantToken) ? "tenant" : "admin";
            for (String path : OFF_WITH_GET) {
                check(answered, caller, "GET " + path, api.get(path, token));
            }
            for (String path : OFF_WITH_POST) {
                check(answered, caller, "POST " + path, api.post(path, token, "{\"configuredLevel\":\"TRACE\"}"));
            }
        }
        assertTrue(answered.isEmpty(), "management endpoints that answered: " + answered);
    }

    @Test
    void healthShowsItsStatusButNoComponentsWithOrWithoutAToken() {
        for (String token : Arrays.asList(null, tenantToken, Tokens.admin())) {
            for (String path : List.of("/health", "/health/liveness", "/health/readiness")) {
                ApiResponse health = api.get(path, token);
                assertEquals(200, health.status(), () -> path + ": " + health);
                assertEquals("UP", health.string("status"), health::toString);
                assertNull(health.get("details"), () -> path + " shows details: " + health);
                assertNull(health.get("components"), () -> path + " shows components: " + health);
                assertFalse(health.raw().contains("diskSpace"), health::toString);
            }
        }
    }

    @Test
    void prometheusMetricsNeedNoToken() throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.getURI().resolve("/prometheus"))
                                .header("Accept", "text/plain")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode(), metrics.body());
        assertTrue(metrics.body().contains("jvm_memory_used_bytes"), metrics.body());
    }

    /** An endpoint that is off answers 401 or 404, whoever asks: never 2xx, never 5xx. */
    private static void check(List<String> answered, String caller, String request, ApiResponse response) {
        if (response.status() != 401 && response.status() != 404) {
            answered.add(caller + " " + request + " -> " + response.status());
        }
    }
}
