package io.packwright.api.webhooks;

import io.micronaut.core.annotation.Nullable;
import io.packwright.activities.store.CappedList;
import io.packwright.activities.webhook.WebhookAddressPolicy;
import io.packwright.activities.webhook.WebhookEventTypes;
import io.packwright.api.auth.WebhookSubscriber;
import io.packwright.api.problem.ApiException;
import io.packwright.api.problem.FieldError;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a webhook endpoint may be: its URL passes the {@link WebhookAddressPolicy} (which resolves its
 * host: call it outside a transaction), its event types are known and ones its account may receive.
 * Every refusal is a 400 that says what to change.
 */
@Singleton
class WebhookEndpointRules {

    // how much of an unknown event type a message repeats
    private static final int SHOWN_TYPE_LENGTH = 100;

    private final WebhookAddressPolicy addresses;

    WebhookEndpointRules(WebhookAddressPolicy addresses) {
        this.addresses = addresses;
    }

    /** The URL, when webhooks may go there; 400 with the reason otherwise. */
    String url(String url) {
        try {
            addresses.checkUrl(url);
            return url;
        } catch (WebhookAddressPolicy.RefusedException refused) {
            throw ApiException.invalidField(new FieldError("url", refused.getMessage()));
        }
    }

    /**
     * The event types to store: {@code ["*"]}, or the known types asked for, each once, in the
     * catalogue's order. A managed account may ask only for the types about managed accounts (and
     * {@code "*"} means those for it).
     */
    String[] eventTypes(WebhookSubscriber subscriber, @Nullable List<String> requested) {
        if (requested == null || requested.isEmpty()) {
            throw invalid("must name at least one event type, or be [\"*\"] for all of them; the types are "
                    + String.join(", ", allowed(subscriber)));
        }
        if (requested.contains(null)) {
            throw invalid(
                    "must not contain null; name event types such as \"" + WebhookEventTypes.RELEASE_COMPLETED + "\"");
        }
        Set<String> asked = new LinkedHashSet<>(requested);
        if (asked.contains(WebhookEventTypes.WILDCARD)) {
            if (asked.size() > 1) {
                throw invalid("must be [\"*\"] alone to receive every event type, or list event types without \"*\"");
            }
            return new String[] {WebhookEventTypes.WILDCARD};
        }
        List<String> unknown = asked.stream()
                .filter(type -> !WebhookEventTypes.ALL.contains(type))
                .toList();
        if (!unknown.isEmpty()) {
            String testNote = unknown.contains(WebhookEventTypes.WEBHOOK_TEST)
                    ? " (webhook.test is not subscribed to: POST /api/v1/webhook-endpoints/{id}/test sends it)"
                    : "";
            throw invalid("names unknown event types: " + CappedList.of(unknown).quoted(WebhookEndpointRules::shown)
                    + testNote + ". The event types are " + String.join(", ", allowed(subscriber)) + ", or \"*\"");
        }
        if (subscriber.isManagedAccount()) {
            List<String> partnerOnly = asked.stream()
                    .filter(type -> !WebhookEventTypes.MANAGED_ACCOUNT_TYPES.contains(type))
                    .toList();
            if (!partnerOnly.isEmpty()) {
                throw invalid("names event types that only your partner receives: "
                        + CappedList.of(partnerOnly).quoted(type -> type) + ". A managed account receives "
                        + String.join(", ", allowed(subscriber)) + ", or \"*\" for all of those");
            }
        }
        List<String> ordered = new ArrayList<>();
        for (String type : WebhookEventTypes.ALL) {
            if (asked.contains(type)) {
                ordered.add(type);
            }
        }
        return ordered.toArray(String[]::new);
    }

    /** The description to store: {@code null} for none or an empty one. */
    static @Nullable String description(@Nullable String description) {
        return description == null || description.isEmpty() ? null : description;
    }

    private static List<String> allowed(WebhookSubscriber subscriber) {
        return subscriber.isManagedAccount()
                ? WebhookEventTypes.ALL.stream()
                        .filter(WebhookEventTypes.MANAGED_ACCOUNT_TYPES::contains)
                        .toList()
                : WebhookEventTypes.ALL;
    }

    private static String shown(String type) {
        return type.length() <= SHOWN_TYPE_LENGTH ? type : type.substring(0, SHOWN_TYPE_LENGTH) + "…";
    }

    private static ApiException invalid(String message) {
        return ApiException.invalidField("eventTypes", message);
    }
}
