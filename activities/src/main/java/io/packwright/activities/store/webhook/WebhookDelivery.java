package io.packwright.activities.store.webhook;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.util.UUID;

/**
 * A delivery of one event to one endpoint, as its owner sees it: with its event's type and its
 * latest attempt (all {@code last*} are {@code null} before the first attempt). Never its data.
 *
 * @param id the delivery
 * @param endpointId its endpoint
 * @param eventId its event
 * @param eventType the event's type
 * @param sequence its place in the endpoint's deliveries
 * @param status {@code PENDING}, {@code SUCCEEDED} or {@code FAILED}
 * @param attempts how many attempts were made, redeliveries included
 * @param nextAttemptAt when the next attempt is due, while {@code PENDING}
 * @param createdAt when it was made
 * @param finishedAt when it succeeded or was given up
 * @param lastAttempt the number of the latest attempt
 * @param lastAttemptedAt when the latest attempt started
 * @param lastStatusCode the HTTP status the latest attempt got, if a response came
 * @param lastLatencyMs how long the latest attempt took
 * @param lastResponse the start of the latest attempt's response body
 * @param lastError why the latest attempt got no response
 */
@Introspected
public record WebhookDelivery(
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
        @Nullable Integer lastAttempt,
        @Nullable Instant lastAttemptedAt,
        @Nullable Integer lastStatusCode,
        @Nullable Integer lastLatencyMs,
        @Nullable String lastResponse,
        @Nullable String lastError) {}
