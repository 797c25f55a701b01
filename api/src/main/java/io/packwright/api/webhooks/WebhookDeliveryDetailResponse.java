package io.packwright.api.webhooks;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.webhook.WebhookDelivery;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A delivery with its attempts.
 *
 * @param id the delivery (the {@code webhook-id} header of its requests, the same on every attempt)
 * @param endpointId its endpoint
 * @param eventId its event (one event has a delivery per endpoint that gets it)
 * @param eventType the event's type
 * @param sequence its place among the endpoint's deliveries
 * @param status {@code PENDING}, {@code SUCCEEDED} or {@code FAILED}
 * @param attemptCount how many attempts were made, redeliveries included
 * @param nextAttemptAt when the next attempt is due, while {@code PENDING}
 * @param createdAt when it was made
 * @param finishedAt when it succeeded or failed
 * @param attempts its attempts, newest first: the latest 100 when it has more ({@code attemptCount}
 *     says how many there are)
 */
@Serdeable
public record WebhookDeliveryDetailResponse(
        UUID id,
        UUID endpointId,
        UUID eventId,
        String eventType,
        long sequence,
        String status,
        int attemptCount,
        @Nullable Instant nextAttemptAt,
        Instant createdAt,
        @Nullable Instant finishedAt,
        List<WebhookAttemptResponse> attempts) {

    static WebhookDeliveryDetailResponse of(WebhookDelivery delivery, List<WebhookAttemptResponse> attempts) {
        return new WebhookDeliveryDetailResponse(
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
                attempts);
    }
}
