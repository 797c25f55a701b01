package io.packwright.workflows.webhook;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.UUID;

/**
 * The deliveries of one webhook endpoint: it sends the endpoint's due deliveries in sequence order,
 * sleeps on a durable timer until the next retry falls due, and ends when nothing is pending (or the
 * endpoint is gone or disabled). One slow or dead endpoint only ever delays its own deliveries.
 * PostgreSQL holds the deliveries and their attempts; the workflow holds nothing but the wait.
 *
 * <p>Its id is {@link #workflowId}: whoever gives the endpoint something to send (the dispatcher, a
 * test event, a redelivery, re-enabling it) signals it with {@link #changed}, starting it when it is
 * not running (signal-with-start).
 */
@WorkflowInterface
public interface WebhookEndpointWorkflow {

    /** The readable, fixed workflow id of an endpoint's deliveries. */
    static String workflowId(UUID endpointId) {
        return "webhook-endpoint-" + endpointId;
    }

    @WorkflowMethod
    void run(UUID endpointId);

    /** The endpoint has something new to send, or changed: look again. */
    @SignalMethod
    void changed();
}
