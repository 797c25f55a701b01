package io.packwright.activities.store.release;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.TransactionStatus;
import io.packwright.activities.release.ReleaseMetrics;
import io.packwright.activities.store.CappedList;
import io.packwright.activities.store.component.PackageExtensionStore;
import io.packwright.activities.store.notify.NotificationChannel;
import io.packwright.workflows.release.ApplyMode;
import io.packwright.workflows.release.ReleaseActivities.ApplyRequestedResult;
import io.packwright.workflows.release.ReleaseActivities.CompleteReleaseResult;
import io.packwright.workflows.release.ReleaseActivities.FinishCancelledResult;
import io.packwright.workflows.release.ReleaseActivities.OpenReleaseResult;
import io.packwright.workflows.release.ReleaseActivities.PartitionResult;
import io.packwright.workflows.release.ReleaseStatus;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The release workflow's writes: opening and ending a release, applying it to instances (queued
 * manual applies and the fan-out over the whole install base) and the per-instance ledger. Every
 * method is one transaction of its own (or joins the caller's), is idempotent, and does its work
 * with a handful of set-based statements whatever the batch size.
 *
 * <p>Concurrency:
 *
 * <ul>
 *   <li>Applying locks the instance rows {@code FOR UPDATE} in id order, as the api's manual apply,
 *       uninstall and extension updates lock them, so that concurrent appliers wait for each other
 *       instead of deadlocking, and the ledger's primary key ({@code ON CONFLICT DO NOTHING}) lets
 *       exactly one of them record an outcome. An instance moves only to a release with a higher
 *       number than the one it runs.
 *   <li>A transaction that applies ends with the status check: it reads the release row {@code FOR
 *       SHARE} and rolls back when the release no longer has the status that the work was done for
 *       ({@code SCHEDULED} for manual applies, {@code IN_PROGRESS} for the fan-out). The api changes
 *       a release's status with an {@code UPDATE} of the same row, so either its change commits
 *       first (and the batch is rolled back) or it waits until the batch has committed. The lock is
 *       taken last, so that the api's change never waits for a whole batch to be computed. The
 *       release's counters are not in its row: the database keeps them in slotted rows (migration
 *       V8) as the ledger and the instances change, so parallel lanes never write a common row.
 *   <li>Opening a release locks its pack before the release row; whatever locks both (creating,
 *       superseding, deleting) must take them in this order too.
 * </ul>
 *
 * <p>Every apply request this store removes (applied, rejected, handled by a fan-out batch, dropped
 * with its closed release) is removed together with a notification on {@link
 * NotificationChannel#APPLY_REQUEST_HANDLED} naming its instance, in the same statement: whoever
 * waits for the request (the api's apply-pending-update) wakes when the transaction commits. One
 * notification per request, not one per release or batch: a waiter wakes only for its own instance,
 * and a fan-out over a million instances notifies only the few that someone asked for. Requests
 * that go with their instance (uninstall, pack deletion) notify nothing; their waiters find the
 * instance gone when their wait ends.
 *
 * <p>A release whose pack is deleted counts as {@code CANCELLED}.
 */
@Singleton
public class ReleaseFanOutStore {

    /**
     * The extension keys that the release {@code ?} requires a value for: declared {@code required}
     * without a {@code defaultValue} (plain, or encrypted for a secret extension) by one of its
     * packages. An instance without a value for one of them cannot take the release; the api's
     * manual apply and the fan-out both judge by it.
     */
    public static final String REQUIRED_KEYS = """
            SELECT DISTINCT pe.key
            FROM release_components rc
            JOIN package_extensions pe ON pe.packaged_component_id = rc.packaged_component_id
            WHERE rc.release_id = ? AND pe.required AND """ + PackageExtensionStore.HAS_NO_DEFAULT;

    private static final String RELEASE = """
            SELECT r.status, p.deleted_at IS NOT NULL AS pack_deleted, r.integration_pack_id, r.release_number,
                   r.window_start, r.completed_at
            FROM releases r JOIN integration_packs p ON p.id = r.integration_pack_id
            WHERE r.id = ?""";

    /**
     * Records the outcome of the locked instances that run an older release: {@code APPLIED} (moving
     * them to the release) when they have a value for every extension that the release requires
     * without default, else {@code FAILED} with the reason, or nothing at all when failures are not
     * recorded. The reason names at most {@link CappedList#SHOWN} keys and counts the rest, as the
     * api's messages do. The ledger's primary key decides, and only what was really inserted moves or counts.
     * Every probe of a large table is bounded by the batch's ids, so that no plan can fall back to
     * scanning the ledger or the extension values of the whole install base.
     */
    private static final String APPLY = "WITH required AS (" + REQUIRED_KEYS + """
            ),
            candidates AS (
                SELECT i.id, i.account_id
                FROM integration_pack_instances i
                JOIN releases installed ON installed.id = i.installed_release_id
                WHERE i.id = ANY (?) AND installed.release_number < ?),
            blocked AS (
                SELECT c.id, count(*) AS missing,
                       array_to_string((array_agg('''' || k.key || '''' ORDER BY k.key))[1:""" + CappedList.SHOWN
            + "], ', ') || CASE WHEN count(*) > " + CappedList.SHOWN + " THEN ', … and ' || (count(*) - "
            + CappedList.SHOWN + """
            ) || ' more' ELSE '' END AS keys
                FROM candidates c CROSS JOIN required k
                WHERE NOT EXISTS (SELECT 1 FROM instance_extension_values v
                                   WHERE v.integration_pack_instance_id = ANY (?)
                                     AND v.integration_pack_instance_id = c.id AND v.key = k.key)
                GROUP BY c.id),
            recorded AS (
                INSERT INTO release_instances (release_id, integration_pack_instance_id, account_id, status, mode,
                                               applied_at, failure_reason, recorded_at)
                SELECT ?, c.id, c.account_id,
                       CASE WHEN b.id IS NULL THEN 'APPLIED' ELSE 'FAILED' END,
                       CASE WHEN b.id IS NULL THEN ?::text END,
                       CASE WHEN b.id IS NULL THEN ?::timestamptz END,
                       CASE WHEN b.missing = 1
                            THEN 'required extension ' || b.keys || ' has no value and no default; set it'
                            WHEN b.missing > 1
                            THEN 'required extensions ' || b.keys || ' have no value and no default; set them'
                       END || ' with PUT /api/v1/integration-pack-instances/' || c.id || '/extensions',
                       ?::timestamptz
                FROM candidates c LEFT JOIN blocked b ON b.id = c.id
                WHERE b.id IS NULL OR ?
                ON CONFLICT DO NOTHING
                RETURNING integration_pack_instance_id, status),
            moved AS (
                UPDATE integration_pack_instances i SET installed_release_id = ?, updated_at = ?::timestamptz
                WHERE i.id = ANY (ARRAY(SELECT integration_pack_instance_id FROM recorded WHERE status = 'APPLIED'))
                RETURNING i.id)
            SELECT (SELECT count(*) FROM moved) AS applied,
                   (SELECT count(*) FROM recorded WHERE status = 'FAILED') AS failed,
                   (SELECT count(*) FROM blocked) AS blocked""";

    /**
     * Claims up to {@code ?} queued apply requests of release {@code ?}, oldest first, by locking
     * their instances ({@code FOR UPDATE SKIP LOCKED}). An instance that someone else holds (another
     * drain of the release, a fan-out lane, the api) is skipped, never waited for: drains in flight
     * together take disjoint requests, and since a drain never waits for an instance lock it can
     * be part of no deadlock with those that lock instances in id order and then remove their
     * requests (the lanes). A request whose instance is gone went with it (cascade).
     */
    private static final String CLAIM_REQUESTS = """
            SELECT i.id, i.integration_pack_id, r.requested_at
            FROM release_apply_requests r JOIN integration_pack_instances i ON i.id = r.integration_pack_instance_id
            WHERE r.release_id = ?
            ORDER BY r.requested_at, r.integration_pack_instance_id LIMIT ? FOR UPDATE OF i SKIP LOCKED""";

    /**
     * Removes the apply requests of release {@code ?} for the instances {@code ?} and notifies each
     * removed request's instance.
     */
    private static final String HANDLE_REQUESTS = """
            WITH handled AS (
                DELETE FROM release_apply_requests WHERE release_id = ? AND integration_pack_instance_id = ANY (?)
                RETURNING integration_pack_instance_id)
            SELECT count(*) FROM (SELECT pg_notify(?, integration_pack_instance_id::text) FROM handled) notified""";

    /** Removes every apply request of release {@code ?} and notifies each removed request's instance. */
    private static final String DROP_REQUESTS = """
            WITH dropped AS (
                DELETE FROM release_apply_requests WHERE release_id = ?
                RETURNING integration_pack_instance_id)
            SELECT count(*) FROM (SELECT pg_notify(?, integration_pack_instance_id::text) FROM dropped) notified""";

    private final JdbcOperations jdbc;
    private final TransactionOperations<Connection> transactions;
    private final ReleaseMetrics metrics;

    ReleaseFanOutStore(JdbcOperations jdbc, TransactionOperations<Connection> transactions, ReleaseMetrics metrics) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.metrics = metrics;
    }

    /**
     * Opens the release: {@code SCHEDULED → IN_PROGRESS}, {@code started_at} recorded once, and makes
     * it its pack's current release unless the current one has the same or a higher number. A
     * release that is closed already is left as it is; one whose pack is deleted is cancelled.
     *
     * @return the status after the call; open when it is {@code IN_PROGRESS}
     * @throws ReleaseNotFoundException when there is no such release
     */
    public OpenReleaseResult openRelease(UUID releaseId, Instant now) {
        List<Runnable> afterCommit = new ArrayList<>();
        OpenReleaseResult result = transactions.executeWrite(tx -> {
            lockPackOf(releaseId);
            ReleaseRow release = read(releaseId, " FOR NO KEY UPDATE OF r")
                    .orElseThrow(() -> new ReleaseNotFoundException(releaseId));
            if (release.cancelledWithPack()) {
                cancel(releaseId, now);
                return new OpenReleaseResult(ReleaseStatus.CANCELLED, false);
            }
            if (!release.status().isOpen()) {
                return new OpenReleaseResult(release.status(), false);
            }
            update(
                    "UPDATE releases SET status = 'IN_PROGRESS', started_at = COALESCE(started_at, ?) WHERE id = ?",
                    Timestamp.from(now),
                    releaseId);
            if (release.status() == ReleaseStatus.SCHEDULED && release.windowStart() != null) {
                afterCommit.add(() -> metrics.windowOpened(Duration.between(release.windowStart(), now)));
            }
            update("""
                    UPDATE integration_packs p SET current_release_id = ?
                    WHERE p.id = ? AND p.current_release_id IS DISTINCT FROM ?
                      AND NOT EXISTS (SELECT 1 FROM releases c
                                       WHERE c.id = p.current_release_id AND c.release_number >= ?)""", releaseId, release.packId(), releaseId, release.number());
            return new OpenReleaseResult(ReleaseStatus.IN_PROGRESS, true);
        });
        afterCommit.forEach(Runnable::run);
        return result;
    }

    /**
     * Applies up to {@code limit} queued manual applies of a {@code SCHEDULED} release, oldest
     * request first, in mode {@code MANUAL}. An instance that cannot take the release gets no
     * ledger row (the release window can still apply it once the account has fixed its values) and
     * counts as rejected, as does a request for an instance of another pack (a request whose
     * instance is gone went with it). Requests whose instance someone else holds are left for a
     * later drain ({@link #CLAIM_REQUESTS}). Every handled request row is removed. A release that is
     * not {@code SCHEDULED} is left untouched, its queue included.
     *
     * @return the release's status, what was applied and rejected, and whether requests remain that
     *     no other drain has claimed; {@code moreQueued} is false when the release is not {@code
     *     SCHEDULED}, since nothing will apply its requests any more
     * @throws ReleaseNotFoundException when there is no such release
     */
    public ApplyRequestedResult applyRequested(UUID releaseId, int limit, Instant now) {
        List<Instant> handledRequests = new ArrayList<>();
        ApplyRequestedResult result = transactions.executeWrite(tx -> {
            ReleaseRow release = read(releaseId, "").orElseThrow(() -> new ReleaseNotFoundException(releaseId));
            if (release.effectiveStatus() != ReleaseStatus.SCHEDULED) {
                return new ApplyRequestedResult(release.effectiveStatus(), 0, 0, false);
            }
            List<ClaimedRequest> claimed = claimRequests(releaseId, limit);
            if (claimed.isEmpty()) {
                return new ApplyRequestedResult(ReleaseStatus.SCHEDULED, 0, 0, false);
            }
            List<UUID> requested =
                    claimed.stream().map(ClaimedRequest::instanceId).toList();
            // a request for an instance of another pack cannot be applied: it is rejected
            List<UUID> locked = claimed.stream()
                    .filter(request -> request.packId().equals(release.packId()))
                    .map(ClaimedRequest::instanceId)
                    .toList();
            Outcome outcome = apply(releaseId, release.number(), locked, ApplyMode.MANUAL, false, now);
            handleRequests(releaseId, requested);
            ReleaseStatus status = checkStatus(tx, releaseId, ReleaseStatus.SCHEDULED);
            if (status != ReleaseStatus.SCHEDULED) {
                return new ApplyRequestedResult(status, 0, 0, false);
            }
            boolean moreQueued = !claimRequests(releaseId, 1).isEmpty();
            claimed.forEach(request -> handledRequests.add(request.requestedAt()));
            long rejected = outcome.blocked() + requested.size() - locked.size();
            return new ApplyRequestedResult(
                    ReleaseStatus.SCHEDULED, Math.toIntExact(outcome.applied()), Math.toIntExact(rejected), moreQueued);
        });
        if (result.status() == ReleaseStatus.SCHEDULED) {
            metrics.applied(ApplyMode.MANUAL, result.applied(), 0);
            handledRequests.forEach(requestedAt -> metrics.manualApplyHandled(Duration.between(requestedAt, now)));
        }
        return result;
    }

    /** {@link #CLAIM_REQUESTS}: the claimed requests, oldest first. */
    private List<ClaimedRequest> claimRequests(UUID releaseId, int limit) {
        return jdbc.prepareStatement(CLAIM_REQUESTS, statement -> {
            bind(statement, releaseId, limit);
            List<ClaimedRequest> claimed = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    claimed.add(new ClaimedRequest(
                            rows.getObject("id", UUID.class),
                            rows.getObject("integration_pack_id", UUID.class),
                            rows.getTimestamp("requested_at").toInstant()));
                }
            }
            return claimed;
        });
    }

    /** A queued manual apply whose instance this transaction has locked. */
    private record ClaimedRequest(UUID instanceId, UUID packId, Instant requestedAt) {}

    /**
     * Splits the instances of the release's pack, by id, into at most {@code lanes} contiguous
     * ranges whose sizes differ by at most one.
     *
     * @return the inclusive upper bounds of every range but the last, ascending; empty when the pack
     *     has fewer than two instances or {@code lanes} is 1
     * @throws ReleaseNotFoundException when there is no such release
     */
    public PartitionResult partition(UUID releaseId, int lanes) {
        return transactions.executeRead(tx -> {
            ReleaseRow release = read(releaseId, "").orElseThrow(() -> new ReleaseNotFoundException(releaseId));
            return new PartitionResult(ids("""
                    SELECT id FROM (
                        SELECT id, lane, lead(lane) OVER (ORDER BY id) AS next_lane
                        FROM (SELECT i.id, ntile(?) OVER (ORDER BY i.id) AS lane
                              FROM integration_pack_instances i WHERE i.integration_pack_id = ?) numbered) bounded
                    WHERE next_lane <> lane ORDER BY id""", lanes, release.packId()));
        });
    }

    /**
     * Applies an {@code IN_PROGRESS} release to the next {@code batchSize} instances of its pack
     * with an id {@code > after} (when given) and {@code <= upTo} (when given), in id order, in one
     * transaction: an instance that runs an older release gets it (ledger row {@code APPLIED} in
     * {@code mode}) or, when it lacks a required value, a {@code FAILED} ledger row with the reason;
     * instances on this or a newer release, or with a ledger row for it already, are skipped. Apply
     * requests of the batch's instances for this release are handled with it (removed, notified).
     *
     * @return the outcome; nothing is changed when the release is not {@code IN_PROGRESS}, or stops
     *     being so before the batch commits
     * @throws ReleaseNotFoundException when there is no such release
     */
    public FanOutBatch applyBatch(
            UUID releaseId, ApplyMode mode, @Nullable UUID after, @Nullable UUID upTo, int batchSize, Instant now) {
        Objects.requireNonNull(mode, "mode");
        long started = System.nanoTime();
        FanOutBatch batch = transactions.executeWrite(tx -> {
            ReleaseRow release = read(releaseId, "").orElseThrow(() -> new ReleaseNotFoundException(releaseId));
            if (release.effectiveStatus() != ReleaseStatus.IN_PROGRESS) {
                return new FanOutBatch(release.effectiveStatus(), after, false, 0, 0);
            }
            List<UUID> locked = lockLane(release.packId(), after, upTo, batchSize);
            if (locked.isEmpty()) {
                return new FanOutBatch(ReleaseStatus.IN_PROGRESS, after, true, 0, 0);
            }
            Outcome outcome = apply(releaseId, release.number(), locked, mode, true, now);
            handleRequests(releaseId, locked);
            ReleaseStatus status = checkStatus(tx, releaseId, ReleaseStatus.IN_PROGRESS);
            if (status != ReleaseStatus.IN_PROGRESS) {
                return new FanOutBatch(status, after, false, 0, 0);
            }
            return new FanOutBatch(
                    status,
                    locked.get(locked.size() - 1),
                    locked.size() < batchSize,
                    outcome.applied(),
                    outcome.failed());
        });
        if (batch.status() == ReleaseStatus.IN_PROGRESS) {
            metrics.batch(mode, batch.applied(), batch.failed(), Duration.ofNanos(System.nanoTime() - started));
        }
        return batch;
    }

    /**
     * Completes an {@code IN_PROGRESS} release: {@code RELEASED} with {@code completed_at}; a closed
     * release keeps its status, one whose pack is deleted is cancelled. Leftover apply requests are
     * removed. A {@code SCHEDULED} release, which was never opened, is left untouched.
     *
     * @return the status after the call and when the release was completed ({@code null} for a
     *     {@code SCHEDULED} release)
     * @throws ReleaseNotFoundException when there is no such release
     */
    public CompleteReleaseResult completeRelease(UUID releaseId, Instant now) {
        return transactions.executeWrite(tx -> {
            ReleaseRow release = read(releaseId, " FOR NO KEY UPDATE OF r")
                    .orElseThrow(() -> new ReleaseNotFoundException(releaseId));
            if (release.status() == ReleaseStatus.SCHEDULED && !release.packDeleted()) {
                return new CompleteReleaseResult(ReleaseStatus.SCHEDULED, null);
            }
            dropRequests(releaseId);
            if (release.cancelledWithPack()) {
                return new CompleteReleaseResult(ReleaseStatus.CANCELLED, cancel(releaseId, now));
            }
            if (release.status() == ReleaseStatus.IN_PROGRESS) {
                return new CompleteReleaseResult(
                        ReleaseStatus.RELEASED,
                        completedAt(
                                "UPDATE releases SET status = 'RELEASED', completed_at = ? WHERE id = ?"
                                        + " RETURNING completed_at",
                                now,
                                releaseId));
            }
            return new CompleteReleaseResult(release.status(), release.completedAt());
        });
    }

    /**
     * Makes sure the release is terminal after its workflow was cancelled: an open release becomes
     * {@code CANCELLED} with {@code completed_at}, a terminal one keeps its status. Leftover apply
     * requests are removed.
     *
     * @return the terminal status, or {@code CANCELLED} with {@code rowExists} false when the release
     *     row is gone
     */
    public FinishCancelledResult finishCancelled(UUID releaseId, Instant now) {
        return transactions.executeWrite(tx -> {
            Optional<ReleaseRow> found = read(releaseId, " FOR NO KEY UPDATE OF r");
            if (found.isEmpty()) {
                return new FinishCancelledResult(ReleaseStatus.CANCELLED, false);
            }
            dropRequests(releaseId);
            if (found.get().status().isOpen()) {
                cancel(releaseId, now);
                return new FinishCancelledResult(ReleaseStatus.CANCELLED, true);
            }
            return new FinishCancelledResult(found.get().status(), true);
        });
    }

    private void lockPackOf(UUID releaseId) {
        ids("""
                SELECT p.id FROM integration_packs p
                WHERE p.id = (SELECT r.integration_pack_id FROM releases r WHERE r.id = ?)
                FOR NO KEY UPDATE OF p""", releaseId);
    }

    private Optional<ReleaseRow> read(UUID releaseId, String lock) {
        return jdbc.prepareStatement(RELEASE + lock, statement -> {
            statement.setObject(1, releaseId);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                Timestamp completedAt = rows.getTimestamp("completed_at");
                return Optional.of(new ReleaseRow(
                        ReleaseStatus.valueOf(rows.getString("status")),
                        rows.getBoolean("pack_deleted"),
                        rows.getObject("integration_pack_id", UUID.class),
                        rows.getInt("release_number"),
                        instant(rows.getTimestamp("window_start")),
                        completedAt == null ? null : completedAt.toInstant()));
            }
        });
    }

    private List<UUID> lockLane(UUID packId, @Nullable UUID after, @Nullable UUID upTo, int batchSize) {
        StringBuilder sql =
                new StringBuilder("SELECT i.id FROM integration_pack_instances i WHERE i.integration_pack_id = ?");
        List<Object> parameters = new ArrayList<>();
        parameters.add(packId);
        if (after != null) {
            sql.append(" AND i.id > ?");
            parameters.add(after);
        }
        if (upTo != null) {
            sql.append(" AND i.id <= ?");
            parameters.add(upTo);
        }
        sql.append(" ORDER BY i.id LIMIT ? FOR UPDATE OF i");
        parameters.add(batchSize);
        return ids(sql.toString(), parameters.toArray());
    }

    private Outcome apply(
            UUID releaseId,
            int releaseNumber,
            List<UUID> lockedIds,
            ApplyMode mode,
            boolean recordFailures,
            Instant now) {
        if (lockedIds.isEmpty()) {
            return new Outcome(0, 0, 0);
        }
        Timestamp at = Timestamp.from(now);
        return jdbc.prepareStatement(APPLY, statement -> {
            bind(
                    statement,
                    releaseId,
                    lockedIds,
                    releaseNumber,
                    lockedIds,
                    releaseId,
                    mode.name(),
                    at,
                    at,
                    recordFailures,
                    releaseId,
                    at);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new Outcome(rows.getLong("applied"), rows.getLong("failed"), rows.getLong("blocked"));
            }
        });
    }

    /**
     * The status check that ends every applying transaction: reads the release row {@code FOR
     * SHARE} and marks the transaction rollback-only when the release no longer has {@code expected}
     * status. The release's counters are not in its row (migration V8 keeps them), so parallel lanes
     * share this lock and never upgrade it.
     *
     * @return the release's (effective) status
     */
    private ReleaseStatus checkStatus(TransactionStatus<?> tx, UUID releaseId, ReleaseStatus expected) {
        ReleaseStatus current = read(releaseId, " FOR SHARE OF r")
                .map(ReleaseRow::effectiveStatus)
                .orElseThrow(() -> new ReleaseNotFoundException(releaseId));
        if (current != expected) {
            tx.setRollbackOnly();
        }
        return current;
    }

    private Instant cancel(UUID releaseId, Instant now) {
        return completedAt(
                "UPDATE releases SET status = 'CANCELLED', completed_at = ? WHERE id = ? RETURNING completed_at",
                now,
                releaseId);
    }

    private Instant completedAt(String sql, Instant now, UUID releaseId) {
        return jdbc.prepareStatement(sql, statement -> {
            bind(statement, Timestamp.from(now), releaseId);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getTimestamp(1).toInstant();
            }
        });
    }

    private void dropRequests(UUID releaseId) {
        count(DROP_REQUESTS, releaseId, NotificationChannel.APPLY_REQUEST_HANDLED.channel());
    }

    /** The instances' requests are done with: this release is applied to them, or cannot be. */
    private void handleRequests(UUID releaseId, List<UUID> instanceIds) {
        count(HANDLE_REQUESTS, releaseId, instanceIds, NotificationChannel.APPLY_REQUEST_HANDLED.channel());
    }

    private long count(String sql, Object... parameters) {
        return jdbc.prepareStatement(sql, statement -> {
            bind(statement, parameters);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    private void update(String sql, Object... parameters) {
        jdbc.prepareStatement(sql, statement -> {
            bind(statement, parameters);
            return statement.executeUpdate();
        });
    }

    private List<UUID> ids(String sql, Object... parameters) {
        return jdbc.prepareStatement(sql, statement -> {
            bind(statement, parameters);
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class));
                }
            }
            return ids;
        });
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i] instanceof List<?> list) {
                statement.setArray(i + 1, statement.getConnection().createArrayOf("uuid", list.toArray()));
            } else {
                statement.setObject(i + 1, parameters[i]);
            }
        }
    }

    private static Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static ReleaseStatus effective(ReleaseStatus stored, boolean packDeleted) {
        return packDeleted && stored.isOpen() ? ReleaseStatus.CANCELLED : stored;
    }

    /** A release row as read, with its pack's deletion. */
    private record ReleaseRow(
            ReleaseStatus status,
            boolean packDeleted,
            UUID packId,
            int number,
            @Nullable Instant windowStart,
            @Nullable Instant completedAt) {

        /** Still open in its row, but its pack is deleted. */
        boolean cancelledWithPack() {
            return packDeleted && status.isOpen();
        }

        ReleaseStatus effectiveStatus() {
            return effective(status, packDeleted);
        }
    }

    /**
     * @param applied instances moved to the release
     * @param failed {@code FAILED} ledger rows inserted
     * @param blocked candidates that lack a required value, whether recorded or not
     */
    private record Outcome(long applied, long failed, long blocked) {}
}
