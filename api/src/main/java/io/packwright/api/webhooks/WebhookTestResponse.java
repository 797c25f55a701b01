package io.packwright.api.webhooks;

import io.micronaut.serde.annotation.Serdeable;
import java.util.UUID;

/**
 * A {@code webhook.test} event queued for one endpoint.
 *
 * @param deliveryId its delivery to the endpoint (the {@code webhook-id} header of its requests):
 *     follow it at {@code GET /api/v1/webhook-deliveries/{deliveryId}}
 * @param eventId the event
 */
@Serdeable
public record WebhookTestResponse(UUID deliveryId, UUID eventId) {}
