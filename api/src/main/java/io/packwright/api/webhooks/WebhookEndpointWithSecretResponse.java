package io.packwright.api.webhooks;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A webhook endpoint with its signing secret: the answer of its registration and of a rotation of
 * its secret, the only responses that ever show a secret.
 *
 * @param id the endpoint
 * @param url where deliveries go
 * @param description what it is for; {@code null} when none was given
 * @param eventTypes the event types it receives, in the catalogue's order, or {@code ["*"]}
 * @param enabled whether deliveries are sent
 * @param secret its signing secret, {@code whsec_} and the base64 of 32 bytes (the HMAC-SHA256 key of
 *     the Standard Webhooks signature): keep it, it cannot be shown again
 * @param disabledReason why the service disabled it; {@code null} when it is enabled or was disabled
 *     by {@code PATCH}
 * @param previousSecretExpiresAt after a rotation: until when the secret before it still signs
 *     beside this one
 * @param createdAt when it was registered
 * @param updatedAt when it last changed
 */
@Serdeable
public record WebhookEndpointWithSecretResponse(
        UUID id,
        String url,
        @Nullable String description,
        List<String> eventTypes,
        boolean enabled,
        String secret,
        @Nullable String disabledReason,
        @Nullable Instant previousSecretExpiresAt,
        Instant createdAt,
        Instant updatedAt) {

    static WebhookEndpointWithSecretResponse of(WebhookEndpointResponse endpoint, String secret) {
        return new WebhookEndpointWithSecretResponse(
                endpoint.id(),
                endpoint.url(),
                endpoint.description(),
                endpoint.eventTypes(),
                endpoint.enabled(),
                secret,
                endpoint.disabledReason(),
                endpoint.previousSecretExpiresAt(),
                endpoint.createdAt(),
                endpoint.updatedAt());
    }

    @Override
    public String toString() {
        return "WebhookEndpointWithSecretResponse[id=" + id + ", url=" + url + ", eventTypes=" + eventTypes
                + ", enabled=" + enabled + ", secret=******]";
    }
}
