package io.packwright.api.webhooks;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.packwright.activities.secrets.SecretCipher;
import io.packwright.activities.store.Ids;
import io.packwright.activities.store.webhook.WebhookDeliveryRepository;
import io.packwright.activities.store.webhook.WebhookEndpointEntity;
import io.packwright.activities.store.webhook.WebhookEndpointRepository;
import io.packwright.activities.webhook.WebhookSecrets;
import io.packwright.api.auth.WebhookSubscriber;
import io.packwright.api.paging.PageRequest;
import io.packwright.api.paging.PageResponse;
import io.packwright.api.problem.ApiException;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Webhook endpoints of the caller's account ({@link WebhookSubscriber}): registration, reads,
 * changes, secret rotation and test events. Values arrive checked by {@link WebhookEndpointRules}
 * (which resolves host names, outside any transaction). A secret is generated here, returned by the
 * creation and the rotation only, and stored only encrypted.
 */
@Singleton
public class WebhookEndpointService {

    /** How long the previous secret still signs after a rotation (the contract's 24 hours). */
    static final Duration PREVIOUS_SECRET_VALIDITY = Duration.ofHours(24);

    private final WebhookEndpointRepository endpoints;
    private final WebhookDeliveryRepository deliveries;
    private final SecretCipher cipher;
    private final JsonMapper json;
    private final Clock clock;

    WebhookEndpointService(
            WebhookEndpointRepository endpoints,
            WebhookDeliveryRepository deliveries,
            SecretCipher cipher,
            JsonMapper json,
            Clock clock) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.cipher = cipher;
        this.json = json;
        this.clock = clock;
    }

    /**
     * A change of an endpoint, and whether it gave the endpoint something to send (it was enabled
     * again, or its URL changed while enabled): then its delivery workflow is woken after the commit.
     */
    record Updated(WebhookEndpointResponse endpoint, boolean wake) {}

    /**
     * Registers an endpoint with a new secret. The account's row is locked, so that concurrent
     * registrations cannot pass the limit together.
     */
    @Transactional
    public WebhookEndpointWithSecretResponse create(
            WebhookSubscriber subscriber, String url, @Nullable String description, String[] eventTypes) {
        UUID account = subscriber.accountId();
        endpoints.lockAccount(account).orElseThrow(() -> new IllegalStateException("the caller's account vanished"));
        if (endpoints.countByAccount(account) >= WebhookEndpointRepository.MAX_ENDPOINTS_PER_ACCOUNT) {
            throw ApiException.conflict("Your account has " + WebhookEndpointRepository.MAX_ENDPOINTS_PER_ACCOUNT
                    + " webhook endpoints, the most an account can have. One endpoint can receive many event types:"
                    + " change an existing one (PATCH /api/v1/webhook-endpoints/{id}) or delete one that is no longer"
                    + " used first.");
        }
        UUID id = Ids.next();
        String secret = WebhookSecrets.generate();
        endpoints.insert(
                id, account, url, description, eventTypes, cipher.encrypt(WebhookSecrets.owner(id), secret), now());
        return WebhookEndpointWithSecretResponse.of(read(account, id), secret);
    }

    /** The account's endpoints in creation order, without secrets. */
    @Transactional
    public PageResponse<WebhookEndpointResponse> list(WebhookSubscriber subscriber, PageRequest page) {
        List<WebhookEndpointEntity> rows = endpoints.findPage(subscriber.accountId(), page.after(), page.fetchSize());
        Instant now = now();
        return page.toPage(rows, WebhookEndpointEntity::id, row -> WebhookEndpointResponse.of(row, now));
    }

    /** One of the account's endpoints, without its secret. */
    @Transactional
    public WebhookEndpointResponse get(WebhookSubscriber subscriber, UUID id) {
        return read(subscriber.accountId(), id);
    }

    /**
     * Changes an endpoint; {@code null} values stay as they are.
     *
     * @param url a checked URL, or {@code null}
     * @param eventTypes checked event types, or {@code null}
     * @param description a description ({@code ""} removes it), or {@code null}
     */
    @Transactional
    public Updated update(
            WebhookSubscriber subscriber,
            UUID id,
            @Nullable String url,
            @Nullable String[] eventTypes,
            @Nullable Boolean enabled,
            @Nullable String description) {
        UUID account = subscriber.accountId();
        WebhookEndpointEntity current = endpoints.lockOwned(id, account).orElseThrow(() -> endpointNotFound(id));
        String newUrl = url != null ? url : current.url();
        boolean newEnabled = enabled != null ? enabled : current.enabled();
        endpoints.update(
                id,
                account,
                newUrl,
                description != null ? WebhookEndpointRules.description(description) : current.description(),
                eventTypes != null ? eventTypes : current.eventTypes(),
                newEnabled,
                now());
        boolean reenabled = newEnabled && !current.enabled();
        boolean moved = newEnabled && !newUrl.equals(current.url());
        return new Updated(read(account, id), reenabled || moved);
    }

    /** Deletes an endpoint with its deliveries and their attempts. */
    @Transactional
    public void delete(WebhookSubscriber subscriber, UUID id) {
        if (endpoints.deleteOwned(id, subscriber.accountId()) == 0) {
            throw endpointNotFound(id);
        }
    }

    /**
     * Gives the endpoint a new secret; the current one becomes the previous one and signs beside it
     * for {@link #PREVIOUS_SECRET_VALIDITY} (a previous one from an earlier rotation is dropped).
     */
    @Transactional
    public WebhookEndpointWithSecretResponse rotateSecret(WebhookSubscriber subscriber, UUID id) {
        UUID account = subscriber.accountId();
        String secret = WebhookSecrets.generate();
        Instant now = now();
        if (endpoints.rotateSecret(
                        id,
                        account,
                        cipher.encrypt(WebhookSecrets.owner(id), secret),
                        now.plus(PREVIOUS_SECRET_VALIDITY),
                        now)
                == 0) {
            throw endpointNotFound(id);
        }
        return WebhookEndpointWithSecretResponse.of(read(account, id), secret);
    }

    /**
     * Records a {@code webhook.test} event for this endpoint only and its delivery, due now; {@code
     * 409} when the endpoint is disabled.
     */
    @Transactional
    public WebhookTestResponse test(WebhookSubscriber subscriber, UUID id) {
        UUID account = subscriber.accountId();
        WebhookEndpointEntity endpoint = endpoints.lockOwned(id, account).orElseThrow(() -> endpointNotFound(id));
        if (!endpoint.enabled()) {
            throw disabled(endpoint, "send it a test event");
        }
        UUID eventId = Ids.next();
        UUID deliveryId = Ids.next();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("endpointId", id);
        data.put(
                "message",
                "This is a test event from Packwright, sent by POST /api/v1/webhook-endpoints/" + id
                        + "/test. Answer it with a 2xx status.");
        boolean recorded = deliveries
                .insertTestEvent(
                        id,
                        account,
                        eventId,
                        deliveryId,
                        subscriber.partnerAccountId(),
                        subscriber.managedAccountId(),
                        write(data),
                        now())
                .isPresent();
        if (!recorded) {
            throw new IllegalStateException("the locked, enabled endpoint " + id + " took no test event");
        }
        return new WebhookTestResponse(deliveryId, eventId);
    }

    /** The 404 of an endpoint that the caller's account does not have. */
    static ApiException endpointNotFound(UUID id) {
        return ApiException.notFound("Your account has no webhook endpoint " + id + ". List your endpoints with GET"
                + " /api/v1/webhook-endpoints.");
    }

    /** The 409 of a disabled endpoint asked to {@code action}. */
    static ApiException disabled(WebhookEndpointEntity endpoint, String action) {
        String reason = endpoint.disabledReason() == null ? "" : " (" + endpoint.disabledReason() + ")";
        return ApiException.conflict("The webhook endpoint " + endpoint.id() + " is disabled" + reason + ". Enable it"
                + " first with PATCH /api/v1/webhook-endpoints/" + endpoint.id() + " {\"enabled\": true}, then "
                + action + ".");
    }

    private WebhookEndpointResponse read(UUID account, UUID id) {
        return endpoints
                .findOwned(id, account)
                .map(endpoint -> WebhookEndpointResponse.of(endpoint, now()))
                .orElseThrow(() -> endpointNotFound(id));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a test event's data", e);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
