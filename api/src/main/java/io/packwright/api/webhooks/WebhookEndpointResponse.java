package io.packwright.api.webhooks;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.webhook.WebhookEndpointEntity;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A webhook endpoint as reads show it: never its secret.
 *
 * @param id the endpoint
 * @param url where deliveries go
 * @param description what it is for; {@code null} when none was given
 * @param eventTypes the event types it receives, in the catalogue's order, or {@code ["*"]}
 * @param enabled whether deliveries are sent
 * @param disabledReason why the service disabled it (it failed for too long); {@code null} when it
 *     is enabled or was disabled by {@code PATCH}
 * @param previousSecretExpiresAt until when the secret before the last rotation still signs beside
 *     the current one; {@code null} when none does
 * @param createdAt when it was registered
 * @param updatedAt when it last changed
 */
@Serdeable
public record WebhookEndpointResponse(
        UUID id,
        String url,
        @Nullable String description,
        List<String> eventTypes,
        boolean enabled,
        @Nullable String disabledReason,
        @Nullable Instant previousSecretExpiresAt,
        Instant createdAt,
        Instant updatedAt) {

    static WebhookEndpointResponse of(WebhookEndpointEntity endpoint, Instant now) {
        Instant previousExpires = endpoint.previousSecretExpiresAt();
        return new WebhookEndpointResponse(
                endpoint.id(),
                endpoint.url(),
                endpoint.description(),
                List.of(endpoint.eventTypes()),
                endpoint.enabled(),
                endpoint.disabledReason(),
                previousExpires != null && previousExpires.isAfter(now) ? previousExpires : null,
                endpoint.createdAt(),
                endpoint.updatedAt());
    }
}
