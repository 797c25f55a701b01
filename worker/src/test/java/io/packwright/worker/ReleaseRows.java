package io.packwright.worker;

import io.packwright.activities.store.Ids;
import io.packwright.activities.store.TestDatabase;
import io.packwright.workflows.release.ReleaseSchedule;
import io.packwright.workflows.release.ReleaseStatus;
import io.packwright.workflows.release.ReleaseWorkflow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Release rows written with SQL, as the api writes them before it starts their workflows; the
 * reconciler's tests need them in every status, also in states that only a crash leaves behind.
 */
final class ReleaseRows {

    private final TestDatabase database;
    private final UUID partnerId = Ids.next();

    ReleaseRows(TestDatabase database) {
        this.database = database;
        execute(
                "INSERT INTO accounts (id, name, type, time_zone, integration_pack_management, created_at, updated_at)"
                        + " VALUES (?, ?, 'PARTNER', 'Europe/Berlin', true, now(), now())",
                partnerId,
                "Partner " + partnerId);
    }

    /** A live pack of the partner. */
    UUID pack(String name) {
        UUID packId = Ids.next();
        execute(
                "INSERT INTO integration_packs (id, partner_account_id, name, installation_type, created_at, updated_at)"
                        + " VALUES (?, ?, ?, 'SINGLE', now(), now())",
                packId,
                partnerId,
                name);
        return packId;
    }

    /** Marks the pack deleted, as a DELETE does before its clean-up has run. */
    void markDeleted(UUID packId) {
        execute("UPDATE integration_packs SET deleted_at = now() WHERE id = ?", packId);
    }

    /**
     * Release {@code number} of {@code packId} in {@code status}; a {@code SCHEDULED} one is on a date
     * (its window in the future), any other one immediate.
     *
     * @return its workflow id
     */
    String release(UUID packId, int number, ReleaseStatus status) {
        boolean scheduled = status == ReleaseStatus.SCHEDULED;
        Instant windowStart = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.DAYS);
        String workflowId = ReleaseWorkflow.workflowId(packId, number);
        execute(
                "INSERT INTO releases (id, integration_pack_id, partner_account_id, release_number, release_schedule,"
                        + " release_on_date, window_start, window_end, status, workflow_id, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
                Ids.next(),
                packId,
                partnerId,
                number,
                (scheduled ? ReleaseSchedule.RELEASE_ON_SPECIFIED_DATE : ReleaseSchedule.IMMEDIATELY).name(),
                scheduled ? LocalDate.ofInstant(windowStart, ZoneOffset.UTC) : null,
                scheduled ? Timestamp.from(windowStart) : null,
                scheduled ? Timestamp.from(windowStart.plus(1, ChronoUnit.HOURS)) : null,
                status.name(),
                workflowId);
        execute("UPDATE integration_packs SET last_release_number = ? WHERE id = ?", number, packId);
        return workflowId;
    }

    /** Runs a statement on the test database (also to break and repair it). */
    void execute(String sql, Object... parameters) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
