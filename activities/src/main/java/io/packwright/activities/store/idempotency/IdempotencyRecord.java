package io.packwright.activities.store.idempotency;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;

/**
 * The stored outcome of a creating request made with an {@code Idempotency-Key}.
 *
 * @param requestFingerprint a digest of the method, path and body of the first request
 * @param responseStatus the HTTP status of the first response
 * @param responseLocation its {@code Location} header, if any
 * @param responseBody its JSON body
 */
@Introspected
public record IdempotencyRecord(
        String requestFingerprint,
        int responseStatus,
        @Nullable String responseLocation,
        String responseBody) {}
