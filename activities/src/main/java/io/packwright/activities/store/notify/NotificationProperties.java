package io.packwright.activities.store.notify;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;

/**
 * How {@link DatabaseNotifications} listens, {@code packwright.notifications.*} (environment: {@code
 * PACKWRIGHT_NOTIFICATIONS_MAX_WAITERS}, ...).
 *
 * @param maxWaiters waits open at once in this process; beyond, a wait is refused at once and its
 *     caller answers from the state it has (for apply-pending-update: 202 with a Location to poll)
 * @param reconnectDelay pause between two attempts to open the listening connection
 * @param checkInterval how long the listening connection may stay silent before it is probed with a
 *     query, so that a connection that died without a word is replaced; also the network timeout of
 *     that probe
 */
@ConfigurationProperties("packwright.notifications")
public record NotificationProperties(
        @Bindable(defaultValue = "10000") @Positive int maxWaiters,
        @Bindable(defaultValue = "1s") @NotNull Duration reconnectDelay,
        @Bindable(defaultValue = "30s") @NotNull Duration checkInterval) {

    /**
     * @throws ConfigurationException when a duration is not positive
     */
    public NotificationProperties {
        requirePositive("reconnect-delay", reconnectDelay);
        requirePositive("check-interval", checkInterval);
    }

    private static void requirePositive(String key, Duration value) {
        if (value != null && (value.isZero() || value.isNegative())) {
            throw new ConfigurationException("packwright.notifications." + key + " must be positive, not " + value);
        }
    }
}
