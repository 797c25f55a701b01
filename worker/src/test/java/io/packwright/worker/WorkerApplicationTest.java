package io.packwright.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.packwright.activities.store.TestDatabase;
import io.packwright.activities.store.TestDatabases;
import io.packwright.activities.temporal.TestTemporalServer;
import io.packwright.workflows.WorkerTuning;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker process against a real Temporal (the Java test server) and a real PostgreSQL. */
class WorkerApplicationTest {

    private static TestDatabase database;
    private TestTemporalServer temporal;

    @BeforeAll
    static void createDatabase() {
        database = TestDatabases.create();
    }

    @BeforeEach
    void startTemporal() {
        temporal = TestTemporalServer.start();
    }

    @AfterEach
    void stopTemporal() {
        temporal.close();
    }

    @Test
    void startsTheWorkerReportsHealthAndMetricsAndStopsIt() {
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties(temporal.address()));
        ApplicationContext context = server.getApplicationContext();
        WorkerFactory factory = context.getBean(TemporalWorker.class).factory();
        WorkflowServiceStubs serviceStubs = context.getBean(WorkflowServiceStubs.class);
        try (HttpClient client = HttpClient.create(server.getURL())) {
            Eventually.await(Duration.ofSeconds(20), "the worker factory starts", factory::isStarted);

            Health health = Health.fetch(client);
            assertEquals(200, health.statusCode(), health.body().toString());
            assertEquals("UP", health.status());
            assertEquals("UP", health.status("temporal"));
            assertEquals(temporal.address(), health.details("temporal").get("address"));
            assertEquals("default", health.details("temporal").get("namespace"));
            assertEquals("UP", health.status("jdbc"));

            // The SDK hands its metrics to Micrometer every 10 seconds.
            Eventually.await(
                    Duration.ofSeconds(20),
                    "Temporal SDK metrics on /prometheus",
                    () -> client.toBlocking()
                            .retrieve(HttpRequest.GET("/prometheus"))
                            .contains("temporal_request_total"));
        } finally {
            context.stop();
        }

        assertTrue(factory.isTerminated(), "the worker factory terminates with the application");
        assertTrue(serviceStubs.isShutdown(), "the Temporal connection is closed with the application");
    }

    @Test
    void workerCapacityAndGracePeriodComeFromConfiguration() {
        try (ApplicationContext context = ApplicationContext.run(properties(temporal.address()))) {
            WorkerProperties defaults = context.getBean(WorkerProperties.class);

            assertEquals(16, defaults.maxConcurrentActivityExecutions());
            assertEquals(50, defaults.maxConcurrentWorkflowTaskExecutions());
            assertEquals(Duration.ofSeconds(30), defaults.shutdownGracePeriod());
            assertEquals(Duration.ofMinutes(1), defaults.reconcileInterval());
            assertTrue(defaults.registerSearchAttributes());
            assertEquals(2000, defaults.workflowCacheSize());
            assertEquals(2000, defaults.maxWorkflowThreads());
            assertEquals(WorkerTuning.defaults(), defaults.tuning());
        }

        Map<String, Object> properties = properties(temporal.address());
        properties.put("packwright.worker.max-concurrent-activity-executions", "3");
        properties.put("packwright.worker.max-concurrent-workflow-task-executions", "4");
        properties.put("packwright.worker.shutdown-grace-period", "7s");
        properties.put("packwright.worker.workflow-cache-size", "30");
        properties.put("packwright.worker.max-workflow-threads", "40");
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            WorkerProperties configured = context.getBean(WorkerProperties.class);
            WorkerOptions options = TemporalWorker.workerOptions(configured);
            WorkerFactoryOptions factoryOptions = configured.tuning().factoryOptions();

            assertEquals(Duration.ofSeconds(7), configured.shutdownGracePeriod());
            assertEquals(3, options.getMaxConcurrentActivityExecutionSize());
            assertEquals(4, options.getMaxConcurrentWorkflowTaskExecutionSize());
            assertEquals(30, factoryOptions.getWorkflowCacheSize());
            assertEquals(40, factoryOptions.getMaxWorkflowThreadCount());
        }
    }

    @Test
    void fewerWorkflowThreadsThanCachedWorkflowsAreRefusedAtStart() {
        Map<String, Object> properties = properties(temporal.address());
        properties.put("packwright.worker.workflow-cache-size", "500");
        properties.put("packwright.worker.max-workflow-threads", "100");

        Throwable refused = assertThrows(RuntimeException.class, () -> {
            try (ApplicationContext context = ApplicationContext.run(properties)) {
                context.getBean(WorkerProperties.class);
            }
        });
        String messages = "";
        for (Throwable cause = refused; cause != null; cause = cause.getCause()) {
            messages += cause.getMessage() + "\n";
        }
        assertTrue(
                messages.contains("packwright.worker.max-workflow-threads (100) must be at least"
                        + " packwright.worker.workflow-cache-size (500)"),
                messages);
    }

    private static Map<String, Object> properties(String temporalAddress) {
        return TestProperties.worker(database, temporalAddress);
    }
}
