package io.packwright.activities.webhook;

import io.packwright.activities.secrets.SecretCipher;
import io.packwright.activities.store.webhook.WebhookDeliveryStore;
import io.packwright.activities.store.webhook.WebhookDeliveryStore.Attempt;
import io.packwright.activities.store.webhook.WebhookDeliveryStore.Due;
import io.packwright.activities.store.webhook.WebhookDeliveryStore.Target;
import io.packwright.workflows.webhook.DeliveryPass;
import io.packwright.workflows.webhook.WebhookDeliveryActivities;
import io.temporal.activity.Activity;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link WebhookDeliveryActivities}: signs and sends an endpoint's due deliveries one after the
 * other, in sequence order, and records each attempt with what follows it. A failed delivery is
 * tried again after growing delays ({@link #retryDelay}) until {@link WebhookProperties#retryFor}
 * after it was made, then given up.
 */
@Singleton
public class WebhookDeliveryActivitiesImpl implements WebhookDeliveryActivities {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliveryActivitiesImpl.class);

    /** Deliveries read per query. */
    static final int PAGE = 50;

    /** A pass ends after this long, so that a busy endpoint's workflow also sees its signals. */
    static final Duration PASS = Duration.ofMinutes(1);

    private static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    private static final Duration LONGEST_RETRY = Duration.ofHours(10);

    private final WebhookDeliveryStore store;
    private final WebhookSender sender;
    private final SecretCipher cipher;
    private final WebhookProperties properties;
    private final Clock clock;

    public WebhookDeliveryActivitiesImpl(
            WebhookDeliveryStore store,
            WebhookSender sender,
            SecretCipher cipher,
            WebhookProperties properties,
            Clock clock) {
        this.store = store;
        this.sender = sender;
        this.cipher = cipher;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public DeliveryPass deliver(UUID endpointId) {
        Objects.requireNonNull(endpointId, "endpointId");
        Instant until = clock.instant().plus(PASS);
        while (clock.instant().isBefore(until)) {
            Instant now = clock.instant();
            Optional<Target> target = store.target(endpointId, now);
            if (target.isEmpty() || !target.get().enabled()) {
                break;
            }
            List<Due> due = store.due(endpointId, now, PAGE);
            if (due.isEmpty()) {
                break;
            }
            List<String> secrets = secrets(target.get());
            for (Due delivery : due) {
                if (!send(target.get(), secrets, delivery)) {
                    // failed: the endpoint waits for this delivery's retry (or, disabled by this
                    // failure, for being enabled again), and the later ones wait behind it
                    return store.pass(endpointId, clock.instant());
                }
                heartbeat(delivery.sequence());
                if (!clock.instant().isBefore(until)) {
                    break;
                }
            }
        }
        return store.pass(endpointId, clock.instant());
    }

    /** @return whether the delivery succeeded (a failure makes the endpoint wait, see V14) */
    private boolean send(Target target, List<String> secrets, Due delivery) {
        String body = body(delivery);
        long timestamp = clock.instant().getEpochSecond();
        String id = delivery.id().toString();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("webhook-id", id);
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put("webhook-signature", WebhookSignature.header(secrets, id, timestamp, body));
        Attempt outcome = sender.send(target.url(), headers, body);
        int attempt = delivery.attempts() + 1;
        Instant next = outcome.succeeded() ? null : nextAttempt(delivery, attempt, outcome.at());
        boolean disabled = store.record(target.id(), delivery.id(), attempt, outcome, next, properties.disableAfter());
        if (!outcome.succeeded()) {
            LOG.info(
                    "webhook delivery {} (sequence {}) to endpoint {} failed, attempt {}: {}; {}",
                    delivery.id(),
                    delivery.sequence(),
                    target.id(),
                    attempt,
                    outcome.statusCode() != null ? "status " + outcome.statusCode() : outcome.error(),
                    next == null ? "given up" : "next attempt at " + next);
        }
        if (disabled) {
            LOG.warn(
                    "webhook endpoint {} disabled: its deliveries have failed for {}",
                    target.id(),
                    properties.disableAfter());
        }
        return outcome.succeeded();
    }

    /**
     * The body of a delivery: {@code {"type","timestamp","sequence","data"}}, with the event's
     * instant and the endpoint's sequence number; {@code data} is the stored JSON as it is.
     */
    static String body(Due delivery) {
        return "{\"type\":\"" + delivery.type() + "\",\"timestamp\":\"" + delivery.eventAt() + "\",\"sequence\":"
                + delivery.sequence() + ",\"data\":" + delivery.data() + "}";
    }

    /** The next attempt after attempt {@code attempt} failed at {@code at}; {@code null} to give up. */
    Instant nextAttempt(Due delivery, int attempt, Instant at) {
        Instant last = delivery.createdAt().plus(properties.retryFor());
        if (!at.isBefore(last)) {
            return null;
        }
        Instant next = at.plus(retryDelay(attempt));
        return next.isAfter(last) ? last : next;
    }

    /** 5 s after the first failure, then four times longer after each, at most 10 hours. */
    static Duration retryDelay(int failedAttempts) {
        Duration delay = FIRST_RETRY;
        for (int i = 1; i < failedAttempts && delay.compareTo(LONGEST_RETRY) < 0; i++) {
            delay = delay.multipliedBy(4);
        }
        return delay.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : delay;
    }

    private List<String> secrets(Target target) {
        List<String> secrets = new ArrayList<>(2);
        secrets.add(cipher.decrypt(WebhookSecrets.owner(target.id()), target.secret()));
        if (target.previousSecret() != null) {
            secrets.add(cipher.decrypt(WebhookSecrets.owner(target.id()), target.previousSecret()));
        }
        return secrets;
    }

    private static void heartbeat(long sequence) {
        try {
            Activity.getExecutionContext().heartbeat(sequence);
        } catch (IllegalStateException notInAnActivity) {
            // called outside Temporal (a test of the pass itself)
        }
    }
}
