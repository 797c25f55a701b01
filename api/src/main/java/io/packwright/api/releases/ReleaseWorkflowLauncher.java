package io.packwright.api.releases;

import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.transaction.annotation.TransactionalEventListener;
import io.packwright.activities.release.ReleaseWorkflowStarter;
import io.packwright.activities.store.release.ReleaseStore;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once a release is committed, stops the workflows of the releases it superseded and starts its own,
 * off the request thread so that a slow or unreachable Temporal never delays the 202. Neither step
 * may fail the request: the release row is already the truth. A superseded release
 * whose cancellation is lost applies nothing anyway (its activities find it {@code SUPERSEDED}), and
 * a workflow that could not be started is started by the worker's reconciler.
 */
@Singleton
class ReleaseWorkflowLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseWorkflowLauncher.class);

    private final ReleaseWorkflowStarter starter;
    private final WorkflowClient client;
    private final ExecutorService executor;

    ReleaseWorkflowLauncher(
            ReleaseWorkflowStarter starter,
            WorkflowClient client,
            @Named(TaskExecutors.BLOCKING) ExecutorService executor) {
        this.starter = starter;
        this.client = client;
        this.executor = executor;
    }

    @TransactionalEventListener(TransactionalEventListener.TransactionPhase.AFTER_COMMIT)
    void onReleaseCreated(ReleaseCreated event) {
        executor.execute(() -> launch(event.created()));
    }

    private void launch(ReleaseStore.CreatedRelease created) {
        for (String superseded : created.supersededWorkflowIds()) {
            try {
                client.newUntypedWorkflowStub(superseded)
                        .cancel("superseded by release " + created.release().releaseNumber());
            } catch (WorkflowNotFoundException notRunning) {
                LOG.debug("superseded release workflow {} is not running", superseded);
            } catch (RuntimeException e) {
                LOG.warn(
                        "could not cancel superseded release workflow {}; it will find its release superseded"
                                + " and apply nothing",
                        superseded,
                        e);
            }
        }
        try {
            starter.start(created.release(), created.status());
        } catch (RuntimeException e) {
            LOG.warn(
                    "could not start release workflow {}; the worker's reconciler will start it",
                    created.release().workflowId(),
                    e);
        }
    }
}
