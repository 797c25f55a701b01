package io.packwright.api.packs;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests the cancellation of each release workflow of a deleted pack. Temporal answers "not found"
 * for a workflow that has already closed or never started, which is exactly "nothing left to stop".
 */
@Singleton
class TemporalReleaseWorkflowCanceller implements ReleaseWorkflowCanceller {

    private static final Logger LOG = LoggerFactory.getLogger(TemporalReleaseWorkflowCanceller.class);

    private final WorkflowClient client;

    TemporalReleaseWorkflowCanceller(WorkflowClient client) {
        this.client = client;
    }

    @Override
    public void cancelReleaseWorkflows(DeletedPackReleases releases) {
        for (String workflowId : releases.workflowIds()) {
            try {
                client.newUntypedWorkflowStub(workflowId)
                        .cancel("integration pack " + releases.integrationPackId() + " was deleted");
                LOG.info(
                        "requested cancellation of release workflow {} of deleted pack {}",
                        workflowId,
                        releases.integrationPackId());
            } catch (WorkflowNotFoundException closed) {
                LOG.debug("release workflow {} is not running", workflowId);
            }
        }
    }
}
