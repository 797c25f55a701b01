package io.packwright.activities.store.schedule;

import io.micronaut.core.annotation.Nullable;
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
 * Process executions as the api reads and cancels them, scoped by the account; what queues or
 * claims them with a notification is in {@link ProcessExecutionStore}. Every method needs a
 * surrounding transaction.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ProcessExecutionRepository extends GenericRepository<EnvironmentEntity, UUID> {

    /** The longest message an execution may carry. */
    int MAX_MESSAGE_LENGTH = 2000;

    /** The select list of {@link ProcessExecution} for the executions {@code x}. */
    String EXECUTION_COLUMNS = """
            SELECT x.id, x.account_id, x.integration_pack_instance_id, x.component_id, x.component_name,
                   x.environment_id, x.trigger, x.attempt, x.scheduled_for, x.queued_at, x.claimed_at, x.started_at,
                   x.finished_at, x.status, x.release_number, x.package_version, x.message""";

    /**
     * {@link #EXECUTION_COLUMNS} of the executions {@code x} of live packs: a deleted pack's are gone
     * for clients at once, before its clean-up removes them.
     */
    String EXECUTION = EXECUTION_COLUMNS + """

            FROM process_executions x
            JOIN integration_packs p ON p.id = x.integration_pack_id AND p.deleted_at IS NULL
            """;

    /** The account's execution {@code id}. */
    @Query(EXECUTION + "WHERE x.id = :id AND x.account_id = :accountId")
    Optional<ProcessExecution> findOwned(UUID id, UUID accountId);

    /**
     * One page of the account's executions, newest first, optionally of one instance, environment
     * or status.
     *
     * @param before the last id of the previous page, or the largest UUID for the first page
     */
    @Query(EXECUTION + """
            WHERE x.account_id = :accountId AND x.id < :before
              AND (CAST(:instanceId AS uuid) IS NULL OR x.integration_pack_instance_id = :instanceId)
              AND (CAST(:environmentId AS uuid) IS NULL OR x.environment_id = :environmentId)
              AND (CAST(:status AS text) IS NULL OR x.status = :status)
            ORDER BY x.id DESC LIMIT :limit""")
    List<ProcessExecution> findPage(
            UUID accountId,
            @Nullable UUID instanceId,
            @Nullable UUID environmentId,
            @Nullable String status,
            UUID before,
            int limit);

    /**
     * Cancels the account's execution {@code id} while it is queued.
     *
     * @return 1 when cancelled, 0 when it is not queued (or not the account's)
     */
    @Query("""
            UPDATE process_executions SET status = 'CANCELLED', finished_at = :now, message = 'cancelled by the account'
            WHERE id = :id AND account_id = :accountId AND status = 'QUEUED'
              AND integration_pack_id IN (SELECT id FROM integration_packs WHERE deleted_at IS NULL)""")
    int cancelQueued(UUID id, UUID accountId, Instant now);
}
