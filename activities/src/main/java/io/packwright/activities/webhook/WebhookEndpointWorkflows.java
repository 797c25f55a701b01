package io.packwright.activities.webhook;

import io.packwright.workflows.TaskQueues;
import io.packwright.workflows.webhook.WebhookEndpointWorkflow;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import jakarta.inject.Singleton;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way to reach the delivery workflow of a webhook endpoint ({@link WebhookEndpointWorkflow}):
 * whoever gave it something to send {@link #changed signals} it after the commit, starting it when it
 * is not running; the worker's reconciler {@link #start starts} the workflow of every endpoint with
 * pending deliveries that lost it. Both are idempotent: the workflow id is fixed.
 */
@Singleton
public class WebhookEndpointWorkflows {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookEndpointWorkflows.class);

    private final WorkflowClient client;

    WebhookEndpointWorkflows(WorkflowClient client) {
        this.client = client;
    }

    /**
     * Signals (or starts) the endpoint's workflow after a change committed; a failure is logged,
     * never thrown at the caller: the rows are the truth and the reconciler catches up.
     */
    public void changed(UUID endpointId) {
        String workflowId = WebhookEndpointWorkflow.workflowId(endpointId);
        try {
            WebhookEndpointWorkflow workflow =
                    client.newWorkflowStub(WebhookEndpointWorkflow.class, options(workflowId));
            BatchRequest request = client.newSignalWithStartRequest();
            request.add(workflow::run, endpointId);
            request.add(workflow::changed);
            client.signalWithStart(request);
        } catch (RuntimeException e) {
            LOG.warn("could not signal webhook endpoint workflow {}; the reconciler will start it", workflowId, e);
        }
    }

    /**
     * Starts the endpoint's workflow unless it is running.
     *
     * @return whether this call started it
     * @throws io.temporal.client.WorkflowServiceException when Temporal cannot be reached
     */
    public boolean start(UUID endpointId) {
        String workflowId = WebhookEndpointWorkflow.workflowId(endpointId);
        WebhookEndpointWorkflow workflow = client.newWorkflowStub(WebhookEndpointWorkflow.class, options(workflowId));
        try {
            WorkflowClient.start(workflow::run, endpointId);
            LOG.info("started webhook endpoint workflow {}", workflowId);
            return true;
        } catch (WorkflowExecutionAlreadyStarted running) {
            return false;
        }
    }

    private static WorkflowOptions options(String workflowId) {
        return WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(TaskQueues.RELEASES)
                .setStaticSummary("Webhook deliveries " + workflowId)
                .build();
    }
}
