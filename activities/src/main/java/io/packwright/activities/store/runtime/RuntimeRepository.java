package io.packwright.activities.store.runtime;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Runtime credentials. Management reads and writes are scoped by the environment, which the caller
 * has checked belongs to the account acted for; {@link #findByToken} is the one unscoped read, by
 * what only the token's holder can present.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface RuntimeRepository extends GenericRepository<RuntimeEntity, UUID> {

    /** The most runtimes one environment may have. */
    int MAX_RUNTIMES_PER_ENVIRONMENT = 100;

    /**
     * Creates a runtime unless the environment has one with this name. Race-free: of two concurrent
     * inserts of one name the second inserts nothing.
     *
     * @return 1 when created, 0 when the name is taken
     */
    @Query("""
            INSERT INTO runtimes (id, environment_id, name, token_sha256, created_at)
            VALUES (:id, :environmentId, :name, :tokenSha256, :createdAt)
            ON CONFLICT ON CONSTRAINT runtimes_name_unique DO NOTHING""")
    int insertUnlessNameTaken(UUID id, UUID environmentId, String name, byte[] tokenSha256, Instant createdAt);

    /** How many runtimes the environment has. */
    @Query("SELECT count(*) FROM runtimes WHERE environment_id = :environmentId")
    int countByEnvironment(UUID environmentId);

    /**
     * One page of the environment's runtimes in creation order.
     *
     * @param after the last id of the previous page, or the nil UUID for the first page
     */
    @Query("""
            SELECT * FROM runtimes WHERE environment_id = :environmentId AND id > :after ORDER BY id LIMIT :limit""")
    List<RuntimeEntity> findPage(UUID environmentId, UUID after, int limit);

    /**
     * Revokes the environment's runtime {@code id}: its token is unknown from this commit on, and
     * its waiting requests are woken (a trigger notifies the environment).
     *
     * @return 1 when revoked, 0 when the environment has no such runtime
     */
    @Query("DELETE FROM runtimes WHERE id = :id AND environment_id = :environmentId")
    int deleteInEnvironment(UUID id, UUID environmentId);

    /** The runtime whose token has this SHA-256, with its environment and tenants. */
    @Query("""
            SELECT r.id AS runtime_id, r.environment_id, e.account_id, a.parent_account_id AS partner_account_id,
                   r.last_seen_at
            FROM runtimes r
            JOIN environments e ON e.id = r.environment_id
            JOIN accounts a ON a.id = e.account_id
            WHERE r.token_sha256 = :tokenSha256""")
    Optional<RuntimeIdentity> findByToken(byte[] tokenSha256);

    /** Whether the runtime still exists (has not been revoked). */
    @Query("SELECT EXISTS (SELECT 1 FROM runtimes WHERE id = :id)")
    boolean exists(UUID id);

    /**
     * Records that the runtime was seen {@code now}, unless it was seen after {@code seenAfter}
     * already: one write per runtime and interval, not per request.
     */
    @Query("""
            UPDATE runtimes SET last_seen_at = :now
            WHERE id = :id AND (last_seen_at IS NULL OR last_seen_at < :seenAfter)""")
    int touch(UUID id, Instant now, Instant seenAfter);
}
