package io.packwright.api.webhooks;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.webhook.WebhookDelivery;
import io.packwright.api.paging.JsonBytes;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

/**
 * A delivery of one event to one endpoint, as the endpoint's list of deliveries shows it.
 *
 * @param id the delivery (the {@code webhook-id} header of its requests, the same on every attempt)
 * @param endpointId its endpoint
 * @param eventId its event (one event has a delivery per endpoint that gets it)
 * @param eventType the event's type
 * @param sequence its place among the endpoint's deliveries, from 1, in the order they were made
 * @param status {@code PENDING} (waiting for an attempt or a retry), {@code SUCCEEDED} (an attempt got
 *     a 2xx) or {@code FAILED} (retried for as long as the service retries, without a 2xx)
 * @param attempts how many attempts were made, redeliveries included
 * @param nextAttemptAt when the next attempt is due, while {@code PENDING}; {@code null} otherwise
 * @param createdAt when it was made
 * @param finishedAt when it succeeded or failed; {@code null} while {@code PENDING}
 * @param lastAttempt its latest attempt; {@code null} before the first
 */
@Serdeable
public record WebhookDeliveryResponse(
        UUID id,
        UUID endpointId,
        UUID eventId,
        String eventType,
        long sequence,
        String status,
        int attempts,
        @Nullable Instant nextAttemptAt,
        Instant createdAt,
        @Nullable Instant finishedAt,
        @Nullable @Schema(type = "object") WebhookAttemptResponse lastAttempt) {

    // the fields' names, ids, instants and numbers; the attempt's texts come on top
    private static final long FIXED_BYTES = 600;

    static WebhookDeliveryResponse of(WebhookDelivery delivery) {
        return new WebhookDeliveryResponse(
                delivery.id(),
                delivery.endpointId(),
                delivery.eventId(),
                delivery.eventType(),
                delivery.sequence(),
                delivery.status(),
                delivery.attempts(),
                delivery.nextAttemptAt(),
                delivery.createdAt(),
                delivery.finishedAt(),
                WebhookAttemptResponse.lastOf(delivery));
    }

    /** About how many bytes the item of {@code delivery} takes in a list. */
    static long approximateBytes(WebhookDelivery delivery) {
        return FIXED_BYTES
                + JsonBytes.text(delivery.eventType())
                + JsonBytes.text(delivery.lastResponse())
                + JsonBytes.text(delivery.lastError());
    }
}
