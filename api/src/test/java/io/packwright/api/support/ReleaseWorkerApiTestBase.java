package io.packwright.api.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.micronaut.context.ApplicationContext;
import io.packwright.activities.release.ReleaseActivitiesImpl;
import io.packwright.activities.release.ReleaseRetryActivitiesImpl;
import io.packwright.activities.schedule.ProcessScheduleActivitiesImpl;
import io.packwright.activities.temporal.SearchAttributeRegistrar;
import io.packwright.activities.temporal.TestTemporalServer;
import io.packwright.activities.webhook.WebhookDeliveryActivitiesImpl;
import io.packwright.workflows.TaskQueues;
import io.packwright.workflows.release.ReleaseRetryWorkflowImpl;
import io.packwright.workflows.release.ReleaseWorkflowImpl;
import io.packwright.workflows.schedule.ProcessScheduleWorkflowImpl;
import io.packwright.workflows.webhook.WebhookEndpointWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * An API test with release, release retry, process schedule and webhook endpoint workflows really running: a Temporal worker with
 * the real workflows and the activity beans of the api's own context (so over the test's database), in a Temporal
 * namespace of its own so that no other test's workflows reach it.
 */
public abstract class ReleaseWorkerApiTestBase extends CatalogApiTestBase {

    private final String namespace = "api-test-" + UUID.randomUUID();

    @Inject
    protected ApplicationContext context;

    private WorkerFactory workers;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new java.util.HashMap<>(super.getProperties());
        properties.put("temporal.namespace", namespace);
        return properties;
    }

    @BeforeAll
    void startReleaseWorker() {
        SearchAttributeRegistrar.registerPlaintext(TestTemporalServer.shared().address(), namespace);
        workers = WorkerFactory.newInstance(context.getBean(WorkflowClient.class));
        var worker = workers.newWorker(TaskQueues.RELEASES);
        worker.registerWorkflowImplementationTypes(
                ReleaseWorkflowImpl.class,
                ReleaseRetryWorkflowImpl.class,
                ProcessScheduleWorkflowImpl.class,
                WebhookEndpointWorkflowImpl.class);
        worker.registerActivitiesImplementations(
                context.getBean(ReleaseActivitiesImpl.class),
                context.getBean(ReleaseRetryActivitiesImpl.class),
                context.getBean(ProcessScheduleActivitiesImpl.class),
                context.getBean(WebhookDeliveryActivitiesImpl.class));
        workers.start();
    }

    @AfterAll
    void stopReleaseWorker() {
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    /** Polls the release until {@code done} holds for it, for at most 30 s. */
    protected ApiResponse awaitRelease(UUID partner, String releaseId, Predicate<ApiResponse> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        ApiResponse release;
        do {
            release = api.get("/api/v1/releases/" + releaseId, Tokens.account(partner));
            assertEquals(200, release.status(), release::toString);
            if (done.test(release)) {
                return release;
            }
            sleep();
        } while (System.nanoTime() < deadline);
        return fail("release did not get there in 30 s: " + release);
    }

    /** Polls the release until it has {@code status}. */
    protected ApiResponse awaitStatus(UUID partner, String releaseId, String status) {
        return awaitRelease(partner, releaseId, r -> status.equals(r.string("status")));
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
