package io.packwright.api.webhooks;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.webhook.WebhookEndpointRepository;
import io.packwright.api.validation.TextRules;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Registers a webhook endpoint of the caller's account.
 *
 * @param url where deliveries go: an absolute {@code https} URL, at most 2,000 characters, whose host
 *     resolves to public addresses only (loopback, private, link-local and metadata addresses are
 *     refused unless the deployment allows loopback)
 * @param description what it is for, at most 500 characters
 * @param eventTypes the event types to receive, or {@code ["*"]} for every type the account may
 *     receive (a managed account: those about itself)
 */
@Serdeable
public record CreateWebhookEndpointRequest(
        @NotNull @Size(min = 1, max = WebhookEndpointRepository.MAX_URL_LENGTH)
        String url,

        @Nullable
        @Size(max = WebhookEndpointRepository.MAX_DESCRIPTION_LENGTH)
        @Pattern(regexp = TextRules.TEXT, message = TextRules.TEXT_MESSAGE)
        String description,

        @NotNull List<String> eventTypes) {}
