package io.packwright.activities.store.schedule;

import io.packwright.activities.store.Ids;
import io.packwright.activities.store.release.ReleaseRows;
import io.packwright.workflows.schedule.ProcessLane;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Process lanes and their schedules as rows, for the tests of the schedule workflow's SQL and of the
 * workflow over it: an instance on a release with one process, attached to an environment, and a
 * schedule of that process there.
 */
public final class LaneRows {

    private final Connection db;
    private final ReleaseRows rows;

    public LaneRows(Connection db) {
        this.db = db;
        this.rows = new ReleaseRows(db);
    }

    /**
     * An execution as the tests compare it.
     *
     * @param status its status
     * @param trigger {@code SCHEDULE}, {@code MANUAL} or {@code RETRY}
     * @param attempt its attempt, from 1
     * @param scheduledFor the instant it was due
     * @param message what its status means, when it has a message
     */
    public record Row(String status, String trigger, int attempt, Instant scheduledFor, String message) {}

    /** A new lane: an instance on release 1 of a new pack with one process, attached to a new environment. */
    public ProcessLane lane() throws SQLException {
        ReleaseRows.Pack pack = rows.pack();
        rows.declares(pack, pack.first());
        UUID component = rows.ids("SELECT component_id FROM release_components WHERE release_id = ?", pack.first())
                .get(0);
        UUID instance = rows.instance(pack, pack.first());
        UUID environment = Ids.next();
        rows.exec(
                "INSERT INTO environments (id, account_id, name, classification, created_at) VALUES (?, ?, ?, 'PROD', ?)",
                environment,
                pack.account(),
                "env " + environment,
                ReleaseRows.BEFORE);
        rows.exec(
                "INSERT INTO environment_attachments VALUES (?, ?, ?, ?)",
                Ids.next(),
                environment,
                instance,
                ReleaseRows.BEFORE);
        return new ProcessLane(instance, component, environment, null);
    }

    /**
     * Schedules the lane's process, enabled, with a retry delay of five minutes.
     *
     * @param rules the stored rules, as JSON
     * @param zone an IANA time zone
     * @param overlap {@code SKIP}, {@code BUFFER_ONE} or {@code ALLOW}
     */
    public void schedule(ProcessLane lane, String rules, String zone, String overlap, int maxRetries)
            throws SQLException {
        rows.exec(
                """
                INSERT INTO process_schedules (id, integration_pack_instance_id, component_id, environment_id,
                                               account_id, enabled, time_zone, rules, max_retries, retry_delay_minutes,
                                               overlap, created_at, updated_at)
                SELECT ?, i.id, ?, ?, i.account_id, true, ?, CAST(? AS jsonb), ?, 5, ?, ?, ?
                FROM integration_pack_instances i WHERE i.id = ?""",
                Ids.next(),
                lane.componentId(),
                lane.environmentId(),
                zone,
                rules,
                maxRetries,
                overlap,
                ReleaseRows.BEFORE,
                ReleaseRows.BEFORE,
                lane.instanceId());
    }

    /** Changes the lane's schedule with an SQL assignment list, e.g. {@code "enabled = false"}. */
    public void update(ProcessLane lane, String assignments, Object... parameters) throws SQLException {
        Object[] all = new Object[parameters.length + 3];
        System.arraycopy(parameters, 0, all, 0, parameters.length);
        all[parameters.length] = lane.instanceId();
        all[parameters.length + 1] = lane.componentId();
        all[parameters.length + 2] = lane.environmentId();
        rows.exec(
                "UPDATE process_schedules SET " + assignments
                        + " WHERE integration_pack_instance_id = ? AND component_id = ? AND environment_id = ?",
                all);
    }

    /** The longest time from a scheduled instant to its execution's row, over the lane's scheduled runs. */
    public Duration latestRecording(ProcessLane lane) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement("""
                SELECT COALESCE(max(EXTRACT(EPOCH FROM queued_at - scheduled_for)), 0) FROM process_executions
                WHERE integration_pack_instance_id = ? AND trigger = 'SCHEDULE'""")) {
            statement.setObject(1, lane.instanceId());
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return Duration.ofMillis(Math.round(result.getDouble(1) * 1000));
            }
        }
    }

    /** The lane's executions, by scheduled instant and attempt. */
    public List<Row> executions(ProcessLane lane) throws SQLException {
        List<Row> found = new ArrayList<>();
        try (PreparedStatement statement = db.prepareStatement("""
                SELECT status, trigger, attempt, scheduled_for, message FROM process_executions
                WHERE integration_pack_instance_id = ? ORDER BY scheduled_for, attempt, queued_at""")) {
            statement.setObject(1, lane.instanceId());
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    found.add(new Row(
                            result.getString(1),
                            result.getString(2),
                            result.getInt(3),
                            result.getTimestamp(4).toInstant(),
                            result.getString(5)));
                }
            }
        }
        return found;
    }
}
