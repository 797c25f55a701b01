package io.packwright.activities.store.schedule;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.TransactionOperations;
import io.packwright.activities.schedule.ScheduleRules;
import io.packwright.activities.schedule.StoredRule;
import io.packwright.activities.store.Ids;
import io.packwright.activities.store.notify.NotificationChannel;
import io.packwright.workflows.schedule.LanePlan;
import io.packwright.workflows.schedule.ProcessLane;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The process schedules' workflow side: recording fires, marking missed and timed-out executions,
 * queueing retries, and planning what a lane waits for next. Every method is one transaction and
 * idempotent: a fire is recorded once per schedule, instant and attempt; a retry once per failed
 * execution; a deadline passes once. Queued executions are notified on {@link
 * NotificationChannel#EXECUTIONS_QUEUED} (key: the environment) when their transaction commits.
 */
@Singleton
public class ProcessExecutionStore {

    /** The lane of the parameters {@code ?, ?, ?}: instance, component, environment. */
    private static final String LANE = "integration_pack_instance_id = ? AND component_id = ? AND environment_id = ?";

    private static final String MISSED = "UPDATE process_executions SET status = 'MISSED', finished_at = ?,"
            + " message = 'missed: no runtime of the environment claimed it before its start deadline'"
            + " WHERE " + LANE + " AND status = 'QUEUED' AND start_deadline <= ?";

    private static final String TIMED_OUT = "UPDATE process_executions SET status = 'TIMED_OUT', finished_at = ?,"
            + " message = 'timed out: its runtime stopped heartbeating before its lease expired'"
            + " WHERE " + LANE + " AND status = 'CLAIMED' AND lease_expires_at <= ?";

    /** Queues the due retries of the lane's failed and timed-out runs, and marks them retried. */
    private static final String RETRIES =
            "WITH due AS (UPDATE process_executions SET retry_queued = true WHERE " + LANE + """
             AND status IN ('FAILED', 'TIMED_OUT') AND attempt <= max_retries AND NOT retry_queued
              AND finished_at + make_interval(mins => retry_delay_minutes) <= ?
            RETURNING *),
            queued AS (
                INSERT INTO process_executions (id, account_id, integration_pack_id, integration_pack_instance_id,
                                                component_id, component_name, environment_id, schedule_id, trigger,
                                                attempt, retry_of, max_retries, retry_delay_minutes, scheduled_for,
                                                queued_at, start_deadline, status)
                SELECT gen_random_uuid(), d.account_id, d.integration_pack_id, d.integration_pack_instance_id,
                       d.component_id, d.component_name, d.environment_id, d.schedule_id, 'RETRY', d.attempt + 1,
                       d.id, d.max_retries, d.retry_delay_minutes,
                       d.finished_at + make_interval(mins => d.retry_delay_minutes), ?,
                       d.finished_at + make_interval(mins => d.retry_delay_minutes) + ?::interval, 'QUEUED'
                FROM due d
                RETURNING environment_id)
            SELECT count(*) FROM (SELECT pg_notify(?, environment_id::text) FROM queued) notified""";

    /**
     * When the lane's open executions and pending retries next need their workflow (a start deadline,
     * a lease expiry, a retry falling due), and how many there are.
     */
    private static final String NEXT_CHECK = "SELECT min(at) AS next_check, count(*) AS open FROM ("
            + "SELECT CASE WHEN status = 'QUEUED' THEN start_deadline ELSE lease_expires_at END AS at"
            + " FROM process_executions WHERE " + LANE + " AND status IN ('QUEUED', 'CLAIMED')"
            + " UNION ALL SELECT finished_at + make_interval(mins => retry_delay_minutes)"
            + " FROM process_executions WHERE " + LANE
            + " AND status IN ('FAILED', 'TIMED_OUT') AND attempt <= max_retries AND NOT retry_queued) due";

    /** The lane's queued and running executions, counted for the overlap policy. */
    private static final String OPEN = "SELECT count(*) FILTER (WHERE status = 'QUEUED') AS queued,"
            + " count(*) FILTER (WHERE status = 'CLAIMED') AS running FROM process_executions WHERE " + LANE
            + " AND status IN ('QUEUED', 'CLAIMED')";

    private static final String SCHEDULE = """
            SELECT s.id, s.enabled, s.time_zone, s.rules::text AS rules, s.overlap, s.max_retries,
                   s.retry_delay_minutes, s.account_id, i.integration_pack_id, rc.component_name
            FROM process_schedules s
            JOIN integration_pack_instances i ON i.id = s.integration_pack_instance_id
            LEFT JOIN release_components rc
                   ON rc.release_id = i.installed_release_id AND rc.component_id = s.component_id
            WHERE s.integration_pack_instance_id = ? AND s.component_id = ? AND s.environment_id = ?""";

    private final JdbcOperations jdbc;
    private final TransactionOperations<Connection> transactions;
    private final JsonMapper json;

    ProcessExecutionStore(JdbcOperations jdbc, TransactionOperations<Connection> transactions, JsonMapper json) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.json = json;
    }

    /** See {@code ProcessScheduleActivities#plan}. */
    public LanePlan plan(ProcessLane lane, Instant now, Duration startWindow) {
        return transactions.executeWrite(tx -> {
            sweep(lane, now, startWindow);
            Instant after = lane.cursor() == null || lane.cursor().isBefore(now) ? now : lane.cursor();
            return planFrom(lane, schedule(lane, ""), after, now);
        });
    }

    /** See {@code ProcessScheduleActivities#fire}. */
    public LanePlan fire(ProcessLane lane, Instant scheduledFor, Instant now, Duration startWindow) {
        return transactions.executeWrite(tx -> {
            sweep(lane, now, startWindow);
            Optional<Schedule> schedule = schedule(lane, " FOR UPDATE OF s");
            if (schedule.isPresent()
                    && schedule.get().enabled()
                    && schedule.get().componentName() != null) {
                record(lane, schedule.get(), scheduledFor, now, startWindow);
            }
            return planFrom(lane, schedule, scheduledFor.isBefore(now) ? now : scheduledFor, now);
        });
    }

    /**
     * One page of the live lanes (with a schedule, or open executions, or a retry to queue), in
     * lane order: what the reconciler makes sure has a running workflow.
     *
     * @param after the last lane of the previous page; {@code null} for the first page
     */
    public List<ProcessLane> liveLanes(@Nullable ProcessLane after, int limit) {
        return transactions.executeRead(tx -> jdbc.prepareStatement("""
                SELECT DISTINCT integration_pack_instance_id, component_id, environment_id FROM (
                    SELECT integration_pack_instance_id, component_id, environment_id FROM process_schedules
                    UNION ALL
                    SELECT integration_pack_instance_id, component_id, environment_id FROM process_executions
                    WHERE status IN ('QUEUED', 'CLAIMED')
                    UNION ALL
                    SELECT integration_pack_instance_id, component_id, environment_id FROM process_executions
                    WHERE status IN ('FAILED', 'TIMED_OUT') AND attempt <= max_retries AND NOT retry_queued) live
                WHERE (integration_pack_instance_id, component_id, environment_id) > (?, ?, ?)
                ORDER BY 1, 2, 3 LIMIT ?""", statement -> {
            UUID nil = new UUID(0, 0);
            bind(
                    statement,
                    after == null ? nil : after.instanceId(),
                    after == null ? nil : after.componentId(),
                    after == null ? nil : after.environmentId(),
                    limit);
            List<ProcessLane> lanes = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    lanes.add(new ProcessLane(
                            rows.getObject(1, UUID.class),
                            rows.getObject(2, UUID.class),
                            rows.getObject(3, UUID.class),
                            null));
                }
            }
            return lanes;
        }));
    }

    /**
     * Queues a run of the lane asked for now, with the retries of its schedule (none without one);
     * the caller checked that the process and the attachment exist.
     *
     * @return the execution's id
     */
    public UUID queueManual(ProcessLane lane, String componentName, Instant now, Duration startWindow) {
        UUID id = Ids.next();
        transactions.executeWrite(tx -> jdbc.prepareStatement("""
                WITH queued AS (
                    INSERT INTO process_executions (id, account_id, integration_pack_id, integration_pack_instance_id,
                                                    component_id, component_name, environment_id, schedule_id,
                                                    trigger, attempt, max_retries, retry_delay_minutes,
                                                    scheduled_for, queued_at, start_deadline, status)
                    SELECT ?, i.account_id, i.integration_pack_id, i.id, ?, ?, ?, s.id, 'MANUAL', 1,
                           COALESCE(s.max_retries, 0), COALESCE(s.retry_delay_minutes, 1), ?, ?, ?, 'QUEUED'
                    FROM integration_pack_instances i
                    LEFT JOIN process_schedules s ON s.integration_pack_instance_id = i.id
                          AND s.component_id = ? AND s.environment_id = ?
                    WHERE i.id = ?
                    RETURNING environment_id)
                SELECT count(*) FROM (SELECT pg_notify(?, environment_id::text) FROM queued) notified""", statement -> {
            Timestamp at = Timestamp.from(now);
            bind(
                    statement,
                    id,
                    lane.componentId(),
                    componentName,
                    lane.environmentId(),
                    at,
                    at,
                    Timestamp.from(now.plus(startWindow)),
                    lane.componentId(),
                    lane.environmentId(),
                    lane.instanceId(),
                    NotificationChannel.EXECUTIONS_QUEUED.channel());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }));
        return id;
    }

    /**
     * Claims up to {@code max} due executions of the environment for the runtime, oldest first, for
     * a lease; each records the release its instance runs now and the process's package version in
     * it, so that a run during a release window runs one consistent version. Executions that others
     * are claiming right now are skipped, never waited for.
     */
    public List<ProcessExecution> claim(UUID environmentId, UUID runtimeId, int max, Instant now, Duration lease) {
        return transactions.executeWrite(tx -> jdbc.prepareStatement(
                """
                WITH picked AS (
                    SELECT x.id FROM process_executions x
                    WHERE x.environment_id = ? AND x.status = 'QUEUED' AND x.scheduled_for <= ? AND x.start_deadline > ?
                    ORDER BY x.scheduled_for, x.id LIMIT ? FOR UPDATE SKIP LOCKED),
                claimed AS (
                    UPDATE process_executions x
                    SET status = 'CLAIMED', claimed_at = ?, runtime_id = ?, lease_expires_at = ?,
                        release_number = r.release_number, package_version = rc.package_version
                    FROM picked, integration_pack_instances i, releases r, release_components rc
                    WHERE x.id = picked.id AND i.id = x.integration_pack_instance_id AND r.id = i.installed_release_id
                      AND rc.release_id = r.id AND rc.component_id = x.component_id
                    RETURNING x.*)
                """ + ProcessExecutionRepository.EXECUTION_COLUMNS + " FROM claimed x ORDER BY x.scheduled_for, x.id",
                statement -> {
                    Timestamp at = Timestamp.from(now);
                    bind(statement, environmentId, at, at, max, at, runtimeId, Timestamp.from(now.plus(lease)));
                    return executions(statement);
                }));
    }

    /**
     * Extends the lease of an execution the runtime holds.
     *
     * @return its status now, and whether its lease was extended; empty when the environment has no
     *     such execution
     */
    public Optional<Held> heartbeat(UUID id, UUID environmentId, UUID runtimeId, Instant now, Duration lease) {
        return transactions.executeWrite(tx -> {
            int extended = jdbc.prepareStatement("""
                    UPDATE process_executions SET lease_expires_at = ?
                    WHERE id = ? AND environment_id = ? AND runtime_id = ? AND status = 'CLAIMED'""", statement -> {
                bind(statement, Timestamp.from(now.plus(lease)), id, environmentId, runtimeId);
                return statement.executeUpdate();
            });
            return held(id, environmentId, runtimeId).map(held -> new Held(held.lane(), held.status(), extended == 1));
        });
    }

    /**
     * Records the result of an execution the runtime holds: {@code SUCCEEDED} or {@code FAILED}.
     *
     * @return its status now and whether this call recorded it; empty when the environment has no
     *     such execution
     */
    public Optional<Held> result(
            UUID id,
            UUID environmentId,
            UUID runtimeId,
            String status,
            Instant startedAt,
            Instant finishedAt,
            @Nullable String message) {
        return transactions.executeWrite(tx -> {
            int recorded = jdbc.prepareStatement("""
                    UPDATE process_executions SET status = ?, started_at = ?, finished_at = ?, message = ?
                    WHERE id = ? AND environment_id = ? AND runtime_id = ? AND status = 'CLAIMED'""", statement -> {
                bind(
                        statement,
                        status,
                        Timestamp.from(startedAt),
                        Timestamp.from(finishedAt),
                        message,
                        id,
                        environmentId,
                        runtimeId);
                return statement.executeUpdate();
            });
            return held(id, environmentId, runtimeId).map(held -> new Held(held.lane(), held.status(), recorded == 1));
        });
    }

    /**
     * An execution of an environment as its runtime sees it.
     *
     * @param lane the lane it belongs to
     * @param status its status now
     * @param changed whether the call changed it (extended its lease, recorded its result)
     */
    public record Held(ProcessLane lane, String status, boolean changed) {}

    private Optional<Held> held(UUID id, UUID environmentId, UUID runtimeId) {
        return jdbc.prepareStatement("""
                SELECT integration_pack_instance_id, component_id, environment_id, status, runtime_id
                FROM process_executions WHERE id = ? AND environment_id = ?""", statement -> {
            bind(statement, id, environmentId);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.<Held>empty();
                }
                UUID holder = rows.getObject("runtime_id", UUID.class);
                String status = rows.getString("status");
                return Optional.of(new Held(
                        new ProcessLane(
                                rows.getObject("integration_pack_instance_id", UUID.class),
                                rows.getObject("component_id", UUID.class),
                                rows.getObject("environment_id", UUID.class),
                                null),
                        // another runtime's claim is not this runtime's to see
                        "CLAIMED".equals(status) && !runtimeId.equals(holder) ? "CLAIMED_BY_ANOTHER" : status,
                        false));
            }
        });
    }

    private static List<ProcessExecution> executions(PreparedStatement statement) throws SQLException {
        List<ProcessExecution> executions = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                executions.add(new ProcessExecution(
                        rows.getObject("id", UUID.class),
                        rows.getObject("account_id", UUID.class),
                        rows.getObject("integration_pack_instance_id", UUID.class),
                        rows.getObject("component_id", UUID.class),
                        rows.getString("component_name"),
                        rows.getObject("environment_id", UUID.class),
                        rows.getString("trigger"),
                        rows.getInt("attempt"),
                        rows.getTimestamp("scheduled_for").toInstant(),
                        rows.getTimestamp("queued_at").toInstant(),
                        instant(rows, "claimed_at"),
                        instant(rows, "started_at"),
                        instant(rows, "finished_at"),
                        rows.getString("status"),
                        (Integer) rows.getObject("release_number"),
                        rows.getString("package_version"),
                        rows.getString("message")));
            }
        }
        return executions;
    }

    @Nullable
    private static Instant instant(ResultSet rows, String column) throws SQLException {
        Timestamp value = rows.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    private void sweep(ProcessLane lane, Instant now, Duration startWindow) {
        Timestamp at = Timestamp.from(now);
        update(MISSED, at, lane.instanceId(), lane.componentId(), lane.environmentId(), at);
        update(TIMED_OUT, at, lane.instanceId(), lane.componentId(), lane.environmentId(), at);
        jdbc.prepareStatement(RETRIES, statement -> {
            bind(
                    statement,
                    lane.instanceId(),
                    lane.componentId(),
                    lane.environmentId(),
                    at,
                    at,
                    startWindow.toSeconds() + " seconds",
                    NotificationChannel.EXECUTIONS_QUEUED.channel());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    /** The overlap policy decides whether the fire is queued or skipped. */
    private void record(ProcessLane lane, Schedule schedule, Instant scheduledFor, Instant now, Duration startWindow) {
        long[] open = jdbc.prepareStatement(OPEN, statement -> {
            bind(statement, lane.instanceId(), lane.componentId(), lane.environmentId());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new long[] {rows.getLong("queued"), rows.getLong("running")};
            }
        });
        long queued = open[0];
        long running = open[1];
        boolean skip = switch (schedule.overlap()) {
            case "SKIP" -> queued + running > 0;
            case "BUFFER_ONE" -> queued > 0;
            default -> false;
        };
        String status = skip ? "SKIPPED" : "QUEUED";
        String message = skip
                ? "skipped: an earlier run was still " + (queued > 0 ? "queued" : "running") + " (overlap "
                        + schedule.overlap() + ")"
                : null;
        Timestamp at = Timestamp.from(now);
        jdbc.prepareStatement("""
                WITH recorded AS (
                    INSERT INTO process_executions (id, account_id, integration_pack_id, integration_pack_instance_id,
                                                    component_id, component_name, environment_id, schedule_id,
                                                    trigger, attempt, max_retries, retry_delay_minutes, scheduled_for,
                                                    queued_at, start_deadline, status, finished_at, message)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'SCHEDULE', 1, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT ON CONSTRAINT process_executions_one_fire DO NOTHING
                    RETURNING environment_id, status)
                SELECT count(*) FROM (SELECT pg_notify(?, environment_id::text) FROM recorded
                                      WHERE status = 'QUEUED') notified""", statement -> {
            bind(
                    statement,
                    Ids.next(),
                    schedule.accountId(),
                    schedule.packId(),
                    lane.instanceId(),
                    lane.componentId(),
                    schedule.componentName(),
                    lane.environmentId(),
                    schedule.id(),
                    schedule.maxRetries(),
                    schedule.retryDelayMinutes(),
                    Timestamp.from(scheduledFor),
                    at,
                    Timestamp.from(scheduledFor.plus(startWindow)),
                    status,
                    skip ? at : null,
                    message,
                    NotificationChannel.EXECUTIONS_QUEUED.channel());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    /** The plan of the lane whose schedule (as this transaction read it) is {@code schedule}. */
    private LanePlan planFrom(ProcessLane lane, Optional<Schedule> schedule, Instant after, Instant now) {
        Instant nextFire = schedule.filter(Schedule::enabled)
                .map(s -> ScheduleRules.next(
                        StoredRule.toRules(StoredRule.fromJson(json, s.rules())), ZoneId.of(s.timeZone()), after))
                .orElse(null);
        return jdbc.prepareStatement(NEXT_CHECK, statement -> {
            for (int i = 0; i < 2; i++) {
                statement.setObject(i * 3 + 1, lane.instanceId());
                statement.setObject(i * 3 + 2, lane.componentId());
                statement.setObject(i * 3 + 3, lane.environmentId());
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                Timestamp check = rows.getTimestamp("next_check");
                long open = rows.getLong("open");
                Instant nextCheck = check == null ? null : check.toInstant();
                if (nextCheck != null && nextCheck.isBefore(now)) {
                    nextCheck = now;
                }
                return new LanePlan(schedule.isPresent() || open > 0, nextFire, nextCheck);
            }
        });
    }

    private Optional<Schedule> schedule(ProcessLane lane, String lock) {
        return jdbc.prepareStatement(SCHEDULE + lock, statement -> {
            bind(statement, lane.instanceId(), lane.componentId(), lane.environmentId());
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Schedule(
                        rows.getObject("id", UUID.class),
                        rows.getBoolean("enabled"),
                        rows.getString("time_zone"),
                        rows.getString("rules"),
                        rows.getString("overlap"),
                        rows.getInt("max_retries"),
                        rows.getInt("retry_delay_minutes"),
                        rows.getObject("account_id", UUID.class),
                        rows.getObject("integration_pack_id", UUID.class),
                        rows.getString("component_name")));
            }
        });
    }

    private void update(String sql, Object... parameters) {
        jdbc.prepareStatement(sql, statement -> {
            bind(statement, parameters);
            return statement.executeUpdate();
        });
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
    }

    /**
     * A lane's schedule as a fire needs it.
     *
     * @param componentName the process's name in the installed release; {@code null} when the release
     *     does not contain it (any more)
     */
    private record Schedule(
            UUID id,
            boolean enabled,
            String timeZone,
            String rules,
            String overlap,
            int maxRetries,
            int retryDelayMinutes,
            UUID accountId,
            UUID packId,
            @Nullable String componentName) {}
}
