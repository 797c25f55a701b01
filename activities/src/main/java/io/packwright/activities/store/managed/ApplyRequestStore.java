package io.packwright.activities.store.managed;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.packwright.workflows.release.ReleaseStatus;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Manual applies of a pending release by managed accounts: which release an instance waits for,
 * and the durable request rows that the release's workflow applies in batches. Every method needs
 * a surrounding transaction.
 */
@Singleton
public class ApplyRequestStore {

    /**
     * The release an instance is waiting for.
     *
     * @param releaseId the release
     * @param releaseNumber its number
     * @param status {@code SCHEDULED} (may be applied manually) or {@code IN_PROGRESS} (being applied)
     * @param workflowId its workflow
     */
    public record PendingApply(UUID releaseId, int releaseNumber, ReleaseStatus status, String workflowId) {}

    private final JdbcOperations jdbc;

    ApplyRequestStore(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The release that the instance {@code instanceId} is waiting for, if any (see {@link
     * InstanceStore.Instance#pendingUpdate()}).
     */
    public Optional<PendingApply> pendingApply(UUID instanceId) {
        return jdbc
                .prepareStatement("""
                        SELECT pend.id, pend.release_number, pend.status, pend.workflow_id
                        FROM integration_pack_instances i
                        JOIN releases r ON r.id = i.installed_release_id
                        JOIN LATERAL (%s) pend ON true
                        WHERE i.id = ?""".formatted(InstanceStore.PENDING_FOR_INSTANCE), statement -> {
                    statement.setObject(1, instanceId);
                    try (ResultSet rows = statement.executeQuery()) {
                        return rows.next()
                                ? List.of(new PendingApply(
                                        rows.getObject("id", UUID.class),
                                        rows.getInt("release_number"),
                                        ReleaseStatus.valueOf(rows.getString("status")),
                                        rows.getString("workflow_id")))
                                : List.<PendingApply>of();
                    }
                })
                .stream()
                .findFirst();
    }

    /**
     * Queues a manual apply of {@code releaseId} to the instance, durably, before its workflow is
     * signalled. Asking again while one is queued changes nothing.
     */
    public void requestApply(UUID releaseId, UUID instanceId, Instant now) {
        jdbc.prepareStatement("""
                INSERT INTO release_apply_requests (release_id, integration_pack_instance_id, requested_at)
                VALUES (?, ?, ?) ON CONFLICT DO NOTHING""", statement -> {
            statement.setObject(1, releaseId);
            statement.setObject(2, instanceId);
            statement.setTimestamp(3, Timestamp.from(now));
            return statement.executeUpdate();
        });
    }

    /**
     * Whether the instance already has an open release of its pack applied (for instance applied
     * manually during the testing period): applying the pending update again has nothing to do.
     */
    public boolean hasOpenReleaseApplied(UUID instanceId) {
        return jdbc.prepareStatement("""
                SELECT 1 FROM release_instances ri JOIN releases r ON r.id = ri.release_id
                WHERE ri.integration_pack_instance_id = ? AND ri.status = 'APPLIED'
                  AND r.status IN ('SCHEDULED', 'IN_PROGRESS')""", statement -> {
            statement.setObject(1, instanceId);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        });
    }

    /** Whether a manual apply of {@code releaseId} to the instance is queued and not handled yet. */
    public boolean isApplyQueued(UUID releaseId, UUID instanceId) {
        return jdbc.prepareStatement(
                "SELECT 1 FROM release_apply_requests WHERE release_id = ? AND integration_pack_instance_id = ?",
                statement -> {
                    statement.setObject(1, releaseId);
                    statement.setObject(2, instanceId);
                    try (ResultSet rows = statement.executeQuery()) {
                        return rows.next();
                    }
                });
    }
}
