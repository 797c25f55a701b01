package io.packwright.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.packwright.activities.store.TestDatabases;
import io.packwright.activities.temporal.TestTemporalServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The worker serves health and metrics only; every other management endpoint is off, never a 5xx. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagementEndpointsTest {

    private static final List<String> OFF_WITH_GET =
            List.of("/beans", "/routes", "/threaddump", "/env", "/loggers", "/info", "/metrics", "/caches", "/refresh");
    private static final List<String> OFF_WITH_POST = List.of("/refresh", "/stop", "/loggers/io.packwright");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private EmbeddedServer server;

    @BeforeAll
    void startWorker() {
        server = ApplicationContext.run(
                EmbeddedServer.class,
                TestProperties.worker(
                        TestDatabases.create(), TestTemporalServer.shared().address()));
    }

    @AfterAll
    void stopWorker() {
        server.getApplicationContext().stop();
    }

    @Test
    void everyOtherManagementEndpointIsOff() throws Exception {
        List<String> answered = new ArrayList<>();
        for (String path : OFF_WITH_GET) {
            HttpResponse<String> response =
                    send(HttpRequest.newBuilder(uri(path)).GET());
            if (response.statusCode() != 404) {
                answered.add("GET " + path + " -> " + response.statusCode());
            }
        }
        for (String path : OFF_WITH_POST) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"configuredLevel\":\"TRACE\"}")));
            if (response.statusCode() != 404) {
                answered.add("POST " + path + " -> " + response.statusCode());
            }
        }
        assertTrue(answered.isEmpty(), "management endpoints that answered: " + answered);
    }

    @Test
    void healthItsProbesAndMetricsAnswer() throws Exception {
        for (String path : List.of("/health", "/health/liveness", "/health/readiness", "/prometheus")) {
            HttpResponse<String> response =
                    send(HttpRequest.newBuilder(uri(path)).GET());
            assertEquals(200, response.statusCode(), path + ": " + response.body());
        }
    }

    private URI uri(String path) {
        return server.getURI().resolve(path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
