package io.packwright.api.releases;

import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.transaction.annotation.TransactionalEventListener;
import io.packwright.workflows.release.ReleaseWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals a release's workflow once the partner's control action has committed. The release row is
 * the truth and the workflow reads it: a signal that cannot be delivered costs time (a paused
 * release looks at its row every minute, a scheduled one at its next sweep or window), never a
 * wrong action, since a paused or aborted release applies nothing whether its workflow knows or not.
 */
@Singleton
class ReleaseControlSignals {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseControlSignals.class);

    private final WorkflowClient client;
    private final ExecutorService executor;

    ReleaseControlSignals(WorkflowClient client, @Named(TaskExecutors.BLOCKING) ExecutorService executor) {
        this.client = client;
        this.executor = executor;
    }

    @TransactionalEventListener(TransactionalEventListener.TransactionPhase.AFTER_COMMIT)
    void onReleaseControlled(ReleaseControlled event) {
        executor.execute(() -> signal(event.workflowId()));
    }

    private void signal(String workflowId) {
        try {
            client.newWorkflowStub(ReleaseWorkflow.class, workflowId).controlChanged();
        } catch (WorkflowNotFoundException notRunning) {
            LOG.info("release workflow {} is not running; it reads the release's state when it runs", workflowId);
        } catch (RuntimeException e) {
            LOG.warn("could not signal release workflow {}; it reads the release's state later", workflowId, e);
        }
    }
}
