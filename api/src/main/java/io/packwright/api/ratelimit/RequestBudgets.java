package io.packwright.api.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;

/**
 * The budgets of the principals that called recently, in a bounded map whose entries expire once
 * they would be full again ({@link RateLimitProperties#refillTime()}). Spending never blocks and
 * never touches the database: Bucket4j's local buckets are lock-free.
 */
@Singleton
class RequestBudgets {

    private final RateLimitProperties limits;
    private final Cache<RatePrincipal, Budget> budgets;

    RequestBudgets(RateLimitProperties limits) {
        this.limits = limits;
        this.budgets = Caffeine.newBuilder()
                .maximumSize(limits.maxPrincipals())
                .expireAfterAccess(limits.refillTime())
                .build();
    }

    /**
     * Spends one request of {@code principal}'s budget, and one write for a write.
     *
     * @return empty when the request may go on, else why not and when to retry
     */
    Optional<Refusal> spend(RatePrincipal principal, boolean write) {
        Budget budget = budgets.get(principal, key -> newBudget());
        if (write) {
            ConsumptionProbe writes = budget.writes().tryConsumeAndReturnRemaining(1);
            if (!writes.isConsumed()) {
                return Optional.of(new Refusal(true, Duration.ofNanos(writes.getNanosToWaitForRefill())));
            }
        }
        ConsumptionProbe requests = budget.requests().tryConsumeAndReturnRemaining(1);
        if (!requests.isConsumed()) {
            if (write) {
                budget.writes().addTokens(1);
            }
            return Optional.of(new Refusal(false, Duration.ofNanos(requests.getNanosToWaitForRefill())));
        }
        return Optional.empty();
    }

    /** Budgets kept now (for tests and monitoring; approximate). */
    long kept() {
        budgets.cleanUp();
        return budgets.estimatedSize();
    }

    private Budget newBudget() {
        return new Budget(
                bucket(limits.burst(), limits.requestsPerSecond()),
                bucket(limits.writeBurst(), limits.writesPerSecond()));
    }

    private static Bucket bucket(int capacity, int perSecond) {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(capacity).refillGreedy(perSecond, Duration.ofSeconds(1)))
                .build();
    }

    /** One principal's buckets: every request, and writes only. */
    private record Budget(Bucket requests, Bucket writes) {}

    /**
     * A request that the budget does not allow now.
     *
     * @param writes whether the write budget (rather than the request budget) is spent
     * @param retryAfter when one more would be allowed
     */
    record Refusal(boolean writes, Duration retryAfter) {}
}
