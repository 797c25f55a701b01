package io.packwright.workflows.webhook;

import java.time.Instant;

/**
 * What an endpoint's workflow waits for after a pass over its due deliveries.
 *
 * @param live whether the endpoint exists, is enabled and has pending deliveries; a workflow whose
 *     endpoint is not live ends (a signal starts it again)
 * @param nextAttemptAt when the earliest pending delivery falls due; {@code null} when none is
 *     pending
 * @param more whether deliveries were still due when the pass ended (it sends for a bounded time):
 *     the workflow starts the next pass at once
 */
public record DeliveryPass(boolean live, Instant nextAttemptAt, boolean more) {

    /** Nothing to send: the endpoint is gone, disabled, or has nothing pending. */
    public static DeliveryPass idle() {
        return new DeliveryPass(false, null, false);
    }
}
