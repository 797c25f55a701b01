package io.packwright.api.webhooks;

import io.micronaut.core.annotation.Nullable;
import io.packwright.activities.store.webhook.WebhookDelivery;
import io.packwright.activities.store.webhook.WebhookDeliveryRepository;
import io.packwright.activities.store.webhook.WebhookEndpointEntity;
import io.packwright.activities.store.webhook.WebhookEndpointRepository;
import io.packwright.api.auth.WebhookSubscriber;
import io.packwright.api.paging.PageRequest;
import io.packwright.api.paging.PageResponse;
import io.packwright.api.problem.ApiException;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The deliveries of the caller's webhook endpoints: their log with attempts, and redelivery. A
 * delivery of another account's endpoint is 404.
 */
@Singleton
public class WebhookDeliveryService {

    /** The statuses a delivery can have, to filter by. */
    public enum Status {
        PENDING,
        SUCCEEDED,
        FAILED
    }

    private final WebhookDeliveryRepository deliveries;
    private final WebhookEndpointRepository endpoints;
    private final Clock clock;

    WebhookDeliveryService(WebhookDeliveryRepository deliveries, WebhookEndpointRepository endpoints, Clock clock) {
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.clock = clock;
    }

    /** The {@code status} filter; 400 naming the statuses for anything else. */
    static @Nullable Status status(@Nullable String status) {
        if (status == null || status.isEmpty()) {
            return null;
        }
        try {
            return Status.valueOf(status.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            throw ApiException.invalidField(
                    "status",
                    "must be one of "
                            + Arrays.stream(Status.values()).map(Status::name).collect(Collectors.joining(", ")));
        }
    }

    /**
     * One page of the endpoint's deliveries, newest (highest sequence) first, optionally of one
     * status. A page token whose delivery no longer exists (deleted with its old event) ends the list.
     */
    @Transactional
    public PageResponse<WebhookDeliveryResponse> list(
            WebhookSubscriber subscriber, UUID endpointId, @Nullable Status status, PageRequest page) {
        endpoints
                .findOwned(endpointId, subscriber.accountId())
                .orElseThrow(() -> WebhookEndpointService.endpointNotFound(endpointId));
        long before;
        if (page.isFirstPage()) {
            before = Long.MAX_VALUE;
        } else {
            var sequence = deliveries.findSequence(page.before(), endpointId);
            if (sequence.isEmpty()) {
                return new PageResponse<>(List.of(), null);
            }
            before = sequence.get();
        }
        List<WebhookDelivery> rows = status == null
                ? deliveries.findPage(endpointId, before, page.fetchSize())
                : deliveries.findPageByStatus(endpointId, status.name(), before, page.fetchSize());
        return page.slice(rows, WebhookDelivery::id, WebhookDeliveryResponse::approximateBytes)
                .map(WebhookDeliveryResponse::of);
    }

    /** One delivery with its latest {@link WebhookDeliveryRepository#MAX_ATTEMPTS_SHOWN} attempts. */
    @Transactional
    public WebhookDeliveryDetailResponse get(WebhookSubscriber subscriber, UUID id) {
        WebhookDelivery delivery = read(subscriber, id);
        List<WebhookAttemptResponse> attempts =
                deliveries.findAttempts(id, WebhookDeliveryRepository.MAX_ATTEMPTS_SHOWN).stream()
                        .map(WebhookAttemptResponse::of)
                        .toList();
        return WebhookDeliveryDetailResponse.of(delivery, attempts);
    }

    /**
     * Makes a delivery due again now, whatever its status; its attempts stay and its attempt count
     * grows on. {@code 409} while its endpoint is disabled.
     */
    @Transactional
    public WebhookDeliveryResponse redeliver(WebhookSubscriber subscriber, UUID id) {
        WebhookDelivery delivery = read(subscriber, id);
        WebhookEndpointEntity endpoint = endpoints
                .lockOwned(delivery.endpointId(), subscriber.accountId())
                .orElseThrow(() -> deliveryNotFound(id));
        if (!endpoint.enabled()) {
            throw WebhookEndpointService.disabled(endpoint, "redeliver");
        }
        deliveries.redeliver(id, clock.instant().truncatedTo(ChronoUnit.MILLIS));
        deliveries.endWait(id);
        return WebhookDeliveryResponse.of(read(subscriber, id));
    }

    private WebhookDelivery read(WebhookSubscriber subscriber, UUID id) {
        return deliveries.findOwned(id, subscriber.accountId()).orElseThrow(() -> deliveryNotFound(id));
    }

    private static ApiException deliveryNotFound(UUID id) {
        return ApiException.notFound("Your account has no webhook delivery " + id + ". List an endpoint's deliveries"
                + " with GET /api/v1/webhook-endpoints/{id}/deliveries.");
    }
}
