package io.packwright.api.webhooks;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.webhook.WebhookAttemptEntity;
import io.packwright.activities.store.webhook.WebhookDelivery;
import java.time.Instant;

/**
 * One attempt to send a delivery.
 *
 * @param attempt its number among the delivery's attempts, from 1 (redeliveries count on)
 * @param attemptedAt when it started
 * @param statusCode the HTTP status the endpoint answered; {@code null} when no response came
 * @param latencyMs how long it took, connecting included
 * @param response the start of the response body, at most 1,000 characters
 * @param error why it failed without a response (timeout, refused address, connection error)
 */
@Serdeable
public record WebhookAttemptResponse(
        int attempt,
        Instant attemptedAt,
        @Nullable Integer statusCode,
        int latencyMs,
        @Nullable String response,
        @Nullable String error) {

    static WebhookAttemptResponse of(WebhookAttemptEntity attempt) {
        return new WebhookAttemptResponse(
                attempt.attempt(),
                attempt.attemptedAt(),
                attempt.statusCode(),
                attempt.latencyMs(),
                attempt.response(),
                attempt.error());
    }

    /** The latest attempt of a delivery; {@code null} before its first. */
    static @Nullable WebhookAttemptResponse lastOf(WebhookDelivery delivery) {
        if (delivery.lastAttempt() == null) {
            return null;
        }
        return new WebhookAttemptResponse(
                delivery.lastAttempt(),
                delivery.lastAttemptedAt(),
                delivery.lastStatusCode(),
                delivery.lastLatencyMs() == null ? 0 : delivery.lastLatencyMs(),
                delivery.lastResponse(),
                delivery.lastError());
    }
}
