package io.packwright.activities.store.webhook;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code webhook_attempts}: one attempt to send a delivery.
 *
 * @param id the attempt
 * @param deliveryId its delivery
 * @param attempt its number among the delivery's attempts, from 1
 * @param attemptedAt when it started
 * @param statusCode the HTTP status of the response; {@code null} when none came
 * @param latencyMs how long it took, connection included
 * @param response the start of the response body, at most 1,000 characters
 * @param error why no response came (or why a response was not a success), at most 1,000 characters
 */
@MappedEntity("webhook_attempts")
public record WebhookAttemptEntity(
        @Id UUID id,
        UUID deliveryId,
        int attempt,
        Instant attemptedAt,
        @Nullable Integer statusCode,
        int latencyMs,
        @Nullable String response,
        @Nullable String error) {}
