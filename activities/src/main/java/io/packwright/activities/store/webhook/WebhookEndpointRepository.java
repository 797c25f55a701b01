package io.packwright.activities.store.webhook;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.DataType;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Webhook endpoints, as their owners manage them. Every read and write is scoped by the owning
 * account, so an endpoint of another account is indistinguishable from an unknown id. Secrets are
 * written here encrypted and never read. Every method needs a surrounding transaction.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface WebhookEndpointRepository extends GenericRepository<WebhookEndpointEntity, UUID> {

    /** The most endpoints one account may have. */
    int MAX_ENDPOINTS_PER_ACCOUNT = 20;

    /** The longest URL an endpoint may have (the table's check). */
    int MAX_URL_LENGTH = 2000;

    /** The longest description an endpoint may have (the table's check). */
    int MAX_DESCRIPTION_LENGTH = 500;

    /** The columns of {@link WebhookEndpointEntity}: never the secrets. */
    String ENDPOINT = """
            SELECT id, account_id, url, description, event_types, enabled, disabled_reason,
                   previous_secret_expires_at, failing_since, next_sequence, created_at, updated_at
            FROM webhook_endpoints
            """;

    /**
     * Locks the account's row ({@code FOR UPDATE}) so that concurrent creations of its endpoints pass
     * the limit one after the other. (Micronaut Data takes a statement with {@code FOR NO KEY UPDATE}
     * for an update, so the stronger lock it is; it is held for one short transaction.)
     *
     * @return the account's id; empty when there is no such account
     */
    @Query("SELECT id FROM accounts WHERE id = :accountId FOR UPDATE")
    Optional<UUID> lockAccount(UUID accountId);

    /** How many endpoints the account has. */
    @Query("SELECT count(*) FROM webhook_endpoints WHERE account_id = :accountId")
    int countByAccount(UUID accountId);

    /**
     * Creates an endpoint.
     *
     * @param secret its secret, encrypted for {@link io.packwright.activities.webhook.WebhookSecrets#owner}
     */
    @Query("""
            INSERT INTO webhook_endpoints (id, account_id, url, description, event_types, enabled, secret, created_at,
                                           updated_at)
            VALUES (:id, :accountId, :url, :description, :eventTypes, true, :secret, :now, :now)""")
    void insert(
            UUID id,
            UUID accountId,
            String url,
            @Nullable String description,
            @TypeDef(type = DataType.STRING_ARRAY) String[] eventTypes,
            byte[] secret,
            Instant now);

    /** The account's endpoint {@code id}. */
    @Query(ENDPOINT + "WHERE id = :id AND account_id = :accountId")
    Optional<WebhookEndpointEntity> findOwned(UUID id, UUID accountId);

    /**
     * The account's endpoint {@code id}, locked ({@code FOR UPDATE}) against concurrent changes and
     * deletion until the transaction ends.
     */
    @Query(ENDPOINT + "WHERE id = :id AND account_id = :accountId FOR UPDATE")
    Optional<WebhookEndpointEntity> lockOwned(UUID id, UUID accountId);

    /**
     * One page of the account's endpoints in creation order.
     *
     * @param after the last id of the previous page, or the nil UUID for the first page
     */
    @Query(ENDPOINT + "WHERE account_id = :accountId AND id > :after ORDER BY id LIMIT :limit")
    List<WebhookEndpointEntity> findPage(UUID accountId, UUID after, int limit);

    /**
     * Changes what the owner may change. Enabling a disabled endpoint clears why it was disabled, its
     * run of failures and its wait for a retry (its pending deliveries go at once); an enabled
     * endpoint keeps its run of failures.
     *
     * @return 1 when changed, 0 when the account has no such endpoint
     */
    @Query("""
            UPDATE webhook_endpoints
            SET url = :url, description = :description, event_types = :eventTypes,
                disabled_reason = CASE WHEN :enabled THEN NULL ELSE disabled_reason END,
                failing_since = CASE WHEN :enabled AND NOT enabled THEN NULL ELSE failing_since END,
                retry_at = CASE WHEN :enabled AND NOT enabled THEN NULL ELSE retry_at END,
                enabled = :enabled, updated_at = :now
            WHERE id = :id AND account_id = :accountId""")
    int update(
            UUID id,
            UUID accountId,
            String url,
            @Nullable String description,
            @TypeDef(type = DataType.STRING_ARRAY) String[] eventTypes,
            boolean enabled,
            Instant now);

    /**
     * Rotates the endpoint's secret: the current one becomes the previous one, which signs beside
     * the new one until {@code previousExpiresAt}; a previous one still valid is replaced.
     *
     * @param secret the new secret, encrypted for {@link io.packwright.activities.webhook.WebhookSecrets#owner}
     * @return 1 when rotated, 0 when the account has no such endpoint
     */
    @Query("""
            UPDATE webhook_endpoints
            SET previous_secret = secret, previous_secret_expires_at = :previousExpiresAt, secret = :secret,
                updated_at = :now
            WHERE id = :id AND account_id = :accountId""")
    int rotateSecret(UUID id, UUID accountId, byte[] secret, Instant previousExpiresAt, Instant now);

    /**
     * Deletes the account's endpoint {@code id}; its deliveries and their attempts go with it.
     *
     * @return 1 when deleted, 0 when the account has no such endpoint
     */
    @Query("DELETE FROM webhook_endpoints WHERE id = :id AND account_id = :accountId")
    int deleteOwned(UUID id, UUID accountId);
}
