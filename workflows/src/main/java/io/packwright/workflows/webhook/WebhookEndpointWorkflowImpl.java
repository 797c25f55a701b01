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

    /**
     * How long a run with nothing pending waits for a signal before it ends: a stream of events (a
     * release's batches) then keeps one run busy instead of ending one and starting the next for
     * each dispatch, and a signal that arrives while a run ends (which Temporal refuses as an
     * unhandled command, to be retried) becomes rare.
     */
    static final Duration LINGER = Duration.ofMinutes(1);

    /** The change that added {@link #LINGER}; runs recorded before it end at once. */
    static final String LINGER_CHANGE = "linger-before-ending";

    /** The shortest wait for a delivery that is not due yet. */
    static final Duration MIN_WAIT = Duration.ofSeconds(1);

    /**
     * A pass sends for at most about a minute and heartbeats after every attempt (each at most the
     * request timeout, itself at most 15 s): a worker that dies mid-pass is noticed within 20 s and
     * the pass is retried elsewhere. Unlimited retries, since an outage of PostgreSQL must delay
     * deliveries, not end them.
     */
    private final WebhookDeliveryActivities activities = Workflow.newActivityStub(
            WebhookDeliveryActivities.class,
            ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofMinutes(5))
                    .setHeartbeatTimeout(Duration.ofSeconds(20))
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
                if (!changed && !lingered()) {
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

    /** Whether a signal came while waiting {@link #LINGER} (never, for runs of the first version). */
    private boolean lingered() {
        if (Workflow.getVersion(LINGER_CHANGE, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
            return false;
        }
        return Workflow.await(LINGER, () -> changed);
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
