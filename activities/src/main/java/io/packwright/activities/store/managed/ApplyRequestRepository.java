package io.packwright.activities.store.managed;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import io.packwright.workflows.release.ReleaseStatus;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Manual applies of a pending release by managed accounts: which release an instance waits for,
 * and the durable request rows that the release's workflow applies in batches. Every method needs
 * a surrounding transaction.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ApplyRequestRepository extends GenericRepository<ApplyRequestEntity, ApplyRequestEntity.Key> {

    /**
     * The release that the instance {@code instanceId} is waiting for, if any (see {@link
     * Instance#pendingUpdate()}).
     */
    @Query("""
            SELECT pend.id AS release_id, pend.release_number, pend.status, pend.workflow_id
            FROM integration_pack_instances i
            JOIN releases r ON r.id = i.installed_release_id
            JOIN LATERAL (""" + InstanceRepository.PENDING_FOR_INSTANCE + """
            ) pend ON true
            WHERE i.id = :instanceId""")
    Optional<PendingApply> findPendingApply(UUID instanceId);

    /**
     * Queues a manual apply of {@code releaseId} to the instance, durably, before its workflow is
     * signalled. Asking again while one is queued changes nothing.
     *
     * @return 1 when queued now, 0 when it was queued already
     */
    @Query("""
            INSERT INTO release_apply_requests (release_id, integration_pack_instance_id, requested_at)
            VALUES (:releaseId, :instanceId, :now) ON CONFLICT DO NOTHING""")
    int requestApply(UUID releaseId, UUID instanceId, Instant now);

    /**
     * Whether the instance already has an open release of its pack applied (for instance applied
     * manually during the testing period): applying the pending update again has nothing to do.
     */
    @Query("""
            SELECT EXISTS (
                SELECT 1 FROM release_instances ri JOIN releases r ON r.id = ri.release_id
                WHERE ri.integration_pack_instance_id = :instanceId AND ri.status = 'APPLIED'
                  AND r.status IN """ + ReleaseStatus.OPEN_SQL + """
                  )""")
    boolean hasOpenReleaseApplied(UUID instanceId);

    /** Whether a manual apply of {@code releaseId} to the instance is queued and not handled yet. */
    @Query("""
            SELECT EXISTS (
                SELECT 1 FROM release_apply_requests
                WHERE release_id = :releaseId AND integration_pack_instance_id = :instanceId)""")
    boolean isApplyQueued(UUID releaseId, UUID instanceId);
}
