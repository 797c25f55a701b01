package io.packwright.activities.webhook;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * Webhooks, {@code packwright.webhooks.*} (environment: {@code PACKWRIGHT_WEBHOOKS_ALLOW_LOOPBACK},
 * ...). The api and the worker must agree on {@code allow-loopback}.
 *
 * @param allowLoopback whether endpoints may be on loopback addresses, over {@code http} or {@code
 *     https} (development only: the embedded stack turns it on); private, link-local and metadata
 *     addresses stay refused whatever this says
 * @param requestTimeout how long one delivery attempt may take, connection included; an attempt
 *     without a {@code 2xx} within it failed; at most {@link #LONGEST_REQUEST_TIMEOUT}, since the
 *     delivery activity heartbeats after each attempt and a worker that dies mid-attempt is noticed
 *     by the missing heartbeat
 * @param retryFor how long a delivery is retried, with growing delays, before it is given up
 *     ({@code FAILED})
 * @param disableAfter how long an endpoint may fail without a success in between before it is
 *     disabled
 * @param retention how long events and their delivery log are kept (an event with a pending
 *     delivery is kept until it is finished)
 */
@ConfigurationProperties("packwright.webhooks")
public record WebhookProperties(
        @Bindable(defaultValue = "false") boolean allowLoopback,
        @Bindable(defaultValue = "10s") @NotNull Duration requestTimeout,
        @Bindable(defaultValue = "26h") @NotNull Duration retryFor,
        @Bindable(defaultValue = "5d") @NotNull Duration disableAfter,
        @Bindable(defaultValue = "30d") @NotNull Duration retention) {

    /** The longest request timeout: under the delivery activity's 20 s heartbeat timeout. */
    public static final Duration LONGEST_REQUEST_TIMEOUT = Duration.ofSeconds(15);

    /**
     * @throws ConfigurationException when a duration is not positive, or the request timeout is
     *     longer than {@link #LONGEST_REQUEST_TIMEOUT}
     */
    public WebhookProperties {
        requirePositive("request-timeout", requestTimeout);
        if (requestTimeout != null && requestTimeout.compareTo(LONGEST_REQUEST_TIMEOUT) > 0) {
            throw new ConfigurationException("packwright.webhooks.request-timeout must be at most "
                    + LONGEST_REQUEST_TIMEOUT.toSeconds() + "s (a delivery attempt must end before the delivery"
                    + " activity's heartbeat timeout), not " + requestTimeout);
        }
        requirePositive("retry-for", retryFor);
        requirePositive("disable-after", disableAfter);
        requirePositive("retention", retention);
    }

    private static void requirePositive(String key, Duration value) {
        if (value != null && (value.isZero() || value.isNegative())) {
            throw new ConfigurationException("packwright.webhooks." + key + " must be positive, not " + value);
        }
    }
}
