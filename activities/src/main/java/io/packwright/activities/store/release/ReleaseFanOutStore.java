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
import io.packwright.workflows.release.ReleaseActivities.ControlState;
import io.packwright.workflows.release.ReleaseActivities.FinishCancelledResult;
import io.packwright.workflows.release.ReleaseActivities.OpenReleaseResult;
import io.packwright.workflows.release.ReleaseActivities.PartitionResult;
import io.packwright.workflows.release.ReleaseActivities.RevertResult;
import io.packwright.workflows.release.ReleaseActivities.WavePlan;
import io.packwright.workflows.release.ReleaseActivities.WaveState;
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
     * them to the release, and keeping the release they ran before for a revert) when they have a
     * value for every extension that the release requires without default, else {@code FAILED} with
     * the reason, or nothing at all when failures are not recorded. An instance with an outcome
     * already is left alone, unless this is a retry ({@code RETRY}) and its outcome is {@code FAILED}:
     * then the outcome is recorded again and {@code attempts} counts one more. The reason names at most {@link CappedList#SHOWN} keys and counts the rest, as the
     * api's messages do. The ledger's primary key decides, and only what was really inserted moves or counts.
     * Every probe of a large table is bounded by the batch's ids, so that no plan can fall back to
     * scanning the ledger or the extension values of the whole install base.
     */
    private static final String APPLY = "WITH required AS (" + REQUIRED_KEYS + """
            ),
            candidates AS (
                SELECT i.id, i.account_id, i.installed_release_id
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
                                               applied_at, failure_reason, recorded_at, previous_release_id, wave)
                SELECT ?, c.id, c.account_id,
                       CASE WHEN b.id IS NULL THEN 'APPLIED' ELSE 'FAILED' END,
                       CASE WHEN b.id IS NULL THEN ?::text END,
                       CASE WHEN b.id IS NULL THEN ?::timestamptz END,
                       CASE WHEN b.missing = 1
                            THEN 'required extension ' || b.keys || ' has no value and no default; set it'
                            WHEN b.missing > 1
                            THEN 'required extensions ' || b.keys || ' have no value and no default; set them'
                       END || ' with PUT /api/v1/integration-pack-instances/' || c.id || '/extensions',
                       ?::timestamptz, c.installed_release_id, ?::integer
                FROM candidates c LEFT JOIN blocked b ON b.id = c.id
                WHERE b.id IS NULL OR ?
                ON CONFLICT (release_id, integration_pack_instance_id) DO UPDATE
                    SET status = EXCLUDED.status, mode = EXCLUDED.mode, applied_at = EXCLUDED.applied_at,
                        failure_reason = EXCLUDED.failure_reason, recorded_at = EXCLUDED.recorded_at,
                        previous_release_id = EXCLUDED.previous_release_id,
                        wave = COALESCE(EXCLUDED.wave, release_instances.wave),
                        attempts = release_instances.attempts + 1
                    WHERE ?::boolean AND release_instances.status = 'FAILED'
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
    static final String DROP_REQUESTS = """
            WITH dropped AS (
                DELETE FROM release_apply_requests WHERE release_id = ?
                RETURNING integration_pack_instance_id)
            SELECT count(*) FROM (SELECT pg_notify(?, integration_pack_instance_id::text) FROM dropped) notified""";

    /**
     * How much earlier than its window a scheduled release may open: the workflow's timer fires on
     * the Temporal server's clock, the check runs on the worker's. A reschedule moves a window by
     * whole days, so anything earlier than this means the window moved.
     */
    static final Duration OPENING_TOLERANCE = Duration.ofMinutes(1);

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
                return new OpenReleaseResult(ReleaseStatus.CANCELLED, false, null);
            }
            if (!release.status().isOpen()) {
                return new OpenReleaseResult(release.status(), false, null);
            }
            if (release.status() == ReleaseStatus.PAUSED) {
                // its workflow started again while the partner held it: it stays held
                return new OpenReleaseResult(ReleaseStatus.PAUSED, true, null);
            }
            if (release.status() == ReleaseStatus.SCHEDULED
                    && release.windowStart() != null
                    && now.plus(OPENING_TOLERANCE).isBefore(release.windowStart())) {
                // rescheduled to a later window, and the workflow missed the signal
                return new OpenReleaseResult(ReleaseStatus.SCHEDULED, false, release.windowStart());
            }
            update(
                    "UPDATE releases SET status = 'IN_PROGRESS', started_at = COALESCE(started_at, ?) WHERE id = ?",
                    Timestamp.from(now),
                    releaseId);
            if (release.status() == ReleaseStatus.SCHEDULED && release.windowStart() != null) {
                afterCommit.add(() -> metrics.windowOpened(Duration.between(release.windowStart(), now)));
            }
            // what an abort makes current again
            update("""
                    UPDATE releases r SET previous_current_release_id = p.current_release_id
                    FROM integration_packs p
                    WHERE r.id = ? AND p.id = r.integration_pack_id AND p.current_release_id IS DISTINCT FROM r.id
                      AND NOT EXISTS (SELECT 1 FROM releases c
                                       WHERE c.id = p.current_release_id AND c.release_number >= r.release_number)""", releaseId);
            update("""
                    UPDATE integration_packs p SET current_release_id = ?
                    WHERE p.id = ? AND p.current_release_id IS DISTINCT FROM ?
                      AND NOT EXISTS (SELECT 1 FROM releases c
                                       WHERE c.id = p.current_release_id AND c.release_number >= ?)""", releaseId, release.packId(), releaseId, release.number());
            return new OpenReleaseResult(ReleaseStatus.IN_PROGRESS, true, null);
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
                return new ApplyRequestedResult(release.effectiveStatus(), 0, 0, false, release.windowStart());
            }
            List<ClaimedRequest> claimed = claimRequests(releaseId, limit);
            if (claimed.isEmpty()) {
                return new ApplyRequestedResult(ReleaseStatus.SCHEDULED, 0, 0, false, release.windowStart());
            }
            List<UUID> requested =
                    claimed.stream().map(ClaimedRequest::instanceId).toList();
            // a request for an instance of another pack cannot be applied: it is rejected
            List<UUID> locked = claimed.stream()
                    .filter(request -> request.packId().equals(release.packId()))
                    .map(ClaimedRequest::instanceId)
                    .toList();
            Outcome outcome = apply(releaseId, release.number(), locked, ApplyMode.MANUAL, false, null, now);
            handleRequests(releaseId, requested);
            ReleaseStatus status = checkStatus(tx, releaseId, ReleaseStatus.SCHEDULED);
            if (status != ReleaseStatus.SCHEDULED) {
                return new ApplyRequestedResult(status, 0, 0, false, release.windowStart());
            }
            boolean moreQueued = !claimRequests(releaseId, 1).isEmpty();
            claimed.forEach(request -> handledRequests.add(request.requestedAt()));
            long rejected = outcome.blocked() + requested.size() - locked.size();
            return new ApplyRequestedResult(
                    ReleaseStatus.SCHEDULED,
                    Math.toIntExact(outcome.applied()),
                    Math.toIntExact(rejected),
                    moreQueued,
                    release.windowStart());
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
            UUID releaseId,
            ApplyMode mode,
            @Nullable UUID after,
            @Nullable UUID upTo,
            int batchSize,
            @Nullable Integer wave,
            Instant now) {
        Objects.requireNonNull(mode, "mode");
        long started = System.nanoTime();
        FanOutBatch batch = transactions.executeWrite(tx -> {
            ReleaseRow release = read(releaseId, "").orElseThrow(() -> new ReleaseNotFoundException(releaseId));
            if (release.effectiveStatus() != ReleaseStatus.IN_PROGRESS) {
                return new FanOutBatch(release.effectiveStatus(), after, false, 0, 0);
            }
            List<UUID> locked = lockLane(release.packId(), after, upTo, batchSize, waveFilter(releaseId, wave));
            if (locked.isEmpty()) {
                return new FanOutBatch(ReleaseStatus.IN_PROGRESS, after, true, 0, 0);
            }
            Outcome outcome = apply(releaseId, release.number(), locked, mode, true, wave, now);
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

    /**
     * The release's control state: its (effective) status, its window start and, when one of its
     * waves soaks, when that soak ends.
     *
     * @throws ReleaseNotFoundException when there is no such release
     */
    public ControlState readControl(UUID releaseId) {
        return transactions.executeRead(tx -> {
            ReleaseRow release = read(releaseId, "").orElseThrow(() -> new ReleaseNotFoundException(releaseId));
            List<Instant> soaks = instants(
                    "SELECT soak_until FROM release_waves WHERE release_id = ? AND state = 'SOAKING' ORDER BY wave",
                    releaseId);
            return new ControlState(
                    release.effectiveStatus(), release.windowStart(), soaks.isEmpty() ? null : soaks.get(0));
        });
    }

    /**
     * One batch of a cancelled or aborted release's compensating step: the next {@code batchSize}
     * instances after {@code after} (in id order) with an {@code APPLIED} ledger row for it go back
     * to the release they ran before, and their row becomes {@code REVERTED}. An instance that no
     * longer runs the release, or whose row does not know its previous release (written before
     * migration V16), keeps its row as it is. Extension values are not touched.
     *
     * @return the new cursor, whether the ledger is exhausted and how many instances were put back;
     *     done at once when the release neither is {@code CANCELLED} nor {@code ABORTED}
     * @throws ReleaseNotFoundException when there is no such release
     */
    public RevertResult revertBatch(UUID releaseId, @Nullable UUID after, int batchSize, Instant now) {
        return transactions.executeWrite(tx -> {
            ReleaseRow release = read(releaseId, "").orElseThrow(() -> new ReleaseNotFoundException(releaseId));
            if (!release.effectiveStatus().reverts()) {
                return new RevertResult(after, true, 0);
            }
            List<UUID> picked = ids("""
                    SELECT ri.integration_pack_instance_id FROM release_instances ri
                    WHERE ri.release_id = ? AND ri.status = 'APPLIED' AND ri.integration_pack_instance_id > ?
                    ORDER BY ri.integration_pack_instance_id LIMIT ?""", releaseId, after == null ? FIRST : after, batchSize);
            if (picked.isEmpty()) {
                return new RevertResult(after, true, 0);
            }
            List<UUID> locked = ids(
                    "SELECT i.id FROM integration_pack_instances i WHERE i.id = ANY (?) ORDER BY i.id FOR UPDATE OF i",
                    picked);
            Timestamp at = Timestamp.from(now);
            long reverted = count("""
                    WITH back AS (
                        UPDATE integration_pack_instances i
                        SET installed_release_id = ri.previous_release_id, updated_at = ?
                        FROM release_instances ri
                        WHERE ri.release_id = ? AND ri.integration_pack_instance_id = i.id AND i.id = ANY (?)
                          AND ri.status = 'APPLIED' AND ri.previous_release_id IS NOT NULL
                          AND i.installed_release_id = ?
                        RETURNING i.id),
                    marked AS (
                        UPDATE release_instances ri SET status = 'REVERTED', reverted_at = ?
                        WHERE ri.release_id = ? AND ri.integration_pack_instance_id = ANY (ARRAY(SELECT id FROM back))
                        RETURNING 1)
                    SELECT count(*) FROM marked""", at, releaseId, locked, releaseId, at, releaseId);
            return new RevertResult(picked.get(picked.size() - 1), picked.size() < batchSize, reverted);
        });
    }

    /**
     * The waves of the release's staged rollout, every wave's instances counted as they are now.
     *
     * @return how many waves it has; 0 when it is not staged
     * @throws ReleaseNotFoundException when there is no such release
     */
    public WavePlan planWaves(UUID releaseId) {
        return transactions.executeWrite(tx -> {
            ReleaseRow release = read(releaseId, "").orElseThrow(() -> new ReleaseNotFoundException(releaseId));
            List<WaveTarget> waves = waves(releaseId);
            for (int wave = 0; wave < waves.size(); wave++) {
                countWave(releaseId, release.packId(), waves, wave, "state = 'PENDING'");
            }
            return new WavePlan(waves.size());
        });
    }

    /**
     * Starts wave {@code wave}: the earlier waves are {@code DONE}, this one {@code APPLYING} with
     * its instances counted. Changes nothing when the release is not {@code IN_PROGRESS}.
     *
     * @throws ReleaseNotFoundException when there is no such release
     */
    public WaveState startWave(UUID releaseId, int wave, Instant now) {
        return transactions.executeWrite(tx -> {
            ReleaseRow release = read(releaseId, "").orElseThrow(() -> new ReleaseNotFoundException(releaseId));
            if (release.effectiveStatus() != ReleaseStatus.IN_PROGRESS) {
                return new WaveState(release.effectiveStatus(), null);
            }
            update("""
                    UPDATE release_waves SET state = 'DONE', soak_until = NULL, finished_at = COALESCE(finished_at, ?)
                    WHERE release_id = ? AND wave < ? AND state <> 'DONE'""", Timestamp.from(now), releaseId, wave);
            update("""
                    UPDATE release_waves SET state = 'APPLYING', started_at = ?
                    WHERE release_id = ? AND wave = ? AND state = 'PENDING'""", Timestamp.from(now), releaseId, wave);
            countWave(releaseId, release.packId(), waves(releaseId), wave, "state = 'APPLYING'");
            return new WaveState(ReleaseStatus.IN_PROGRESS, null);
        });
    }

    /**
     * Ends the fan-out of wave {@code wave}. When the release is {@code IN_PROGRESS} and the wave's
     * failed share (of its instances with an outcome) is above the rollout's {@code
     * maxFailedPercent}, the release turns {@code PAUSED} with the reason. A wave that is not the
     * last then soaks for the rollout's {@code soakMinutes} (from the first call on), the last is
     * {@code DONE}.
     *
     * @throws ReleaseNotFoundException when there is no such release
     */
    public WaveState finishWave(UUID releaseId, int wave, Instant now) {
        return transactions.executeWrite(tx -> {
            lockPackOf(releaseId);
            ReleaseRow release = read(releaseId, " FOR NO KEY UPDATE OF r")
                    .orElseThrow(() -> new ReleaseNotFoundException(releaseId));
            ReleaseStatus status = release.effectiveStatus();
            Gate gate = gate(releaseId, wave);
            // the gate judges a wave once, when its fan-out ends: a call after a resume (a rerun, a
            // new run of the workflow) must not pause the release again for the same wave
            boolean ending = !ids(
                            "SELECT release_id FROM release_waves WHERE release_id = ? AND wave = ?"
                                    + " AND state IN ('PENDING', 'APPLYING')",
                            releaseId,
                            wave)
                    .isEmpty();
            if (status == ReleaseStatus.IN_PROGRESS && ending && gate.tripped()) {
                update(
                        "UPDATE releases SET status = 'PAUSED', status_reason = ? WHERE id = ?",
                        gate.reason(wave),
                        releaseId);
                status = ReleaseStatus.PAUSED;
            }
            boolean last = wave >= gate.waves() - 1;
            if (last) {
                update("""
                        UPDATE release_waves SET state = 'DONE', finished_at = ?
                        WHERE release_id = ? AND wave = ? AND state IN ('PENDING', 'APPLYING')""", Timestamp.from(now), releaseId, wave);
                return new WaveState(status, null);
            }
            update("""
                    UPDATE release_waves SET state = 'SOAKING', soak_until = ?::timestamptz + make_interval(mins => ?::integer)
                    WHERE release_id = ? AND wave = ? AND state IN ('PENDING', 'APPLYING')""", Timestamp.from(now), gate.soakMinutes(), releaseId, wave);
            List<Instant> soak = instants(
                    "SELECT soak_until FROM release_waves WHERE release_id = ? AND wave = ? AND state = 'SOAKING'",
                    releaseId,
                    wave);
            return new WaveState(status, soak.isEmpty() ? null : soak.get(0));
        });
    }

    /**
     * Ends the soak of wave {@code wave}: it is {@code DONE}.
     *
     * @throws ReleaseNotFoundException when there is no such release
     */
    public WaveState endSoak(UUID releaseId, int wave, Instant now) {
        return transactions.executeWrite(tx -> {
            ReleaseRow release = read(releaseId, "").orElseThrow(() -> new ReleaseNotFoundException(releaseId));
            update("""
                    UPDATE release_waves SET state = 'DONE', soak_until = NULL, finished_at = ?
                    WHERE release_id = ? AND wave = ? AND state = 'SOAKING'""", Timestamp.from(now), releaseId, wave);
            return new WaveState(release.effectiveStatus(), null);
        });
    }

    /** The targets of the release's waves, in order; empty when it is not staged. */
    private List<WaveTarget> waves(UUID releaseId) {
        return jdbc.prepareStatement(
                "SELECT percent, account_group_id FROM release_waves WHERE release_id = ? ORDER BY wave", statement -> {
                    statement.setObject(1, releaseId);
                    List<WaveTarget> waves = new ArrayList<>();
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            int percent = rows.getInt("percent");
                            waves.add(new WaveTarget(
                                    rows.wasNull() ? null : percent, rows.getObject("account_group_id", UUID.class)));
                        }
                    }
                    return waves;
                });
    }

    /**
     * Which instances a lane of wave {@code wave} applies: those of this and the earlier waves;
     * {@code null} (everyone) for an unstaged release and for the last wave.
     */
    @Nullable
    private WaveFilter waveFilter(UUID releaseId, @Nullable Integer wave) {
        return wave == null ? null : WaveFilter.upTo(waves(releaseId), wave);
    }

    /** Counts wave {@code wave}'s own instances (without the earlier waves') into its row, if it is in {@code state}. */
    private void countWave(UUID releaseId, UUID packId, List<WaveTarget> waves, int wave, String state) {
        WaveFilter through = WaveFilter.upTo(waves, wave);
        WaveFilter before = wave == 0 ? WaveFilter.NOBODY : WaveFilter.upTo(waves, wave - 1);
        String sql = "UPDATE release_waves SET instances = (SELECT count(*) FROM integration_pack_instances i"
                + " WHERE i.integration_pack_id = ?"
                + (through == null ? "" : " AND " + WaveFilter.MEMBER)
                + " AND NOT " + WaveFilter.MEMBER + ") WHERE release_id = ? AND wave = ? AND " + state;
        List<Object> parameters = new ArrayList<>();
        parameters.add(packId);
        if (through != null) {
            parameters.add(through.maxPercent());
            parameters.add(through.groupIds());
        }
        parameters.add(before.maxPercent());
        parameters.add(before.groupIds());
        parameters.add(releaseId);
        parameters.add(wave);
        update(sql, parameters.toArray());
    }

    /** The rollout's gate and soak, and wave {@code wave}'s outcomes. */
    private Gate gate(UUID releaseId, int wave) {
        return jdbc.prepareStatement("""
                SELECT r.rollout_soak_minutes, r.rollout_max_failed_percent,
                       (SELECT count(*) FROM release_waves w WHERE w.release_id = r.id) AS waves,
                       (SELECT COALESCE(sum(p.applied), 0) FROM release_wave_progress p
                         WHERE p.release_id = r.id AND p.wave = ?) AS applied,
                       (SELECT COALESCE(sum(p.failed), 0) FROM release_wave_progress p
                         WHERE p.release_id = r.id AND p.wave = ?) AS failed
                FROM releases r WHERE r.id = ?""", statement -> {
            bind(statement, wave, wave, releaseId);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new Gate(
                        rows.getInt("waves"),
                        rows.getInt("rollout_soak_minutes"),
                        rows.getInt("rollout_max_failed_percent"),
                        rows.getLong("applied"),
                        rows.getLong("failed"));
            }
        });
    }

    /**
     * @param waves how many waves the rollout has
     * @param soakMinutes the soak after each wave but the last
     * @param maxFailedPercent the largest failed share of a wave that does not pause the release
     * @param applied the wave's instances that took the release
     * @param failed the wave's instances that could not
     */
    private record Gate(int waves, int soakMinutes, int maxFailedPercent, long applied, long failed) {

        boolean tripped() {
            long outcomes = applied + failed;
            return outcomes > 0 && failed * 100 > (long) maxFailedPercent * outcomes;
        }

        String reason(int wave) {
            long outcomes = applied + failed;
            return "Failure gate: " + failed + " of the " + outcomes + " instances of wave " + (wave + 1) + " ("
                    + Math.round(failed * 1000.0 / outcomes) / 10.0 + "%) could not take the release, more than the"
                    + " rollout's maxFailedPercent of " + maxFailedPercent + "%. See the failed instances with GET"
                    + " /api/v1/releases/{id}/instances?status=FAILED, then resume or abort the release.";
        }
    }

    private List<Instant> instants(String sql, Object... parameters) {
        return jdbc.prepareStatement(sql, statement -> {
            bind(statement, parameters);
            List<Instant> instants = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    instants.add(instant(rows.getTimestamp(1)));
                }
            }
            return instants;
        });
    }

    // --- retry-failed and catch-up: the release again for instances it failed on, through APPLY in mode RETRY

    /**
     * The instances after {@code ?} (in id order, at most {@code ?}) whose ledger row for release
     * {@code ?} is {@code FAILED} and was recorded before {@code ?}: what a retry asked for at that
     * moment still has to try. A row that this retry recorded again is not picked a second time, so a
     * rerun of a batch counts no attempt twice. Walks {@code release_instances_failed_idx} (V4).
     */
    private static final String FAILED_TO_RETRY = """
            SELECT ri.integration_pack_instance_id FROM release_instances ri
            WHERE ri.release_id = ? AND ri.status = 'FAILED' AND ri.recorded_at < ?
              AND ri.integration_pack_instance_id > ?
            ORDER BY ri.integration_pack_instance_id LIMIT ?""";

    /**
     * The current release of instance {@code ?}'s live pack, with its status, read {@code FOR SHARE},
     * when it has a {@code FAILED} ledger row for the instance and a higher number than the release
     * the instance runs: the release a catch-up would apply.
     */
    private static final String CATCH_UP_TARGET = """
            SELECT r.id, r.release_number, r.status
            FROM integration_pack_instances i
            JOIN integration_packs p ON p.id = i.integration_pack_id AND p.deleted_at IS NULL
            JOIN releases r ON r.id = p.current_release_id
            JOIN releases installed ON installed.id = i.installed_release_id
            WHERE i.id = ? AND installed.release_number < r.release_number
              AND EXISTS (SELECT 1 FROM release_instances ri
                           WHERE ri.release_id = r.id AND ri.integration_pack_instance_id = i.id
                             AND ri.status = 'FAILED')
            FOR SHARE OF r""";

    /**
     * Applies the release again to the next {@code batchSize} instances (in id order, after {@code
     * after}) whose ledger row for it is {@code FAILED} and was recorded before {@code failedBefore},
     * in one transaction, with {@link #APPLY} in mode {@code RETRY}: an instance that can take it now
     * moves to it ({@code APPLIED}, mode {@code RETRY}), one that still cannot stays {@code FAILED}
     * with the new reason; {@code attempts} counts one more for both. An instance that moved on to
     * this or a newer release since keeps its row as it is. Instances are locked {@code FOR UPDATE}
     * in id order, and the batch ends with the status check: it is rolled back when the release's
     * status changed while it ran.
     *
     * @return the release's status, the new cursor, whether the failed rows are exhausted, and what
     *     was applied and failed again; nothing is changed when the release is not {@link
     *     ReleaseStatus#retriesFailed() retriable}, or its status changed before the batch committed
     * @throws ReleaseNotFoundException when there is no such release
     */
    public FanOutBatch retryBatch(
            UUID releaseId, Instant failedBefore, @Nullable UUID after, int batchSize, Instant now) {
        long started = System.nanoTime();
        FanOutBatch batch = transactions.executeWrite(tx -> {
            ReleaseRow release = read(releaseId, "").orElseThrow(() -> new ReleaseNotFoundException(releaseId));
            ReleaseStatus status = release.effectiveStatus();
            if (!status.retriesFailed()) {
                return new FanOutBatch(status, after, false, 0, 0);
            }
            List<UUID> picked = ids(
                    FAILED_TO_RETRY, releaseId, Timestamp.from(failedBefore), after == null ? FIRST : after, batchSize);
            if (picked.isEmpty()) {
                return new FanOutBatch(status, after, true, 0, 0);
            }
            List<UUID> locked = ids(
                    "SELECT i.id FROM integration_pack_instances i WHERE i.id = ANY (?) ORDER BY i.id FOR UPDATE OF i",
                    picked);
            Outcome outcome = apply(releaseId, release.number(), locked, ApplyMode.RETRY, true, null, now);
            handleRequests(releaseId, locked);
            ReleaseStatus checked = checkStatus(tx, releaseId, status);
            if (checked != status) {
                return new FanOutBatch(checked, after, false, 0, 0);
            }
            return new FanOutBatch(
                    status,
                    picked.get(picked.size() - 1),
                    picked.size() < batchSize,
                    outcome.applied(),
                    outcome.failed());
        });
        if (batch.status().retriesFailed()) {
            metrics.batch(
                    ApplyMode.RETRY, batch.applied(), batch.failed(), Duration.ofNanos(System.nanoTime() - started));
        }
        return batch;
    }

    /**
     * Catches the instance up, inside the caller's transaction (which must hold the instance's row
     * {@code FOR UPDATE}, as the api's extension update does): when its pack's current release is
     * {@code IN_PROGRESS} or {@code RELEASED}, failed on it ({@code FAILED} ledger row) and is newer
     * than the release it runs, and the instance now has a value for every key that release requires
     * without default, the release is applied to it with {@link #APPLY} in mode {@code RETRY}
     * ({@code attempts} one more) and its apply requests for it are handled. An instance that still
     * cannot take it changes nothing, its ledger row included. A paused release catches nobody up.
     *
     * <p>The release row is read {@code FOR SHARE} before applying, not at the end as a batch does:
     * a status change cannot roll back the caller's own writes, so it waits for this one short
     * transaction instead. The order of locks is the batches' (instance, then release).
     *
     * @return whether the instance moved to its pack's current release
     */
    public boolean catchUp(UUID instanceId, Instant now) {
        return transactions.executeWrite(tx -> {
            Optional<CatchUpTarget> target = jdbc.prepareStatement(CATCH_UP_TARGET, statement -> {
                statement.setObject(1, instanceId);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next()
                            ? Optional.of(new CatchUpTarget(
                                    rows.getObject("id", UUID.class),
                                    rows.getInt("release_number"),
                                    ReleaseStatus.valueOf(rows.getString("status"))))
                            : Optional.<CatchUpTarget>empty();
                }
            });
            if (target.isEmpty()
                    || (target.get().status() != ReleaseStatus.IN_PROGRESS
                            && target.get().status() != ReleaseStatus.RELEASED)) {
                return false;
            }
            UUID releaseId = target.get().releaseId();
            Outcome outcome =
                    apply(releaseId, target.get().number(), List.of(instanceId), ApplyMode.RETRY, false, null, now);
            if (outcome.applied() == 0) {
                return false;
            }
            handleRequests(releaseId, List.of(instanceId));
            return true;
        });
    }

    /** {@link #CATCH_UP_TARGET}: the release, its number and its status. */
    private record CatchUpTarget(UUID releaseId, int number, ReleaseStatus status) {}

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

    private List<UUID> lockLane(
            UUID packId, @Nullable UUID after, @Nullable UUID upTo, int batchSize, @Nullable WaveFilter wave) {
        StringBuilder sql =
                new StringBuilder("SELECT i.id FROM integration_pack_instances i WHERE i.integration_pack_id = ?");
        List<Object> parameters = new ArrayList<>();
        parameters.add(packId);
        if (wave != null) {
            sql.append(" AND ").append(WaveFilter.MEMBER);
            parameters.add(wave.maxPercent());
            parameters.add(wave.groupIds());
        }
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
            @Nullable Integer wave,
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
                    wave,
                    recordFailures,
                    mode == ApplyMode.RETRY,
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

    private static final UUID FIRST = new UUID(0, 0);

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
