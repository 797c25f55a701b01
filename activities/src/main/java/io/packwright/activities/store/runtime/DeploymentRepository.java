package io.packwright.activities.store.runtime;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Deployment reports of runtimes: one per instance and environment it is attached to, replaced by
 * each report. The database counts them per release and state (migration V9). Every method needs a
 * surrounding transaction.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface DeploymentRepository extends GenericRepository<InstanceDeploymentEntity, UUID> {

    /** The longest message a report may carry. */
    int MAX_MESSAGE_LENGTH = 2000;

    /** The columns of {@link InstanceDeployment} for the reports {@code d}. */
    String DEPLOYMENT = """
            SELECT d.id, d.integration_pack_instance_id, i.account_id, d.environment_id, r.release_number, d.state,
                   d.message, d.reported_at
            FROM instance_deployments d
            JOIN integration_pack_instances i ON i.id = d.integration_pack_instance_id
            JOIN releases r ON r.id = d.release_id
            """;

    /**
     * The pack of the instance {@code instanceId} when it is attached to {@code environmentId} and
     * its pack is live: a runtime of that environment may report on it. Locks the attachment
     * ({@code FOR KEY SHARE}) so that it cannot go before the report is written.
     */
    @Query("""
            SELECT i.integration_pack_id FROM environment_attachments a
            JOIN integration_pack_instances i ON i.id = a.integration_pack_instance_id
            JOIN integration_packs p ON p.id = i.integration_pack_id AND p.deleted_at IS NULL
            WHERE a.environment_id = :environmentId AND a.integration_pack_instance_id = :instanceId
            FOR KEY SHARE OF a""")
    Optional<UUID> findAttachedPack(UUID environmentId, UUID instanceId);

    /** The id of the pack's release numbered {@code releaseNumber}. */
    @Query("SELECT id FROM releases WHERE integration_pack_id = :packId AND release_number = :releaseNumber")
    Optional<UUID> findReleaseId(UUID packId, int releaseNumber);

    /** Records a report, replacing the previous one of the instance in the environment. */
    @Query("""
            INSERT INTO instance_deployments (id, environment_id, integration_pack_instance_id, release_id, state, message,
                                              reported_at)
            VALUES (:id, :environmentId, :instanceId, :releaseId, :state, :message, :reportedAt)
            ON CONFLICT ON CONSTRAINT instance_deployments_one_per_attachment DO UPDATE
                SET release_id = EXCLUDED.release_id, state = EXCLUDED.state, message = EXCLUDED.message,
                    reported_at = EXCLUDED.reported_at""")
    void upsert(
            UUID id,
            UUID environmentId,
            UUID instanceId,
            UUID releaseId,
            String state,
            @Nullable String message,
            Instant reportedAt);

    /**
     * The reports of these instances (one page of them, or one), in report order: at most one per
     * attached environment each.
     *
     * @param instanceIds not empty
     */
    @Query(DEPLOYMENT
            + "WHERE d.integration_pack_instance_id IN (:instanceIds) ORDER BY d.integration_pack_instance_id, d.id")
    List<InstanceDeployment> findByInstances(Collection<UUID> instanceIds);

    /** {@link #findByInstances} by instance; an instance without reports is absent. */
    default Map<UUID, List<InstanceDeployment>> byInstance(Collection<UUID> instanceIds) {
        Map<UUID, List<InstanceDeployment>> reports = new LinkedHashMap<>();
        if (!instanceIds.isEmpty()) {
            for (InstanceDeployment report : findByInstances(instanceIds)) {
                reports.computeIfAbsent(report.integrationPackInstanceId(), id -> new ArrayList<>())
                        .add(report);
            }
        }
        return reports;
    }

    /**
     * One page of the reports for a release, in keyset order.
     *
     * @param after the last id of the previous page, or the nil UUID for the first page
     */
    @Query(DEPLOYMENT + "WHERE d.release_id = :releaseId AND d.id > :after ORDER BY d.id LIMIT :limit")
    List<InstanceDeployment> findPageByRelease(UUID releaseId, UUID after, int limit);

    /** {@link #findPageByRelease} of the reports in {@code state} only. */
    @Query(DEPLOYMENT
            + "WHERE d.release_id = :releaseId AND d.state = :state AND d.id > :after ORDER BY d.id LIMIT :limit")
    List<InstanceDeployment> findPageByReleaseAndState(UUID releaseId, String state, UUID after, int limit);
}
