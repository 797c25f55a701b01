package io.packwright.api.idempotency;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * How long {@code Idempotency-Key}s are remembered, {@code packwright.idempotency.*} (environment:
 * {@code PACKWRIGHT_IDEMPOTENCY_RETENTION}, {@code PACKWRIGHT_IDEMPOTENCY_CLEANUP_INTERVAL}).
 *
 * @param retention how long a key replays its first response
 * @param cleanupInterval how often expired keys are forgotten
 */
@ConfigurationProperties("packwright.idempotency")
public record IdempotencyProperties(
        @Bindable(defaultValue = "24h") Duration retention,
        @Bindable(defaultValue = "1h") Duration cleanupInterval) {}
