package io.packwright.api.webhooks;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.webhook.WebhookEndpointRepository;
import io.packwright.api.validation.TextRules;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Changes a webhook endpoint; absent fields stay as they are.
 *
 * @param url a new URL, checked like at registration
 * @param eventTypes new event types, checked like at registration; they replace the old ones
 * @param enabled {@code false} stops deliveries (they wait); {@code true} on a disabled endpoint
 *     enables it again, clears its {@code disabledReason} and sends what waits
 * @param description a new description, at most 500 characters; an empty one removes it
 */
@Serdeable
public record UpdateWebhookEndpointRequest(
        @Nullable @Size(min = 1, max = WebhookEndpointRepository.MAX_URL_LENGTH)
        String url,

        @Nullable List<String> eventTypes,

        @Nullable Boolean enabled,

        @Nullable
        @Size(max = WebhookEndpointRepository.MAX_DESCRIPTION_LENGTH)
        @Pattern(regexp = TextRules.TEXT, message = TextRules.TEXT_MESSAGE)
        String description) {}
