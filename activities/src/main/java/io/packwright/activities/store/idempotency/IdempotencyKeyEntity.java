package io.packwright.activities.store.idempotency;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Embeddable;
import io.micronaut.data.annotation.EmbeddedId;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.MappedProperty;
import java.time.Instant;

/**
 * A row of {@code idempotency_keys}: an {@code Idempotency-Key} of a caller and the first response
 * made with it.
 *
 * @param id the caller and the key
 * @param requestFingerprint a digest of the method, path and body of the first request
 * @param responseStatus the HTTP status of the first response; 0 while that request runs
 * @param responseLocation its {@code Location} header, if any
 * @param responseBody its JSON body; empty while that request runs
 * @param createdAt when the key was claimed
 */
@MappedEntity("idempotency_keys")
public record IdempotencyKeyEntity(
        @EmbeddedId Key id,
        String requestFingerprint,
        int responseStatus,
        @Nullable String responseLocation,
        String responseBody,
        Instant createdAt) {

    /**
     * The primary key of {@code idempotency_keys}.
     *
     * @param principal the caller (the token's subject)
     * @param idempotencyKey the header's value
     */
    @Embeddable
    public record Key(
            @MappedProperty("principal") String principal,
            @MappedProperty("idempotency_key") String idempotencyKey) {}
}
