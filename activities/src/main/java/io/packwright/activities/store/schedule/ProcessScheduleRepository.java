package io.packwright.activities.store.schedule;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import io.packwright.activities.store.managed.EnvironmentEntity;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Process schedules, one per instance, process and attached environment. The caller checks that the
 * instance belongs to the account acted for. Every method needs a surrounding transaction.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ProcessScheduleRepository extends GenericRepository<EnvironmentEntity, UUID> {

    /** The columns of {@link ProcessSchedule} for the schedules {@code s}. */
    String SCHEDULE = """
            SELECT s.id, s.integration_pack_instance_id, s.component_id, c.name AS component_name, s.environment_id,
                   s.account_id, s.enabled, s.time_zone, s.rules::text AS rules, s.max_retries, s.retry_delay_minutes,
                   s.overlap, s.disabled_reason, s.version, s.created_at, s.updated_at
            FROM process_schedules s JOIN components c ON c.id = s.component_id
            """;

    /**
     * Creates or replaces the schedule of the process in the environment; a replaced one keeps its
     * id and creation time, and its version grows.
     */
    @Query("""
            INSERT INTO process_schedules (id, integration_pack_instance_id, component_id, environment_id, account_id,
                                           enabled, time_zone, rules, max_retries, retry_delay_minutes, overlap,
                                           disabled_reason, created_at, updated_at)
            VALUES (:id, :instanceId, :componentId, :environmentId, :accountId, :enabled, :timeZone,
                    CAST(:rules AS jsonb), :maxRetries, :retryDelayMinutes, :overlap, NULL, :now, :now)
            ON CONFLICT ON CONSTRAINT process_schedules_one_per_lane DO UPDATE
                SET enabled = EXCLUDED.enabled, time_zone = EXCLUDED.time_zone, rules = EXCLUDED.rules,
                    max_retries = EXCLUDED.max_retries, retry_delay_minutes = EXCLUDED.retry_delay_minutes,
                    overlap = EXCLUDED.overlap, disabled_reason = NULL,
                    version = process_schedules.version + 1, updated_at = EXCLUDED.updated_at""")
    void upsert(
            UUID id,
            UUID instanceId,
            UUID componentId,
            UUID environmentId,
            UUID accountId,
            boolean enabled,
            String timeZone,
            String rules,
            int maxRetries,
            int retryDelayMinutes,
            String overlap,
            Instant now);

    /** The schedule of the process in the environment. */
    @Query(SCHEDULE + "WHERE s.integration_pack_instance_id = :instanceId AND s.component_id = :componentId"
            + " AND s.environment_id = :environmentId")
    Optional<ProcessSchedule> findLane(UUID instanceId, UUID componentId, UUID environmentId);

    /** A schedule by id (for its workflow). */
    @Query(SCHEDULE + "WHERE s.id = :id")
    Optional<ProcessSchedule> findSchedule(UUID id);

    /**
     * One page of the instance's schedules in creation order.
     *
     * @param after the last id of the previous page, or the nil UUID for the first page
     */
    @Query(SCHEDULE + "WHERE s.integration_pack_instance_id = :instanceId AND s.id > :after ORDER BY s.id LIMIT :limit")
    List<ProcessSchedule> findPage(UUID instanceId, UUID after, int limit);

    /**
     * Deletes the schedule of the process in the environment.
     *
     * @return 1 when deleted, 0 when there was none
     */
    @Query("""
            DELETE FROM process_schedules
            WHERE integration_pack_instance_id = :instanceId AND component_id = :componentId
              AND environment_id = :environmentId""")
    int deleteLane(UUID instanceId, UUID componentId, UUID environmentId);

    /**
     * Whether {@code componentId} is a {@code PROCESS} of the release the instance runs, and the
     * instance is attached to {@code environmentId}: what a schedule or a run needs.
     *
     * @return the component's name; empty when it is not such a process
     */
    @Query("""
            SELECT rc.component_name FROM integration_pack_instances i
            JOIN release_components rc ON rc.release_id = i.installed_release_id AND rc.component_id = :componentId
            WHERE i.id = :instanceId AND rc.component_type = 'PROCESS'""")
    Optional<String> findInstalledProcess(UUID instanceId, UUID componentId);

    /** Whether the instance is attached to the environment. */
    @Query("""
            SELECT EXISTS (SELECT 1 FROM environment_attachments
                           WHERE integration_pack_instance_id = :instanceId AND environment_id = :environmentId)""")
    boolean isAttached(UUID instanceId, UUID environmentId);
}
