package io.packwright.workflows.webhook;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.UUID;

/** What an endpoint's workflow asks of the world: send what is due, and say what comes next. */
@ActivityInterface
public interface WebhookDeliveryActivities {

    /**
     * Sends the endpoint's due deliveries in sequence order, one attempt each, recording every
     * attempt and the next one of a delivery that failed (or giving it up), for a bounded time; it
     * heartbeats after each attempt. A delivery sent but not yet recorded when the activity dies is
     * sent again: deliveries are at least once, and their {@code webhook-id} lets receivers drop the
     * repeat.
     */
    @ActivityMethod
    DeliveryPass deliver(UUID endpointId);
}
