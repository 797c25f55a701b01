package io.packwright.activities.store.idempotency;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.Optional;

/**
 * Idempotency keys of creating requests. A key is claimed and completed inside the transaction
 * that creates the resource, so the key and the resource commit (or roll back) together; a
 * concurrent request with the same key waits on the key's primary key until the first one ends.
 * Every method needs a surrounding transaction.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface IdempotencyKeyRepository extends GenericRepository<IdempotencyKeyEntity, IdempotencyKeyEntity.Key> {

    /**
     * Claims {@code idempotencyKey} for {@code principal}, with no response yet. Race-free: of two
     * concurrent claims of one key the second waits for the first transaction and then inserts
     * nothing.
     *
     * @return 1 when the key is new and now belongs to this transaction, 0 when it was used before
     *     (then {@link #findRecord} reads what the first request stored)
     */
    @Query("""
            INSERT INTO idempotency_keys (principal, idempotency_key, request_fingerprint,
                                          response_status, response_location, response_body, created_at)
            VALUES (:principal, :idempotencyKey, :requestFingerprint, 0, NULL, '', :createdAt)
            ON CONFLICT (principal, idempotency_key) DO NOTHING""")
    int claimUnlessUsed(String principal, String idempotencyKey, String requestFingerprint, Instant createdAt);

    /** The record of the request that used {@code idempotencyKey} of {@code principal} first. */
    @Query("""
            SELECT request_fingerprint, response_status, response_location, response_body
            FROM idempotency_keys WHERE principal = :principal AND idempotency_key = :idempotencyKey""")
    Optional<IdempotencyRecord> findRecord(String principal, String idempotencyKey);

    /** Records the response of the request that claimed {@code idempotencyKey}. */
    @Query("""
            UPDATE idempotency_keys
            SET response_status = :status, response_location = :location, response_body = :body
            WHERE principal = :principal AND idempotency_key = :idempotencyKey""")
    void complete(String principal, String idempotencyKey, int status, @Nullable String location, String body);

    /**
     * Forgets keys used before {@code cutoff}.
     *
     * @return how many were removed
     */
    @Query("DELETE FROM idempotency_keys WHERE created_at < :cutoff")
    int deleteOlderThan(Instant cutoff);
}
