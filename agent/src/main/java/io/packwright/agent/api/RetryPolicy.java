package io.packwright.agent.api;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How the agent's loops wait after a failed API call: exponential backoff with jitter for transient
 * failures, and the API's {@code Retry-After}, bounded, when it rate-limits. Shared by all loops;
 * each loop keeps its own {@link Backoff}.
 *
 * @param initialBackoff the base delay after the first failure
 * @param maxBackoff the most the base delay grows to
 * @param maxRetryAfter the longest {@code Retry-After} honoured (a longer one is cut to this)
 * @param defaultRetryAfter the wait after a {@code 429} without a usable {@code Retry-After}
 * @param sleeper how the loops wait; tests record the waits instead of sleeping them
 * @param random the source of jitter
 */
public record RetryPolicy(
        Duration initialBackoff,
        Duration maxBackoff,
        Duration maxRetryAfter,
        Duration defaultRetryAfter,
        Sleeper sleeper,
        RandomGenerator random) {

    /** Backoff from 1 s doubling to 30 s; {@code Retry-After} honoured up to 5 minutes. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                Duration.ofSeconds(5),
                Sleeper.THREAD_SLEEP,
                RandomGenerator.getDefault());
    }

    public RetryPolicy {
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(random, "random");
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 < initialBackoff <= maxBackoff");
        }
    }

    /** A fresh backoff sequence, starting at {@link #initialBackoff()}. */
    public Backoff newBackoff() {
        return new Backoff(initialBackoff, maxBackoff, random);
    }

    /** How long to wait after {@code e}: its {@code Retry-After}, at most {@link #maxRetryAfter()}. */
    public Duration waitAfter(RateLimitedException e) {
        Duration requested = e.retryAfter() == null ? defaultRetryAfter : e.retryAfter();
        return requested.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : requested;
    }

    /** Waits {@code delay}; an interrupt ends the wait. */
    public void sleep(Duration delay) throws InterruptedException {
        sleeper.sleep(delay);
    }

    /** Waits for a while; tests replace the thread's sleep to run fast and to see the delays. */
    @FunctionalInterface
    public interface Sleeper {

        Sleeper THREAD_SLEEP = delay -> Thread.sleep(delay.toMillis());

        void sleep(Duration delay) throws InterruptedException;
    }
}
