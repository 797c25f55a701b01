package io.packwright.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.packwright.activities.store.TestDatabases;
import io.packwright.activities.temporal.TestTemporalServer;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The worker process while Temporal cannot be reached: it stays up and says so on /health. */
class TemporalUnreachableTest {

    @Test
    void healthIsDownAndTheWorkerWaitsForTemporal() {
        String closedPort = "127.0.0.1:" + TestTemporalServer.freePort();
        EmbeddedServer server =
                ApplicationContext.run(EmbeddedServer.class, TestProperties.worker(TestDatabases.create(), closedPort));
        ApplicationContext context = server.getApplicationContext();
        WorkerFactory factory = context.getBean(TemporalWorker.class).factory();
        long stopStarted;
        try (HttpClient client = HttpClient.create(server.getURL())) {
            long checkStarted = System.nanoTime();
            Health health = Health.fetch(client);
            Duration checkTook = Duration.ofNanos(System.nanoTime() - checkStarted);

            assertEquals(503, health.statusCode(), health.body().toString());
            assertEquals("DOWN", health.status());
            assertEquals("DOWN", health.status("temporal"));
            assertEquals(closedPort, health.details("temporal").get("address"));
            assertTrue(
                    String.valueOf(health.details("temporal").get("error")).startsWith("UNAVAILABLE"),
                    health.body().toString());
            assertEquals("UP", health.status("jdbc"));
            assertTrue(checkTook.compareTo(Duration.ofSeconds(6)) < 0, "health took " + checkTook);
            assertFalse(factory.isStarted(), "the worker cannot start without Temporal");

            // The Kubernetes liveness probe: a Temporal outage must not get the worker restarted.
            assertEquals(
                    HttpStatus.OK,
                    client.toBlocking()
                            .exchange(HttpRequest.GET("/health/liveness"))
                            .status());
        } finally {
            stopStarted = System.nanoTime();
            context.stop();
        }

        Duration stopTook = Duration.ofNanos(System.nanoTime() - stopStarted);
        assertFalse(factory.isStarted());
        assertTrue(stopTook.compareTo(Duration.ofSeconds(10)) < 0, "stopping took " + stopTook);
    }

    @Test
    void theWorkerStartsOnceTemporalBecomesReachable() {
        int port = TestTemporalServer.freePort();
        EmbeddedServer server = ApplicationContext.run(
                EmbeddedServer.class, TestProperties.worker(TestDatabases.create(), "127.0.0.1:" + port));
        ApplicationContext context = server.getApplicationContext();
        WorkerFactory factory = context.getBean(TemporalWorker.class).factory();
        try (HttpClient client = HttpClient.create(server.getURL())) {
            assertEquals("DOWN", Health.fetch(client).status("temporal"));
            assertFalse(factory.isStarted());

            try (TestTemporalServer temporal = TestTemporalServer.startOn(port)) {
                Eventually.await(
                        Duration.ofSeconds(20), "the worker starts after Temporal came up", factory::isStarted);
                assertEquals("UP", Health.fetch(client).status("temporal"));
                context.stop();
                assertTrue(factory.isTerminated());
            }
        } finally {
            context.stop();
        }
    }
}
