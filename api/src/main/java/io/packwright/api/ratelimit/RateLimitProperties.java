package io.packwright.api.ratelimit;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Positive;
import java.time.Duration;

/**
 * The request budget of every principal on {@code /api/**}, {@code packwright.rate-limits.*}
 * (environment: {@code PACKWRIGHT_RATE_LIMITS_REQUESTS_PER_SECOND}, ...). Each budget is a token
 * bucket: it holds up to its burst, refills continuously at its rate, and a request that finds it
 * empty is answered 429. Budgets are kept per api process.
 *
 * @param enabled whether requests are limited at all
 * @param requestsPerSecond sustained rate of all requests of one principal
 * @param burst requests a principal may send at once after a quiet spell
 * @param writesPerSecond sustained rate of one principal's writes ({@code POST}, {@code PUT}, {@code
 *     PATCH}, {@code DELETE}), which also count against {@code requestsPerSecond}: a write takes row
 *     locks, may start or signal a workflow, and an apply-pending-update waits for its outcome, so
 *     writes get a smaller budget and a principal that floods them can still read
 * @param writeBurst writes a principal may send at once after a quiet spell
 * @param maxPrincipals budgets kept in memory at once; beyond, the least recently used are forgotten
 *     (a forgotten principal starts again with a full budget)
 */
@ConfigurationProperties("packwright.rate-limits")
public record RateLimitProperties(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "50") @Positive int requestsPerSecond,
        @Bindable(defaultValue = "100") @Positive int burst,
        @Bindable(defaultValue = "10") @Positive int writesPerSecond,
        @Bindable(defaultValue = "20") @Positive int writeBurst,
        @Bindable(defaultValue = "10000") @Positive int maxPrincipals) {

    /**
     * How long an untouched budget takes to be full again. A budget idle for that long is the same as
     * a new one, so it can be forgotten then without giving anyone more than a new principal gets.
     */
    Duration refillTime() {
        long millis = Math.max(millisToFill(burst, requestsPerSecond), millisToFill(writeBurst, writesPerSecond));
        return Duration.ofMillis(Math.max(millis, 1000));
    }

    private static long millisToFill(int capacity, int perSecond) {
        return (1000L * capacity + perSecond - 1) / perSecond;
    }
}
