package io.packwright.activities.store.webhook;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Webhook deliveries and their attempts, as endpoint owners read them, test them and redeliver
 * them. Reads are scoped by the endpoint (which the caller has checked belongs to the account) or by
 * the owning account. Every method needs a surrounding transaction.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface WebhookDeliveryRepository extends GenericRepository<WebhookAttemptEntity, UUID> {

    /** The most attempts that one delivery's detail shows, newest first. */
    int MAX_ATTEMPTS_SHOWN = 100;

    /** The columns of {@link WebhookDelivery} for the deliveries {@code d}, with their latest attempt. */
    String DELIVERY = """
            SELECT d.id, d.endpoint_id, d.event_id, e.type AS event_type, d.sequence, d.status, d.attempts,
                   d.next_attempt_at, d.created_at, d.finished_at, a.attempt AS last_attempt,
                   a.attempted_at AS last_attempted_at, a.status_code AS last_status_code,
                   a.latency_ms AS last_latency_ms, a.response AS last_response, a.error AS last_error
            FROM webhook_deliveries d
            JOIN webhook_events e ON e.id = d.event_id
            LEFT JOIN LATERAL (SELECT * FROM webhook_attempts t WHERE t.delivery_id = d.id
                               ORDER BY t.attempt DESC LIMIT 1) a ON true
            """;

    /**
     * Records a {@code webhook.test} event for one endpoint and its delivery, in one statement: the
     * event is written dispatched (it is for this endpoint only), the delivery takes the endpoint's
     * next sequence and is due now. Nothing is written unless the endpoint is the account's and
     * enabled.
     *
     * @param partnerAccountId the partner of the tenant that the event concerns
     * @param managedAccountId the managed account it concerns, when the endpoint is one's
     * @param data the event's data, a JSON object
     * @return the delivery's id when recorded; empty when the account has no such enabled endpoint
     */
    @Query("""
            WITH endpoint AS (
                UPDATE webhook_endpoints SET next_sequence = next_sequence + 1
                WHERE id = :endpointId AND account_id = :accountId AND enabled
                RETURNING id, next_sequence - 1 AS sequence),
            event AS (
                INSERT INTO webhook_events (id, partner_account_id, managed_account_id, type, data, created_at,
                                            dispatched)
                SELECT :eventId, :partnerAccountId, CAST(:managedAccountId AS uuid), 'webhook.test',
                       CAST(:data AS jsonb), :now, true
                FROM endpoint
                RETURNING id, data)
            INSERT INTO webhook_deliveries (id, endpoint_id, event_id, sequence, data, status, attempts,
                                            next_attempt_at, created_at)
            SELECT :deliveryId, endpoint.id, event.id, endpoint.sequence, event.data, 'PENDING', 0, :now, :now
            FROM endpoint, event
            RETURNING id""")
    Optional<UUID> insertTestEvent(
            UUID endpointId,
            UUID accountId,
            UUID eventId,
            UUID deliveryId,
            UUID partnerAccountId,
            @Nullable UUID managedAccountId,
            String data,
            Instant now);

    /**
     * One page of the endpoint's deliveries, newest (highest sequence) first.
     *
     * @param beforeSequence only deliveries before this sequence ({@link Long#MAX_VALUE} for the first page)
     */
    @Query(DELIVERY + """
            WHERE d.endpoint_id = :endpointId AND d.sequence < :beforeSequence
            ORDER BY d.sequence DESC LIMIT :limit""")
    List<WebhookDelivery> findPage(UUID endpointId, long beforeSequence, int limit);

    /** {@link #findPage} of the deliveries in {@code status} only. */
    @Query(DELIVERY + """
            WHERE d.endpoint_id = :endpointId AND d.status = :status AND d.sequence < :beforeSequence
            ORDER BY d.sequence DESC LIMIT :limit""")
    List<WebhookDelivery> findPageByStatus(UUID endpointId, String status, long beforeSequence, int limit);

    /** The sequence of the endpoint's delivery {@code id}: where a page that ended with it continues. */
    @Query("SELECT sequence FROM webhook_deliveries WHERE id = :id AND endpoint_id = :endpointId")
    Optional<Long> findSequence(UUID id, UUID endpointId);

    /** The delivery {@code id} when its endpoint belongs to the account. */
    @Query(DELIVERY + """
            JOIN webhook_endpoints p ON p.id = d.endpoint_id
            WHERE d.id = :id AND p.account_id = :accountId""")
    Optional<WebhookDelivery> findOwned(UUID id, UUID accountId);

    /**
     * The delivery's latest attempts, newest first.
     *
     * @param limit at most this many ({@link #MAX_ATTEMPTS_SHOWN})
     */
    @Query("""
            SELECT * FROM webhook_attempts WHERE delivery_id = :deliveryId ORDER BY attempt DESC LIMIT :limit""")
    List<WebhookAttemptEntity> findAttempts(UUID deliveryId, int limit);

    /**
     * Makes a delivery due again now: {@code PENDING}, not finished. Its attempts stay, and its next
     * attempt counts on from them.
     *
     * @return 1 when changed, 0 when there is no such delivery
     */
    @Query("""
            UPDATE webhook_deliveries SET status = 'PENDING', next_attempt_at = :now, finished_at = NULL
            WHERE id = :id""")
    int redeliver(UUID id, Instant now);

    /**
     * Ends the wait of the delivery's endpoint for the retry of a failed delivery (V14): a
     * redelivery asked for now goes now.
     */
    @Query("""
            UPDATE webhook_endpoints SET retry_at = NULL
            WHERE id = (SELECT endpoint_id FROM webhook_deliveries WHERE id = :deliveryId) AND retry_at IS NOT NULL""")
    int endWait(UUID deliveryId);
}
