package io.packwright.activities.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.exceptions.ConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The webhook settings refuse what the delivery path cannot honour. */
class WebhookPropertiesTest {

    private static WebhookProperties withRequestTimeout(Duration timeout) {
        return new WebhookProperties(false, timeout, Duration.ofHours(26), Duration.ofDays(5), Duration.ofDays(30));
    }

    @Test
    void aRequestTimeoutMustEndBeforeTheDeliveryActivitysHeartbeatTimeout() {
        assertEquals(
                Duration.ofSeconds(15),
                withRequestTimeout(Duration.ofSeconds(15)).requestTimeout());
        ConfigurationException refused =
                assertThrows(ConfigurationException.class, () -> withRequestTimeout(Duration.ofSeconds(16)));
        assertTrue(refused.getMessage().contains("request-timeout must be at most 15s"), refused::getMessage);
        assertThrows(ConfigurationException.class, () -> withRequestTimeout(Duration.ZERO));
    }
}
