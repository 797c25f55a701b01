package io.packwright.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.packwright.activities.store.TestDatabase;
import io.packwright.activities.store.TestDatabases;
import io.packwright.activities.temporal.TestTemporalServer;
import io.packwright.workflows.TaskQueues;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker with registered implementations (a test workflow): it polls, runs tasks and drains on stop. */
class WorkerPollingTest {

    private static TestDatabase database;
    private TestTemporalServer temporal;
    private ApplicationContext context;

    @BeforeAll
    static void createDatabase() {
        database = TestDatabases.create();
    }

    @BeforeEach
    void start() {
        temporal = TestTemporalServer.start();
        Map<String, Object> properties = TestProperties.worker(database, temporal.address());
        properties.put(GreetingRegistrations.ENABLED, "true");
        properties.put("packwright.worker.shutdown-grace-period", "10s");
        context = ApplicationContext.run(properties);
        WorkerFactory factory = context.getBean(TemporalWorker.class).factory();
        Eventually.await(Duration.ofSeconds(20), "the worker factory starts", factory::isStarted);
    }

    @AfterEach
    void stop() {
        context.stop();
        temporal.close();
    }

    @Test
    void runsWorkflowsAndActivitiesFromTheReleasesTaskQueue() {
        GreetingWorkflow workflow = newWorkflow(context.getBean(WorkflowClient.class), "greeting-" + UUID.randomUUID());

        assertEquals("Hello, Packwright", workflow.greet("Packwright"));
    }

    @Test
    void stoppingLetsAnInFlightActivityFinishAndReportItsResult() throws InterruptedException {
        GreetingActivitiesImpl activities = context.getBean(GreetingActivitiesImpl.class);
        WorkerFactory factory = context.getBean(TemporalWorker.class).factory();
        String workflowId = "graceful-" + UUID.randomUUID();
        WorkflowClient.start(newWorkflow(context.getBean(WorkflowClient.class), workflowId)::greet, "slow Packwright");
        assertTrue(activities.started.await(20, TimeUnit.SECONDS), "the activity starts");

        context.stop();

        assertTrue(activities.completed.get(), "the in-flight activity finished");
        assertFalse(activities.interrupted.get(), "the in-flight activity was not interrupted");
        assertTrue(factory.isTerminated());
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget(temporal.address())
                .build());
        try {
            boolean activityCompleted = WorkflowClient.newInstance(stubs).fetchHistory(workflowId).getEvents().stream()
                    .anyMatch(event -> event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
            assertTrue(activityCompleted, "the activity's result reached Temporal before the connection closed");
        } finally {
            stubs.shutdownNow();
        }
    }

    private static GreetingWorkflow newWorkflow(WorkflowClient client, String workflowId) {
        return client.newWorkflowStub(
                GreetingWorkflow.class,
                WorkflowOptions.newBuilder()
                        .setTaskQueue(TaskQueues.RELEASES)
                        .setWorkflowId(workflowId)
                        .setWorkflowExecutionTimeout(Duration.ofMinutes(1))
                        .build());
    }
}
