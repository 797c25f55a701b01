package io.packwright.agent.api;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with "equal jitter": after the n-th consecutive failure the base delay is
 * {@code initial * 2^(n-1)}, capped at {@code max}, and the delay is a random point in the upper
 * half of it, so that many runtimes that lost the API at once do not come back in step. {@link
 * #reset()} after a success starts over. Not thread-safe: one per loop.
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final RandomGenerator random;
    private int failures;

    Backoff(Duration initial, Duration max, RandomGenerator random) {
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    /** Counts one more failure and returns how long to wait before the next attempt. */
    public Duration nextDelay() {
        long baseMillis = initial.toMillis();
        for (int i = 0; i < failures && baseMillis < max.toMillis(); i++) {
            baseMillis *= 2;
        }
        baseMillis = Math.min(baseMillis, max.toMillis());
        failures++;
        long half = baseMillis / 2;
        return Duration.ofMillis(baseMillis - half + random.nextLong(half + 1));
    }

    /** The number of failures since the last {@link #reset()}. */
    public int failures() {
        return failures;
    }

    public void reset() {
        failures = 0;
    }
}
