package io.packwright.activities.store.idempotency;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * Idempotency keys of creating requests. A key is claimed and completed inside the transaction
 * that creates the resource, so the key and the resource commit (or roll back) together; a
 * concurrent request with the same key waits on the key's primary key until the first one ends.
 * Every method needs a surrounding transaction.
 */
@Singleton
public class IdempotencyStore {

    private final JdbcOperations jdbc;

    IdempotencyStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Claims {@code key} for {@code principal}.
     *
     * @return empty when the key is new and now belongs to this transaction, else the record of
     *     the request that used it first
     */
    public Optional<IdempotencyRecord> claim(String principal, String key, String requestFingerprint, Instant now) {
        int inserted = jdbc.prepareStatement("""
                INSERT INTO idempotency_keys (principal, idempotency_key, request_fingerprint,
                                              response_status, response_location, response_body, created_at)
                VALUES (?, ?, ?, 0, NULL, '', ?)
                ON CONFLICT (principal, idempotency_key) DO NOTHING""", statement -> {
            statement.setString(1, principal);
            statement.setString(2, key);
            statement.setString(3, requestFingerprint);
            statement.setTimestamp(4, Timestamp.from(now));
            return statement.executeUpdate();
        });
        if (inserted == 1) {
            return Optional.empty();
        }
        return jdbc.prepareStatement("""
                SELECT request_fingerprint, response_status, response_location, response_body
                FROM idempotency_keys WHERE principal = ? AND idempotency_key = ?""", statement -> {
            statement.setString(1, principal);
            statement.setString(2, key);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("idempotency key vanished while claimed");
                }
                return Optional.of(
                        new IdempotencyRecord(row.getString(1), row.getInt(2), row.getString(3), row.getString(4)));
            }
        });
    }

    /** Records the response of the request that claimed {@code key}. */
    public void complete(String principal, String key, int status, @Nullable String location, String body) {
        jdbc.prepareStatement("""
                UPDATE idempotency_keys SET response_status = ?, response_location = ?, response_body = ?
                WHERE principal = ? AND idempotency_key = ?""", statement -> {
            statement.setInt(1, status);
            statement.setString(2, location);
            statement.setString(3, body);
            statement.setString(4, principal);
            statement.setString(5, key);
            return statement.executeUpdate();
        });
    }

    /**
     * Forgets keys used before {@code cutoff}.
     *
     * @return how many were removed
     */
    public int deleteOlderThan(Instant cutoff) {
        return jdbc.prepareStatement("DELETE FROM idempotency_keys WHERE created_at < ?", statement -> {
            statement.setTimestamp(1, Timestamp.from(cutoff));
            return statement.executeUpdate();
        });
    }
}
