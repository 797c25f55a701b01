package io.packwright.workflows.webhook;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * {@link WebhookEndpointWorkflow}: a loop of one delivery pass (an activity) and one wait, until
 * the next attempt falls due or a signal says there is something new. The endpoint's rows are the
 * truth, so a pass after a crash simply picks up what is still pending.
 */
public class WebhookEndpointWorkflowImpl implements WebhookEndpointWorkflow {

    /** A run continues as new beyond this many history events (each loop adds about eight). */
    static final int MAX_HISTORY_EVENTS = 1_000;

    /** The shortest wait for a delivery that is not due yet. */
    static final Duration MIN_WAIT = Duration.ofSeconds(1);

    /**
     * A pass sends for at most about a minute and heartbeats after every attempt (each at most the
     * request timeout); unlimited retries, since an outage of PostgreSQL must delay deliveries, not
     * end them.
     */
    private final WebhookDeliveryActivities activities = Workflow.newActivityStub(
            WebhookDeliveryActivities.class,
            ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofMinutes(5))
                    .setHeartbeatTimeout(Duration.ofSeconds(45))
                    .setRetryOptions(RetryOptions.newBuilder()
                            .setInitialInterval(Duration.ofSeconds(1))
                            .setBackoffCoefficient(2)
                            .setMaximumInterval(Duration.ofMinutes(1))
                            .build())
                    .build());

    private boolean changed;

    @Override
    public void run(UUID endpointId) {
        changed = false;
        while (true) {
            DeliveryPass pass = activities.deliver(endpointId);
            if (!pass.live()) {
                if (!changed) {
                    return;
                }
            } else if (!changed && !pass.more()) {
                // at least a second: the activities' clock and Temporal's may differ a little
                Duration wait =
                        Duration.between(Instant.ofEpochMilli(Workflow.currentTimeMillis()), pass.nextAttemptAt());
                Workflow.await(wait.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : wait, () -> changed);
            }
            changed = false;
            if (historyTooLong()) {
                Workflow.await(Workflow::isEveryHandlerFinished);
                Workflow.continueAsNew(endpointId);
            }
        }
    }

    @Override
    public void changed() {
        changed = true;
    }

    private static boolean historyTooLong() {
        WorkflowInfo info = Workflow.getInfo();
        return info.getHistoryLength() > MAX_HISTORY_EVENTS || info.isContinueAsNewSuggested();
    }
}
