package io.packwright.worker;

import io.packwright.activities.store.Ids;
import io.packwright.activities.store.TestDatabase;
import io.packwright.workflows.release.ReleaseSchedule;
import io.packwright.workflows.release.ReleaseStatus;
import io.packwright.workflows.release.ReleaseWorkflow;
import io.packwright.workflows.schedule.ProcessScheduleWorkflow;
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

    /**
     * A process lane with a disabled schedule: an instance of a new pack (on its released release 1,
     * whose one component is a process), attached to an environment of a new managed account.
     *
     * @return the workflow id of the lane
     */
    String processLane() {
        UUID pack = pack("Lane pack " + Ids.next());
        String releaseWorkflow = release(pack, 1, ReleaseStatus.RELEASED);
        UUID account = Ids.next();
        UUID component = Ids.next();
        UUID packaged = Ids.next();
        UUID instance = Ids.next();
        UUID environment = Ids.next();
        execute(
                "INSERT INTO accounts (id, name, type, parent_account_id, created_at, updated_at)"
                        + " VALUES (?, 'lane account', 'MANAGED', ?, now(), now())",
                account,
                partnerId);
        execute(
                "INSERT INTO components (id, partner_account_id, name, type, created_at) VALUES (?, ?, 'p', 'PROCESS', now())",
                component,
                partnerId);
        execute(
                "INSERT INTO packaged_components (id, component_id, package_version, shareable, created_at)"
                        + " VALUES (?, ?, '1.0', true, now())",
                packaged,
                component);
        execute(
                "INSERT INTO release_components SELECT r.id, ?, 'p', 'PROCESS', ?, '1.0' FROM releases r"
                        + " WHERE r.workflow_id = ?",
                component,
                packaged,
                releaseWorkflow);
        execute(
                "INSERT INTO integration_pack_instances (id, account_id, integration_pack_id, override_name,"
                        + " installed_release_id, created_at, updated_at)"
                        + " SELECT ?, ?, ?, NULL, r.id, now(), now() FROM releases r WHERE r.workflow_id = ?",
                instance,
                account,
                pack,
                releaseWorkflow);
        execute(
                "INSERT INTO environments (id, account_id, name, classification, created_at)"
                        + " VALUES (?, ?, 'env', 'PROD', now())",
                environment,
                account);
        execute("INSERT INTO environment_attachments VALUES (?, ?, ?, now())", Ids.next(), environment, instance);
        execute(
                "INSERT INTO process_schedules (id, integration_pack_instance_id, component_id, environment_id,"
                        + " account_id, enabled, time_zone, rules, max_retries, retry_delay_minutes, overlap,"
                        + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, false, 'UTC',"
                        + " '[{\"kind\":\"DAILY\",\"at\":\"02:30\"}]', 0, 1, 'SKIP', now(), now())",
                Ids.next(),
                instance,
                component,
                environment,
                account);
        return ProcessScheduleWorkflow.workflowId(instance, component, environment);
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
