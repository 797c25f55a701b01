package io.packwright.activities.store.pack;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
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
@Singleton
public class PackDeletionStore {

    private final JdbcOperations jdbc;

    PackDeletionStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Marks the live pack {@code packId} of {@code partnerAccountId} deleted and removes it from
     * every account group.
     *
     * @return false when there is no such live pack
     */
    public boolean markDeleted(UUID packId, UUID partnerAccountId, Instant now) {
        int marked = jdbc.prepareStatement("""
                UPDATE integration_packs SET deleted_at = ?
                WHERE id = ? AND partner_account_id = ? AND deleted_at IS NULL""", statement -> {
            statement.setTimestamp(1, Timestamp.from(now));
            statement.setObject(2, packId);
            statement.setObject(3, partnerAccountId);
            return statement.executeUpdate();
        });
        if (marked == 0) {
            return false;
        }
        jdbc.prepareStatement("DELETE FROM account_group_packs WHERE integration_pack_id = ?", statement -> {
            statement.setObject(1, packId);
            return statement.executeUpdate();
        });
        return true;
    }

    /**
     * Cancels the releases of the deleted pack {@code packId} that are still open ({@code SCHEDULED}
     * or {@code IN_PROGRESS}), so that nothing applies or restarts them any more. Does nothing for a
     * pack that is not deleted.
     *
     * @return how many were cancelled
     */
    public int cancelOpenReleases(UUID packId, Instant now) {
        return jdbc.prepareStatement("""
                UPDATE releases r SET status = 'CANCELLED', completed_at = ?
                FROM integration_packs p
                WHERE p.id = r.integration_pack_id AND p.deleted_at IS NOT NULL
                  AND r.integration_pack_id = ? AND r.status IN ('SCHEDULED', 'IN_PROGRESS')""", statement -> {
            statement.setTimestamp(1, Timestamp.from(now));
            statement.setObject(2, packId);
            return statement.executeUpdate();
        });
    }

    /** Up to {@code limit} deleted packs whose clean-up has not finished, longest deleted first. */
    public List<UUID> findDeleting(int limit) {
        return jdbc.prepareStatement(
                "SELECT id FROM integration_packs WHERE deleted_at IS NOT NULL ORDER BY deleted_at LIMIT ?",
                statement -> {
                    statement.setInt(1, limit);
                    List<UUID> ids = new ArrayList<>();
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            ids.add(rows.getObject(1, UUID.class));
                        }
                    }
                    return ids;
                });
    }

    /**
     * A release of a deleted pack whose workflow may still be running.
     *
     * @param releaseNumber its number, the position of a batch
     * @param workflowId its workflow's id
     */
    public record UnfinishedRelease(int releaseNumber, String workflowId) {}

    /**
     * One batch of the releases of {@code packId} whose workflows may still be running: every release
     * that did not end as {@code RELEASED}, by release number. A pack can have any number of them
     * (each immediate release supersedes the one before), so they are read in batches.
     *
     * @param afterReleaseNumber the last release number of the previous batch, or 0
     * @param limit the batch size
     */
    public List<UnfinishedRelease> unfinishedReleases(UUID packId, int afterReleaseNumber, int limit) {
        return jdbc.prepareStatement("""
                SELECT release_number, workflow_id FROM releases
                WHERE integration_pack_id = ? AND release_number > ? AND status <> 'RELEASED'
                ORDER BY release_number LIMIT ?""", statement -> {
            statement.setObject(1, packId);
            statement.setInt(2, afterReleaseNumber);
            statement.setInt(3, limit);
            List<UnfinishedRelease> releases = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    releases.add(new UnfinishedRelease(rows.getInt("release_number"), rows.getString("workflow_id")));
                }
            }
            return releases;
        });
    }

    /**
     * Uninstalls up to {@code batchSize} instances of the deleted pack {@code packId}; their
     * extension values, environment attachments, ledger rows and apply requests cascade. Rows that
     * a concurrent clean-up holds are skipped, not waited for.
     *
     * @return how many instances were removed; 0 when none is left to this clean-up
     */
    public int deleteInstanceBatch(UUID packId, int batchSize) {
        return jdbc.prepareStatement("""
                DELETE FROM integration_pack_instances WHERE id IN (
                    SELECT i.id FROM integration_pack_instances i
                    JOIN integration_packs p ON p.id = i.integration_pack_id AND p.deleted_at IS NOT NULL
                    WHERE i.integration_pack_id = ?
                    ORDER BY i.id LIMIT ? FOR UPDATE OF i SKIP LOCKED)""", statement -> {
            statement.setObject(1, packId);
            statement.setInt(2, batchSize);
            return statement.executeUpdate();
        });
    }

    /**
     * Removes the deleted pack {@code packId} once it has no instance left; members, account group
     * entries, releases and their content cascade (each bounded by the pack's size, not its install
     * base). An instance that a concurrent clean-up is still removing counts as left.
     *
     * @return whether the pack row was removed
     */
    public boolean deletePackIfEmpty(UUID packId) {
        return jdbc.prepareStatement("""
                        DELETE FROM integration_packs p
                        WHERE p.id = ? AND p.deleted_at IS NOT NULL
                          AND NOT EXISTS (SELECT 1 FROM integration_pack_instances i WHERE i.integration_pack_id = p.id)""", statement -> {
                    statement.setObject(1, packId);
                    return statement.executeUpdate();
                })
                > 0;
    }
}
