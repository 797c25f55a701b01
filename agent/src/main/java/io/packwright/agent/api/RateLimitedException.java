package io.packwright.agent.api;

import java.time.Duration;

/** {@code 429}: the API asks the runtime to wait {@link #retryAfter()} before its next call. */
public final class RateLimitedException extends ApiException {

    private final Duration retryAfter;

    RateLimitedException(Duration retryAfter, String message) {
        super(message, null);
        this.retryAfter = retryAfter;
    }

    /** The {@code Retry-After} the API sent, or null when it sent none that parses. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
