package io.packwright.activities.store.pack;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import io.packwright.workflows.release.ReleaseStatus;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Deleting an integration pack, in two stages. In the request's transaction the pack is marked
 * deleted ({@link #markDeleted}): from then on it is invisible everywhere and its name is free, its
 * open releases are cancelled and it leaves its account groups, so the deletion is atomic for
 * clients. The clean-up then removes its instances in bounded batches ({@link
 * #deleteInstanceBatch}) and finally the pack row itself ({@link #deletePackIfEmpty}), whose
 * foreign keys cascade to members, releases and their content. Every step is idempotent, so a
 * clean-up interrupted by a crash is simply run again. Every method needs a surrounding
 * transaction; each clean-up step is meant to be a transaction of its own.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface PackDeletionRepository extends GenericRepository<IntegrationPackEntity, UUID> {

    /**
     * A release of a deleted pack whose workflow may still be running.
     *
     * @param releaseNumber its number, the position of a batch
     * @param workflowId its workflow's id
     */
    @Introspected
    record UnfinishedRelease(int releaseNumber, String workflowId) {}

    /**
     * Marks the live pack {@code packId} of {@code partnerAccountId} deleted and removes it from
     * every account group.
     *
     * @return false when there is no such live pack
     */
    default boolean markDeleted(UUID packId, UUID partnerAccountId, Instant now) {
        if (markLiveDeleted(packId, partnerAccountId, now) == 0) {
            return false;
        }
        removeFromAccountGroups(packId);
        return true;
    }

    /**
     * Marks the live pack {@code packId} of {@code partnerAccountId} deleted.
     *
     * @return 1 when marked, 0 when there is no such live pack
     */
    @Query("""
            UPDATE integration_packs SET deleted_at = :now
            WHERE id = :packId AND partner_account_id = :partnerAccountId AND deleted_at IS NULL""")
    int markLiveDeleted(UUID packId, UUID partnerAccountId, Instant now);

    /** Removes the pack from every account group that shares it. */
    @Query("DELETE FROM account_group_packs WHERE integration_pack_id = :packId")
    void removeFromAccountGroups(UUID packId);

    /**
     * Cancels the releases of the deleted pack {@code packId} that are still open ({@code SCHEDULED}
     * or {@code IN_PROGRESS}), so that nothing applies or restarts them any more. Does nothing for a
     * pack that is not deleted.
     *
     * @return how many were cancelled
     */
    @Query("""
            UPDATE releases r SET status = 'CANCELLED', completed_at = :now
            FROM integration_packs p
            WHERE p.id = r.integration_pack_id AND p.deleted_at IS NOT NULL
              AND r.integration_pack_id = :packId AND r.status IN """ + ReleaseStatus.OPEN_SQL + """
              """)
    int cancelOpenReleases(UUID packId, Instant now);

    /** Up to {@code limit} deleted packs whose clean-up has not finished, longest deleted first. */
    @Query("SELECT id FROM integration_packs WHERE deleted_at IS NOT NULL ORDER BY deleted_at LIMIT :limit")
    List<UUID> findDeleting(int limit);

    /**
     * One batch of the releases of {@code packId} whose workflows may still be running: every release
     * that did not end as {@code RELEASED}, by release number. A pack can have any number of them
     * (each immediate release supersedes the one before), so they are read in batches.
     *
     * @param afterReleaseNumber the last release number of the previous batch, or 0
     * @param limit the batch size
     */
    @Query("""
            SELECT release_number, workflow_id FROM releases
            WHERE integration_pack_id = :packId AND release_number > :afterReleaseNumber AND status <> 'RELEASED'
            ORDER BY release_number LIMIT :limit""")
    List<UnfinishedRelease> unfinishedReleases(UUID packId, int afterReleaseNumber, int limit);

    /**
     * Uninstalls up to {@code batchSize} instances of the deleted pack {@code packId}; their
     * extension values, environment attachments, ledger rows and apply requests cascade. Rows that
     * a concurrent clean-up holds are skipped, not waited for.
     *
     * @return how many instances were removed; 0 when none is left to this clean-up
     */
    @Query("""
            DELETE FROM integration_pack_instances WHERE id IN (
                SELECT i.id FROM integration_pack_instances i
                JOIN integration_packs p ON p.id = i.integration_pack_id AND p.deleted_at IS NOT NULL
                WHERE i.integration_pack_id = :packId
                ORDER BY i.id LIMIT :batchSize FOR UPDATE OF i SKIP LOCKED)""")
    int deleteInstanceBatch(UUID packId, int batchSize);

    /**
     * Removes the deleted pack {@code packId} once it has no instance left; members, account group
     * entries, releases and their content cascade (each bounded by the pack's size, not its install
     * base). An instance that a concurrent clean-up is still removing counts as left.
     *
     * @return 1 when the pack row was removed, else 0
     */
    @Query("""
            DELETE FROM integration_packs p
            WHERE p.id = :packId AND p.deleted_at IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM integration_pack_instances i WHERE i.integration_pack_id = p.id)""")
    int deletePackIfEmpty(UUID packId);
}
