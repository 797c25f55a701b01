package io.packwright.activities.store.webhook;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.TransactionOperations;
import io.packwright.activities.store.notify.NotificationChannel;
import io.packwright.activities.webhook.WebhookEventTypes;
import io.packwright.workflows.webhook.DeliveryPass;
import jakarta.inject.Singleton;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The delivery side of webhooks: the dispatcher's move of outbox events into deliveries, and what
 * an endpoint's workflow reads and records. Set-based statements over {@link JdbcOperations}.
 */
@Singleton
public class WebhookDeliveryStore {

    /**
     * Serialises dispatchers (one per worker process): deliveries of an endpoint are numbered in the
     * order of the outbox, and no two dispatchers lock endpoint rows in different orders.
     */
    private static final long DISPATCH_LOCK = 0x7061636b_77680001L;

    /** An endpoint subscribed to the event {@code e}: its types name it, or {@code *}. */
    private static final String SUBSCRIBED = "w.enabled AND (w.event_types @> ARRAY[e.type] OR w.event_types @> ARRAY['"
            + WebhookEventTypes.WILDCARD + "'])";

    /**
     * Moves up to {@code ?} undispatched events, oldest first, into one delivery per subscribed
     * endpoint, numbered per endpoint, and marks them dispatched. A partner's endpoints get every
     * event of its tenant (but the notices about a managed account's own endpoints); a managed
     * account's endpoints get the events about it, and of a batch of instances only its own instances.
     */
    private static final String DISPATCH = """
            WITH events AS (
                SELECT id, seq, partner_account_id, managed_account_id, type, data FROM webhook_events
                WHERE NOT dispatched ORDER BY seq LIMIT ?),
            matched AS (
                SELECT e.id AS event_id, e.seq, w.id AS endpoint_id, e.data
                FROM events e JOIN webhook_endpoints w ON w.account_id = e.partner_account_id
                WHERE %1$s AND NOT (e.managed_account_id IS NOT NULL AND e.type = ANY (?))
                UNION ALL
                SELECT e.id, e.seq, w.id, e.data
                FROM events e JOIN webhook_endpoints w ON w.account_id = e.managed_account_id
                WHERE e.type = ANY (?) AND %1$s
                UNION ALL
                SELECT e.id, e.seq, w.id, jsonb_set(e.data, '{instances}', mine.instances)
                FROM events e
                CROSS JOIN LATERAL (
                    SELECT (i ->> 'accountId')::uuid AS account_id, jsonb_agg(i) AS instances
                    FROM jsonb_array_elements(e.data -> 'instances') i GROUP BY 1) mine
                JOIN webhook_endpoints w ON w.account_id = mine.account_id
                WHERE e.managed_account_id IS NULL AND jsonb_typeof(e.data -> 'instances') = 'array'
                  AND e.type = ANY (?) AND %1$s
                  -- spares unpacking the batches of a partner none of whose managed accounts subscribes
                  AND EXISTS (SELECT 1 FROM webhook_endpoints mw JOIN accounts a ON a.id = mw.account_id
                              WHERE a.parent_account_id = e.partner_account_id)),
            counted AS (SELECT endpoint_id, count(*) AS n FROM matched GROUP BY endpoint_id),
            numbered AS (
                UPDATE webhook_endpoints w SET next_sequence = w.next_sequence + c.n
                FROM counted c WHERE w.id = c.endpoint_id
                RETURNING w.id, w.next_sequence - c.n AS first),
            delivered AS (
                INSERT INTO webhook_deliveries (id, endpoint_id, event_id, sequence, data, status, attempts,
                                                next_attempt_at, created_at)
                SELECT gen_random_uuid(), m.endpoint_id, m.event_id,
                       n.first + row_number() OVER (PARTITION BY m.endpoint_id ORDER BY m.seq) - 1,
                       m.data, 'PENDING', 0, ?, ?
                FROM matched m JOIN numbered n ON n.id = m.endpoint_id
                ON CONFLICT (endpoint_id, event_id) DO NOTHING
                RETURNING endpoint_id),
            marked AS (UPDATE webhook_events SET dispatched = true WHERE id IN (SELECT id FROM events) RETURNING 1)
            SELECT (SELECT count(*) FROM marked) AS events, (SELECT count(*) FROM delivered) AS deliveries,
                   ARRAY(SELECT DISTINCT endpoint_id FROM delivered) AS endpoints""".formatted(SUBSCRIBED);

    private final JdbcOperations jdbc;
    private final TransactionOperations<Connection> transactions;

    WebhookDeliveryStore(JdbcOperations jdbc, TransactionOperations<Connection> transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /**
     * What one dispatch did.
     *
     * @param events outbox events dispatched
     * @param deliveries deliveries made of them
     * @param endpoints the endpoints that got deliveries, whose workflows are to be signalled
     */
    public record Dispatch(int events, int deliveries, List<UUID> endpoints) {}

    /** Dispatches up to {@code limit} events in one transaction. */
    public Dispatch dispatch(int limit, Instant now) {
        return transactions.executeWrite(tx -> {
            try (PreparedStatement lock = tx.getConnection().prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, DISPATCH_LOCK);
                lock.execute();
            }
            return jdbc.prepareStatement(DISPATCH, statement -> {
                Array managedTypes = statement
                        .getConnection()
                        .createArrayOf("text", WebhookEventTypes.MANAGED_ACCOUNT_TYPES.toArray());
                Array ownerOnlyTypes =
                        statement.getConnection().createArrayOf("text", WebhookEventTypes.OWNER_ONLY_TYPES.toArray());
                Timestamp at = Timestamp.from(now);
                statement.setInt(1, limit);
                statement.setArray(2, ownerOnlyTypes);
                statement.setArray(3, managedTypes);
                statement.setArray(4, managedTypes);
                statement.setTimestamp(5, at);
                statement.setTimestamp(6, at);
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    UUID[] endpoints = (UUID[]) row.getArray("endpoints").getArray();
                    return new Dispatch(row.getInt("events"), row.getInt("deliveries"), Arrays.asList(endpoints));
                }
            });
        });
    }

    /**
     * An endpoint as a delivery needs it: where, whether it may be sent to, and its stored (still
     * encrypted) secrets.
     *
     * @param previousSecret the rotated-out secret while it still signs; {@code null} otherwise
     */
    public record Target(
            UUID id,
            String url,
            boolean enabled,
            byte[] secret,
            @Nullable byte[] previousSecret) {}

    /** The endpoint, with its previous secret only while it still signs at {@code now}. */
    public Optional<Target> target(UUID endpointId, Instant now) {
        return transactions.executeRead(tx -> jdbc.prepareStatement("""
                SELECT id, url, enabled, secret,
                       CASE WHEN previous_secret_expires_at > ? THEN previous_secret END AS previous_secret
                FROM webhook_endpoints WHERE id = ?""", statement -> {
            statement.setTimestamp(1, Timestamp.from(now));
            statement.setObject(2, endpointId);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Target(
                        row.getObject("id", UUID.class),
                        row.getString("url"),
                        row.getBoolean("enabled"),
                        row.getBytes("secret"),
                        row.getBytes("previous_secret")));
            }
        }));
    }

    /**
     * A delivery due now.
     *
     * @param attempts the attempts made so far
     * @param data the event's data for this endpoint, as JSON text
     */
    public record Due(
            UUID id, long sequence, int attempts, String type, Instant eventAt, Instant createdAt, String data) {}

    /**
     * Up to {@code limit} of the endpoint's deliveries due at {@code now}, in sequence order; none
     * while the endpoint waits for the retry of a failed one ({@code retry_at}, V14).
     */
    public List<Due> due(UUID endpointId, Instant now, int limit) {
        return transactions.executeRead(tx -> jdbc.prepareStatement("""
                SELECT d.id, d.sequence, d.attempts, e.type, e.created_at AS event_at, d.created_at, d.data::text AS data
                FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
                WHERE d.endpoint_id = ? AND d.status = 'PENDING' AND d.next_attempt_at <= ?
                  AND NOT EXISTS (SELECT 1 FROM webhook_endpoints w WHERE w.id = d.endpoint_id AND w.retry_at > ?)
                ORDER BY d.sequence LIMIT ?""", statement -> {
            statement.setObject(1, endpointId);
            statement.setTimestamp(2, Timestamp.from(now));
            statement.setTimestamp(3, Timestamp.from(now));
            statement.setInt(4, limit);
            List<Due> due = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    due.add(new Due(
                            row.getObject("id", UUID.class),
                            row.getLong("sequence"),
                            row.getInt("attempts"),
                            row.getString("type"),
                            row.getTimestamp("event_at").toInstant(),
                            row.getTimestamp("created_at").toInstant(),
                            row.getString("data")));
                }
            }
            return due;
        }));
    }

    /**
     * One attempt's outcome.
     *
     * @param statusCode the response's status; {@code null} when no response came
     * @param response the start of the response body; {@code null} without one
     * @param error why no response came; {@code null} when one did
     */
    public record Attempt(
            Instant at,
            @Nullable Integer statusCode,
            long latencyMs,
            @Nullable String response,
            @Nullable String error) {

        public boolean succeeded() {
            return statusCode != null && statusCode >= 200 && statusCode < 300;
        }
    }

    /**
     * Records attempt number {@code attempt} of a delivery and what follows: {@code SUCCEEDED}, the
     * next attempt at {@code nextAttemptAt}, or, when that is {@code null}, {@code FAILED}. The
     * endpoint's run of failures ends with a success; one that has lasted {@code disableAfter}
     * disables it. Idempotent: a retried activity recording the same attempt changes nothing.
     *
     * @return whether this call disabled the endpoint
     */
    public boolean record(
            UUID endpointId,
            UUID deliveryId,
            int attempt,
            Attempt outcome,
            @Nullable Instant nextAttemptAt,
            Duration disableAfter) {
        return transactions.executeWrite(tx -> {
            int recorded = jdbc.prepareStatement("""
                    INSERT INTO webhook_attempts (id, delivery_id, attempt, attempted_at, status_code, latency_ms,
                                                  response, error)
                    VALUES (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id, attempt) DO NOTHING""", statement -> {
                statement.setObject(1, deliveryId);
                statement.setInt(2, attempt);
                statement.setTimestamp(3, Timestamp.from(outcome.at()));
                statement.setObject(4, outcome.statusCode());
                statement.setInt(5, (int) Math.min(Integer.MAX_VALUE, outcome.latencyMs()));
                statement.setString(6, outcome.response());
                statement.setString(7, outcome.error());
                return statement.executeUpdate();
            });
            if (recorded == 0) {
                return false;
            }
            String status = outcome.succeeded() ? "SUCCEEDED" : nextAttemptAt == null ? "FAILED" : "PENDING";
            jdbc.prepareStatement("""
                    UPDATE webhook_deliveries SET status = ?, attempts = GREATEST(attempts, ?), next_attempt_at = ?,
                           finished_at = ?
                    WHERE id = ? AND status = 'PENDING'""", statement -> {
                boolean pending = status.equals("PENDING");
                statement.setString(1, status);
                statement.setInt(2, attempt);
                statement.setTimestamp(3, pending ? Timestamp.from(nextAttemptAt) : null);
                statement.setTimestamp(4, pending ? null : Timestamp.from(outcome.at()));
                statement.setObject(5, deliveryId);
                return statement.executeUpdate();
            });
            if (outcome.succeeded()) {
                jdbc.prepareStatement(
                        "UPDATE webhook_endpoints SET failing_since = NULL, retry_at = NULL WHERE id = ?"
                                + " AND (failing_since IS NOT NULL OR retry_at IS NOT NULL)",
                        statement -> {
                            statement.setObject(1, endpointId);
                            return statement.executeUpdate();
                        });
                return false;
            }
            // the whole endpoint waits for this delivery's next attempt (none when it was given up)
            jdbc.prepareStatement("UPDATE webhook_endpoints SET retry_at = ? WHERE id = ?", statement -> {
                statement.setTimestamp(1, nextAttemptAt == null ? null : Timestamp.from(nextAttemptAt));
                statement.setObject(2, endpointId);
                return statement.executeUpdate();
            });
            return jdbc.prepareStatement(
                    "SELECT enabled, failing_since FROM webhook_endpoints WHERE id = ? FOR UPDATE", statement -> {
                        statement.setObject(1, endpointId);
                        try (ResultSet row = statement.executeQuery()) {
                            if (!row.next()) {
                                return false;
                            }
                            Timestamp failingSince = row.getTimestamp("failing_since");
                            Instant since = failingSince == null ? outcome.at() : failingSince.toInstant();
                            boolean disable = row.getBoolean("enabled")
                                    && !since.isAfter(outcome.at().minus(disableAfter));
                            failing(endpointId, since, disable ? disabledReason(since) : null, outcome.at());
                            return disable;
                        }
                    });
        });
    }

    /**
     * Whether the endpoint has anything to send, and when its next delivery falls due; {@code more}
     * when one is due at {@code now}.
     */
    public DeliveryPass pass(UUID endpointId, Instant now) {
        return transactions.executeRead(tx -> jdbc.prepareStatement("""
                SELECT w.enabled, GREATEST(w.retry_at, p.next) AS next_attempt_at
                FROM webhook_endpoints w
                CROSS JOIN LATERAL (SELECT min(d.next_attempt_at) AS next FROM webhook_deliveries d
                                    WHERE d.endpoint_id = w.id AND d.status = 'PENDING') p
                WHERE w.id = ? AND p.next IS NOT NULL""", statement -> {
            statement.setObject(1, endpointId);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next() || !row.getBoolean("enabled")) {
                    return DeliveryPass.idle();
                }
                Timestamp next = row.getTimestamp("next_attempt_at");
                return next == null
                        ? DeliveryPass.idle()
                        : new DeliveryPass(
                                true, next.toInstant(), !next.toInstant().isAfter(now));
            }
        }));
    }

    /**
     * Forgets up to {@code limit} dispatched events made before {@code before}, with their
     * deliveries and attempts, oldest first; an event with a pending delivery stays.
     *
     * @return how many events it removed
     */
    public int forgetBefore(Instant before, int limit) {
        return transactions.executeWrite(tx -> jdbc.prepareStatement("""
                DELETE FROM webhook_events WHERE id IN (
                    SELECT e.id FROM webhook_events e
                    WHERE e.dispatched AND e.created_at < ?
                      AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d
                                      WHERE d.event_id = e.id AND d.status = 'PENDING')
                    ORDER BY e.created_at LIMIT ?)""", statement -> {
            statement.setTimestamp(1, Timestamp.from(before));
            statement.setInt(2, limit);
            return statement.executeUpdate();
        }));
    }

    /**
     * One page of the enabled endpoints with pending deliveries, in id order: what the reconciler
     * makes sure has a running workflow.
     *
     * @param after the last endpoint of the previous page; {@code null} for the first page
     */
    public List<UUID> endpointsWithPendingDeliveries(@Nullable UUID after, int limit) {
        return transactions.executeRead(tx -> jdbc.prepareStatement("""
                SELECT w.id FROM webhook_endpoints w
                WHERE w.enabled AND w.id > ?
                  AND EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.endpoint_id = w.id AND d.status = 'PENDING')
                ORDER BY w.id LIMIT ?""", statement -> {
            statement.setObject(1, after == null ? new UUID(0, 0) : after);
            statement.setInt(2, limit);
            List<UUID> ids = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    ids.add(row.getObject("id", UUID.class));
                }
            }
            return ids;
        }));
    }

    private void failing(UUID endpointId, Instant since, @Nullable String disabledReason, Instant now) {
        if (disabledReason == null) {
            jdbc.prepareStatement("UPDATE webhook_endpoints SET failing_since = ? WHERE id = ?", statement -> {
                statement.setTimestamp(1, Timestamp.from(since));
                statement.setObject(2, endpointId);
                return statement.executeUpdate();
            });
            return;
        }
        jdbc.prepareStatement("""
                UPDATE webhook_endpoints SET failing_since = ?, enabled = false, disabled_reason = ?, updated_at = ?
                WHERE id = ?""", statement -> {
            statement.setTimestamp(1, Timestamp.from(since));
            statement.setString(2, disabledReason);
            statement.setTimestamp(3, Timestamp.from(now));
            statement.setObject(4, endpointId);
            return statement.executeUpdate();
        });
        // the owner's notice, in the outbox like every event: its other endpoints get it
        jdbc.prepareStatement(DISABLED_NOTICE, statement -> {
            statement.setObject(1, endpointId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next();
            }
        });
    }

    /**
     * Writes the {@code webhook_endpoint.disabled} event of a just disabled endpoint, for its owner
     * (a partner, or a managed account and its partner's tenant), and wakes the dispatcher.
     */
    private static final String DISABLED_NOTICE = """
            WITH notice AS (
                INSERT INTO webhook_events (id, partner_account_id, managed_account_id, type, data, created_at)
                SELECT gen_random_uuid(), COALESCE(a.parent_account_id, a.id), CASE WHEN a.parent_account_id IS NOT NULL
                       THEN a.id END, '%s',
                       jsonb_build_object('endpointId', w.id, 'url', w.url, 'disabledReason', w.disabled_reason,
                                          'failingSince', webhook_instant(w.failing_since),
                                          'disabledAt', webhook_instant(w.updated_at)),
                       webhook_now()
                FROM webhook_endpoints w JOIN accounts a ON a.id = w.account_id WHERE w.id = ?
                RETURNING 1)
            SELECT pg_notify('%s', '%s') FROM notice""".formatted(
                    WebhookEventTypes.WEBHOOK_ENDPOINT_DISABLED,
                    NotificationChannel.WEBHOOK_EVENTS.channel(),
                    NotificationChannel.OUTBOX_KEY);

    private static String disabledReason(Instant failingSince) {
        return "Disabled automatically: every delivery attempt since " + failingSince
                + " failed. Fix the receiver and enable the endpoint again (PATCH with {\"enabled\": true}); its"
                + " pending deliveries then resume.";
    }
}
