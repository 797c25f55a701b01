package io.packwright.activities.temporal;

import io.micronaut.context.event.BeanPreDestroyEvent;
import io.micronaut.context.event.BeanPreDestroyEventListener;
import io.temporal.serviceclient.WorkflowServiceStubs;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the gRPC channel to Temporal when the application context stops: an orderly shutdown that
 * lets calls in flight finish, then a forced one. Micronaut destroys beans that use the stubs (the
 * worker) before the stubs, so a worker's last activity completions still reach Temporal.
 */
@Singleton
final class WorkflowServiceStubsShutdown implements BeanPreDestroyEventListener<WorkflowServiceStubs> {

    private static final Logger LOG = LoggerFactory.getLogger(WorkflowServiceStubsShutdown.class);
    private static final Duration ORDERLY_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    @Override
    public WorkflowServiceStubs onPreDestroy(BeanPreDestroyEvent<WorkflowServiceStubs> event) {
        WorkflowServiceStubs stubs = event.getBean();
        stubs.shutdown();
        try {
            if (!stubs.awaitTermination(ORDERLY_SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Temporal connection did not close within {}; closing it forcibly", ORDERLY_SHUTDOWN_TIMEOUT);
                stubs.shutdownNow();
            }
        } catch (RuntimeException e) {
            LOG.warn("Temporal connection did not close cleanly; closing it forcibly", e);
            stubs.shutdownNow();
        }
        return stubs;
    }
}
